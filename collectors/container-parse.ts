// Pure parts of the containers collector: the engine's JSON (Docker's format, which Podman's
// compatible API speaks too) turned into rows, and stats counters into rates.
import type {ContainerRow} from '../source/types.js';

/** The counters of one stats reading, kept to compute the next reading's rates. */
export type StatsCounters = {
	at: number;
	cpuNs: number;
	rxBytes: number;
	txBytes: number;
	readBytes: number;
	writeBytes: number;
};

/** What one stats reading says now, and its counters. */
export type StatsReading = {
	counters: StatsCounters;
	memUsed: number | null;
	memLimit: number | null;
	pids: number | null;
};

type Json = Record<string, any>;

const numberOr = (value: unknown, fallback: number | null = null): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Parses one stats JSON document (one-shot or one line of a stream). */
export function parseStats(stats: Json, receivedAt: number): StatsReading {
	const read = Date.parse(String(stats['read'] ?? ''));
	let rxBytes = 0;
	let txBytes = 0;
	for (const network of Object.values((stats['networks'] ?? {}) as Record<string, Json>)) {
		rxBytes += numberOr(network['rx_bytes'], 0)!;
		txBytes += numberOr(network['tx_bytes'], 0)!;
	}

	let readBytes = 0;
	let writeBytes = 0;
	for (const entry of ((stats['blkio_stats'] ?? {})['io_service_bytes_recursive'] ?? []) as Json[]) {
		const op = String(entry['op'] ?? '').toLowerCase();
		if (op === 'read') readBytes += numberOr(entry['value'], 0)!;
		if (op === 'write') writeBytes += numberOr(entry['value'], 0)!;
	}

	const memory = (stats['memory_stats'] ?? {}) as Json;
	const usage = numberOr(memory['usage']);
	// Like `docker stats`: page cache the kernel can drop is not counted as used.
	const cache = numberOr(memory['stats']?.['inactive_file'], numberOr(memory['stats']?.['total_inactive_file'], 0));
	const limit = numberOr(memory['limit']);
	return {
		counters: {
			at: Number.isFinite(read) && read > 0 ? read : receivedAt,
			cpuNs: numberOr(stats['cpu_stats']?.['cpu_usage']?.['total_usage'], 0)!,
			rxBytes,
			txBytes,
			readBytes,
			writeBytes,
		},
		memUsed: usage === null ? null : Math.max(usage - (cache ?? 0), 0),
		// Engines report "no limit" as a huge number (the host's memory or 2^63): null means unlimited.
		memLimit: limit === null || limit <= 0 || limit >= 2 ** 62 ? null : limit,
		pids: numberOr(stats['pids_stats']?.['current']),
	};
}

/** CPU and I/O rates between two readings: CPU as % of all host cores and of the container's own limit. */
export function statsRates(previous: StatsCounters | undefined, current: StatsCounters, hostCores: number, limitCores: number | null) {
	const seconds = previous ? (current.at - previous.at) / 1000 : 0;
	if (!previous || seconds <= 0) {
		return {cpuPct: null, cpuOfLimitPct: null, netRxBytesPerSec: null, netTxBytesPerSec: null, blockReadBytesPerSec: null, blockWriteBytesPerSec: null};
	}

	const rate = (key: keyof StatsCounters) => Math.max(current[key] - previous[key], 0) / seconds;
	const coresBusy = rate('cpuNs') / 1e9;
	return {
		cpuPct: Math.min((coresBusy / Math.max(hostCores, 1)) * 100, 100),
		cpuOfLimitPct: limitCores ? (coresBusy / limitCores) * 100 : null,
		netRxBytesPerSec: rate('rxBytes'),
		netTxBytesPerSec: rate('txBytes'),
		blockReadBytesPerSec: rate('readBytes'),
		blockWriteBytesPerSec: rate('writeBytes'),
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
