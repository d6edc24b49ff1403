// Memory over time: dbtop at its shortest interval (250 ms, so ten minutes hold the samples of
// forty at 1 s) with everything moving under it. A Postgres server with people on it, where every
// cycle a new session runs a long query and another blocks a third; a container engine where every
// cycle a container exits with an error and is removed; short-lived processes; a log that gets
// error lines; alert rules set so that all of that fires and resolves every cycle; panes walked,
// alerts acknowledged. dbtop runs under a probe that, on SIGUSR2, records its memory and its heap
// after a full garbage collection: at the start, at every tenth and at the end (and, with
// DBTOP_BENCH_HEAP_SNAPSHOTS=<dir>, writes a heap snapshot there each time, to see what grew).
import {spawn} from 'node:child_process';
import {appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {ensureImage, removeContainers, runContainer, startEngine} from '../helpers/containers.js';
import {verdict} from './budget.js';
import {dbtopCommand} from './dbtop-command.js';
import {startPgLoad} from './pg-load.js';
import {mb, secondsFromEnv, startProgram} from './side-by-side.js';
import {requireBuild} from './terminal-harness.js';

const INTERVAL_MS = 250;
const CYCLE_MS = 20_000;
/** Cycles before the first reading: every pane shown once, so what V8 compiles for each is in. */
const WARM_UP_CYCLES = 6;
/** Heap after a full collection may end at most this much above where it started. */
const HEAP_GROWTH_BUDGET = 2e6;
/** dbtop's resident memory at the end, whatever it did. */
const RSS_BUDGET = 100e6;
const SIZE = {columns: 200, rows: 50};
const LONG_ARGS: readonly string[] = Array.from({length: 2000}, () => '0');

/** The length of the run (DBTOP_BENCH_GROWTH_S, default 600: the samples of 40 minutes at 1 s). */
export const growthSeconds = (): number => secondsFromEnv('DBTOP_BENCH_GROWTH_S', 600);

// Loaded with --import into dbtop's own process (so it reads dbtop's heap), with --expose-gc.
const PROBE = `
import {appendFileSync} from 'node:fs';
import v8 from 'node:v8';
process.on('SIGUSR2', () => {
	const before = process.memoryUsage();
	globalThis.gc();
	const after = process.memoryUsage();
	appendFileSync(process.env.DBTOP_BENCH_MEMORY_FILE, JSON.stringify({at: Date.now(), rss: before.rss, heapUsed: before.heapUsed, heapAfterGc: after.heapUsed, external: after.external}) + '\\n');
	if (process.env.DBTOP_BENCH_HEAP_SNAPSHOTS) v8.writeHeapSnapshot(process.env.DBTOP_BENCH_HEAP_SNAPSHOTS + '/' + Date.now() + '.heapsnapshot');
});
`;

type Reading = {at: number; rss: number; heapUsed: number; heapAfterGc: number; external: number};

// The rules as the cycle trips them: each fires within seconds and resolves when its cause ends.
const RULES = {
	'long-query': {warning: 3},
	blocker: {warning: 2, critical: 60},
	'lock-wait': {warning: 2, critical: 60},
	'idle-in-transaction': {warning: 5},
	'container-failed': {},
};

/** Runs the soak and returns the lines for BENCHMARKS.md. */
export async function benchGrowth(): Promise<string[]> {
	requireBuild();
	const seconds = growthSeconds();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-bench-growth-'));
	const memoryFile = path.join(dir, 'memory.jsonl');
	const log = path.join(dir, 'service.log');
	writeFileSync(log, '');
	const configHome = path.join(dir, 'config');
	const stateHome = path.join(dir, 'state');
	mkdirSync(path.join(configHome, 'dbtop'), {recursive: true});
	writeFileSync(
		path.join(configHome, 'dbtop', 'config.json'),
		JSON.stringify({rules: RULES, checks: {'service-errors': {log, pattern: 'ERROR', window: '10s', interval: '1s'}}}),
	);
	const load = await startPgLoad();
	const engine = await startEngine();
	const prefix = `dbtop-growth-${process.pid}-`;
	const lines: string[] = [];
	try {
		await load.server.sql('CREATE TABLE soak AS SELECT 1 AS id, 0 AS v');
		let docker = '';
		if ('skip' in engine) {
			lines.push(`containers: none (${engine.skip})`);
		} else {
			await ensureImage(engine.docker);
			for (let i = 0; i < 5; i++) await runContainer(engine.docker, `${prefix}steady-${i}`, ['sleep', '3600']);
			docker = `unix://${engine.target.target}`;
		}

		const command = dbtopCommand(['--pg', load.server.url(), '--docker', docker || 'unix:///nonexistent/dbtop-growth.sock', '--interval', `${INTERVAL_MS}ms`, '--user', 'soak']);
		command.splice(1, 0, '--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(PROBE)}`);
		const program = await startProgram(
			{label: 'dbtop', command, executable: 'node', env: {DBTOP_BENCH_MEMORY_FILE: memoryFile, DBTOP_BENCH_HEAP_SNAPSHOTS: process.env['DBTOP_BENCH_HEAP_SNAPSHOTS'] ?? '', XDG_CONFIG_HOME: configHome, XDG_STATE_HOME: stateHome}, ready: /PID USER/},
			SIZE,
		);
		const readings: Reading[] = [];
		// Every alert the run saw, by id, as last saved (the state file keeps only the latest resolved ones).
		const alerts = new Map<string, {rule: string; state: string}>();
		const read = async () => {
			try {
				const saved = JSON.parse(readFileSync(path.join(stateHome, 'dbtop', 'alerts.json'), 'utf8')) as {alerts: Array<{id: string; rule: string; state: string}>};
				for (const alert of saved.alerts) alerts.set(alert.id, alert);
			} catch {
				// None saved yet.
			}

			process.kill(program.pid, 'SIGUSR2');
			for (let waited = 0; waited < 5000; waited += 50) {
				const all = readFileSync(memoryFile, 'utf8').trim().split('\n').filter(Boolean);
				if (all.length > readings.length) {
					readings.push(JSON.parse(all.at(-1)!) as Reading);
					return;
				}

				await sleep(50);
			}

			throw new Error('dbtop did not record its memory within 5 s of SIGUSR2');
		};

		let cycles = 0;
		let pending: Array<Promise<unknown>> = [];
		const failures: string[] = [];
		try {
			writeFileSync(memoryFile, '');
			const step = (seconds * 1000) / 10;
			let startedAt = Number.POSITIVE_INFINITY;
			let nextReading = Number.POSITIVE_INFINITY;
			while (Date.now() - startedAt < seconds * 1000) {
				if (cycles === WARM_UP_CYCLES) {
					await read();
					startedAt = Date.now();
					nextReading = startedAt + step;
				}

				const part = cycle(cycles, {load, docker: 'skip' in engine ? null : engine.docker, prefix, log}).catch((error: unknown) => {
					failures.push(error instanceof Error ? error.message : String(error));
				});
				pending = [...pending, part];
				await program.keys(String((cycles % 6) + 1));
				if (cycles % 6 === 5) {
					// On the Alerts pane: acknowledge the selected alert, with no note.
					await program.keys('a');
					await sleep(200);
					await program.keys('Enter');
				}

				await sleep(CYCLE_MS);
				cycles++;
				// A cycle's parts end by themselves within about 12 s: only the latest are still running.
				if (pending.length > 3) pending = pending.slice(-3);
				while (Date.now() >= nextReading) {
					await read();
					nextReading += step;
				}
			}

			await Promise.allSettled(pending);
			await read();
		} finally {
			await program.stop();
		}

		const first = readings[0]!;
		const last = readings.at(-1)!;
		const growth = last.heapAfterGc - first.heapAfterGc;
		const byRule = new Map<string, {fired: number; resolved: number}>();
		for (const alert of alerts.values()) {
			const counts = byRule.get(alert.rule) ?? {fired: 0, resolved: 0};
			counts.fired++;
			if (alert.state === 'resolved') counts.resolved++;
			byRule.set(alert.rule, counts);
		}

		const alertText = [...byRule].map(([rule, counts]) => `${rule} ${counts.fired} fired, ${counts.resolved} resolved`).join('; ');
		lines.push(
			`load: ${load.description}; ${'skip' in engine ? 'no container engine' : '5 steady busybox containers'}; every ${CYCLE_MS / 1000} s a cycle: a session running pg_sleep(5), a transaction holding a row for 5 s that another session waits on (both new sessions), 20 short-lived processes with 4 KB command lines, ${'skip' in engine ? '' : 'a container that exits with code 1 and is removed 10 s later, '}3 ERROR lines in a tailed log; the panes walked 1 to 6, one alert acknowledged on the Alerts pane every 6th cycle`,
			`run: ${seconds} s at a ${INTERVAL_MS} ms interval (${Math.round((seconds * 1000) / INTERVAL_MS)} samples, as many as ${Math.round((seconds * 1000) / INTERVAL_MS / 60)} minutes at 1 s), ${cycles - WARM_UP_CYCLES} cycles, after ${WARM_UP_CYCLES} cycles of warm-up (${(WARM_UP_CYCLES * CYCLE_MS) / 1000} s)`,
			...(failures.length > 0 ? [`cycles that failed in part: ${failures.length} (the first: ${failures[0]})`] : []),
			`alerts seen in the saved state over the run (a lower bound: only the latest resolved ones are kept between readings): ${alertText || 'none'}`,
			`memory at start → end: RSS ${mb(first.rss)} → ${mb(last.rss)} · heap used ${mb(first.heapUsed)} → ${mb(last.heapUsed)} · heap after a full GC ${mb(first.heapAfterGc)} → ${mb(last.heapAfterGc)} · external ${mb(first.external)} → ${mb(last.external)}`,
			`heap after a full GC at each tenth (MB): ${readings.map(reading => (reading.heapAfterGc / 1e6).toFixed(2)).join(' · ')}`,
			`RSS at each tenth (MB): ${readings.map(reading => (reading.rss / 1e6).toFixed(1)).join(' · ')}`,
			`budget: heap after a full GC grows by at most ${mb(HEAP_GROWTH_BUDGET)} over the run: ${verdict(growth <= HEAP_GROWTH_BUDGET)} (${growth >= 0 ? '+' : ''}${(growth / 1e6).toFixed(2)} MB) · RSS at the end at most ${mb(RSS_BUDGET)}: ${verdict(last.rss <= RSS_BUDGET)}`,
			`method: dbtop at ${SIZE.columns}x${SIZE.rows} in a tmux server of its own, run as node --expose-gc --import <probe> dist/dbtop.js; on SIGUSR2 the probe reads process.memoryUsage(), runs a full GC and reads the heap again (RSS and heap used are before that GC); readings after the warm-up, at every tenth of the run and at the end`,
		);
		return lines;
	} finally {
		if (!('skip' in engine)) {
			await removeContainers(engine.docker, prefix);
			await engine.stop();
		}

		await load.stop();
		rmSync(dir, {recursive: true, force: true});
	}
}

/** One cycle of things happening: each part ends by itself within about 12 s. */
async function cycle(index: number, world: {load: Awaited<ReturnType<typeof startPgLoad>>; docker: import('dockerode') | null; prefix: string; log: string}): Promise<void> {
	const {load, docker, prefix, log} = world;
	const clients: pg.Client[] = [];
	const connect = async (application: string) => {
		const client = await load.server.connect({application: `${application}-${index}`});
		clients.push(client);
		return client;
	};

	appendFileSync(log, `${new Date().toISOString()} ERROR cycle ${index}\n`.repeat(3));
	// Command lines of 4 KB, as java and python workers have: read once per new process.
	for (let i = 0; i < 20; i++) spawn('sleep', ['3', `${index}e-9`, ...LONG_ARGS], {stdio: 'ignore'}).unref();
	const container = docker ? runContainer(docker, `${prefix}failing-${index}`, ['sh', '-c', 'sleep 2; exit 1']) : null;
	try {
		const [long, holder, waiter] = await Promise.all([connect('soak-long'), connect('soak-holder'), connect('soak-waiter')]);
		const query = long.query('SELECT pg_sleep(5)');
		await holder.query('BEGIN');
		await holder.query('UPDATE soak SET v = v + 1 WHERE id = 1');
		const waiting = waiter.query('UPDATE soak SET v = v + 2 WHERE id = 1');
		await sleep(5000);
		await holder.query('COMMIT');
		await Promise.all([query, waiting]);
		if (container) {
			await sleep(5000);
			await (await container).remove({force: true});
		}
	} finally {
		await Promise.all(clients.map(async client => client.end().catch(() => {})));
	}
}
