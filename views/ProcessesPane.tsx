import {Box, Text} from 'ink';
import {useRef} from 'react';
import {selectedIndex, visibleProcesses, type VisibleProcess} from '../source/process-list.js';
import {containerNames} from '../source/container-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import {backendLabel, localBackends} from '../source/session-list.js';
import type {PgSession} from '../source/types.js';
import type {ProcessSort} from '../source/store.js';
import {cell, formatBytes, formatCpuTime, rcell} from './format.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const SORT_TITLES: Record<ProcessSort, string> = {cpu: 'CPU%', mem: 'MEM', pid: 'PID', time: 'TIME+'};

/** Column widths at a terminal width: the user column grows on wide terminals, the command takes the rest. */
export function processColumns(width: number) {
	const user = width >= 120 ? 12 : 8;
	return {pid: 7, user, cpu: 6, mem: 5, rss: 6, state: 1, time: 9, threads: 4};
}

/** First visible row: keeps the selection in view, moving the window only when it must. */
export function windowStart(previous: number, selected: number, height: number, total: number): number {
	const maxStart = Math.max(total - height, 0);
	let start = Math.min(Math.max(previous, 0), maxStart);
	if (selected < start) start = selected;
	if (selected >= start + height) start = selected - height + 1;
	return Math.min(Math.max(start, 0), maxStart);
}

/** Labels before a command: the container it runs in, a local Postgres backend's session. */
export type ProcessLabels = {backend?: PgSession; container?: string};

/** One process as a line of fixed-width cells, the command last, after its labels. */
export function processLine(item: VisibleProcess, width: number, labels: ProcessLabels = {}): string {
	const c = processColumns(width);
	const {row} = item;
	return [
		rcell(String(row.pid), c.pid),
		cell(sanitizeLine(row.user), c.user),
		rcell(row.cpuPct.toFixed(1), c.cpu),
		rcell(row.memPct.toFixed(1), c.mem),
		rcell(formatBytes(row.rss), c.rss),
		cell(row.state, c.state),
		rcell(formatCpuTime(row.cpuTime), c.time),
		rcell(String(row.threads), c.threads),
		item.prefix +
			(labels.container ? `[${sanitizeLine(labels.container)}] ` : '') +
			(labels.backend ? `${sanitizeLine(backendLabel(labels.backend))} ` : '') +
			sanitizeLine(row.command),
	].join(' ');
}

function headerLine(width: number, sort: ProcessSort): string {
	const c = processColumns(width);
	const mark = (title: string, key: ProcessSort) => (sort === key ? `${title}▼` : title);
	return [
		rcell(mark('PID', 'pid'), c.pid),
		cell('USER', c.user),
		rcell(mark('CPU%', 'cpu'), c.cpu),
		rcell('MEM%', c.mem),
		rcell(mark('RSS', 'mem'), c.rss),
		cell('S', c.state),
		rcell(mark('TIME+', 'time'), c.time),
		rcell('THR', c.threads),
		'COMMAND',
	].join(' ');
}

type Props = {width: number; height: number};

/** The top-like process list: only the rows that fit are rendered. */
export function ProcessesPane({width, height}: Props) {
	const list = useStore(visibleProcesses);
	const total = useStore(state => state.processes?.processes.length ?? 0);
	const running = useStore(state => state.processes?.processes.filter(row => row.state === 'R').length ?? 0);
	const ui = useStore(state => state.ui.processes);
	const selected = useStore(state => selectedIndex(state, visibleProcesses(state)));
	const backends = useStore(localBackends);
	const containers = useStore(containerNames);
	const labelsOf = (item: VisibleProcess): ProcessLabels => ({
		backend: backends?.get(item.row.pid),
		container: item.row.containerId ? (containers?.get(item.row.containerId) ?? item.row.containerId.slice(0, 12)) : undefined,
	});
	const start = useRef(0);
	const rows = Math.max(height - 2, 1);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, list.length);
	const shown = list.slice(start.current, start.current + rows);

	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate-end">
				<Text bold>Processes</Text>
				{` ${total} total, ${running} running · sort ${SORT_TITLES[ui.sort]}`}
				{ui.filter ? <Text color="cyan">{` · filter "${sanitizeLine(ui.filter)}" (${list.length})`}</Text> : null}
				{ui.isTree ? ' · tree' : ''}{' '}
				<Stale collectorId="processes" />
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(headerLine(width, ui.sort), width)}
			</Text>
			{shown.length === 0 ? (
				<Text dimColor>{total === 0 ? 'collecting processes…' : 'no process matches the filter'}</Text>
			) : (
				shown.map((item, index) => {
					const isSelected = start.current + index === selected;
					return (
						<Text key={item.row.pid} wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : undefined}>
							{isSelected ? cell(processLine(item, width, labelsOf(item)), width) : processLine(item, width, labelsOf(item))}
						</Text>
					);
				})
			)}
		</Box>
	);
}
