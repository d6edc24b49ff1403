import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CHART_LEFT, chartPoints, plotChart} from '../../views/chart.js';

test('a chart plots the newest chartPoints values, the first on the axis at CHART_LEFT, one a column, within its width', () => {
	for (const width of [30, 80, 157]) {
		const points = chartPoints(width);
		// Zero everywhere but the fifth point of the window, which is 10.
		const values = Array.from({length: points + 50}, (_, index) => (index === 50 + 4 ? 10 : 0));
		const lines = plotChart(values, {width, rows: 3, format: value => `${value.toFixed(0)}%`, min: 0});
		const [top, , bottom] = lines;
		assert.equal(bottom!.indexOf('┼'), CHART_LEFT, 'the first point (0) sits on the axis');
		assert.equal(top!.indexOf('╭'), CHART_LEFT + 4, 'the fifth point, four columns on');
		assert.equal(bottom!.trimEnd().length - 1, CHART_LEFT + points - 1, 'the last point');
		assert.ok(lines.every(line => line.length <= width));
	}
});
