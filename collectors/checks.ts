// The service checks operators run by hand, each a collector on its own interval: is a process
// with this name running, is this TCP port listening, how many lines of this log matched a
// pattern in the last minutes. A log is tailed from where the last tick stopped, never re-read.
import {closeSync, openSync, readdirSync, readFileSync, readSync, statSync} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import type {Collector} from '../source/collector.js';
import type {CheckTarget, ServiceCheck} from '../source/config.js';
import type {CheckValue} from '../source/types.js';
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

/** Follows a log file: counts new lines matching the pattern; starts at the end, follows rotation and truncation. */
function logTail(file: string, pattern: RegExp, windowMs: number): (now: number) => number {
	let inode: number | null = null;
	let offset = 0;
	let partial = '';
	let hasFailed = false;
	let decoder = new StringDecoder('utf8');
	const window: CountWindow = {buckets: [], windowMs};
	const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
	return now => {
		let size: number;
		let ino: number;
		try {
			({size, ino} = statSync(file));
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
}

function describe(target: CheckTarget): string {
	return target.kind === 'process' ? target.process : target.kind === 'port' ? `:${target.port}` : target.path;
}

/** One service check as a collector: id `check:<name>`, ticking on the check's own interval. */
export function serviceCheck(check: ServiceCheck, now: () => number = Date.now): Collector<CheckValue> {
	const {target} = check;
	const resource = describe(target);
	const tail = target.kind === 'log' ? logTail(target.path, new RegExp(target.pattern), target.windowMs) : null;
	return {
		id: `check:${check.name}`,
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

			const value = tail!(now());
			return {resource, value, detail: `${value} in ${target.windowMs / 60_000}m`};
		},
	};
}
