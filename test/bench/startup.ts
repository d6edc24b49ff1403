// Startup benchmark: the time from launching dbtop to its first frame with processes listed in a
// real 120x40 terminal (a pty from script(1)), next to htop's, launched in turn in the same run.
import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {verdict} from './budget.js';
import {median} from './median.js';
import {descendants, loadAverage} from './process-tree.js';
import {requireBuild, spawnInPty} from './terminal-harness.js';
import {findTool} from './tools.js';

const HEADER = Buffer.from('PID USER');
const RUNS = 9;
/** The terminal the startup benchmark runs in: a common tmux pane. */
const STARTUP_COLUMNS = 120;
const STARTUP_ROWS = 40;

type Timing = {header: number; data: number; rssKb: number | null};

// What "processes listed" looks like on each screen: dbtop's pane title counts them once the first
// sample is in (its rows come in the same frame); htop's first row under its header: pid, user, priority, nice.
const DBTOP_LISTED = /[1-9]\d* total, \d+ running/;
/** htop's first row under its header, as raw terminal output: pid, user, priority, nice. */
export const HTOP_LISTED = /PID USER[\s\S]*?\d+ [\w-]+ +-?\w+ +-?\d+ /;

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
		lines.push(`budget: first frame with processes listed ≤ 3× htop's in the same run (≤ ${ms(budget)} here): ${verdict(dbtop <= budget)} (dbtop ${ms(dbtop)}, ${(dbtop / htop).toFixed(1)}× htop's ${ms(htop)})`);
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
