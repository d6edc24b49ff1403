// The alerts slice: the rules in force, the engine's alerts and what it remembers, and the
// series of every measured value for the alert detail's chart. The rules run after every
// sample and every failure: they read the state, so alerts follow it.
import {acknowledge, evaluate, initialAlerts, type Alert, type AlertsState, type Measurement, type Rule} from '../alerts/engine.js';
import {measure} from '../alerts/measure.js';
import {collectorOf} from '../alerts/metrics.js';
import {DEFAULT_RULES} from '../alerts/rules.js';
import {mergeAlerts} from '../alerts/state-file.js';
import type {State} from './store.js';

export type AlertsSlice = {
	/** The alert rules in force (defaults merged with the config file). */
	rules: readonly Rule[];
	/** Open and recently resolved alerts, and what the rules remember between samples. */
	alerts: AlertsState;
	/** Every measured series the rules read, and those of listed alerts whose resource is gone. */
	series: ReadonlyMap<string, Series>;
};

export const initialAlertsSlice = (rules: readonly Rule[] = DEFAULT_RULES, alerts: AlertsState = initialAlerts()): AlertsSlice => ({rules, alerts, series: new Map()});

/**
 * What the user does to alerts (acknowledging several at once is one change: the state file is
 * written once), and what other instances sharing the state file did, merged in.
 */
export type AlertsAction = {type: 'acknowledge'; ids: readonly string[]; by: string; note: string | null; at: number} | {type: 'merge-alerts'; alerts: readonly Alert[]};

/** Points kept per alert metric and resource: one a second, five minutes. */
export const SERIES_POINTS = 300;

/**
 * A metric's values for one resource, one point a second at most, for the alert detail's chart:
 * the first `count` entries of `at` and `values`, the newest last (read them with seriesPoints).
 * States share the arrays: a new point is pushed onto them, and a state never reads past its own
 * count, so a tick costs one point and not a copy of five minutes of them.
 */
export type Series = {at: number[]; values: number[]; count: number};

/** A series' points, the oldest first, at most SERIES_POINTS. */
export function seriesPoints(series: Series): {at: number[]; values: number[]} {
	const from = Math.max(series.count - SERIES_POINTS, 0);
	return {at: series.at.slice(from, series.count), values: series.values.slice(from, series.count)};
}

// A point added to a series (or its last point replaced). The point is pushed onto the arrays
// the series shares with earlier states unless a later state already pushed onto them (a state
// reduced twice), the last point changes, or they hold twice the bound: then the newest points
// are copied into new arrays.
function withPoint(old: Series | undefined, at: number, value: number, replacesLast: boolean): Series {
	if (!old) return {at: [at], values: [value], count: 1};
	const keep = replacesLast ? old.count - 1 : old.count;
	const isShared = !replacesLast && old.at.length === old.count && old.count < 2 * SERIES_POINTS;
	const from = Math.max(keep - SERIES_POINTS + 1, 0);
	const times = isShared ? old.at : old.at.slice(from, keep);
	const values = isShared ? old.values : old.values.slice(from, keep);
	times.push(at);
	values.push(value);
	return {at: times, values, count: times.length};
}

/** The key of a metric's series for one resource. */
export const seriesKey = (metric: string, resource: string) => `${metric}\u0000${resource}`;

// When a collector reports, the values measured from it join their series (a value measured
// again within the same second replaces the last point); its series not measured now are
// dropped, unless a listed alert is about them. Other sources' series are left as they are, so
// a tick costs what its own source measures.
function nextSeries(state: State, measurements: Readonly<Record<string, readonly Measurement[]>>, alerts: readonly Alert[], source: string): ReadonlyMap<string, Series> {
	const series = new Map(state.series);
	const {now} = state;
	const measured = new Set<string>();
	for (const [metric, values] of Object.entries(measurements)) {
		for (const {resource, value} of values) {
			if (collectorOf(metric, resource) !== source) continue;
			const key = seriesKey(metric, resource);
			measured.add(key);
			const old = state.series.get(key);
			const last = old ? old.at[old.count - 1]! : Number.NEGATIVE_INFINITY;
			series.set(key, now - last < 1000 ? withPoint(old, last, value, true) : withPoint(old, now, value, false));
		}
	}

	const listed = new Set(alerts.map(alert => seriesKey(state.rules.find(rule => rule.id === alert.rule)?.metric ?? '', alert.resource)));
	for (const key of state.series.keys()) {
		const [metric = '', resource = ''] = key.split('\u0000');
		if (collectorOf(metric, resource) === source && !measured.has(key) && !listed.has(key)) series.delete(key);
	}

	return series;
}

/** The rules evaluated on the state after a sample of (or a failure of) a source: alerts follow it, and that source's series take their values. */
export function withAlerts(state: State, source: string): State {
	const measurements = measure(state);
	const alerts = evaluate(state.rules, measurements, state.alerts, state.now);
	return {...state, alerts, series: nextSeries(state, measurements, alerts.alerts, source)};
}

/** The alerts slice's reducer for what the user does to alerts. */
export function reduceAlerts(state: State, action: AlertsAction): State {
	if (action.type === 'merge-alerts') {
		const alerts = mergeAlerts(state.alerts.alerts, action.alerts);
		return alerts === state.alerts.alerts ? state : {...state, alerts: {...state.alerts, alerts: [...alerts]}};
	}

	return {...state, alerts: acknowledge(state.alerts, action.ids, action.by, action.note, action.at)};
}
