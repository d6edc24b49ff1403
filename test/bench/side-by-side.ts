// Programs measured side by side: each runs in a detached tmux server of its own at a given size,
// all at once, and all are sampled at the same moments over the same window. CPU is utime+stime
// of each program's whole process tree from /proc (with what its exited children used), memory
// is its process's VmHWM and VmRSS, and the CPU of its Postgres backends is counted apart.
import {mkdtempSync, rmSync} from 'node:fs';
import {readdir, readFile, readlink, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {isAlive, loadAverage, onInterrupt, run, signalAll, waitGone} from './process-tree.js';
import {ROOT, terminalEnv} from './terminal-harness.js';

/** Clock ticks per second of the utime and stime fields in /proc/<pid>/stat. */
export const CLK_TCK = 100;

/** A terminal size. */
export type Size = {columns: number; rows: number};

/** `80x24`. */
export const sizeName = (size: Size): string => `${size.columns}x${size.rows}`;

/** One program to run: its command line and how to tell that it is up and showing what is measured. */
export type ProgramSpec = {
	label: string;
	command: readonly string[];
	/** The basename of /proc/<pid>/exe of the program's own process (not its comm: dbtop renames itself). */
	executable: string;
	env?: Record<string, string>;
	/** What the screen shows once the program is up; the keys are sent after it. */
	ready?: RegExp;
	/** tmux key names typed once it is up (e.g. `3` for dbtop's Sessions pane). */
	keys?: readonly string[];
	/** What the screen must show after the keys before the warm-up starts. */
	shows?: RegExp;
	/** The application_name of its Postgres connections, to find its backends. */
	application?: string;
};

/** A program running in its tmux server. */
export type Running = {
	spec: ProgramSpec;
	size: Size;
	/** The program's own process: the root of the tree that is measured. */
	pid: number;
	/** The tmux server: the terminal the program draws on (its CPU is reported apart). */
	serverPid: number;
	screen(): Promise<string>;
	keys(...keys: string[]): Promise<void>;
	stop(): Promise<void>;
};

/** What one program used over a window. */
export type Usage = {
	label: string;
	cpuSeconds: number;
	/** CPU of its Postgres backends (processes of the server, not of its tree); null if it has none to look for. */
	backendCpuSeconds: number | null;
	/** How many backends with its application_name were seen over the window. */
	backends: number;
	/** CPU of the tmux server that draws its pane. */
	terminalCpuSeconds: number;
	peakRssBytes: number;
	rssBytes: number;
	/** RSS of its process at each sample. */
	rssTrend: Array<{atSeconds: number; rssBytes: number}>;
};

/** A window in which every program was measured. */
export type Window = {
	wallSeconds: number;
	machineBusyPct: number;
	load: string;
	samples: number;
	/** Processes and threads on the machine at the end: what htop and dbtop's process list have to read. */
	processes: number;
	threads: number;
	usage: Usage[];
	/** CPU seconds of the other process trees asked for (by label), over the same window. */
	others: Record<string, number>;
};

let servers = 0;

// The program a process runs, by its executable.
async function executable(pid: number): Promise<string> {
	return path.basename(await readlink(`/proc/${pid}/exe`));
}

type ProcEntry = {ppid: number; own: number; reaped: number; threads: number};

// One pass over /proc: parent, own CPU ticks (utime+stime) and reaped children's (cutime+cstime) of every process.
async function readProcs(): Promise<Map<number, ProcEntry>> {
	const names = (await readdir('/proc')).filter(name => /^\d+$/.test(name));
	const procs = new Map<number, ProcEntry>();
	await Promise.all(
		names.map(async name => {
			try {
				const text = await readFile(`/proc/${name}/stat`, 'utf8');
				// Fields after the command name: ppid is field 4, utime 14, stime 15, cutime 16, cstime 17, num_threads 20.
				const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
				procs.set(Number(name), {ppid: fields[1], own: fields[11] + fields[12], reaped: fields[13] + fields[14], threads: fields[17]});
			} catch {
				// Gone while listing.
			}
		}),
	);
	return procs;
}

// CPU seconds of a process and everything under it: each live process's own time plus what its
// exited (reaped) children used, which the kernel adds to the parent that waited for them.
function treeCpu(root: number, procs: Map<number, ProcEntry>): number {
	const children = new Map<number, number[]>();
	for (const [pid, entry] of procs) {
		children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), pid]);
	}

	let ticks = 0;
	const queue = [root];
	while (queue.length > 0) {
		const pid = queue.shift()!;
		const entry = procs.get(pid);
		if (entry) {
			ticks += entry.own + entry.reaped;
		}

		queue.push(...(children.get(pid) ?? []));
	}

	return ticks / CLK_TCK;
}

async function statusKb(pid: number, key: string): Promise<number> {
	const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(await readFile(`/proc/${pid}/status`, 'utf8'));
	if (!match) {
		throw new Error(`no ${key} in /proc/${pid}/status`);
	}

	return Number(match[1]);
}

// Busy and total jiffies of the whole machine, from the first line of /proc/stat.
async function machineJiffies(): Promise<{busy: number; total: number}> {
	const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
	const total = fields.reduce((sum, value) => sum + value, 0);
	return {busy: total - fields[3] - fields[4], total};
}

async function waitForScreen(running: Omit<Running, 'stop'>, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		if (!(await isAlive(running.pid))) {
			throw new Error(`${running.spec.label} exited before ${what}; last screen:\n${last}`);
		}

		last = await running.screen().catch(() => last);
		if (pattern.test(last)) {
			return;
		}

		await sleep(200);
	}

	throw new Error(`${running.spec.label} did not show ${what} (${String(pattern)}) within ${timeoutMs / 1000} s; last screen:\n${last}`);
}

/** Starts a program in a detached tmux server of its own, with state and config directories of its own, and waits until it shows what is measured. */
export async function startProgram(spec: ProgramSpec, size: Size): Promise<Running> {
	const socket = `dbtop-bench-${process.pid}-${++servers}`;
	const configHome = mkdtempSync(path.join(os.tmpdir(), 'dbtop-bench-config-'));
	const env = {...terminalEnv(), XDG_CONFIG_HOME: configHome, ...spec.env};
	const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env});
	let socketPath: string | undefined;
	let pid: number | undefined;
	const stop = async () => {
		// Quit with q; then the server goes (SIGHUP to the pane); then SIGKILL whatever is left.
		if (pid !== undefined) {
			await tmux('send-keys', '-t', 'bench', 'q').catch(() => '');
			await waitGone([pid], 3000);
		}

		await tmux('kill-server').catch(() => '');
		if (socketPath) {
			await rm(socketPath, {force: true});
		}

		if (pid !== undefined && (await isAlive(pid))) {
			signalAll([pid], 'SIGKILL');
			await waitGone([pid], 2000);
		}

		rmSync(configHome, {recursive: true, force: true});
	};

	const forget = onInterrupt(stop);
	try {
		await tmux('new-session', '-d', '-s', 'bench', '-c', ROOT, '-x', String(size.columns), '-y', String(size.rows), '--', ...spec.command);
		socketPath = (await tmux('display', '-p', '-t', 'bench', '#{socket_path}')).trim() || undefined;
		const serverPid = Number((await tmux('display', '-p', '-t', 'bench', '#{pid}')).trim());
		const panePid = Number((await tmux('display', '-p', '-t', 'bench', '#{pane_pid}')).trim());
		// The pane's pid is the program when tmux execs it directly; through a shell, it is a process under it.
		const deadline = Date.now() + 5000;
		while (pid === undefined) {
			const procs = await readProcs();
			const tree = [panePid, ...[...procs].filter(([, entry]) => entry.ppid === panePid).map(([child]) => child)];
			for (const candidate of tree) {
				if ((await executable(candidate).catch(() => '')) === spec.executable) {
					pid = candidate;
					break;
				}
			}

			if (pid === undefined) {
				if (Date.now() >= deadline) {
					throw new Error(`no process running ${spec.executable} in ${spec.label}'s pane (pane pid ${panePid}: ${await executable(panePid).catch(() => 'gone')})`);
				}

				await sleep(50);
			}
		}

		const running: Omit<Running, 'stop'> = {
			spec,
			size,
			pid,
			serverPid,
			screen: async () => tmux('capture-pane', '-p', '-t', 'bench'),
			async keys(...keys) {
				await tmux('send-keys', '-t', 'bench', ...keys);
			},
		};
		if (spec.ready) {
			await waitForScreen(running, spec.ready, 15_000, 'its first screen');
		}

		if (spec.keys && spec.keys.length > 0) {
			await running.keys(...spec.keys);
		}

		if (spec.shows) {
			await waitForScreen(running, spec.shows, 20_000, `what is measured after ${spec.keys?.join(' ') ?? 'starting'}`);
		}

		return {
			...running,
			async stop() {
				await stop();
				forget();
			},
		};
	} catch (error) {
		await stop();
		forget();
		throw error;
	}
}

/** Starts every program at once; if one fails, the others are stopped and the failure is thrown. */
export async function startAll(specs: readonly ProgramSpec[], size: Size): Promise<Running[]> {
	const results = await Promise.allSettled(specs.map(async spec => startProgram(spec, size)));
	const failed = results.find(result => result.status === 'rejected');
	if (failed) {
		await Promise.all(results.map(async result => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
		throw failed.reason;
	}

	return results.map(result => (result as PromiseFulfilledResult<Running>).value);
}

/** Stops every program. */
export async function stopAll(programs: readonly Running[]): Promise<void> {
	await Promise.all(programs.map(async program => program.stop()));
}

type BackendSeen = {base: number; last: number};

/**
 * Measures every program over the same window: one pass over /proc at each sample serves all of
 * them. With `pg`, each sample also finds the backends of each program's application_name in
 * pg_stat_activity and adds up their own CPU (a backend first seen after the start counts from 0).
 * `others` names more process trees (label to root pid) to measure over the same window.
 */
export async function measureTogether(
	programs: readonly Running[],
	windowMs: number,
	options: {pg?: pg.Client; sampleEveryMs?: number; onSample?: (atSeconds: number) => void; others?: Record<string, number>} = {},
): Promise<Window> {
	const every = options.sampleEveryMs ?? 5000;
	const applications = [...new Set(programs.flatMap(program => (program.spec.application ? [program.spec.application] : [])))];
	const backends = new Map<string, Map<number, BackendSeen>>(applications.map(application => [application, new Map()]));
	const findBackends = async (): Promise<Array<{pid: number; application: string}>> => {
		if (!options.pg || applications.length === 0) {
			return [];
		}

		const {rows} = await options.pg.query<{pid: number; application_name: string}>('SELECT pid, application_name FROM pg_stat_activity WHERE application_name = ANY($1)', [applications]);
		return rows.map(row => ({pid: row.pid, application: row.application_name}));
	};

	const sample = async (isFirst: boolean) => {
		const found = await findBackends();
		const [procs, machine] = await Promise.all([readProcs(), machineJiffies()]);
		for (const {pid, application} of found) {
			const entry = procs.get(pid);
			if (!entry) {
				continue;
			}

			const seen = backends.get(application)!;
			const previous = seen.get(pid);
			seen.set(pid, {base: previous?.base ?? (isFirst ? entry.own : 0), last: entry.own});
		}

		return {
			procs,
			machine,
			cpu: programs.map(program => treeCpu(program.pid, procs)),
			terminal: programs.map(program => procs.get(program.serverPid)?.own ?? 0),
			others: Object.fromEntries(Object.entries(options.others ?? {}).map(([label, pid]) => [label, treeCpu(pid, procs)])),
		};
	};

	const rssTrends = programs.map(() => [] as Array<{atSeconds: number; rssBytes: number}>);
	const first = await sample(true);
	const start = performance.now();
	let samples = 1;
	for (;;) {
		const elapsed = performance.now() - start;
		if (elapsed >= windowMs) {
			break;
		}

		await sleep(Math.min(every, windowMs - elapsed));
		const atSeconds = (performance.now() - start) / 1000;
		const dead = (await Promise.all(programs.map(async program => ((await isAlive(program.pid)) ? null : program.spec.label)))).find(Boolean);
		if (dead) {
			throw new Error(`${dead} exited during the window (after ${atSeconds.toFixed(0)} s)`);
		}

		const rss = await Promise.all(programs.map(async program => statusKb(program.pid, 'VmRSS')));
		rss.forEach((kb, index) => rssTrends[index].push({atSeconds, rssBytes: kb * 1024}));
		options.onSample?.(atSeconds);
		if (performance.now() - start < windowMs) {
			// Intermediate samples keep the backends' figures current when some come and go.
			await sample(false);
			samples++;
		}
	}

	const last = await sample(false);
	samples++;
	const wallSeconds = (performance.now() - start) / 1000;
	const load = await loadAverage();
	const usage = await Promise.all(
		programs.map(async (program, index): Promise<Usage> => {
			const application = program.spec.application;
			const seen = application ? [...backends.get(application)!.values()] : [];
			return {
				label: program.spec.label,
				cpuSeconds: last.cpu[index] - first.cpu[index],
				backendCpuSeconds: application && options.pg ? seen.reduce((sum, backend) => sum + (backend.last - backend.base), 0) / CLK_TCK : null,
				backends: seen.length,
				terminalCpuSeconds: (last.terminal[index] - first.terminal[index]) / CLK_TCK,
				peakRssBytes: (await statusKb(program.pid, 'VmHWM')) * 1024,
				rssBytes: (await statusKb(program.pid, 'VmRSS')) * 1024,
				rssTrend: rssTrends[index],
			};
		}),
	);
	return {
		wallSeconds,
		machineBusyPct: ((last.machine.busy - first.machine.busy) / Math.max(last.machine.total - first.machine.total, 1)) * 100,
		load,
		samples,
		processes: last.procs.size,
		threads: [...last.procs.values()].reduce((sum, entry) => sum + entry.threads, 0),
		usage,
		others: Object.fromEntries(Object.keys(first.others).map(label => [label, last.others[label] - first.others[label]])),
	};
}

/** Megabytes (10^6 bytes), one decimal. */
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Percent of one core. */
export const pct = (cpuSeconds: number, wallSeconds: number): string => `${((cpuSeconds / wallSeconds) * 100).toFixed(2)}%`;

/** One line for one program in a window: CPU, its backends', its terminal's, and memory. */
export function describeUsage(usage: Usage, window: Window): string {
	const backend = usage.backendCpuSeconds === null ? '' : ` · its Postgres backend${usage.backends === 1 ? '' : 's'} (${usage.backends}): ${pct(usage.backendCpuSeconds, window.wallSeconds)}`;
	return `${usage.label}: ${usage.cpuSeconds.toFixed(2)} CPU s = ${pct(usage.cpuSeconds, window.wallSeconds)} of one core${backend} · tmux drawing it: ${pct(usage.terminalCpuSeconds, window.wallSeconds)} · peak RSS ${mb(usage.peakRssBytes)}, now ${mb(usage.rssBytes)}`;
}

/** The window's length and how busy the machine was. */
export function describeWindow(window: Window): string {
	return `${window.wallSeconds.toFixed(1)} s, ${window.samples} samples, machine ${window.machineBusyPct.toFixed(1)}% busy, load ${window.load}, ${window.processes} processes (${window.threads} threads)`;
}

/** A number of seconds from an environment variable, or the default; throws on a value that is not a positive number. */
export function secondsFromEnv(name: string, fallback: number): number {
	const value = process.env[name];
	if (value === undefined || value === '') {
		return fallback;
	}

	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) {
		throw new Error(`${name}=${value}: expected a number of seconds above 0`);
	}

	return seconds;
}
