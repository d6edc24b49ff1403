// `dbtop check`: exit codes from real conditions on this machine and a real Postgres server, steered by the config.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {lockChain, startPostgres} from '../helpers/postgres.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-check-'));
after(() => rmSync(dir, {recursive: true, force: true}));

/** A config with every built-in rule off but a filesystem rule with the given thresholds on every mount (a scope matches the resources that contain it, and every mount path contains `/`). */
function config(name: string, warning: number | null, critical: number | null): string {
	const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
	rules['fs-free'] = {title: 'Free space', metric: 'host.fsFreePct', comparison: 'below', warning, critical, scope: '/'};
	const file = path.join(dir, `${name}.json`);
	writeFileSync(file, JSON.stringify({rules}));
	return file;
}

/**
 * `dbtop check` with a state directory of the test's (or the one given). It names no server unless
 * the test does (`--pg`), and with none named a check does not count Postgres or the engine.
 */
function checkIn(stateHome: string, ...args: string[]) {
	const env = pinnedEnv(dir, {XDG_STATE_HOME: stateHome});
	const result = spawnSync(process.execPath, [CLI, 'check', '--interval', '200ms', ...args], {encoding: 'utf8', timeout: 60_000, env});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const check = (...args: string[]) => checkIn(path.join(dir, 'state'), ...args);

test('OK: exit 0 and a summary line', () => {
	const {code, stdout} = check('--config', config('ok', 0.000_001, null));
	assert.equal(code, 0);
	assert.equal(stdout, 'dbtop check: OK: 0 critical, 0 warning\n');
});

test('WARNING: exit 1, one line per firing alert', () => {
	const {code, stdout} = check('--config', config('warning', 101, null));
	assert.equal(code, 1);
	assert.match(stdout, /^WARNING fs-free \/.*: Free space: [\d.]+% \(warning below 101%\)$/m);
	assert.match(stdout, /^dbtop check: WARNING: 0 critical, [1-9]\d* warning$/m);
});

test('CRITICAL: exit 2; --json gives the same as JSON', () => {
	const file = config('critical', 101, 101);
	assert.equal(check('--config', file).code, 2);
	const {code, stdout} = check('--config', file, '--json');
	assert.equal(code, 2);
	const result = JSON.parse(stdout) as {status: string; exitCode: number; alerts: Array<{rule: string; severity: string}>};
	assert.equal(result.status, 'CRITICAL');
	assert.equal(result.exitCode, 2);
	assert.ok(result.alerts.every(alert => alert.rule === 'fs-free' && alert.severity === 'critical'));
});

test('UNKNOWN: exit 3 when a named source cannot be read', () => {
	const {code, stdout} = check('--config', config('unknown', 0.000_001, null), '--pg', 'postgres://nobody@127.0.0.1:1/none');
	assert.equal(code, 3);
	assert.match(stdout, /^UNKNOWN postgres-sessions: cannot connect to nobody@127\.0\.0\.1:1\/none: .*ECONNREFUSED/m);
	assert.match(stdout, /^dbtop check: UNKNOWN: 0 critical, 0 warning, 1 unreadable$/m);
});

/** A config with every built-in rule off and the given service checks. */
function checksConfig(name: string, checks: Record<string, unknown>): string {
	const file = path.join(dir, `${name}.json`);
	writeFileSync(file, JSON.stringify({rules: Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}])), checks}));
	return file;
}

test('service checks: a process that runs, a port nobody listens on, a log file that is not there', async () => {
	// A port that was free a moment ago: nothing listens on it.
	const server = createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const {port} = server.address() as {port: number};
	server.close();
	await once(server, 'close');

	assert.deepEqual(check('--config', checksConfig('running', {node: {process: 'node'}})), {code: 0, stdout: 'dbtop check: OK: 0 critical, 0 warning\n', stderr: ''});
	const down = check('--config', checksConfig('port', {node: {process: 'node'}, api: {port, severity: 'critical'}}));
	assert.equal(down.code, 2);
	assert.equal(down.stdout, `CRITICAL api :${port}: TCP port ${port} listening: 0 (critical below 1)\ndbtop check: CRITICAL: 1 critical, 0 warning\n`);
	const missing = path.join(dir, 'missing.log');
	const unreadable = check('--config', checksConfig('log', {errors: {log: missing, pattern: 'ERROR'}}));
	assert.equal(unreadable.code, 3);
	assert.equal(unreadable.stdout, `UNKNOWN check:errors: ${missing}: no such file\ndbtop check: UNKNOWN: 0 critical, 0 warning, 1 unreadable\n`);
	const directory = check('--config', checksConfig('dir', {errors: {log: dir, pattern: 'ERROR'}}));
	assert.equal(directory.code, 3, 'a directory is not a log with nothing in it');
	assert.equal(directory.stdout, `UNKNOWN check:errors: ${dir}: a directory, not a log file\ndbtop check: UNKNOWN: 0 critical, 0 warning, 1 unreadable\n`);
});

test('a log check run from cron: each run counts what was written since the last one, over the window', () => {
	const log = path.join(dir, 'postgresql.log');
	writeFileSync(log, 'ERROR: before the first run\n');
	const file = checksConfig('cron', {errors: {log, pattern: 'ERROR|FATAL', window: '10m'}});
	const cron = path.join(dir, 'cron-state');
	assert.equal(checkIn(cron, '--config', file).code, 0, 'the first run starts at the end of the file');
	appendFileSync(log, 'LOG: fine\nERROR: one\nFATAL: two\n');
	const second = checkIn(cron, '--config', file);
	assert.equal(second.code, 1);
	assert.equal(second.stdout, `WARNING errors ${log}: Lines matching ERROR|FATAL in 10m: 2 (warning above 0)\ndbtop check: WARNING: 0 critical, 1 warning\n`);
	assert.equal(checkIn(cron, '--config', file).code, 1, 'still within the window with nothing new');
	assert.equal(check('--config', file).code, 0, 'another state directory starts afresh');
});

test('a log check whose pattern backtracks for ever on its lines, (a+)+$, ends promptly', () => {
	const log = path.join(dir, 'redos.log');
	writeFileSync(log, '');
	const file = checksConfig('redos', {nested: {log, pattern: '(a+)+$', window: '10m'}});
	const state = path.join(dir, 'redos-state');
	assert.equal(checkIn(state, '--config', file).code, 0);
	appendFileSync(log, `${'a'.repeat(40)}!\n`.repeat(100));
	// Killed, not asked, were it spinning: a busy event loop hears no SIGTERM.
	const result = spawnSync(process.execPath, [CLI, 'check', '--interval', '200ms', '--config', file], {encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: pinnedEnv(dir, {XDG_STATE_HOME: state})});
	assert.equal(result.signal, null, 'dbtop check ended by itself');
	assert.equal(result.stdout, 'dbtop check: OK: 0 critical, 0 warning\n');
});

test('--pg: a root blocker that has held others up past the warning is one line naming its pid and how many it holds up', async () => {
	const server = await startPostgres(18);
	const clients: pg.Client[] = [];
	try {
		await server.sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
		await server.sql('INSERT INTO accounts VALUES (1, 0), (2, 0)');
		for (let i = 0; i < 3; i++) clients.push(await server.connect());
		const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
		const pidOf = async (x: pg.Client) => Number((await x.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
		const [pa, pb] = [await pidOf(a), await pidOf(b)];
		await lockChain(a, b, c);
		// Only the blocker rule, warning past 1 s: wait until B has waited longer than that.
		const waited = async () => Number((await server.sql(`SELECT coalesce(max(extract(epoch FROM now() - waitstart)), 0) AS sec FROM pg_locks WHERE pid = ${pb} AND NOT granted`)).rows[0].sec);
		for (let i = 0; i < 100 && (await waited()) < 1.5; i++) await sleep(100);
		const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
		rules['blocker'] = {enabled: true, warning: 1};
		const file = path.join(dir, 'blocker.json');
		writeFileSync(file, JSON.stringify({rules}));
		const {code, stdout} = check('--config', file, '--pg', server.url());
		assert.match(stdout, new RegExp(`^WARNING blocker ${pa} postgres@postgres: Blocking others: \\d+s, holding up 2 sessions \\(warning above 1s\\)\ndbtop check: WARNING: 0 critical, 1 warning\n$`));
		assert.equal(code, 1);
	} finally {
		await Promise.all(clients.map(async client => client.end().catch(() => {})));
		await server.stop();
	}
});
