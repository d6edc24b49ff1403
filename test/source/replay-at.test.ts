// `--at`, the replay's moment: each accepted form to epoch seconds, and the error naming the forms.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {UsageError} from '../../source/app/usage-error.js';
import {parseAt} from '../../source/ring/replay-at.js';

// A fixed "now": 2026-11-30 15:20:45 local time.
const NOW = new Date(2026, 10, 30, 15, 20, 45).getTime();
const local = (...fields: [number, number, number, number, number, number?]) => new Date(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5] ?? 0).getTime() / 1000;

test('--at: relative to now, in hours, minutes or seconds', () => {
	assert.equal(parseAt('-2h', NOW), NOW / 1000 - 7200);
	assert.equal(parseAt('-30m', NOW), NOW / 1000 - 1800);
	assert.equal(parseAt('-90s', NOW), NOW / 1000 - 90);
});

test('--at: a time of day is today, local time', () => {
	assert.equal(parseAt('14:05', NOW), local(2026, 11, 30, 14, 5));
	assert.equal(parseAt('9:07', NOW), local(2026, 11, 30, 9, 7));
});

test('--at: a local date and time, with or without seconds', () => {
	assert.equal(parseAt('2026-11-30 03:12', NOW), local(2026, 11, 30, 3, 12));
	assert.equal(parseAt('2026-11-29T03:12:09', NOW), local(2026, 11, 29, 3, 12, 9));
});

test('--at: an ISO time with its zone', () => {
	assert.equal(parseAt('2026-11-30T03:12:00Z', NOW), Date.UTC(2026, 10, 30, 3, 12) / 1000);
	assert.equal(parseAt('2026-11-30T03:12:00+01:00', NOW), Date.UTC(2026, 10, 30, 2, 12) / 1000);
	assert.equal(parseAt('2026-11-30T03:12:00.500Z', NOW), Date.UTC(2026, 10, 30, 3, 12) / 1000 + 0.5);
});

test('--at: anything else is refused, naming the accepted forms', () => {
	for (const text of ['', 'yesterday', '25:00', '14:5', '2026-02-30 01:00', '2h', '-2d', '-h', '2026-11-30', '2026-11-30T03:12:00+1']) {
		assert.throws(() => parseAt(text, NOW), (error: unknown) => error instanceof UsageError && error.message.startsWith(`--at: "${text}" is not a time (accepted: 14:05 (today, local time)`), text);
	}
});
