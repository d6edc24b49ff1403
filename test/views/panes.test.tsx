import assert from 'node:assert/strict';
import {test} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {Box} from 'ink';
import {SCOPE_TITLES, type Scope} from '../../source/app/keymap.js';
import {screenOf} from '../../source/store/screen.js';
import {createStore, initialState} from '../../source/store/store.js';
import {HelpOverlay, helpPages, helpSections} from '../../views/HelpOverlay.js';
import {HostPane} from '../../views/HostPane.js';
import {HostSummary} from '../../views/HostSummary.js';
import {ProcessDetail} from '../../views/ProcessDetail.js';
import {ProcessesPane} from '../../views/ProcessesPane.js';
import {hostSample, processRow} from '../helpers/fixtures.js';
import {renderView} from '../helpers/render-view.js';
import {textWidth} from '../../views/text-width.js';

const escapeRegExp = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

const hostAction = (at = 1000, fields = {}) => ({type: 'sample', id: 'host', at, value: hostSample(fields)}) as const;

test('host summary at 80 columns: CPU breakdown, memory, swap, disk, network, filesystems, uptime, load', () => {
	const view = renderView(<HostSummary width={80} hasCharts={false} version="1.2.3" />, [hostAction()]);
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /^dbtop 1\.2\.3 · db1 · up 3d 4h 0m · load 0\.50 0\.40 0\.30 · every 1s$/);
	assert.match(lines[1]!, /^CPU  \[\|+ +25\.0%\] us 15\.0 ni 0\.0 sy 8\.0 wa 2\.0 hi 0\.0 si 0\.0 st 0\.0$/);
	assert.match(lines[2]!, /^Mem  \[.*25\.0%\] used 2\.0G avail 6\.0G buf 100M cache 1\.0G of 8\.0G/);
	assert.match(lines[3]!, /^Swap \[ +0\.0%\] none$/);
	assert.match(lines[4]!, /^Disk read 1\.0M\/s 10\/s io {2}write 2\.0M\/s 20\/s io {2}temp —$/);
	assert.match(lines[5]!, /^Net  rx 1\.0K\/s 5\/s pk {2}tx 2\.0K\/s 6\/s pk {2}err 0\/s drop 0\/s$/);
	assert.match(lines[6]!, /^FS {3}\/ 70% free$/);
	assert.ok(lines.every(line => line.length <= 80), 'no line is wider than the terminal');
	view.unmount();
});

test('host summary shows per-core bars only when there is room', () => {
	const narrow = renderView(<HostSummary width={80} hasCharts={false} version="1" />, [hostAction()]);
	assert.doesNotMatch(narrow.frame(), /^.{80,}\s+1 \[/m);
	narrow.unmount();
	const wide = renderView(<HostSummary width={140} hasCharts={false} version="1" />, [hostAction()]);
	const lines = wide.frame().split('\n');
	assert.match(lines[1]!, / {2}0 \[\|+ *20\.0%\]$/);
	assert.match(lines[2]!, / {2}1 \[\|+ *30\.0%\]$/);
	wide.unmount();
});

test('a failing collector marks its pane stale with the reason and the age of its last good sample', () => {
	const view = renderView(<HostSummary width={100} hasCharts={false} version="1" />, [
		hostAction(1000),
		{type: 'collector-error', id: 'host', at: 6000, message: "ENOENT: no such file or directory, open '/proc/stat'"},
	]);
	assert.match(view.frame().split('\n')[0]!, /^dbtop 1 · db1 · stale: ENOENT: no such file or directory, open '\/proc\/stat' \(last good 5s ago\)$/);
	assert.match(view.frame(), /CPU/, 'the last good numbers stay on screen');
	view.unmount();
});

test('host summary with charts draws four asciichart sparklines', () => {
	const actions = Array.from({length: 30}, (_, i) => hostAction(i * 1000, {cpu: {...hostSample().cpu, total: i * 3}}));
	const view = renderView(<HostSummary width={160} hasCharts version="1" />, actions);
	const frame = view.frame();
	for (const title of ['CPU %', 'Memory used %', 'Disk read+write', 'Network rx+tx']) {
		assert.ok(frame.includes(title), title);
	}

	assert.match(frame, /100% ┤|100% ┼/);
	assert.match(frame, /[╭╮╯╰─]/);
	view.unmount();
});

const processes = [
	processRow({pid: 1, ppid: 0, command: '/sbin/init', comm: 'systemd', cpuPct: 0.5, cpuTime: 100}),
	processRow({pid: 20, ppid: 1, user: 'postgres', command: 'postgres -D /var/lib/postgresql/15/main', comm: 'postgres', cpuPct: 40, rss: 500 * 1024 ** 2, memPct: 6.1, cpuTime: 65.5, threads: 3, state: 'R'}),
	processRow({pid: 21, ppid: 20, user: 'postgres', command: 'postgres: checkpointer', comm: 'postgres', cpuPct: 1}),
	processRow({pid: 666, ppid: 1, user: 'mallory', command: 'evil \u001B]0;x\u0007 \u001B[2J', comm: 'evil', cpuPct: 0.1}),
	...Array.from({length: 40}, (_, i) => processRow({pid: 1000 + i, ppid: 1, command: `worker ${i}`})),
];
const processesAction = {type: 'sample', id: 'processes', at: 1000, value: {processes, detail: null}} as const;

test('processes pane: header, columns, sort order, and only the rows that fit', () => {
	const view = renderView(<ProcessesPane width={80} height={10} />, [processesAction]);
	const lines = view.frame().split('\n');
	assert.equal(lines.length, 10);
	assert.match(lines[0]!, /^Processes 44 total, 1 running · sort CPU%/);
	// Three columns before every row: `>` marks the selection without colour.
	assert.match(lines[1]!, /^ {7}PID USER {6}CPU%▼ {2}MEM% {4}RSS S {5}TIME\+ {2}THR COMMAND$/);
	assert.match(lines[2]!, /^> {7}20 postgres {3}40\.0 {3}6\.1 {3}500M R {3}1:05\.50 {4}3 postgres -D \/var\/lib/);
	assert.match(lines[3]!, /^ {8}21 postgres/);
	assert.match(lines[4]!, /^ {9}1 root/);
	view.unmount();
});

test('escape sequences in a command line appear escaped and never reach the terminal raw', () => {
	const view = renderView(<ProcessesPane width={100} height={50} />, [processesAction]);
	const frame = view.frame();
	assert.ok(frame.includes('evil \\x1b]0;x\\x07 \\x1b[2J'), frame);
	assert.ok(!frame.includes('\u001B]0;'));
	assert.ok(!frame.includes('\u001B[2J'));
	view.unmount();
});

test('tree view draws parents above children', () => {
	const view = renderView(<ProcessesPane width={100} height={8} />, [processesAction, {type: 'set-sort', sort: 'pid'}, {type: 'toggle-tree'}]);
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /· tree/);
	assert.match(lines[2]!, / \/sbin\/init$/);
	assert.match(lines[3]!, / ├─ postgres -D/);
	assert.match(lines[4]!, / │ {2}└─ postgres: checkpointer$/);
	view.unmount();
});

test('process detail: command, parents, user, state, I/O and fds, cgroup', () => {
	const detail = {pid: 21, readBytesPerSec: null, writeBytesPerSec: null, ioError: 'permission denied (EACCES)', fdCount: 12, fdError: null, cgroup: '0::/system.slice/postgresql.service'};
	const view = renderView(<ProcessDetail width={100} height={20} />, [
		{...processesAction, value: {processes, detail}},
		{type: 'open-detail', list: 'processes', pid: 21},
	]);
	const frame = view.frame();
	assert.match(frame, /Process 21 postgres/);
	assert.match(frame, /Command postgres: checkpointer/);
	assert.match(frame, /Parents 20 postgres ← 1 systemd/);
	assert.match(frame, /User postgres State S \(sleeping\) Nice 0 Threads 1 Started/);
	assert.match(frame, /I\/O not readable: permission denied \(EACCES\) FDs 12/);
	assert.match(frame, /Cgroup 0::\/system\.slice\/postgresql\.service/);
	assert.match(frame, /CPU 1\.0%/);
	view.unmount();
});

test('process detail says so when the process is gone', () => {
	const view = renderView(<ProcessDetail width={80} height={20} />, [processesAction, {type: 'open-detail', list: 'processes', pid: 4242}]);
	assert.match(view.frame(), /The process is gone/);
	view.unmount();
});

test('host pane: charts, every core, every filesystem', () => {
	const view = renderView(<HostPane width={100} height={30} />, [hostAction(0), hostAction(1000)]);
	const frame = view.frame();
	for (const title of ['CPU busy %', 'Memory used %', 'Disk read', 'Disk write', 'Network rx', 'Network tx']) {
		assert.ok(frame.includes(title), title);
	}

	assert.match(frame, / {2}0 \[.*20\.0%\]/);
	assert.match(frame, /MOUNT.*TYPE.*SIZE.*USED.*FREE%/);
	assert.match(frame, /^\/ +ext4 +100G +30G +70\.0/m);
	view.unmount();
});

for (const readOnly of [null, 'replay'] as const) test(`help at 80x24${readOnly ? ' in a replay' : ''}: every binding whole, keys apart from their words, no section split across columns or pages`, () => {
	// Opened over the processes list, as the views below are.
	const screen = screenOf(initialState(1000, undefined, undefined, readOnly));
	const {pages, columnWidth} = helpPages(80, 22, screen.viewScopes, screen.bindings);
	for (let page = 0; page < pages.length; page++) {
		const view = renderView(
			<Box width={80}>
				<HelpOverlay width={80} height={22} />
			</Box>,
			[{type: 'set-help-page', page}],
			createStore(initialState(1000, undefined, undefined, readOnly)),
		);
		const frame = stripVTControlCharacters(view.frame());
		assert.ok(frame.split('\n').length <= 22);
		assert.match(frame, new RegExp(`page ${page + 1}/${pages.length}`));
		assert.doesNotMatch(frame, /…/, 'nothing is cut');
		for (const line of pages[page]!.flat()) assert.ok(frame.includes(line.text.trimEnd()), `page ${page + 1} shows "${line.text}"`);
		view.unmount();
	}

	for (const line of pages.flat(2)) assert.ok(line.text.length < columnWidth, `"${line.text}" fits its column with a space to spare`);
	// A column's text with each description's continuation joined back to its line: every binding
	// reads as its keys, at least one space, and its whole description.
	const text = pages.flat().map(column => column.map(line => line.text).join('\n').replaceAll(/\n {3,}/g, ' ')).join('\n');
	for (const binding of screen.bindings) {
		const pattern = `^  ${escapeRegExp(binding.keys.join(' '))} +${escapeRegExp(binding.help)}$`;
		assert.match(text, new RegExp(pattern, 'm'), `help shows "${binding.keys.join(' ')}" and "${binding.help}"`);
	}

	// Each section's title appears once: no section is split across columns or pages.
	const titles = pages.flat(2).filter(line => line.isTitle).map(line => line.text.replace(' · this screen', ''));
	const scopes = new Set(screen.bindings.map(binding => binding.scope));
	assert.deepEqual([...titles].sort(), Object.entries(SCOPE_TITLES).flatMap(([scope, title]) => (scopes.has(scope as Scope) ? [title] : [])).sort());
});

test('the header counts unacknowledged critical and warning alerts', () => {
	const full = {mount: '/data', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 97, freePct: 3};
	const view = renderView(<HostSummary width={100} hasCharts={false} version="1" />, [hostAction(1000, {filesystems: [full]})]);
	assert.match(view.frame().split("\n")[0]!, /every 1s 1 crit$/);
	view.unmount();
});

test('at 80 columns and narrower the header drops the load, then the uptime, then the version, then cuts the host name: the alert counts and PAUSED stay whole', () => {
	const hostname = 'db-primary-東京-eu-west-1.internal.example.com';
	const disk = (index: number, freePct: number) => ({mount: `/data${index}`, device: `sd${index}`, type: 'xfs', sizeBytes: 100, usedBytes: 100 - freePct, freePct});
	const filesystems = [...Array.from({length: 3}, (_, index) => disk(index, 3)), ...Array.from({length: 13}, (_, index) => disk(10 + index, 10))];
	const header = (width: number) => {
		const view = renderView(<HostSummary width={width} hasCharts={false} version="0.1.0" />, [hostAction(1000, {hostname, filesystems}), {type: 'set-paused', isPaused: true}]);
		const line = view.frame().split('\n')[0]!;
		view.unmount();
		return line;
	};

	const badges = / 3 crit {2}13 warn {2}PAUSED$/;
	assert.equal(header(200), `dbtop 0.1.0 · ${hostname} · up 3d 4h 0m · load 0.50 0.40 0.30 · every 1s 3 crit  13 warn  PAUSED`);
	// 25 columns of badges leave 55: the load, the uptime and the version give way, then the end of the host name.
	assert.equal(header(80), 'dbtop · db-primary-東京-eu-west-1.internal.… · every 1s 3 crit  13 warn  PAUSED');
	assert.equal(header(60), 'dbtop · db-primary-東京… · every 1s 3 crit  13 warn  PAUSED');
	for (let width = 30; width <= 120; width++) {
		const line = header(width);
		assert.match(line, badges, `at ${width} columns`);
		assert.ok(textWidth(line) <= width, `at ${width} columns: ${line}`);
	}

	// A short host name: only the load averages give way at 80.
	const view = renderView(<HostSummary width={80} hasCharts={false} version="0.1.0" />, [hostAction(1000, {filesystems}), {type: 'set-paused', isPaused: true}]);
	assert.equal(view.frame().split('\n')[0], 'dbtop 0.1.0 · db1 · up 3d 4h 0m · every 1s 3 crit  13 warn  PAUSED');
	view.unmount();
});

test('help, read-only: no binding of a command that changes something; not read-only, each is there; a plan everywhere but in a replay', () => {
	const words = /SIGTERM|Cancel its query|Terminate it|Acknowledge|Tag /;
	const text = (readOnly: 'live' | 'replay' | null) => {
		const screen = screenOf(initialState(1000, undefined, undefined, readOnly));
		return helpSections(200, screen.viewScopes, screen.bindings).flat().map(line => line.text).join('\n');
	};

	assert.doesNotMatch(text('live'), words);
	assert.doesNotMatch(text('replay'), words);
	for (const help of ['SIGTERM', 'Cancel its query', 'Terminate it', 'Acknowledge, with a note', 'Acknowledge all', 'Tag or untag it', 'Tag all shown']) assert.ok(text(null).includes(help), help);
	assert.match(text('live'), /^ {2}e +Show its plan \(EXPLAIN, never runs it\)$/m, 'a plan only reads');
	assert.doesNotMatch(text('replay'), /Show its plan/, 'a replay has no server to ask');
	// The rest of the table is all there.
	assert.match(text('live'), /Filter: sev: src: ack:yes\|no text/);
});
