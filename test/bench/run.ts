// `npm run bench`: runs every benchmark in turn, prints its lines as it goes and writes BENCHMARKS.md.
// `npm run bench -- overhead soak` runs only the sections named and writes nothing.
// Benchmarks print numbers; none fails on time. A benchmark that crashes is reported and sets exit code 1.
import {readdir, readFile, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {benchContainers} from './containers.js';
import {benchFrame} from './frame.js';
import {benchGrowth} from './growth.js';
import {benchOutput} from './output.js';
import {benchOverhead, benchSoak} from './overhead.js';
import {benchPostgres} from './postgres.js';
import {benchProcessScan} from './process-scan.js';
import {benchQuit} from './quit.js';
import {benchRecord} from './record.js';
import {benchReplay} from './replay.js';
import {benchRing} from './ring.js';
import {benchStartup} from './startup.js';
import {benchStatements} from './statements.js';
import {ROOT} from './terminal-harness.js';
import {benchStore} from './store.js';

type Section = {name: string; title: string; budget: string; bench: () => Promise<string[]>};

const SECTIONS: Section[] = [
	{
		name: 'process-scan',
		title: 'Process scan',
		budget: 'one processes tick (with 1,500 extra idle processes) costs at most 1.5× the CPU of `cat` reading the same /proc files',
		bench: benchProcessScan,
	},
	{
		name: 'store',
		title: 'Store',
		budget: 'none set: what one sample costs the reducer, the alert rules and their series, with the garbage collection it causes, on a busy host and a busy server',
		bench: benchStore,
	},
	{
		name: 'startup',
		title: 'Startup',
		budget: 'first frame with processes listed ≤ 3× htop’s first frame in the same run (≤ 400 ms here)',
		bench: benchStartup,
	},
	{
		name: 'quit',
		title: 'Quitting when busy',
		budget: 'q, Ctrl-C and SIGTERM each end dbtop within 1 s and give the terminal back, with 2,000 more processes (4 KB command lines) read every 100 ms and drawn as a tree at 200x50; htop at its shortest delay beside it',
		bench: benchQuit,
	},
	{
		name: 'output',
		title: 'Terminal output',
		budget: 'steady-state bytes per second well under a full redraw of every frame (dbtop rewrites only the lines that changed)',
		bench: benchOutput,
	},
	{
		name: 'frame',
		title: 'Frame',
		budget: 'a frame where nothing but the clock changed costs under 1 ms of renderer time',
		bench: benchFrame,
	},
	{
		name: 'overhead',
		title: 'Overhead',
		budget: 'dbtop, htop and pg_activity running at once at a 1 s refresh, at 80x24 and at 200x50, three runs each, dbtop on its Sessions pane against a Postgres server with sessions on it (and pg_stat_statements loaded), with a second dbtop on its Statements pane beside them: each dbtop’s CPU at most 2× htop’s (aim 1.5×), the first below pg_activity’s, at both sizes',
		bench: benchOverhead,
	},
	{
		name: 'soak',
		title: 'Memory soak',
		budget: 'dbtop’s peak RSS at most 100 MB after 10 minutes (DBTOP_BENCH_SOAK_S seconds, default 600), on its Sessions pane at 200x50 with htop and pg_activity running alongside',
		bench: benchSoak,
	},
	{
		name: 'growth',
		title: 'Memory over time',
		budget: 'at a 250 ms interval for 10 minutes (DBTOP_BENCH_GROWTH_S, default 600: the samples of 40 minutes at 1 s), with Postgres and a container engine attached and alerts firing and resolving every 20 s: dbtop’s heap after a full GC ends at most 2 MB above where it started, and its RSS at most 100 MB',
		bench: benchGrowth,
	},
	{
		name: 'postgres',
		title: 'Postgres',
		budget: 'with 500 sessions (100 holding locks, 50 waiting) the sessions and locks collectors each finish a tick in under 100 ms; dbtop’s CPU at a 1 s interval within 1.5× that of a dbtop with no database running at the same time; pg_activity’s CPU on the same load, in the same window, for comparison',
		bench: benchPostgres,
	},
	{
		name: 'statements',
		title: 'Statements',
		budget: 'with pg_stat_statements holding 5,000 entries, one statements tick costs ≤ 30 ms on the server (PostgreSQL 18), the first tick, which reads every entry’s text, apart; dbtop’s CPU per tick printed beside it',
		bench: benchStatements,
	},
	{
		name: 'containers',
		title: 'Containers',
		budget: 'dbtop’s CPU at a 1 s interval with 30 running containers within 1.5× that of a dbtop pointed at an empty engine, running at the same time',
		bench: benchContainers,
	},
	{
		name: 'record',
		title: 'Recording',
		budget: 'recording adds ≤ 20 % to dbtop’s CPU (the live monitor with --record against the live monitor, at a 1 s interval, running at the same time), and dbtop record alone (no terminal) costs less than the live monitor; htop in the same windows; 3 rounds of DBTOP_BENCH_RECORD_S seconds (default 20)',
		bench: benchRecord,
	},
	{
		name: 'ring',
		title: 'Ring writes',
		budget: 'none set: the samples per second one PostgreSQL 18 on this machine takes from 4, 16 and 64 writers at once into a ring of 100,000 rows, their p50 and p99 write latency, and the bytes one sample takes on disk; the figures the README’s sizing guidance comes from',
		bench: benchRing,
	},
	{
		name: 'replay',
		title: 'Replay reads',
		budget: 'on a ring of 1,000,000 rows from 20 nodes with containers on PostgreSQL 18, the read-only ring reader gets the first frame’s data (open, describe, the default node’s newest moment with its containers and companion) in ≤ 500 ms, one step back in time in ≤ 100 ms and the node picker’s nodes() in ≤ 300 ms, each the median of several runs; no plan of its queries holds a Seq Scan. The replay screen (the built dbtop in a terminal) on the same ring: its first frame ≤ 500 ms from launch, with --node (the node’s moment) and without (the node picker), and the picker’s own part beyond dbtop’s start-up ≤ 300 ms; a key that moves in time (left, { and }) shown in ≤ 100 ms; following the newest while the ring is written every second, no more CPU than the live monitor in the same windows',
		bench: benchReplay,
	},
];

async function machine(): Promise<string[]> {
	const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
	const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
	const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? os.cpus().length;
	const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
	const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? os.totalmem() / 1024);
	const kernel = (await readFile('/proc/version', 'utf8').catch(() => os.release())).trim();
	return [
		`- CPU: ${model}, ${cores} cores`,
		`- Memory: ${(memKb / 1024 / 1024).toFixed(1)} GiB`,
		`- Kernel: ${kernel}`,
		`- Node: ${process.version}`,
	];
}

async function processCount(): Promise<number> {
	return (await readdir('/proc')).filter(name => /^\d+$/.test(name)).length;
}

// Between sections: wait (up to 20 s) for the processes a benchmark started to be gone, then 2 s more,
// so that one section's leftovers (the process scan's 1,500 children) do not load the next.
async function settle(baseline: number): Promise<void> {
	const deadline = Date.now() + 20_000;
	while ((await processCount()) > baseline + 10 && Date.now() < deadline) {
		await sleep(200);
	}

	await sleep(2000);
}

const named = process.argv.slice(2);
const unknown = named.filter(name => !SECTIONS.some(section => section.name === name));
if (unknown.length > 0) {
	console.error(`unknown section ${unknown.join(', ')}: the sections are ${SECTIONS.map(section => section.name).join(', ')}`);
	process.exit(2);
}

const selected = named.length === 0 ? SECTIONS : SECTIONS.filter(section => named.includes(section.name));
const started = new Date();
const baseline = await processCount();
const results: Array<{section: Section; lines: string[]; seconds: number}> = [];
for (const section of selected) {
	console.log(`\n## ${section.title}\n(budget: ${section.budget})`);
	const start = performance.now();
	let lines: string[];
	try {
		lines = await section.bench();
	} catch (error) {
		process.exitCode = 1;
		lines = [`FAILED: ${error instanceof Error ? error.message : String(error)}`];
	}

	for (const line of lines) {
		console.log(line);
	}

	const seconds = (performance.now() - start) / 1000;
	console.log(`(${section.title}: ${seconds.toFixed(0)} s)`);
	results.push({section, lines, seconds});
	await settle(baseline);
}

const totalSeconds = (Date.now() - started.getTime()) / 1000;
console.log(`\nall sections: ${(totalSeconds / 60).toFixed(1)} min`);
if (selected !== SECTIONS) {
	console.log('BENCHMARKS.md not written: only some sections ran');
	process.exit();
}

const markdown = [
	'# dbtop benchmarks',
	'',
	`Written by \`npm run bench\` (test/bench/run.ts) on ${started.toISOString()}, in ${(totalSeconds / 60).toFixed(1)} minutes. The benchmarks print numbers and never fail on time; each budget is printed next to its figure.`,
	'',
	'## Machine',
	'',
	...(await machine()),
	'',
	...results.flatMap(({section, lines, seconds}) => [
		`## ${section.title}`,
		'',
		`Budget: ${section.budget}. (This section took ${seconds.toFixed(0)} s.)`,
		'',
		'```',
		...lines,
		'```',
		'',
	]),
];
const file = path.join(ROOT, 'BENCHMARKS.md');
await writeFile(file, markdown.join('\n'));
console.log(`\nwrote ${path.relative(process.cwd(), file) || file}`);
