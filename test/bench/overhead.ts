// Overhead benchmark: dbtop's CPU time and peak memory running live at a 1 s interval for 60 s,
// next to htop's measured the same way in the same run, each in a detached tmux server of its own.
import {readFile, readlink, rm} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {COLUMNS, descendants, findHtop, isAlive, loadAverage, onInterrupt, requireBuild, ROOT, ROWS, run, signalAll, terminalEnv, waitGone} from './startup.js';

const WARM_UP_MS = 5000;
const WINDOW_MS = 60_000;
const CLK_TCK = 100;

let servers = 0;

type ProcStat = {cpu: number; children: number};
/** What measure() reports for one program. */
export type Usage = {cpuSeconds: number; childSeconds: number; wallSeconds: number; peakRssBytes: number; rssBytes: number; machineBusyPct: number; load: string};

async function procStat(pid: number): Promise<ProcStat> {
	const text = await readFile(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
	return {cpu: (fields[11] + fields[12]) / CLK_TCK, children: (fields[13] + fields[14]) / CLK_TCK};
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

// The program a process runs, by its executable (not its comm: dbtop renames itself through process.title).
async function executable(pid: number): Promise<string> {
	return path.basename(await readlink(`/proc/${pid}/exe`));
}

// The pane's pid is the program when tmux execs it directly; if it is a shell, the program is the process under it running `name`.
async function programPid(panePid: number, name: string): Promise<number> {
	const deadline = Date.now() + 5000;
	for (;;) {
		for (const pid of [panePid, ...(await descendants(panePid))]) {
			if ((await executable(pid).catch(() => '')) === name) {
				return pid;
			}
		}

		if (Date.now() >= deadline) {
			throw new Error(`no process running ${name} in the tmux pane (pane pid ${panePid}: ${await executable(panePid).catch(() => 'gone')})`);
		}

		await sleep(50);
	}
}

/** Runs `command` in its own detached tmux server at 160x50 and measures `name`'s process (by executable) over the window. */
export async function measure(command: readonly string[], name: string, windowMs = WINDOW_MS): Promise<Usage> {
	const socket = `dbtop-bench-${process.pid}-${++servers}`;
	const env = terminalEnv();
	const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env});
	let pid: number | undefined;
	let socketPath: string | undefined;
	// The server goes, and so does its socket file (tmux leaves it behind).
	const killServer = async () => {
		await tmux('kill-server').catch(() => '');
		if (socketPath) {
			await rm(socketPath, {force: true});
		}
	};

	const forget = onInterrupt(killServer);
	try {
		await tmux('new-session', '-d', '-s', 'bench', '-c', ROOT, '-x', String(COLUMNS), '-y', String(ROWS), '--', ...command);
		socketPath = (await tmux('display', '-p', '-t', 'bench', '#{socket_path}')).trim() || undefined;
		pid = await programPid(Number((await tmux('display', '-p', '-t', 'bench', '#{pane_pid}')).trim()), name);
		await sleep(WARM_UP_MS);
		const [before, machineBefore] = await Promise.all([procStat(pid), machineJiffies()]);
		const start = performance.now();
		await sleep(windowMs);
		if (!(await isAlive(pid))) {
			throw new Error(`${name} (pid ${pid}) exited during the ${windowMs / 1000} s window`);
		}

		const [after, machineAfter] = await Promise.all([procStat(pid), machineJiffies()]);
		const wallSeconds = (performance.now() - start) / 1000;
		const [peakKb, rssKb, load] = await Promise.all([statusKb(pid, 'VmHWM'), statusKb(pid, 'VmRSS'), loadAverage()]);
		return {
			cpuSeconds: after.cpu - before.cpu,
			childSeconds: after.children - before.children,
			wallSeconds,
			peakRssBytes: peakKb * 1024,
			rssBytes: rssKb * 1024,
			machineBusyPct: ((machineAfter.busy - machineBefore.busy) / Math.max(machineAfter.total - machineBefore.total, 1)) * 100,
			load,
		};
	} finally {
		// Quit with q; then the server goes (SIGHUP to the pane); then SIGKILL whatever is left.
		if (pid !== undefined) {
			await tmux('send-keys', '-t', 'bench', 'q').catch(() => '');
			await waitGone([pid], 3000);
		}

		await killServer();
		if (pid !== undefined && (await isAlive(pid))) {
			signalAll([pid], 'SIGKILL');
			await waitGone([pid], 2000);
		}

		forget();
	}
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** One line for a measurement: CPU seconds, % of a core, peak and current RSS, how busy the machine was. */
export function describe(label: string, usage: Usage): string {
	const children = usage.childSeconds > 0 ? ` (+ ${usage.childSeconds.toFixed(2)} s in child processes)` : '';
	return `${label}: ${usage.cpuSeconds.toFixed(2)} CPU s in ${usage.wallSeconds.toFixed(1)} s = ${((usage.cpuSeconds / usage.wallSeconds) * 100).toFixed(2)}% of one core${children} · peak RSS ${mb(usage.peakRssBytes)} (now ${mb(usage.rssBytes)}) · machine ${usage.machineBusyPct.toFixed(1)}% busy meanwhile, load ${usage.load}`;
}

/** dbtop's CPU seconds and peak RSS over 60 s live at a 1 s interval, next to htop -d 10 measured the same way. */
export async function benchOverhead(): Promise<string[]> {
	requireBuild();
	const lines: string[] = [];
	const dbtop = await measure(['dist/source/cli.js'], 'node');
	lines.push(describe('dbtop', dbtop));
	const {path: htopPath, notes} = await findHtop();
	lines.push(...notes);
	let htop: Usage | undefined;
	if (htopPath) {
		htop = await measure([htopPath, '-d', '10'], 'htop');
		lines.push(describe('htop -d 10', htop));
	}

	const cpuRatio = htop && htop.cpuSeconds > 0 ? dbtop.cpuSeconds / htop.cpuSeconds : null;
	lines.push(
		`CPU: dbtop/htop ${cpuRatio === null ? 'n/a (no htop figure)' : `${cpuRatio.toFixed(1)}×`} · target ≤ 2× htop: ${cpuRatio === null ? 'not measured' : cpuRatio <= 2 ? 'within' : 'OVER'}`,
		`peak RSS: ${mb(dbtop.peakRssBytes)}${htop ? ` (${(dbtop.peakRssBytes / htop.peakRssBytes).toFixed(1)}× htop's ${mb(htop.peakRssBytes)})` : ''} · target < 120 MB: ${dbtop.peakRssBytes < 120e6 ? 'within' : 'OVER'}`,
		`method: each runs alone in its own detached tmux server (${COLUMNS}x${ROWS}), one after the other; CPU = utime+stime of the program's own process from /proc/<pid>/stat (CLK_TCK ${CLK_TCK}), end minus start of a ${WINDOW_MS / 1000} s window after ${WARM_UP_MS / 1000} s of warm-up; peak RSS = VmHWM from /proc/<pid>/status at the end (MB = 10^6 bytes)`,
	);
	return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchOverhead()) {
		console.log(line);
	}
}
