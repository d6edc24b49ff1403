// A session's plan asked of real servers, majors 14 and 18: on the database named, in a read-only
// transaction with a short statement timeout, EXPLAIN and never ANALYZE, the statement never run;
// and what is refused is never sent (the server's log, written with log_statement = 'all', holds
// every statement the plan's connection sent).
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {loggedBy} from '../helpers/ring.js';

const APPLICATION = 'dbtop-plan-test';

for (const major of MAJORS) {
	describe(`plans on Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;
		let log = '';
		const opened: pg.Client[] = [];
		const connect = (url: string, isReadOnly = false) => createPgConnection(resolvePgTarget(`${url}?application_name=${APPLICATION}`, {env: {}, osUser: 'root', home: NO_HOME}), {isReadOnly});
		let markers = 0;
		/** What the connection sent (on any database) while `run` ran: all of it is in the log once a statement sent after it is. */
		const sentDuring = async <T>(run: () => Promise<T>): Promise<{value: T; statements: string[]}> => {
			const from = log.length;
			const value = await run();
			const marker = `SELECT 'marker ${++markers}'`;
			await connection.query(marker);
			while (!loggedBy(log.slice(from), APPLICATION).statements.includes(marker)) await sleep(20);
			return {value, statements: loggedBy(log.slice(from), APPLICATION).statements.filter(statement => statement !== marker)};
		};

		before(async () => {
			server = await startPostgres(major, {track_activity_query_size: '100', log_statement: 'all', log_line_prefix: '%a|'}, {onLog: text => (log += text)});
			await server.sql('CREATE DATABASE shop');
			await server.sql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g; CREATE ROLE stranger LOGIN PASSWORD 'stranger'", 'shop');
			connection = connect(server.url());
			await connection.query('SELECT 1');
		});

		after(async () => {
			await Promise.all(opened.map(async client => client.end().catch(() => {})));
			await connection?.close();
			await server?.stop();
		});

		test('a query on the session\'s database is planned, not run: BEGIN READ ONLY, a 2 s timeout, the EXPLAIN, ROLLBACK', async () => {
			const {value, statements} = await sentDuring(async () => connection.explain('shop', 'SELECT pg_sleep(60) FROM t WHERE id = 1'));
			const explain = major >= 16 ? 'EXPLAIN (GENERIC_PLAN)' : 'EXPLAIN';
			assert.ok('lines' in value, JSON.stringify(value));
			assert.equal(value.explain, explain);
			assert.match(value.lines.join('\n'), /Index (Only )?Scan using t_pkey on t/);
			assert.deepEqual(statements.slice(-4), ['BEGIN READ ONLY', 'SET LOCAL statement_timeout = 2000', `${explain} SELECT pg_sleep(60) FROM t WHERE id = 1`, 'ROLLBACK']);
			assert.ok(statements.every(statement => !/ANALYZE/i.test(statement)));
			// The same on the database dbtop is connected to, where there is no t: the server's error.
			assert.deepEqual(await connection.explain('postgres', 'SELECT pg_sleep(60) FROM t WHERE id = 1'), {error: 'relation "t" does not exist'});
		});

		test('a query with $1: a generic plan from 16 on; refused before, with nothing sent', async () => {
			const {value, statements} = await sentDuring(async () => connection.explain('shop', 'SELECT v FROM t WHERE id = $1'));
			if (major >= 16) {
				assert.ok('lines' in value, JSON.stringify(value));
				assert.match(value.lines.join('\n'), /Index Cond: \(id = \$1\)/);
				assert.equal(statements.at(-2), 'EXPLAIN (GENERIC_PLAN) SELECT v FROM t WHERE id = $1');
			} else {
				assert.deepEqual(value, {refused: 'the query has parameters ($1…): Postgres before 16 cannot plan it without their values'});
				assert.deepEqual(statements, []);
			}
		});

		test('a cut query, several statements, a utility statement: refused, nothing sent', async () => {
			// As pg_stat_activity shows a text too long for track_activity_query_size: its first 99 bytes, a query still, another one.
			const cut = `SELECT v FROM t WHERE v <> '${'y'.repeat(60)}' OR id = 12345678901234567890`.slice(0, 99);
			const {value, statements} = await sentDuring(async () => [
				await connection.explain('shop', cut),
				await connection.explain('shop', 'SELECT 1; DELETE FROM t'),
				await connection.explain('shop', 'VACUUM t'),
				await connection.explain('shop', 'EXPLAIN ANALYZE DELETE FROM t'),
			]);
			assert.deepEqual(value.map(result => ('refused' in result ? result.refused.split(':')[0] : JSON.stringify(result))), [
				'the query text may be cut',
				'the text holds several statements',
				'a utility statement (VACUUM)',
				'a utility statement (EXPLAIN)',
			]);
			assert.deepEqual(statements, []);
			assert.equal(Number((await server.sql('SELECT count(*) AS n FROM t', 'shop')).rows[0].n), 100, 'nothing deleted');
		});

		test('the server\'s errors, one line each: syntax, privilege, the statement timeout; a CREATE TABLE AS creates nothing', async () => {
			assert.match(JSON.stringify(await connection.explain('shop', 'SELECT * FROM t WHERE')), /^\{"error":"syntax error at end of input"\}$/);
			const stranger = connect(server.url({user: 'stranger', password: 'stranger', database: 'shop'}));
			try {
				assert.deepEqual(await stranger.explain('shop', 'SELECT v FROM t'), {error: 'permission denied for table t'});
			} finally {
				await stranger.close();
			}

			// Planning waits for a lock on t that another session holds: the plan's own timeout ends it.
			const holder = await server.connect({database: 'shop'});
			opened.push(holder);
			await holder.query('BEGIN');
			await holder.query('LOCK t IN ACCESS EXCLUSIVE MODE');
			assert.deepEqual(await connection.explain('shop', 'SELECT v FROM t'), {error: 'canceling statement due to statement timeout'});
			await holder.query('ROLLBACK');

			const created = await connection.explain('shop', 'CREATE TABLE copied AS SELECT * FROM t');
			assert.ok('lines' in created || 'error' in created, JSON.stringify(created));
			assert.equal((await server.sql("SELECT to_regclass('copied') AS name", 'shop')).rows[0].name, null);
		});

		test('a read-only connection (--read-only) plans too', async () => {
			const readOnly = connect(server.url(), true);
			try {
				const result = await readOnly.explain('shop', "UPDATE t SET v = 'z' WHERE id = 1");
				assert.ok('lines' in result, JSON.stringify(result));
				assert.match(result.lines[0]!, /^Update on t/);
			} finally {
				await readOnly.close();
			}
		});
	});
}
