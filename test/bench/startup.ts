// Startup benchmark: the time from launching dbtop to its first frame with processes listed in a
// real 120x40 terminal (a pty from script(1)), next to htop's, launched in turn in the same run. Also the shared pieces the other benchmarks use to run a
// program in a pty or a tmux server and to clean up after it.
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {median} from './median.js';
import {findTool} from './tools.js';

/** The repository root: the nearest folder above this file holding package.json (this file may run from dist/). */
export const ROOT = (() => {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
		dir = path.dirname(dir);
	}

	return dir;
})();

/** The built command line, as `npm start` runs it. */
export const CLI = path.join(ROOT, 'dist/dbtop.js');

/** The terminal width every benchmark uses. */
export const COLUMNS = 160;
/** The terminal height every benchmark uses. */
export const ROWS = 50;

/** The bytes that start Ink's synchronized-output block: Ink writes one before every frame it draws on a terminal. */
export const FRAME_START = Buffer.from('\u001B[?2026h');

const HEADER = Buffer.from('PID USER');
const RUNS = 9;
/** The terminal the startup benchmark runs in: a common tmux pane. */
const STARTUP_COLUMNS = 120;
const STARTUP_ROWS = 40;

/** Throws, with the command to run, when dist/ has not been built. */
export function requireBuild(...files: string[]): void {
	for (const file of [CLI, ...files]) {
		if (!existsSync(file)) {
			throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first`);
		}
	}
}

// CI and CONTINUOUS_INTEGRATION go because Ink draws nothing until exit where they are set (dbtop
// drops them itself, the full-redraw harness too, htop ignores them); colour and NODE_ENV
// overrides go so that each program picks its own defaults.
// Each run keeps its alerts in a state directory of its own: none from earlier runs, none left in the user's.
const stateRoot = mkdtempSync(path.join(os.tmpdir(), 'dbtop-bench-state-'));
process.once('exit', () => rmSync(stateRoot, {recursive: true, force: true}));

/** The environment of a program under test: a user's terminal. */
export function terminalEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, TERM: 'xterm-256color', XDG_STATE_HOME: mkdtempSync(path.join(stateRoot, 'run-'))};
	for (const key of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'NODE_ENV']) {
		delete env[key];
	}

	return env;
}

/** Runs a command and resolves with its stdout; rejects with its stderr on failure. */
export function run(file: string, args: readonly string[], options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(file, args, {encoding: 'utf8', env: options.env ?? process.env, timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			if (error) {
				reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
			} else {
				resolve(stdout);
			}
		});
	});
}

/** Whether a process exists (a zombie counts as gone). */
export async function isAlive(pid: number): Promise<boolean> {
	try {
		const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

/** Every live descendant of a process, children first, from the parent pids in /proc. */
export async function descendants(pid: number): Promise<number[]> {
	const children = new Map<number, number[]>();
	for (const name of await readdir('/proc')) {
		if (!/^\d+$/.test(name)) {
			continue;
		}

		try {
			const stat = await readFile(`/proc/${name}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
		} catch {
			// Gone while listing.
		}
	}

	const found: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		for (const child of children.get(queue.shift()!) ?? []) {
			found.push(child);
			queue.push(child);
		}
	}

	return found;
}

/** Sends a signal to each pid, ignoring those already gone. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// Already gone.
		}
	}
}

/** Polls until every pid is gone or the time is up; resolves with whether they are all gone. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const alive = await Promise.all(pids.map(isAlive));
		if (!alive.includes(true)) {
			return true;
		}

		if (Date.now() >= deadline) {
			return false;
		}

		await sleep(50);
	}
}

const cleanups = new Set<() => Promise<void>>();
let isInterruptHandled = false;

/** Registers a cleanup to run if the benchmark is interrupted (SIGINT, SIGTERM, SIGHUP) before it is removed; returns its removal. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
	if (!isInterruptHandled) {
		isInterruptHandled = true;
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
			process.once(signal, () => {
				void Promise.allSettled([...cleanups].map(async run => run())).then(() => process.exit(130));
			});
		}
	}

	cleanups.add(cleanup);
	return () => {
		cleanups.delete(cleanup);
	};
}

/** A program running in a pty of its own under script(1), its terminal output piped to us. */
export type PtyProgram = {
	child: ChildProcess;
	/** performance.now() just before the spawn. */
	startedAt: number;
	/** Every byte written to the terminal so far. */
	bytes(): number;
	/** Occurrences of FRAME_START so far. */
	frames(): number;
	/** Resolves with performance.now() when the raw output first contains `needle` (searched across chunk boundaries). */
	when(needle: Buffer | RegExp, timeoutMs?: number): Promise<number>;
	/** All output so far (kept only with `keep`). */
	output(): Buffer;
	/** Quits with `quitKeys`, then SIGTERM, then SIGKILL to script and everything under it. */
	stop(): Promise<void>;
};

function countOccurrences(haystack: Buffer, needle: Buffer, from: number): number {
	let count = 0;
	let index = haystack.indexOf(needle, from);
	while (index >= 0) {
		count++;
		index = haystack.indexOf(needle, index + needle.length);
	}

	return count;
}

// script forwards our stdin to the pty, so keys can be typed; its stdout is the terminal's output, byte for byte.
/** Starts a shell command line (usually `exec ...`) in a pty (COLUMNS x ROWS unless given) via `script -qfec "stty ...; <command>" /dev/null`. */
export function spawnInPty(command: string, options: {quitKeys?: string; keep?: boolean; columns?: number; rows?: number} = {}): PtyProgram {
	const startedAt = performance.now();
	const child = spawn('script', ['-qfec', `stty cols ${options.columns ?? COLUMNS} rows ${options.rows ?? ROWS}; ${command}`, '/dev/null'], {
		cwd: ROOT,
		env: terminalEnv(),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	child.stdin!.on('error', () => {
		// script is gone: nothing left to type into.
	});
	child.stderr!.resume();
	const forget = onInterrupt(async () => {
		if (child.pid !== undefined) {
			signalAll([...(await descendants(child.pid)), child.pid], 'SIGKILL');
		}
	});
	let total = 0;
	let frameCount = 0;
	let tail = Buffer.alloc(0);
	const kept: Buffer[] = [];
	const waiters: Array<{needle: Buffer | RegExp; resolve: (at: number) => void}> = [];
	let seen = Buffer.alloc(0);
	const exited = new Promise<void>(resolve => {
		child.once('close', () => resolve());
		child.once('error', () => resolve());
	});
	child.stdout!.on('data', (chunk: Buffer) => {
		const at = performance.now();
		total += chunk.length;
		if (options.keep) {
			kept.push(chunk);
		}

		// The last bytes of the previous chunk join this one, so that a marker split in two is still found once.
		const joined = Buffer.concat([tail, chunk]);
		frameCount += countOccurrences(joined, FRAME_START, 0);
		tail = joined.subarray(Math.max(joined.length - (FRAME_START.length - 1), 0));
		if (waiters.length > 0) {
			seen = Buffer.concat([seen, chunk]);
			for (const waiter of [...waiters]) {
				const isFound = Buffer.isBuffer(waiter.needle) ? seen.includes(waiter.needle) : waiter.needle.test(seen.toString('latin1'));
				if (isFound) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve(at);
				}
			}
		} else {
			seen = Buffer.alloc(0);
		}
	});

	return {
		child,
		startedAt,
		bytes: () => total,
		frames: () => frameCount,
		output: () => Buffer.concat(kept),
		async when(needle, timeoutMs = 10_000) {
			// Output seen before this call is not searched: call it before the output can arrive.
			let timer: NodeJS.Timeout | undefined;
			const found = new Promise<number>(resolve => waiters.push({needle, resolve}));
			const timedOut = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no ${String(needle)} on the terminal within ${timeoutMs} ms`)), timeoutMs);
			});
			const gone = exited.then(() => {
				throw new Error(`the program exited (code ${child.exitCode}) before ${String(needle)} appeared`);
			});
			try {
				return await Promise.race([found, timedOut, gone]);
			} finally {
				clearTimeout(timer);
			}
		},
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.stdin!.write(options.quitKeys ?? 'q');
				const quit = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
				if (!quit && child.pid !== undefined) {
					const pids = [...(await descendants(child.pid)), child.pid];
					signalAll(pids, 'SIGTERM');
					if (!(await waitGone(pids, 2000))) {
						signalAll(pids, 'SIGKILL');
						await waitGone(pids, 2000);
					}
				}
			}

			child.stdin!.destroy();
			await Promise.race([exited, sleep(2000)]);
			forget();
		},
	};
}

/** The 1, 5 and 15 minute load averages, to show how quiet the machine was. */
export async function loadAverage(): Promise<string> {
	return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

type Timing = {header: number; data: number; rssKb: number | null};

// What "processes listed" looks like on each screen: dbtop's pane title counts them once the first
// sample is in (its rows come in the same frame); htop's first row under its header: pid, user, priority, nice.
const DBTOP_LISTED = /[1-9]\d* total, \d+ running/;
const HTOP_LISTED = /PID USER[\s\S]*?\d+ [\w-]+ +-?\w+ +-?\d+ /;

async function residentKb(pid: number): Promise<number | null> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
	const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
	return match ? Number(match[1]) : null;
}

// One launch: ms from spawn to the first `PID USER` and to the first frame with processes listed;
// then the resident memory of the program (script's child) one second later.
async function timeOnce(command: string, quitKeys: string, listed: RegExp): Promise<Timing> {
	const program = spawnInPty(command, {quitKeys, columns: STARTUP_COLUMNS, rows: STARTUP_ROWS});
	try {
		const header = program.when(HEADER);
		const data = program.when(listed);
		const headerAt = await header;
		const dataAt = await data;
		await sleep(1000);
		const [pid] = program.child.pid === undefined ? [] : await descendants(program.child.pid);
		return {header: headerAt - program.startedAt, data: dataAt - program.startedAt, rssKb: pid === undefined ? null : await residentKb(pid)};
	} finally {
		await program.stop();
	}
}

const ms = (value: number) => `${Math.round(value)} ms`;

function summary(values: readonly number[]): string {
	return `median ${ms(median(values))} (min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))}; runs: ${values.map(value => Math.round(value)).join(', ')})`;
}

function memory(timings: readonly Timing[]): string {
	const values = timings.flatMap(timing => (timing.rssKb === null ? [] : [timing.rssKb / 1024]));
	return values.length > 0 ? `RSS 1 s after: median ${median(values).toFixed(1)} MiB` : 'RSS not read';
}

/**
 * Time from launching dbtop to its first frame with processes listed, against htop's in the same
 * run: the two are launched in turn, RUNS times each, so that both see the same machine.
 */
export async function benchStartup(): Promise<string[]> {
	requireBuild();
	const lines: string[] = [];
	const load = await loadAverage();
	// What script, sh and stty cost on their own: printing the header straight away.
	const baseline: number[] = [];
	for (let index = 0; index < RUNS; index++) {
		baseline.push((await timeOnce(`exec printf '${HEADER.toString()} x\\n'`, 'q', /PID USER/)).header);
	}

	const {path: htopPath, note} = await findTool('htop', 'htop');
	if (note) lines.push(note);
	const launches = [
		{name: 'dbtop (the bin: dist/dbtop.js)', command: 'exec dist/dbtop.js', quitKeys: 'q', listed: DBTOP_LISTED},
		{name: 'dbtop (node dist/dbtop.js)', command: 'exec node dist/dbtop.js', quitKeys: 'q', listed: DBTOP_LISTED},
		...(htopPath ? [{name: 'htop', command: `exec ${htopPath} -d 10`, quitKeys: 'q', listed: HTOP_LISTED}] : []),
	];
	const timings = launches.map(() => [] as Timing[]);
	for (let index = 0; index < RUNS; index++) {
		for (const [which, launch] of launches.entries()) {
			timings[which]!.push(await timeOnce(launch.command, launch.quitKeys, launch.listed));
			await sleep(200);
		}
	}

	for (const [which, launch] of launches.entries()) {
		const runs = timings[which]!;
		lines.push(
			`${launch.name}: first frame with processes listed ${summary(runs.map(timing => timing.data))}`,
			`  first frame (the process list header): ${summary(runs.map(timing => timing.header))} · ${memory(runs)}`,
		);
	}

	const dbtop = median(timings[0]!.map(timing => timing.data));
	if (htopPath) {
		const htop = median(timings[2]!.map(timing => timing.data));
		const budget = 3 * htop;
		lines.push(`budget: first frame with processes listed ≤ 3× htop's in the same run (≤ ${ms(budget)} here): ${dbtop <= budget ? 'met' : 'MISSED'} (dbtop ${ms(dbtop)}, ${(dbtop / htop).toFixed(1)}× htop's ${ms(htop)})`);
	} else {
		lines.push(`budget: first frame with processes listed ≤ 3× htop's in the same run: not measured (no htop); dbtop ${ms(dbtop)}`);
	}

	lines.push(
		`load average before: ${load}`,
		`wrapper alone (script + sh + stty, then printf of the header): ${summary(baseline)}; it is included in the figures above`,
		`method: spawn \`script -qfec "stty cols ${STARTUP_COLUMNS} rows ${STARTUP_ROWS}; exec <program>" /dev/null\` with stdout piped; time to the first stdout bytes (raw, nothing stripped) showing processes listed (dbtop: "N total, M running" with N > 0; htop: "PID USER" and then a row) and to the first "PID USER"; RSS = VmRSS of the program 1 s after; then q on stdin; the programs launched in turn, ${RUNS} rounds, no warm-up run (the first may be cold)`,
	);
	return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchStartup()) {
		console.log(line);
	}
}
