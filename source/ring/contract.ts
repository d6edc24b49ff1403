// The ring buffer table as the existing writer made it (../shared/ring in the design documents):
// its columns, constraints and indexes, and the checks on names and values that dbtop makes
// before it writes anything.

/** A column's SQL type, as information_schema names it. */
export type ColumnType = 'bigint' | 'integer' | 'real' | 'boolean' | 'text';

/** The metric columns, in the table's order, with their types. */
export const METRIC_COLUMNS = {
	cpu_user_pct: 'real',
	cpu_nice_pct: 'real',
	cpu_system_pct: 'real',
	cpu_idle_pct: 'real',
	cpu_iowait_pct: 'real',
	cpu_irq_pct: 'real',
	cpu_softirq_pct: 'real',
	cpu_steal_pct: 'real',
	cpu_guest_pct: 'real',
	cpu_guest_nice_pct: 'real',
	cpu_total_pct: 'real',
	load_1m: 'real',
	load_5m: 'real',
	load_15m: 'real',
	ctx_switches_s: 'real',
	interrupts_s: 'real',
	procs_running: 'integer',
	procs_blocked: 'integer',
	mem_total_mb: 'integer',
	mem_free_mb: 'integer',
	mem_available_mb: 'integer',
	mem_buffers_mb: 'integer',
	mem_cached_mb: 'integer',
	swap_total_mb: 'integer',
	swap_free_mb: 'integer',
	swap_used_mb: 'integer',
	c_rss_mb: 'integer',
	c_vsz_mb: 'integer',
	c_shared_mb: 'integer',
	disk_read_mb_s: 'real',
	disk_write_mb_s: 'real',
	disk_read_iops: 'real',
	disk_write_iops: 'real',
	disk_util_pct: 'real',
	net_rx_mb_s: 'real',
	net_tx_mb_s: 'real',
	net_rx_pkts_s: 'real',
	net_tx_pkts_s: 'real',
	net_rx_errs_s: 'real',
	net_tx_errs_s: 'real',
	net_rx_drops_s: 'real',
	net_tx_drops_s: 'real',
	temperature_c: 'real',
} as const satisfies Record<string, ColumnType>;

export type MetricColumn = keyof typeof METRIC_COLUMNS;

/** Every column of the table, in its order. */
export const RING_COLUMNS = {
	id: 'bigint',
	slot: 'integer',
	sample_time: 'bigint',
	master_flag: 'boolean',
	node_flag: 'boolean',
	node_name: 'text',
	container_name: 'text',
	...METRIC_COLUMNS,
	source: 'text',
	interval_seconds: 'integer',
} as const satisfies Record<string, ColumnType>;

export type RingColumn = keyof typeof RING_COLUMNS;

/**
 * One row as a writer fills it: the identity, every metric (null where not measured) and the
 * metadata. `id` and `slot` belong to the table, not to the sample.
 */
export type RingRow = {
	/** Whole UTC epoch seconds. */
	sample_time: number;
	master_flag: boolean;
	node_flag: boolean;
	node_name: string;
	/** Null for a node row, the container's name for a container row. */
	container_name: string | null;
	source: string;
	/** Whole seconds, at least 1. */
	interval_seconds: number;
} & Record<MetricColumn, number | null>;

/** The columns with a 0–100 CHECK (the rest of the metrics only have >= 0). */
export const PERCENT_COLUMNS: readonly MetricColumn[] = [
	'cpu_user_pct',
	'cpu_nice_pct',
	'cpu_system_pct',
	'cpu_idle_pct',
	'cpu_iowait_pct',
	'cpu_irq_pct',
	'cpu_softirq_pct',
	'cpu_steal_pct',
	'cpu_guest_pct',
	'cpu_guest_nice_pct',
	'cpu_total_pct',
	'disk_util_pct',
];

/** The metrics with no CHECK at all (a temperature can be below zero). */
export const UNCHECKED_COLUMNS: readonly MetricColumn[] = ['temperature_c'];

/** The `source` of dbtop's rows, and of a placeholder row. */
export const DBTOP_SOURCE = 'dbtop';
export const EMPTY_SOURCE = 'empty';

/**
 * What a node sample carries beyond the ring's columns, one jsonb column each in the companion
 * table (see companion.ts for how it is built and capped). Null where the source was not read.
 */
export type Companion = {
	/** The Postgres server header: `target`, the server's figures with its replication slots (both null until a sample was read), or why it could not be read; the long operations in progress once a sample was read. */
	postgres: {target: string | null; server: unknown; error: string | null; progress?: unknown[]} | null;
	/** The users summary, as the Sessions pane groups it. */
	users: unknown[] | null;
	/** The sessions kept: every one in a blocking chain, then the longest-running, each capped. */
	sessions: unknown[] | null;
	/** The blocking tree: who blocks whom. */
	blocking: unknown[] | null;
	/** The top processes by CPU and by memory, with their container and Postgres session labels. */
	processes: unknown[] | null;
	/** The alerts open or changed since the previous sample, with their acknowledgements. */
	alerts: unknown[];
};
