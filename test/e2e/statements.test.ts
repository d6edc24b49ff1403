// The Statements pane end to end, the built command against real PostgreSQL 14 and 18 with
// pg_stat_statements loaded, while a client runs a known statement over and over: `--json` gives
// its rates (and says how to enable the extension in a database without it); in a real terminal
// `7` lists it, Enter drills in and `y` copies it with OSC 52; `dbtop record` keeps it in the
// companion and the ring's replay JSON gives it back. Every run names its world: --pg, --docker (none
// there), --ring, and HOME and the XDG directories of the test's own.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';

const NO_ENGINE = 'unix:///nonexistent/dbtop-test.sock';
/** The statement the client runs, as pg_stat_statements normalises it. */
const KNOWN = 'SELECT balance, pg_sleep($1) FROM statements_e2e WHERE id = $2';
/** The keys `--json` promises for each statement. */
const STATEMENT_KEYS = ['callsPerSec', 'database', 'meanMs', 'query', 'queryId', 'rowsPerSec', 'sharedHitPerSec', 'sharedReadPerSec', 'tempWrittenPerSec', 'timePct', 'totalMsPerSec', 'user', 'walBytesPerSec'];

/** The built command run to its end without blocking this process (the client's loop runs meanwhile). */
async function dbtop(dir: string, args: readonly string[]): Promise<{status: number | null; stdout: string; stderr: string}> {
	const child = spawn(process.execPath, [CLI, ...args], {env: pinnedEnv(dir), stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += String(chunk)));
	child.stderr.on('data', chunk => (stderr += String(chunk)));
	const status = await new Promise<number | null>(resolve => child.once('close', resolve));
	return {status, stdout, stderr};
}

/** Waits until the check passes, polling; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
	for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
		assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
		await sleep(100);
	}
}

for (const major of MAJORS) {
	describe(`Statements end to end on Postgres ${major}`, () => {
		let server: TestServer;
		let dir: string;
		let client: pg.Client;
		let isRunning = true;
		let loop: Promise<void>;

		before(async () => {
			dir = mkdtempSync(path.join(os.tmpdir(), `dbtop-statements-${major}-`));
			server = await startPostgres(major, {shared_preload_libraries: 'pg_stat_statements'});
			await server.sql('CREATE EXTENSION pg_stat_statements');
			await server.sql('CREATE TABLE statements_e2e AS SELECT g AS id, 0 AS balance FROM generate_series(1, 10) g');
			await server.sql('CREATE DATABASE plain');
			client = await server.connect({application: 'statements-e2e'});
			// Runs the known statement until the tests end, a few hundred times a second at most.
			loop = (async () => {
				for (let i = 0; isRunning; i++) await client.query(`SELECT balance, pg_sleep(0.002) FROM statements_e2e WHERE id = ${(i % 10) + 1}`).catch(() => {});
			})();
		});

		after(async () => {
			isRunning = false;
			await loop;
			await server?.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		test('--json: postgres.statements holds the known statement with its rates over the sampling interval; without the extension, postgres.statementsError says how to enable it', async () => {
			const run = await dbtop(dir, ['--json', '--pg', server.url(), '--docker', NO_ENGINE, '--interval', '1s']);
			assert.equal(run.status, 0, run.stderr);
			const {postgres} = JSON.parse(run.stdout);
			assert.ok(postgres.statementsIntervalSec > 0);
			const known = postgres.statements.find((statement: {query: string}) => statement.query === KNOWN);
			assert.ok(known, `the known statement among ${postgres.statements.map((statement: {query: string}) => statement.query).join(' | ')}`);
			assert.deepEqual(Object.keys(known).sort(), STATEMENT_KEYS);
			assert.ok(known.callsPerSec > 0 && known.totalMsPerSec > 0 && known.meanMs > 0 && known.rowsPerSec > 0);
			assert.equal(known.database, 'postgres');
			assert.equal(known.user, 'postgres');
			assert.match(known.queryId, /^-?\d+$/);
			assert.ok(postgres.statements.every((statement: {callsPerSec: number}) => statement.callsPerSec > 0), 'only what ran in the interval');
			assert.equal(postgres.statementsError, undefined);

			const plain = await dbtop(dir, ['--json', '--pg', server.url({database: 'plain'}), '--docker', NO_ENGINE, '--interval', '500ms']);
			assert.equal(plain.status, 0, plain.stderr);
			const without = JSON.parse(plain.stdout).postgres;
			assert.equal(without.statementsError, 'pg_stat_statements is not installed in database "plain": run CREATE EXTENSION pg_stat_statements in database "plain"');
			assert.equal(without.statements, undefined);
			assert.ok(without.sessions.some((session: {application: string}) => session.application === 'statements-e2e'), 'the sessions as ever');
		});

		if (major === 18) {
			test('in a terminal: 7 lists the known statement, Enter drills into it, y copies its query with OSC 52 and the status line says so', async () => {
				const term = openTerminal([process.execPath, CLI, '--pg', server.url(), '--docker', NO_ENGINE], {columns: 120, rows: 30, env: pinnedEnv(dir)});
				try {
					await term.waitFor(/PID USER.*COMMAND/);
					term.keys('7');
					await term.waitFor(/Statements \d+ · sort time\/s · \d+ ran in/);
					term.keys('/');
					term.type('statements_e2e');
					term.keys('Enter');
					await term.waitFor(/^> +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ .*SELECT balance, pg_sleep\(\$1\) FROM statements_e/m);
					term.keys('Enter');
					await term.waitFor(/Statement -?\d+ postgres@postgres/);
					await term.waitFor(/Query SELECT balance, pg_sleep\(\$1\) FROM statements_e2e WHERE id = \$2/);
					term.keys('y');
					await term.waitFor(new RegExp(`copied the query of statement -?\\d+ to the clipboard \\(${KNOWN.length} characters\\)`));
					assert.equal(term.clipboard(), KNOWN);
					term.keys('q');
					assert.equal(await term.exitStatus(), '0');
				} finally {
					term.close();
				}
			});

			test('dbtop record keeps the top statements in each companion, and the ring\'s replay JSON gives them back', async () => {
				await server.sql('CREATE DATABASE statements_ring');
				const ring = server.url({database: 'statements_ring'});
				const watcher = await server.connect({database: 'statements_ring'});
				const recorder = spawn(process.execPath, [CLI, 'record', '--ring', ring, '--node', 'stmt-node', '--pg', server.url(), '--docker', NO_ENGINE], {env: pinnedEnv(dir), stdio: ['ignore', 'ignore', 'pipe']});
				let stderr = '';
				recorder.stderr.on('data', chunk => (stderr += String(chunk)));
				const exited = new Promise(resolve => recorder.once('exit', resolve));
				const recorded = `SELECT r.sample_time FROM monitor_samples_ring r JOIN monitor_samples_ring_dbtop c USING (slot)
					WHERE r.node_flag AND c.sample_time = r.sample_time AND EXISTS (SELECT FROM jsonb_array_elements(c.postgres->'statements') s WHERE s->>'query' = $1)
					AND (SELECT count(*) FROM monitor_samples_ring t WHERE t.node_flag AND t.sample_time = r.sample_time) = 1 ORDER BY r.sample_time DESC LIMIT 1`;
				let sampleTime = 0;
				try {
					await until(`a companion with the known statement (stderr: ${stderr})`, async () => {
						const rows = (await watcher.query(recorded, [KNOWN]).catch(() => ({rows: []}))).rows;
						sampleTime = Number(rows[0]?.sample_time ?? 0);
						return sampleTime > 0;
					});
				} finally {
					recorder.kill('SIGTERM');
					await exited;
				}

				const [stored] = (await watcher.query(`SELECT c.postgres FROM monitor_samples_ring r JOIN monitor_samples_ring_dbtop c USING (slot) WHERE r.node_flag AND r.sample_time = $1`, [sampleTime])).rows;
				await watcher.end();
				assert.ok(stored.postgres.statements.length <= 30, 'the top 30 at most');
				assert.ok(stored.postgres.statementsIntervalSec > 0);
				const replay = await dbtop(dir, ['--ring', ring, '--json', '--at', new Date(sampleTime * 1000).toISOString()]);
				assert.equal(replay.status, 0, replay.stderr);
				const document = JSON.parse(replay.stdout);
				assert.deepEqual(document.postgres.statements, stored.postgres.statements);
				const known = document.postgres.statements.find((statement: {query: string}) => statement.query === KNOWN);
				assert.ok(known.callsPerSec > 0);
				assert.deepEqual(Object.keys(known).sort(), STATEMENT_KEYS);
			});
		}
	});
}
