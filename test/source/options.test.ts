import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatDuration, parseDuration} from '../../source/duration.js';
import {toOptions} from '../../source/app/options.js';
import {UsageError} from '../../source/app/usage-error.js';

test('durations: 500ms, 2s, bare seconds, minutes', () => {
	assert.equal(parseDuration('500ms'), 500);
	assert.equal(parseDuration('2s'), 2000);
	assert.equal(parseDuration('2'), 2000);
	assert.equal(parseDuration('1.5s'), 1500);
	assert.equal(parseDuration('1m'), 60_000);
	assert.equal(parseDuration('0'), 0);
	for (const bad of ['', 'abc', '-1', '2h', '1e3', 's']) {
		assert.equal(parseDuration(bad), null, bad);
	}
});

test('durations format back the way they are typed', () => {
	assert.equal(formatDuration(500), '500ms');
	assert.equal(formatDuration(2000), '2s');
	assert.equal(formatDuration(1500), '1.5s');
});

test('--interval sets the refresh interval, or one collector with id=duration', () => {
	const options = toOptions({interval: ['2s', 'processes=5s']}, {});
	assert.equal(options.refreshMs, 2000);
	assert.deepEqual(options.intervals, {processes: 5000});
	assert.equal(toOptions({}, {}).refreshMs, 1000);
});

test('bad values give one error naming the input', () => {
	assert.throws(() => toOptions({interval: ['fast']}, {}), (error: Error) => error instanceof UsageError && error.message.includes('"fast"') && error.message.includes('--interval'));
	assert.throws(() => toOptions({interval: ['10ms']}, {}), /too short/);
	assert.throws(() => toOptions({interval: ['0']}, {}), {message: '--interval: "0" is too short (the shortest is 100ms)'});
	assert.throws(() => toOptions({interval: ['processes=0s']}, {}), {message: '--interval processes: "0s" is too short (the shortest is 100ms)'});
	assert.throws(() => toOptions({interval: ['disk=2s']}, {}), /unknown collector "disk"/);
	assert.throws(() => toOptions({once: true, json: true}, {}), /choose one/);
});

test('a flag with an empty value is an error naming it, not "unset"; --interval lists only the collectors it takes', () => {
	assert.throws(() => toOptions({interval: ['']}, {}), {message: '--interval: empty (accepted: a duration such as 2s, or collector=duration)'});
	assert.throws(() => toOptions({docker: ''}, {DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock'}), {message: '--docker: empty (accepted: a socket path, unix:///path, tcp://host:port)'});
	assert.throws(() => toOptions({user: ''}, {}), {message: '--user: empty (accepted: a name)'});
	assert.throws(() => toOptions({pg: ' '}, {}), {message: '--pg: empty (accepted: a postgres:// URL or a libpq key=value string)'});
	assert.throws(() => toOptions({interval: ['container-detail=2s']}, {}), {
		message: '--interval: unknown collector "container-detail" in "container-detail=2s" (accepted: host, processes, postgres-sessions, postgres-locks, postgres-statements, containers)',
	});
});

test('colour is off with --no-color or NO_COLOR', () => {
	assert.equal(toOptions({color: false}, {}).hasColor, false);
	assert.equal(toOptions({}, {NO_COLOR: '1'}).hasColor, false);
	assert.equal(toOptions({}, {}).hasColor, true);
	assert.equal(toOptions({json: true}, {}).mode, 'json');
	assert.equal(toOptions({}, {}).hasBell, false);
	assert.equal(toOptions({bell: true}, {}).hasBell, true);
	assert.equal(toOptions({once: true}, {}).mode, 'once');
});

test('--read-only: off unless given', () => {
	assert.equal(toOptions({}, {}).isReadOnly, false);
	assert.equal(toOptions({readOnly: true}, {}).isReadOnly, true);
});
