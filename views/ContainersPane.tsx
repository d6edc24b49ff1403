import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {alertMarks} from '../source/alerts/list.js';
import {visibleContainers} from '../source/store/container-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {ContainerRow} from '../source/types.js';
import {containerColumns} from './columns/containers.js';
import {List, type RowStyle} from './List.js';
import {Stale, staleText} from './Stale.js';
import {useStore} from './use-store.js';

const SORT_TITLES = {cpu: 'CPU%', mem: 'MEM', name: 'NAME'} as const;

const keyOf = (row: ContainerRow) => row.id;

// Unhealthy or failed: red; stopped: grey.
function styleOf(row: ContainerRow): RowStyle {
	return {color: row.health === 'unhealthy' || (row.exitCode ?? 0) !== 0 ? 'red' : row.state === 'running' ? undefined : 'gray'};
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
	const columns = useMemo(() => containerColumns(width - 2, now), [width, now]);
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
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Containers</Text>
				{` ${running} running, ${sample.containers.length - running} other · ${sanitizeLine(sample.engine)} · sort ${SORT_TITLES[ui.sort]}${ui.showExited ? '' : ' · exited hidden'}`}
				{ui.filter ? <Text color="cyan">{` · filter "${sanitizeLine(ui.filter)}" (${list.length})`}</Text> : null}{' '}
				<Stale collectorId="containers" />
			</Text>
			<List
				id="containers"
				rows={list}
				keyOf={keyOf}
				columns={columns}
				width={width}
				height={height - 1}
				sort={ui.sort}
				empty="no containers"
				markOf={row => marks.containers.get(row.name)}
				styleOf={styleOf}
			/>
		</Box>
	);
}
