// Postgres load: 500 client sessions, 100 of them holding row locks and 50 waiting on those.
// Reports the sessions and locks collectors' time per tick, then dbtop with that database
// attached, dbtop with none and pg_activity on the same load, all three at once over one window.
import {NO_HOME} from '../helpers/dbtop.js';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import {createPgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {startPostgres} from '../helpers/postgres.js';
import {dbtopCommand} from './dbtop-command.js';
import {NO_ENGINE, pgActivitySpec} from './overhead.js';
import {describeUsage, describeWindow, measureTogether, startAll, stopAll, type ProgramSpec, type Window} from './side-by-side.js';
import {median} from './median.js';
import {COLUMNS, requireBuild, ROWS} from './terminal-harness.js';
import {findTool} from './tools.js';
import {htopSpec, ratioOf, verdict} from './budget.js';

const SESSIONS = 500;
const HOLDERS = 100;
const WAITERS = 50;
const TICKS = 20;
const WINDOW_MS = 30_000;
const WARM_UP_MS = 5000;

/** Runs the load and returns the lines for BENCHMARKS.md. */
export async function benchPostgres(): Promise<string[]> {
	requireBuild();
	const server = await startPostgres(18, {max_connections: '600'});
	const clients: pg.Client[] = [];
	try {
		await server.sql(`CREATE TABLE accounts AS SELECT g AS id, 0 AS balance FROM generate_series(1, ${HOLDERS}) g`);
		await server.sql('ALTER TABLE accounts ADD PRIMARY KEY (id)');
		for (let i = 0; i < SESSIONS; i++) clients.push(await server.connect({application: `load-${i}`}));
		for (let i = 0; i < HOLDERS; i++) {
			await clients[i]!.query('BEGIN');
			await clients[i]!.query('UPDATE accounts SET balance = 1 WHERE id = $1', [i + 1]);
		}

		for (let i = 0; i < WAITERS; i++) {
			const waiter = clients[HOLDERS + i]!;
			await waiter.query('BEGIN');
			void waiter.query('UPDATE accounts SET balance = 2 WHERE id = $1', [i + 1]).catch(() => {});
		}

		await sleep(1000);
		const connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
		const sessions = postgresSessions(connection);
		const locks = postgresLocks(connection);
		const signal = new AbortController().signal;
		const timings = {sessions: [] as number[], locks: [] as number[], sessionsCpu: [] as number[], locksCpu: [] as number[]};
		let seen = {sessions: 0, waiting: 0};
		for (let i = 0; i < TICKS + 1; i++) {
			for (const [name, collector] of [['sessions', sessions], ['locks', locks]] as const) {
				const cpu = process.cpuUsage();
				const start = performance.now();
				const value = await collector.collect(signal);
				if (i > 0) {
					timings[name].push(performance.now() - start);
					const used = process.cpuUsage(cpu);
					timings[name === 'sessions' ? 'sessionsCpu' : 'locksCpu'].push((used.user + used.system) / 1000);
				}

				if ('sessions' in value) seen.sessions = value.sessions.length;
				if ('blockedBy' in value) seen.waiting = Object.keys(value.blockedBy).length;
			}
		}

		await connection.close();
		const lines = [
			`load: ${SESSIONS} client sessions on PostgreSQL 18 (max_connections 600), ${HOLDERS} holding row locks, ${WAITERS} waiting; the collectors saw ${seen.sessions} sessions and ${seen.waiting} waiting`,
			`sessions collector: median ${median(timings.sessions).toFixed(1)} ms per tick, ${median(timings.sessionsCpu).toFixed(1)} ms of dbtop's CPU · budget under 100 ms: ${verdict(median(timings.sessions) < 100)}`,
			`locks collector: median ${median(timings.locks).toFixed(1)} ms per tick, ${median(timings.locksCpu).toFixed(1)} ms of dbtop's CPU · budget under 100 ms: ${verdict(median(timings.locks) < 100)}`,
		];

		// dbtop with this database, dbtop with none (a port where nothing listens: the panes say so,
		// retries back off to every 30 s) and pg_activity run at once over the same window.
		const [activity, htop] = await Promise.all([findTool('pg_activity', 'pg-activity'), findTool('htop', 'htop')]);
		const specs: ProgramSpec[] = [
			{
				label: 'dbtop with this database, on its Sessions pane (1 s refresh, sessions and locks every 2 s)',
				command: dbtopCommand(['--pg', server.url(), '--docker', NO_ENGINE]),
				executable: 'node',
				ready: /PID USER/,
				keys: ['3'],
				// Measured once the pane lists all the load: SESSIONS (500) or more.
				shows: /Sessions (?:[5-9]\d\d|\d{4,}) shown/,
				application: 'dbtop',
			},
			{
				label: 'dbtop with no database, on its Sessions pane',
				command: dbtopCommand(['--pg', 'postgres://nobody@127.0.0.1:1/none', '--docker', NO_ENGINE]),
				executable: 'node',
				ready: /PID USER/,
				keys: ['3'],
				shows: /reconnecting with back-off/,
			},
		];
		if (activity.path === null) {
			lines.push(activity.note);
		} else {
			specs.push(pgActivitySpec(activity.path, server, 'pg_activity --refresh 1 on the same load'));
		}

		if (htop.path === null) lines.push(htop.note);
		else specs.push(htopSpec(htop.path));

		const monitor = await server.connect({application: 'dbtop-bench'});
		const programs = await startAll(specs, {columns: COLUMNS, rows: ROWS});
		let window: Window;
		try {
			await sleep(WARM_UP_MS);
			window = await measureTogether(programs, WINDOW_MS, {pg: monitor});
		} finally {
			await stopAll(programs);
			await monitor.end().catch(() => {});
		}

		const [withDb, without] = window.usage;
		const ratio = ratioOf(withDb.cpuSeconds, without.cpuSeconds);
		const yardstick = window.usage.find(usage => usage.label.startsWith('htop'));
		lines.push(
			`side by side at ${COLUMNS}x${ROWS}: ${describeWindow(window)}`,
			...window.usage.map(usage => `  ${describeUsage(usage, window)}`),
			`ratio: ${ratio.toFixed(2)}x the dbtop with no database · budget within 1.5x: ${verdict(ratio <= 1.5)}`,
			...(yardstick ? [`against htop in the same window: the dbtop with this database ${ratioOf(withDb.cpuSeconds, yardstick.cpuSeconds).toFixed(2)}x, the one with none ${ratioOf(without.cpuSeconds, yardstick.cpuSeconds).toFixed(2)}x`] : []),
		);
		lines.push(`method: collectors timed in-process over ${TICKS} ticks after a warm-up; the two dbtops, each on its Sessions pane (key 3, the one with the database once it lists all the sessions), pg_activity and htop run at once, each in a tmux server of its own, measured over the same ${WINDOW_MS / 1000} s window after ${WARM_UP_MS / 1000} s of warm-up, CPU of each process tree as in the overhead section (Postgres backends apart)`);
		return lines;
	} finally {
		await Promise.all(clients.map(async client => client.end().catch(() => {})));
		await server.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchPostgres()) console.log(line);
}
