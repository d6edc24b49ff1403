import {Box, Text} from 'ink';
import {sanitize, sanitizeLine} from '../source/sanitize.js';
import {backendLabel, localBackends} from '../source/postgres/session-list.js';
import {parentChain, processByPid} from '../source/store/host.js';
import {plotChart} from './chart.js';
import {formatAge, formatBytes, formatPct, formatRate, formatTimestamp, STATE_NAMES} from './format.js';
import {useStore} from './use-store.js';

const NO_HISTORY = {cpu: [] as number[], rss: [] as number[]};

type Props = {width: number; height: number};

/** Drill-down of one process: everything about it, with its CPU and RSS since it came into view. */
export function ProcessDetail({width, height}: Props) {
	const pid = useStore(state => state.ui.processes.detailPid);
	const row = useStore(state => processByPid(state, pid));
	const parents = useStore(state => parentChain(state, pid));
	const detail = useStore(state => (state.processes?.detail?.pid === pid ? state.processes.detail : null));
	const history = useStore(state => (pid === null ? undefined : state.processHistory.get(pid))) ?? NO_HISTORY;
	const now = useStore(state => state.now);
	const backend = useStore(state => (pid === null ? undefined : localBackends(state)?.get(pid)));
	const readOnly = useStore(state => state.ui.readOnly);
	// A replay holds no I/O, open files nor cgroup of a process.
	const unread = readOnly === 'replay' ? 'not recorded' : 'reading…';

	if (pid === null) {
		return null;
	}

	if (!row) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Process {pid}</Text>
				<Text color="yellow">The process is gone. Esc goes back to the list.</Text>
			</Box>
		);
	}

	const chain = parents
		.map(parent => `${parent.pid} ${sanitizeLine(parent.comm)}`)
		.join(' ← ');
	const chartRows = height >= 22 ? 4 : 3;
	const chartWidth = Math.max(Math.floor(width / 2) - 1, 20);
	const commandLines = Math.max(height - 8 - chartRows - 1, 1);
	const command = sanitize(row.command.replace(/\s+/g, ' '));
	const io = detail
		? detail.readBytesPerSec === null
			? `not readable: ${detail.ioError ?? 'unknown'}`
			: `read ${formatRate(detail.readBytesPerSec)}  write ${formatRate(detail.writeBytesPerSec ?? 0)}`
		: unread;
	const fds = detail ? (detail.fdCount === null ? `not readable: ${detail.fdError ?? 'unknown'}` : String(detail.fdCount)) : unread;
	const cgroup = detail ? sanitizeLine(detail.cgroup) || '—' : unread;

	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold color="cyan">{`Process ${row.pid}`}</Text>
				{` ${sanitizeLine(row.comm)} · Esc back${readOnly ? '' : ' · k SIGTERM'}`}
			</Text>
			<Box height={Math.min(commandLines, Math.ceil((command.length + 9) / width))} overflow="hidden">
				<Text wrap="wrap">
					<Text bold>Command </Text>
					{command}
				</Text>
			</Box>
			<Text wrap="truncate-end">
				<Text bold>Parents </Text>
				{chain || '—'}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>User </Text>
				{sanitizeLine(row.user)}
				<Text bold> State </Text>
				{`${row.state} (${STATE_NAMES[row.state] ?? 'unknown'})`}
				<Text bold> Nice </Text>
				{Number.isFinite(row.nice) ? row.nice : '—'}
				<Text bold> Threads </Text>
				{row.threads}
				<Text bold> Started </Text>
				{`${formatTimestamp(row.startedAt)} (${formatAge((now - row.startedAt) / 1000)} ago)`}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>I/O </Text>
				{io}
				<Text bold> FDs </Text>
				{fds}
			</Text>
			{backend ? (
				<Text wrap="truncate-end">
					<Text bold>Postgres </Text>
					{sanitizeLine(`${backendLabel(backend)} ${backend.query}`)}
				</Text>
			) : null}
			<Text wrap="truncate-end">
				<Text bold>Cgroup </Text>
				{cgroup}
				{row.containerId ? (
					<>
						<Text bold> Container </Text>
						{row.containerId.slice(0, 12)}
					</>
				) : null}
			</Text>
			<Box>
				<Box flexDirection="column" width={chartWidth + 1}>
					<Text wrap="truncate-end">
						<Text bold>CPU </Text>
						{formatPct(row.cpuPct)}
					</Text>
					<Text>{plotChart(history.cpu, {width: chartWidth, rows: chartRows, format: value => `${value.toFixed(0)}%`, min: 0}).join('\n')}</Text>
				</Box>
				<Box flexDirection="column" width={chartWidth + 1}>
					<Text wrap="truncate-end">
						<Text bold>RSS </Text>
						{formatBytes(row.rss)}
					</Text>
					<Text>{plotChart(history.rss, {width: chartWidth, rows: chartRows, format: formatBytes, min: 0}).join('\n')}</Text>
				</Box>
			</Box>
		</Box>
	);
}
