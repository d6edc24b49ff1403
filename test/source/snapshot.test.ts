import assert from 'node:assert/strict';
import {test} from 'node:test';
import {toSnapshot} from '../../source/app/snapshot.js';
import {initialState, reduce} from '../../source/store/store.js';

test('--json: a source that could not be read is said once, under errors by collector id', () => {
	const reason = 'no container engine at /var/run/docker.sock (start Docker or Podman, or set DOCKER_HOST)';
	const down = reduce(initialState(1000), {type: 'collector-error', id: 'containers', at: 5000, message: reason});
	const snapshot = JSON.parse(JSON.stringify(toSnapshot(down, '1', 5000))) as Record<string, unknown>;
	assert.deepEqual(snapshot['errors'], {containers: reason});
	assert.deepEqual(snapshot['containers'], []);
	assert.deepEqual(
		Object.keys(snapshot).filter(key => /error/i.test(key)),
		['errors'],
		'no other key repeats it',
	);
	assert.equal('errors' in toSnapshot(initialState(1000), '1', 5000), false, 'absent while every source was read');
});
