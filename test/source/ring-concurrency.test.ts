// Many writers on one ring at once, on real servers (majors 14 and 18): the ring keeps exactly
// the newest samples, and dbtop shares a table with the existing writer.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import type pg from 'pg';
import {parseTableName, setUpTables} from '../../source/ring/table.js';
import {writeSample} from '../../source/ring/writer.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {ringRow, ringRows} from '../helpers/ring.js';

const WRITERS = 4;
const SAMPLES = 2000;
const CAPACITY = 500;

/** One write as its writer saw it: when it was started and when it was done (process clock). */
type Write = {writer: number; seq: number; startedAt: number; doneAt: number};

/**
 * The existing writer's slot choice, as the contract describes it: the lowest empty slot, else
 * the oldest by sample_time, ties to the lowest slot.
 */
async function existingWriterWrite(client: pg.Client, table: string, row: ReturnType<typeof ringRow>): Promise<void> {
	await client.query('BEGIN');
	let {rows} = await client.query(`SELECT slot FROM ${table} WHERE sample_time IS NULL OR sample_time = 0 ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED`);
	if (rows.length === 0) ({rows} = await client.query(`SELECT slot FROM ${table} ORDER BY sample_time NULLS FIRST, slot LIMIT 1 FOR UPDATE SKIP LOCKED`));
	await client.query(`UPDATE ${table} SET sample_time = $2, node_flag = true, node_name = $3, container_name = NULL, source = 'psutil', procs_running = $4, interval_seconds = 1 WHERE slot = $1`, [
		rows[0].slot,
		row.sample_time,
		row.node_name,
		row.procs_running,
	]);
	await client.query('COMMIT');
}

for (const major of MAJORS) {
	describe(`many writers on Postgres ${major}`, () => {
		let server: TestServer;
		before(async () => {
			server = await startPostgres(major);
		});
		after(async () => {
			await server?.stop();
		});

		test(`${WRITERS} writers × ${SAMPLES} samples at capacity ${CAPACITY}: the ring holds exactly the newest ${CAPACITY}, each once`, async () => {
			const table = parseTableName('contended');
			const setup = await server.connect();
			await setUpTables(setup, table, CAPACITY);
			const writes: Write[] = [];
			await Promise.all(
				Array.from({length: WRITERS}, async (_, writer) => {
					const client = await server.connect();
					for (let seq = 1; seq <= SAMPLES; seq++) {
						const startedAt = performance.now();
						await writeSample(client, table, {rows: [ringRow({sample_time: Math.floor(Date.now() / 1000), procs_running: writer, procs_blocked: seq})], companion: null});
						writes.push({writer, seq, startedAt, doneAt: performance.now()});
					}

					await client.end();
				}),
			);
			const rows = await ringRows(setup, 'contended');
			assert.equal(rows.length, CAPACITY);
			assert.equal(rows.filter(row => row['source'] !== 'dbtop').length, 0, 'no placeholder left');
			const key = (writer: unknown, seq: unknown) => `${String(writer)}/${String(seq)}`;
			const kept = new Set(rows.map(row => key(row['procs_running'], row['procs_blocked'])));
			assert.equal(kept.size, CAPACITY, 'no sample twice');
			// Newest by write order: no sample that was dropped was started after a kept one was done.
			const keptWrites = writes.filter(write => kept.has(key(write.writer, write.seq)));
			const dropped = writes.filter(write => !kept.has(key(write.writer, write.seq)));
			assert.equal(keptWrites.length, CAPACITY);
			const firstKeptDone = Math.min(...keptWrites.map(write => write.doneAt));
			const newer = dropped.filter(write => write.startedAt > firstKeptDone);
			assert.deepEqual(newer, [], 'dropped samples written after a kept one was done');
			// Each writer's kept samples are its newest.
			for (let writer = 0; writer < WRITERS; writer++) {
				const seqs = keptWrites.filter(write => write.writer === writer).map(write => write.seq).sort((a, b) => a - b);
				assert.deepEqual(seqs, Array.from({length: seqs.length}, (_, index) => SAMPLES - seqs.length + 1 + index), `writer ${writer}`);
			}
		});

		test('dbtop and the existing writer share one table: no errors, no lost rows, dbtop\'s newest sample kept', async () => {
			const table = parseTableName('shared_ring');
			const setup = await server.connect();
			await setUpTables(setup, table, 50);
			const {rows: ids} = await setup.query('SELECT slot, id FROM shared_ring ORDER BY slot');
			const [dbtop, other] = [await server.connect(), await server.connect()];
			let last = 0;
			await Promise.all([
				(async () => {
					for (let seq = 1; seq <= 300; seq++) {
						await writeSample(dbtop, table, {rows: [ringRow({sample_time: Math.floor(Date.now() / 1000), node_name: 'dbtop-node', procs_blocked: seq})], companion: null});
						last = seq;
					}
				})(),
				(async () => {
					for (let seq = 1; seq <= 300; seq++) await existingWriterWrite(other, 'shared_ring', ringRow({sample_time: Math.floor(Date.now() / 1000), node_name: 'python-node', procs_running: seq}));
				})(),
			]);
			// The existing writer may overwrite any row of the second it writes in (its ties go to the
			// lowest slot), dbtop's newest too: dbtop's newest is the one it writes once alone, ten in a row.
			for (let seq = 301; seq <= 310; seq++) {
				await writeSample(dbtop, table, {rows: [ringRow({sample_time: Math.floor(Date.now() / 1000), node_name: 'dbtop-node', procs_blocked: seq})], companion: null});
				last = seq;
			}

			const rows = await ringRows(setup, 'shared_ring');
			assert.deepEqual(
				rows.map(row => [row['slot'], row['id']]),
				ids.map(row => [row.slot, row.id]),
			);
			assert.ok(rows.some(row => row['node_name'] === 'dbtop-node' && row['procs_blocked'] === last));
			assert.ok(rows.every(row => row['source'] === 'dbtop' || row['source'] === 'psutil'));
		});
	});
}
