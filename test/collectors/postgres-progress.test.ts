// The long operations in progress and the replication slots, read by the sessions collector from
// real servers, majors 14 and 18 (wal_level=logical, for a logical slot): a slowed VACUUM of a big
// table in another database, a CREATE INDEX CONCURRENTLY waiting for a writer, slots of each kind
// retaining WAL, and a hot standby's slots.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import type {PgProgress, PgSessionsSample} from '../../source/types.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';

const signal = new AbortController().signal;

/** Samples until one passes the check (bounded), returning it. */
async function sampleUntil(collect: () => Promise<PgSessionsSample>, check: (sample: PgSessionsSample) => boolean, what: string): Promise<PgSessionsSample> {
	let sample = await collect();
	for (let tries = 0; !check(sample); tries++) {
		if (tries === 300) assert.fail(`never saw ${what}: ${JSON.stringify({progress: sample.progress, slots: sample.server.slots, off: sample.disabledProbes})}`);
		await sleep(100);
		sample = await collect();
	}

	return sample;
}

const pidOf = async (client: pg.Client) => Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);

for (const major of MAJORS) {
	describe(`Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;
		let collect: () => Promise<PgSessionsSample>;

		before(async () => {
			server = await startPostgres(major, {wal_level: 'logical'});
			connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
			const collector = postgresSessions(connection);
			collect = async () => (await collector.collect(signal)) as PgSessionsSample;
		});

		after(async () => {
			await connection?.close();
			await server?.stop();
		});

		// First: creating a logical slot waits for every transaction running at the time to end.
		test('slots: each kind with the WAL it retains and how long it has been inactive', async () => {
			await server.sql("SELECT pg_create_logical_replication_slot('decoder', 'test_decoding')");
			await server.sql("SELECT pg_create_physical_replication_slot('standby1', true)");
			await server.sql("SELECT pg_create_physical_replication_slot('unreserved')");
			await server.sql('CREATE TABLE wal_filler AS SELECT g FROM generate_series(1, 50000) g');
			await server.sql('SELECT pg_switch_wal()');
			try {
				const first = await collect();
				const slots = new Map(first.server.slots.map(slot => [slot.name, slot]));
				assert.deepEqual([...slots.keys()], ['decoder', 'standby1', 'unreserved']);
				const decoder = slots.get('decoder')!;
				assert.deepEqual({...decoder, retainedBytes: null, inactiveSec: null}, {name: 'decoder', type: 'logical', database: 'postgres', active: false, retainedBytes: null, walStatus: 'reserved', safeWalSize: null, inactiveSec: null});
				assert.ok(decoder.retainedBytes! > 1024 ** 2, `the WAL written since it was made: ${decoder.retainedBytes}`);
				assert.ok(slots.get('standby1')!.retainedBytes! > 1024 ** 2, 'reserved at once');
				assert.equal(slots.get('unreserved')!.retainedBytes, null, 'no restart_lsn: nothing retained');
				assert.equal(slots.get('unreserved')!.walStatus, null);
				// Inactive since it was made: the server says since when on 18, dbtop counts from this first sample on 14.
				await sampleUntil(collect, s => (s.server.slots[0]!.inactiveSec ?? 0) >= decoder.inactiveSec! + 1, 'a second more of inactivity');
			} finally {
				await server.sql('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots');
			}

			assert.deepEqual((await collect()).server.slots, []);
		});

		test('a VACUUM of a big table in another database: its phase and blocks done of total, the relation named there', async () => {
			await server.sql('CREATE DATABASE shop');
			await server.sql('CREATE TABLE big AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 300000) g', 'shop');
			await server.sql('DELETE FROM big WHERE id % 2 = 0', 'shop');
			const vacuuming = await server.connect({database: 'shop'});
			const pid = await pidOf(vacuuming);
			// Slowed down to a block or so every 50 ms, so that it is seen while it runs.
			await vacuuming.query("SET vacuum_cost_delay = '50ms'; SET vacuum_cost_limit = 1");
			const running = vacuuming.query('VACUUM big').then(
				() => 'finished',
				(error: Error) => error.message,
			);
			try {
				const sample = await sampleUntil(collect, s => s.progress.some(operation => operation.pid === pid && (operation.done ?? 0) > 0), 'the vacuum under way');
				const vacuum = sample.progress.find(operation => operation.pid === pid)!;
				assert.deepEqual(
					{...vacuum, done: null, total: null, pct: null},
					{pid, operation: 'vacuum', command: 'VACUUM', phase: 'scanning heap', relation: 'public.big', database: 'shop', done: null, total: null, pct: null, unit: 'blocks'} satisfies PgProgress,
				);
				assert.ok(vacuum.total! > 1000, `a big table: ${vacuum.total} blocks`);
				assert.ok(vacuum.done! > 0 && vacuum.done! < vacuum.total!, `part of it scanned: ${vacuum.done}`);
				assert.equal(vacuum.pct, (vacuum.done! / vacuum.total!) * 100);
				assert.deepEqual(sample.disabledProbes, {});
			} finally {
				await server.sql(`SELECT pg_cancel_backend(${pid})`);
				assert.match(await running, /canceling statement due to user request/);
			}

			const after = await sampleUntil(collect, s => !s.progress.some(operation => operation.pid === pid), 'the vacuum gone');
			assert.deepEqual(after.progress, []);
		});

		test('a CREATE INDEX CONCURRENTLY waiting for a writer: its phase and the writers waited for', async () => {
			await server.sql('CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g');
			const writer = await server.connect();
			await writer.query('BEGIN');
			await writer.query('INSERT INTO orders VALUES (0)');
			const indexing = await server.connect();
			const pid = await pidOf(indexing);
			const building = indexing.query('CREATE INDEX CONCURRENTLY orders_id ON orders (id)').then(
				() => 'built',
				(error: Error) => error.message,
			);
			try {
				const sample = await sampleUntil(collect, s => s.progress.some(operation => operation.pid === pid && operation.phase.startsWith('waiting')), 'the index build waiting');
				assert.deepEqual(sample.progress.find(operation => operation.pid === pid), {
					pid,
					operation: 'create index',
					command: 'CREATE INDEX CONCURRENTLY',
					phase: 'waiting for writers before build',
					relation: 'public.orders',
					database: 'postgres',
					done: 0,
					total: 1,
					pct: 0,
					unit: 'lockers',
				} satisfies PgProgress);
			} finally {
				await writer.query('ROLLBACK');
			}

			assert.equal(await building, 'built');
			await writer.end();
			await indexing.end();
		});

		test('a hot standby: its slots are read, the WAL they retain unknown (it receives none)', async () => {
			const standby = await startPostgres(major, {}, {isStandby: true});
			const own = createPgConnection(resolvePgTarget(standby.url(), {env: {}, osUser: 'root', home: NO_HOME}));
			try {
				await standby.sql("SELECT pg_create_physical_replication_slot('cascade', true)");
				const sample = (await postgresSessions(own).collect(signal)) as PgSessionsSample;
				assert.deepEqual(sample.disabledProbes, {}, 'no probe failed');
				assert.deepEqual(
					sample.server.slots.map(slot => [slot.name, slot.type, slot.active, slot.retainedBytes]),
					[['cascade', 'physical', false, null]],
				);
			} finally {
				await own.close();
				await standby.stop();
			}
		});
	});
}
