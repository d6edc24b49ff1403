import {Box, Text} from 'ink';
import {metricLevel} from '../source/alerts/levels.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {HostMetric} from '../source/store/host.js';
import {plotChart} from './chart.js';
import {columnWidths, headerText, rowText} from './columns/column.js';
import {FILESYSTEM_COLUMNS} from './columns/filesystems.js';
import {formatCount, formatPerSec, formatRate, levelColor, meter} from './format.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const CHARTS: ReadonlyArray<{metric: HostMetric; title: string; isPct: boolean}> = [
	{metric: 'cpu', title: 'CPU busy %', isPct: true},
	{metric: 'memory', title: 'Memory used %', isPct: true},
	{metric: 'diskRead', title: 'Disk read', isPct: false},
	{metric: 'diskWrite', title: 'Disk write', isPct: false},
	{metric: 'netRx', title: 'Network rx', isPct: false},
	{metric: 'netTx', title: 'Network tx', isPct: false},
];

const CORE_CELL = 20;

type Props = {width: number; height: number};

/** The host in full: history charts sized to the room, every core, every filesystem. */
export function HostPane({width, height}: Props) {
	const host = useStore(state => state.host);
	const history = useStore(state => state.history);
	const rules = useStore(state => state.rules);
	// A ring holds neither the cores nor the filesystems.
	const isReplay = useStore(state => state.replay !== null);
	if (!host) {
		return (
			<Box height={height}>
				<Text dimColor>collecting host metrics…</Text>
			</Box>
		);
	}

	const coreColumns = Math.max(Math.floor(width / CORE_CELL), 1);
	const coreRows = Math.ceil(host.cpu.cores.length / coreColumns);
	const fsRows = host.filesystems.length + 1;
	const fsWidths = columnWidths(FILESYSTEM_COLUMNS, width);
	const chartColumns = width >= 120 ? 3 : 2;
	const chartWidth = Math.floor(width / chartColumns) - 1;
	const chartBlocks = Math.ceil(CHARTS.length / chartColumns);
	const chartRows = Math.max(Math.min(Math.floor((height - 1 - coreRows - fsRows) / chartBlocks) - 1, 10), 2);

	const coreCells = host.cpu.cores.map((pct, index) => (
		<Box key={index} width={CORE_CELL}>
			<Text color={levelColor(metricLevel(rules, 'host.cpuPct', host.hostname, pct))}>{`${String(index).padStart(3)} ${meter(pct, CORE_CELL - 5)}`}</Text>
		</Box>
	));

	return (
		<Box flexDirection="column" height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold>Host</Text>
				{host.os ? ` · ${sanitizeLine(host.os)}` : ''}
				{host.cpuModel ? ` · ${sanitizeLine(host.cpuModel)}` : ''}
				{isReplay ? '' : ` · ${host.cpu.cores.length} cores`}
				{host.temperature === null ? ' · temperature —' : ` · ${host.temperature.toFixed(0)}°C`}
				{` · tasks ${formatCount(host.kernel.procsRunning)} running, ${formatCount(host.kernel.procsBlocked)} blocked · ctx ${formatPerSec(host.kernel.contextSwitchesPerSec)} · intr ${formatPerSec(host.kernel.interruptsPerSec)}`}{' '}
				<Stale collectorId="host" />
			</Text>
			<Box flexWrap="wrap" width={width}>
				{CHARTS.map(chart => (
					<Box key={chart.metric} flexDirection="column" width={chartWidth + 1}>
						<Text dimColor>{chart.title}</Text>
						<Text>
							{plotChart(history[chart.metric], {
								width: chartWidth,
								rows: chartRows,
								format: chart.isPct ? value => `${value.toFixed(0)}%` : formatRate,
								...(chart.isPct ? {min: 0, max: 100} : {}),
							}).join('\n')}
						</Text>
					</Box>
				))}
			</Box>
			<Box flexWrap="wrap" width={width}>
				{coreCells}
			</Box>
			{isReplay ? <Text dimColor>cores and filesystems: not in the ring</Text> : <Text inverse>{headerText(FILESYSTEM_COLUMNS, fsWidths, width)}</Text>}
			{host.filesystems.map(fs => (
				<Text key={fs.mount} wrap="truncate-end" color={levelColor(metricLevel(rules, 'host.fsFreePct', fs.mount, fs.freePct))}>
					{rowText(FILESYSTEM_COLUMNS, fsWidths, fs, width)}
				</Text>
			))}
		</Box>
	);
}
