// Ring rows read back into dbtop's base units (bytes, bytes/s, percent), the reverse of rows.ts.
// A NULL metric stays null: a value the writer did not measure is never shown as 0.
import type {MetricColumn} from './contract.js';
import type {ContainerRow} from '../types.js';

const MIB = 1024 ** 2;

/** A row as the server returns it: a column's value is a number, a numeric string (bigint), a boolean, text or null. */
export type RawRow = Record<string, unknown>;

/** A number from a column's value, or null where it is NULL, absent or not a finite number. */
export function numberOf(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
	return Number.isFinite(number) ? number : null;
}

/** A sample_time as epoch seconds, or null for a placeholder (NULL or 0) or a value that is not a time. */
export function sampleTimeOf(value: unknown): number | null {
	const time = numberOf(value);
	return time !== null && time > 0 ? time : null;
}

const metric = (row: RawRow, column: MetricColumn) => numberOf(row[column]);
const bytes = (row: RawRow, column: MetricColumn) => {
	const mib = metric(row, column);
	return mib === null ? null : mib * MIB;
};

/** What identifies a row: its slot, time, node, and the writer's metadata. */
export type ReplayRowIdentity = {
	slot: number | null;
	/** Epoch seconds. */
	sampleTime: number;
	node: string;
	isMaster: boolean;
	/** The writer that wrote it, as it names itself ('psutil', 'dbtop', or anything else), or null. */
	source: string | null;
	intervalSeconds: number | null;
};

/** A node row in dbtop's units, laid out like HostSample; every value null where the ring holds none. */
export type ReplayHost = ReplayRowIdentity & {
	cpu: {user: number | null; nice: number | null; system: number | null; idle: number | null; iowait: number | null; irq: number | null; softirq: number | null; steal: number | null; guest: number | null; guestNice: number | null; total: number | null};
	load: {one: number | null; five: number | null; fifteen: number | null};
	kernel: {contextSwitchesPerSec: number | null; interruptsPerSec: number | null; procsRunning: number | null; procsBlocked: number | null};
	/** Bytes. */
	memory: {total: number | null; free: number | null; available: number | null; buffers: number | null; cached: number | null};
	/** Bytes. */
	swap: {total: number | null; free: number | null; used: number | null};
	disk: {readBytesPerSec: number | null; writeBytesPerSec: number | null; readIops: number | null; writeIops: number | null; utilPct: number | null};
	network: {
		rxBytesPerSec: number | null;
		txBytesPerSec: number | null;
		rxPacketsPerSec: number | null;
		txPacketsPerSec: number | null;
		rxErrorsPerSec: number | null;
		txErrorsPerSec: number | null;
		rxDropsPerSec: number | null;
		txDropsPerSec: number | null;
	};
	/** °C. */
	temperature: number | null;
};

/** A container row in dbtop's units: the ContainerRow fields the ring holds (memUsed is its RSS, or what `docker stats` counts where the engine does not split it), null where it holds none. */
export type ReplayContainer = ReplayRowIdentity &
	Pick<
		ContainerRow,
		| 'name'
		| 'cpuPct'
		| 'memUsed'
		| 'memLimit'
		| 'memCache'
		| 'blockReadBytesPerSec'
		| 'blockWriteBytesPerSec'
		| 'blockReadIops'
		| 'blockWriteIops'
		| 'netRxBytesPerSec'
		| 'netTxBytesPerSec'
		| 'netRxPacketsPerSec'
		| 'netTxPacketsPerSec'
		| 'netRxErrorsPerSec'
		| 'netTxErrorsPerSec'
		| 'netRxDropsPerSec'
		| 'netTxDropsPerSec'
	>;

/** The identity of a row, or null for a placeholder (no sample_time) or a row without a node name. */
function identityOf(row: RawRow): ReplayRowIdentity | null {
	const sampleTime = sampleTimeOf(row['sample_time']);
	const node = typeof row['node_name'] === 'string' ? row['node_name'] : '';
	if (sampleTime === null || node === '') return null;
	return {
		slot: numberOf(row['slot']),
		sampleTime,
		node,
		isMaster: row['master_flag'] === true,
		source: typeof row['source'] === 'string' ? row['source'] : null,
		intervalSeconds: numberOf(row['interval_seconds']),
	};
}

/** A node row in dbtop's units, or null for a placeholder. */
export function hostOfRow(row: RawRow): ReplayHost | null {
	const identity = identityOf(row);
	if (!identity) return null;
	return {
		...identity,
		cpu: {
			user: metric(row, 'cpu_user_pct'),
			nice: metric(row, 'cpu_nice_pct'),
			system: metric(row, 'cpu_system_pct'),
			idle: metric(row, 'cpu_idle_pct'),
			iowait: metric(row, 'cpu_iowait_pct'),
			irq: metric(row, 'cpu_irq_pct'),
			softirq: metric(row, 'cpu_softirq_pct'),
			steal: metric(row, 'cpu_steal_pct'),
			guest: metric(row, 'cpu_guest_pct'),
			guestNice: metric(row, 'cpu_guest_nice_pct'),
			total: metric(row, 'cpu_total_pct'),
		},
		load: {one: metric(row, 'load_1m'), five: metric(row, 'load_5m'), fifteen: metric(row, 'load_15m')},
		kernel: {
			contextSwitchesPerSec: metric(row, 'ctx_switches_s'),
			interruptsPerSec: metric(row, 'interrupts_s'),
			procsRunning: metric(row, 'procs_running'),
			procsBlocked: metric(row, 'procs_blocked'),
		},
		memory: {
			total: bytes(row, 'mem_total_mb'),
			free: bytes(row, 'mem_free_mb'),
			available: bytes(row, 'mem_available_mb'),
			buffers: bytes(row, 'mem_buffers_mb'),
			cached: bytes(row, 'mem_cached_mb'),
		},
		swap: {total: bytes(row, 'swap_total_mb'), free: bytes(row, 'swap_free_mb'), used: bytes(row, 'swap_used_mb')},
		disk: {
			readBytesPerSec: bytes(row, 'disk_read_mb_s'),
			writeBytesPerSec: bytes(row, 'disk_write_mb_s'),
			readIops: metric(row, 'disk_read_iops'),
			writeIops: metric(row, 'disk_write_iops'),
			utilPct: metric(row, 'disk_util_pct'),
		},
		network: {
			rxBytesPerSec: bytes(row, 'net_rx_mb_s'),
			txBytesPerSec: bytes(row, 'net_tx_mb_s'),
			rxPacketsPerSec: metric(row, 'net_rx_pkts_s'),
			txPacketsPerSec: metric(row, 'net_tx_pkts_s'),
			rxErrorsPerSec: metric(row, 'net_rx_errs_s'),
			txErrorsPerSec: metric(row, 'net_tx_errs_s'),
			rxDropsPerSec: metric(row, 'net_rx_drops_s'),
			txDropsPerSec: metric(row, 'net_tx_drops_s'),
		},
		temperature: metric(row, 'temperature_c'),
	};
}

/** A container row in dbtop's units, or null for a placeholder or a row without a container name. */
export function containerOfRow(row: RawRow): ReplayContainer | null {
	const identity = identityOf(row);
	const name = row['container_name'];
	if (!identity || typeof name !== 'string' || name === '') return null;
	return {
		...identity,
		name,
		cpuPct: metric(row, 'cpu_total_pct'),
		memUsed: bytes(row, 'c_rss_mb'),
		memLimit: bytes(row, 'c_vsz_mb'),
		memCache: bytes(row, 'c_shared_mb'),
		blockReadBytesPerSec: bytes(row, 'disk_read_mb_s'),
		blockWriteBytesPerSec: bytes(row, 'disk_write_mb_s'),
		blockReadIops: metric(row, 'disk_read_iops'),
		blockWriteIops: metric(row, 'disk_write_iops'),
		netRxBytesPerSec: bytes(row, 'net_rx_mb_s'),
		netTxBytesPerSec: bytes(row, 'net_tx_mb_s'),
		netRxPacketsPerSec: metric(row, 'net_rx_pkts_s'),
		netTxPacketsPerSec: metric(row, 'net_tx_pkts_s'),
		netRxErrorsPerSec: metric(row, 'net_rx_errs_s'),
		netTxErrorsPerSec: metric(row, 'net_tx_errs_s'),
		netRxDropsPerSec: metric(row, 'net_rx_drops_s'),
		netTxDropsPerSec: metric(row, 'net_tx_drops_s'),
	};
}
