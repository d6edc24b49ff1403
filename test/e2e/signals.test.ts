// SIGTERM and SIGHUP to the live monitor in a real terminal: dbtop leaves as it does on q, with
// the normal screen and the cursor given back, and the alert state it saved as the alerts changed
// is what it was at the signal; and q, Ctrl-C and SIGTERM end it even while it is busy. The world
// is pinned: no Postgres, no container engine, the alert rules and the state file of the test's own.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {startCrowd} from '../helpers/crowd.js';
import {CLI, NO_SERVERS} from '../helpers/dbtop.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

/** The pid of dbtop (it names itself so) among the processes of a terminal's pane. */
function dbtopPid(term: Terminal): number {
	const children = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
	const queue = [Number(term.format('#{pane_pid}'))];
	for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
		if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dbtop') return pid;
		queue.push(...children(pid));
	}

	throw new Error('no dbtop in the pane');
}

type Saved = {alerts: Array<{rule: string; state: string; acknowledgedBy: string | null; note: string | null}>};

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
	test(`${signal}: dbtop exits as on q, gives the terminal back, and its alert state is saved as it was`, async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-signals-'));
		// One rule, one alert at once: memory available below 101 % of it, that is, always.
		const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
		rules['memory'] = {warning: 101, critical: null, for: 0};
		mkdirSync(path.join(dir, 'config', 'dbtop'), {recursive: true});
		writeFileSync(path.join(dir, 'config', 'dbtop', 'config.json'), JSON.stringify({rules}));
		const dbtop = [process.execPath, CLI, '--pg', 'postgres://nobody@127.0.0.1:1/none', '--docker', 'unix:///nonexistent/dbtop-signals.sock', '--user', 'ops', '--interval', '500ms'];
		// The pane outlives dbtop (tmux reports a dead pane's cursor as hidden): a shell stays after it.
		const command = ['sh', '-c', '"$@"; echo "exited with $?"; exec sleep 600', 'sh', ...dbtop];
		const term = openTerminal(command, {columns: 100, rows: 30, env: {XDG_STATE_HOME: path.join(dir, 'state'), XDG_CONFIG_HOME: path.join(dir, 'config')}});
		try {
			await term.waitFor(/PID USER/);
			term.keys('6');
			await term.waitFor(/^Alerts 1 open/m);
			term.keys('a');
			await term.waitFor(/Note \(optional\): /);
			term.type('on it');
			term.keys('Enter');
			await term.waitFor(/acknowledged 1 alert as ops/);
			assert.equal(term.format('#{alternate_on}'), '1', 'the monitor runs on the alternate screen');
			assert.equal(term.format('#{cursor_flag}'), '0', 'with the cursor hidden');
			process.kill(dbtopPid(term), signal);
			assert.equal(await term.exitStatus(), '0', `dbtop did not leave cleanly on ${signal}:\n${term.screen()}`);
			assert.equal(term.format('#{alternate_on}'), '0', 'the terminal is back on the normal screen');
			assert.equal(term.format('#{cursor_flag}'), '1', 'the cursor is shown again');
			assert.doesNotMatch(term.screen(), /PID USER|Alerts 1 open/, 'nothing of the monitor left on the screen');
			const saved = JSON.parse(readFileSync(path.join(dir, 'state', 'dbtop', 'alerts.json'), 'utf8')) as Saved;
			assert.deepEqual(
				saved.alerts.map(alert => [alert.rule, alert.state, alert.acknowledgedBy, alert.note]),
				[['memory', 'acknowledged', 'ops', 'on it']],
			);
		} finally {
			term.close();
			rmSync(dir, {recursive: true, force: true});
		}
	});
}

// Busy: 2,000 more processes with 4 KB command lines, read every 100 ms (the shortest interval) and
// drawn as a tree at 200x50. How long quitting takes is in the benchmarks (quit section); here,
// that each way out ends dbtop with status 0 and gives the terminal back, however busy it is.
test('q, Ctrl-C and SIGTERM end a busy dbtop (2,000 processes with long command lines, 100 ms interval, tree view) and give the terminal back', async () => {
	const crowd = await startCrowd(2000, 2000);
	try {
		for (const how of ['q', 'C-c', 'SIGTERM'] as const) {
			const dbtop = [process.execPath, CLI, ...NO_SERVERS, '--interval', '100ms'];
			const term = openTerminal(['sh', '-c', '"$@"; echo "exited with $?"; exec sleep 600', 'sh', ...dbtop], {columns: 200, rows: 50});
			try {
				await term.waitFor(screen => Number(/(\d+) total/.exec(screen)?.[1] ?? 0) >= 2000, 60_000);
				term.keys('t');
				await term.waitFor(/ · tree/);
				// Another sample drawn: the scan and the tree run in the loop the keys must get through.
				const seen = term.screen();
				await term.waitFor(screen => screen !== seen);
				if (how === 'SIGTERM') process.kill(dbtopPid(term), 'SIGTERM');
				else term.keys(how);
				assert.equal(await term.exitStatus(30_000), '0', `dbtop did not leave cleanly on ${how}:\n${term.screen()}`);
				assert.equal(term.format('#{alternate_on}'), '0', `${how}: the terminal is back on the normal screen`);
				assert.equal(term.format('#{cursor_flag}'), '1', `${how}: the cursor is shown again`);
			} finally {
				term.close();
			}
		}
	} finally {
		crowd.stop();
	}
});
