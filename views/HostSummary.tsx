import {Box, Text} from 'ink';
import {unacknowledgedCounts} from '../source/alerts/engine.js';
import {formatDuration} from '../source/duration.js';
import {metricLevel, worstLevel, type Level} from '../source/alerts/levels.js';
import {READ_ONLY_WORDS} from '../source/app/keymap.js';
import {sanitizeLine} from '../source/sanitize.js';
import {memoryAvailablePct, memoryUsedPct} from '../source/store/host.js';
import type {HostSample} from '../source/types.js';
import {plotChart} from './chart.js';
import {formatBytes, formatFixed, formatPerSec, formatRate, formatUptime, levelColor, meter} from './format.js';
import {ReplayLine} from './ReplayLine.js';
import {staleText} from './Stale.js';
import {cutToWidth, textWidth} from './text-width.js';
import {useStore} from './use-store.js';

const LABEL = 5;
const METER = 22;
/** Width of the fixed-width left block; per-core bars go to its right when the terminal is wider. */
const LEFT_WIDTH = 80;
const CORE_CELL = 19;
const SUMMARY_LINES = 6;
const CHART_ROWS = 4;

type Props = {
	width: number;
	hasCharts: boolean;
	version: string;
	/** Only the first line, the title: on a terminal too short for the rest. */
	isTitleOnly?: boolean;
};

/** How many lines the summary takes at a size, so the pane below knows its room (a replay's line under the title included). */
export function summaryHeight(hasCharts: boolean, isReplay = false): number {
	return 1 + (isReplay ? 1 : 0) + SUMMARY_LINES + (hasCharts ? CHART_ROWS + 1 : 0);
}

function cpuLine(host: HostSample): string {
	const c = host.cpu;
	const part = (name: string, value: number) => `${name} ${formatFixed(value, 1)}`;
	return [part('us', c.user), part('ni', c.nice), part('sy', c.system), part('wa', c.iowait), part('hi', c.irq), part('si', c.softirq), part('st', c.steal)].join(' ');
}

function filesystemsLine(host: HostSample, isReplay: boolean): string {
	if (host.filesystems.length === 0) {
		return isReplay ? 'not in the ring' : 'no filesystems';
	}

	return host.filesystems.map(fs => `${sanitizeLine(fs.mount)} ${fs.freePct.toFixed(0)}% free`).join(' · ');
}

function CoreBars({cores, columns, levelOf}: {cores: readonly number[]; columns: number; levelOf: (pct: number) => Level}) {
	const perColumn = SUMMARY_LINES;
	const fits = columns * perColumn;
	const shown = cores.length > fits ? cores.slice(0, fits - 1) : cores;
	const cells = shown.map((pct, index) => (
		<Text key={index} color={levelColor(levelOf(pct))}>
			{`${String(index).padStart(3)} ${meter(pct, CORE_CELL - 5)}`}
		</Text>
	));
	if (shown.length < cores.length) {
		cells.push(<Text key="more" dimColor>{`  +${cores.length - shown.length} more cores`}</Text>);
	}

	const columnsOfCells = [];
	for (let start = 0; start < cells.length; start += perColumn) {
		columnsOfCells.push(
			<Box key={start} flexDirection="column" width={CORE_CELL + 1}>
				{cells.slice(start, start + perColumn)}
			</Box>,
		);
	}

	return <Box>{columnsOfCells}</Box>;
}

function Charts({width}: {width: number}) {
	const history = useStore(state => state.history);
	const chartWidth = Math.floor(width / 4) - 1;
	const pct = (value: number) => `${formatFixed(value, 0)}%`;
	const rate = (value: number) => formatRate(value);
	const charts = [
		{title: 'CPU %', lines: plotChart(history.cpu, {width: chartWidth, rows: CHART_ROWS, format: pct, min: 0, max: 100})},
		{title: 'Memory used %', lines: plotChart(history.memory, {width: chartWidth, rows: CHART_ROWS, format: pct, min: 0, max: 100})},
		{title: 'Disk read+write', lines: plotChart(history.diskRead.map((read, i) => read + (history.diskWrite[i] ?? 0)), {width: chartWidth, rows: CHART_ROWS, format: rate})},
		{title: 'Network rx+tx', lines: plotChart(history.netRx.map((rx, i) => rx + (history.netTx[i] ?? 0)), {width: chartWidth, rows: CHART_ROWS, format: rate})},
	];
	return (
		<Box>
			{charts.map(chart => (
				<Box key={chart.title} flexDirection="column" width={chartWidth + 1}>
					<Text dimColor>{chart.title}</Text>
					<Text wrap="truncate-end">{chart.lines.join('\n')}</Text>
				</Box>
			))}
		</Box>
	);
}

/** What the title line says before its badges; null where a part is not shown. */
type Title = {version: string | null; hostname: string | null; uptime: string | null; load: string | null; every: string; stale: string | null};

/** The title line's text in its three styles: dbtop's name, the host, the rest (the stale message in its place when the host cannot be read). */
type TitleText = {name: string; host: string; status: string};

function titleText(title: Title): TitleText {
	const status = title.stale ?? [title.uptime === null ? null : `up ${title.uptime}`, title.load === null ? null : `load ${title.load}`, `every ${title.every}`].filter(part => part !== null).join(' · ');
	return {name: title.version === null ? 'dbtop' : `dbtop ${title.version}`, host: title.hostname === null ? '' : ` · ${title.hostname}`, status: ` · ${status}`};
}

const titleWidth = (text: TitleText) => textWidth(text.name) + textWidth(text.host) + textWidth(text.status);

// On a narrow terminal the load averages give way first, then the uptime, then the version; then the
// end of the stale message (down to `stale…`) and of the host name (down to one character) are cut;
// on a very narrow one, the end of the line.
function fitTitle(title: Title, room: number): TitleText {
	const steps = title.stale === null ? [title, {...title, load: null}, {...title, load: null, uptime: null}, {...title, load: null, uptime: null, version: null}] : [title, {...title, version: null}];
	const fitting = steps.map(titleText).find(text => titleWidth(text) <= room);
	if (fitting) return fitting;
	let shortest = steps.at(-1)!;
	for (const [part, least] of [['stale', 6], ['hostname', 2]] as const) {
		const text = shortest[part];
		const over = titleWidth(titleText(shortest)) - room;
		if (text !== null && over > 0) shortest = {...shortest, [part]: cutToWidth(text, Math.max(textWidth(text) - over, least)).text};
	}

	let left = room;
	const take = (text: string) => {
		const kept = cutToWidth(text, left < 2 ? 0 : left);
		left -= kept.width;
		return kept.text;
	};

	const text = titleText(shortest);
	return {name: take(text.name), host: take(text.host), status: take(text.status)};
}

/** The host header, always at the top: the title line, then CPU, memory, swap, disk, network, filesystems. */
export function HostSummary({width, hasCharts, version, isTitleOnly = false}: Props) {
	const host = useStore(state => state.host);
	const refreshMs = useStore(state => state.ui.refreshMs);
	const isPaused = useStore(state => state.ui.isPaused);
	const readOnly = useStore(state => state.ui.readOnly);
	const isPicked = useStore(state => Boolean(state.replay?.cursor));
	const stale = useStore(state => staleText(state.status['host'], state.now));
	const rules = useStore(state => state.rules);
	const critical = useStore(state => unacknowledgedCounts(state.alerts.alerts).critical);
	const warning = useStore(state => unacknowledgedCounts(state.alerts.alerts).warning);
	// The state dbtop is in and the alerts that need a human: always whole, at the end of the line.
	const badges = [
		...(critical > 0 ? [{text: ` ${critical} crit `, color: 'red'}] : []),
		...(warning > 0 ? [{text: ` ${warning} warn `, color: 'yellow'}] : []),
		...(isPaused ? [{text: ' PAUSED ', color: 'yellow'}] : []),
		...(readOnly ? [{text: ` ${READ_ONLY_WORDS[readOnly].badge} `, color: 'blue'}] : []),
	];

	const title = fitTitle(
		{
			version,
			hostname: host ? sanitizeLine(host.hostname) : null,
			// A replay has no uptime: the ring does not hold it.
			uptime: host && Number.isFinite(host.uptime) ? formatUptime(host.uptime) : null,
			load: host ? `${formatFixed(host.load.one, 2)} ${formatFixed(host.load.five, 2)} ${formatFixed(host.load.fifteen, 2)}` : null,
			every: formatDuration(refreshMs),
			stale,
		},
		width - badges.reduce((sum, badge) => sum + textWidth(badge.text), 0),
	);
	const titleLine = (
		<Text wrap="truncate-end">
			<Text bold color="cyan">
				{title.name}
			</Text>
			{title.host}
			{stale === null ? title.status : <Text color="yellow">{title.status}</Text>}
			{badges.map(badge => (
				<Text key={badge.text} inverse color={badge.color}>
					{badge.text}
				</Text>
			))}
		</Text>
	);

	if (isTitleOnly) return titleLine;
	const replayLine = readOnly === 'replay' ? <ReplayLine width={width} /> : null;
	if (!host) {
		return (
			<Box flexDirection="column" height={summaryHeight(hasCharts, replayLine !== null)}>
				{titleLine}
				{replayLine}
				<Text dimColor>{readOnly !== 'replay' ? 'collecting host metrics…' : isPicked ? 'reading the ring…' : 'no node picked yet: pick one below'}</Text>
			</Box>
		);
	}

	const {memory, swap, disk, network} = host;
	const memPct = memoryUsedPct(host);
	// Swap not known (a replay's NULL) is not "none".
	const swapPct = Number.isNaN(swap.total) ? Number.NaN : swap.total > 0 ? (swap.used / swap.total) * 100 : 0;
	// Colours by the rules on the host's metrics: a core by the CPU rules, the filesystems by the worst of them.
	const cpuLevel = (pct: number) => metricLevel(rules, 'host.cpuPct', host.hostname, pct);
	const memLevel = metricLevel(rules, 'host.memAvailablePct', host.hostname, memoryAvailablePct(host));
	const swapLevel = metricLevel(rules, 'host.swapUsedBytes', host.hostname, swap.used);
	const fsLevel = worstLevel(...host.filesystems.map(fs => metricLevel(rules, 'host.fsFreePct', fs.mount, fs.freePct)));
	const coreColumns = Math.floor((width - LEFT_WIDTH) / (CORE_CELL + 1));
	const label = (text: string) => <Text bold>{text.padEnd(LABEL)}</Text>;

	return (
		<Box flexDirection="column" width={width}>
			{titleLine}
			{replayLine}
			<Box>
				<Box flexDirection="column" width={Math.min(width, LEFT_WIDTH)}>
					<Text wrap="truncate-end">
						{label('CPU')}
						<Text color={levelColor(cpuLevel(host.cpu.total))}>{meter(host.cpu.total, METER)}</Text> {cpuLine(host)}
					</Text>
					<Text wrap="truncate-end">
						{label('Mem')}
						<Text color={levelColor(memLevel)}>{meter(memPct, METER)}</Text>
						{` used ${formatBytes(memory.used)} avail ${formatBytes(memory.available)} buf ${formatBytes(memory.buffers)} cache ${formatBytes(memory.cached)} of ${formatBytes(memory.total)}`}
					</Text>
					<Text wrap="truncate-end">
						{label('Swap')}
						<Text color={levelColor(swapLevel)}>{meter(swapPct, METER)}</Text>
						{swap.total > 0 || Number.isNaN(swap.total) ? ` used ${formatBytes(swap.used)} of ${formatBytes(swap.total)}` : ' none'}
					</Text>
					<Text wrap="truncate-end">
						{label('Disk')}
						{`read ${formatRate(disk.readBytesPerSec)} ${formatPerSec(disk.readIops)} io  write ${formatRate(disk.writeBytesPerSec)} ${formatPerSec(disk.writeIops)} io  temp ${host.temperature === null ? '—' : `${host.temperature.toFixed(0)}°C`}`}
					</Text>
					<Text wrap="truncate-end">
						{label('Net')}
						{`rx ${formatRate(network.rxBytesPerSec)} ${formatPerSec(network.rxPacketsPerSec)} pk  tx ${formatRate(network.txBytesPerSec)} ${formatPerSec(network.txPacketsPerSec)} pk  err ${formatPerSec(network.errorsPerSec)} drop ${formatPerSec(network.dropsPerSec)}`}
					</Text>
					<Text wrap="truncate-end">
						{label('FS')}
						<Text color={levelColor(fsLevel)}>{filesystemsLine(host, readOnly === 'replay')}</Text>
					</Text>
				</Box>
				{coreColumns > 0 ? <CoreBars cores={host.cpu.cores} columns={coreColumns} levelOf={cpuLevel} /> : null}
			</Box>
			{hasCharts ? <Charts width={width} /> : null}
		</Box>
	);
}
