// `dbtop record` and `dbtop --record`, the built command against real PostgreSQL 14 and 18 and a
// real container engine: the rows it writes answer the existing writer's README queries (copied
// verbatim into test/fixtures/ring/seed-004-queries.sql) correctly; it writes into that writer's
// table as it is; bad input is one line and exit 2 with nothing written; a ring that is down costs
// nothing but a log line; and the live monitor records while it runs in a real terminal. Every run
// names its world: --pg, --docker, --ring, and HOME and the XDG directories of the test's own.
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {removeContainers, ensureImage, runContainer, startEngine, type TestEngine} from '../helpers/containers.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {CONTRACT_DDL, EXISTING_ROWS} from '../helpers/ring.js';
import {openTerminal} from '../helpers/tmux.js';

/** The four "Query Examples" of the existing writer's README, byte for byte, in its order. */
const [LAST_HOUR, CONTAINER, OVERVIEW, TIME_RANGE] = readFileSync(new URL('../fixtures/ring/seed-004-queries.sql', import.meta.url), 'utf8')
	.split('\n\n')
	.filter(statement => statement.trim() !== '') as [string, string, string, string];

/** A port nothing listens on. */
const UNREACHABLE = 'postgres://ringer:s3cret-Pa55@127.0.0.1:1/ring';
// A log line: an ISO time, the command, the event.
const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z dbtop record: /;

const engine = await startEngine({isEmpty: true});
const engineSkip = 'skip' in engine ? engine.skip : false;
const NO_ENGINE = 'unix:///nonexistent/dbtop-record.sock';

/** Waits until the check passes, polling; fails with `what` (and what the recorder said) after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, said: () => string = () => '', timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; stderr:\n${said()}`);
		await sleep(50);
	}
}

type Run = {child: ChildProcess; stderr(): string; lines(): string[]; exited: Promise<number | null>; stop(signal: NodeJS.Signals): Promise<number | null>};

/** Starts the built `dbtop record` with a home, config and state of `dir`'s own. */
function record(dir: string, args: readonly string[]): Run {
	const child = spawn(process.execPath, [CLI, 'record', ...args], {env: pinnedEnv(dir), stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const exited = new Promise<number | null>(resolve => {
		child.once('close', code => resolve(code));
	});
	return {
		child,
		stderr: () => stderr,
		lines: () => stderr.split('\n').filter(line => line !== ''),
		exited,
		async stop(signal) {
			child.kill(signal);
			return exited;
		},
	};
}

/** The built command run to its end, for input it refuses. */
function refused(dir: string, args: readonly string[]): {status: number | null; stderr: string} {
	const result = spawnSync(process.execPath, [CLI, ...args], {env: pinnedEnv(dir), encoding: 'utf8', timeout: 60_000});
	return {status: result.status, stderr: result.stderr};
}

/** The tables of a database's public schema. */
async function tables(client: pg.Client): Promise<string[]> {
	return (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map(row => String(row.tablename));
}

const epochNow = () => Date.now() / 1000;

for (const major of MAJORS) {
	describe(`dbtop record on PostgreSQL ${major}`, () => {
		let server: TestServer;
		let dir: string;
		let databases = 0;

		/** A database of its own for a test, and a client on it. */
		const database = async (): Promise<{name: string; url: string; client: pg.Client}> => {
			const name = `record_${++databases}`;
			await server.sql(`CREATE DATABASE ${name}`);
			return {name, url: server.url({database: name}), client: await server.connect({database: name})};
		};

		before(async () => {
			server = await startPostgres(major);
			dir = mkdtempSync(path.join(os.tmpdir(), `dbtop-record-${major}-`));
		});
		after(async () => {
			await server?.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		test('a fresh ring: node rows, web-server\'s rows and companions answer the existing writer\'s queries; SIGTERM flushes and exits 0', async t => {
			const ring = await database();
			// The test's own session, which the companion's sessions must hold.
			const watched = await server.connect({database: ring.name, application: 'record-e2e-watched'});
			const watchedPid = Number((await watched.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			const docker = 'skip' in engine ? NO_ENGINE : `unix://${engine.target.target}`;
			if (!('skip' in engine)) {
				await ensureImage(engine.docker);
				await removeContainers(engine.docker, 'web-server');
				await runContainer(engine.docker, 'web-server', ['sleep', '600']);
			}

			const run = record(dir, ['--ring', ring.url, '--pg', ring.url, '--docker', docker, '--node', 'e2e-node', '--interval', '200ms', '--capacity', '60']);
			try {
				const count = async (where: string) => Number((await ring.client.query(`SELECT count(*) AS n FROM monitor_samples_ring WHERE ${where}`).catch(() => ({rows: [{n: 0}]}))).rows[0].n);
				await until('several node rows', async () => (await count(`node_flag AND node_name = 'e2e-node'`)) >= 5, run.stderr);
				if (!('skip' in engine)) await until('web-server rows with memory', async () => (await count(`container_name = 'web-server' AND c_rss_mb IS NOT NULL`)) >= 3, run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
				if (!('skip' in engine)) await removeContainers(engine.docker, 'web-server');
			}

			// The log: one line per event, each in its shape, and nothing else.
			const lines = run.lines();
			assert.equal(lines.length, 4, run.stderr());
			assert.ok(lines.every(line => LOG_LINE.test(line)), run.stderr());
			const events = lines.map(line => line.replace(LOG_LINE, ''));
			const at = `postgres@127.0.0.1:${server.port}/${ring.name}`;
			assert.equal(events[0], `ring ready: created table monitor_samples_ring with 60 slots at ${at}`);
			assert.equal(events[1], `started: node e2e-node, a sample every 200ms, into monitor_samples_ring at ${at}`);
			assert.match(events[2]!, /^stopping on SIGTERM: \d+ samples to write$/);
			assert.equal(events[3], 'stopped: every sample written');

			const raw = (await ring.client.query('SELECT * FROM monitor_samples_ring ORDER BY slot')).rows as Array<Record<string, unknown>>;
			assert.equal(raw.length, 60, 'the ring holds exactly its capacity');
			const nodes = raw.filter(row => row['node_flag'] === true && row['source'] === 'dbtop');
			const placeholders = raw.filter(row => row['source'] === 'empty');
			assert.ok(placeholders.every(row => row['sample_time'] === null && row['node_name'] === ''));
			assert.equal(nodes.length + placeholders.length + raw.filter(row => row['node_flag'] === false).length, 60, 'node rows, container rows and placeholders only');
			const now = epochNow();
			for (const row of nodes) {
				assert.equal(row['node_name'], 'e2e-node');
				assert.equal(row['container_name'], null);
				assert.equal(row['master_flag'], false);
				assert.equal(row['interval_seconds'], 1, '200 ms is written as 1 s, the least');
				assert.ok(Number(row['sample_time']) <= now && Number(row['sample_time']) > now - 600);
			}

			// Recent System Metrics: exactly the node rows, newest first, each value in its range.
			const lastHour = (await ring.client.query(LAST_HOUR)).rows as Array<Record<string, unknown>>;
			assert.deepEqual(lastHour.map(row => Number(row['sample_time'])).sort((a, b) => b - a), nodes.map(row => Number(row['sample_time'])).sort((a, b) => b - a));
			assert.deepEqual(lastHour.map(row => Number(row['sample_time'])), lastHour.map(row => Number(row['sample_time'])).sort((a, b) => b - a), 'newest first');
			const memTotal = Math.max(...nodes.map(row => Number(row['mem_total_mb'])));
			assert.ok(memTotal > 0);
			for (const row of lastHour) {
				assert.ok(Number(row['cpu_total_pct']) >= 0 && Number(row['cpu_total_pct']) <= 100, `cpu ${row['cpu_total_pct']}`);
				assert.ok(Number(row['mem_available_mb']) > 0 && Number(row['mem_available_mb']) <= memTotal, `mem ${row['mem_available_mb']}`);
				assert.ok(row['temperature_c'] === null || (Number(row['temperature_c']) > -50 && Number(row['temperature_c']) < 150));
			}

			await t.test('Container Performance: web-server\'s rows, its memory and its network summed', {skip: engineSkip}, async () => {
				const containerRows = raw.filter(row => row['container_name'] === 'web-server');
				assert.ok(containerRows.every(row => row['node_flag'] === false && row['master_flag'] === false && row['source'] === 'dbtop' && row['node_name'] === 'e2e-node'));
				const result = (await ring.client.query(CONTAINER)).rows as Array<Record<string, unknown>>;
				assert.equal(result.length, containerRows.length);
				assert.deepEqual(result.map(row => Number(row['sample_time'])), result.map(row => Number(row['sample_time'])).sort((a, b) => b - a), 'newest first');
				const bySampleTime = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a['sample_time']) - Number(b['sample_time']) || Number(a['memory_mb']) - Number(b['memory_mb']);
				const expected = containerRows.map(row => ({
					sample_time: row['sample_time'],
					container_name: 'web-server',
					memory_mb: row['c_rss_mb'],
					cpu_total_pct: row['cpu_total_pct'],
					network_mb_s: row['net_rx_mb_s'] === null || row['net_tx_mb_s'] === null ? null : Math.fround(Number(row['net_rx_mb_s']) + Number(row['net_tx_mb_s'])),
				}));
				assert.deepEqual([...result].map(row => ({...row, network_mb_s: row['network_mb_s'] === null ? null : Math.fround(Number(row['network_mb_s']))})).sort(bySampleTime), expected.sort(bySampleTime));
				assert.ok(result.some(row => row['memory_mb'] !== null), 'c_rss_mb filled');
				for (const row of result) {
					assert.ok(row['memory_mb'] === null || (Number(row['memory_mb']) >= 0 && Number(row['memory_mb']) < memTotal));
					assert.ok(row['cpu_total_pct'] === null || (Number(row['cpu_total_pct']) >= 0 && Number(row['cpu_total_pct']) <= 100));
				}
			});

			// System Overview: one row per (node, container), the latest of each.
			const overview = (await ring.client.query(OVERVIEW)).rows as Array<Record<string, unknown>>;
			const samples = raw.filter(row => row['sample_time'] !== null);
			const groups = new Map<string, Array<Record<string, unknown>>>();
			for (const row of samples) {
				const key = `${String(row['node_name'])}/${String(row['container_name'])}`;
				groups.set(key, [...(groups.get(key) ?? []), row]);
			}

			assert.deepEqual(overview.map(row => `${String(row['node_name'])}/${String(row['container_name'])}`).sort(), [...groups.keys()].sort());
			if (!engineSkip) assert.ok(groups.has('e2e-node/web-server'));
			for (const row of overview) {
				const group = groups.get(`${String(row['node_name'])}/${String(row['container_name'])}`)!;
				const newest = Math.max(...group.map(each => Number(each['sample_time'])));
				// Several samples a second share a sample_time: the row shown is one of the newest second's.
				const candidates = group.filter(each => Number(each['sample_time']) === newest);
				assert.ok(
					candidates.some(each => each['cpu_total_pct'] === row['cpu_total_pct'] && (each['node_flag'] ? each['mem_available_mb'] : each['c_rss_mb']) === row['memory_mb'] && each['temperature_c'] === row['temperature_c']),
					`${JSON.stringify(row)} is not among the newest of its group`,
				);
			}

			// Time Range Analysis: average, maximum and count of the node rows.
			const range = (await ring.client.query(TIME_RANGE)).rows as Array<Record<string, unknown>>;
			assert.equal(range.length, 1);
			const cpu = nodes.map(row => Number(row['cpu_total_pct']));
			assert.equal(range[0]!['node_name'], 'e2e-node');
			assert.equal(Number(range[0]!['samples']), nodes.length);
			assert.equal(Number(range[0]!['max_cpu']), Math.max(...cpu));
			assert.ok(Math.abs(Number(range[0]!['avg_cpu']) - cpu.reduce((sum, value) => sum + value, 0) / cpu.length) < 1e-3);

			// The companion: a row beside each node row, matching its slot, with sessions and processes.
			const companions = (await ring.client.query('SELECT c.*, r.sample_time AS ring_time, r.node_name AS ring_node, r.node_flag FROM monitor_samples_ring_dbtop c JOIN monitor_samples_ring r USING (slot) ORDER BY slot')).rows as Array<Record<string, unknown>>;
			assert.deepEqual(companions.map(row => row['slot']), nodes.map(row => row['slot']), 'one companion row per node slot, none elsewhere');
			for (const row of companions) {
				assert.equal(row['sample_time'], row['ring_time']);
				assert.equal(row['node_name'], row['ring_node']);
				assert.equal(row['schema_version'], 1);
			}

			const newest = companions.reduce((a, b) => (Number(b['sample_time']) >= Number(a['sample_time']) ? b : a));
			const sessions = newest['sessions'] as Array<{pid: number; application: string}>;
			assert.ok(sessions.some(session => session.pid === watchedPid && session.application === 'record-e2e-watched'), JSON.stringify(sessions));
			assert.ok((newest['processes'] as unknown[]).length > 0);
			assert.equal((newest['postgres'] as {target: string}).target, `postgres@127.0.0.1:${server.port}/${ring.name}`);
			await watched.end();
		});

		test('SIGINT ends it with 0 too, after writing what it holds', async () => {
			const ring = await database();
			const run = record(dir, ['--ring', ring.url, '--pg', ring.url, '--docker', NO_ENGINE, '--node', 'sigint-node', '--interval', '200ms', '--capacity', '10']);
			try {
				await until('a node row', async () => Number((await ring.client.query(`SELECT count(*) AS n FROM monitor_samples_ring WHERE node_name = 'sigint-node'`).catch(() => ({rows: [{n: 0}]}))).rows[0].n) >= 2, run.stderr);
				assert.equal(await run.stop('SIGINT'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
			}

			assert.match(run.stderr(), /dbtop record: stopping on SIGINT: \d+ samples to write\n.*dbtop record: stopped: every sample written\n$/);
		});

		test('the existing writer\'s table: written as it is at capacity 8, wrapped, its rows replaced oldest first; --capacity 12 grows it', async () => {
			const ring = await database();
			await ring.client.query(CONTRACT_DDL);
			await ring.client.query(EXISTING_ROWS);
			const theirs = (await ring.client.query('SELECT id, slot, sample_time FROM monitor_samples_ring ORDER BY slot')).rows as Array<{id: string; slot: number; sample_time: string}>;
			assert.equal(theirs.length, 8);
			const idsBySlot = new Map(theirs.map(row => [row.slot, row.id]));
			// Their rows, oldest first (sample_time, then slot, as that writer orders them).
			const oldestFirst = [...theirs].sort((a, b) => Number(a.sample_time) - Number(b.sample_time) || a.slot - b.slot).map(row => row.slot);
			const ours = async () => (await ring.client.query(`SELECT slot, sample_time FROM monitor_samples_ring WHERE source = 'dbtop' ORDER BY slot`)).rows as Array<{slot: number; sample_time: string}>;

			const run = record(dir, ['--ring', ring.url, '--pg', ring.url, '--docker', NO_ENGINE, '--node', 'dbtop-node', '--interval', '200ms']);
			// The other writer's slots are taken oldest first: every state seen has dbtop in a prefix of that order.
			try {
				await until(
					'all 8 slots dbtop\'s',
					async () => {
						const slots = new Set((await ours()).map(row => row.slot));
						assert.deepEqual([...slots].sort(), oldestFirst.slice(0, slots.size).sort(), `dbtop took ${[...slots].join(',')}, not the oldest of ${oldestFirst.join(',')}`);
						return slots.size === 8;
					},
					run.stderr,
				);
				// Wrapped: every slot written again since (a new row version in each), so more than 8 samples went in.
				const versions = async () => new Map((await ring.client.query('SELECT slot, xmin::text AS version FROM monitor_samples_ring')).rows.map(row => [row.slot as number, row.version as string]));
				const full = await versions();
				await until('every slot rewritten', async () => [...(await versions())].every(([slot, version]) => full.get(slot) !== version), run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
			}

			assert.match(run.stderr(), /ring ready: table monitor_samples_ring has 8 slots at /);
			const after8 = (await ring.client.query('SELECT id, slot, source FROM monitor_samples_ring ORDER BY slot')).rows as Array<{id: string; slot: number; source: string}>;
			assert.equal(after8.length, 8, 'its capacity kept');
			assert.deepEqual(after8.map(row => [row.slot, row.id]), [...idsBySlot], 'ids unchanged');
			assert.ok(after8.every(row => row.source === 'dbtop'));

			// --capacity 12: grown by placeholders at the lowest missing slots, 9 to 12, the rest kept.
			const grow = record(dir, ['--ring', ring.url, '--pg', ring.url, '--docker', NO_ENGINE, '--node', 'dbtop-node', '--interval', '200ms', '--capacity', '12']);
			try {
				await until('the ring resized', () => /ring ready/.test(grow.stderr()), grow.stderr);
				assert.equal(await grow.stop('SIGTERM'), 0, grow.stderr());
			} finally {
				grow.child.kill('SIGKILL');
			}

			assert.match(grow.stderr(), /ring ready: table monitor_samples_ring resized from 8 to 12 slots at /);
			const grown = (await ring.client.query('SELECT id, slot FROM monitor_samples_ring ORDER BY slot')).rows as Array<{id: string; slot: number}>;
			assert.deepEqual(grown.map(row => row.slot), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
			assert.deepEqual(grown.slice(0, 8).map(row => [row.slot, row.id]), [...idsBySlot], 'the old rows keep their ids');
		});

		test('a role with only the privileges the README names writes the ring and its companion', async () => {
			const ring = await database();
			// The tables made by their owner (a first run), then the recorder's own role.
			const owner = record(dir, ['--ring', ring.url, '--pg', 'host=/nonexistent/dbtop-test', '--docker', NO_ENGINE, '--capacity', '20']);
			try {
				await until('the tables', () => /ring ready/.test(owner.stderr()), owner.stderr);
				assert.equal(await owner.stop('SIGTERM'), 0, owner.stderr());
			} finally {
				owner.child.kill('SIGKILL');
			}

			const role = `writer_${ring.name}`;
			await server.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'writer'`);
			await ring.client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
			await ring.client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
			await ring.client.query(`GRANT SELECT, UPDATE ON monitor_samples_ring TO ${role}`);
			await ring.client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON monitor_samples_ring_dbtop TO ${role}`);
			const url = server.url({user: role, password: 'writer', database: ring.name});
			const run = record(dir, ['--ring', url, '--pg', url, '--docker', NO_ENGINE, '--node', 'least', '--interval', '200ms']);
			const count = async (table: string) => Number((await ring.client.query(`SELECT count(*) AS n FROM ${table} WHERE node_name = 'least'`)).rows[0].n);
			try {
				await until('rows and companions', async () => (await count('monitor_samples_ring')) >= 3 && (await count('monitor_samples_ring_dbtop')) >= 3, run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
			}

			assert.deepEqual(
				run.lines().map(line => line.replace(LOG_LINE, '').replace(/: .*/, '')),
				['ring ready', 'started', 'stopping on SIGTERM', 'stopped'],
				run.stderr(),
			);
		});

		test('SIGTERM while the ring is being set up (another session holds a lock on it): exit 0, the ring as it was', async () => {
			const ring = await database();
			await ring.client.query(CONTRACT_DDL);
			await ring.client.query(EXISTING_ROWS);
			const holder = await server.connect({database: ring.name});
			await holder.query('BEGIN');
			await holder.query('LOCK TABLE monitor_samples_ring IN ACCESS EXCLUSIVE MODE');
			const run = record(dir, ['--ring', ring.url, '--pg', 'host=/nonexistent/dbtop-test', '--docker', NO_ENGINE, '--node', 'waiting', '--interval', '200ms', '--capacity', '12']);
			try {
				const waits = async () => (await ring.client.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'dbtop' AND wait_event_type = 'Lock' AND datname = $1`, [ring.name])).rowCount === 1;
				await until('dbtop waiting on the lock', waits, run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
				await holder.query('ROLLBACK');
				await holder.end();
			}

			assert.match(run.stderr(), /dbtop record: stopping on SIGTERM before the ring was ready\n/);
			assert.doesNotMatch(run.stderr(), /started: /);
			assert.equal(Number((await ring.client.query('SELECT count(*) AS n FROM monitor_samples_ring')).rows[0].n), 8, 'not resized');
			assert.deepEqual(await tables(ring.client), ['monitor_samples_ring'], 'no companion table');
		});

		test('bad input: one line naming it, exit 2, nothing written', async () => {
			const ring = await database();
			const pinned = ['--pg', ring.url, '--docker', NO_ENGINE];
			const escape = 'evil\u001B[2Jnode';
			const cases: Array<[string[], RegExp]> = [
				[['record', '--ring', ring.url, '--capacity', '0'], /^dbtop: --capacity: "0" is not a capacity/],
				[['record', '--ring', ring.url, '--capacity', '1000000000'], /^dbtop: --capacity: "1000000000" is not a capacity/],
				[['record', '--ring', ring.url, '--capacity', 'abc'], /^dbtop: --capacity: "abc" is not a capacity/],
				[['record', '--ring', ring.url, '--table', 'x;drop'], /^dbtop: --table: "x;drop" is not a table name/],
				[['record', '--ring', ring.url, '--table', 'r'.repeat(39)], /^dbtop: --table: "r{39}" is longer than 38 characters/],
				[['record', '--ring', ring.url, '--node', 'n'.repeat(300)], /^dbtop: --node: "n{40}…" is longer than 253 characters/],
				[['record', '--ring', ring.url, '--node', escape], /^dbtop: --node: "evil\\x1b\[2Jnode" holds control characters \(accepted/],
				[['record', '--ring', 'host=a port=x'], /^dbtop: --ring: .*port.*"x"/],
				[['record', '--ring', 'nonsense'], /^dbtop: --ring: "nonsense" is not a connection string/],
				[['record', '--ring', 'nonsense password=hunter2'], /^dbtop: --ring: "nonsense password=\*\*\*" is not a connection string/],
				[['record', '--ring', 'postgres://u:hunter2@h:xx/db'], /^dbtop: --ring: "postgres:\/\/u:\*\*\*@h:xx\/db" is not a valid URL/],
				[['record'], /^dbtop: --ring: missing/],
				[['--node', 'a'], /^dbtop: --node: only with dbtop record or --record/],
				[['--record', ring.url, '--json'], /^dbtop: --record: only with the live monitor \(not with --json\)/],
				[['--record', ring.url, '--read-only'], /^dbtop: --read-only: not with --record, which writes to the ring/],
				[['record', '--ring', ring.url, '--read-only'], /^dbtop: --read-only: not with dbtop record, which writes to the ring/],
			];
			for (const [args, expected] of cases) {
				const result = refused(dir, [...args, ...pinned]);
				assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
				assert.equal(result.stderr.split('\n').length, 2, `one line for ${args.join(' ')}: ${result.stderr}`);
				assert.match(result.stderr, expected);
				assert.ok(!result.stderr.includes('\u001B'), 'no raw escape');
				assert.ok(!result.stderr.includes('hunter2'), 'no password');
			}

			assert.deepEqual(await tables(ring.client), [], 'nothing created');

			// A schema that is not there.
			const noSchema = refused(dir, ['record', '--ring', ring.url, '--table', 'nosuch.ring', ...pinned]);
			assert.equal(noSchema.status, 2, noSchema.stderr);
			assert.equal(noSchema.stderr, 'dbtop: --ring: schema "nosuch" does not exist on the ring server\n');

			// A table whose columns are not the contract's: which ones, and it is left as it was.
			await ring.client.query(CONTRACT_DDL);
			await ring.client.query('ALTER TABLE monitor_samples_ring DROP COLUMN temperature_c, DROP COLUMN c_vsz_mb');
			await ring.client.query('ALTER TABLE monitor_samples_ring ALTER COLUMN procs_running TYPE bigint');
			await ring.client.query(`INSERT INTO monitor_samples_ring (slot, node_flag, node_name, source) VALUES (1, true, '', 'empty')`);
			const result = refused(dir, ['record', '--ring', ring.url, '--capacity', '5', ...pinned]);
			assert.equal(result.status, 2, result.stderr);
			assert.equal(result.stderr, 'dbtop: --ring: table monitor_samples_ring does not match the ring\'s columns: missing columns c_vsz_mb, temperature_c; procs_running is bigint, not integer\n');
			assert.deepEqual(await tables(ring.client), ['monitor_samples_ring'], 'no companion table');
			assert.equal(Number((await ring.client.query('SELECT count(*) AS n FROM monitor_samples_ring')).rows[0].n), 1, 'not resized');
		});

		test('a ring that does not answer: its password never shown, one "ring down" line, and SIGTERM ends it with 0', async () => {
			const run = record(dir, ['--ring', UNREACHABLE, '--pg', UNREACHABLE, '--docker', NO_ENGINE, '--node', 'lonely', '--interval', '200ms']);
			try {
				await until('ring down', () => /ring down: /.test(run.stderr()) && /started: /.test(run.stderr()), run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
			}

			assert.ok(!run.stderr().includes('s3cret'), run.stderr());
			const events = run.lines().map(line => line.replace(LOG_LINE, ''));
			assert.equal(events.filter(line => line.startsWith('ring down: ')).length, 1, run.stderr());
			assert.match(events.find(line => line.startsWith('ring down: '))!, /^ring down: .*ECONNREFUSED.*; keeping up to 3000 samples in memory$/);
			// What it held when told to stop (none if no host sample was taken yet) is what it says it did not write.
			const pending = Number(/^stopping on SIGTERM: (\d+) samples to write$/m.exec(events.join('\n'))?.[1]);
			assert.match(events.at(-1)!, pending === 0 ? /^stopped: every sample written$/ : new RegExp(`^stopped: ${pending} samples not written \\(.*ECONNREFUSED.*\\)$`), run.stderr());
		});

		// Last: it stops the server (and starts it again).
		test('the ring server stopped under a running recorder: "ring down", and SIGTERM exits 0 saying how many samples were not written', async () => {
			const ring = await database();
			const run = record(dir, ['--ring', ring.url, '--pg', 'host=/nonexistent/dbtop-test', '--docker', NO_ENGINE, '--node', 'abandoned', '--interval', '200ms', '--buffer', '1m']);
			try {
				await until('a node row', async () => Number((await ring.client.query(`SELECT count(*) AS n FROM monitor_samples_ring WHERE node_name = 'abandoned'`).catch(() => ({rows: [{n: 0}]}))).rows[0].n) >= 1, run.stderr);
				await server.down();
				await until('ring down', () => /ring down: /.test(run.stderr()), run.stderr);
				assert.equal(await run.stop('SIGTERM'), 0, run.stderr());
			} finally {
				run.child.kill('SIGKILL');
				await server.up();
			}

			assert.ok(!run.stderr().includes(server.password), run.stderr());
			const events = run.lines().map(line => line.replace(LOG_LINE, ''));
			assert.match(events.find(line => line.startsWith('ring down: '))!, /^ring down: .*; keeping up to 300 samples in memory$/);
			// The sample whose write failed is still held.
			const pending = Number(/^stopping on SIGTERM: (\d+) samples to write$/m.exec(events.join('\n'))?.[1]);
			assert.ok(pending >= 1, run.stderr());
			const unsent = Number(/^stopped: (\d+) samples not written \(.+\)$/.exec(events.at(-1)!)?.[1]);
			assert.ok(unsent >= pending, run.stderr());
		});
	});
}

describe('the live monitor with --record, in a real terminal', () => {
	let server: TestServer;
	let dir: string;
	before(async () => {
		server = await startPostgres(18);
		dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-record-live-'));
	});
	after(async () => {
		await server?.stop();
		rmSync(dir, {recursive: true, force: true});
	});

	const live = (ring: string) =>
		openTerminal([process.execPath, CLI, '--pg', server.url(), '--docker', NO_ENGINE, '--interval', '200ms', '--record', ring, '--node', 'live-node'], {
			columns: 100,
			rows: 30,
			env: {HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_STATE_HOME: path.join(dir, 'state')},
		});

	test('the ring fills while the monitor shows; q quits with 0 and gives the screen back', async () => {
		const term = live(server.url());
		try {
			await term.waitFor(/PID USER/);
			await until('node rows', async () => Number((await server.sql(`SELECT count(*) AS n FROM monitor_samples_ring WHERE node_name = 'live-node'`).catch(() => ({rows: [{n: 0}]}))).rows[0].n) >= 3, () => term.screen());
			assert.equal(term.format('#{alternate_on}'), '1');
			term.keys('q');
			assert.equal(await term.exitStatus(10_000), '0', term.screen());
			assert.equal(term.format('#{alternate_on}'), '0', 'the normal screen is back');
			assert.doesNotMatch(term.screen(), /PID USER/);
		} finally {
			term.close();
		}
	});

	test('a ring table that does not match: the monitor says recording stopped, and why, and runs on; q quits with 0', async () => {
		await server.sql('CREATE DATABASE mismatched');
		await server.sql('CREATE TABLE monitor_samples_ring (id bigserial, slot integer)', 'mismatched');
		const term = live(server.url({database: 'mismatched'}));
		try {
			// The status line cuts the notice at the terminal's width; dbtop record names the columns (above).
			await term.waitFor(/recording stopped: table monitor_samples_ring does not match the ring's columns/);
			await term.waitFor(/PID USER/);
			term.keys('q');
			assert.equal(await term.exitStatus(10_000), '0', term.screen());
		} finally {
			term.close();
		}

		assert.deepEqual((await server.sql(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`, 'mismatched')).rows, [{tablename: 'monitor_samples_ring'}]);
	});

	test('a ring that does not answer: the monitor runs and says so; q quits with 0', async () => {
		const term = live(UNREACHABLE);
		try {
			const screen = await term.waitFor(/recording: ring down: /);
			assert.doesNotMatch(screen, /s3cret/);
			await term.waitFor(/PID USER/);
			term.keys('q');
			assert.equal(await term.exitStatus(10_000), '0', term.screen());
			assert.equal(term.format('#{alternate_on}'), '0');
		} finally {
			term.close();
		}
	});
});

after(async () => {
	if (!('skip' in engine)) await (engine as TestEngine).stop();
});
