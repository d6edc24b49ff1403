// The statements collector: its SQL by server version, its rates from two readings, and the
// collector against real servers, majors 14 and 18, with pg_stat_statements loaded and without.
import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {infoSql, postgresStatements, signatures, statementsSql, textsSql, toReading, toStatementRow, toStatementsSample, WHOLE_READ_TICKS, type Describe, type IdleStatements} from '../../collectors/postgres-statements.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import type {PgSessionsSample, PgStatement, PgStatementsSample} from '../../source/types.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';

const signal = new AbortController().signal;

test('the SQL reads the columns each version has: total_time before 13, total_exec_time and wal_bytes from 13, toplevel and pg_stat_statements_info from 14', () => {
	const v12 = statementsSql(120_000, 'public');
	assert.match(v12, /total_time::float8 AS total_ms/);
	assert.match(v12, /NULL::float8 AS wal_bytes/);
	assert.match(v12, /true AS toplevel/);
	assert.match(v12, /# true::int::int8 # calls/);
	assert.doesNotMatch(v12, /total_exec_time/);
	const v13 = statementsSql(130_000, 'public');
	assert.match(v13, /total_exec_time::float8 AS total_ms/);
	assert.match(v13, /wal_bytes::float8 AS wal_bytes/);
	assert.match(v13, /true AS toplevel/);
	for (const version of [140_000, 180_001]) {
		const sql = statementsSql(version, 'ext');
		assert.match(sql, /total_exec_time::float8 AS total_ms/);
		assert.match(sql, /, toplevel AS toplevel/);
		assert.match(sql, /AND queryid # \(dbid::int8 << 33\) # \(userid::int8 << 1\) # toplevel::int::int8 # calls NOT IN \(SELECT unnest\(\$1::int8\[\]\)\)$/, 'only what moved since the previous reading');
		assert.match(sql, /FROM ext\.pg_stat_statements\(false\)/, 'the counters without the texts');
		assert.match(textsSql(version, 'ext'), /FROM ext\.pg_stat_statements\(true\) WHERE queryid = ANY\(\$1::int8\[\]\)/);
		assert.match(infoSql(version, 'ext'), /FROM ext\.pg_stat_statements_info/);
	}

	assert.doesNotMatch(infoSql(130_000, 'public'), /pg_stat_statements_info/);
});

/** A reading as the collector makes it from rows: entry `q` is `[calls, total ms]` (the other counters follow calls). */
function reading(at: number, entries: Record<string, [number, number]>, fields: {resetAt?: number; dealloc?: number; nested?: string[]} = {}) {
	const rows = Object.entries(entries).map(([queryId, [calls, totalMs]]) => ({
		dbid: 5,
		userid: 10,
		queryid: queryId,
		toplevel: !(fields.nested ?? []).includes(queryId),
		signature: `${queryId}:${calls}`,
		calls,
		total_ms: totalMs,
		rows: calls * 2,
		hit: calls * 10,
		read: calls,
		temp_written: 0,
		wal_bytes: calls * 100,
	}));
	return toReading({at, reset_at: fields.resetAt ?? 1000, dealloc: fields.dealloc ?? 0, max: 5000}, rows.map(toStatementRow));
}

const describeEntry: Describe = entry => ({database: 'shop', user: 'alice', query: `q${entry.queryId}`});
const byId = (sample: PgStatementsSample) => new Map(sample.statements.map(statement => [statement.queryId, statement]));
const rates = (statement: PgStatement | undefined) => statement && [statement.callsPerSec, statement.totalMsPerSec, statement.meanMs, statement.rowsPerSec, statement.sharedHitPerSec, statement.sharedReadPerSec, statement.tempWrittenPerSec, statement.walBytesPerSec];

test('rates over the interval: the first reading measures; then each counter\'s growth per second, the mean of the interval\'s calls, the share of the top-level time', () => {
	const first = reading(100, {1: [10, 100], 2: [5, 50]});
	const measuring = toStatementsSample(first, null, describeEntry, true);
	assert.equal(measuring.intervalSec, null);
	assert.ok(measuring.statements.every(statement => rates(statement)!.every(value => value === null) && statement.timePct === null), 'no rate before there is an interval');

	const second = reading(102, {1: [30, 300], 2: [5, 50], 3: [4, 100]}, {nested: ['3']});
	const sample = toStatementsSample(second, first, describeEntry, true);
	assert.equal(sample.intervalSec, 2);
	const got = byId(sample);
	assert.deepEqual(rates(got.get('1')), [10, 100, 10, 20, 100, 10, 0, 1000]);
	assert.equal(got.get('1')!.timePct, 100, 'the nested statement is counted in its caller\'s time, not beside it');
	assert.deepEqual(rates(got.get('2')), [0, 0, null, 0, 0, 0, 0, 0], 'no calls: no mean');
	assert.equal(got.get('2')!.timePct, 0);
	assert.deepEqual(rates(got.get('3')), [2, 50, 25, 4, 20, 2, 0, 200], 'new since the last reading: counted from zero');
	assert.equal(got.get('3')!.query, 'q3');
	assert.equal(got.get('1')!.calls, 30, 'the total since the reset');
	assert.equal(sample.wasReset, false);
});

test('a reset of the statistics in between: every entry starts over; an entry whose counters went down starts over; none has a negative rate; gone entries are not listed', () => {
	const first = reading(100, {1: [1000, 5000], 2: [10, 10], 3: [50, 50]}, {resetAt: 1000, dealloc: 7});
	// The view was reset (stats_reset moved): entry 1's counters, though above the old ones, are all since then.
	const reset = toStatementsSample(reading(102, {1: [1200, 6000]}, {resetAt: 101_000, dealloc: 2}), first, describeEntry, true);
	assert.equal(reset.wasReset, true);
	assert.deepEqual(rates(byId(reset).get('1')), [600, 3000, 5, 1200, 6000, 600, 0, 60_000]);
	assert.equal(reset.evicted, 2, 'evictions since the reset');
	assert.deepEqual([...byId(reset).keys()], ['1'], 'entries gone are not listed');

	// One entry reset (pg_stat_statements_reset(0, 0, queryid)) and run again, the view not reset.
	const alone = toStatementsSample(reading(104, {1: [1000, 5000], 2: [3, 6], 3: [60, 60]}, {resetAt: 1000, dealloc: 7}), first, describeEntry, true);
	assert.equal(alone.wasReset, false);
	assert.deepEqual(rates(byId(alone).get('2')), [0.75, 1.5, 2, 1.5, 7.5, 0.75, 0, 75], 'counters that went down: from zero');
	assert.deepEqual(rates(byId(alone).get('3')), [2.5, 2.5, 1, 5, 25, 2.5, 0, 250]);
	assert.equal(alone.evicted, 0);
	for (const sample of [reset, alone]) for (const statement of sample.statements) assert.ok(rates(statement)!.every(value => value === null || value >= 0), `${statement.queryId} has no negative rate`);
});

test('only what moved is read: the previous reading\'s signatures go to the server, the entries that moved come back over it; an idle entry is given as the same statement', () => {
	const first = reading(100, {1: [10, 100], 2: [5, 50]});
	assert.equal(signatures(first.entries), '{1:10,2:5}');
	assert.equal(signatures(null), '{}', 'every entry');
	const changed = [toStatementRow({dbid: 5, userid: 10, queryid: '1', toplevel: true, signature: '1:12', calls: 12, total_ms: 130, rows: 24, hit: 120, read: 12, temp_written: 0, wal_bytes: 1200})];
	const second = toReading({at: 102, reset_at: 1000, dealloc: 0, max: 5000}, changed, first.entries);
	assert.equal(second.entries.get('5/10/2/true'), first.entries.get('5/10/2/true'), 'the unchanged entry kept as it was');
	assert.equal(second.entries.get('5/10/1/true')!.calls, 12);

	const idle: IdleStatements = new WeakMap();
	const sample = toStatementsSample(second, first, describeEntry, true, idle);
	const third = toReading({at: 104, reset_at: 1000, dealloc: 0, max: 5000}, [], second.entries);
	const next = toStatementsSample(third, second, describeEntry, true, idle);
	assert.equal(byId(next).get('2'), byId(sample).get('2'), 'idle in both intervals: the same statement');
	assert.notEqual(byId(next).get('1'), byId(sample).get('1'), 'idle now, not before: built again');
	assert.deepEqual(rates(byId(next).get('1')), [0, 0, null, 0, 0, 0, 0, 0]);
});

test('without WAL counts (before 13) the WAL rate is null, not 0', () => {
	const first = reading(100, {1: [10, 100]});
	const sample = toStatementsSample(reading(101, {1: [20, 200]}), first, describeEntry, false);
	assert.equal(sample.hasWal, false);
	assert.equal(byId(sample).get('1')!.walBytesPerSec, null);
});

/** Polls a collector until its sample passes the check (bounded), returning the last one. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, tries = 100): Promise<T> {
	let value = await read().catch(() => undefined as T);
	for (let i = 0; i < tries && (value === undefined || !check(value)); i++) {
		await sleep(100);
		value = await read().catch(() => undefined as T);
	}

	return value;
}

const KNOWN = /^SELECT balance FROM accounts WHERE id = \$1$/;

for (const major of MAJORS) {
	describe(`pg_stat_statements on Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;
		let statements: ReturnType<typeof postgresStatements>;
		let client: pg.Client;
		const sample = async () => (await statements.collect(signal)) as PgStatementsSample;
		const known = (value: PgStatementsSample) => value.statements.find(statement => KNOWN.test(statement.query));
		const run = async (times: number) => {
			for (let i = 0; i < times; i++) await client.query(`SELECT balance FROM accounts WHERE id = ${(i % 10) + 1}`);
		};

		before(async () => {
			server = await startPostgres(major, {shared_preload_libraries: 'pg_stat_statements'});
			await server.sql('CREATE EXTENSION pg_stat_statements');
			await server.sql('CREATE TABLE accounts AS SELECT g AS id, 0 AS balance FROM generate_series(1, 10) g');
			client = await server.connect({application: 'statements-test'});
			connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
			statements = postgresStatements(connection);
		});

		after(async () => {
			await client?.end().catch(() => {});
			await connection?.close();
			await server?.stop();
		});

		test('the first sample measures; after a known query ran N times, its rate is N over the interval, its text normalised, named by database and user', async () => {
			await run(5);
			const first = await sample();
			assert.equal(first.error, null);
			assert.equal(first.intervalSec, null, 'measuring');
			assert.ok(first.statements.every(statement => statement.callsPerSec === null));
			assert.equal(first.hasWal, true);
			assert.equal(first.max, 5000);
			await run(20);
			const second = await sample();
			const statement = known(second);
			assert.ok(statement, `the known statement is listed, its constant a parameter: ${JSON.stringify(second.statements.map(entry => entry.query))}`);
			assert.ok(second.intervalSec! > 0);
			assert.ok((statement.callsPerSec ?? 0) > 0);
			assert.ok(Math.abs(statement.callsPerSec! * second.intervalSec! - 20) < 1e-6, `20 calls in the interval, not the 25 since the reset: ${statement.callsPerSec! * second.intervalSec!}`);
			assert.ok(Math.abs(statement.rowsPerSec! * second.intervalSec! - 20) < 1e-6);
			assert.equal(statement.calls, 25);
			assert.equal(statement.database, 'postgres');
			assert.equal(statement.user, 'postgres');
			assert.equal(statement.isToplevel, true);
			assert.match(statement.queryId, /^-?\d+$/);
			assert.ok(statement.meanMs !== null && statement.meanMs >= 0);
			assert.ok(statement.timePct !== null && statement.timePct >= 0 && statement.timePct <= 100);
		});

		test('a tick skipped while nothing wanted the statements: the next sample measures again', async () => {
			let isWanted = true;
			const wanted = postgresStatements(connection, {isWanted: () => isWanted});
			await wanted.collect(signal);
			assert.notEqual(((await wanted.collect(signal)) as PgStatementsSample).intervalSec, null);
			isWanted = false;
			assert.equal(wanted.isWanted?.(), false, 'as the scheduler asks before a tick');
			isWanted = true;
			assert.equal(((await wanted.collect(signal)) as PgStatementsSample).intervalSec, null, 'measuring: the previous reading is too old');
			assert.notEqual(((await wanted.collect(signal)) as PgStatementsSample).intervalSec, null);
		});

		test('a statistics reset between samples: no negative or huge rates, the entry starts over', async () => {
			await sample();
			await run(30);
			await client.query('SELECT pg_stat_statements_reset()');
			await run(3);
			const after = await sample();
			assert.equal(after.wasReset, true, 'stats_reset moved');
			const statement = known(after);
			assert.ok(statement);
			assert.ok(Math.abs(statement.callsPerSec! * after.intervalSec! - 3) < 1e-6, `3 calls since the reset: ${statement.callsPerSec! * after.intervalSec!}`);
			for (const entry of after.statements) {
				for (const value of [entry.callsPerSec, entry.totalMsPerSec, entry.rowsPerSec, entry.sharedHitPerSec, entry.sharedReadPerSec, entry.tempWrittenPerSec, entry.walBytesPerSec]) {
					assert.ok(value !== null && value >= 0 && value * after.intervalSec! <= 1e6, `${entry.query}: ${value}`);
				}
			}
		});

		test('the server returns only the entries that moved since the signatures it is sent', async () => {
			const {key} = known(await sample())!;
			const sql = statementsSql(connection.versionNum(), 'public');
			const all = (await client.query(sql, ['{}'])).rows.map(toStatementRow);
			assert.ok(all.some(entry => entry.key === key), 'every entry, the known one among them');
			await run(3);
			const moved = (await client.query(sql, [signatures(new Map(all.map(entry => [entry.key, entry])))])).rows.map(toStatementRow);
			assert.ok(moved.some(entry => entry.key === key), 'the statement run again');
			assert.ok(moved.length < all.length / 2, `${moved.length} of ${all.length} entries read`);
		});

		test('entries that come and go: one reset alone is gone by the next whole read, then back and counted from zero; a new statement has its rate at once', async () => {
			await run(5);
			const before = await sample();
			const id = known(before)!.queryId;
			await client.query('SELECT pg_stat_statements_reset(0, 0, $1::bigint)', [id]);
			let gone = await sample();
			for (let tick = 0; tick < WHOLE_READ_TICKS && known(gone); tick++) gone = await sample();
			assert.equal(known(gone), undefined, 'gone from the list');
			assert.equal(gone.wasReset, false, 'one entry, not the view');
			await run(2);
			await client.query('SELECT 42 AS answer_to_statements_test');
			const back = await sample();
			assert.ok(Math.abs(known(back)!.callsPerSec! * back.intervalSec! - 2) < 1e-6, 'back, from zero');
			const fresh = back.statements.find(statement => /answer_to_statements_test/.test(statement.query));
			assert.ok(fresh && fresh.callsPerSec! > 0, 'a statement new since the last sample has its rate');
		});

		test('a session running a statement that ran before carries its queryid (query_id, 14+)', async () => {
			const sleeper = await server.connect({application: 'statements-sleeper'});
			const pid = Number((await sleeper.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			// The view lists a statement once a call of it has ended: this one ran before.
			await sleeper.query('SELECT pg_sleep(0)');
			void sleeper.query('SELECT pg_sleep(30)').catch(() => {});
			try {
				const sessions = postgresSessions(connection);
				const running = await until(
					async () => (await sessions.collect(signal)) as PgSessionsSample,
					value => value.sessions.some(session => session.pid === pid && session.state === 'active' && session.queryId !== null),
				);
				const queryId = running.sessions.find(session => session.pid === pid)!.queryId;
				const statement = (await sample()).statements.find(entry => entry.queryId === queryId);
				assert.equal(statement?.query, 'SELECT pg_sleep($1)');
			} finally {
				await client.query('SELECT pg_terminate_backend($1)', [pid]);
			}
		});
	});

	describe(`pg_stat_statements missing on Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;

		before(async () => {
			server = await startPostgres(major);
			connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
		});

		after(async () => {
			await connection?.close();
			await server?.stop();
		});

		test('not installed, then not loaded: the sample says how to enable it and the sessions are read as ever; once it is, the statements are read', async () => {
			const statements = postgresStatements(connection);
			const sessions = postgresSessions(connection);
			const none = (await statements.collect(signal)) as PgStatementsSample;
			assert.equal(none.error, `pg_stat_statements is not enabled: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart the server, then run CREATE EXTENSION pg_stat_statements in database "postgres"`);
			assert.deepEqual(none.statements, []);
			const who = (await sessions.collect(signal)) as PgSessionsSample;
			assert.ok(who.sessions.length >= 0 && who.server.versionNum >= major * 10_000, 'the sessions collector on the same connection');

			await server.sql('CREATE EXTENSION pg_stat_statements');
			const installed = (await statements.collect(signal)) as PgStatementsSample;
			assert.equal(installed.error, `pg_stat_statements is installed in database "postgres" but not loaded: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart the server`);
			assert.ok(((await sessions.collect(signal)) as PgSessionsSample).server.connections >= 1);

			await server.sql("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
			await server.restart();
			const read = await until(async () => (await statements.collect(signal)) as PgStatementsSample, value => value.error === null);
			assert.equal(read.error, null, 'read after the restart, on a new connection');
			assert.equal(read.intervalSec, null, 'measuring again');
		});
	});
}
