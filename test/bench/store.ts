// What one sample costs the store: the reducer, the alert rules and their series, and the
// garbage collection that follows, for a busy host (1,600 processes) and a busy server (500
// sessions). The samples are synthetic so that every run measures the same work.
import {PerformanceObserver} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {createStore, initialState, type Action} from '../../source/store/store.js';
import {pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';

const TICKS = 300;
const STATES = ['active', 'idle', 'idle in transaction', 'idle'] as const;

// CPU ms per sample and GC ms per sample over TICKS samples made by `sample(tick)`.
async function measure(sample: (tick: number) => Action): Promise<{cpuMs: number; gcMs: number}> {
	const store = createStore(initialState(1000));
	for (let tick = 0; tick < 20; tick++) store.dispatch(sample(tick));
	let gcMs = 0;
	const observer = new PerformanceObserver(list => {
		for (const entry of list.getEntries()) gcMs += entry.duration;
	});
	observer.observe({entryTypes: ['gc']});
	const start = process.cpuUsage();
	for (let tick = 20; tick < 20 + TICKS; tick++) store.dispatch(sample(tick));
	const used = process.cpuUsage(start);
	// Entries are delivered asynchronously: wait for them before counting.
	await sleep(100);
	observer.disconnect();
	return {cpuMs: (used.user + used.system) / 1000 / TICKS, gcMs: gcMs / TICKS};
}

/** Prints the CPU and GC milliseconds of one processes sample (1,600 processes) and one sessions sample (500 sessions). */
export async function benchStore(): Promise<string[]> {
	const rows = Array.from({length: 1600}, (_, i) => processRow({pid: i + 1, cpuPct: i % 50 === 0 ? 5 : 0}));
	const processes = await measure(tick => ({
		type: 'sample',
		id: 'processes',
		at: tick * 1000,
		value: {processes: rows.map(row => (row.cpuPct > 0 ? {...row, cpuPct: (tick % 7) + 1} : row)), detail: null},
	}));
	const sessions = Array.from({length: 500}, (_, i) =>
		pgSession({pid: 1000 + i, state: STATES[i % 4], xactAgeSec: i % 4 === 1 ? null : 10 + i, xminAge: i % 3 === 0 ? 100 : null, waitEventType: i % 10 === 0 ? 'Lock' : null}),
	);
	const postgres = await measure(tick => ({type: 'sample', id: 'postgres-sessions', at: tick * 1000, value: pgSessionsSample(sessions.map(session => ({...session, queryAgeSec: tick})))}));
	const line = (what: string, {cpuMs, gcMs}: {cpuMs: number; gcMs: number}) => `${what}: ${cpuMs.toFixed(2)} ms CPU per sample, of which ${gcMs.toFixed(2)} ms garbage collection (${TICKS} samples)`;
	return [line('processes sample, 1,600 processes', processes), line('sessions sample, 500 sessions (alert rules and series included)', postgres)];
}
