// The host and processes slice: the latest host and process samples, the host's bounded
// histories for the sparklines, and the history of the processes on screen.
import {listSelectionIndex} from './lists.js';
import {memoOf, memoPerObject} from './memo.js';
import {visibleProcesses} from './process-list.js';
import {windowStart} from './selection.js';
import type {SampleOf, State} from './store.js';
import type {HostSample, ProcessRow, ProcessSample} from '../types.js';

/** Points kept per host metric: five minutes at a 1 s interval, wider than any terminal. */
export const HISTORY_POINTS = 300;
/** Points kept per process (and container) for the drill-down charts. */
export const PROCESS_HISTORY_POINTS = 120;

/** Host metrics that keep a history for sparklines. */
export type HostMetric = 'cpu' | 'memory' | 'diskRead' | 'diskWrite' | 'netRx' | 'netTx';

/** Per-process history of a process on screen, tied to the start time so a reused pid starts over. */
export type ProcessHistory = {startedAt: number; cpu: number[]; rss: number[]};

export type HostSlice = {
	host: HostSample | null;
	processes: ProcessSample | null;
	history: Record<HostMetric, number[]>;
	processHistory: ReadonlyMap<number, ProcessHistory>;
};

export const initialHost = (): HostSlice => ({
	host: null,
	processes: null,
	history: {cpu: [], memory: [], diskRead: [], diskWrite: [], netRx: [], netTx: []},
	processHistory: new Map(),
});

/** Appends to a bounded history, returning a new array. */
export function appendBounded(points: readonly number[], value: number, max: number): number[] {
	const next = points.slice(points.length >= max ? points.length - max + 1 : 0);
	next.push(value);
	return next;
}

/** Memory in use, % of the total: the Mem meter and its chart (NaN where the total is not known: a replay's NULL). */
export function memoryUsedPct(host: HostSample): number {
	if (Number.isNaN(host.memory.total)) return Number.NaN;
	return host.memory.total > 0 ? (host.memory.used / host.memory.total) * 100 : 0;
}

/** Memory available, % of the total, as the memory rule judges it (null when the total is unknown). */
export function memoryAvailablePct(host: HostSample): number | null {
	return host.memory.total > 0 ? (host.memory.available / host.memory.total) * 100 : null;
}

function withHost(state: State, host: HostSample): State {
	const {history} = state;
	return {
		...state,
		host,
		history: {
			cpu: appendBounded(history.cpu, host.cpu.total, HISTORY_POINTS),
			memory: appendBounded(history.memory, memoryUsedPct(host), HISTORY_POINTS),
			diskRead: appendBounded(history.diskRead, host.disk.readBytesPerSec, HISTORY_POINTS),
			diskWrite: appendBounded(history.diskWrite, host.disk.writeBytesPerSec, HISTORY_POINTS),
			netRx: appendBounded(history.netRx, host.network.rxBytesPerSec, HISTORY_POINTS),
			netTx: appendBounded(history.netTx, host.network.txBytesPerSec, HISTORY_POINTS),
		},
	};
}

// Per-process history is kept for the processes on screen (the rows of the list in view and the
// one drilled into), the ones a person can open: keeping it for every process cost about 9 ms
// and most of the garbage of a tick with 1,600 processes.
function withProcesses(state: State, sample: ProcessSample): State {
	const next = {...state, processes: sample};
	const previous = state.processHistory;
	const processHistory = new Map<number, ProcessHistory>();
	const record = (row: ProcessRow) => {
		const old = previous.get(row.pid);
		const isSameProcess = old !== undefined && old.startedAt === row.startedAt;
		processHistory.set(row.pid, {
			startedAt: row.startedAt,
			cpu: appendBounded(isSameProcess ? old.cpu : [], row.cpuPct, PROCESS_HISTORY_POINTS),
			rss: appendBounded(isSameProcess ? old.rss : [], row.rss, PROCESS_HISTORY_POINTS),
		});
	};

	const list = visibleProcesses(next);
	const {top, pageSize, detailPid} = next.ui.processes;
	const start = windowStart(top, Math.max(listSelectionIndex(next, 'processes'), 0), pageSize, list.length);
	for (const item of list.slice(start, start + pageSize)) record(item.row);
	const detail = detailPid === null || processHistory.has(detailPid) ? undefined : sample.processes.find(row => row.pid === detailPid);
	if (detail) record(detail);
	return {...next, processHistory};
}

/** The host slice's reducer, for the host and process samples. */
export function reduceHost(state: State, action: SampleOf<'host' | 'processes'>): State {
	return action.id === 'host' ? withHost(state, action.value) : withProcesses(state, action.value);
}

const byPid = memoOf((rows: readonly ProcessRow[]) => new Map(rows.map(row => [row.pid, row])));

/** A process by pid in the latest sample, or null. */
export function processByPid(state: State, pid: number | null): ProcessRow | null {
	const rows = state.processes?.processes;
	return pid === null || !rows ? null : (byPid(rows).get(pid) ?? null);
}

const chains = memoPerObject((rows: readonly ProcessRow[], pid: number): ProcessRow[] => {
	const rowsByPid = byPid(rows);
	const chain: ProcessRow[] = [];
	let current = rowsByPid.get(pid);
	while (current && current.ppid !== current.pid && chain.length < 64) {
		const parent = rowsByPid.get(current.ppid);
		if (!parent) break;
		chain.push(parent);
		current = parent;
	}

	return chain;
});

const NO_CHAIN: ProcessRow[] = [];

/** The chain of parents from a process up to the root, nearest first; worked out once per sample. */
export function parentChain(state: State, pid: number | null): ProcessRow[] {
	const rows = state.processes?.processes;
	return pid === null || !rows ? NO_CHAIN : chains(rows, pid);
}
