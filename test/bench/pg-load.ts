// A Postgres server with people on it, for the benchmarks that show the Sessions pane: a few dozen
// client sessions, some idle in a transaction that holds row locks, some waiting on those locks,
// some running a long query, the rest idle; pg_stat_statements loaded, with the statements of a
// small application in it, for the Statements pane.
import type pg from 'pg';
import {startPostgres, type TestServer} from '../helpers/postgres.js';

const IDLE_IN_TRANSACTION = 8;
const WAITING = 6;
const ACTIVE = 4;
const IDLE = 22;
/** Distinct statements run once before the benchmark, so the Statements pane has a list to draw. */
const STATEMENTS = 200;

/** The server, a client of the benchmark's own (application_name dbtop-bench) and what is on it. */
export type PgLoad = {server: TestServer; client: pg.Client; description: string; stop(): Promise<void>};

/** Starts PostgreSQL 18 and puts the sessions on it; `stop()` ends them and the server. */
export async function startPgLoad(): Promise<PgLoad> {
	const server = await startPostgres(18, {shared_preload_libraries: 'pg_stat_statements'});
	const clients: pg.Client[] = [];
	try {
		await server.sql('CREATE EXTENSION pg_stat_statements');
		await server.sql(Array.from({length: STATEMENTS}, (_, index) => `WITH bench_${index} AS (SELECT ${index} AS n) SELECT n FROM bench_${index}`).join(';\n'));
		await server.sql(`CREATE TABLE accounts AS SELECT g AS id, 0 AS balance FROM generate_series(1, ${IDLE_IN_TRANSACTION}) g`);
		await server.sql('ALTER TABLE accounts ADD PRIMARY KEY (id)');
		const connect = async (application: string) => {
			const client = await server.connect({application});
			clients.push(client);
			return client;
		};

		for (let i = 0; i < IDLE_IN_TRANSACTION; i++) {
			const client = await connect(`bench-holder-${i}`);
			await client.query('BEGIN');
			await client.query('UPDATE accounts SET balance = 1 WHERE id = $1', [i + 1]);
		}

		for (let i = 0; i < WAITING; i++) {
			const client = await connect(`bench-waiter-${i}`);
			await client.query('BEGIN');
			// Blocks until the benchmark ends the holder's session.
			void client.query('UPDATE accounts SET balance = 2 WHERE id = $1', [(i % IDLE_IN_TRANSACTION) + 1]).catch(() => {});
		}

		for (let i = 0; i < ACTIVE; i++) {
			const client = await connect(`bench-active-${i}`);
			void client.query('SELECT pg_sleep(86400)').catch(() => {});
		}

		for (let i = 0; i < IDLE; i++) {
			await (await connect(`bench-idle-${i}`)).query('SELECT 1');
		}

		const client = await connect('dbtop-bench');
		const total = IDLE_IN_TRANSACTION + WAITING + ACTIVE + IDLE;
		return {
			server,
			client,
			description: `PostgreSQL 18 with ${total} client sessions: ${IDLE_IN_TRANSACTION} idle in transaction holding row locks, ${WAITING} waiting on those locks, ${ACTIVE} running pg_sleep, ${IDLE} idle; pg_stat_statements holding ${STATEMENTS} distinct statements and what runs`,
			async stop() {
				await Promise.all(clients.map(async each => each.end().catch(() => {})));
				await server.stop();
			},
		};
	} catch (error) {
		await Promise.all(clients.map(async each => each.end().catch(() => {})));
		await server.stop();
		throw error;
	}
}
