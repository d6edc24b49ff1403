// `dbtop --ring <conninfo>`, the replay screen, built and run in a real terminal (tmux) against
// real PostgreSQL 14 and 18: a ring dbtop's own writer wrote (a master node with companion rows,
// a node that stopped writing two hours ago without), read by a role with only CONNECT and SELECT
// on a server that logs every statement. The node picker, picking a node, an hour back, a step,
// a typed time, every pane, End following the newest as a writer writes, and quitting; the log
// holds nothing but reads. Then the ring server restarts mid-replay: dbtop says so, reads again,
// and keeps the node and the moment. Every run names its world: --ring only (a replay reads
// nothing else), no PG* variables, HOME and the XDG directories of the test's own.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type pg from 'pg';
import {RING_COLUMNS, type Companion} from '../../source/ring/contract.js';
import {parseTableName, setUpTables} from '../../source/ring/table.js';
import {writeSample} from '../../source/ring/writer.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {assertOnlyReads, CONTRACT_DDL, EXISTING_ROWS, loggedBy, ringRow} from '../helpers/ring.js';
import {openTerminal} from '../helpers/tmux.js';

const VIEWER_APP = 'dbtop-replay-screen';
const TABLE = parseTableName('fleet_ring');
const NOW = Math.floor(Date.now() / 1000);
/** The master's samples: one a minute for two hours, the newest a few seconds ago. */
const MASTER_TIMES = Array.from({length: 121}, (_, index) => NOW - 5 - (120 - index) * 60);

/** What dbtop record writes with a node row, minute by minute a little different. */
const companion = (minute: number): Companion => ({
	postgres: {target: 'postgres@db-a/shop', server: {version: '18.1', versionNum: 180_001, startedAt: (NOW - 86_400) * 1000, connections: 12, maxConnections: 100, xactPerSec: 250, cacheHitPct: 99.5, tuplesReadPerSec: 1000, tuplesWrittenPerSec: 100, deadlocks: 0, tempFiles: 0, tempBytes: 0, longestXactSec: 30, oldestXminAge: 10, standbys: []}, error: null},
	users: [{user: 'app', active: 1, idle: 1, idleInTransaction: 1, other: 0, total: 3, databases: []}],
	sessions: [
		{pid: 7001, database: 'shop', user: 'app', application: 'api', client: '10.0.0.5', backendType: 'client backend', state: 'idle in transaction', waitEventType: null, waitEvent: null, xactAgeSec: 120, queryAgeSec: 120, stateAgeSec: 100, query: 'UPDATE orders SET paid = true WHERE id = 1'},
		{pid: 7002, database: 'shop', user: 'batch', application: 'nightly', client: '10.0.0.6', backendType: 'client backend', state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', xactAgeSec: 60, queryAgeSec: 60, stateAgeSec: 60, query: `UPDATE orders SET total = total + ${minute} WHERE id = 1`},
	],
	blocking: [
		{pid: 7001, user: 'app', state: 'idle in transaction', mode: 'ExclusiveLock', lockType: 'transactionid', relation: null, waitSec: null, query: 'UPDATE orders SET paid = true WHERE id = 1', waiters: [{pid: 7002, user: 'batch', state: 'active', mode: 'ShareLock', lockType: 'transactionid', relation: null, waitSec: 60, query: `UPDATE orders SET total = total + ${minute} WHERE id = 1`, waiters: []}]},
	],
	processes: [{pid: 900 + minute, ppid: 1, user: 'postgres', cpuPct: 40, memPct: 2, rss: 50 * 1024 * 1024, state: 'R', cpuTime: 100, threads: 1, command: `postgres: batch shop minute-${minute}`}],
	alerts: [{id: 'lock-wait:postgres:pid 7002', rule: 'lock-wait', severity: 'warning', state: 'firing', source: 'postgres', resource: 'pid 7002', title: 'Waiting on a lock', value: 60, valueAtFiring: 30, firedAt: (NOW - 600) * 1000, lastChangedAt: (NOW - 600) * 1000, acknowledgedBy: null, acknowledgedAt: null, note: null, resolvedAt: null, message: 'pid 7002 waits on a lock'}],
});

/** A master node row with a container row, at a second. */
const masterRows = (time: number, minute: number) => [
	ringRow({node_name: 'db-a', master_flag: true, sample_time: time, cpu_total_pct: 10 + (minute % 50), cpu_user_pct: 8, mem_total_mb: 8192, mem_available_mb: 4096, load_1m: 1.25, interval_seconds: 60}),
	ringRow({node_name: 'db-a', container_name: 'pgbouncer', sample_time: time, cpu_total_pct: 2, c_rss_mb: 32, interval_seconds: 60}),
];

/** The local time as the header shows it. */
function localText(seconds: number): string {
	const date = new Date(seconds * 1000);
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The header's replay line: the second line of the screen. */
const replayLine = (screen: string) => screen.split('\n')[1] ?? '';

for (const major of MAJORS) {
	describe(`the replay screen on Postgres ${major}`, () => {
		let server: TestServer;
		let writer: pg.Client;
		let dir: string;
		let log = '';
		let viewerUrl: string;

		before(async () => {
			dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-replay-screen-'));
			server = await startPostgres(major, {log_statement: 'all', log_line_prefix: '%a|'}, {onLog: text => (log += text)});
			writer = await server.connect();
			await setUpTables(writer, TABLE, 1000);
			for (const [minute, time] of MASTER_TIMES.entries()) await writeSample(writer, TABLE, {rows: masterRows(time, minute), companion: companion(minute)});
			// A node of the existing writer's kind (no companion) that stopped writing two hours ago.
			for (let minute = 0; minute < 3; minute++) {
				await writeSample(writer, TABLE, {rows: [ringRow({node_name: 'db-b', source: 'psutil', sample_time: NOW - 7200 - (2 - minute) * 60, load_1m: 0.5, interval_seconds: 60})], companion: null});
			}

			// The existing writer's own table and rows, and a table with only some of the contract's columns.
			await writer.query(`CREATE SCHEMA existing; SET search_path = existing; ${CONTRACT_DDL}; ${EXISTING_ROWS}; RESET search_path`);
			await writer.query(`CREATE TABLE thin (slot integer, sample_time bigint, node_flag boolean, node_name text, cpu_total_pct real);
				INSERT INTO thin VALUES (1, ${NOW - 60}, true, 'thin-node', 12.5), (2, ${NOW}, true, 'thin-node', NULL), (3, NULL, true, '', NULL)`);
			await writer.query(`CREATE ROLE ring_viewer LOGIN PASSWORD 'viewer'; REVOKE ALL ON DATABASE postgres FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
				GRANT CONNECT ON DATABASE postgres TO ring_viewer; GRANT SELECT ON ${TABLE.sql}, ${TABLE.companionSql}, thin TO ring_viewer;
				GRANT USAGE ON SCHEMA existing TO ring_viewer; GRANT SELECT ON existing.monitor_samples_ring TO ring_viewer`);
			viewerUrl = `${server.url({user: 'ring_viewer', password: 'viewer'})}?application_name=${VIEWER_APP}`;
		});

		after(async () => {
			await writer?.end().catch(() => {});
			await server?.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		test('picker, pick, an hour back, a step, a typed time, every pane, End follows the newest as it is written, quit: the log holds nothing but reads', async () => {
			const from = log.length;
			const term = openTerminal([process.execPath, CLI, '--ring', viewerUrl, '--table', TABLE.text, '--interval', '500ms'], {columns: 120, rows: 32, env: pinnedEnv(dir)});
			try {
				// The picker first (no --node, two nodes), the one that stopped writing at the top.
				let screen = await term.waitFor(/Nodes 2 in 1 ring, 1 stopped writing/);
				const rows = screen.split('\n').filter(line => /^[> ] +db-[ab] /.test(line));
				assert.match(rows[0]!, /^> +db-b .* STOPPED /);
				assert.match(rows[1]!, /^ +db-a +\* .* yes +1 yes /);
				term.keys('Down', 'Enter');
				screen = await term.waitFor(/^node db-a \(master\) · .* · following the newest/m);
				assert.match(screen.split('\n')[0]!, /REPLAY/);
				assert.match(replayLine(screen), new RegExp(localText(MASTER_TIMES.at(-1)!)));
				await term.waitFor(new RegExp(`postgres: batch shop minute-120`));

				term.keys('{');
				screen = await term.waitFor(/ · 1h00m behind the newest/);
				assert.match(replayLine(screen), new RegExp(localText(MASTER_TIMES.at(-61)!)));
				await term.waitFor(/postgres: batch shop minute-60\b/);
				term.keys('Left');
				await term.waitFor(new RegExp(localText(MASTER_TIMES.at(-62)!)));
				term.keys('@');
				term.type('-30m');
				term.keys('Enter');
				// -30m from now: the row at or before it.
				const thirty = MASTER_TIMES.filter(time => time <= NOW - 1800).at(-1)!;
				await term.waitFor(new RegExp(localText(thirty)));

				// Every pane, as it was then.
				term.keys('2');
				await term.waitFor(/^Host/m);
				term.keys('3');
				await term.waitFor(/7002 shop +batch +active +Lock:/);
				term.keys('4');
				await term.waitFor(/└─ +7002 /);
				term.keys('5');
				await term.waitFor(/pgbouncer/);
				term.keys('6');
				await term.waitFor(/Waiting on a lock/);
				term.keys('a');
				await term.waitFor(/read-only replay: acknowledging an alert is not available/);
				term.keys('n');
				await term.waitFor(/Nodes 2 in 1 ring/);
				term.keys('Escape', '1');

				// End follows the newest again, and the screen advances as the writer writes.
				term.keys('End');
				await term.waitFor(/following the newest/);
				const next = NOW + 1;
				await writeSample(writer, TABLE, {rows: masterRows(next, 121), companion: companion(121)});
				await term.waitFor(new RegExp(`${localText(next)} · .*following the newest`));
				await term.waitFor(/postgres: batch shop minute-121/);
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}

			const {entries, statements} = loggedBy(log.slice(from), VIEWER_APP);
			assert.ok(statements.length > 20, `the log holds the replay's statements: ${entries.slice(0, 5).join('\n')}`);
			assert.deepEqual(entries.filter(entry => /\|(ERROR|FATAL):/.test(entry)), []);
			assertOnlyReads(statements);
		});

		test('the existing writer\'s ring: its one node shown first, NULL metrics as dashes, each companion pane says it has no data; a table missing columns says which', async () => {
			const term = openTerminal([process.execPath, CLI, '--ring', viewerUrl, '--table', 'existing.monitor_samples_ring'], {columns: 200, rows: 40, env: pinnedEnv(dir)});
			try {
				const screen = await term.waitFor(/^node ringtest-node \(master\) · /m);
				assert.match(screen, /no companion data for ringtest-node at this moment \(no companion table\)/);
				for (const key of ['3', '4', '6']) {
					term.keys(key);
					await term.waitFor(/no companion data for ringtest-node at this moment \(no companion table\)/);
				}

				term.keys('5');
				// The writer's container rows hold no memory: a dash, not 0.
				await term.waitFor(/web-server .* —\/—/);
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}

			const thin = openTerminal([process.execPath, CLI, '--ring', viewerUrl, '--table', 'thin'], {columns: 200, rows: 40, env: pinnedEnv(dir)});
			try {
				// The contract's columns but the five thin has.
				const lacking = Object.keys(RING_COLUMNS).length - 5;
				const screen = await thin.waitFor(new RegExp(`^node thin-node · .* · table lacks ${lacking} columns`, 'm'));
				assert.match(screen, new RegExp(`table thin lacks ${lacking} of the ring's columns, read as NULL: id, master_flag, container_name, `), 'which, in the notice at start');
				assert.match(screen, /CPU +\[ +—\]/, 'the newest row\'s NULL CPU');
				thin.keys('Left');
				await thin.waitFor(/CPU +\[\|+ +12\.5%\]/);
				thin.keys('q');
				assert.equal(await thin.exitStatus(), '0');
			} finally {
				thin.close();
			}
		});

		test('bad input before the screen opens: one line naming it and exit 2, in a terminal too', async () => {
			const cases: Array<[string[], RegExp]> = [
				[['--table', 'nosuch'], /^dbtop: --ring: no table nosuch on the ring server$/m],
				[['--table', TABLE.text, '--node', 'ghost'], /^dbtop: --node: no node "ghost" in .*\/postgres\/fleet_ring \(its nodes: db-a, db-b\)$/m],
				[['--table', TABLE.text, '--node', 'db-a', '--at', '2020-01-01 00:00'], /^dbtop: --at: 2020-01-01 00:00:00 is outside node db-a's samples \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-/m],
			];
			for (const [args, expected] of cases) {
				const term = openTerminal([process.execPath, CLI, '--ring', viewerUrl, ...args], {columns: 160, rows: 10, env: pinnedEnv(dir)});
				try {
					assert.equal(await term.exitStatus(), '2', args.join(' '));
					// A command that ends at once can have its first lines scrolled off as the pane takes its size.
					const screen = term.screen({history: true});
					assert.match(screen, expected);
					assert.equal(screen.split('\n').filter(line => line.startsWith('dbtop: ')).length, 1, 'one line');
					assert.ok(!screen.includes('viewer@') && !screen.includes(':viewer'), 'no password');
				} finally {
					term.close();
				}
			}
		});

				test('the ring server restarts mid-replay: dbtop says it cannot read it, reads again, and keeps the node and the moment', async () => {
			const term = openTerminal([process.execPath, CLI, '--ring', viewerUrl, '--table', TABLE.text, '--node', 'db-a', '--at', '-1h', '--interval', '500ms'], {columns: 120, rows: 32, env: pinnedEnv(dir)});
			try {
				const shown = MASTER_TIMES.filter(time => time <= NOW - 3600).at(-1)!;
				let screen = await term.waitFor(new RegExp(`^node db-a \\(master\\) · ${localText(shown)}`, 'm'));
				term.keys('3');
				await term.waitFor(/UPDATE orders SET total/);
				await server.down();
				screen = await term.waitFor(/ring unreadable: /, 30_000);
				assert.match(replayLine(screen), new RegExp(localText(shown)), 'the moment shown stays while the ring is down');
				await server.up();
				screen = await term.waitFor(current => !/ring unreadable/.test(current) && replayLine(current).includes(localText(shown)), 60_000);
				assert.match(screen, /UPDATE orders SET total/, 'the same pane, read again');
				term.keys('Left');
				await term.waitFor(new RegExp(localText(MASTER_TIMES[MASTER_TIMES.indexOf(shown) - 1]!)));
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}
		});
	});
}
