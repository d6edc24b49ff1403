// Quitting a busy dbtop: 2,000 more processes with 4 KB command lines, dbtop at its shortest
// interval (100 ms) in the process tree at 200x50, htop at its shortest delay (0.1 s) in its tree
// beside it, launched in turn. The time from q, Ctrl-C or SIGTERM to the program's exit, and
// whether it left the alternate screen on its way out.
import {once} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import {readlink} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {startCrowd} from '../helpers/crowd.js';
import {verdict} from './budget.js';
import {dbtopShellCommand} from './dbtop-command.js';
import {median} from './median.js';
import {descendants} from './process-tree.js';
import {requireBuild, spawnInPty} from './terminal-harness.js';
import {findTool} from './tools.js';

const ROUNDS = 5;
const BUDGET_MS = 1000;
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const WAYS = [
	{name: 'q', key: 'q'},
	{name: 'Ctrl-C', key: '\u0003'},
	{name: 'SIGTERM', signal: 'SIGTERM'},
] as const;

type Program = {name: string; command: string; executable: string; ready: RegExp; keys: string};

// One launch: ready, the tree on, two seconds of work, then the way out; ms to exit, and whether the terminal was given back.
async function quitOnce(program: Program, way: (typeof WAYS)[number]): Promise<{ms: number; isRestored: boolean}> {
	const pty = spawnInPty(program.command, {columns: 200, rows: 50, keep: true});
	try {
		await pty.when(program.ready, 60_000);
		pty.child.stdin!.write(program.keys);
		await sleep(2000);
		const pids = await descendants(pty.child.pid!);
		const executables = await Promise.all(pids.map(async pid => path.basename(await readlink(`/proc/${pid}/exe`).catch(() => ''))));
		const pid = pids[executables.indexOf(program.executable)];
		if (pid === undefined) throw new Error(`${program.name}: no ${program.executable} process under script`);
		const closed = once(pty.child, 'close');
		const startedAt = performance.now();
		if ('key' in way) pty.child.stdin!.write(way.key);
		else process.kill(pid, way.signal);
		const ms = await Promise.race([closed.then(() => performance.now() - startedAt), sleep(10_000).then(() => Number.POSITIVE_INFINITY)]);
		return {ms, isRestored: pty.output().toString('latin1').includes(LEAVE_ALTERNATE_SCREEN)};
	} finally {
		await pty.stop();
	}
}

const msText = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'did not exit within 10 s');

/** Runs the rounds and returns the lines for BENCHMARKS.md. */
export async function benchQuit(): Promise<string[]> {
	requireBuild();
	const htop = await findTool('htop', 'htop');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-bench-quit-'));
	const programs: Program[] = [
		{
			name: 'dbtop',
			command: `exec ${dbtopShellCommand(['--pg', 'host=/nonexistent/dbtop-bench', '--docker', 'unix:///nonexistent/dbtop-bench.sock', '--interval', '100ms'])}`,
			executable: 'node',
			ready: /[1-9]\d{3,} total/,
			keys: 't',
		},
		// htop saves its settings on exit: it gets a settings file of its own, so the tree stays out of the user's.
		...(htop.path ? [{name: 'htop', command: `HTOPRC=${path.join(dir, 'htoprc')} exec ${htop.path} -d 1`, executable: 'htop', ready: /PID[\s\S]{0,40}USER/, keys: 't'}] : []),
	];
	const crowd = await startCrowd(2000, 2000);
	try {
		const results = programs.map(() => WAYS.map(() => [] as Array<{ms: number; isRestored: boolean}>));
		for (let round = 0; round < ROUNDS; round++) {
			for (const [which, program] of programs.entries()) {
				for (const [index, way] of WAYS.entries()) results[which]![index]!.push(await quitOnce(program, way));
			}
		}

		const lines = htop.note ? [htop.note] : [];
		for (const [which, program] of programs.entries()) {
			for (const [index, way] of WAYS.entries()) {
				const runs = results[which]![index]!;
				const restored = runs.filter(run => run.isRestored).length;
				lines.push(`${program.name}, ${way.name}: median ${msText(median(runs.map(run => run.ms)))}, max ${msText(Math.max(...runs.map(run => run.ms)))} (runs: ${runs.map(run => msText(run.ms)).join(', ')}); left the alternate screen ${restored} of ${runs.length}`);
			}
		}

		const dbtopRuns = results[0]!.flat();
		const slowest = Math.max(...dbtopRuns.map(run => run.ms));
		lines.push(
			`budget: every way out ends dbtop within ${BUDGET_MS} ms and gives the terminal back: ${verdict(slowest <= BUDGET_MS && dbtopRuns.every(run => run.isRestored))} (slowest ${msText(slowest)})`,
			`method: ${crowd.count()} extra sleep processes with 2,000 arguments each (4 KB command lines); each program launched in a 200x50 pty (script), tree view on (t), 2 s of work at its shortest interval (dbtop --interval 100ms, htop -d 1), then the key written to the pty or the signal sent to the program's own process; time until script closes (the program has exited); the terminal counts as given back when the program wrote the sequence that leaves the alternate screen; ${ROUNDS} rounds, programs and ways in turn`,
		);
		return lines;
	} finally {
		crowd.stop();
		rmSync(dir, {recursive: true, force: true});
	}
}
