// Postgres load: 500 client sessions, 100 of them holding row locks and 50 waiting on those.
// Reports the sessions and locks collectors' time per tick, dbtop's own CPU with that database
// attached next to none, and pg_activity's CPU on the same load.
import {realpathSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import {createPgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {resolvePgTarget} from '../../source/pg-settings.js';
import {startPostgres} from '../helpers/postgres.js';
import {describe, measure} from './overhead.js';
import {median, requireBuild, run} from './startup.js';

const SESSIONS = 500;
const HOLDERS = 100;
const WAITERS = 50;
const TICKS = 20;
const WINDOW_MS = 30_000;

async function pgActivity(): Promise<{path: string | null; note: string | null}> {
	const found = await run('sh', ['-c', 'command -v pg_activity || true']).then(out => out.trim());
	if (found) return {path: found, note: null};
	if (process.getuid?.() !== 0) return {path: null, note: 'pg_activity is not installed (apt-get install pg-activity) and this is not root: skipped'};
	await run('apt-get', ['install', '-y', 'pg-activity'], {timeoutMs: 300_000}).catch(() => '');
	const installed = await run('sh', ['-c', 'command -v pg_activity || true']).then(out => out.trim());
	return installed ? {path: installed, note: 'installed pg-activity from Debian for this run'} : {path: null, note: 'pg-activity could not be installed: skipped'};
}

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
		const connection = createPgConnection(resolvePgTarget(server.url(), {}, 'root'));
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
			`sessions collector: median ${median(timings.sessions).toFixed(1)} ms per tick, ${median(timings.sessionsCpu).toFixed(1)} ms of dbtop's CPU (budget: under 100 ms)`,
			`locks collector: median ${median(timings.locks).toFixed(1)} ms per tick, ${median(timings.locksCpu).toFixed(1)} ms of dbtop's CPU (budget: under 100 ms)`,
		];

		const withDb = await measure(['dist/source/cli.js', '--pg', server.url()], 'node', WINDOW_MS);
		// No database: a port where nothing listens (the panes say so; retries back off to every 30 s).
		const without = await measure(['dist/source/cli.js', '--pg', 'postgres://nobody@127.0.0.1:1/none'], 'node', WINDOW_MS);
		lines.push(
			describe('dbtop with this database (1 s refresh, sessions and locks every 2 s)', withDb),
			describe('dbtop with no database', without),
			`ratio: ${(withDb.cpuSeconds / Math.max(without.cpuSeconds, 0.01)).toFixed(2)}x (budget: within 1.5x)`,
		);
		const activity = await pgActivity();
		if (activity.note) lines.push(activity.note);
		if (activity.path) {
			const python = path.basename(realpathSync('/usr/bin/python3'));
			const usage = await measure(
				['env', `PGPASSWORD=${server.password}`, activity.path, '-h', '127.0.0.1', '-p', String(server.port), '-U', server.user, '-d', 'postgres', '--refresh', '1'],
				python,
				WINDOW_MS,
			);
			lines.push(describe('pg_activity --refresh 1 on the same load', usage));
		}

		lines.push(`method: collectors timed in-process over ${TICKS} ticks after a warm-up; CPU of dbtop and pg_activity as in the overhead section, over ${WINDOW_MS / 1000} s each`);
		return lines;
	} finally {
		await Promise.all(clients.map(async client => client.end().catch(() => {})));
		await server.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchPostgres()) console.log(line);
}
