// dbtop against a real server: the locks pane in a real terminal, and the JSON snapshot.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import type pg from 'pg';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {lockChain, startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';
import {textWidth} from '../../views/text-width.js';

// No container engine: this file is about Postgres.
const NO_ENGINE = ['--docker', 'unix:///nonexistent/dbtop-test.sock'];
const home = mkdtempSync(path.join(os.tmpdir(), 'dbtop-pg-e2e-'));
let server: TestServer;
const clients: pg.Client[] = [];
let pids: number[] = [];

before(async () => {
	server = await startPostgres(18);
	await server.sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
	await server.sql('INSERT INTO accounts VALUES (1, 0), (2, 0)');
	for (const application of ['root-holder', 'first-waiter', 'second-waiter']) {
		clients.push(await server.connect({application}));
	}

	pids = await Promise.all(clients.map(async client => Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid)));
	const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
	await lockChain(a, b, c);
});

after(async () => {
	await Promise.all(clients.map(async client => client.end().catch(() => {})));
	await server.stop();
	rmSync(home, {recursive: true, force: true});
});

test('the locks pane shows the real chain as a tree, and c cancels after a question', async () => {
	const term = openTerminal([process.execPath, CLI, '--pg', server.url(), ...NO_ENGINE, '--interval', '500ms', '--interval', 'postgres-locks=500ms'], {columns: 160, rows: 40});
	try {
		term.keys('4');
		const [a, b, c] = pids;
		const screen = await term.waitFor(new RegExp(`└─ ${b}[\\s\\S]*└─ ${c}`), 15_000);
		assert.match(screen, /Locks 1 blocking chain, 2 waiting/);
		assert.match(screen, new RegExp(`^> {2}${a} +postgres +root-holder +idle in trans +\\d+s {8}RowExclusiveLock`, 'm'));
		assert.match(screen, new RegExp(`^ [! ] └─ ${b} +postgres +first-waiter +active +\\d+s +\\d+s ShareLock transactionid +UPDATE accounts SET balance = 2 WHERE id = 1`, 'm'));
		assert.match(screen, new RegExp(`^ [! ] {4}└─ ${c} +postgres +second-waiter +active`, 'm'));
		term.keys('Down', 'Down', 'c');
		await term.waitFor(new RegExp(`Cancel the query of ${c} \\(postgres: UPDATE accounts SET balance = 3`));
		term.keys('y');
		await term.waitFor(new RegExp(`cancelled the query of ${c}`));
		const after = await term.waitFor(/Locks 1 blocking chain, 1 waiting/, 10_000);
		assert.doesNotMatch(after, new RegExp(`└─ ${c}`));
	} finally {
		term.close();
	}
});

test('the lock drill at 80x24: the root blocker\'s application, state and transaction age, and both UPDATEs told apart', async () => {
	// A server of its own: the chain above would be a second one here.
	const drill = await startPostgres(18);
	const term = openTerminal([process.execPath, CLI, '--pg', drill.url(), ...NO_ENGINE, '--interval', '500ms', '--interval', 'postgres-locks=500ms'], {columns: 80, rows: 24});
	try {
		await drill.sql('CREATE TABLE t (id int PRIMARY KEY, v int)');
		await drill.sql('INSERT INTO t VALUES (1, 0)');
		const [root, plusOne, zero] = (await Promise.all(['billing-batch', 'web-1', 'psql'].map(async application => drill.connect({application})))) as [pg.Client, pg.Client, pg.Client];
		const [rootPid, plusOnePid, zeroPid] = await Promise.all([root, plusOne, zero].map(async client => Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid)));
		await root.query('BEGIN');
		await root.query('SELECT * FROM t WHERE id=1 FOR UPDATE');
		term.keys('4');
		void plusOne.query('UPDATE t SET v=v+1 WHERE id=1').catch(() => {});
		await term.waitFor(/Locks 1 blocking chain, 1 waiting/, 15_000);
		void zero.query('UPDATE t SET v=0 WHERE id=1').catch(() => {});
		// Until the sessions sample has caught up with the locks sample: the second UPDATE is running.
		const screen = await term.waitFor(new RegExp(`└─ ${plusOnePid}[\\s\\S]*└─ ${zeroPid} +psql +active`), 15_000);
		const lines = screen.split('\n');
		const line = (pid: number) => lines.find(candidate => new RegExp(`^[> ][! ] [│├└─ ]*${pid} `).test(candidate)) ?? '';
		assert.match(screen, /^ {3}PID +APP +STATE +XACT WAITED QUERY *$/m);
		assert.match(line(rootPid), /^>[! ] \d+ +billing-batch +idle in trans +\d+s {8}SELECT \* FROM t/);
		assert.match(line(plusOnePid), / web-1 +active +\d+s +\d+s UPDATE t SET v=v\+1 W/);
		assert.match(line(zeroPid), / psql +active +\d+s +\d+s UPDATE t SET v=0 WH/);
		assert.match(lines[0]!, /^dbtop /, 'the header is one line');
		assert.match(lines[1]!, /^CPU /);
		assert.ok(lines.every(candidate => textWidth(candidate) <= 80), 'every line within 80 columns');
	} finally {
		term.close();
		await drill.stop();
	}
});

test('a filter pattern that backtracks for ever on a query (a+)+$ does not freeze dbtop: q still quits', async () => {
	const client = await server.connect({application: 'redos'});
	// The query text ends in 40 a's and a "!": a backtracking engine takes 2^40 steps to fail on it.
	const running = client.query(`SELECT pg_sleep(600) AS "${'a'.repeat(40)}!"`).catch(() => {});
	const term = openTerminal([process.execPath, CLI, '--pg', server.url(), ...NO_ENGINE, '--interval', '500ms'], {columns: 160, rows: 40});
	try {
		term.keys('3');
		await term.waitFor(/ redos .* active /, 15_000);
		term.keys('/');
		term.type('(a+)+$');
		term.keys('Enter');
		await term.waitFor(/Sessions 0 shown/, 10_000);
		term.keys('q');
		assert.equal(await term.exitStatus(10_000), '0');
	} finally {
		// Were it spinning, dbtop would not hear the hang-up that closing the terminal sends.
		const shell = term.format('#{pane_pid}');
		if (shell !== '') spawnSync('pkill', ['-KILL', '-P', shell]);
		term.close();
		await client.end().catch(() => {});
		await running;
	}
});

test('--json has the server, the sessions, the users and the blocking tree', () => {
	const result = spawnSync(process.execPath, [CLI, '--json', '--pg', server.url(), ...NO_ENGINE, '--interval', '300ms'], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(home)});
	assert.equal(result.status, 0, result.stderr);
	const {postgres} = JSON.parse(result.stdout) as {postgres: any};
	assert.equal(postgres.target, `postgres@127.0.0.1:${server.port}/postgres`);
	assert.equal(postgres.server.maxConnections, 100);
	assert.match(postgres.server.version, /^18\./);
	const holder = postgres.sessions.find((session: any) => session.application === 'root-holder');
	assert.equal(holder.state, 'idle in transaction');
	assert.equal(typeof holder.xactAgeSec, 'number');
	assert.ok(postgres.users.some((user: any) => user.user === 'postgres' && user.idleInTransaction >= 1));
	assert.equal(postgres.blocking.length, 1);
	assert.equal(postgres.blocking[0].pid, pids[0]);
	assert.equal(postgres.blocking[0].waiters[0].pid, pids[1]);
	assert.equal(postgres.blocking[0].waiters[0].mode, 'ShareLock');
	assert.equal(typeof postgres.blocking[0].waiters[0].waitSec, 'number');
	assert.equal(postgres.error, undefined);
});

test('--json with no server: the reason, and the rest of the snapshot', () => {
	const result = spawnSync(process.execPath, [CLI, '--json', '--pg', 'postgres://nobody@127.0.0.1:1/none', ...NO_ENGINE, '--interval', '200ms'], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(home)});
	assert.equal(result.status, 0, result.stderr);
	const snapshot = JSON.parse(result.stdout) as {postgres: {error: string}; processes: unknown[]};
	assert.match(snapshot.postgres.error, /cannot connect to nobody@127\.0\.0\.1:1\/none: .*ECONNREFUSED/);
	assert.ok(snapshot.processes.length > 0);
});

test('a bad --pg: one line naming it, exit 2', () => {
	const result = spawnSync(process.execPath, [CLI, '--json', '--pg', 'host=db bogus=1'], {encoding: 'utf8', env: pinnedEnv(home)});
	assert.equal(result.status, 2);
	assert.equal(result.stderr, 'dbtop: --pg: unknown key "bogus" (accepted: host, hostaddr, port, user, dbname, password, passfile, sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, options, service, target_session_attrs)\n');
});
