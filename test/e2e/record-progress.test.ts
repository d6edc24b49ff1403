// `dbtop record` while a VACUUM runs and a logical slot retains WAL, on a real PostgreSQL 18
// (wal_level=logical) that is both the server recorded and the ring's: the operation and the slot
// reach the companion, and the replay shows them, as `--json` and on the Sessions pane in a real
// terminal. Every run names its world: --pg, --docker (none), --ring, and its own HOME and XDG
// directories.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';

const NO_ENGINE = 'unix:///nonexistent/dbtop-record.sock';
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-record-progress-'));
let server: TestServer;
let vacuuming: pg.Client;
let vacuumPid = 0;
let vacuumed: Promise<unknown>;

before(async () => {
	server = await startPostgres(18, {wal_level: 'logical'});
	await server.sql("SELECT pg_create_logical_replication_slot('decoder', 'test_decoding')");
	await server.sql('CREATE DATABASE ring');
	await server.sql('CREATE TABLE big AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 300000) g');
	await server.sql('DELETE FROM big WHERE id % 2 = 0');
	vacuuming = await server.connect({application: 'vacuuming'});
	vacuumPid = Number((await vacuuming.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	// A block or so every 50 ms: it runs for minutes, until the test cancels it.
	await vacuuming.query("SET vacuum_cost_delay = '50ms'; SET vacuum_cost_limit = 1");
	vacuumed = vacuuming.query('VACUUM big').catch(() => {});
});

after(async () => {
	await server.sql(`SELECT pg_cancel_backend(${vacuumPid})`);
	await vacuumed;
	await server.stop();
	rmSync(dir, {recursive: true, force: true});
});

test('the running VACUUM and the slot reach the companion; the replay shows them as --json and on the Sessions pane', async () => {
	const ring = server.url({database: 'ring'});
	const recorder = spawn(process.execPath, [CLI, 'record', '--ring', ring, '--pg', server.url(), '--docker', NO_ENGINE, '--node', 'db-1', '--interval', '300ms'], {env: pinnedEnv(dir), stdio: ['ignore', 'ignore', 'pipe']});
	let said = '';
	recorder.stderr.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
	const exited = new Promise(resolve => recorder.once('close', resolve));
	let sampleTime = 0;
	try {
		// A second whose companions all hold the vacuum under way and the slot (the replay shows one
		// sample of a second: on a loaded machine the first ones can precede the first Postgres sample).
		for (let tries = 0; sampleTime === 0; tries++) {
			assert.ok(tries < 600, `no companion with the vacuum and the slot; the recorder said:\n${said}`);
			await sleep(100);
			const rows = await server
				.sql(
					`SELECT sample_time FROM monitor_samples_ring_dbtop WHERE node_name = 'db-1' GROUP BY sample_time
					HAVING bool_and(coalesce(postgres->'progress' @> '[{"pid": ${vacuumPid}, "operation": "vacuum"}]' AND postgres->'server'->'slots' @> '[{"name": "decoder"}]', false))
					ORDER BY sample_time DESC LIMIT 1`,
					'ring',
				)
				.catch(() => ({rows: []}));
			sampleTime = Number(rows.rows[0]?.sample_time ?? 0);
		}
	} finally {
		recorder.kill('SIGTERM');
		await exited;
	}

	const result = spawnSync(process.execPath, [CLI, '--ring', ring, '--json', '--node', 'db-1', '--at', new Date(sampleTime * 1000).toISOString()], {env: pinnedEnv(dir), encoding: 'utf8', timeout: 60_000});
	assert.equal(result.status, 0, result.stderr);
	const {postgres} = JSON.parse(result.stdout) as {postgres: any};
	const vacuum = postgres.progress.find((operation: any) => operation.pid === vacuumPid);
	assert.deepEqual({...vacuum, done: typeof vacuum.done, total: typeof vacuum.total, pct: typeof vacuum.pct}, {
		pid: vacuumPid,
		operation: 'vacuum',
		command: 'VACUUM',
		phase: 'scanning heap',
		relation: 'public.big',
		database: 'postgres',
		done: 'number',
		total: 'number',
		pct: 'number',
		unit: 'blocks',
	});
	assert.deepEqual(
		postgres.slots.map((slot: any) => [slot.name, slot.type, slot.active, slot.walStatus, slot.retainedBytes > 0]),
		[['decoder', 'logical', false, 'reserved', true]],
	);
	assert.equal(postgres.server.slots, undefined, 'as in the live document, the slots are beside the server');

	const term = openTerminal([process.execPath, CLI, '--ring', ring, '--node', 'db-1', '--at', new Date(sampleTime * 1000).toISOString()], {columns: 120, rows: 32, env: pinnedEnv(dir)});
	try {
		await term.waitFor(/REPLAY/);
		term.keys('3');
		const screen = await term.waitFor(new RegExp(`^pid ${vacuumPid} VACUUM public\\.big · scanning heap · [\\d,]+/[\\d,]+ blocks [\\d.]+%`, 'm'));
		assert.match(screen, /slots decoder logical inactive \S+ \S+/);
	} finally {
		term.close();
	}
});
