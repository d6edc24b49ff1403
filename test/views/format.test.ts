import assert from 'node:assert/strict';
import {test} from 'node:test';
import {AGE_WIDTH, formatAge, shortSessionState} from '../../views/format.js';

test('an age: seconds, minutes with seconds, hours with minutes, days with hours', () => {
	assert.equal(formatAge(45), '45s');
	assert.equal(formatAge(12 * 60), '12m00s');
	assert.equal(formatAge(12 * 60 + 7.9), '12m07s');
	assert.equal(formatAge(3 * 3600 + 5 * 60 + 59), '3h05m');
	assert.equal(formatAge(2 * 86_400 + 4 * 3600), '2d04h');
	assert.equal(formatAge(-3), '0s', 'a clock that went back');
});

test('an age is never wider than AGE_WIDTH, so a column of ages never cuts a unit off', () => {
	assert.equal(formatAge(99 * 86_400 + 23 * 3600), '99d23h');
	assert.equal(formatAge(400 * 86_400 + 5 * 3600), '400d', 'from 100 days, whole days');
	assert.equal(formatAge(1e15), '99999d', 'a clock gone wrong');
	for (let seconds = 1; seconds < 1e13; seconds = seconds * 1.7 + 1) {
		assert.ok(formatAge(seconds).length <= AGE_WIDTH, `${seconds}: ${formatAge(seconds)}`);
	}
});

test('session states as pg_activity shortens them', () => {
	assert.equal(shortSessionState('idle in transaction'), 'idle in trans');
	assert.equal(shortSessionState('idle in transaction (aborted)'), 'idle in trans (a)');
	assert.equal(shortSessionState('active'), 'active');
});
