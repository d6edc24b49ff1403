// `dbtop --ring <conninfo> --json`, the built command against real PostgreSQL 14 and 18: the
// existing writer's sample read back in the live JSON's units (checked against the SQL rows), a
// ring dbtop wrote with its companions (processes, Postgres, alerts), `--at` picking the row at or
// before it, two rings read together, and bad input as one line and exit 2, with the ring
// unchanged. Every run names its world: --ring (a replay reads nothing else: --pg and --docker are
// refused), no PG* variables, and HOME and the XDG directories of the test's own.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type pg from 'pg';
import type {Companion} from '../../source/ring/contract.js';
import {parseTableName, setUpTables} from '../../source/ring/table.js';
import {writeSample} from '../../source/ring/writer.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {CONTRACT_DDL, EXISTING_ROWS, ringRow} from '../helpers/ring.js';

const MIB = 1024 ** 2;
const NODE = 'ringtest-node';
const EXISTING = ['--table', 'existing.monitor_samples_ring'];

/** The built command run to its end. */
function dbtop(dir: string, args: readonly string[]): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [CLI, ...args], {env: pinnedEnv(dir), encoding: 'utf8', timeout: 60_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** The replay document of a run that must succeed. */
function replay(dir: string, args: readonly string[]): any {
	const result = dbtop(dir, ['--json', ...args]);
	assert.equal(result.status, 0, result.stderr);
	assert.equal(result.stderr, '');
	return JSON.parse(result.stdout);
}

/** What a companion holds: the live snapshot's parts as the recorder writes them. */
const companion = (second: number): Companion => ({
	postgres: {target: 'postgres@db-a/app', server: {version: '18.1', connections: 3 + second}, error: null},
	users: [{user: 'app', active: 1, idle: 2, idleInTransaction: 0, other: 0, databases: ['app']}],
	sessions: [{pid: 4000 + second, user: 'app', state: 'active', query: 'SELECT 1'}],
	blocking: [],
	processes: [{pid: 100 + second, command: 'postgres', cpuPct: 12.5, rss: 4096}],
	alerts: [{id: `cpu-${second}`, severity: 'warning', state: 'firing'}],
});

for (const major of MAJORS) {
	describe(`dbtop --ring --json on Postgres ${major}`, () => {
		let server: TestServer;
		let client: pg.Client;
		let ring: string;
		let dir: string;
		/** How the document names a table of the test server's `postgres` database. */
		let label: (table: string) => string;
		/** Every table's rows, as one text: what "nothing written" is checked against. */
		const contents = async () =>
			(
				await client.query(`SELECT string_agg(row_to_json(t)::text, ',' ORDER BY slot) AS rows FROM existing.monitor_samples_ring t
					UNION ALL SELECT string_agg(row_to_json(t)::text, ',' ORDER BY slot) FROM public.dbtop_ring t
					UNION ALL SELECT string_agg(row_to_json(t)::text, ',' ORDER BY slot) FROM public.dbtop_ring_dbtop t`)
			).rows.map(row => String(row.rows));

		before(async () => {
			dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-replay-'));
			server = await startPostgres(major);
			client = await server.connect();
			ring = server.url();
			label = table => `${server.host}:${server.port}/postgres/${table}`;
			await client.query(`CREATE SCHEMA existing; SET search_path = existing; ${CONTRACT_DDL}; ${EXISTING_ROWS}; RESET search_path`);
			await client.query('CREATE TABLE not_a_ring (slot integer, sample_time bigint)');
			const table = parseTableName('dbtop_ring');
			await setUpTables(client, table, 16);
			for (let second = 0; second < 2; second++) {
				await writeSample(client, table, {
					rows: [
						ringRow({node_name: 'db-a', master_flag: true, sample_time: 1_800_000_000 + second, cpu_total_pct: 20 + second, mem_total_mb: 2048, net_rx_mb_s: 0.5}),
						ringRow({node_name: 'db-a', container_name: 'pg-1', sample_time: 1_800_000_000 + second, c_rss_mb: 64, cpu_total_pct: 3}),
					],
					companion: companion(second),
				});
			}

			// A node written later, not the master, without a companion.
			await writeSample(client, table, {rows: [ringRow({node_name: 'db-b', sample_time: 1_800_000_005, load_1m: 1.5})], companion: null});
		});
		after(async () => {
			await server?.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		test('the existing writer\'s sample: its newest node row in bytes and bytes/s, its containers, no companion (and why)', async () => {
			const document = replay(dir, ['--ring', ring, ...EXISTING]);
			const [row] = (await client.query(`SELECT * FROM existing.monitor_samples_ring WHERE node_flag AND node_name = $1 ORDER BY sample_time DESC LIMIT 1`, [NODE])).rows;
			const containerRows = (
				await client.query(`SELECT * FROM existing.monitor_samples_ring WHERE NOT node_flag AND node_name = $1 AND sample_time = (SELECT max(sample_time) FROM existing.monitor_samples_ring WHERE NOT node_flag AND sample_time <= $2) ORDER BY container_name`, [NODE, row.sample_time])
			).rows;
			const newestContainers = (await client.query(`SELECT DISTINCT container_name FROM existing.monitor_samples_ring WHERE NOT node_flag AND sample_time = (SELECT max(sample_time) FROM existing.monitor_samples_ring WHERE NOT node_flag)`)).rows;

			assert.equal(document.time, Number(row.sample_time) * 1000, 'epoch ms, as live');
			assert.equal(document.host.hostname, NODE);
			assert.equal(document.host.cpu.user, row.cpu_user_pct);
			assert.equal(document.host.cpu.total, row.cpu_total_pct);
			assert.equal(document.host.load.one, row.load_1m);
			assert.equal(document.host.memory.total, row.mem_total_mb * MIB);
			assert.equal(document.host.memory.available, row.mem_available_mb * MIB);
			assert.equal(document.host.swap.total, row.swap_total_mb * MIB);
			assert.equal(document.host.disk.readBytesPerSec, row.disk_read_mb_s * MIB);
			assert.equal(document.host.network.rxBytesPerSec, row.net_rx_mb_s * MIB);
			assert.equal(document.host.network.rxPacketsPerSec, row.net_rx_pkts_s);
			assert.equal(document.host.temperature, row.temperature_c);
			assert.equal('slot' in document.host, false, 'the row\'s identity is in replay, not host');
			assert.deepEqual(document.containers.map((container: {name: string}) => container.name), containerRows.map(container => container.container_name));
			assert.equal(document.containers[0].memUsed, null, 'a NULL metric stays null');

			assert.deepEqual(document.processes, []);
			assert.deepEqual(document.alerts, []);
			assert.deepEqual(document.postgres, {error: 'not recorded: no companion table'});
			assert.deepEqual(document.replay, {
				table: 'existing.monitor_samples_ring',
				node: NODE,
				sampleTime: Number(row.sample_time),
				newestSampleTime: Number(row.sample_time),
				companionMissing: 'no companion table',
				nodes: [{name: NODE, ring: label('existing.monitor_samples_ring'), master: true, lastSampleTime: Number(row.sample_time), containers: newestContainers.map(container => container.container_name)}],
			});
		});

		test('--at: the node row at or before the moment, in each accepted form', async () => {
			const [row] = (await client.query(`SELECT * FROM existing.monitor_samples_ring WHERE node_flag AND sample_time <= 1795486097 ORDER BY sample_time DESC LIMIT 1`)).rows;
			const iso = replay(dir, ['--ring', ring, ...EXISTING, '--at', new Date(1_795_486_097_000).toISOString()]);
			assert.equal(iso.replay.sampleTime, Number(row.sample_time));
			assert.equal(iso.replay.newestSampleTime, 1_795_486_100);
			assert.equal(iso.host.cpu.user, row.cpu_user_pct);
			assert.equal(iso.host.memory.free, row.mem_free_mb * MIB);
			assert.deepEqual(iso.containers.map((container: {name: string}) => container.name), ['web-server'], 'the containers as of that moment');
			const exact = replay(dir, ['--ring', ring, ...EXISTING, '--at', new Date(1_795_486_094_000).toISOString().replace('Z', '+00:00')]);
			assert.equal(exact.replay.sampleTime, 1_795_486_094, 'the oldest row, at its own second');
			assert.deepEqual(exact.containers, [], 'no container row yet');
			// A local date and time: 2026-11-… hh:mm:ss in this machine's zone.
			const at = new Date(1_795_486_099_000);
			const pad = (value: number) => String(value).padStart(2, '0');
			const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
			assert.equal(replay(dir, ['--ring', ring, ...EXISTING, '--at', local]).replay.sampleTime, 1_795_486_099);
		});

		test('a ring dbtop wrote: the master by default, its processes, Postgres and alerts from the companion; --node another', async () => {
			const document = replay(dir, ['--ring', ring, '--table', 'dbtop_ring']);
			const recorded = companion(1);
			assert.equal(document.replay.node, 'db-a', 'the master, though db-b wrote later');
			assert.equal(document.replay.sampleTime, 1_800_000_001);
			assert.equal(document.host.cpu.total, 21);
			assert.equal(document.host.memory.total, 2048 * MIB);
			assert.equal(document.host.network.rxBytesPerSec, 0.5 * MIB);
			assert.deepEqual(document.containers.map((container: {name: string; memUsed: number; cpuPct: number}) => [container.name, container.memUsed, container.cpuPct]), [['pg-1', 64 * MIB, 3]]);
			assert.deepEqual(document.processes, recorded.processes);
			assert.deepEqual(document.alerts, recorded.alerts);
			assert.deepEqual(document.postgres, {target: 'postgres@db-a/app', server: recorded.postgres!.server, sessions: recorded.sessions, users: recorded.users, blocking: []});
			assert.equal('companionMissing' in document.replay, false);
			assert.deepEqual(document.replay.nodes, [
				{name: 'db-a', ring: label('dbtop_ring'), master: true, lastSampleTime: 1_800_000_001, containers: ['pg-1']},
				{name: 'db-b', ring: label('dbtop_ring'), master: false, lastSampleTime: 1_800_000_005, containers: []},
			]);

			const older = replay(dir, ['--ring', ring, '--table', 'dbtop_ring', '--at', '2027-01-15T08:00:00Z']);
			assert.equal(older.replay.sampleTime, 1_800_000_000);
			assert.deepEqual(older.processes, companion(0).processes, 'the companion of the row shown');

			const other = replay(dir, ['--ring', ring, '--table', 'dbtop_ring', '--node', 'db-b']);
			assert.equal(other.host.hostname, 'db-b');
			assert.equal(other.host.load.one, 1.5);
			assert.deepEqual(other.processes, []);
			assert.deepEqual(other.postgres, {error: 'not recorded: no companion row'});
			assert.equal(other.replay.companionMissing, 'no companion row');
		});

		test('a ring the built dbtop record wrote, with this server as its Postgres: the replay\'s JSON is its rows and its companion', async () => {
			const recorder = spawn(process.execPath, [CLI, 'record', '--ring', ring, '--table', 'recorded_ring', '--node', 'rec-node', '--master', '--pg', ring, '--docker', 'unix:///nonexistent/dbtop-test.sock'], {env: pinnedEnv(dir), stdio: ['ignore', 'ignore', 'pipe']});
			let stderr = '';
			recorder.stderr!.on('data', chunk => (stderr += String(chunk)));
			const exited = new Promise(resolve => recorder.once('exit', resolve));
			try {
				// Samples with a companion that holds the server's figures: Postgres was read by then.
				for (const deadline = Date.now() + 60_000; ; ) {
					const found = await client
						.query(`SELECT count(*) AS n FROM recorded_ring_dbtop WHERE node_name = 'rec-node' AND postgres->'server' IS NOT NULL AND postgres->'server' <> 'null'::jsonb`)
						.catch(() => ({rows: [{n: 0}]}));
					if (Number(found.rows[0].n) >= 2) break;
					assert.ok(Date.now() < deadline, `dbtop record wrote no companion with the server in time:\n${stderr}`);
					await new Promise(resolve => setTimeout(resolve, 100));
				}
			} finally {
				recorder.kill('SIGTERM');
				await exited;
			}

			// The newest sample alone in its second (sample_time is in seconds: a tick that runs late can share one) whose companion holds the server (a sample taken while a collector timed out on a loaded machine has none).
			const [row] = (
				await client.query(`SELECT r.* FROM recorded_ring r JOIN recorded_ring_dbtop c USING (slot) WHERE r.node_flag AND r.node_name = 'rec-node' AND c.postgres->'server' IS NOT NULL AND c.postgres->'server' <> 'null'::jsonb
					AND (SELECT count(*) FROM recorded_ring t WHERE t.node_flag AND t.node_name = 'rec-node' AND t.sample_time = r.sample_time) = 1 ORDER BY r.sample_time DESC LIMIT 1`)
			).rows;
			const [stored] = (await client.query(`SELECT * FROM recorded_ring_dbtop WHERE slot = $1`, [row.slot])).rows;
			const document = replay(dir, ['--ring', ring, '--table', 'recorded_ring', '--at', new Date(Number(row.sample_time) * 1000).toISOString()]);
			assert.equal(document.replay.node, 'rec-node');
			assert.equal(document.replay.sampleTime, Number(row.sample_time));
			assert.equal(document.host.cpu.total, row.cpu_total_pct);
			assert.equal(document.host.memory.total, row.mem_total_mb * MIB);
			assert.equal(document.host.load.one, row.load_1m);
			assert.ok(document.processes.length > 0, 'the top processes');
			assert.deepEqual(document.processes, stored.processes);
			assert.deepEqual(document.alerts, stored.alerts);
			assert.equal(document.postgres.server.version, stored.postgres.server.version);
			assert.match(document.postgres.server.version, /^1[48]\./);
			assert.deepEqual(document.postgres.sessions, stored.sessions);
			assert.equal('companionMissing' in document.replay, false);
		});

				test('two --ring read together: the nodes of both, each with its ring; --node finds a node in either', async () => {
			await server.sql('CREATE DATABASE second_ring');
			const second = await server.connect({database: 'second_ring'});
			try {
				const table = parseTableName('dbtop_ring');
				await setUpTables(second, table, 16);
				await writeSample(second, table, {rows: [ringRow({node_name: 'db-c', sample_time: 1_800_000_003, cpu_total_pct: 77})], companion: null});
			} finally {
				await second.end();
			}

			const otherRing = server.url({database: 'second_ring'});
			const both = replay(dir, ['--ring', ring, '--ring', otherRing, '--table', 'dbtop_ring']);
			assert.equal(both.replay.node, 'db-a', 'the master of either ring');
			assert.deepEqual(
				both.replay.nodes.map((node: {name: string; ring: string}) => [node.name, node.ring]),
				[
					['db-a', label('dbtop_ring')],
					['db-b', label('dbtop_ring')],
					['db-c', `${server.host}:${server.port}/second_ring/dbtop_ring`],
				],
			);
			const found = replay(dir, ['--ring', ring, '--ring', otherRing, '--table', 'dbtop_ring', '--node', 'db-c']);
			assert.equal(found.host.hostname, 'db-c');
			assert.equal(found.host.cpu.total, 77);

			const down = dbtop(dir, ['--json', '--ring', ring, '--ring', 'postgres://u:hunter2@127.0.0.1:1/ring', '--table', 'dbtop_ring']);
			assert.equal(down.status, 2);
			assert.match(down.stderr, /^dbtop: --ring 127\.0\.0\.1:1\/ring\/dbtop_ring: cannot read the ring: .*ECONNREFUSED/);
			assert.ok(!down.stderr.includes('hunter2'));
		});

		test('bad input: one line, exit 2, nothing written to the ring', async () => {
			const before = await contents();
			const span = (first: number, last: number) => {
				const text = (seconds: number) => {
					const date = new Date(seconds * 1000);
					const pad = (value: number) => String(value).padStart(2, '0');
					return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
				};

				return `(${text(first)} to ${text(last)})`;
			};

			const cases: Array<[string[], string | RegExp]> = [
				[['--ring', 'nonsense', '--json'], /^dbtop: --ring: "nonsense" is not a connection string/],
				[['--ring', 'postgres://u:hunter2@127.0.0.1:1/ring', '--json'], /^dbtop: --ring: cannot read the ring: .*ECONNREFUSED/],
				[['--ring', ring, '--json', '--table', 'nosuch'], 'dbtop: --ring: no table nosuch on the ring server'],
				[['--ring', ring, '--json', '--table', 'not_a_ring'], 'dbtop: --ring: table not_a_ring is not a ring: it has no columns node_flag, node_name'],
				[['--ring', ring, '--json', '--table', 'x;drop'], /^dbtop: --table: "x;drop" is not a table name/],
				[['--ring', ring, '--json', '--table', 'dbtop_ring', '--node', 'db-c'], `dbtop: --node: no node "db-c" in ${label('dbtop_ring')} (its nodes: db-a, db-b)`],
				[['--ring', ring, '--json', '--node', ''], /^dbtop: --node: empty/],
				[['--ring', ring, '--json', ...EXISTING, '--at', 'yesterday'], /^dbtop: --at: "yesterday" is not a time \(accepted: 14:05 \(today, local time\), 2026-11-30 03:12 \(local time\), an ISO time with its zone/],
				[['--ring', ring, '--json', ...EXISTING, '--at', '-90s'], new RegExp(`^dbtop: --at: .* is outside node ${NODE}'s samples ${span(1_795_486_094, 1_795_486_100).replaceAll(/[()]/g, '\\$&')}$`, 'm')],
				[['--ring', ring, '--json', ...EXISTING, '--at', '2026-01-01T00:00:00Z'], /^dbtop: --at: .* is outside node ringtest-node's samples/],
				[['--ring', ring, '--once'], 'dbtop: --ring: not with --once (a replay is the screen, or JSON with --json)'],
				[['--ring', ring, '--json', '--pg', ring], 'dbtop: --pg: not with --ring (a replay takes --table, --node, --at, --json, --interval, --config and --no-color)'],
				[['--ring', ring, '--docker', 'unix:///x.sock'], /^dbtop: --docker: not with --ring/],
				[['--ring', ring, '--interval', 'host=2s'], 'dbtop: --interval: "host=2s" names a collector of this host; a replay reads the ring only (give --interval <duration>)'],
				[['record', '--ring', ring, '--ring', ring], 'dbtop: --ring: given more than once; dbtop record writes into one ring'],
				[['--ring', ring, '--ring', '', '--json'], /^dbtop: --ring: empty/],
				[['check', '--ring', ring], /^dbtop: --ring: not with dbtop check/],
				[['--ring', ring, '--record', ring], /^dbtop: --ring: not with --record/],
				[['--ring', ring, '--json', '--capacity', '5'], /^dbtop: --capacity: not with --ring \(a replay takes --table, --node, --at/],
				[['--json', '--at', '-2h'], /^dbtop: --at: only with --ring <conninfo>/],
				[['record', '--ring', ring, '--at', '-2h'], /^dbtop: --at: only with --ring <conninfo>/],
			];
			for (const [args, expected] of cases) {
				const result = dbtop(dir, args);
				assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
				assert.equal(result.stdout, '');
				assert.equal(result.stderr.split('\n').length, 2, `one line for ${args.join(' ')}: ${result.stderr}`);
				if (typeof expected === 'string') assert.equal(result.stderr, `${expected}\n`);
				else assert.match(result.stderr, expected);
				assert.ok(!result.stderr.includes('hunter2'), 'no password');
			}

			assert.deepEqual(await contents(), before, 'the rings as they were');
		});
	});
}
