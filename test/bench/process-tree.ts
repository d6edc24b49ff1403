// The processes a benchmark starts: running a command for its output, finding a program's
// process tree in /proc, signalling it and waiting for it to be gone, cleaning up when the
// benchmark itself is interrupted, and how busy the machine was.
import {execFile} from 'node:child_process';
import {readdir, readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';

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

/** The 1, 5 and 15 minute load averages, to show how quiet the machine was. */
export async function loadAverage(): Promise<string> {
	return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}
