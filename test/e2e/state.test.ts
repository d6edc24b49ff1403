// The alert state directory when it cannot be written (under /proc, a file where a directory should
// be) and when several dbtop share it: the live monitor and `dbtop check` say so in a line and go
// on, never hang, never lose an acknowledgement. The world is pinned: no Postgres, no container
// engine (NO_SERVERS), the config and XDG_STATE_HOME of the test's own.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI, NO_SERVERS, pinnedEnv} from '../helpers/dbtop.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-state-'));
after(() => rmSync(dir, {recursive: true, force: true}));

// A parent that cannot be created: Node's recursive mkdir loops forever on it.
const UNCREATABLE = '/proc/1/nonexistent/state';

/** Polls until `condition` holds. */
async function waitUntil(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(20);
}

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

/** Live dbtop instances on one state directory, `--user` u0, u1, …, with `names.length` always-firing service checks (processes that do not run). */
function instances(count: number, names: readonly string[], stateHome: string): Terminal[] {
	const file = config(`shared-${count}`, {checks: Object.fromEntries(names.map(name => [name, {process: `dbtop-absent-${name}`}]))});
	return Array.from({length: count}, (_, index) =>
		openTerminal([process.execPath, CLI, ...NO_SERVERS, '--config', file, '--user', `u${index}`, '--interval', '500ms'], {columns: 140, rows: 30, env: {XDG_STATE_HOME: stateHome}}),
	);
}

/** Acknowledges, in a terminal on the Alerts pane, the one alert whose text matches `name`, then clears the filter. */
async function acknowledgeOne(term: Terminal, name: string, user: string): Promise<void> {
	term.keys('/');
	term.type(name);
	term.keys('Enter');
	await term.waitFor(new RegExp(`filter "${name}"`));
	term.keys('a');
	await term.waitFor(/Note \(optional\): /);
	term.keys('Enter');
	await term.waitFor(new RegExp(`acknowledged 1 alert as ${user}`));
	term.keys('/', ...Array.from(name, () => 'BSpace'), 'Enter');
	await term.waitFor(screen => !screen.includes('filter "'));
}

type Saved = {alerts: Array<{rule: string; resource: string; state: string; acknowledgedBy: string | null}>};

for (const count of [2, 5]) {
	test(`${count} live instances on one XDG_STATE_HOME each acknowledge a different alert: every instance shows them all within seconds, and the file holds them all${count === 2 ? '; a writer killed holding the lock loses nothing' : ''}`, async () => {
		const stateHome = path.join(dir, `shared-state-${count}`);
		const names = Array.from({length: count}, (_, index) => `check${index}`);
		const terms = instances(count, names, stateHome);
		try {
			for (const term of terms) {
				term.keys('6');
				await term.waitFor(new RegExp(`^Alerts ${count} open`, 'm'), 30_000);
			}

			if (count === 2) {
				// A writer killed with SIGKILL while it holds the lock, with its temporary half written.
				const file = path.join(stateHome, 'dbtop', 'alerts.json');
				const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(`${file}.lock`)}, String(process.pid), {flag: 'wx'}); require('fs').writeFileSync(${JSON.stringify(file)} + '.' + process.pid + '.1.tmp', '{"ver'); setInterval(() => {}, 1000)`]);
				await waitUntil(() => existsSync(`${file}.lock`));
				writer.kill('SIGKILL');
				await once(writer, 'exit');
			}

			for (const [index, term] of terms.entries()) await acknowledgeOne(term, `dbtop-absent-check${index}`, `u${index}`);
			for (const term of terms) {
				await term.waitFor(screen => (screen.match(/CRIT\s+acknowledged/g) ?? []).length === count, 15_000);
			}

			const saved = JSON.parse(readFileSync(path.join(stateHome, 'dbtop', 'alerts.json'), 'utf8')) as Saved;
			assert.deepEqual(
				saved.alerts.map(alert => [alert.state, alert.acknowledgedBy]).sort(),
				names.map((_, index) => ['acknowledged', `u${index}`]),
			);
			assert.deepEqual(readdirSync(path.join(stateHome, 'dbtop')), ['alerts.json']);
		} finally {
			for (const term of terms) term.close();
		}
	});
}
