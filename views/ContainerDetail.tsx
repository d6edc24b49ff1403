import {Box, Text} from 'ink';
import {sanitizeLine} from '../source/sanitize.js';
import {containerProcesses} from '../source/store/containers.js';
import {plotChart} from './chart.js';
import {formatBytes, formatTimestamp} from './format.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const NO_HISTORY = {cpu: [] as number[], memory: [] as number[]};

type Props = {width: number; height: number};

/** Drill-down of one container: how it runs, its processes (with host pids), charts and its latest log lines. */
export function ContainerDetail({width, height}: Props) {
	const id = useStore(state => state.ui.containers.detailId);
	const row = useStore(state => state.containers?.containers.find(container => container.id === id) ?? null);
	const detail = useStore(state => (state.containerDetail?.id === id ? state.containerDetail : null));
	const history = useStore(state => (id === null ? undefined : state.containerHistory.get(id))) ?? NO_HISTORY;
	const processes = useStore(state => containerProcesses(state, id));
	const isReplay = useStore(state => state.replay !== null);
	if (id === null) return null;
	const chartWidth = Math.max(Math.floor(width / 2) - 1, 20);
	const fixedLines = 11 + Math.min(processes.length || (detail?.top.length ?? 0), 4);
	const logLines = Math.max(height - fixedLines, 1);
	const line = (label: string, text: string) => (
		<Text wrap="truncate-end">
			<Text bold>{label} </Text>
			{sanitizeLine(text)}
		</Text>
	);

	return (
		<Box flexDirection="column" height={height} width={width} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color="cyan">{`Container ${sanitizeLine(row?.name ?? detail?.name ?? id.slice(0, 12))}`}</Text>
				{` ${sanitizeLine(row?.image ?? detail?.image ?? '')} · ${sanitizeLine(row?.state ?? '?')} · Esc back `}
				<Stale collectorId="container-detail" />
			</Text>
			{detail ? (
				<>
					{line('Command', detail.command || '—')}
					{line('Created', `${detail.createdAt === null ? '—' : formatTimestamp(detail.createdAt)} · started ${detail.startedAt === null ? '—' : formatTimestamp(detail.startedAt)} · restart ${detail.restartPolicy} (${row?.restarts ?? 0} so far)`)}
					{line('Ports', detail.ports.join(', ') || 'none')}
					{line('Mounts', detail.mounts.join(', ') || 'none')}
					{line('Health', detail.healthLog.at(-1) ?? 'no health check')}
				</>
			) : (
				<Text dimColor>{isReplay ? 'command, ports, mounts, health and logs: not in the ring' : 'reading…'}</Text>
			)}
			<Box>
				<Box flexDirection="column" width={chartWidth + 1}>
					<Text bold>{`CPU ${row?.cpuPct === null || !row ? '—' : `${row.cpuPct.toFixed(1)}%`}`}</Text>
					<Text>{plotChart(history.cpu, {width: chartWidth, rows: 2, format: value => `${value.toFixed(0)}%`, min: 0}).join('\n')}</Text>
				</Box>
				<Box flexDirection="column" width={chartWidth + 1}>
					<Text bold>{`Memory ${row?.memUsed === null || !row ? '—' : formatBytes(row.memUsed)}${row?.memLimit ? ` of ${formatBytes(row.memLimit)}` : ''}`}</Text>
					<Text>{plotChart(history.memory, {width: chartWidth, rows: 2, format: formatBytes, min: 0}).join('\n')}</Text>
				</Box>
			</Box>
			<Text bold>{`Processes on this host: ${processes.length}${detail ? ` · the engine's top: ${detail.top.length}` : ''}`}</Text>
			{processes.slice(0, 4).map(process => (
				<Text key={process.pid} wrap="truncate-end">{`  ${String(process.pid).padStart(7)} ${sanitizeLine(process.user).padEnd(8)} ${process.cpuPct.toFixed(1).padStart(5)}% ${formatBytes(process.rss).padStart(5)} ${sanitizeLine(process.command)}`}</Text>
			))}
			{/* An engine on another host: its own `top` is all there is. */}
			{processes.length === 0 && detail
				? detail.top.slice(0, 4).map((cells, index) => (
						<Text key={index} wrap="truncate-end">
							{`  ${sanitizeLine(cells.join(' '))}`}
						</Text>
					))
				: null}
			<Text bold>Log (last lines)</Text>
			{(detail?.logs ?? []).slice(-logLines).map((text, index) => (
				<Text key={index} wrap="truncate-end">
					{sanitizeLine(text) || ' '}
				</Text>
			))}
		</Box>
	);
}
