// The Postgres collectors against real servers, majors 14 and 18.
import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, READ_ONLY_REASON, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import type {PgLocksSample, PgSessionsSample} from '../../source/types.js';
import {lockChain, MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';

const signal = new AbortController().signal;

/** Polls until the check passes (bounded), returning the last value. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, tries = 50): Promise<T> {
	let value = await read();
	for (let i = 0; i < tries && !check(value); i++) {
		await sleep(100);
		value = await read();
	}

	return value;
}

for (const major of MAJORS) {
	describe(`Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;
		let sessions: ReturnType<typeof postgresSessions>;
		let locks: ReturnType<typeof postgresLocks>;
		const opened: pg.Client[] = [];
		const client = async (options: Parameters<TestServer['connect']>[0] = {}) => {
			const connected = await server.connect(options);
			opened.push(connected);
			return connected;
		};

		const sessionsSample = async () => (await sessions.collect(signal)) as PgSessionsSample;
		const locksSample = async () => (await locks.collect(signal)) as PgLocksSample;

		before(async () => {
			server = await startPostgres(major);
			await server.sql("CREATE ROLE alice LOGIN PASSWORD 'alice'");
			await server.sql("CREATE ROLE watcher LOGIN PASSWORD 'watcher'");
			await server.sql("CREATE ROLE monitor LOGIN PASSWORD 'monitor' IN ROLE pg_monitor");
			await server.sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
			await server.sql('INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 10) g');
			await server.sql('GRANT ALL ON accounts TO alice');
			connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
			sessions = postgresSessions(connection);
			locks = postgresLocks(connection);
		});

		after(async () => {
			await Promise.all(opened.map(async c => c.end().catch(() => {})));
			await connection?.close();
			await server?.stop();
		});

		test('sessions: state, user, database, application, ages; dbtop itself left out; server totals', async () => {
			const alice = await client({user: 'alice', password: 'alice', application: 'shop'});
			await alice.query('BEGIN');
			await alice.query('SELECT 1');
			const idle = await client({application: 'idler'});
			await idle.query('SELECT 1');
			await sleep(1100);
			const sample = await sessionsSample();
			const mine = sample.sessions.find(session => session.application === 'shop');
			assert.ok(mine, 'the session is listed');
			assert.equal(mine.user, 'alice');
			assert.equal(mine.database, 'postgres');
			assert.equal(mine.state, 'idle in transaction');
			assert.equal(mine.client, '127.0.0.1');
			assert.equal(mine.backendType, 'client backend');
			assert.ok((mine.xactAgeSec ?? 0) >= 1, `xact age ${mine.xactAgeSec}`);
			assert.ok((mine.stateAgeSec ?? 0) >= 1);
			assert.equal(mine.query, 'SELECT 1');
			assert.equal(sample.sessions.find(session => session.application === 'idler')?.state, 'idle');
			assert.ok(!sample.sessions.some(session => session.application === 'dbtop'), 'dbtop is not in its own list');
			assert.ok(sample.sessions.some(session => session.user === null && session.backendType !== 'client backend'), 'background workers are listed');
			assert.equal(sample.server.versionNum >= major * 10_000, true);
			assert.match(sample.server.version, new RegExp(`^${major}\\.`));
			assert.ok(sample.server.connections >= 3);
			assert.equal(sample.server.maxConnections, 100);
			assert.ok((sample.server.longestXactSec ?? 0) >= 1);
			assert.equal(sample.target, `postgres@127.0.0.1:${server.port}/postgres`);
			// The test server runs on this host: its backends are this host's processes.
			assert.ok(sample.localPostmasterPid !== null && sample.localPostmasterPid > 0, 'local server found');
			await alice.query('SELECT * FROM nonexistent').catch(() => {});
			const aborted = await until(sessionsSample, s => s.sessions.find(session => session.application === 'shop')?.state === 'idle in transaction (aborted)');
			assert.equal(aborted.sessions.find(session => session.application === 'shop')?.state, 'idle in transaction (aborted)');
			await alice.query('ROLLBACK');
			// Rates need two samples with transactions in between (statistics reach pg_stat_database within a second or so).
			const later = await until(
				async () => {
					for (let i = 0; i < 20; i++) await idle.query('SELECT 1');
					await sleep(300);
					return sessionsSample();
				},
				s => s.server.xactPerSec > 0,
				20,
			);
			assert.ok(later.server.xactPerSec > 0, `xact/s ${later.server.xactPerSec}`);
		});

		test('a three-level chain, two blockers at once, and a waiter queued behind a waiter', async () => {
			const a = await client({application: 'a'});
			const b = await client({application: 'b'});
			const c = await client({application: 'c'});
			const pid = async (x: pg.Client) => Number((await x.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			const [pa, pb, pc] = [await pid(a), await pid(b), await pid(c)];
			const waits = await lockChain(a, b, c);
			let sample = await until(locksSample, s => pb in s.blockedBy && pc in s.blockedBy);
			assert.deepEqual(sample.blockedBy[pb], [pa]);
			assert.deepEqual(sample.blockedBy[pc], [pb]);
			assert.ok(!(pa in sample.blockedBy), 'the root waits on nothing');
			const awaited = sample.locks.find(lock => lock.pid === pb && !lock.granted);
			assert.ok(awaited, 'the lock B waits for');
			assert.equal(awaited.lockType, 'transactionid');
			assert.ok(sample.locks.some(lock => lock.pid === pa && lock.relation === 'public.accounts' && lock.granted));
			if (major >= 14) {
				assert.ok(awaited.waitStartAt !== null && Math.abs(awaited.waitStartAt - Date.now()) < 30_000);
			}

			await a.query('ROLLBACK');
			await b.query('ROLLBACK');
			await c.query('ROLLBACK');
			await Promise.all(waits);

			// Two SHARE holders and an ACCESS EXCLUSIVE waiter: both hold it up; a later SHARE request queues behind the waiter.
			await a.query('BEGIN');
			await a.query('LOCK TABLE accounts IN SHARE MODE');
			await b.query('BEGIN');
			await b.query('LOCK TABLE accounts IN SHARE MODE');
			await c.query('BEGIN');
			const exclusive = c.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE').catch(() => {});
			await until(locksSample, s => pc in s.blockedBy);
			const d = await client({application: 'd'});
			const pd = await pid(d);
			await d.query('BEGIN');
			const queued = d.query('LOCK TABLE accounts IN SHARE MODE').catch(() => {});
			sample = await until(locksSample, s => pd in s.blockedBy);
			assert.deepEqual([...sample.blockedBy[pc]!].sort(), [pa, pb].sort(), 'the waiter waits on both holders');
			assert.ok(sample.blockedBy[pd]!.includes(pc), 'the late SHARE request is queued behind the ACCESS EXCLUSIVE waiter');
			const waiting = sample.locks.find(lock => lock.pid === pc && !lock.granted);
			assert.equal(waiting?.mode, 'AccessExclusiveLock');
			assert.equal(waiting?.relation, 'public.accounts');
			await Promise.all([a, b, c, d].map(async x => x.query('ROLLBACK').catch(() => {})));
			await Promise.all([exclusive, queued]);
		});

		test('a relation in another database is named by connecting there', async () => {
			await server.sql('CREATE DATABASE shop');
			await server.sql('CREATE TABLE orders (id int)', 'shop');
			const a = await client({database: 'shop'});
			const b = await client({database: 'shop'});
			await a.query('BEGIN');
			await a.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
			await b.query('BEGIN');
			const waits = b.query('SELECT * FROM orders').catch(() => {});
			const sample = await until(locksSample, s => s.locks.some(lock => !lock.granted));
			const lock = sample.locks.find(lock => !lock.granted);
			assert.equal(lock?.relation, 'public.orders');
			await a.query('ROLLBACK');
			await b.query('ROLLBACK');
			await waits;
		});

		test('cancel and terminate a backend; a lack of privilege is a reason, not a throw', async () => {
			const victim = await client({application: 'victim'});
			const victimPid = Number((await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			const running = victim.query('SELECT pg_sleep(30)').then(
				() => 'finished',
				(error: Error) => error.message,
			);
			await until(sessionsSample, s => s.sessions.some(session => session.pid === victimPid && session.state === 'active'));
			assert.equal(await connection.cancel(victimPid), null);
			assert.match(await running, /canceling statement due to user request/);
			const ended = new Promise(resolve => victim.once('error', resolve));
			assert.equal(await connection.terminate(victimPid), null);
			await ended;
			const gone = await until(sessionsSample, s => !s.sessions.some(session => session.pid === victimPid));
			assert.ok(!gone.sessions.some(session => session.pid === victimPid));
			assert.match((await connection.terminate(victimPid)) ?? '', /no backend with pid/);

			const weak = createPgConnection(resolvePgTarget(server.url({user: 'watcher', password: 'watcher'}), {env: {}, osUser: 'root', home: NO_HOME}));
			try {
				const superuser = await client({application: 'protected'});
				const protectedPid = Number((await superuser.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
				const reason = await weak.terminate(protectedPid);
				assert.match(reason ?? '', /permission denied|must be a (superuser|member)/i);
			} finally {
				await weak.close();
			}
		});

		test('read-only (--read-only): the server holds every transaction of its sessions read-only; cancel and terminate are not attempted', async () => {
			const readOnly = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}), {isReadOnly: true});
			const victim = await client({application: 'untouched'});
			const victimPid = Number((await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			const running = victim.query('SELECT pg_sleep(30)').then(
				() => 'finished',
				(error: Error) => error.message,
			);
			try {
				assert.deepEqual(await readOnly.query('SHOW default_transaction_read_only'), [{default_transaction_read_only: 'on'}]);
				await assert.rejects(readOnly.query('CREATE TABLE written (id int)'), /cannot execute CREATE TABLE in a read-only transaction/);
				await assert.rejects(readOnly.query('UPDATE accounts SET balance = 1'), /read-only transaction/);
				assert.deepEqual(await readOnly.queryDatabase('postgres', 'SHOW default_transaction_read_only'), [{default_transaction_read_only: 'on'}]);
				const sample = (await postgresSessions(readOnly).collect(signal)) as PgSessionsSample;
				assert.ok(sample.sessions.some(session => session.pid === victimPid), 'the sessions are read as ever');
				await until(sessionsSample, s => s.sessions.some(session => session.pid === victimPid && session.state === 'active'));
				assert.equal(await readOnly.cancel(victimPid), READ_ONLY_REASON);
				assert.equal(await readOnly.terminate(victimPid), READ_ONLY_REASON);
				const [still] = (await server.sql(`SELECT state, query FROM pg_stat_activity WHERE pid = ${victimPid}`)).rows;
				assert.deepEqual(still, {state: 'active', query: 'SELECT pg_sleep(30)'}, 'the backend runs on, its query not cancelled');
			} finally {
				await readOnly.close();
				await connection.cancel(victimPid);
				await running;
			}
		});

		test('a probe that fails for lack of privilege is switched off with its reason, not retried', async () => {
			await server.sql('REVOKE SELECT ON pg_stat_replication FROM PUBLIC');
			const own = createPgConnection(resolvePgTarget(server.url({user: 'watcher', password: 'watcher'}), {env: {}, osUser: 'root', home: NO_HOME}));
			try {
				const collector = postgresSessions(own);
				const first = (await collector.collect(signal)) as PgSessionsSample;
				assert.match(first.disabledProbes['standbys'] ?? '', /permission denied/);
				await server.sql('GRANT SELECT ON pg_stat_replication TO PUBLIC');
				const second = (await collector.collect(signal)) as PgSessionsSample;
				assert.equal(second.disabledProbes['standbys'], first.disabledProbes['standbys'], 'still off: not tried again');
				assert.ok(second.sessions.length > 0, 'the rest of the sample is read');
			} finally {
				await server.sql('GRANT SELECT ON pg_stat_replication TO PUBLIC');
				await own.close();
			}
		});

		test('a role without pg_monitor sees no foreign queries; with it, it does', async () => {
			const alice = await client({user: 'alice', password: 'alice', application: 'secret'});
			await alice.query("SELECT 'the secret'");
			for (const [role, canSee] of [['watcher', false], ['monitor', true]] as const) {
				const own = createPgConnection(resolvePgTarget(server.url({user: role, password: role}), {env: {}, osUser: 'root', home: NO_HOME}));
				try {
					const sample = (await postgresSessions(own).collect(signal)) as PgSessionsSample;
					const seen = sample.sessions.find(session => session.application === 'secret');
					assert.ok(seen, `${role} lists the session`);
					if (canSee) {
						assert.equal(seen.query, "SELECT 'the secret'");
					} else {
						assert.notEqual(seen.query, "SELECT 'the secret'");
					}
				} finally {
					await own.close();
				}
			}
		});

		test('SQL_ASCII query text with invalid UTF-8 and escape bytes is kept raw without a crash', async () => {
			await server.sql("CREATE DATABASE legacy ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
			const legacy = await client({database: 'legacy', application: 'legacy'});
			await legacy.query("SET client_encoding = 'SQL_ASCII'");
			// \xff is not UTF-8; \x1b[2J would clear a terminal.
			await legacy.query(Buffer.from("SELECT 'caf\xe9 \xff \x1b[2J' AS x", 'latin1').toString('latin1'));
			const sample = await sessionsSample();
			const seen = sample.sessions.find(session => session.application === 'legacy');
			assert.ok(seen, 'listed');
			assert.match(seen.query, /\u001B\[2J/);
		});

		test('the server restarted under a running collector: errors, then samples again', async () => {
			await sessionsSample();
			await server.restart();
			let failure: unknown;
			try {
				await sessionsSample();
			} catch (error) {
				failure = error;
			}

			// Either the first query saw the old connection die, or the reconnect already succeeded.
			if (failure) {
				assert.match((failure as Error).message, /terminat|connection|ECONNREFUSED|shut/i);
			}

			const again = await until(
				async () => sessionsSample().catch(() => null),
				value => value !== null,
			);
			assert.ok(again && again.sessions.length > 0);
		});

		test("dbtop's own backend terminated: one failed tick, then it reconnects", async () => {
			await sessionsSample();
			const [{pid}] = (await server.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'dbtop'")).rows as Array<{pid: number}>;
			await server.sql(`SELECT pg_terminate_backend(${pid})`);
			await sleep(200);
			await assert.rejects(sessionsSample(), /terminat|connection/i);
			const again = await sessionsSample();
			assert.ok(again.sessions.length > 0);
			const [{count}] = (await server.sql("SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = 'dbtop'")).rows as Array<{count: number}>;
			assert.equal(count, 1, 'one connection, not one per retry');
		});

		test('every sampling query runs under a 2 s statement timeout', async () => {
			const rows = await connection.query<{statement_timeout: string}>('SHOW statement_timeout');
			assert.equal(rows[0]?.statement_timeout, '2s');
			await assert.rejects(connection.query('SELECT pg_sleep(3)'), /statement timeout/);
			assert.ok((await sessionsSample()).sessions.length > 0, 'a timed-out query does not break the connection');
		});

		test('an unreachable server: a clear error naming the target', async () => {
			const nowhere = createPgConnection(resolvePgTarget('postgres://x:y@127.0.0.1:1/db', {env: {}, osUser: 'root', home: NO_HOME}));
			await assert.rejects(postgresSessions(nowhere).collect(signal), /cannot connect to x@127\.0\.0\.1:1\/db: .*ECONNREFUSED/);
			await nowhere.close();
		});
	});
}
