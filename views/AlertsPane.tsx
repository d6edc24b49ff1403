import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {Alert} from '../source/alerts/engine.js';
import {visibleAlerts} from '../source/alerts/list.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {State} from '../source/store/store.js';
import {alertColumns} from './columns/alerts.js';
import {List, type RowStyle} from './List.js';
import {useStore} from './use-store.js';

/** One service check as the pane shows it: its name and latest reading, or why it cannot be read. */
export type CheckStatus = {name: string; text: string; isBad: boolean};

const checksCache = new WeakMap<object, CheckStatus[]>();

/** The configured service checks with their readings; memoized per state. */
export function checkStatuses(state: State): CheckStatus[] {
	const cached = checksCache.get(state);
	if (cached) return cached;
	const value = state.rules
		.filter(rule => rule.isEnabled && rule.metric === `check.${rule.id}`)
		.map(rule => {
			const error = state.status[`check:${rule.id}`]?.error;
			const reading = state.checks[rule.id];
			const isAlerting = state.alerts.alerts.some(alert => alert.rule === rule.id && alert.state !== 'resolved');
			return {name: rule.id, text: error ? `${rule.id}: ${error}` : `${rule.id} ${reading?.detail ?? '…'}`, isBad: Boolean(error) || isAlerting};
		});
	checksCache.set(state, value);
	return value;
}

const keyOf = (alert: Alert) => alert.id;

// Acknowledged and resolved alerts stay in the list, dimmed, without drawing attention.
function styleOf(alert: Alert): RowStyle {
	return alert.state === 'firing' ? {color: alert.severity === 'critical' ? 'red' : 'yellow'} : {isDim: true};
}

type Props = {width: number; height: number};

/** What is wrong now, what is new, and what somebody already took: open alerts first, then resolved ones. */
export function AlertsPane({width, height}: Props) {
	const list = useStore(visibleAlerts);
	const ui = useStore(state => state.ui.alerts);
	const now = useStore(state => state.now);
	const checks = useStore(checkStatuses);
	const columns = useMemo(() => alertColumns(now), [now]);
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
			<List id="alerts" rows={list} keyOf={keyOf} columns={columns} width={width} height={height - 1 - (checks.length > 0 ? 1 : 0)} empty="no alerts" styleOf={styleOf} />
		</Box>
	);
}
