import {Box, Text} from 'ink';
import type {Rule} from '../source/alerts/engine.js';
import {alertMessage} from '../source/alerts/message.js';
import {unitOf} from '../source/alerts/metrics.js';
import {sanitizeLine} from '../source/sanitize.js';
import {seriesKey, seriesPoints, type Series} from '../source/store/alerts.js';
import {CHART_LEFT, chartPoints, plotChart} from './chart.js';
import {formatAge, formatMetric, formatTimestamp} from './format.js';
import {useStore} from './use-store.js';

/** The rule: its metric and thresholds, then how long the condition must hold and how it clears. */
export function ruleLines(rule: Rule): [string, string] {
	const unit = unitOf(rule.metric);
	const level = (name: string, value: number | null) => (value === null ? `no ${name}` : `${name} ${formatMetric(value, unit)}`);
	const heldUp = rule.criticalHeldUp === undefined ? '' : ` or holding up ${rule.criticalHeldUp}`;
	const thresholds = rule.comparison === 'increases' ? 'on any increase' : `${rule.comparison} · ${level('warning', rule.warning)} · ${level('critical', rule.critical)}${heldUp}`;
	return [
		`${rule.id}: ${rule.metric} ${thresholds}${rule.scope === undefined ? '' : ` · scope ${rule.scope}`}${rule.isEnabled ? '' : ' · disabled'}`,
		[`for ${formatAge(rule.forSec)}`, `clear after ${formatAge(rule.clearSec)}`, ...(rule.hysteresis ? [`hysteresis ${formatMetric(rule.hysteresis, unit)}`] : [])].join(' · '),
	];
}

/** Where the alert fired under the chart: a caret below the first point at or after it. */
export function firedMarker(at: readonly number[], firedAt: number): string {
	const index = at.findIndex(time => time >= firedAt);
	return index < 0 ? '' : `${' '.repeat(CHART_LEFT + index)}^ fired`;
}

const NO_SERIES: Series = {at: [], values: [], count: 0};

type Props = {width: number; height: number};

/** One alert: what it says now, when it fired and with what value, when it changed, who took it, the rule, and its value around it. */
export function AlertDetail({width, height}: Props) {
	const alert = useStore(state => state.alerts.alerts.find(candidate => candidate.id === state.ui.alerts.detailId) ?? null);
	const rules = useStore(state => state.rules);
	const rule = rules.find(candidate => candidate.id === alert?.rule);
	const series = useStore(state => (rule && alert ? state.series.get(seriesKey(rule.metric, alert.resource)) : undefined)) ?? NO_SERIES;
	const now = useStore(state => state.now);
	if (!alert) {
		return <Text dimColor>this alert is no longer kept · Esc back</Text>;
	}

	const line = (label: string, text: string) => (
		<Text wrap="truncate-end">
			<Text bold>{label.padEnd(13)}</Text>
			{sanitizeLine(text)}
		</Text>
	);
	const when = (at: number | null) => (at === null ? '—' : `${formatTimestamp(at)} (${formatAge((now - at) / 1000)} ago)`);
	const unit = unitOf(rule?.metric ?? '');
	// The newest points that fit beside the chart's labels, as plotChart takes them.
	const points = chartPoints(width);
	const kept = seriesPoints(series);
	const values = kept.values.slice(-points);
	const at = kept.at.slice(-points);
	const chartRows = Math.min(Math.max(height - 12, 2), 8);
	const isQuiet = alert.state !== 'firing';
	return (
		<Box flexDirection="column" height={height} width={width} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color={isQuiet ? undefined : alert.severity === 'critical' ? 'red' : 'yellow'}>{`${alert.severity === 'critical' ? 'CRITICAL' : 'WARNING'} ${sanitizeLine(alert.title)}`}</Text>
				{` · ${alert.state} · Esc back${alert.state === 'firing' ? ' · a acknowledge' : ''}`}
			</Text>
			{line('Message', alertMessage(alert, rules))}
			{line('Source', `${alert.source} · ${alert.resource}`)}
			{line('Fired', `${when(alert.firedAt)}${alert.valueAtFiring === null ? '' : ` · value ${formatMetric(alert.valueAtFiring, unit)}`}`)}
			{line('Last change', when(alert.lastChangedAt))}
			{line('Resolved', when(alert.resolvedAt))}
			{line('Acknowledged', alert.acknowledgedBy === null ? 'no' : `by ${alert.acknowledgedBy} at ${when(alert.acknowledgedAt)}${alert.note ? ` · note: ${alert.note}` : ''}`)}
			{line('Rule', rule ? ruleLines(rule)[0] : `${alert.rule} (no longer configured)`)}
			{rule ? line('', ruleLines(rule)[1]) : null}
			<Text> </Text>
			<Text bold wrap="truncate-end">
				{values.length === 0 ? 'Value: no history (dbtop was not running, or the resource is gone)' : `Value: now ${formatMetric(values.at(-1)!, unit)} · since ${formatTimestamp(at[0]!)}`}
			</Text>
			{values.length > 0 ? (
				<>
					<Text>{plotChart(values, {width, rows: chartRows, format: value => formatMetric(value, unit), min: Math.min(0, ...values)}).join('\n')}</Text>
					<Text color="cyan">{firedMarker(at, alert.firedAt)}</Text>
				</>
			) : null}
		</Box>
	);
}
