import assert from 'node:assert/strict';
import {test} from 'node:test';
import {median} from './median.js';

test('the median: the middle value of an odd count, the mean of the two middle values of an even count', () => {
	assert.equal(median([3, 1, 2]), 2);
	assert.equal(median([4, 1, 3, 2]), 2.5);
	assert.equal(median([10, 20]), 15);
	assert.equal(median([7]), 7);
	assert.ok(Number.isNaN(median([])));
});

test('the numbers are compared as numbers, and left as they were', () => {
	const values = [10, 9, 100, 1];
	assert.equal(median(values), 9.5);
	assert.deepEqual(values, [10, 9, 100, 1]);
});
