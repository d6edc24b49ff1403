// Overhead benchmark: what dbtop costs next to htop and pg_activity. All three run at once, each in
// a tmux server of its own, at a 1 s refresh, against the same Postgres server with people on it
// (dbtop on its Sessions pane, and a second dbtop on its Statements pane), at 80x24 and at 200x50, three runs each; every program's process
// tree is sampled at the same moments. The soak keeps the same three running for 10 minutes (by
// default) for dbtop's peak memory.
import {readFileSync, realpathSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import type {TestServer} from '../helpers/postgres.js';
import {dbtopCommand} from './dbtop-command.js';
import {startPgLoad, type PgLoad} from './pg-load.js';
import {CLK_TCK, describeUsage, describeWindow, mb, measureTogether, secondsFromEnv, sizeName, startAll, stopAll, type ProgramSpec, type Size, type Usage, type Window} from './side-by-side.js';
import {requireBuild} from './terminal-harness.js';
import {findTool} from './tools.js';
import {htopSpec, verdict} from './budget.js';

const SIZES: readonly Size[] = [
	{columns: 80, rows: 24},
	{columns: 200, rows: 50},
];
const RUNS = 3;
const WARM_UP_MS = 5000;
/** dbtop's peak RSS budget. */
const PEAK_RSS_BUDGET = 100e6;
/** dbtop's CPU next to htop's: the budget, and what to aim for. */
const HTOP_BUDGET = 2;
const HTOP_AIM = 1.5;
/** A container engine that does not exist: dbtop uses none. */
export const NO_ENGINE = 'unix:///nonexistent/dbtop-bench-no-engine.sock';

/** The seconds of each measuring window (DBTOP_BENCH_WINDOW_S, default 60). */
export const windowSeconds = (): number => secondsFromEnv('DBTOP_BENCH_WINDOW_S', 60);

/** The length of the soak (DBTOP_BENCH_SOAK_S, default 600). */
export const soakSeconds = (): number => secondsFromEnv('DBTOP_BENCH_SOAK_S', 600);

// The executable a script runs under, from its shebang (`#!/usr/bin/python3` -> python3.11).
function interpreterOf(file: string): string {
	const interpreter = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(file, 'utf8').split('\n', 1)[0] ?? '');
	if (!interpreter) {
		return path.basename(realpathSync(file));
	}

	// `#!/usr/bin/env python3`: the program is the argument.
	const program = path.basename(interpreter[1]) === 'env' && interpreter[2] ? `/usr/bin/${interpreter[2]}` : interpreter[1];
	return path.basename(realpathSync(program));
}

/** dbtop as a person runs it during an incident: the built CLI, the test server, no container engine, the Sessions pane open. */
export function dbtopSpec(load: PgLoad): ProgramSpec {
	return {
		label: 'dbtop',
		command: dbtopCommand(['--pg', load.server.url(), '--docker', NO_ENGINE]),
		executable: 'node',
		ready: /PID USER/,
		keys: ['3'],
		shows: /Sessions [1-9]\d* shown[\s\S]*idle in tr/,
		application: 'dbtop',
	};
}

/** pg_activity at a 1 s refresh on the test server, over TCP as dbtop connects. */
export function pgActivitySpec(command: string, server: TestServer, label = 'pg_activity'): ProgramSpec {
	return {
		label,
		command: [command, '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', 'postgres', '--refresh', '1'],
		executable: interpreterOf(command),
		env: {PGPASSWORD: server.password},
		ready: /RUNNING QUERIES/,
		application: 'pg_activity',
	};
}

/** The three programs, or fewer with a note for each one that is not installed. */
export async function comparedPrograms(load: PgLoad): Promise<{specs: ProgramSpec[]; notes: string[]}> {
	const [htop, pgActivity] = await Promise.all([findTool('htop', 'htop'), findTool('pg_activity', 'pg-activity')]);
	const specs = [dbtopSpec(load), dbtopStatementsSpec(load)];
	const notes: string[] = [];
	if (htop.path === null) {
		notes.push(htop.note);
	} else {
		specs.push({...htopSpec(htop.path), label: 'htop'});
	}

	if (pgActivity.path === null) {
		notes.push(pgActivity.note);
	} else {
		specs.push(pgActivitySpec(pgActivity.path, load.server));
	}

	return {specs, notes};
}

const METHOD_CPU = `CPU = utime+stime from /proc/<pid>/stat (CLK_TCK ${CLK_TCK}) of each program's whole process tree (node for dbtop, python for pg_activity, with what their exited children used), read for all programs in one pass over /proc at the same moments, end minus start of the window; the Postgres backends (found by application_name in pg_stat_activity at each sample) are counted apart, not in the program's figure; "tmux drawing it" is the CPU of the tmux server whose pane the program draws on`;

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a (0 CPU s on the other side)');

function pooled(windows: readonly Window[], label: string): {cpuSeconds: number; wallSeconds: number; usages: Usage[]} {
	const usages = windows.map(window => window.usage.find(usage => usage.label === label)!);
	return {
		cpuSeconds: usages.reduce((sum, usage) => sum + usage.cpuSeconds, 0),
		wallSeconds: windows.reduce((sum, window) => sum + window.wallSeconds, 0),
		usages,
	};
}

const percent = (cpuSeconds: number, wallSeconds: number) => `${((cpuSeconds / wallSeconds) * 100).toFixed(2)}%`;
const pad = (text: string, width: number) => text.padEnd(width);

/** The second dbtop's label. */
const STATEMENTS_LABEL = 'dbtop on 7';

/** dbtop again, on its Statements pane (key 7), with an application_name of its own for its backends. */
export function dbtopStatementsSpec(load: PgLoad): ProgramSpec {
	return {
		label: STATEMENTS_LABEL,
		command: dbtopCommand(['--pg', `${load.server.url()}?application_name=dbtop-statements`, '--docker', NO_ENGINE]),
		executable: 'node',
		ready: /PID USER/,
		keys: ['7'],
		shows: /Statements [1-9]/,
		application: 'dbtop-statements',
	};
}

/** dbtop, htop and pg_activity side by side at 80x24 and 200x50, three runs each; returns the lines for BENCHMARKS.md. */
export async function benchOverhead(): Promise<string[]> {
	requireBuild();
	const windowMs = windowSeconds() * 1000;
	const load = await startPgLoad();
	const lines: string[] = [`load: ${load.description}`];
	try {
		const {specs, notes} = await comparedPrograms(load);
		lines.push(...notes);
		const windows = new Map<string, Window[]>(SIZES.map(size => [sizeName(size), []]));
		// Sizes alternate within each run, so that a slow drift of the machine touches both alike.
		for (let run = 1; run <= RUNS; run++) {
			for (const size of SIZES) {
				const programs = await startAll(specs, size);
				let window: Window;
				try {
					await sleep(WARM_UP_MS);
					window = await measureTogether(programs, windowMs, {pg: load.client});
				} finally {
					await stopAll(programs);
				}

				windows.get(sizeName(size))!.push(window);
				lines.push(`run ${run}, ${sizeName(size)}: ${describeWindow(window)}`, ...window.usage.map(usage => `  ${describeUsage(usage, window)}`));
			}
		}

		const labels = specs.map(spec => spec.label);
		lines.push(
			'',
			`${pad('size', 8)}${pad('tool', 13)}${pad('CPU, 3 runs pooled', 20)}${pad('each run', 22)}${pad('its backends', 14)}${pad('peak RSS', 11)}RSS at end`,
		);
		for (const size of SIZES) {
			const sized = windows.get(sizeName(size))!;
			for (const label of labels) {
				const {cpuSeconds, wallSeconds, usages} = pooled(sized, label);
				const backend = usages[0].backendCpuSeconds === null ? '—' : percent(usages.reduce((sum, usage) => sum + (usage.backendCpuSeconds ?? 0), 0), wallSeconds);
				const each = usages.map((usage, index) => ((usage.cpuSeconds / sized[index].wallSeconds) * 100).toFixed(2)).join(', ');
				const peak = Math.max(...usages.map(usage => usage.peakRssBytes));
				lines.push(`${pad(sizeName(size), 8)}${pad(label, 13)}${pad(`${percent(cpuSeconds, wallSeconds)} of a core`, 20)}${pad(each, 22)}${pad(backend, 14)}${pad(mb(peak), 11)}${mb(usages.at(-1)!.rssBytes)}`);
			}
		}

		lines.push('');
		for (const size of SIZES) {
			const sized = windows.get(sizeName(size))!;
			const dbtop = pooled(sized, 'dbtop');
			if (labels.includes('htop')) {
				const htop = pooled(sized, 'htop');
				const runs = dbtop.usages.map((usage, index) => ratio(usage.cpuSeconds, htop.usages[index].cpuSeconds)).join(', ');
				const value = htop.cpuSeconds > 0 ? dbtop.cpuSeconds / htop.cpuSeconds : Number.POSITIVE_INFINITY;
				lines.push(
					`CPU at ${sizeName(size)}: dbtop ${percent(dbtop.cpuSeconds, dbtop.wallSeconds)}, htop ${percent(htop.cpuSeconds, htop.wallSeconds)} of a core: dbtop/htop ${ratio(dbtop.cpuSeconds, htop.cpuSeconds)} over the 3 runs (each run: ${runs}) · budget ≤ ${HTOP_BUDGET}× htop: ${verdict(value <= HTOP_BUDGET)} · aim ${HTOP_AIM}×: ${verdict(value <= HTOP_AIM)}`,
				);
				const statements = pooled(sized, STATEMENTS_LABEL);
				const statementRuns = statements.usages.map((usage, index) => ratio(usage.cpuSeconds, htop.usages[index].cpuSeconds)).join(', ');
				const statementsValue = htop.cpuSeconds > 0 ? statements.cpuSeconds / htop.cpuSeconds : Number.POSITIVE_INFINITY;
				lines.push(
					`CPU at ${sizeName(size)}: dbtop on its Statements pane ${percent(statements.cpuSeconds, statements.wallSeconds)} (its backend ${percent(statements.usages.reduce((sum, usage) => sum + (usage.backendCpuSeconds ?? 0), 0), statements.wallSeconds)}), htop ${percent(htop.cpuSeconds, htop.wallSeconds)} of a core: ${ratio(statements.cpuSeconds, htop.cpuSeconds)} (each run: ${statementRuns}) · budget ≤ ${HTOP_BUDGET}× htop: ${verdict(statementsValue <= HTOP_BUDGET)}`,
				);
			} else {
				lines.push(`CPU at ${sizeName(size)}: dbtop/htop: the comparison could not be made (htop is not installed: apt-get install htop)`);
			}

			if (labels.includes('pg_activity')) {
				const activity = pooled(sized, 'pg_activity');
				const runs = dbtop.usages.map((usage, index) => ratio(usage.cpuSeconds, activity.usages[index].cpuSeconds)).join(', ');
				const backends = (label: string) => percent(pooled(sized, label).usages.reduce((sum, usage) => sum + (usage.backendCpuSeconds ?? 0), 0), dbtop.wallSeconds);
				lines.push(
					`CPU at ${sizeName(size)}: dbtop ${percent(dbtop.cpuSeconds, dbtop.wallSeconds)}, pg_activity ${percent(activity.cpuSeconds, activity.wallSeconds)} of a core: dbtop/pg_activity ${ratio(dbtop.cpuSeconds, activity.cpuSeconds)} (each run: ${runs}) · budget below pg_activity's: ${verdict(dbtop.cpuSeconds < activity.cpuSeconds)} · their Postgres backends: dbtop's ${backends('dbtop')}, pg_activity's ${backends('pg_activity')}`,
				);
			} else {
				lines.push(`CPU at ${sizeName(size)}: dbtop/pg_activity: the comparison could not be made (pg_activity is not installed: apt-get install pg-activity)`);
			}
		}

		lines.push(
			`method: ${labels.join(', ')} run at the same time, each in a detached tmux server of its own at the size named, at a 1 s refresh (dbtop's default; htop -d 10; pg_activity --refresh 1), all pointed at the same server; dbtop is the built CLI (${path.basename(dbtopCommand()[0])} ${dbtopCommand().slice(1).map(arg => path.relative(process.cwd(), arg) || arg).join(' ')}) with --pg naming the server and --docker a socket that does not exist, its own XDG_STATE_HOME and XDG_CONFIG_HOME, on its Sessions pane (key 3), and a second dbtop the same way on its Statements pane (key 7); after they show their screens, ${WARM_UP_MS / 1000} s of warm-up, then a ${windowMs / 1000} s window sampled every 5 s; the two sizes alternate within each of the ${RUNS} runs, fresh processes for each`,
			`method: ${METHOD_CPU}; peak RSS = VmHWM and RSS at end = VmRSS of the program's process from /proc/<pid>/status (MB = 10^6 bytes); the ratios divide CPU seconds summed over the 3 windows`,
		);
		return lines;
	} finally {
		await load.stop();
	}
}

/** dbtop, htop and pg_activity at 200x50 for DBTOP_BENCH_SOAK_S seconds (default 600); dbtop's peak and final RSS. */
export async function benchSoak(): Promise<string[]> {
	requireBuild();
	const seconds = soakSeconds();
	const size = SIZES.at(-1)!;
	const load = await startPgLoad();
	const lines: string[] = [
		`soak length: ${seconds} s (DBTOP_BENCH_SOAK_S${process.env['DBTOP_BENCH_SOAK_S'] ? `=${process.env['DBTOP_BENCH_SOAK_S']}` : ' not set'}; default 600)${seconds < 600 ? ' · shorter than the 10 minutes the budget asks for: the figures below do not answer it' : ''}`,
		`load: ${load.description}`,
	];
	try {
		const {specs, notes} = await comparedPrograms(load);
		lines.push(...notes);
		const startedAt = performance.now();
		const programs = await startAll(specs, size);
		let window: Window;
		try {
			await sleep(WARM_UP_MS);
			window = await measureTogether(programs, seconds * 1000, {pg: load.client, sampleEveryMs: 10_000});
		} finally {
			await stopAll(programs);
		}

		const lifeSeconds = (performance.now() - startedAt) / 1000;
		const dbtop = window.usage.find(usage => usage.label === 'dbtop')!;
		// RSS about every tenth of the soak (at least 10 s apart).
		const step = Math.max(10, seconds / 10);
		const trend: string[] = [];
		let next = step;
		for (const point of dbtop.rssTrend) {
			if (point.atSeconds >= next - 1) {
				trend.push(`${point.atSeconds.toFixed(0)} s ${(point.rssBytes / 1e6).toFixed(1)}`);
				next += step;
			}
		}

		lines.push(
			`${sizeName(size)}, all three at once over the soak: ${describeWindow(window)}`,
			...window.usage.map(usage => `  ${describeUsage(usage, window)}`),
			`dbtop RSS (MB) during the soak: ${trend.join(' · ')}`,
			`peak RSS: dbtop's VmHWM ${mb(dbtop.peakRssBytes)} over ${lifeSeconds.toFixed(0)} s of its life (RSS at end ${mb(dbtop.rssBytes)}) · budget ≤ ${mb(PEAK_RSS_BUDGET)} after 10 minutes: ${seconds < 600 ? 'not answered (soak shorter than 10 minutes)' : verdict(dbtop.peakRssBytes <= PEAK_RSS_BUDGET)}`,
		);
		for (const other of window.usage.filter(usage => usage.label !== 'dbtop')) {
			lines.push(`CPU over the soak: dbtop/${other.label} ${ratio(dbtop.cpuSeconds, other.cpuSeconds)} (${percent(dbtop.cpuSeconds, window.wallSeconds)} against ${percent(other.cpuSeconds, window.wallSeconds)} of a core)`);
		}

		lines.push(
			`method: as in the overhead section, at ${sizeName(size)}, one window of ${seconds} s after ${WARM_UP_MS / 1000} s of warm-up, sampled every 10 s; ${METHOD_CPU}; VmHWM is the largest RSS dbtop's process reached since it started`,
		);
		return lines;
	} finally {
		await load.stop();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of [...(await benchOverhead()), ...(await benchSoak())]) {
		console.log(line);
	}
}
