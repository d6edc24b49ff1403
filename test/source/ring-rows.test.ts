import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {DBTOP_SOURCE, METRIC_COLUMNS, PERCENT_COLUMNS, UNCHECKED_COLUMNS, type MetricColumn, type RingRow} from '../../source/ring/contract.js';
import {ringRows, type RingInput} from '../../source/ring/rows.js';
import type {ContainerRow, HostSample} from '../../source/types.js';
import {containerRow, hostSample} from '../helpers/fixtures.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const METRICS = Object.keys(METRIC_COLUMNS) as MetricColumn[];
const IDENTITY = ['sample_time', 'master_flag', 'node_flag', 'node_name', 'container_name', 'source', 'interval_seconds'];

/**
 * Every CHECK of monitor_samples_ring (../shared/ring/monitor_samples_ring.sql) that a row as a
 * writer fills it can break, plus the column types: the problems found, [] when it would insert.
 */
function violations(row: RingRow): string[] {
	const problems: string[] = [];
	if (!(row.node_flag ? row.container_name === null : row.container_name !== null)) problems.push('container_presence_chk');
	if (row.master_flag && !row.node_flag) problems.push('master_only_nodes_chk');
	if (!(Number.isInteger(row.interval_seconds) && row.interval_seconds > 0)) problems.push('interval_seconds_check');
	if (!Number.isInteger(row.sample_time)) problems.push('sample_time is not a bigint');
	if (typeof row.node_name !== 'string') problems.push('node_name is NOT NULL');
	for (const column of METRICS) {
		const value = row[column];
		if (value === null) continue;
		if (typeof value !== 'number' || !Number.isFinite(value)) {
			problems.push(`${column} is not a number: ${String(value)}`);
			continue;
		}

		if (METRIC_COLUMNS[column] === 'integer' && !Number.isInteger(value)) problems.push(`${column} is not an integer: ${value}`);
		if (UNCHECKED_COLUMNS.includes(column)) continue;
		if (value < 0) problems.push(`${column}_check: ${value} < 0`);
		if (PERCENT_COLUMNS.includes(column) && value > 100) problems.push(`${column}_check: ${value} > 100`);
	}

	return problems;
}

const input = (fields: Partial<RingInput> = {}): RingInput => ({
	host: hostSample(),
	containers: [],
	sampleTime: 1_795_486_094_750,
	intervalSeconds: 2,
	node: 'db1',
	isMaster: true,
	...fields,
});

// A busy database host: 8 GiB, its disk and network moving, a sensor.
const busyHost = (fields: Partial<HostSample> = {}): HostSample => hostSample({
	cpu: {total: 62.5, user: 40, nice: 2.5, system: 12, idle: 30, iowait: 7.5, irq: 1, softirq: 3, steal: 4, guest: 5, guestNice: 0.5, cores: [70, 55]},
	load: {one: 3.2, five: 2.9, fifteen: 2.1},
	kernel: {contextSwitchesPerSec: 12_345.5, interruptsPerSec: 6789, procsRunning: 5, procsBlocked: 2},
	memory: {total: 8 * GIB, used: 5 * GIB, available: 3 * GIB, free: 512 * MIB, buffers: 200.4 * MIB, cached: 2.25 * GIB},
	swap: {total: 2 * GIB, used: 100.6 * MIB, free: 2 * GIB - 100.6 * MIB},
	disk: {readBytesPerSec: 12.5 * MIB, writeBytesPerSec: 3 * MIB, readIops: 820, writeIops: 140.5, utilPct: 71.25},
	network: {
		rxBytesPerSec: 1.5 * MIB,
		txBytesPerSec: 0.25 * MIB,
		rxPacketsPerSec: 1100,
		txPacketsPerSec: 900,
		rxErrorsPerSec: 0.5,
		txErrorsPerSec: 0,
		rxDropsPerSec: 2,
		txDropsPerSec: 1,
		errorsPerSec: 0.5,
		dropsPerSec: 3,
	},
	temperature: 54.5,
	...fields,
});

const postgres = (fields: Partial<ContainerRow> = {}) => containerRow({
	id: 'a'.repeat(64),
	name: 'postgres-main',
	cpuPct: 43.75,
	memUsed: 700 * MIB,
	memLimit: 2 * GIB,
	memRss: 600 * MIB,
	memCache: 300 * MIB,
	netRxBytesPerSec: 0.5 * MIB,
	netTxBytesPerSec: 2 * MIB,
	netRxPacketsPerSec: 400,
	netTxPacketsPerSec: 500,
	netRxErrorsPerSec: 0,
	netTxErrorsPerSec: 0.5,
	netRxDropsPerSec: 1,
	netTxDropsPerSec: 0,
	blockReadBytesPerSec: 4 * MIB,
	blockWriteBytesPerSec: 1 * MIB,
	blockReadIops: 250,
	blockWriteIops: 60,
	...fields,
});

const nodeRow = (rows: RingRow[]) => rows.find(row => row.node_flag)!;

describe('ringRows', () => {
	test('a node row from a host sample: every metric in the contract\'s units', () => {
		const [row, ...rest] = ringRows(input({host: busyHost()}));
		assert.equal(rest.length, 0);
		assert.deepEqual(row, {
			sample_time: 1_795_486_094,
			master_flag: true,
			node_flag: true,
			node_name: 'db1',
			container_name: null,
			source: DBTOP_SOURCE,
			interval_seconds: 2,
			cpu_user_pct: 40,
			cpu_nice_pct: 2.5,
			cpu_system_pct: 12,
			cpu_idle_pct: 30,
			cpu_iowait_pct: 7.5,
			cpu_irq_pct: 1,
			cpu_softirq_pct: 3,
			cpu_steal_pct: 4,
			cpu_guest_pct: 5,
			cpu_guest_nice_pct: 0.5,
			cpu_total_pct: 62.5,
			load_1m: 3.2,
			load_5m: 2.9,
			load_15m: 2.1,
			ctx_switches_s: 12_345.5,
			interrupts_s: 6789,
			procs_running: 5,
			procs_blocked: 2,
			// Bytes become whole MiB, to the nearest.
			mem_total_mb: 8192,
			mem_free_mb: 512,
			mem_available_mb: 3072,
			mem_buffers_mb: 200,
			mem_cached_mb: 2304,
			swap_total_mb: 2048,
			swap_free_mb: 1947,
			swap_used_mb: 101,
			c_rss_mb: null,
			c_vsz_mb: null,
			c_shared_mb: null,
			// Bytes per second become MiB/s, not rounded.
			disk_read_mb_s: 12.5,
			disk_write_mb_s: 3,
			disk_read_iops: 820,
			disk_write_iops: 140.5,
			disk_util_pct: 71.25,
			net_rx_mb_s: 1.5,
			net_tx_mb_s: 0.25,
			net_rx_pkts_s: 1100,
			net_tx_pkts_s: 900,
			net_rx_errs_s: 0.5,
			net_tx_errs_s: 0,
			net_rx_drops_s: 2,
			net_tx_drops_s: 1,
			temperature_c: 54.5,
		});
		assert.deepEqual(violations(row), []);
	});

	test('a container row: its CPU, RSS, limit and page cache, disk and network; node-only columns null', () => {
		const rows = ringRows(input({host: busyHost(), containers: [postgres()], isMaster: false}));
		assert.equal(rows.length, 2);
		const row = rows[1];
		assert.deepEqual(row, {
			sample_time: 1_795_486_094,
			master_flag: false,
			node_flag: false,
			node_name: 'db1',
			container_name: 'postgres-main',
			source: DBTOP_SOURCE,
			interval_seconds: 2,
			...Object.fromEntries(METRICS.map(column => [column, null])),
			cpu_total_pct: 43.75,
			c_rss_mb: 600,
			c_vsz_mb: 2048,
			c_shared_mb: 300,
			disk_read_mb_s: 4,
			disk_write_mb_s: 1,
			disk_read_iops: 250,
			disk_write_iops: 60,
			net_rx_mb_s: 0.5,
			net_tx_mb_s: 2,
			net_rx_pkts_s: 400,
			net_tx_pkts_s: 500,
			net_rx_errs_s: 0,
			net_tx_errs_s: 0.5,
			net_rx_drops_s: 1,
			net_tx_drops_s: 0,
		});
		assert.equal(nodeRow(rows).master_flag, false);
		assert.deepEqual(violations(row), []);
	});

	test('one node row and one row per running container: exited, created and paused ones are skipped', () => {
		const rows = ringRows(input({
			containers: [
				postgres({id: '1'.repeat(64), name: 'pg'}),
				postgres({id: '2'.repeat(64), name: 'migrate', state: 'exited', exitCode: 0, cpuPct: null}),
				postgres({id: '3'.repeat(64), name: 'pooler'}),
				postgres({id: '4'.repeat(64), name: 'fresh', state: 'created'}),
				postgres({id: '5'.repeat(64), name: 'frozen', state: 'paused'}),
			],
		}));
		assert.deepEqual(rows.map(row => [row.node_flag, row.container_name, row.master_flag]), [[true, null, true], [false, 'pg', false], [false, 'pooler', false]]);
		assert.ok(rows.every(row => row.source === 'dbtop' && row.node_name === 'db1'));
	});

	test('no containers sample (engine down) gives the node row alone', () => {
		assert.deepEqual(ringRows(input({containers: null})).map(row => row.container_name), [null]);
	});

	test('a container several cores busy arrives normalised to the host\'s capacity; above 100 it is clamped', () => {
		// 3.5 cores busy (350 % of one core) on an 8-core host is 43.75 % of the host, as the collector reports it.
		const [, normalised] = ringRows(input({containers: [postgres({cpuPct: 350 / 8})]}));
		assert.equal(normalised.cpu_total_pct, 43.75);
		const [node, over] = ringRows(input({host: busyHost({cpu: {...busyHost().cpu, total: 100.0001, user: 140}, disk: {...busyHost().disk, utilPct: 250}}), containers: [postgres({cpuPct: 350})]}));
		assert.equal(over.cpu_total_pct, 100);
		assert.equal(node.cpu_total_pct, 100);
		assert.equal(node.cpu_user_pct, 100);
		assert.equal(node.disk_util_pct, 100);
		assert.deepEqual([...violations(node), ...violations(over)], []);
	});

	test('negative values become 0 (percentages, rates, counts, memory); NaN and Infinity become null; a temperature below zero stays', () => {
		const host = busyHost({
			cpu: {...busyHost().cpu, steal: -0.5, guest: Number.NaN},
			load: {one: -1, five: Number.POSITIVE_INFINITY, fifteen: 2},
			kernel: {contextSwitchesPerSec: -20, interruptsPerSec: Number.NaN, procsRunning: -1, procsBlocked: 2.6},
			memory: {...busyHost().memory, free: -MIB, buffers: Number.NaN},
			network: {...busyHost().network, rxBytesPerSec: -5, txDropsPerSec: Number.NEGATIVE_INFINITY},
			temperature: -12.5,
		});
		const container = postgres({cpuPct: -3, memRss: Number.NaN, memUsed: 10 * MIB, memCache: -MIB, netRxBytesPerSec: Number.POSITIVE_INFINITY, blockReadIops: -1});
		const [node, row] = ringRows(input({host, containers: [container]}));
		assert.deepEqual(
			[node.cpu_steal_pct, node.cpu_guest_pct, node.load_1m, node.load_5m, node.ctx_switches_s, node.interrupts_s, node.procs_running, node.procs_blocked],
			[0, null, 0, null, 0, null, 0, 3],
		);
		assert.deepEqual([node.mem_free_mb, node.mem_buffers_mb, node.net_rx_mb_s, node.net_tx_drops_s, node.temperature_c], [0, null, 0, null, -12.5]);
		// An RSS that is not a number is unknown: null, not the memory in use (that stands in only where the engine gives no split).
		assert.deepEqual([row.cpu_total_pct, row.c_rss_mb, row.c_shared_mb, row.net_rx_mb_s, row.disk_read_iops], [0, null, 0, null, 0]);
		assert.deepEqual([...violations(node), ...violations(row)], []);
	});

	test('a container whose engine gives no memory split (Podman): c_rss_mb is its memory in use, c_shared_mb null; no limit gives a null c_vsz_mb', () => {
		const [, row] = ringRows(input({containers: [postgres({memRss: null, memCache: null, memUsed: 96.4 * MIB, memLimit: null, blockReadIops: null, blockWriteIops: null})]}));
		assert.deepEqual([row.c_rss_mb, row.c_vsz_mb, row.c_shared_mb, row.disk_read_iops, row.disk_write_iops], [96, null, null, null, null]);
	});

	test('a running container with no rates yet (first sample) has null rates, never 0', () => {
		const [, row] = ringRows(input({containers: [postgres({cpuPct: null, netRxBytesPerSec: null, netRxPacketsPerSec: null, blockReadBytesPerSec: null})]}));
		assert.deepEqual([row.cpu_total_pct, row.net_rx_mb_s, row.net_rx_pkts_s, row.disk_read_mb_s], [null, null, null, null]);
	});

	test('sample_time is the whole epoch second, floored', () => {
		assert.equal(ringRows(input({sampleTime: 1_795_486_094_999}))[0].sample_time, 1_795_486_094);
		assert.equal(ringRows(input({sampleTime: 1_795_486_095_000}))[0].sample_time, 1_795_486_095);
		assert.equal(ringRows(input({sampleTime: 1_795_486_095_001}))[0].sample_time, 1_795_486_095);
	});

	test('interval_seconds is the interval rounded to whole seconds, at least 1', () => {
		const interval = (seconds: number) => ringRows(input({intervalSeconds: seconds, containers: [postgres()]})).map(row => row.interval_seconds);
		assert.deepEqual(interval(0.5), [1, 1]);
		assert.deepEqual(interval(0.1), [1, 1]);
		assert.deepEqual(interval(0), [1, 1]);
		assert.deepEqual(interval(2.4), [2, 2]);
		assert.deepEqual(interval(2.5), [3, 3]);
		assert.deepEqual(interval(60), [60, 60]);
	});

	test('a time or an interval that is not a number is refused, naming it', () => {
		assert.throws(() => ringRows(input({sampleTime: Number.NaN})), /sample time/);
		assert.throws(() => ringRows(input({intervalSeconds: Number.POSITIVE_INFINITY})), /interval/);
	});

	test('every row has exactly the identity and every metric column, each null or a number, and passes every CHECK', () => {
		const rows = ringRows(input({
			host: busyHost(),
			containers: [postgres(), postgres({id: 'b'.repeat(64), name: 'idle', cpuPct: 0, memRss: 0, memCache: 0, netRxBytesPerSec: 0, blockReadIops: 0}), containerRow({id: 'c'.repeat(64), name: 'default'})],
		}));
		assert.equal(rows.length, 4);
		for (const row of rows) {
			assert.deepEqual(Object.keys(row).sort(), [...IDENTITY, ...METRICS].sort());
			for (const column of METRICS) assert.ok(row[column] === null || typeof row[column] === 'number', `${row.container_name ?? 'node'}.${column}`);
			assert.deepEqual(violations(row), [], row.container_name ?? 'node');
		}
	});

	test('the checker catches what the table would refuse', () => {
		const [node, row] = ringRows(input({containers: [postgres()]}));
		assert.deepEqual(violations({...node, cpu_total_pct: 100.5, mem_total_mb: 1.5, load_1m: -0.1, temperature_c: -40}), [
			'cpu_total_pct_check: 100.5 > 100',
			'load_1m_check: -0.1 < 0',
			'mem_total_mb is not an integer: 1.5',
		]);
		assert.deepEqual(violations({...row, master_flag: true, container_name: null, interval_seconds: 0}), ['container_presence_chk', 'master_only_nodes_chk', 'interval_seconds_check']);
	});
});
