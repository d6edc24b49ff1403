// Pure parts of the containers collector: the engine's JSON (Docker's format, which Podman's
// compatible API speaks too) turned into rows, and stats counters into rates.
import type {ContainerRow} from '../source/types.js';

/** The counters of one stats reading, kept to compute the next reading's rates. */
export type StatsCounters = {
	at: number;
	cpuNs: number;
	rxBytes: number;
	txBytes: number;
	rxPackets: number;
	txPackets: number;
	rxErrors: number;
	txErrors: number;
	rxDrops: number;
	txDrops: number;
	readBytes: number;
	writeBytes: number;
	/** Completed block I/Os; null where the engine does not count them (no io_serviced_recursive). */
	readIos: number | null;
	writeIos: number | null;
};

/** What one stats reading says now, and its counters. */
export type StatsReading = {
	counters: StatsCounters;
	memUsed: number | null;
	memLimit: number | null;
	memRss: number | null;
	memCache: number | null;
	pids: number | null;
};

/** Counters of a container with no stats reading: every rate from them is null. */
export const NO_COUNTERS: StatsCounters = {
	at: 0,
	cpuNs: 0,
	rxBytes: 0,
	txBytes: 0,
	rxPackets: 0,
	txPackets: 0,
	rxErrors: 0,
	txErrors: 0,
	rxDrops: 0,
	txDrops: 0,
	readBytes: 0,
	writeBytes: 0,
	readIos: null,
	writeIos: null,
};

type Json = Record<string, any>;

const numberOr = (value: unknown, fallback: number | null = null): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Parses one stats JSON document (one-shot or one line of a stream). */
export function parseStats(stats: Json, receivedAt: number): StatsReading {
	const read = Date.parse(String(stats['read'] ?? ''));
	const networks = Object.values((stats['networks'] ?? {}) as Record<string, Json>);
	const networkSum = (key: string) => networks.reduce((sum, network) => sum + numberOr(network[key], 0)!, 0);
	const blkio = (stats['blkio_stats'] ?? {}) as Json;
	const bytes = opSums(blkio['io_service_bytes_recursive']);
	const ios = opSums(blkio['io_serviced_recursive']);

	const memory = (stats['memory_stats'] ?? {}) as Json;
	const usage = numberOr(memory['usage']);
	// cgroup v2 names the split anon and file; cgroup v1 rss and cache (total_* with children).
	const split = (memory['stats'] ?? null) as Json | null;
	const firstOf = (...keys: string[]) => keys.map(key => numberOr(split?.[key])).find(value => value !== null) ?? null;
	// Like `docker stats`: page cache the kernel can drop is not counted as used.
	const inactiveFile = firstOf('inactive_file', 'total_inactive_file') ?? 0;
	const limit = numberOr(memory['limit']);
	return {
		counters: {
			at: Number.isFinite(read) && read > 0 ? read : receivedAt,
			cpuNs: numberOr(stats['cpu_stats']?.['cpu_usage']?.['total_usage'], 0)!,
			rxBytes: networkSum('rx_bytes'),
			txBytes: networkSum('tx_bytes'),
			rxPackets: networkSum('rx_packets'),
			txPackets: networkSum('tx_packets'),
			rxErrors: networkSum('rx_errors'),
			txErrors: networkSum('tx_errors'),
			rxDrops: networkSum('rx_dropped'),
			txDrops: networkSum('tx_dropped'),
			readBytes: bytes?.read ?? 0,
			writeBytes: bytes?.write ?? 0,
			readIos: ios?.read ?? null,
			writeIos: ios?.write ?? null,
		},
		memUsed: usage === null ? null : Math.max(usage - inactiveFile, 0),
		// Engines report "no limit" as a huge number (the host's memory or 2^63): null means unlimited.
		memLimit: limit === null || limit <= 0 || limit >= 2 ** 62 ? null : limit,
		memRss: firstOf('anon', 'total_rss', 'rss'),
		memCache: firstOf('file', 'total_cache', 'cache'),
		pids: numberOr(stats['pids_stats']?.['current']),
	};
}

// Sums a blkio list's Read and Write entries over devices (cgroup v1 also lists Sync, Async,
// Discard and Total; v2 only read and write); null when the engine sends no list.
function opSums(entries: unknown): {read: number; write: number} | null {
	if (!Array.isArray(entries)) return null;
	const sums = {read: 0, write: 0};
	for (const entry of entries as Json[]) {
		const op = String(entry['op'] ?? '').toLowerCase();
		if (op === 'read' || op === 'write') sums[op] += numberOr(entry['value'], 0)!;
	}

	return sums;
}

/** The rates of a container row, from two stats readings. */
export type StatsRates = Pick<
	ContainerRow,
	| 'cpuPct'
	| 'cpuOfLimitPct'
	| 'netRxBytesPerSec'
	| 'netTxBytesPerSec'
	| 'netRxPacketsPerSec'
	| 'netTxPacketsPerSec'
	| 'netRxErrorsPerSec'
	| 'netTxErrorsPerSec'
	| 'netRxDropsPerSec'
	| 'netTxDropsPerSec'
	| 'blockReadBytesPerSec'
	| 'blockWriteBytesPerSec'
	| 'blockReadIops'
	| 'blockWriteIops'
>;

/** CPU and I/O rates between two readings: CPU as % of all host cores (at most 100) and of the container's own limit. */
export function statsRates(previous: StatsCounters | undefined, current: StatsCounters, hostCores: number, limitCores: number | null): StatsRates {
	const seconds = previous ? (current.at - previous.at) / 1000 : 0;
	if (!previous || seconds <= 0) {
		return {
			cpuPct: null,
			cpuOfLimitPct: null,
			netRxBytesPerSec: null,
			netTxBytesPerSec: null,
			netRxPacketsPerSec: null,
			netTxPacketsPerSec: null,
			netRxErrorsPerSec: null,
			netTxErrorsPerSec: null,
			netRxDropsPerSec: null,
			netTxDropsPerSec: null,
			blockReadBytesPerSec: null,
			blockWriteBytesPerSec: null,
			blockReadIops: null,
			blockWriteIops: null,
		};
	}

	const rate = (before: number | null, now: number | null) => (before === null || now === null ? null : Math.max(now - before, 0) / seconds);
	const counter = (key: Exclude<keyof StatsCounters, 'readIos' | 'writeIos'>) => rate(previous[key], current[key])!;
	const coresBusy = counter('cpuNs') / 1e9;
	return {
		cpuPct: Math.min((coresBusy / Math.max(hostCores, 1)) * 100, 100),
		cpuOfLimitPct: limitCores ? (coresBusy / limitCores) * 100 : null,
		netRxBytesPerSec: counter('rxBytes'),
		netTxBytesPerSec: counter('txBytes'),
		netRxPacketsPerSec: counter('rxPackets'),
		netTxPacketsPerSec: counter('txPackets'),
		netRxErrorsPerSec: counter('rxErrors'),
		netTxErrorsPerSec: counter('txErrors'),
		netRxDropsPerSec: counter('rxDrops'),
		netTxDropsPerSec: counter('txDrops'),
		blockReadBytesPerSec: counter('readBytes'),
		blockWriteBytesPerSec: counter('writeBytes'),
		blockReadIops: rate(previous.readIos, current.readIos),
		blockWriteIops: rate(previous.writeIos, current.writeIos),
	};
}

/** The cores a container may use, from its inspect HostConfig (NanoCpus or quota/period), or null. */
export function cpuLimitCores(hostConfig: Json | undefined): number | null {
	const nano = numberOr(hostConfig?.['NanoCpus'], 0)!;
	if (nano > 0) return nano / 1e9;
	const quota = numberOr(hostConfig?.['CpuQuota'], 0)!;
	const period = numberOr(hostConfig?.['CpuPeriod'], 0)!;
	return quota > 0 && period > 0 ? quota / period : null;
}

/** The parts of `inspect` the list needs; read on first sight and again after the container's events. */
export type InspectFacts = {
	health: ContainerRow['health'];
	restarts: number;
	startedAt: number | null;
	exitCode: number | null;
	limitCores: number | null;
};

/** Picks the facts from an inspect document. */
export function inspectFacts(inspect: Json): InspectFacts {
	const state = (inspect['State'] ?? {}) as Json;
	const status = String(state['Health']?.['Status'] ?? state['Healthcheck']?.['Status'] ?? '').toLowerCase();
	const started = Date.parse(String(state['StartedAt'] ?? ''));
	const isRunning = state['Running'] === true;
	return {
		health: status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : 'none',
		restarts: numberOr(inspect['RestartCount'], 0)!,
		startedAt: isRunning && Number.isFinite(started) && started > 0 ? started : null,
		exitCode: isRunning ? null : numberOr(state['ExitCode']),
		limitCores: cpuLimitCores(inspect['HostConfig']),
	};
}

/** A container's name without the leading slash Docker adds. */
export function containerName(names: unknown, id: string): string {
	const first = Array.isArray(names) ? String(names[0] ?? '') : '';
	return first.replace(/^\//, '') || id.slice(0, 12);
}

/**
 * Splits a log response into lines. Without a TTY the engine multiplexes stdout and stderr in
 * frames of an 8-byte header (stream, 0, 0, 0, length as 32-bit big-endian) and the payload;
 * with a TTY the bytes come raw.
 */
export function demuxLogs(buffer: Buffer, isTty: boolean): string[] {
	let text = '';
	if (isTty) {
		text = buffer.toString('utf8');
	} else {
		let offset = 0;
		while (offset + 8 <= buffer.length) {
			const size = buffer.readUInt32BE(offset + 4);
			text += buffer.toString('utf8', offset + 8, Math.min(offset + 8 + size, buffer.length));
			offset += 8 + size;
		}
	}

	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines;
}

/** Ports from inspect's NetworkSettings.Ports: `8080/tcp -> 0.0.0.0:8080`, or the bare port when not published. */
export function portsOf(inspect: Json): string[] {
	const ports = (inspect['NetworkSettings']?.['Ports'] ?? {}) as Record<string, Array<{HostIp?: string; HostPort?: string}> | null>;
	return Object.entries(ports).map(([port, bindings]) =>
		bindings && bindings.length > 0 ? `${port} -> ${bindings.map(binding => `${binding.HostIp || '0.0.0.0'}:${binding.HostPort ?? ''}`).join(', ')}` : port,
	);
}

/** Mounts from inspect: `volume:data -> /var/lib/postgresql (rw)`. */
export function mountsOf(inspect: Json): string[] {
	return ((inspect['Mounts'] ?? []) as Json[]).map(mount => `${String(mount['Type'] ?? '?')}:${String(mount['Name'] ?? mount['Source'] ?? '')} -> ${String(mount['Destination'] ?? '')} (${mount['RW'] === false ? 'ro' : 'rw'})`);
}
