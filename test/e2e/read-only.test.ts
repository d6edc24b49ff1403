// `dbtop --read-only` in a real terminal: READ-ONLY in the header, and the keys that would signal
// a process, cancel or terminate a backend or acknowledge an alert only say they are not available.
// Nothing is signalled, cancelled, terminated or acknowledged. --pg: a test server; --docker: none;
// XDG dirs and HOME: the test's own.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {textWidth} from '../../views/text-width.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';

const MARKER = `dbtop-read-only-${process.pid}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-read-only-'));
let server: TestServer;
let victimPid = 0;
let child: ChildProcess;

before(async () => {
	server = await startPostgres(18);
	const victim = await server.connect({application: 'victim'});
	victimPid = Number((await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	void victim.query('SELECT pg_sleep(600)').catch(() => {});
	child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e5)', MARKER], {stdio: 'ignore'});
});

after(async () => {
	child.kill('SIGKILL');
	await server.stop();
	rmSync(dir, {recursive: true, force: true});
});

test('--read-only at 80x24 under NO_COLOR: READ-ONLY in the header; k, c, x, a and A say they are not available and change nothing', async () => {
	// One service check of a process that does not run: one critical alert to acknowledge.
	const config = path.join(dir, 'config.json');
	writeFileSync(config, JSON.stringify({rules: Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}])), checks: {absent: {process: `dbtop-absent-${process.pid}`}}}));
	const command = [process.execPath, CLI, '--read-only', '--pg', server.url(), '--docker', 'unix:///nonexistent/dbtop-test.sock', '--config', config, '--user', 'ops', '--interval', '500ms'];
	const term = openTerminal(command, {columns: 80, rows: 24, env: pinnedEnv(dir, {NO_COLOR: '1'})});
	try {
		const screen = await term.waitFor(/PID USER.*COMMAND/);
		assert.match(screen.split('\n')[0]!, /^dbtop .* READ-ONLY ?$/);
		assert.ok(Math.max(...screen.split('\n').map(line => textWidth(line))) <= 80);
		assert.match(screen, /^ 1 Processes {2}2 Host/m, 'nothing pushed off');

		term.keys('6');
		await term.waitFor(/^Alerts 1 open/m, 20_000);
		term.keys('a');
		await term.waitFor(/read-only: acknowledging an alert is not available/);
		term.keys('A');
		await term.waitFor(/read-only: acknowledging alerts is not available/);

		term.keys('3', '/');
		term.type('app:victim');
		term.keys('Enter');
		await term.waitFor(new RegExp(`^> +${victimPid} `, 'm'));
		term.keys('c');
		await term.waitFor(/read-only: cancelling a query is not available/);
		term.keys('x');
		await term.waitFor(/read-only: terminating a backend is not available/);

		term.keys('1', '/');
		term.type(MARKER);
		term.keys('Enter', 'Enter');
		await term.waitFor(new RegExp(`Process ${child.pid} node`));
		term.keys('k');
		await term.waitFor(/read-only: signalling a process is not available/);
		term.keys('q');
		assert.equal(await term.exitStatus(), '0');
	} finally {
		term.close();
	}

	assert.equal(child.exitCode, null, 'the process runs on');
	assert.equal(child.signalCode, null);
	const {rows} = await server.sql(`SELECT state, query FROM pg_stat_activity WHERE pid = ${victimPid}`);
	assert.deepEqual(rows, [{state: 'active', query: 'SELECT pg_sleep(600)'}], 'the backend runs on, its query not cancelled');
	const stateFile = path.join(dir, 'state', 'dbtop', 'alerts.json');
	const saved = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as {alerts: Array<{state: string}>}).alerts : [];
	assert.deepEqual(saved.filter(alert => alert.state !== 'firing'), [], 'no alert acknowledged');
});
