import assert from 'node:assert/strict';
import {test} from 'node:test';
import {median, percentile} from './median.js';

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

test('a percentile of sorted numbers, by nearest rank: the smallest value with at least p % of them at or below it', () => {
	const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
	assert.equal(percentile(values, 50), 5);
	assert.equal(percentile(values, 90), 9);
	assert.equal(percentile(values, 99), 10);
	assert.equal(percentile(values, 100), 10);
	assert.equal(percentile([4], 90), 4);
	assert.ok(Number.isNaN(percentile([], 90)));
});
