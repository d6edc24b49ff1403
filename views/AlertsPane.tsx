import {Box, Text} from 'ink';
import {useRef} from 'react';
import type {Alert} from '../source/alert-engine.js';
import {visibleAlerts} from '../source/alert-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import {selectionIndex} from '../source/selection.js';
import type {State} from '../source/store.js';
import {cell, formatAge} from './format.js';
import {windowStart} from './ProcessesPane.js';
import {useStore} from './use-store.js';

/** One alert as a line: severity, state, age, source and resource, message, who acknowledged it. */
export function alertLine(alert: Alert, now: number): string {
	const age = formatAge(((alert.resolvedAt ?? now) - alert.firedAt) / 1000);
	const ack = alert.acknowledgedBy ? ` · ack ${sanitizeLine(alert.acknowledgedBy)}${alert.note ? `: ${sanitizeLine(alert.note)}` : ''}` : '';
	return [cell(alert.severity === 'critical' ? 'CRIT' : 'WARN', 4), cell(alert.state, 12), cell(age, 7), cell(`${alert.source}:${sanitizeLine(alert.resource)}`, 22), `${sanitizeLine(alert.message)}${ack}`].join(' ');
}

/** One service check as the pane shows it: its name and latest reading, or why it cannot be read. */
export type CheckStatus = {name: string; text: string; isBad: boolean};

const checksCache = new WeakMap<object, CheckStatus[]>();

/** The configured service checks with their readings; memoized per state. */
export function checkStatuses(state: State): CheckStatus[] {
	const cached = checksCache.get(state);
	if (cached) return cached;
	const value = state.rules
		.filter(rule => rule.isEnabled && rule.source === 'check' && rule.metric === `check.${rule.id}`)
		.map(rule => {
			const error = state.status[`check:${rule.id}`]?.error;
			const reading = state.checks[rule.id];
			const isAlerting = state.alerts.alerts.some(alert => alert.rule === rule.id && alert.state !== 'resolved');
			return {name: rule.id, text: error ? `${rule.id}: ${error}` : `${rule.id} ${reading?.detail ?? '…'}`, isBad: Boolean(error) || isAlerting};
		});
	checksCache.set(state, value);
	return value;
}

type Props = {width: number; height: number};

/** What is wrong now, what is new, and what somebody already took: open alerts first, then resolved ones. */
export function AlertsPane({width, height}: Props) {
	const list = useStore(visibleAlerts);
	const ui = useStore(state => state.ui.alerts);
	const now = useStore(state => state.now);
	const checks = useStore(checkStatuses);
	const start = useRef(0);
	const rows = Math.max(height - 2 - (checks.length > 0 ? 1 : 0), 1);
	const selected = selectionIndex(
		list.map(alert => alert.id),
		ui,
	);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, list.length);
	const open = list.filter(alert => alert.state !== 'resolved').length;
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Alerts</Text>
				{` ${open} open, ${list.length - open} resolved · a acknowledge · A all`}
				{ui.filter ? <Text color="cyan">{` · filter "${sanitizeLine(ui.filter)}"`}</Text> : null}
			</Text>
			{checks.length > 0 ? (
				<Text wrap="truncate-end">
					<Text bold>Checks</Text>
					{checks.map(check => (
						<Text key={check.name} color={check.isBad ? 'red' : 'green'}>{` · ${sanitizeLine(check.text)}`}</Text>
					))}
				</Text>
			) : null}
			<Text inverse wrap="truncate-end">
				{cell(`${cell('SEV', 4)} ${cell('STATE', 12)} ${cell('FOR', 7)} ${cell('SOURCE:RESOURCE', 22)} MESSAGE`, width)}
			</Text>
			{list.length === 0 ? (
				<Text dimColor>no alerts</Text>
			) : (
				list.slice(start.current, start.current + rows).map((alert, index) => {
					const isSelected = start.current + index === selected;
					// Acknowledged and resolved alerts stay in the list, dimmed, without drawing attention.
					const isQuiet = alert.state !== 'firing';
					return (
						<Text key={alert.id} wrap="truncate-end" inverse={isSelected} dimColor={isQuiet && !isSelected} color={isSelected ? 'cyan' : isQuiet ? undefined : alert.severity === 'critical' ? 'red' : 'yellow'}>
							{isSelected ? cell(alertLine(alert, now), width) : alertLine(alert, now)}
						</Text>
					);
				})
			)}
		</Box>
	);
}
