import {plot} from 'asciichart';

/** How to draw a chart: its size on screen, the label format and the value range. */
export type ChartOptions = {
	width: number;
	/** Lines the chart occupies (at least 2). */
	rows: number;
	format: (value: number) => string;
	/** Fixed range (percentages use 0–100); rates scale to their own maximum. */
	min?: number;
	max?: number;
};

const LABEL_WIDTH = 7;

/** The column of a chart's first point: after its label and a space, on the axis. Marks under a point line up from here. */
export const CHART_LEFT = LABEL_WIDTH + 1;

/** How many of the newest values a chart of this width plots, one a column from CHART_LEFT. */
export function chartPoints(width: number): number {
	return Math.max(width - CHART_LEFT - 1, 2);
}

/** Plots the newest values that fit the width with asciichart; returns its lines. A value not known (NaN: a replay's NULL) is left out, not drawn as a number. */
export function plotChart(values: readonly number[], options: ChartOptions): string[] {
	const newest = values.slice(-chartPoints(options.width));
	const series = newest.filter(value => Number.isFinite(value));
	if (series.length < 2) {
		return [newest.length < 2 ? '(collecting…)' : '(not measured)'];
	}

	const min = options.min ?? 0;
	const max = options.max ?? Math.max(...series, min + 1);
	const text = plot(series.map(value => Math.min(Math.max(value, min), max)), {
		height: Math.max(options.rows - 1, 1),
		min,
		max,
		format: value => options.format(value).slice(0, LABEL_WIDTH).padStart(LABEL_WIDTH, ' '),
	});
	return text.split('\n');
}
