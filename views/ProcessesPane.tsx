import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {containerLabel, containerNames} from '../source/store/containers.js';
import {visibleProcesses, type VisibleProcess} from '../source/store/process-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import {notRecorded} from '../source/store/replay.js';
import {localBackends} from '../source/postgres/session-list.js';
import type {ProcessSort} from '../source/store/ui.js';
import type {State} from '../source/store/store.js';
import {processColumns} from './columns/processes.js';
import {List} from './List.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const SORT_TITLES: Record<ProcessSort, string> = {cpu: 'CPU%', mem: 'MEM', pid: 'PID', time: 'TIME+'};

const keyOf = (item: VisibleProcess) => item.row.pid;
const totalOf = (state: State) => state.processes?.processes.length ?? 0;
const runningOf = (state: State) => state.processes?.processes.filter(row => row.state === 'R').length ?? 0;

type Props = {width: number; height: number};

/** The top-like process list: only the rows that fit are rendered. */
export function ProcessesPane({width, height}: Props) {
	const list = useStore(visibleProcesses);
	const total = useStore(totalOf);
	const running = useStore(runningOf);
	const ui = useStore(state => state.ui.processes);
	const backends = useStore(localBackends);
	const containers = useStore(containerNames);
	const gap = useStore(state => notRecorded(state, 'processes'));
	const isReplay = useStore(state => state.replay !== null);
	const columns = useMemo(
		() =>
			processColumns(width, item => ({
				backend: backends?.get(item.row.pid),
				container: item.row.containerId ? containerLabel(containers, item.row.containerId) : undefined,
			})),
		[width, backends, containers],
	);

	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate-end">
				<Text bold>Processes</Text>
				{isReplay ? ` ${total} recorded (the top by CPU and by memory) · sort ${SORT_TITLES[ui.sort]}` : ` ${total} total, ${running} running · sort ${SORT_TITLES[ui.sort]}`}
				{ui.filter ? <Text color="cyan">{` · filter "${sanitizeLine(ui.filter)}" (${list.length})`}</Text> : null}
				{ui.isTree ? ' · tree' : ''}{' '}
				<Stale collectorId="processes" />
			</Text>
			<List
				id="processes"
				rows={list}
				keyOf={keyOf}
				columns={columns}
				width={width}
				height={height - 1}
				sort={ui.sort}
				empty={gap ?? (total === 0 ? 'collecting processes…' : 'no process matches the filter')}
			/>
		</Box>
	);
}
