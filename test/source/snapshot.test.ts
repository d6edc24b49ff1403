import assert from 'node:assert/strict';
import {test} from 'node:test';
import {toSnapshot} from '../../source/app/snapshot.js';
import {initialState, reduce, type Action} from '../../source/store/store.js';
import {containerRow, pgLock, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';

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

test('--json: a process in a container is named by its container, by the first 12 characters of its id while the engine is down', () => {
	const id = 'f3a9c2d1b0e8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2';
	const processes = reduce(initialState(1000), {type: 'sample', id: 'processes', at: 5000, value: {processes: [processRow({pid: 42, containerId: id})], detail: null}});
	const down = reduce(processes, {type: 'collector-error', id: 'containers', at: 5000, message: 'no container engine'});
	assert.equal(toSnapshot(down, '1', 5000).processes[0]!.container, 'f3a9c2d1b0e8');
	const named = reduce(processes, {type: 'sample', id: 'containers', at: 5000, value: {engine: '/run/podman/podman.sock', containers: [containerRow({id, name: 'pg-primary'})]}});
	assert.equal(toSnapshot(named, '1', 5000).processes[0]!.container, 'pg-primary');
});

test('--json: each alert keeps its message, with the value now, beside the value, the value it fired with and a blocker\'s count', () => {
	const at = 1_000_000;
	let state = reduce(initialState(1000), {type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample([pgSession({pid: 7, waitEventType: 'Lock'}), pgSession({pid: 8, state: 'idle in transaction'})])});
	const locks = (now: number): Action => ({type: 'sample', id: 'postgres-locks', at: now, value: {blockedBy: {7: [8]}, locks: [pgLock({pid: 7, granted: false, waitStartAt: at - 45_000})]}});
	state = reduce(reduce(state, locks(at)), locks(at + 15_000));
	const alerts = JSON.parse(JSON.stringify(toSnapshot(state, '1', at).alerts)) as Array<Record<string, unknown>>;
	const fields = (alert: Record<string, unknown>) => [alert['rule'], alert['message'], alert['value'], alert['valueAtFiring'], alert['heldUp']];
	assert.deepEqual(alerts.map(fields), [
		['lock-wait', 'Waiting on a lock: 1m00s (warning above 30s)', 60, 45, undefined],
		['blocker', 'Blocking others: 1m00s, holding up 1 session (warning above 30s)', 60, 45, 1],
	]);
	assert.ok(alerts.every(alert => !('lastChangedAt' in alert)));
});
