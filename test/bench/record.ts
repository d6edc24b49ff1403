// What recording costs dbtop: the live monitor, the live monitor with --record, and `dbtop record`
// alone (headless, no terminal), with htop as the yardstick, all at once over the same windows,
// against one PostgreSQL 18 server that holds both the rings and the sessions dbtop watches.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {dbtopCommand} from './dbtop-command.js';
import {NO_ENGINE} from './overhead.js';
import {startPgLoad, type PgLoad} from './pg-load.js';
import {isAlive, onInterrupt, signalAll, waitGone} from './process-tree.js';
import {mb, pct, secondsFromEnv, startAll, stopAll, type ProgramSpec, type Running, type Usage, type Window, measureTogether, describeWindow} from './side-by-side.js';
import {COLUMNS, ROOT, requireBuild, ROWS, terminalEnv} from './terminal-harness.js';
import {findTool} from './tools.js';
import {htopSpec, ratioOf, verdict} from './budget.js';

const ROUNDS = 3;
const WARM_UP_MS = 5000;
/** What recording may add to the live monitor's CPU. */
const RECORD_BUDGET = 1.2;

/** The seconds of each round's window (DBTOP_BENCH_RECORD_S, default 20). */
export const recordSeconds = (): number => secondsFromEnv('DBTOP_BENCH_RECORD_S', 20);

/** The three dbtops: the live monitor alone, with --record, and `dbtop record`. */
const LIVE = 'dbtop live';
const LIVE_RECORD = 'dbtop live --record';
const HEADLESS = 'dbtop record (headless)';

/** A server's URL with an application_name: each dbtop's connections (sessions and locks, and the ring's) carry its own, so its backends are counted apart. */
export const withApplication = (url: string, application: string) => `${url}?application_name=${application}`;

/** The flags every live dbtop here shares: the server at `url` for --pg, no container engine. */
const watched = (url: string, application: string) => ['--pg', withApplication(url, application), '--docker', NO_ENGINE];

/** Recording flags: a ring table and a node name of its own. */
const recording = (table: string) => ['--table', table, '--node', table];

/** The live monitor watching the server at `url` (its connections named `application`), on its first pane, with `extra` flags. */
export function liveSpec(url: string, label: string, application: string, extra: readonly string[] = []): ProgramSpec {
	return {label, command: dbtopCommand([...watched(url, application), ...extra]), executable: 'node', ready: /PID USER/, application};
}

/** `dbtop record` as a service runs it: no terminal, its log lines on stderr; up once it logs that it started. */
async function startHeadless(load: PgLoad, application: string, table: string): Promise<Running> {
	const configHome = mkdtempSync(path.join(os.tmpdir(), 'dbtop-bench-config-'));
	const [file, ...args] = dbtopCommand(['record', '--ring', withApplication(load.server.url(), application), ...watched(load.server.url(), application), ...recording(table)]);
	const child = spawn(file!, args, {cwd: ROOT, env: {...terminalEnv(), XDG_CONFIG_HOME: configHome}, stdio: ['ignore', 'ignore', 'pipe']});
	let log = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		log += chunk.toString();
	});
	const pid = child.pid!;
	const stop = async () => {
		signalAll([pid], 'SIGTERM');
		if (!(await waitGone([pid], 8000))) signalAll([pid], 'SIGKILL');
		await waitGone([pid], 2000);
		rmSync(configHome, {recursive: true, force: true});
	};

	const forget = onInterrupt(stop);
	const deadline = Date.now() + 15_000;
	while (!/ started: /.test(log)) {
		if (!(await isAlive(pid)) || Date.now() > deadline) {
			await stop();
			forget();
			throw new Error(`dbtop record did not start within 15 s; its log:\n${log}`);
		}

		await sleep(100);
	}

	return {
		spec: {label: HEADLESS, command: [file!, ...args], executable: 'node', application},
		size: {columns: 0, rows: 0},
		pid,
		// No terminal: no tmux server to count (pid 0 is no process in /proc).
		serverPid: 0,
		screen: async () => log,
		async keys() {},
		async stop() {
			await stop();
			forget();
		},
	};
}

/** One program's CPU over several windows: its own and its backends' seconds, summed, with the windows' length and each window's usage. */
export function pooled(windows: readonly Window[], label: string): {cpuSeconds: number; backendSeconds: number; wallSeconds: number; usages: Usage[]} {
	const usages = windows.map(window => window.usage.find(usage => usage.label === label)!);
	return {
		cpuSeconds: usages.reduce((sum, usage) => sum + usage.cpuSeconds, 0),
		backendSeconds: usages.reduce((sum, usage) => sum + (usage.backendCpuSeconds ?? 0), 0),
		wallSeconds: windows.reduce((sum, window) => sum + window.wallSeconds, 0),
		usages,
	};
}

/** The four side by side over ROUNDS windows; returns the lines for BENCHMARKS.md. */
export async function benchRecord(): Promise<string[]> {
	requireBuild();
	const windowMs = recordSeconds() * 1000;
	const load = await startPgLoad();
	const lines: string[] = [
		`window: ${ROUNDS} rounds × ${windowMs / 1000} s (DBTOP_BENCH_RECORD_S${process.env['DBTOP_BENCH_RECORD_S'] ? `=${process.env['DBTOP_BENCH_RECORD_S']}` : ' not set'}; default 20)`,
		`load: ${load.description}; the rings are tables on the same server`,
	];
	try {
		const htop = await findTool('htop', 'htop');
		if (htop.path === null) lines.push(htop.note);
		const specs: ProgramSpec[] = [
			liveSpec(load.server.url(), LIVE, 'bench-live'),
			liveSpec(load.server.url(), LIVE_RECORD, 'bench-live-record', ['--record', withApplication(load.server.url(), 'bench-live-record'), ...recording('ring_live')]),
			...(htop.path === null ? [] : [{...htopSpec(htop.path), label: 'htop'}]),
		];
		const windows: Window[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			const programs = await startAll(specs, {columns: COLUMNS, rows: ROWS});
			let window: Window;
			try {
				programs.push(await startHeadless(load, 'bench-record', 'ring_headless'));
				await sleep(WARM_UP_MS);
				window = await measureTogether(programs, windowMs, {pg: load.client});
			} finally {
				await stopAll(programs);
			}

			windows.push(window);
			lines.push(`round ${round}: ${describeWindow(window)}`);
			for (const usage of window.usage) {
				const backends = usage.backendCpuSeconds === null ? '' : ` · its Postgres backends (${usage.backends}): ${pct(usage.backendCpuSeconds, window.wallSeconds)}`;
				lines.push(`  ${usage.label}: ${usage.cpuSeconds.toFixed(2)} CPU s = ${pct(usage.cpuSeconds, window.wallSeconds)} of one core${backends} · peak RSS ${mb(usage.peakRssBytes)}`);
			}
		}

		// Both rings were written: each recording's node samples, over all rounds.
		const {rows} = await load.client.query<{table: string; samples: string}>(
			`SELECT 'ring_live' AS table, count(*) AS samples FROM ring_live WHERE node_flag AND sample_time > 0
			UNION ALL SELECT 'ring_headless', count(*) FROM ring_headless WHERE node_flag AND sample_time > 0`,
		);
		const labels = [LIVE, LIVE_RECORD, HEADLESS, ...(htop.path === null ? [] : ['htop'])];
		lines.push('', `${'program'.padEnd(26)}${'CPU, rounds pooled'.padEnd(21)}${'each round'.padEnd(22)}its Postgres backends`);
		for (const label of labels) {
			const {cpuSeconds, backendSeconds, wallSeconds, usages} = pooled(windows, label);
			const each = usages.map((usage, index) => ((usage.cpuSeconds / windows[index]!.wallSeconds) * 100).toFixed(2)).join(', ');
			lines.push(`${label.padEnd(26)}${`${pct(cpuSeconds, wallSeconds)} of a core`.padEnd(21)}${each.padEnd(22)}${usages[0]!.backendCpuSeconds === null ? '—' : pct(backendSeconds, wallSeconds)}`);
		}

		const [live, withRecord, headless] = [pooled(windows, LIVE), pooled(windows, LIVE_RECORD), pooled(windows, HEADLESS)];
		const added = ratioOf(withRecord.cpuSeconds, live.cpuSeconds);
		const alone = ratioOf(headless.cpuSeconds, live.cpuSeconds);
		const eachRound = (a: Usage[], b: Usage[]) => a.map((usage, index) => `${ratioOf(usage.cpuSeconds, b[index]!.cpuSeconds).toFixed(2)}x`).join(', ');
		lines.push(
			'',
			`samples in the rings at the end: ${rows.map(row => `${row.table} ${row.samples}`).join(', ')} (node rows; the live monitor with --record writes into ring_live, dbtop record into ring_headless)`,
			`(live+record)/live: ${added.toFixed(2)}x (each round: ${eachRound(withRecord.usages, live.usages)}) · budget recording adds ≤ ${Math.round((RECORD_BUDGET - 1) * 100)} % to dbtop's CPU: ${verdict(added <= RECORD_BUDGET)}`,
			`record/live: ${alone.toFixed(2)}x (each round: ${eachRound(headless.usages, live.usages)}) · budget a recorder alone costs less than the live monitor: ${verdict(alone < 1)}`,
			...(htop.path === null
				? []
				: [
						`against htop in the same windows: live ${ratioOf(live.cpuSeconds, pooled(windows, 'htop').cpuSeconds).toFixed(2)}x, live+record ${ratioOf(withRecord.cpuSeconds, pooled(windows, 'htop').cpuSeconds).toFixed(2)}x, record alone ${ratioOf(headless.cpuSeconds, pooled(windows, 'htop').cpuSeconds).toFixed(2)}x`,
					]),
			`method: the four run at once in each round, fresh processes each round; the two live dbtops and htop each in a tmux server of its own at ${COLUMNS}x${ROWS}, on dbtop's first pane (Processes: the process scan runs there, as it does in dbtop record, whose screen model is the same first pane), dbtop record with no terminal (stderr to a pipe, stopped with SIGTERM); every dbtop at the default 1 s interval (htop -d 10), --pg naming the load's server and --docker a socket that does not exist (no container engine: the ring rows are node rows only); the rings (created with 10,000 slots) are tables ring_live and ring_headless on that same server, each dbtop's --pg and ring connections under an application_name of its own so that its backends are counted apart; after each is up, ${WARM_UP_MS / 1000} s of warm-up, then the ${windowMs / 1000} s window sampled every 5 s; CPU = utime+stime of each program's process tree from /proc/<pid>/stat, Postgres backends apart, as in the overhead section; the ratios divide CPU seconds summed over the rounds`,
		);
		return lines;
	} finally {
		await load.stop();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchRecord()) console.log(line);
}
