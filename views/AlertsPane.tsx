import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {Alert} from '../source/alerts/engine.js';
import {visibleAlerts} from '../source/alerts/list.js';
import {sanitizeLine} from '../source/sanitize.js';
import {checkStatuses} from '../source/store/checks.js';
import {notRecorded} from '../source/store/replay.js';
import {alertColumns} from './columns/alerts.js';
import {List, type RowStyle} from './List.js';
import {useStore} from './use-store.js';

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
	const rules = useStore(state => state.rules);
	const readOnly = useStore(state => state.ui.readOnly);
	const gap = useStore(state => notRecorded(state, 'alerts'));
	const columns = useMemo(() => alertColumns(now, rules), [now, rules]);
	const open = list.filter(alert => alert.state !== 'resolved').length;
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Alerts</Text>
				{` ${open} open, ${list.length - open} resolved${readOnly ? '' : ' · a acknowledge · A all'}`}
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
			<List id="alerts" rows={list} keyOf={keyOf} columns={columns} width={width} height={height - 1 - (checks.length > 0 ? 1 : 0)} empty={gap ?? 'no alerts'} styleOf={styleOf} />
		</Box>
	);
}
