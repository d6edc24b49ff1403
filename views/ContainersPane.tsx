import {Box, Text} from 'ink';
import {alertMarks} from '../source/alert-list.js';
import {useRef} from 'react';
import {selectionIndex} from '../source/selection.js';
import {visibleContainers} from '../source/container-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {ContainerRow} from '../source/types.js';
import {cell, formatAge, formatBytes, formatRate, markCell, rcell} from './format.js';
import {Stale, staleText} from './Stale.js';
import {windowStart} from './ProcessesPane.js';
import {useStore} from './use-store.js';

const SORT_TITLES = {cpu: 'CPU%', mem: 'MEM', name: 'NAME'} as const;

/** Uptime for a running container, the exit code for one that stopped. */
function upOrExit(row: ContainerRow, now: number): string {
	if (row.state === 'running') return row.startedAt === null ? 'up' : `up ${formatAge((now - row.startedAt) / 1000)}`;
	return row.exitCode === null ? row.state : `exit ${row.exitCode}`;
}

const orDash = (value: number | null, format: (value: number) => string) => (value === null ? '—' : format(value));

type Column = {title: string; width: number; isRight?: boolean; isWide?: boolean; value: (row: ContainerRow, now: number) => string};

const COLUMNS: Column[] = [
	{title: 'NAME', width: 16, value: row => sanitizeLine(row.name)},
	{title: 'STATE', width: 8, value: row => sanitizeLine(row.state)},
	{title: 'HEALTH', width: 9, value: row => (row.health === 'none' ? '' : row.health)},
	{title: 'RST', width: 3, isRight: true, value: row => String(row.restarts)},
	{title: 'UP/EXIT', width: 10, value: upOrExit},
	{title: 'CPU%', width: 6, isRight: true, value: row => orDash(row.cpuPct, value => value.toFixed(1))},
	{title: 'LIM%', width: 5, isRight: true, isWide: true, value: row => orDash(row.cpuOfLimitPct, value => value.toFixed(0))},
	{title: 'MEM/LIMIT', width: 11, isRight: true, value: row => `${orDash(row.memUsed, formatBytes)}/${orDash(row.memLimit, formatBytes)}`},
	{title: 'NET rx tx', width: 15, isRight: true, isWide: true, value: row => `${orDash(row.netRxBytesPerSec, formatRate)} ${orDash(row.netTxBytesPerSec, formatRate)}`},
	{title: 'BLK r w', width: 15, isRight: true, isWide: true, value: row => `${orDash(row.blockReadBytesPerSec, formatRate)} ${orDash(row.blockWriteBytesPerSec, formatRate)}`},
	{title: 'PIDS', width: 4, isRight: true, value: row => orDash(row.pids, String)},
];

const columnsAt = (width: number) => COLUMNS.filter(column => !column.isWide || width >= 140);

/** One container as a line of cells, the image last; rates and the limit share only on wide terminals. */
export function containerLine(row: ContainerRow, now: number, width: number): string {
	return [...columnsAt(width).map(column => (column.isRight ? rcell : cell)(column.value(row, now), column.width)), sanitizeLine(row.image)].join(' ');
}

function headerLine(width: number): string {
	return [...columnsAt(width).map(column => (column.isRight ? rcell : cell)(column.title, column.width)), 'IMAGE'].join(' ');
}

type Props = {width: number; height: number};

/** The containers: state, health, restarts, CPU, memory, network, block I/O, pids. */
export function ContainersPane({width, height}: Props) {
	const sample = useStore(state => state.containers);
	const list = useStore(visibleContainers);
	const ui = useStore(state => state.ui.containers);
	const now = useStore(state => state.now);
	const marks = useStore(alertMarks);
	const stale = useStore(state => staleText(state.status['containers'], state.now));
	const start = useRef(0);
	if (!sample) {
		return (
			<Box flexDirection="column" height={height} width={width}>
				<Text bold>Containers</Text>
				<Text color={stale ? 'yellow' : undefined} dimColor={!stale} wrap="wrap">
					{stale ?? 'connecting to the container engine…'}
				</Text>
			</Box>
		);
	}

	const running = sample.containers.filter(row => row.state === 'running').length;
	const rows = Math.max(height - 2, 1);
	const selected = selectionIndex(
		list.map(row => row.id),
		ui,
	);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, list.length);
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Containers</Text>
				{` ${running} running, ${sample.containers.length - running} other · ${sanitizeLine(sample.engine)} · sort ${SORT_TITLES[ui.sort]}${ui.showExited ? '' : ' · exited hidden'}`}
				{ui.filter ? <Text color="cyan">{` · filter "${sanitizeLine(ui.filter)}" (${list.length})`}</Text> : null}{' '}
				<Stale collectorId="containers" />
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(`  ${headerLine(width - 2)}`, width)}
			</Text>
			{list.length === 0 ? (
				<Text dimColor>no containers</Text>
			) : (
				list.slice(start.current, start.current + rows).map((row, index) => {
					const isSelected = start.current + index === selected;
					const line = markCell(marks.containers.get(row.name)) + containerLine(row, now, width - 2);
					const color = isSelected ? 'cyan' : row.health === 'unhealthy' || (row.exitCode ?? 0) !== 0 ? 'red' : row.state === 'running' ? undefined : 'gray';
					return (
						<Text key={row.id} wrap="truncate-end" inverse={isSelected} color={color}>
							{isSelected ? cell(line, width) : line}
						</Text>
					);
				})
			)}
		</Box>
	);
}
