// The terminal the benchmarks run programs in: where the built dbtop is, the size every
// benchmark uses, a user's terminal environment with a state directory of its own, and a pty from
// script(1) whose output is counted byte for byte (side-by-side.ts runs programs in tmux instead).
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {descendants, onInterrupt, signalAll, waitGone} from './process-tree.js';

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
