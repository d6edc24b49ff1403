// The ring table and its writer against real servers, majors 14 and 18: the DDL as the contract
// has it, writing into the existing writer's table, resizing, and many writers at once.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import pg from 'pg';
import {parseCapacity, parseTableName, setUpTables, TableError} from '../../source/ring/table.js';
import {writeSample} from '../../source/ring/writer.js';
import {UsageError} from '../../source/app/usage-error.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {CONTRACT_DDL, EXISTING_ROWS, ringRow, ringRows, tableShape} from '../helpers/ring.js';

test('table names are plain identifiers, folded to lower case and quoted', () => {
	assert.deepEqual(parseTableName('Monitor_Samples'), {schema: null, name: 'monitor_samples', sql: '"monitor_samples"', companionSql: '"monitor_samples_dbtop"', text: 'monitor_samples'});
	assert.equal(parseTableName('ops.ring').sql, '"ops"."ring"');
	for (const bad of ['', 'ring; DROP TABLE x', '"ring"', 'a.b.c', '1ring', 'ring-1', 'x'.repeat(39), 'rïng']) {
		assert.throws(() => parseTableName(bad), (error: Error) => error instanceof UsageError && error.message.startsWith('--table: '), bad);
	}
});

test('capacities are whole numbers from 1 to 100 million', () => {
	assert.equal(parseCapacity('500'), 500);
	assert.equal(parseCapacity('100000000'), 100_000_000);
	for (const bad of ['0', '-5', '1.5', '1e6', 'lots', '', '100000001', '99999999999999999999']) {
		assert.throws(() => parseCapacity(bad), /^Error: --capacity: .* \(accepted: a whole number of rows from 1 to 100,000,000\)$|--capacity: /, bad);
	}
});

for (const major of MAJORS) {
	describe(`the ring on Postgres ${major}`, () => {
		let server: TestServer;
		let client: pg.Client;
		before(async () => {
			server = await startPostgres(major);
			client = await server.connect();
		});
		after(async () => {
			await server?.stop();
		});

		test('a ring dbtop creates is the contract\'s table, constraint for constraint and index for index, with placeholders up to capacity', async () => {
			await client.query('CREATE SCHEMA contract; CREATE SCHEMA fresh');
			await client.query(`SET search_path = contract; ${CONTRACT_DDL}; RESET search_path`);
			const result = await setUpTables(client, parseTableName('fresh.monitor_samples_ring'), 5);
			assert.deepEqual(result, {capacity: 5, isCreated: true, resizedFrom: null});
			assert.deepEqual(await tableShape(client, 'fresh', 'monitor_samples_ring'), await tableShape(client, 'contract', 'monitor_samples_ring'));
			const rows = await ringRows(client, 'fresh.monitor_samples_ring');
			assert.deepEqual(
				rows.map(row => [row['slot'], row['sample_time'], row['node_flag'], row['node_name'], row['source'], row['cpu_total_pct']]),
				[1, 2, 3, 4, 5].map(slot => [slot, null, true, '', 'empty', null]),
			);
			// Set-up again finds it and keeps it as it is.
			assert.deepEqual(await setUpTables(client, parseTableName('fresh.monitor_samples_ring'), null), {capacity: 5, isCreated: false, resizedFrom: null});
		});

		test('writes fill the empty slots lowest first, then overwrite the oldest; several writes in one second keep the newest', async () => {
			const table = parseTableName('same_second');
			await setUpTables(client, table, 4);
			const written: number[][] = [];
			// Six samples in the same second: the existing writer would overwrite slot 1 again and again.
			for (let i = 1; i <= 6; i++) written.push(await writeSample(client, table, {rows: [ringRow({sample_time: 1_800_000_000, procs_running: i})], companion: null}));
			assert.deepEqual(written, [[1], [2], [3], [4], [1], [2]]);
			const rows = await ringRows(client, 'same_second');
			assert.deepEqual(rows.map(row => row['procs_running']).sort(), [3, 4, 5, 6]);
		});

		test('a table that does not match the contract is named with what differs, and nothing is written', async () => {
			await client.query('CREATE TABLE wrong_ring (id bigint, slot integer, sample_time text, node_name text)');
			await assert.rejects(setUpTables(client, parseTableName('wrong_ring'), null), (error: Error) => {
				assert.ok(error instanceof TableError);
				assert.match(error.message, /^table wrong_ring does not match the ring's columns: missing columns master_flag, node_flag, container_name, cpu_user_pct, .*, interval_seconds; sample_time is text, not bigint$/);
				return true;
			});
			const {rowCount} = await client.query("SELECT 1 FROM pg_class WHERE relname = 'wrong_ring_dbtop'");
			assert.equal(rowCount, 0);
			await assert.rejects(setUpTables(client, parseTableName('nowhere.ring'), null), /schema "nowhere" does not exist/);
		});

		test('a companion row goes with its node row\'s slot: replaced with it, removed when the slot is taken by a container row or shrunk away', async () => {
			const table = parseTableName('with_companions');
			await setUpTables(client, table, 6);
			const companion = (marker: number) => ({postgres: null, users: null, sessions: [{pid: marker}], blocking: null, processes: null, alerts: []});
			const consistent = async () =>
				(
					await client.query(`SELECT count(*) FILTER (WHERE r.slot IS NULL OR NOT r.node_flag OR r.sample_time <> c.sample_time OR r.node_name <> c.node_name) AS stale, count(*) AS total
					FROM with_companions_dbtop c LEFT JOIN with_companions r USING (slot)`)
				).rows[0] as {stale: string; total: string};
			let time = 1_800_000_000;
			// Node samples with companions, some with two containers, three times round the ring.
			for (let i = 1; i <= 18; i++) {
				time++;
				const containers = i % 3 === 0 ? [ringRow({sample_time: time, container_name: 'a'}), ringRow({sample_time: time, container_name: 'b'})] : [];
				const slots = await writeSample(client, table, {rows: [ringRow({sample_time: time, procs_blocked: i}), ...containers], companion: companion(i)});
				const {rows} = await client.query('SELECT sample_time, schema_version, sessions FROM with_companions_dbtop WHERE slot = $1', [slots[0]]);
				assert.deepEqual(rows, [{sample_time: String(time), schema_version: 1, sessions: [{pid: i}]}]);
				assert.deepEqual(await consistent(), {stale: '0', total: (await client.query('SELECT count(*) FROM with_companions WHERE node_flag AND source = $1', ['dbtop'])).rows[0].count});
			}

			// A node sample without a companion (Postgres not read) leaves none behind in its slot.
			const [slot] = await writeSample(client, table, {rows: [ringRow({sample_time: ++time})], companion: null});
			assert.equal((await client.query('SELECT 1 FROM with_companions_dbtop WHERE slot = $1', [slot])).rowCount, 0);
			await setUpTables(client, table, 2);
			const after = await consistent();
			assert.equal(after.stale, '0');
			assert.ok(Number(after.total) <= 2);
		});

		describe('the existing writer\'s table', () => {
			before(async () => {
				await client.query('CREATE SCHEMA existing');
				await client.query(`SET search_path = existing; ${CONTRACT_DDL}; ${EXISTING_ROWS}; RESET search_path`);
			});

			test('dbtop writes into it as it is: the oldest samples go first, its rows and ids stay', async () => {
				const table = parseTableName('existing.monitor_samples_ring');
				assert.deepEqual(await setUpTables(client, table, null), {capacity: 8, isCreated: false, resizedFrom: null});
				const before = await ringRows(client, 'existing.monitor_samples_ring');
				const oldest = [...before].sort((a, b) => Number(a['sample_time']) - Number(b['sample_time']) || Number(a['slot']) - Number(b['slot']));
				const slots = await writeSample(client, table, {rows: [ringRow({sample_time: 1_795_486_200, node_name: 'dbtop-node'}), ringRow({sample_time: 1_795_486_200, node_name: 'dbtop-node', container_name: 'web'})], companion: null});
				assert.deepEqual(slots, [oldest[0]!['slot'], oldest[1]!['slot']]);
				const after = await ringRows(client, 'existing.monitor_samples_ring');
				assert.deepEqual(
					after.map(row => row['id']),
					before.map(row => row['id']),
				);
				assert.deepEqual(
					after.filter(row => row['source'] === 'dbtop').map(row => [row['slot'], row['node_flag'], row['container_name']]),
					[
						[slots[0], true, null],
						[slots[1], false, 'web'],
					],
				);
			});

			test('--capacity grows it at the lowest missing slots and shrinks it by the oldest samples, as the other writer does', async () => {
				const table = parseTableName('existing.monitor_samples_ring');
				assert.deepEqual(await setUpTables(client, table, 5), {capacity: 5, isCreated: false, resizedFrom: 8});
				const shrunk = await ringRows(client, 'existing.monitor_samples_ring');
				assert.equal(shrunk.length, 5);
				// The five newest samples stay.
				const times = shrunk.map(row => Number(row['sample_time'])).sort();
				assert.deepEqual(times, [1_795_486_099, 1_795_486_100, 1_795_486_101, 1_795_486_200, 1_795_486_200]);
				assert.deepEqual(await setUpTables(client, table, 7), {capacity: 7, isCreated: false, resizedFrom: 5});
				const grown = await ringRows(client, 'existing.monitor_samples_ring');
				const added = grown.filter(row => row['source'] === 'empty').map(row => row['slot']);
				const gaps = [1, 2, 3, 4, 5, 6, 7, 8].filter(slot => !shrunk.some(row => row['slot'] === slot));
				assert.deepEqual(added, gaps.slice(0, 2));
				// The next write takes the lowest empty slot.
				assert.deepEqual(await writeSample(client, table, {rows: [ringRow({sample_time: 1_795_486_300})], companion: null}), [added[0]]);
			});
		});
	});
}
