import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {createScheduler} from '../../source/store/scheduler.js';
import {validateConfig} from '../../source/app/config.js';
import {createStore, initialState} from '../../source/store/store.js';
import {hostSample, processRow} from '../helpers/fixtures.js';

// Colour on, before Ink loads, so the selection's reverse video can be seen in the frames.
process.env['FORCE_COLOR'] = '1';
const {App, frameLayout} = await import('../../views/App.js');
const {KEYS, renderView, selectedRow, stripAnsi} = await import('../helpers/render-view.js');
const {CommandContextValue} = await import('../../views/StoreContext.js');

const rows = [
	processRow({pid: 1, ppid: 0, command: '/sbin/init', comm: 'systemd', cpuPct: 3}),
	processRow({pid: 20, ppid: 1, user: 'postgres', command: 'postgres -D /data', comm: 'postgres', cpuPct: 2}),
	processRow({pid: 30, ppid: 1, user: 'www-data', command: 'nginx: worker', comm: 'nginx', cpuPct: 1}),
];

function start(processes = rows) {
	const view = renderView(<App version="9.9.9" />, [
		{type: 'sample', id: 'host', at: 1000, value: hostSample()},
		{type: 'sample', id: 'processes', at: 1000, value: {processes, detail: null}},
	]);
	return {...view, raw: view.frame, frame: () => stripAnsi(view.frame())};
}

/** The process line drawn in reverse video, as text. */


test('the frame is at most rows − 1 tall, with the summary, tabs, pane and hints', () => {
	const view = start();
	const lines = view.frame().split('\n');
	assert.ok(lines.length <= 23, `frame has ${lines.length} lines`);
	assert.match(lines[0]!, /^dbtop 9\.9\.9/);
	assert.match(view.frame(), /^ 1 Processes {2}2 Host {2}3 Sessions {2}4 Locks {2}5 Containers {2}6 Alerts {2}7 Statements$/m);
	assert.match(lines.at(-1)!, /\? help {2}tab pane {2}\/ filter/);
	view.unmount();
});

test('on a short terminal the summary gives way to its first line, then the pane; the frame never passes rows − 1', () => {
	assert.deepEqual(frameLayout(24, false), {rows: 23, summaryRows: 7, paneRows: 14});
	assert.deepEqual(frameLayout(13, false), {rows: 12, summaryRows: 7, paneRows: 3});
	assert.deepEqual(frameLayout(12, false), {rows: 11, summaryRows: 1, paneRows: 8});
	assert.deepEqual(frameLayout(5, false), {rows: 4, summaryRows: 1, paneRows: 1});
	assert.deepEqual(frameLayout(2, false), {rows: 1, summaryRows: 1, paneRows: 0});
});

test('digits and Tab switch panes; ? opens and Esc closes the help', async () => {
	const view = start();
	await view.press('2');
	assert.match(view.frame(), /CPU busy %/);
	await view.press(KEYS.tab);
	assert.match(view.frame(), /^Sessions\nconnecting…$/m);
	await view.press('4');
	assert.match(view.frame(), /^Locks connecting…/m);
	await view.press('1');
	assert.match(view.frame(), /Processes 3 total/);
	await view.press('?');
	assert.match(view.frame(), /Keys · Esc or \? closes/);
	await view.press(KEYS.escape);
	assert.doesNotMatch(view.frame(), /Keys · Esc/);
	assert.match(view.frame(), /Processes 3 total/);
	view.unmount();
});

test('arrows and j/k move the selection, which stays on its pid when the order changes', async () => {
	const view = start();
	assert.match(selectedRow(view.raw()), /^\s+1 root/);
	await view.press(KEYS.down, 'j');
	assert.match(selectedRow(view.raw()), /^\s+30 www-data/);
	await view.press('k');
	assert.match(selectedRow(view.raw()), /^\s+20 postgres/);
	// New sample: postgres now uses the most CPU and moves to the top; the selection follows it.
	view.store.dispatch({type: 'sample', id: 'processes', at: 2000, value: {processes: rows.map(row => (row.pid === 20 ? {...row, cpuPct: 90} : row)), detail: null}});
	await sleep(20);
	const lines = view.frame().split('\n');
	const first = lines.findIndex(line => /^[> ] +\d+ \S+ +\d+\.\d/.test(line));
	assert.match(lines[first]!, /^> +20 postgres/);
	assert.match(selectedRow(view.raw()), /^\s+20 postgres/);
	await view.press(KEYS.end);
	assert.match(selectedRow(view.raw()), /^\s+30 www-data/);
	await view.press(KEYS.home);
	assert.match(selectedRow(view.raw()), /^\s+20 postgres/);
	view.unmount();
});

test('/ filters as you type; Enter keeps it, Esc clears it', async () => {
	const view = start();
	await view.press('/', 'n', 'g', 'i');
	assert.match(view.frame(), /Filter: ngi/);
	assert.match(view.frame(), /filter "ngi" \(1\)/);
	assert.doesNotMatch(view.frame(), /postgres -D/);
	await view.press(KEYS.backspace, KEYS.backspace, 'q');
	assert.match(view.frame(), /Filter: nq/, 'q is text in the prompt, not quit');
	assert.equal(view.hasExited(), false);
	await view.press(KEYS.backspace, 'g', KEYS.enter);
	assert.doesNotMatch(view.frame(), /Filter: /);
	assert.match(view.frame(), /filter "ng" \(1\)/);
	await view.press(KEYS.escape);
	assert.doesNotMatch(view.frame(), /filter "/);
	assert.match(view.frame(), /Processes 3 total/);
	view.unmount();
});

test('keys that arrive in one read are each handled, in order, escape sequences among them', async () => {
	const view = start();
	// One write, as a paste or a laggy link delivers it: open the filter, type, commit.
	view.stdin.write('/ngi\r');
	await sleep(50);
	assert.match(view.frame(), /filter "ngi" \(1\)/);
	view.stdin.write('/\u007F\u007F\u007F\r');
	await sleep(50);
	assert.doesNotMatch(view.frame(), /filter "/, 'the prompt opened, was emptied and closed in one read');
	view.stdin.write('M\u001B[Bj');
	await sleep(50);
	assert.match(view.frame(), /sort MEM/);
	assert.equal(view.store.getState().ui.processes.selectedIndex, 2, 'the arrow and the j after M both moved the selection');
	view.unmount();
});

test('sort keys change the order and the header says which', async () => {
	const view = start();
	await view.press('N');
	assert.match(view.frame(), /sort PID/);
	await view.press('M');
	assert.match(view.frame(), /sort MEM/);
	await view.press('T');
	assert.match(view.frame(), /sort TIME\+/);
	await view.press('t');
	assert.match(view.frame(), /· tree/);
	view.unmount();
});

test('Enter drills into the process, Esc goes back; p pauses; q quits', async () => {
	const view = start();
	await view.press(KEYS.down, KEYS.enter);
	assert.match(view.frame(), /Process 20 postgres/);
	assert.match(view.frame(), /Command postgres -D \/data/);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /Processes 3 total/);
	await view.press('p');
	assert.match(view.frame(), /PAUSED/);
	await view.press('p');
	assert.doesNotMatch(view.frame(), /PAUSED/);
	await view.press('+');
	assert.match(view.frame(), /every 2s/);
	await view.press('-', '-');
	assert.match(view.frame(), /every 500ms/);
	await view.press('q');
	assert.equal(view.hasExited(), true);
	view.unmount();
});

test('p, + and - reach the scheduler: paused it ticks nothing, + and - change the interval its collectors tick on', async t => {
	// The scheduler's clock and timers are the test's, so each interval is checked instant by instant.
	t.mock.timers.enable({apis: ['setTimeout', 'Date'], now: 0});
	let ticks = 0;
	const scheduler = createScheduler({collectors: [{id: 'counter', collect: async () => ++ticks}], dispatch() {}, refreshMs: 1000});
	const view = renderView(
		<CommandContextValue.Provider value={{scheduler, exit() {}, user: 'tester'}}>
			<App version="1" />
		</CommandContextValue.Provider>,
	);
	// Time moves on, and the ticks it made due run to their end.
	const ticksAfter = async (ms: number) => {
		t.mock.timers.tick(ms);
		await new Promise(resolve => setImmediate(resolve));
		return ticks;
	};

	scheduler.start();
	assert.equal(await ticksAfter(0), 1, 'a first tick on start');
	assert.equal(await ticksAfter(1000), 2, 'every second');
	view.stdin.write('+');
	assert.equal(view.store.getState().ui.refreshMs, 2000);
	assert.deepEqual([await ticksAfter(1000), await ticksAfter(1000), await ticksAfter(1000)], [3, 3, 4], '+: every 2 s, on the 2 s grid');
	view.stdin.write('-');
	view.stdin.write('-');
	assert.deepEqual([await ticksAfter(500), await ticksAfter(500)], [5, 6], '- twice: every 500 ms');
	view.stdin.write('p');
	assert.equal(view.store.getState().ui.isPaused, true);
	assert.equal(await ticksAfter(10_000), 6, 'paused: no tick');
	view.stdin.write('p');
	assert.equal(await ticksAfter(0), 7, 'resumed: a tick at once');
	assert.equal(await ticksAfter(500), 8, 'then on its interval again');
	view.unmount();
	await scheduler.stop();
});

test('k in the drill-down asks before sending SIGTERM; y kills a real process, n leaves it', async () => {
	const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e5)'], {stdio: 'ignore'});
	const pid = child.pid!;
	const exited = once(child, 'exit');
	try {
		const view = start([...rows, processRow({pid, ppid: process.pid, command: 'node -e victim', comm: 'node', cpuPct: 50})]);
		await view.press(KEYS.enter);
		assert.match(view.frame(), new RegExp(`Process ${pid} node`));
		await view.press('k');
		assert.match(view.frame(), new RegExp(`Send SIGTERM to ${pid} \\(node -e victim\\)\\? y/n`));
		await view.press('n');
		assert.match(view.frame(), /cancelled/);
		assert.equal(child.exitCode, null);
		assert.equal(child.signalCode, null);
		await view.press('k', 'y');
		assert.match(view.frame(), new RegExp(`SIGTERM sent to ${pid}`));
		await exited;
		assert.equal(child.signalCode, 'SIGTERM');
		await view.press('k', 'y');
		assert.match(view.frame(), /failed: the process is gone \(ESRCH\)/);
		view.unmount();
	} finally {
		child.kill('SIGKILL');
	}
});

test('colour carries the level: a busy CPU meter is red, a filling filesystem yellow', () => {
	const view = renderView(<App version="1" />, [
		{type: 'sample', id: 'host', at: 1000, value: hostSample({cpu: {...hostSample().cpu, total: 97}, filesystems: [{mount: '/', device: '/dev/vda', type: 'ext4', sizeBytes: 100, usedBytes: 90, freePct: 10}]})},
	]);
	const lines = view.frame().split('\n');
	const cpu = lines.find(line => line.includes('CPU'))!;
	assert.match(cpu, /\u001B\[31m\[\|+ *97\.0%\]/);
	const fs = lines.find(line => stripAnsi(line).startsWith('FS'))!;
	assert.match(fs, /\u001B\[33m\/ 10% free/);
	view.unmount();
});

test('the host\'s colours are the rules in force: a CPU warning from the config, memory by what is available', () => {
	const {rules} = validateConfig({rules: {cpu: {warning: 50}}}, 'c.json');
	const memory = (usedGib: number) => ({...hostSample().memory, total: 100 * 1024 ** 3, used: usedGib * 1024 ** 3, available: (100 - usedGib) * 1024 ** 3});
	const lineOf = (label: string, usedGib: number) => {
		const view = renderView(<App version="1" />, [{type: 'sample', id: 'host', at: 1000, value: hostSample({cpu: {...hostSample().cpu, total: 60}, memory: memory(usedGib)})}], createStore(initialState(1000, rules)));
		const line = view.frame().split('\n').find(text => stripAnsi(text).startsWith(label))!;
		view.unmount();
		return line;
	};

	assert.match(lineOf('CPU', 82), /\u001B\[33m\[\|+ *60\.0%\]/, 'past the configured 50 %');
	assert.match(lineOf('Mem', 82), /Mem +\u001B\[22m\[\|+ *82\.0%\]/, '18 % available is above the memory rule\'s 15 %: no colour');
	assert.match(lineOf('Mem', 90), /\u001B\[33m\[\|+ *90\.0%\]/, '10 % available');
});

test('--read-only: READ-ONLY in the header; the help and hints leave out what changes things, k only says so', async () => {
	const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e5)'], {stdio: 'ignore'});
	const pid = child.pid!;
	try {
		const processes = [...rows, processRow({pid, ppid: process.pid, command: 'node -e victim', comm: 'node', cpuPct: 50})];
		const view = renderView(<App version="9.9.9" />, [
			{type: 'sample', id: 'host', at: 1000, value: hostSample()},
			{type: 'sample', id: 'processes', at: 1000, value: {processes, detail: null}},
			{type: 'set-paused', isPaused: true},
		], createStore(initialState(1000, undefined, undefined, 'live')));
		const frame = () => stripAnsi(view.frame());
		const [title = ''] = frame().split('\n');
		assert.match(title, / PAUSED {2}READ-ONLY $/, 'the badge is whole at the end of the title line, after the others');
		await view.press(KEYS.enter);
		assert.match(frame(), new RegExp(`Process ${pid} node`));
		assert.doesNotMatch(frame().split('\n').at(-1)!, /kill/);
		await view.press('k');
		assert.match(frame(), /read-only: signalling a process is not available/);
		assert.doesNotMatch(frame(), /SIGTERM to/);
		await view.press('?');
		assert.match(frame(), /Keys · Esc or \? closes/);
		assert.doesNotMatch(frame(), /SIGTERM|Acknowledge|Cancel its query|Terminate it/);
		assert.match(frame(), /Process detail · this screen/);
		view.unmount();
		assert.equal(child.exitCode, null);
		assert.equal(child.signalCode, null);
	} finally {
		child.kill('SIGKILL');
	}
});
