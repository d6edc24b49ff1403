import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatAge} from '../../views/format.js';

test('an age: seconds, minutes with seconds, hours with minutes, days with hours', () => {
	assert.equal(formatAge(45), '45s');
	assert.equal(formatAge(12 * 60), '12m00s');
	assert.equal(formatAge(12 * 60 + 7.9), '12m07s');
	assert.equal(formatAge(3 * 3600 + 5 * 60 + 59), '3h05m');
	assert.equal(formatAge(2 * 86_400 + 4 * 3600), '2d04h');
	assert.equal(formatAge(-3), '0s', 'a clock that went back');
});
