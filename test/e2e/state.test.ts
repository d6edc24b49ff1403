// The alert state directory when it cannot be written (under /proc, a file where a directory should
// be) and when several dbtop share it: the live monitor and `dbtop check` say so in a line and go
// on, never hang, never lose an acknowledgement. The world is pinned: no Postgres, no container
// engine (NO_SERVERS), the config and XDG_STATE_HOME of the test's own.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI, NO_SERVERS, pinnedEnv} from '../helpers/dbtop.js';
import {openTerminal} from '../helpers/tmux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-state-'));
after(() => rmSync(dir, {recursive: true, force: true}));

// A parent that cannot be created: Node's recursive mkdir loops forever on it.
const UNCREATABLE = '/proc/1/nonexistent/state';

/** A config file with every built-in rule off and `rest` on top (rules, checks). */
function config(name: string, rest: Record<string, unknown>): string {
	const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
	const file = path.join(dir, `${name}.json`);
	writeFileSync(file, JSON.stringify({...rest, rules: {...rules, ...(rest['rules'] as object | undefined)}}));
	return file;
}

/** `dbtop check` with the given state home and no server named (then neither Postgres nor the engine counts); ends within the timeout or is killed (status null). */
function check(stateHome: string, ...args: string[]) {
	const env = pinnedEnv(dir, {XDG_STATE_HOME: stateHome});
	const result = spawnSync(process.execPath, [CLI, 'check', '--interval', '200ms', ...args], {encoding: 'utf8', timeout: 30_000, env});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

test(`live, XDG_STATE_HOME=${UNCREATABLE}: the first alert's save fails with a notice, and q still quits`, async () => {
	// Memory available below 101 % of it, that is, an alert at once.
	const file = config('memory', {rules: {memory: {warning: 101, critical: null, for: 0}}});
	const term = openTerminal([process.execPath, CLI, ...NO_SERVERS, '--config', file, '--user', 'ops', '--interval', '500ms'], {columns: 140, rows: 30, env: {XDG_STATE_HOME: UNCREATABLE}});
	try {
		await term.waitFor(/cannot save alerts to \/proc\/1\/nonexistent\/state\/dbtop\/alerts\.json/);
		term.keys('q');
		assert.equal(await term.exitStatus(), '0', `dbtop did not exit on q:\n${term.screen()}`);
	} finally {
		term.close();
	}
});

test(`dbtop check with a log check, XDG_STATE_HOME=${UNCREATABLE}: it ends`, () => {
	const log = path.join(dir, 'uncreatable.log');
	writeFileSync(log, 'ERROR: one\n');
	const {code, stderr} = check(UNCREATABLE, '--config', config('uncreatable', {checks: {errors: {log, pattern: 'ERROR'}}}));
	assert.notEqual(code, null, `dbtop check did not end: ${stderr}`);
});

for (const [what, stateHome] of [
	['a file', () => {
		const file = path.join(dir, 'state-is-a-file');
		writeFileSync(file, '');
		return file;
	}],
	['read-only (/sys, refused even to root)', () => '/sys'],
] as const) {
	test(`dbtop check with a log check, its state directory ${what}: the status the rules give, and the save failure in a line and in problems[]`, () => {
		const home = stateHome();
		const log = path.join(dir, 'unsaved.log');
		writeFileSync(log, 'ERROR: one\n');
		const file = config('unsaved', {checks: {errors: {log, pattern: 'ERROR'}}});
		const {code, stdout, stderr} = check(home, '--config', file);
		assert.equal(stderr, '');
		assert.equal(code, 0, stdout);
		const saveLine = new RegExp(`^dbtop check: cannot save log positions to ${home}/dbtop/log-positions\\.json: .+$`, 'm');
		assert.match(stdout, /^dbtop check: OK: 0 critical, 0 warning\n/);
		assert.match(stdout, saveLine);
		const json = check(home, '--config', file, '--json');
		assert.equal(json.code, 0, json.stdout);
		const result = JSON.parse(json.stdout) as {status: string; problems: string[]};
		assert.equal(result.status, 'OK');
		assert.equal(result.problems.length, 1);
		assert.match(`dbtop check: ${result.problems[0]}`, saveLine);
	});
}
