// The service checks operators run by hand, each a collector on its own interval: is a process
// with this name running, is this TCP port listening, how many lines of this log matched a
// pattern in the last minutes. A log is tailed from where the last tick stopped, never re-read.
import {closeSync, openSync, readdirSync, readFileSync, readSync, statSync} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import type {Collector} from '../source/store/collector.js';
import type {CheckTarget, ServiceCheck} from '../source/app/config.js';
import type {CheckValue} from '../source/types.js';
import {fileKind} from '../source/file-kind.js';
import {compileUserPattern, type UserPattern} from '../source/user-pattern.js';
import {addToWindow, listeningPorts, type CountWindow} from './check-parse.js';

// The kernel keeps 15 characters of a process's name.
const COMM_LENGTH = 15;
const CHUNK_BYTES = 1024 * 1024;
// A line longer than this is counted by its first part only.
const LONGEST_LINE = 64 * 1024;

/** How many processes have this name (as ps -e shows it). */
function countProcesses(name: string): number {
	const comm = name.slice(0, COMM_LENGTH);
	let count = 0;
	for (const entry of readdirSync('/proc')) {
		if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
		try {
			if (readFileSync(`/proc/${entry}/comm`, 'utf8').trimEnd() === comm) count++;
		} catch {
			// The process ended while the list was read.
		}
	}

	return count;
}

function isListening(port: number): boolean {
	return ['/proc/net/tcp', '/proc/net/tcp6'].some(file => {
		try {
			return listeningPorts(readFileSync(file, 'utf8')).has(port);
		} catch {
			return false; // No IPv6 on this host.
		}
	});
}

/** Where a log check stopped reading (after its last complete line) and its counts in the window. */
export type TailPosition = {path: string; inode: number; offset: number; buckets: CountWindow['buckets']};

type LogTail = {read(now: number): number; position(): TailPosition | null};

/**
 * Follows a log file: counts new lines matching the pattern; follows rotation and truncation.
 * It starts where `start` stopped (a position kept between runs of `dbtop check`), else at the end.
 */
function logTail(file: string, pattern: UserPattern, windowMs: number, start: TailPosition | null): LogTail {
	let inode: number | null = start?.inode ?? null;
	let offset = start?.offset ?? 0;
	let partial = '';
	let hasFailed = false;
	let decoder = new StringDecoder('utf8');
	const window: CountWindow = {buckets: [...(start?.buckets ?? [])], windowMs};
	const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
	const position = (): TailPosition | null => (inode === null ? null : {path: file, inode, offset: offset - Buffer.byteLength(partial), buckets: window.buckets});
	const read = (now: number): number => {
		let size: number;
		let ino: number;
		try {
			const stats = statSync(file);
			// A directory reads as empty, a FIFO blocks: neither is a log, and a check on one cannot tell.
			if (!stats.isFile()) throw new Error(`${fileKind(stats)}, not a log file`);
			({size, ino} = stats);
		} catch (error) {
			hasFailed = true;
			throw new Error(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
		}

		if (inode === null || ino !== inode || size < offset) {
			// First sight: what was written before dbtop started is not counted, unless the file
			// only appeared after dbtop looked for it. Rotated or truncated: the new file from its start.
			offset = inode === null && !hasFailed ? size : 0;
			inode = ino;
			partial = '';
			decoder = new StringDecoder('utf8');
		}

		let count = 0;
		if (size > offset) {
			const fd = openSync(file, 'r');
			try {
				while (offset < size) {
					const length = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - offset), offset);
					if (length === 0) break;
					offset += length;
					const lines = (partial + decoder.write(buffer.subarray(0, length))).split('\n');
					partial = lines.pop()!.slice(0, LONGEST_LINE);
					for (const line of lines) if (pattern.test(line)) count++;
				}
			} finally {
				closeSync(fd);
			}
		}

		return addToWindow(window, now, count);
	};

	return {read, position};
}

function describe(target: CheckTarget): string {
	return target.kind === 'process' ? target.process : target.kind === 'port' ? `:${target.port}` : target.path;
}

/** A service check's collector, and for a log check where it stopped reading. */
export type ServiceCheckCollector = Collector<CheckValue> & {position(): TailPosition | null};

/** One service check as a collector: id `check:<name>`, ticking on the check's own interval. */
export function serviceCheck(check: ServiceCheck, options: {now?: () => number; start?: TailPosition} = {}): ServiceCheckCollector {
	const {target} = check;
	const now = options.now ?? Date.now;
	const resource = describe(target);
	// A kept position is for this file only.
	const start = target.kind === 'log' && options.start?.path === target.path ? options.start : null;
	// The config refuses a pattern RE2 does not compile; were one to come here, each tick says why.
	const compiled = target.kind === 'log' ? compileUserPattern(target.pattern) : null;
	const tail = target.kind === 'log' && compiled?.pattern ? logTail(target.path, compiled.pattern, target.windowMs, start) : null;
	return {
		id: `check:${check.name}`,
		position: () => tail?.position() ?? null,
		intervalMs: check.intervalMs,
		async collect() {
			if (target.kind === 'process') {
				const value = countProcesses(target.process);
				return {resource, value, detail: `${value} running`};
			}

			if (target.kind === 'port') {
				const value = isListening(target.port) ? 1 : 0;
				return {resource, value, detail: value ? 'listening' : 'not listening'};
			}

			if (tail === null) throw new Error(compiled?.error ?? 'no pattern');
			const value = tail.read(now());
			return {resource, value, detail: `${value} in ${target.windowMs / 60_000}m`};
		},
	};
}
