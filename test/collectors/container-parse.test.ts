import assert from 'node:assert/strict';
import {test} from 'node:test';
import {containerName, cpuLimitCores, inspectFacts, parseStats, statsRates} from '../../collectors/container-parse.js';

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
	assert.deepEqual(reading.counters, {at: Date.parse('2026-11-24T10:00:00Z'), cpuNs: 5e9, rxBytes: 2000, txBytes: 10, readBytes: 4096, writeBytes: 8192});
	assert.equal(parseStats({memory_stats: {usage: 1, limit: 2 ** 63}}, 5).memLimit, null, 'no limit');
	assert.equal(parseStats({}, 5).counters.at, 5, 'no timestamp: when it was received');
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
