// One sample of this host and its containers as rows of the ring table, in the units and within
// the CHECK constraints of the contract (contract.ts), filled the way the existing writer fills
// them: a node row, then a row per running container with the container's columns.
import type {ContainerRow, HostSample} from '../types.js';
import {DBTOP_SOURCE, METRIC_COLUMNS, type MetricColumn, type RingRow} from './contract.js';

/** What one write to the ring is made of. */
export type RingInput = {
	host: HostSample;
	/** The containers sample's rows, or null where the engine could not be read. */
	containers: readonly ContainerRow[] | null;
	/** When the host was sampled, epoch ms. */
	sampleTime: number;
	/** The time between samples, in seconds. */
	intervalSeconds: number;
	node: string;
	isMaster: boolean;
};

type Metrics = Record<MetricColumn, number | null>;

const MIB = 1024 ** 2;

const NO_METRICS = Object.fromEntries(Object.keys(METRIC_COLUMNS).map(column => [column, null])) as Record<MetricColumn, null>;

// A value that is not a number (NaN, ±Infinity) is unknown: null, never a made-up bound.
const known = (value: number | null): value is number => value !== null && Number.isFinite(value);

// A 0–100 column: clamped into its CHECK.
const percent = (value: number | null) => (known(value) ? Math.min(Math.max(value, 0), 100) : null);

// A rate or a count (CHECK >= 0): below zero (a counter reset, rounding) is nothing, 0.
const rate = (value: number | null) => (known(value) ? Math.max(value, 0) : null);

// An integer column counting things.
const count = (value: number | null) => (known(value) ? Math.max(Math.round(value), 0) : null);

// An integer MiB column from bytes, to the nearest MiB.
const mib = (bytes: number | null) => count(known(bytes) ? bytes / MIB : null);

// A MiB/s column from bytes per second.
const mibPerSec = (bytesPerSec: number | null) => rate(known(bytesPerSec) ? bytesPerSec / MIB : null);

function nodeMetrics(host: HostSample): Metrics {
	const {cpu, load, kernel, memory, swap, disk, network} = host;
	return {
		cpu_user_pct: percent(cpu.user),
		cpu_nice_pct: percent(cpu.nice),
		cpu_system_pct: percent(cpu.system),
		cpu_idle_pct: percent(cpu.idle),
		cpu_iowait_pct: percent(cpu.iowait),
		cpu_irq_pct: percent(cpu.irq),
		cpu_softirq_pct: percent(cpu.softirq),
		cpu_steal_pct: percent(cpu.steal),
		cpu_guest_pct: percent(cpu.guest),
		cpu_guest_nice_pct: percent(cpu.guestNice),
		cpu_total_pct: percent(cpu.total),
		load_1m: rate(load.one),
		load_5m: rate(load.five),
		load_15m: rate(load.fifteen),
		ctx_switches_s: rate(kernel.contextSwitchesPerSec),
		interrupts_s: rate(kernel.interruptsPerSec),
		procs_running: count(kernel.procsRunning),
		procs_blocked: count(kernel.procsBlocked),
		mem_total_mb: mib(memory.total),
		mem_free_mb: mib(memory.free),
		mem_available_mb: mib(memory.available),
		mem_buffers_mb: mib(memory.buffers),
		mem_cached_mb: mib(memory.cached),
		swap_total_mb: mib(swap.total),
		swap_free_mb: mib(swap.free),
		swap_used_mb: mib(swap.used),
		c_rss_mb: null,
		c_vsz_mb: null,
		c_shared_mb: null,
		disk_read_mb_s: mibPerSec(disk.readBytesPerSec),
		disk_write_mb_s: mibPerSec(disk.writeBytesPerSec),
		disk_read_iops: rate(disk.readIops),
		disk_write_iops: rate(disk.writeIops),
		disk_util_pct: percent(disk.utilPct),
		net_rx_mb_s: mibPerSec(network.rxBytesPerSec),
		net_tx_mb_s: mibPerSec(network.txBytesPerSec),
		net_rx_pkts_s: rate(network.rxPacketsPerSec),
		net_tx_pkts_s: rate(network.txPacketsPerSec),
		net_rx_errs_s: rate(network.rxErrorsPerSec),
		net_tx_errs_s: rate(network.txErrorsPerSec),
		net_rx_drops_s: rate(network.rxDropsPerSec),
		net_tx_drops_s: rate(network.txDropsPerSec),
		temperature_c: known(host.temperature) ? host.temperature : null,
	};
}

// The container columns as the existing writer fills them: c_rss_mb the memory in use (its RSS,
// or where the engine does not split its usage, what `docker stats` counts as used), c_vsz_mb
// its memory limit (null without one), c_shared_mb its page cache. Node-only columns are null.
function containerMetrics(row: ContainerRow): Metrics {
	return {
		...NO_METRICS,
		cpu_total_pct: percent(row.cpuPct),
		c_rss_mb: mib(row.memRss ?? row.memUsed),
		c_vsz_mb: mib(row.memLimit),
		c_shared_mb: mib(row.memCache),
		disk_read_mb_s: mibPerSec(row.blockReadBytesPerSec),
		disk_write_mb_s: mibPerSec(row.blockWriteBytesPerSec),
		disk_read_iops: rate(row.blockReadIops),
		disk_write_iops: rate(row.blockWriteIops),
		net_rx_mb_s: mibPerSec(row.netRxBytesPerSec),
		net_tx_mb_s: mibPerSec(row.netTxBytesPerSec),
		net_rx_pkts_s: rate(row.netRxPacketsPerSec),
		net_tx_pkts_s: rate(row.netTxPacketsPerSec),
		net_rx_errs_s: rate(row.netRxErrorsPerSec),
		net_tx_errs_s: rate(row.netTxErrorsPerSec),
		net_rx_drops_s: rate(row.netRxDropsPerSec),
		net_tx_drops_s: rate(row.netTxDropsPerSec),
	};
}

/**
 * The rows of one sample: the node row (the master flag as given), then one row per running
 * container. `sample_time` is the sample's whole second (floored); `interval_seconds` the
 * interval rounded to the nearest second, at least 1. Throws on a time or an interval that is
 * not a finite number.
 */
export function ringRows({host, containers, sampleTime, intervalSeconds, node, isMaster}: RingInput): RingRow[] {
	if (!Number.isFinite(sampleTime)) throw new RangeError(`ring sample time must be epoch milliseconds, got ${sampleTime}`);
	if (!Number.isFinite(intervalSeconds)) throw new RangeError(`ring interval must be a number of seconds, got ${intervalSeconds}`);
	const identity = {
		sample_time: Math.floor(sampleTime / 1000),
		node_name: node,
		source: DBTOP_SOURCE,
		interval_seconds: Math.max(Math.round(intervalSeconds), 1),
	};
	const rows: RingRow[] = [{...identity, master_flag: isMaster, node_flag: true, container_name: null, ...nodeMetrics(host)}];
	for (const container of containers ?? []) {
		if (container.state !== 'running') continue;
		rows.push({...identity, master_flag: false, node_flag: false, container_name: container.name, ...containerMetrics(container)});
	}

	return rows;
}
