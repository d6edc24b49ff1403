// Alerts end to end: a real lock wait fires an alert in a real terminal, the bell rings, `a`
// acknowledges it with a note, and after a restart of dbtop it is still acknowledged; `A`
// acknowledges several alerts with one write of the state file.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, watch, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-alerts-'));
let server: TestServer;
let waiterPid = 0;

before(async () => {
	server = await startPostgres(18);
	await server.sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
	await server.sql('INSERT INTO accounts VALUES (1, 0)');
	const holder = await server.connect({application: 'holder'});
	const waiter = await server.connect({application: 'waiter'});
	waiterPid = Number((await waiter.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	await holder.query('BEGIN');
	await holder.query('UPDATE accounts SET balance = 1 WHERE id = 1');
	void waiter.query('UPDATE accounts SET balance = 2 WHERE id = 1').catch(() => {});
});

after(async () => {
	await server.stop();
	rmSync(dir, {recursive: true, force: true});
});

/** dbtop on the test server with only the lock-wait rule, at thresholds a test can wait for. */
function dbtop(...flags: string[]): Terminal {
	const config = path.join(dir, 'config.json');
	const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
	rules['lock-wait'] = {warning: 1, critical: 2};
	writeFileSync(config, JSON.stringify({rules}));
	const command = [process.execPath, CLI, '--pg', server.url(), '--docker', 'unix:///nonexistent/dbtop-test.sock', '--config', config, '--user', 'ops', '--interval', '500ms', ...flags];
	return openTerminal(command, {columns: 140, rows: 40, env: {XDG_STATE_HOME: path.join(dir, 'state')}});
}

/** q, and dbtop exits cleanly (the state file is written as alerts change, not only on exit). */
async function quit(term: Terminal): Promise<void> {
	term.keys('q');
	assert.equal(await term.exitStatus(), '0', `dbtop did not exit on q:\n${term.screen()}`);
}

test('a lock wait fires, rings the bell, marks the pane and the row; a acknowledges it with a note; a restart keeps the acknowledgement', async () => {
	const first = dbtop('--bell');
	try {
		await first.waitFor(/ 6 Alerts/);
		first.keys('6');
		const row = new RegExp(`^[> ]  CRIT firing +\\S+ +postgres:${waiterPid} .* Waiting on a lock: [\\d.]+s \\(critical above 2s\\)`, 'm');
		const fired = await first.waitFor(row, 20_000);
		assert.match(fired, /every 500ms 1 crit/);
		assert.match(fired, / 4 Locks! /, 'the Locks tab is marked');
		assert.equal(first.format('#{window_bell_flag}'), '1', 'the bell rang');
		first.keys('4');
		await first.waitFor(new RegExp(`^[> ]! └─ ${waiterPid} `, 'm'));
		first.keys('6');
		await first.waitFor(/^Alerts 1 open/m);
		first.keys('a');
		await first.waitFor(/Note \(optional\): /);
		first.type('vacuum holds it, on it');
		first.keys('Enter');
		const taken = await first.waitFor(/acknowledged 1 alert as ops/);
		assert.match(taken, new RegExp(`^[> ]  CRIT acknowledged .*postgres:${waiterPid} .* · ack ops: vacuum holds it, on it`, 'm'));
		assert.doesNotMatch(taken.split('\n')[0]!, /crit/, 'the header no longer counts it');
		assert.match(taken, / 4 Locks {2}5 /, 'nor does the tab mark it');
		await quit(first);
	} finally {
		first.close();
	}

	const saved = JSON.parse(readFileSync(path.join(dir, 'state', 'dbtop', 'alerts.json'), 'utf8')) as {alerts: Array<{rule: string; state: string; acknowledgedBy: string; note: string}>};
	assert.deepEqual(
		saved.alerts.map(alert => [alert.rule, alert.state, alert.acknowledgedBy, alert.note]),
		[['lock-wait', 'acknowledged', 'ops', 'vacuum holds it, on it']],
	);

	const second = dbtop();
	try {
		await second.waitFor(/ 6 Alerts/);
		second.keys('6');
		await second.waitFor(new RegExp(`^[> ]  CRIT acknowledged .*postgres:${waiterPid} .* · ack ops: vacuum holds it, on it`, 'm'), 20_000);
		second.keys('Enter');
		const detail = await second.waitFor(/^Acknowledged +by ops at /m);
		assert.match(detail, /^CRITICAL Waiting on a lock · acknowledged · Esc back$/m);
		assert.match(detail, /· note: vacuum holds it, on it$/m);
		assert.match(detail, /^Rule +lock-wait: pg\.lockWaitSec above · warning 1s · critical 2s$/m);
		await quit(second);
	} finally {
		second.close();
	}
});

test('A acknowledges three alerts with one write of the state file (--pg: the test server; XDG_STATE_HOME: the test\'s)', async () => {
	// Three service checks of processes that do not run: three critical alerts, and nothing else.
	const config = path.join(dir, 'config-checks.json');
	const checks = Object.fromEntries(['one', 'two', 'three'].map(name => [name, {process: `dbtop-absent-${name}`}]));
	writeFileSync(config, JSON.stringify({rules: Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}])), checks}));
	const stateHome = path.join(dir, 'state-checks');
	const term = openTerminal([process.execPath, CLI, '--pg', server.url(), '--docker', 'unix:///nonexistent/dbtop-test.sock', '--config', config, '--user', 'ops', '--interval', '500ms'], {columns: 140, rows: 40, env: {XDG_STATE_HOME: stateHome}});
	const names: string[] = [];
	try {
		term.keys('6');
		await term.waitFor(/^Alerts 3 open/m, 20_000);
		// Each write renames a new file over the state file: one event that names alerts.json.
		const watcher = watch(path.join(stateHome, 'dbtop'), (_event, name) => names.push(String(name)));
		try {
			term.keys('A');
			await term.waitFor(/Acknowledge all 3 unacknowledged alerts in the list\? y\/n/);
			term.keys('y');
			await term.waitFor(/acknowledged 3 alerts as ops/);
			await quit(term);
			// Events arrive in order: once the marker's has, those of dbtop's writes have.
			writeFileSync(path.join(stateHome, 'dbtop', 'marker'), '');
			while (!names.includes('marker')) await sleep(20);
		} finally {
			watcher.close();
		}
	} finally {
		term.close();
	}

	assert.equal(names.filter(name => name === 'alerts.json').length, 1, names.join(' '));
	const saved = JSON.parse(readFileSync(path.join(stateHome, 'dbtop', 'alerts.json'), 'utf8')) as {alerts: Array<{state: string; acknowledgedBy: string}>};
	assert.deepEqual(
		saved.alerts.map(alert => [alert.state, alert.acknowledgedBy]),
		[['acknowledged', 'ops'], ['acknowledged', 'ops'], ['acknowledged', 'ops']],
	);
});
