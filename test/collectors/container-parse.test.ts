import assert from 'node:assert/strict';
import {test} from 'node:test';
import {containerName, cpuLimitCores, inspectFacts, NO_COUNTERS, parseStats, statsRates} from '../../collectors/container-parse.js';

const stats = (cpuNs: number, read: string, rx: number) => ({
	read,
	cpu_stats: {cpu_usage: {total_usage: cpuNs}},
	memory_stats: {usage: 300 * 1024 ** 2, limit: 512 * 1024 ** 2, stats: {inactive_file: 100 * 1024 ** 2}},
	networks: {eth0: {rx_bytes: rx, tx_bytes: 10}, eth1: {rx_bytes: rx, tx_bytes: 0}},
	blkio_stats: {io_service_bytes_recursive: [{op: 'Read', value: 4096}, {op: 'write', value: 8192}]},
	pids_stats: {current: 4},
});

test('stats: memory without the droppable cache, networks summed, block I/O by op, pids', () => {
	const reading = parseStats(stats(5e9, '2026-11-24T10:00:00Z', 1000), 0);
	assert.equal(reading.memUsed, 200 * 1024 ** 2);
	assert.equal(reading.memLimit, 512 * 1024 ** 2);
	assert.equal(reading.pids, 4);
	assert.deepEqual(reading.counters, {...NO_COUNTERS, at: Date.parse('2026-11-24T10:00:00Z'), cpuNs: 5e9, rxBytes: 2000, txBytes: 10, readBytes: 4096, writeBytes: 8192});
	assert.equal(parseStats({memory_stats: {usage: 1, limit: 2 ** 63}}, 5).memLimit, null, 'no limit');
	assert.equal(parseStats({}, 5).counters.at, 5, 'no timestamp: when it was received');
});

// What `GET /containers/{id}/stats?stream=false&one-shot=true` answers, trimmed to the keys dbtop
// reads. Podman 4.3.1 (cgroup v1, rootful): captured from a busybox container; it sends usage and
// limit without a split, and no operation counts.
const PODMAN_STATS = {
	read: '2026-12-01T15:10:18.669076323Z',
	pids_stats: {current: 1},
	blkio_stats: {io_service_bytes_recursive: [], io_serviced_recursive: null, io_queue_recursive: null},
	cpu_stats: {cpu_usage: {total_usage: 1499627391, percpu_usage: [36907402, 1462730523], usage_in_kernelmode: 750576954, usage_in_usermode: 749050437}, online_cpus: 2},
	memory_stats: {usage: 688128, limit: 25276502016},
	name: 'ringcap-busy',
	networks: {network: {rx_bytes: 472, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 1006, tx_packets: 0, tx_errors: 0, tx_dropped: 0}},
};

// Docker on cgroup v1, in the shape of the Engine API's example (rss and cache, total_* with
// children; blkio per device and operation, Sync, Async and Total included).
const DOCKER_V1_STATS = {
	read: '2015-01-08T22:57:31.547920715Z',
	pids_stats: {current: 3},
	networks: {
		eth0: {rx_bytes: 5338, rx_dropped: 1, rx_errors: 2, rx_packets: 36, tx_bytes: 648, tx_dropped: 3, tx_errors: 4, tx_packets: 8},
		eth5: {rx_bytes: 4641, rx_dropped: 0, rx_errors: 0, rx_packets: 26, tx_bytes: 690, tx_dropped: 0, tx_errors: 0, tx_packets: 9},
	},
	memory_stats: {
		stats: {cache: 1146880, rss: 6537216, total_cache: 1146880, total_rss: 6537216, inactive_file: 65536, total_inactive_file: 65536, active_anon: 6537216},
		max_usage: 7751904,
		usage: 7684096,
		failcnt: 0,
		limit: 67108864,
	},
	blkio_stats: {
		io_service_bytes_recursive: [
			{major: 8, minor: 0, op: 'Read', value: 1_048_576},
			{major: 8, minor: 0, op: 'Write', value: 4096},
			{major: 8, minor: 0, op: 'Sync', value: 4096},
			{major: 8, minor: 0, op: 'Async', value: 1_048_576},
			{major: 8, minor: 0, op: 'Total', value: 1_052_672},
		],
		io_serviced_recursive: [
			{major: 8, minor: 0, op: 'Read', value: 12},
			{major: 8, minor: 0, op: 'Write', value: 1},
			{major: 8, minor: 0, op: 'Sync', value: 1},
			{major: 8, minor: 0, op: 'Async', value: 12},
			{major: 8, minor: 0, op: 'Total', value: 13},
		],
	},
	cpu_stats: {cpu_usage: {percpu_usage: [8646879, 24472255, 36438778, 30657443], usage_in_usermode: 50000000, total_usage: 100215355, usage_in_kernelmode: 30000000}, online_cpus: 4},
};

// Docker on cgroup v2: memory split as anon and file; blkio has only the byte counts.
const DOCKER_V2_STATS = {
	read: '2026-11-24T10:00:00Z',
	pids_stats: {current: 12},
	networks: {eth0: {rx_bytes: 10_000, rx_packets: 100, rx_errors: 0, rx_dropped: 5, tx_bytes: 20_000, tx_packets: 200, tx_errors: 0, tx_dropped: 0}},
	memory_stats: {usage: 150 * 1024 ** 2, limit: 1024 ** 3, stats: {anon: 90 * 1024 ** 2, file: 55 * 1024 ** 2, inactive_file: 40 * 1024 ** 2, active_file: 15 * 1024 ** 2, shmem: 0}},
	blkio_stats: {io_service_bytes_recursive: [{major: 259, minor: 0, op: 'read', value: 2048}, {major: 259, minor: 0, op: 'write', value: 8192}], io_serviced_recursive: null},
	cpu_stats: {cpu_usage: {total_usage: 9e9, usage_in_kernelmode: 3e9, usage_in_usermode: 6e9}, online_cpus: 8},
};

test('stats of Podman: memory without a split, network packets, errors and drops, no operation counts', () => {
	const reading = parseStats(PODMAN_STATS, 0);
	assert.equal(reading.memUsed, 688128);
	assert.equal(reading.memRss, null);
	assert.equal(reading.memCache, null);
	assert.equal(reading.memLimit, 25276502016, 'Podman sends the host\'s memory as the limit of an unlimited container');
	assert.deepEqual(reading.counters, {...NO_COUNTERS, at: Date.parse('2026-12-01T15:10:18.669076323Z'), cpuNs: 1499627391, rxBytes: 472, txBytes: 1006});
});

test('stats of Docker on cgroup v1: rss and cache, networks summed, reads and writes only of the blkio operations', () => {
	const reading = parseStats(DOCKER_V1_STATS, 0);
	assert.equal(reading.memRss, 6537216);
	assert.equal(reading.memCache, 1146880);
	assert.equal(reading.memUsed, 7684096 - 65536);
	const {counters} = reading;
	assert.deepEqual(
		[counters.rxBytes, counters.txBytes, counters.rxPackets, counters.txPackets, counters.rxErrors, counters.txErrors, counters.rxDrops, counters.txDrops],
		[5338 + 4641, 648 + 690, 36 + 26, 8 + 9, 2, 4, 1, 3],
	);
	assert.deepEqual([counters.readBytes, counters.writeBytes, counters.readIos, counters.writeIos], [1_048_576, 4096, 12, 1]);
});

test('stats of Docker on cgroup v2: anon and file, byte counts without operation counts', () => {
	const reading = parseStats(DOCKER_V2_STATS, 0);
	assert.equal(reading.memRss, 90 * 1024 ** 2);
	assert.equal(reading.memCache, 55 * 1024 ** 2);
	assert.equal(reading.memUsed, 110 * 1024 ** 2);
	assert.equal(reading.memLimit, 1024 ** 3);
	assert.deepEqual([reading.counters.readBytes, reading.counters.writeBytes, reading.counters.readIos, reading.counters.writeIos], [2048, 8192, null, null]);
});

test('rates of packets, errors, drops and block operations; none where the engine counts no operations', () => {
	const grown = (stats: typeof DOCKER_V1_STATS) => ({
		...stats,
		read: '2015-01-08T22:57:33.547920715Z',
		networks: {eth0: {...stats.networks.eth0, rx_packets: 136, tx_packets: 48, rx_errors: 4, tx_dropped: 7}, eth5: stats.networks.eth5},
		blkio_stats: {
			io_service_bytes_recursive: stats.blkio_stats.io_service_bytes_recursive,
			io_serviced_recursive: stats.blkio_stats.io_serviced_recursive.map(entry => ({...entry, value: entry.value + (entry.op === 'Read' ? 40 : 20)})),
		},
	});
	const first = parseStats(DOCKER_V1_STATS, 0).counters;
	const rates = statsRates(first, parseStats(grown(DOCKER_V1_STATS), 0).counters, 4, null);
	assert.deepEqual(
		[rates.netRxPacketsPerSec, rates.netTxPacketsPerSec, rates.netRxErrorsPerSec, rates.netTxErrorsPerSec, rates.netRxDropsPerSec, rates.netTxDropsPerSec, rates.blockReadIops, rates.blockWriteIops],
		[50, 20, 1, 0, 0, 2, 20, 10],
	);
	const podman = parseStats(PODMAN_STATS, 0).counters;
	const later = parseStats({...PODMAN_STATS, read: '2026-12-01T15:10:20.669076323Z'}, 0).counters;
	const podmanRates = statsRates(podman, later, 2, null);
	assert.equal(podmanRates.blockReadIops, null);
	assert.equal(podmanRates.netRxPacketsPerSec, 0);
	assert.equal(statsRates(undefined, NO_COUNTERS, 2, null).netRxPacketsPerSec, null);
});

test('CPU is a share of all host cores, never above 100: 3.5 cores busy on 4 cores is 87.5, on 2 cores 100', () => {
	const first = parseStats({...PODMAN_STATS, cpu_stats: {cpu_usage: {total_usage: 0}}}, 0).counters;
	const second = parseStats({...PODMAN_STATS, read: '2026-12-01T15:10:20.669076323Z', cpu_stats: {cpu_usage: {total_usage: 7e9}}}, 0).counters;
	assert.equal(statsRates(first, second, 4, null).cpuPct, 87.5);
	assert.equal(statsRates(first, second, 2, null).cpuPct, 100);
	assert.equal(statsRates(first, second, 2, 1).cpuOfLimitPct, 350, 'the share of its own limit is not capped');
});

test('rates: CPU as a share of all host cores and of its own limit; none on the first reading', () => {
	const first = parseStats(stats(5e9, '2026-11-24T10:00:00Z', 1000), 0).counters;
	const second = parseStats(stats(6.5e9, '2026-11-24T10:00:02Z', 3000), 0).counters;
	assert.equal(statsRates(undefined, second, 4, null).cpuPct, null);
	const rates = statsRates(first, second, 4, 0.5);
	assert.equal(rates.cpuPct, 18.75, '0.75 cores busy of 4');
	assert.equal(rates.cpuOfLimitPct, 150, '0.75 cores of a 0.5 core limit');
	assert.equal(rates.netRxBytesPerSec, 2000);
	assert.equal(rates.blockReadBytesPerSec, 0);
});

test('inspect facts: health, restarts, start time, exit code, CPU limit', () => {
	const running = inspectFacts({RestartCount: 2, State: {Running: true, StartedAt: '2026-11-24T10:00:00Z', ExitCode: 0, Health: {Status: 'unhealthy'}}, HostConfig: {NanoCpus: 1.5e9}});
	assert.deepEqual(running, {health: 'unhealthy', restarts: 2, startedAt: Date.parse('2026-11-24T10:00:00Z'), exitCode: null, limitCores: 1.5});
	const exited = inspectFacts({State: {Running: false, ExitCode: 137}});
	assert.deepEqual(exited, {health: 'none', restarts: 0, startedAt: null, exitCode: 137, limitCores: null});
	assert.equal(cpuLimitCores({CpuQuota: 50_000, CpuPeriod: 100_000}), 0.5);
	assert.equal(containerName(['/web'], 'abc'), 'web');
	assert.equal(containerName([], '0123456789abcdef'), '0123456789ab');
});
