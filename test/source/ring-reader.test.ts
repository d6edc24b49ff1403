// The ring reader against real servers, majors 14 and 18: the existing writer's sample, a ring
// dbtop wrote with companions, each tolerance case built on purpose, a role with only SELECT, a
// server logging every statement (nothing but reads), and the plans on a ring of 100,000 rows.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import pg from 'pg';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {openRingReader} from '../../source/ring/reader.js';
import {containerOfRow, hostOfRow} from '../../source/ring/replay-parse.js';
import {parseTableName, setUpTables, TableError} from '../../source/ring/table.js';
import {writeSample} from '../../source/ring/writer.js';
import type {Companion} from '../../source/ring/contract.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {assertOnlyReads, CONTRACT_DDL, EXISTING_ROWS, loggedBy, readerPlans, ringRow, seqScans} from '../helpers/ring.js';

const MIB = 1024 ** 2;
const READER_APP = 'dbtop-ring-reader';
const NODE = 'ringtest-node';

const companion = (pid: number): Companion => ({postgres: null, users: null, sessions: [{pid}], blocking: null, processes: null, alerts: []});

test('a placeholder is no sample, and NULL metrics stay null', () => {
	assert.equal(hostOfRow({slot: 1, sample_time: null, node_flag: true, node_name: ''}), null);
	assert.equal(hostOfRow({slot: 1, sample_time: '0', node_flag: true, node_name: 'a'}), null);
	const host = hostOfRow({slot: 2, sample_time: '1800000000', node_flag: true, node_name: 'a', mem_total_mb: 3, net_rx_mb_s: 0.5, cpu_user_pct: null});
	assert.equal(host?.sampleTime, 1_800_000_000);
	assert.equal(host?.memory.total, 3 * MIB);
	assert.equal(host?.network.rxBytesPerSec, 0.5 * MIB);
	assert.equal(host?.cpu.user, null);
	assert.equal(host?.memory.free, null);
	assert.equal(containerOfRow({slot: 3, sample_time: 5, node_flag: false, node_name: 'a', container_name: null}), null);
});

for (const major of MAJORS) {
	describe(`the ring reader on Postgres ${major}`, () => {
		let server: TestServer;
		let client: pg.Client;
		let log = '';
		const readers: Array<{close(): Promise<void>}> = [];
		const open = async (table: string, user = 'postgres', password = 'dbtop-test') => {
			const target = resolvePgTarget(`${server.url({user, password})}?application_name=${READER_APP}`, {env: {}, osUser: 'root', home: NO_HOME});
			const reader = await openRingReader(target, parseTableName(table));
			readers.push(reader);
			return reader;
		};

		before(async () => {
			server = await startPostgres(major, {log_statement: 'all', log_line_prefix: '%a|'}, {onLog: text => (log += text)});
			client = await server.connect();
			await client.query(`CREATE SCHEMA existing; SET search_path = existing; ${CONTRACT_DDL}; ${EXISTING_ROWS}; RESET search_path`);
		});
		after(async () => {
			for (const reader of readers) await reader.close().catch(() => {});
			await server?.stop();
		});

		test('the existing writer\'s sample: its node, span, the row at a time in bytes, its neighbours, its containers with NULL metrics', async () => {
			const reader = await open('existing.monitor_samples_ring');
			assert.deepEqual(await reader.describe(), {table: 'existing.monitor_samples_ring', columns: (await reader.describe()).columns, missingColumns: [], hasCompanion: false});
			const nodes = await reader.nodes();
			assert.deepEqual(
				nodes.map(node => [node.name, node.newest.sampleTime, node.newest.isMaster, node.containerCount, node.hasCompanion]),
				[[NODE, 1_795_486_100, true, 1, false]],
			);
			assert.deepEqual(await reader.span(NODE), {oldest: 1_795_486_094, newest: 1_795_486_100});
			assert.equal(await reader.span('nobody'), null);

			const at = await reader.nodeSampleAt(NODE, 1_795_486_097);
			assert.ok(at);
			const {rows} = await client.query('SELECT * FROM existing.monitor_samples_ring WHERE sample_time = 1795486096 AND node_flag');
			const row = rows[0];
			const {host} = at;
			assert.equal(host.sampleTime, 1_795_486_096);
			assert.equal(host.slot, 8);
			assert.equal(host.source, 'psutil');
			assert.equal(host.cpu.user, row.cpu_user_pct);
			assert.equal(host.cpu.total, row.cpu_total_pct);
			assert.equal(host.load.one, row.load_1m);
			assert.equal(host.kernel.contextSwitchesPerSec, row.ctx_switches_s);
			assert.equal(host.kernel.procsRunning, row.procs_running);
			assert.equal(host.memory.total, row.mem_total_mb * MIB);
			assert.equal(host.memory.available, row.mem_available_mb * MIB);
			assert.equal(host.swap.used, row.swap_used_mb * MIB);
			assert.equal(host.network.rxBytesPerSec, row.net_rx_mb_s * MIB);
			assert.equal(host.network.rxPacketsPerSec, row.net_rx_pkts_s);
			// NULL in the row: null, not 0.
			assert.equal(row.temperature_c, null);
			assert.equal(host.temperature, null);
			assert.equal(row.disk_util_pct, null);
			assert.equal(host.disk.utilPct, null);
			assert.equal(row.disk_read_mb_s, 0);
			assert.equal(host.disk.readBytesPerSec, 0);
			assert.deepEqual([at.previousTime, at.nextTime], [1_795_486_095, 1_795_486_098]);
			assert.deepEqual(at.history.map(entry => entry.sampleTime), [1_795_486_095, 1_795_486_094]);

			const newest = await reader.nodeSampleAt(NODE, null);
			assert.deepEqual([newest?.host.sampleTime, newest?.nextTime], [1_795_486_100, null]);
			assert.equal(await reader.nodeSampleAt(NODE, 1_795_486_000), null);

			const containers = await reader.containersAt(NODE, 1_795_486_097);
			assert.equal(containers.sampleTime, 1_795_486_095);
			assert.deepEqual(containers.containers.map(entry => [entry.name, entry.source, entry.cpuPct, entry.memUsed, entry.netRxBytesPerSec]), [['web-server', 'docker', null, null, null]]);
			assert.equal((await reader.containersAt(NODE, null)).sampleTime, 1_795_486_101);
			assert.deepEqual(await reader.companionAt(NODE, 1_795_486_096), {companion: null, reason: 'no companion table'});
		});

		test('a ring dbtop wrote: its nodes with companions; a companion row of an overwritten slot or an unknown schema version is not given', async () => {
			const table = parseTableName('recorded');
			await setUpTables(client, table, 12);
			for (let second = 0; second < 3; second++) {
				const time = 1_800_000_000 + second;
				await writeSample(client, table, {
					rows: [
						ringRow({node_name: 'node-a', master_flag: true, sample_time: time, cpu_total_pct: 10 + second, mem_total_mb: 1024}),
						ringRow({node_name: 'node-a', container_name: 'db', sample_time: time, c_rss_mb: 5}),
						ringRow({node_name: 'node-a', container_name: 'web', sample_time: time, c_rss_mb: 7}),
					],
					companion: companion(second),
				});
				await writeSample(client, table, {rows: [ringRow({node_name: 'node-b', sample_time: time, load_1m: second})], companion: companion(100 + second)});
			}

			const reader = await open('recorded');
			assert.deepEqual(await reader.describe(), {...(await reader.describe()), missingColumns: [], hasCompanion: true});
			assert.deepEqual(
				(await reader.nodes()).map(node => [node.name, node.newest.sampleTime, node.newest.isMaster, node.containerCount, node.hasCompanion, node.newest.cpu.total, node.newest.memory.total]),
				[
					['node-a', 1_800_000_002, true, 2, true, 12, 1024 * MIB],
					['node-b', 1_800_000_002, false, 0, true, null, null],
				],
			);
			const containers = await reader.containersAt('node-a', 1_800_000_001);
			assert.deepEqual(containers.containers.map(entry => [entry.name, entry.memUsed, entry.source]), [['db', 5 * MIB, 'dbtop'], ['web', 7 * MIB, 'dbtop']]);
			const found = await reader.companionAt('node-a', 1_800_000_001);
			assert.equal(found.reason, null);
			assert.deepEqual(found.companion?.['sessions'], [{pid: 1}]);
			assert.equal(found.companion?.['schema_version'], 1);

			// The other writer takes node-b's newest slot over for a newer sample, leaving dbtop's companion row behind.
			const slot = (await reader.nodeSampleAt('node-b', null))!.host.slot;
			await client.query(`UPDATE recorded SET sample_time = 1800000009, node_name = 'node-b', source = 'psutil' WHERE slot = $1`, [slot]);
			assert.deepEqual(await reader.companionAt('node-b', 1_800_000_009), {companion: null, reason: 'companion row overwritten'});
			assert.deepEqual(await reader.companionAt('node-b', 1_800_000_002), {companion: null, reason: 'no such sample'});
			assert.equal((await reader.nodeSampleAt('node-b', null))?.host.source, 'psutil');
			const hasCompanions = async () => (await reader.nodes()).map(node => [node.name, node.hasCompanion]);
			assert.deepEqual(await hasCompanions(), [['node-a', true], ['node-b', false]]);

			// The node picker's companion row counts only where its time, node and schema version all match the newest row's.
			const newestSlot = (await reader.nodeSampleAt('node-a', null))!.host.slot;
			for (const change of ['sample_time = 1800000001', `node_name = 'node-b'`, 'schema_version = 99']) {
				await client.query(`UPDATE recorded_dbtop SET ${change} WHERE slot = $1`, [newestSlot]);
				assert.deepEqual(await hasCompanions(), [['node-a', false], ['node-b', false]], change);
				await client.query(`UPDATE recorded_dbtop SET sample_time = 1800000002, node_name = 'node-a', schema_version = 1 WHERE slot = $1`, [newestSlot]);
				assert.deepEqual(await hasCompanions(), [['node-a', true], ['node-b', false]], change);
			}

			await client.query(`UPDATE recorded_dbtop SET schema_version = 99 WHERE node_name = 'node-a' AND sample_time = 1800000000`);
			assert.deepEqual(await reader.companionAt('node-a', 1_800_000_000), {companion: null, reason: 'unknown schema version', schemaVersion: 99});
	
			// A replay's moment: steps from a time or from the newest, stopping at either end, a time before the oldest as the oldest.
			const moment = async (at: number | null, steps: number, container: string | null = null) => {
				const found = await reader.momentAt('node-a', at, steps, container);
				return found === 'unchanged' ? null : found;
			};
			const stepped = (await moment(null, -1))!;
			assert.deepEqual([stepped.host.sampleTime, stepped.oldestTime, stepped.newestTime, stepped.history.map(row => row.sampleTime)], [1_800_000_001, 1_800_000_000, 1_800_000_002, [1_800_000_000]]);
			assert.deepEqual(stepped.containers.map(entry => entry.name), ['db', 'web']);
			assert.equal(stepped.companion.reason, null);
			assert.deepEqual(stepped.containerHistory, [], 'no container asked for');
			assert.equal((await moment(1_800_000_000, 5))!.host.sampleTime, 1_800_000_002, 'stops at the newest');
			assert.equal((await moment(1_800_000_002, -9))!.host.sampleTime, 1_800_000_000, 'stops at the oldest');
			assert.equal((await moment(1_700_000_000, 0))!.host.sampleTime, 1_800_000_000, 'before the oldest: the oldest');
			assert.equal((await moment(1_800_000_000, 0))!.companion.reason, 'unknown schema version');
			assert.deepEqual((await moment(1_800_000_001, 0, 'web'))!.containerHistory.map(entry => [entry.sampleTime, entry.memUsed]), [[1_800_000_000, 7 * MIB], [1_800_000_001, 7 * MIB]]);
			assert.equal(await reader.momentAt('ghost', null, 0, null), null);
			// Following the newest from a moment held: only what is newer, or 'unchanged' when nothing is.
			assert.equal(await reader.momentAt('node-a', null, 0, null, 1_800_000_002), 'unchanged');
			const newer = await reader.momentAt('node-a', null, 0, null, 1_800_000_000);
			assert.ok(newer !== 'unchanged' && newer !== null);
			assert.deepEqual([newer.host.sampleTime, newer.history.map(row => row.sampleTime)], [1_800_000_002, [1_800_000_001]], 'the history after the one held only');
		});

		test('placeholders, sample_time 0, NULL metrics, slot gaps, unknown sources, writers interleaved, no companion table', async () => {
			const table = parseTableName('ops.tolerant');
			await client.query('CREATE SCHEMA ops');
			await setUpTables(client, table, 16);
			for (let second = 0; second < 4; second++) {
				for (const [node, source] of [['x', 'collectd-v9'], ['y', 'dbtop']] as const) {
					await writeSample(client, table, {rows: [ringRow({node_name: node, source, sample_time: 1_800_000_000 + second, cpu_user_pct: second === 1 ? null : 50})], companion: null});
				}
			}

			// A placeholder another writer left with sample_time 0 and a node name; gaps in the slots.
			await client.query(`UPDATE ops.tolerant SET sample_time = 0, node_name = 'ghost' WHERE slot = 16`);
			await client.query(`DELETE FROM ops.tolerant WHERE slot IN (3, 4, 15)`);
			await client.query('DROP TABLE ops.tolerant_dbtop');

			const reader = await open('ops.tolerant');
			const description = await reader.describe();
			assert.deepEqual([description.hasCompanion, description.missingColumns], [false, []]);
			assert.deepEqual(
				(await reader.nodes()).map(node => [node.name, node.newest.sampleTime, node.newest.source]),
				[
					['x', 1_800_000_003, 'collectd-v9'],
					['y', 1_800_000_003, 'dbtop'],
				],
			);
			// Slots 3 and 4 held second 1: gone, so the step goes from 2 straight to 0.
			const at = await reader.nodeSampleAt('x', 1_800_000_002);
			assert.deepEqual([at?.previousTime, at?.nextTime, at?.history.map(entry => entry.sampleTime)], [1_800_000_000, 1_800_000_003, [1_800_000_000]]);
			assert.equal(at?.host.cpu.user, 50);
			assert.equal(at?.host.cpu.total, null);
			assert.equal(await reader.span('ghost'), null);
			assert.deepEqual(await reader.companionAt('x', 1_800_000_002), {companion: null, reason: 'no companion table'});
			assert.deepEqual(await reader.containersAt('x', null), {sampleTime: null, containers: []});
		});

		test('a table missing columns is read for the rest and says which are missing; no table and a table that is no ring are named', async () => {
			await client.query(`CREATE TABLE thin (slot integer, sample_time bigint, node_flag boolean, node_name text, cpu_total_pct real, mem_total_mb integer);
				INSERT INTO thin VALUES (1, 1800000000, true, 'n', 12.5, 2), (2, 1800000001, true, 'n', NULL, 3), (3, NULL, true, '', NULL, NULL)`);
			const reader = await open('thin');
			const description = await reader.describe();
			assert.deepEqual(description.columns, ['slot', 'sample_time', 'node_flag', 'node_name', 'cpu_total_pct', 'mem_total_mb']);
			assert.ok(description.missingColumns.includes('master_flag') && description.missingColumns.includes('container_name') && description.missingColumns.includes('source'));
			assert.deepEqual((await reader.nodes()).map(node => [node.name, node.newest.sampleTime, node.newest.isMaster, node.containerCount]), [['n', 1_800_000_001, false, 0]]);
			const at = await reader.nodeSampleAt('n', 1_800_000_000);
			assert.deepEqual([at?.host.cpu.total, at?.host.memory.total, at?.host.load.one, at?.nextTime], [12.5, 2 * MIB, null, 1_800_000_001]);
			assert.deepEqual(await reader.containersAt('n', null), {sampleTime: null, containers: []});

			await client.query('CREATE TABLE notring (id integer, node_name text)');
			await assert.rejects(open('notring'), (error: Error) => error instanceof TableError && error.message === 'table notring is not a ring: it has no columns slot, sample_time, node_flag');
			await assert.rejects(open('nowhere.ring'), (error: Error) => error instanceof TableError && error.message === 'no table nowhere.ring on the ring server');
		});

		test('a role with only CONNECT and SELECT reads everything, and the server logs nothing but reads from it', async () => {
			await client.query(`CREATE ROLE ring_viewer LOGIN PASSWORD 'viewer'; REVOKE ALL ON DATABASE postgres FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT CONNECT ON DATABASE postgres TO ring_viewer;
				GRANT SELECT ON recorded, recorded_dbtop TO ring_viewer`);
			const marker = async (name: string) => {
				await client.query(`SELECT '${name}'`);
				while (!log.includes(`SELECT '${name}'`)) await sleep(20);
				return log.lastIndexOf(`SELECT '${name}'`);
			};

			const start = await marker('reader-start');
			const reader = await open('recorded', 'ring_viewer', 'viewer');
			const describing = await marker('describe-start');
			assert.equal((await reader.describe()).hasCompanion, true);
			assert.deepEqual(loggedBy(log.slice(describing, await marker('describe-end')), READER_APP).entries, [], 'describe() sends no statement');
			const nodes = await reader.nodes();
			assert.deepEqual(nodes.map(node => node.name), ['node-a', 'node-b']);
			assert.equal((await reader.span('node-a'))?.newest, 1_800_000_002);
			const at = await reader.nodeSampleAt('node-a', 1_800_000_001);
			assert.equal(at?.host.cpu.total, 11);
			assert.equal((await reader.containersAt('node-a', 1_800_000_001)).containers.length, 2);
			assert.equal((await reader.companionAt('node-a', 1_800_000_001)).reason, null);
			await reader.close();
			const end = await marker('reader-end');

			const {entries, statements} = loggedBy(log.slice(start, end), READER_APP);
			assert.ok(statements.length > 10, `the log holds the reader's statements: ${entries.slice(0, 5).join('\n')}`);
			assert.deepEqual(entries.filter(entry => /\|(ERROR|FATAL):/.test(entry)), []);
			assertOnlyReads(statements);
			assert.ok(statements.includes('BEGIN READ ONLY'));
		});

		test('every query is an index scan on a ring of 100,000 rows from 20 nodes with containers', async () => {
			const table = parseTableName('big');
			await setUpTables(client, table, 100_000);
			await client.query(`UPDATE big SET sample_time = 1800000000 + slot / 25, node_name = 'node-' || (slot / 5 % 20), node_flag = slot % 5 <> 0,
				container_name = CASE WHEN slot % 5 = 0 THEN 'c' || (slot % 3) END, master_flag = slot / 5 % 20 = 1 AND slot % 5 <> 0, source = 'dbtop', cpu_total_pct = slot % 100`);
			await client.query('ANALYZE big');
			const reader = await open('big');
			const nodes = await reader.nodes();
			assert.equal(nodes.length, 20);
			assert.deepEqual(nodes.filter(node => node.newest.isMaster).map(node => node.name), ['node-1']);
			assert.ok(nodes.every(node => node.containerCount === 1));

			for (const {name, plan} of await readerPlans(client, reader.queries, 'node-3', 1_800_002_000)) {
				assert.ok(plan, name);
				assert.deepEqual(seqScans(plan), [], `${name}:\n${plan}`);
				assert.match(plan, /Index (Only )?Scan/, `${name}:\n${plan}`);
			}
		});
	});
}
