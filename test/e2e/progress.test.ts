// dbtop against a real server (PostgreSQL 18, wal_level=logical) with a long operation running and
// a logical replication slot nobody reads: `--json` lists both, and in a real terminal the slot is
// on the Sessions pane and fires its alert, with a config of small thresholds in XDG_CONFIG_HOME.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';

const NO_ENGINE = ['--docker', 'unix:///nonexistent/dbtop-test.sock'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-progress-e2e-'));
let server: TestServer;

before(async () => {
	server = await startPostgres(18, {wal_level: 'logical'});
	// A logical slot nobody reads: it retains the WAL written from now on.
	await server.sql("SELECT pg_create_logical_replication_slot('decoder', 'test_decoding')");
	await server.sql('CREATE TABLE big AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 300000) g');
	await server.sql('DELETE FROM big WHERE id % 2 = 0');
});

after(async () => {
	await server.stop();
	rmSync(dir, {recursive: true, force: true});
});

test('--json: postgres.progress[] holds a running VACUUM, postgres.slots[] the slot and the WAL it retains', async () => {
	const vacuuming = await server.connect({application: 'vacuuming'});
	const pid = Number((await vacuuming.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	await vacuuming.query("SET vacuum_cost_delay = '50ms'; SET vacuum_cost_limit = 1");
	const running = vacuuming.query('VACUUM big').catch((error: Error) => error.message);
	try {
		for (let tries = 0; (await server.sql(`SELECT 1 FROM pg_stat_progress_vacuum WHERE pid = ${pid} AND heap_blks_scanned > 0`)).rowCount === 0; tries++) {
			assert.ok(tries < 300, 'the vacuum never got under way');
			await sleep(50);
		}

		const result = spawnSync(process.execPath, [CLI, '--json', '--pg', server.url(), ...NO_ENGINE, '--interval', '300ms'], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(dir)});
		assert.equal(result.status, 0, result.stderr);
		const {postgres} = JSON.parse(result.stdout) as {postgres: any};
		const vacuum = postgres.progress.find((operation: any) => operation.pid === pid);
		assert.ok(vacuum, result.stdout);
		assert.deepEqual(
			{...vacuum, done: typeof vacuum.done, total: typeof vacuum.total, pct: typeof vacuum.pct},
			{pid, operation: 'vacuum', command: 'VACUUM', phase: 'scanning heap', relation: 'public.big', database: 'postgres', done: 'number', total: 'number', pct: 'number', unit: 'blocks'},
		);
		assert.ok(vacuum.done > 0 && vacuum.done < vacuum.total && vacuum.pct === (vacuum.done / vacuum.total) * 100);
		assert.equal(postgres.slots.length, 1);
		const [slot] = postgres.slots;
		assert.deepEqual(
			{name: slot.name, type: slot.type, active: slot.active, walStatus: slot.walStatus, database: slot.database},
			{name: 'decoder', type: 'logical', active: false, walStatus: 'reserved', database: 'postgres'},
		);
		assert.ok(slot.retainedBytes > 1024 ** 2, `the table's WAL: ${slot.retainedBytes}`);
		assert.ok(slot.inactiveSec > 0);
		assert.equal(postgres.server.slots, undefined, 'the slots are beside the server, not in it');
	} finally {
		await server.sql(`SELECT pg_cancel_backend(${pid})`);
		await running;
		await vacuuming.end();
	}
});

test('an inactive slot retaining WAL fires its alert, and the Sessions pane shows it in the alert\'s colour', async () => {
	const config = path.join(dir, 'config', 'dbtop', 'config.json');
	mkdirSync(path.dirname(config), {recursive: true});
	const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
	rules['slot-inactive'] = {warning: 1, critical: 2};
	writeFileSync(config, JSON.stringify({rules}));
	const term = openTerminal([process.execPath, CLI, '--pg', server.url(), ...NO_ENGINE, '--interval', '500ms'], {columns: 140, rows: 40, env: {XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_STATE_HOME: path.join(dir, 'state')}});
	try {
		term.keys('3');
		await term.waitFor(/^slots decoder logical inactive \S+ \S+|· slots decoder logical inactive \S+ \S+/m, 20_000);
		const fired = await term.waitFor(/every 500ms 1 crit/, 20_000);
		assert.match(term.screen({escapes: true}), /decoder \u001B\[31mlogical inactive/, 'red: past the critical threshold');
		assert.match(fired, / 3 Sessions! /, 'the Sessions tab is marked');
		term.keys('6');
		await term.waitFor(/^[> ]  CRIT firing +\S+ +postgres:decoder +Replication slot inactive: \S+ \(critical above 2s\)/m);
		term.keys('q');
		assert.equal(await term.exitStatus(), '0');
	} finally {
		term.close();
	}
});
