// The recorder against a real ring server that goes away and comes back (major 18; the writes
// themselves are tested on 14 and 18 in ring-table.test.ts): samples wait in memory up to the
// bound and are written in order; the server's refusals are one line each.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import pg from 'pg';
import {resolvePgTarget, type PgTarget} from '../../source/postgres/settings.js';
import {connectTarget} from '../../source/postgres/connect.js';
import {createRecorder, type Recorder} from '../../source/ring/recorder.js';
import {parseTableName, type TableName} from '../../source/ring/table.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {ringRow} from '../helpers/ring.js';

const connect = async (target: PgTarget) => (await connectTarget(target, async () => pg)).client;

/** Waits until the check passes, polling; fails the test with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the log: ${JSON.stringify(lines)}`);
		await sleep(50);
	}
}

let lines: string[] = [];

describe('the recorder and a ring server that goes away', () => {
	let server: TestServer;
	let table: TableName;
	let seq = 0;
	const recorders: Recorder[] = [];

	/** A sample tagged with its sequence number (procs_blocked), one second after the previous. */
	const sample = () => {
		seq++;
		return {rows: [ringRow({sample_time: 1_800_000_000 + seq, procs_blocked: seq})], companion: null};
	};

	const recorder = (bufferSamples: number, options: {user?: string; password?: string} = {}) => {
		const created = createRecorder({
			target: resolvePgTarget(server.url(options), {env: {}, osUser: 'root', home: NO_HOME}),
			table,
			capacity: 1000,
			bufferSamples,
			connect,
			log: line => lines.push(line),
			onFatal: line => lines.push(`fatal: ${line}`),
		});
		recorders.push(created);
		return created;
	};

	/** The sequence numbers in the ring, in slot order. */
	const written = async () => {
		const rows = await server.sql(`SELECT procs_blocked FROM ${table.sql} WHERE source = 'dbtop' ORDER BY sample_time`).catch(() => ({rows: []}));
		return rows.rows.map(row => Number(row.procs_blocked));
	};

	before(async () => {
		server = await startPostgres(18);
	});
	after(async () => {
		await Promise.all(recorders.map(async each => each.close(0)));
		await server?.stop();
	});

	test('a restart of the ring server loses nothing', async () => {
		table = parseTableName('restarted');
		lines = [];
		seq = 0;
		const recording = recorder(1000);
		await recording.start();
		for (let i = 0; i < 10; i++) recording.record(sample());
		await until('the first ten', async () => (await written()).length === 10);
		await server.restart();
		for (let i = 0; i < 10; i++) {
			recording.record(sample());
			await sleep(20);
		}

		await until('all twenty', async () => (await written()).length === 20);
		assert.deepEqual(await written(), Array.from({length: 20}, (_, index) => index + 1));
		assert.equal(recording.pending(), 0);
		assert.equal(await recording.close(1000), 0);
	});

	test('stopped for 30 s under a running recorder: samples wait, then are written in order, and the outage is two lines', async () => {
		table = parseTableName('stopped');
		lines = [];
		seq = 0;
		const recording = recorder(1000);
		await recording.start();
		recording.record(sample());
		await until('the first sample', async () => (await written()).length === 1);
		await server.down();
		// Ten samples a second for the 30 s the server is away.
		const downUntil = Date.now() + 30_000;
		while (Date.now() < downUntil) {
			recording.record(sample());
			await sleep(100);
		}

		assert.ok(recording.pending() > 250, `${recording.pending()} samples held`);
		await server.up();
		const total = seq;
		await until('every sample', async () => (await written()).length === total);
		assert.deepEqual(await written(), Array.from({length: total}, (_, index) => index + 1));
		assert.match(lines.find(line => line.startsWith('ring down: ')) ?? '', /^ring down: .+; keeping up to 1000 samples in memory$/);
		assert.match(lines.at(-1) ?? '', /^ring back after \d+s: samples flushed$/);
		assert.ok(!lines.some(line => line.startsWith('dropped')));
		assert.ok(!lines.join('\n').includes(server.password), 'no password in the log');
		await recording.close(1000);
	});

	test('past the bound the oldest samples are dropped and counted; the newest are written', async () => {
		table = parseTableName('bounded');
		lines = [];
		seq = 0;
		const recording = recorder(50);
		await recording.start();
		await server.down();
		for (let i = 0; i < 80; i++) recording.record(sample());
		assert.equal(recording.pending(), 50);
		await server.up();
		await until('the fifty newest', async () => (await written()).length === 50);
		assert.deepEqual(await written(), Array.from({length: 50}, (_, index) => index + 31));
		await until('the drop counted', () => lines.includes('dropped 30 samples while the ring was down (the buffer holds 50)'));
		await recording.close(1000);
	});

	test('a read-only server and a missing privilege are one line each naming the cause, then the recorder waits and carries on', async () => {
		table = parseTableName('refusing');
		lines = [];
		seq = 0;
		await server.sql("CREATE ROLE writer LOGIN PASSWORD 'writer'");
		await server.sql('GRANT CREATE ON SCHEMA public TO writer');
		const recording = recorder(1000, {user: 'writer', password: 'writer'});
		await recording.start();
		recording.record(sample());
		await until('the first sample', async () => (await written()).length === 1);
		await server.sql('ALTER ROLE writer SET default_transaction_read_only = on');
		await server.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'writer'`);
		recording.record(sample());
		// The write on the terminated connection may fail first ("ring down: terminating connection …"); the cause follows as "ring still down".
		await until('the read-only line', () => lines.some(line => /^ring (still )?down: the ring server is read-only/.test(line)));
		await server.sql('ALTER ROLE writer RESET default_transaction_read_only');
		await until('the second sample', async () => (await written()).length === 2, 60_000);
		// The table's owner takes the privilege away.
		await server.sql(`ALTER TABLE ${table.sql} OWNER TO postgres`);
		await server.sql(`GRANT SELECT ON ${table.sql} TO writer`);
		recording.record(sample());
		await until('the privilege line', () => lines.some(line => /^ring down: a privilege is missing: permission denied for table refusing; keeping up to 1000 samples in memory$/.test(line)));
		await server.sql(`GRANT UPDATE ON ${table.sql} TO writer`);
		await until('the third sample', async () => (await written()).length === 3, 60_000);
		assert.deepEqual(await written(), [1, 2, 3]);
		assert.equal(lines.filter(line => line.startsWith('ring back')).length, 2);
		await recording.close(1000);
	});
});
