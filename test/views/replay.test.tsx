// The replay screen through ink-testing-library: moments made the way the ring holds them (a node
// row read back by the reader's parser, a companion built by the recorder's own companionOf and
// passed through JSON), fed to the store as the replay's collector feeds them.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {companionParts} from '../../collectors/ring-replay.js';
import {companionOf} from '../../source/ring/companion.js';
import {localTimeText} from '../../source/ring/replay-at.js';
import {hostOfRow, containerOfRow} from '../../source/ring/replay-parse.js';
import type {ReplayCursor, ReplayMoment, ReplayNode, ReplayState} from '../../source/store/replay.js';
import {createStore, initialState, reduce, type Action, type State} from '../../source/store/store.js';
import {hostSample, pgLock, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';
import {ringRow} from '../helpers/ring.js';

process.env['FORCE_COLOR'] = '1';
const {App} = await import('../../views/App.js');
const {KEYS, renderView, stripAnsi} = await import('../helpers/render-view.js');
const {fitParts, replayParts} = await import('../../views/ReplayLine.js');

const T = 1_800_000_000;
const RING = 'ring.example:5432/metrics/monitor_samples_ring';

/** A node row as the reader gives it: from a ring row, NULL where not given. */
const hostAt = (time: number, fields: Parameters<typeof ringRow>[0] = {}) =>
	hostOfRow({slot: 1, ...ringRow({sample_time: time, node_name: 'db1', master_flag: true, cpu_total_pct: 42.5, cpu_user_pct: 30, mem_total_mb: 16_384, mem_available_mb: 4096, load_1m: 1.5, procs_running: 3, procs_blocked: 1, ctx_switches_s: 1500, ...fields})})!;

/** What dbtop record would have written with a node row: sessions with a blocking chain, processes, an alert. */
function recordedCompanion() {
	const live: Action[] = [
		{type: 'sample', id: 'host', at: T * 1000, value: hostSample({hostname: 'db1'})},
		{type: 'sample', id: 'processes', at: T * 1000, value: {processes: [processRow({pid: 4242, user: 'postgres', command: 'postgres: checkpointer', cpuPct: 12})], detail: null}},
		{type: 'sample', id: 'postgres-sessions', at: T * 1000, value: pgSessionsSample([pgSession({pid: 101, user: 'app', state: 'idle in transaction', query: 'UPDATE accounts SET x = 1'}), pgSession({pid: 102, user: 'batch', state: 'active', waitEventType: 'Lock', query: 'UPDATE accounts SET x = 2'})])},
		{type: 'sample', id: 'postgres-locks', at: T * 1000, value: {blockedBy: {102: [101]}, locks: [pgLock({pid: 101, mode: 'RowExclusiveLock'}), pgLock({pid: 102, mode: 'RowExclusiveLock', granted: false, waitStartAt: T * 1000 - 30_000})]}},
	];
	const state = live.reduce<State>((current, action) => reduce(current, action), initialState(1000));
	return companionParts(JSON.parse(JSON.stringify(companionOf(state, 0))) as Record<string, unknown>);
}

function moment(cursor: ReplayCursor, time: number, withCompanion: boolean, fields: Parameters<typeof ringRow>[0] = {}): ReplayMoment {
	return {
		cursor,
		host: hostAt(time, fields),
		history: [hostAt(time - 2), hostAt(time - 1)],
		oldestTime: T - 7200,
		newestTime: T + 3600,
		containers: [containerOfRow({slot: 2, ...ringRow({sample_time: time, node_name: 'db1', container_name: 'pgbouncer', cpu_total_pct: 3, c_rss_mb: 64})})!],
		openContainer: null,
		containerHistory: [],
		companion: withCompanion ? recordedCompanion() : null,
		companionMissing: withCompanion ? null : 'no companion table',
	};
}

const node = (name: string, newest: number, fields: Partial<ReplayNode> = {}): ReplayNode => ({name, ring: 0, newest: hostAt(newest, {node_name: name, master_flag: false}), containerCount: 2, hasCompanion: true, ...fields});

/** A replay's store: the replay slice as runReplay starts it, at `cursor` (null: the picker first). */
function replayStore(cursor: ReplayCursor | null) {
	const initial = initialState(1000, undefined, undefined, 'replay');
	const replay: ReplayState = {
		rings: [RING],
		table: 'monitor_samples_ring',
		cursor,
		startAt: null,
		moment: null,
		nodes: {nodes: [node('db1', T + 3600), node('db2', T + 3600), node('old-db', T - 7200)], problems: [], readAt: (T + 3600) * 1000},
		missingColumns: [],
	};
	return createStore({...initial, ui: {...initial.ui, isPickerOpen: cursor === null}, replay});
}

function start(cursor: ReplayCursor | null, withCompanion = true) {
	const store = replayStore(cursor);
	if (cursor) store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment(cursor, T, withCompanion)});
	const copied: string[] = [];
	const view = renderView(<App version="9.9.9" />, [], store, copied);
	return {...view, copied, raw: view.frame, frame: () => stripAnsi(view.frame())};
}

const AT_T: ReplayCursor = {ring: 0, node: 'db1', at: T, steps: 0};

test('the header says REPLAY, the node and its master flag, the moment, how far behind the newest, and the ring without a password', () => {
	const view = start(AT_T);
	assert.match(view.frame().split('\n')[0]!, /REPLAY/);
	const state = view.store.getState();
	const wide = fitParts(replayParts({...state.replay!, asked: null, error: null}), 200).map(part => part.text).join(' · ');
	assert.match(wide, /^node db1 \(master\) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d\d:\d\d:\d\d UTC · 1h00m behind the newest · ring ring\.example:5432\/metrics\/monitor_samples_ring$/);
	assert.match(view.frame(), /CPU +\[\|+ +42\.5%\] us 30\.0 ni —/, 'a NULL metric is a dash, not 0');
	view.unmount();
});

test('on a 100-column terminal the UTC time and the ring give way; the node, time and lag stay', () => {
	const store = replayStore(AT_T);
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment(AT_T, T, true)});
	const view = renderView(<App version="9.9.9" />, [], store);
	const line = stripAnsi(view.frame()).split('\n')[1]!;
	assert.ok(line.length <= 100, line);
	assert.match(line, /node db1 \(master\) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 1h00m behind the newest/);
	view.unmount();
});

test('the panes show what was recorded: processes, sessions, the lock chain, the alerts, the containers', async () => {
	const view = start(AT_T);
	assert.match(view.frame(), /4242 postgres .* postgres: checkpointer/);
	await view.press('2');
	assert.match(view.frame(), /tasks 3 running, 1 blocked · ctx 1.5k\/s · intr —/, 'the process counts, and a NULL as a dash');
	await view.press('3');
	assert.match(view.frame(), /UPDATE accounts SET x = 2/);
	await view.press('4');
	assert.match(view.frame(), /101 .*app/);
	assert.match(view.frame(), /└─ +102|102 .*batch/);
	await view.press('5');
	assert.match(view.frame(), /pgbouncer/);
	view.unmount();
});

test('where the ring holds no companion for the moment, each pane it feeds says so in one line', async () => {
	const view = start(AT_T, false);
	const gap = /no companion data for db1 at this moment \(no companion table\)/;
	assert.match(view.frame(), gap);
	for (const key of ['3', '4', '6']) {
		await view.press(key);
		assert.match(view.frame(), gap, `pane ${key}`);
	}

	view.unmount();
});

test('the changing keys are gone from the hints and the help, and pressing one says "read-only replay"', async () => {
	const view = start(AT_T);
	await view.press('3');
	assert.doesNotMatch(view.frame(), /cancel|terminate/);
	await view.press('c');
	assert.match(view.frame(), /read-only replay: cancelling a query is not available/);
	// Copying only reads: a recorded query goes to the clipboard.
	await view.press('y');
	const pid = /copied the query of (\d+) to the clipboard/.exec(view.frame())?.[1];
	assert.ok(pid === '101' || pid === '102', view.frame());
	assert.deepEqual(view.copied, [pid === '101' ? 'UPDATE accounts SET x = 1' : 'UPDATE accounts SET x = 2']);
	await view.press(' ');
	assert.match(view.frame(), /read-only replay: tagging sessions is not available/);
	// A plan needs the live server: the session's detail neither offers nor runs it.
	await view.press('\r');
	assert.doesNotMatch(view.frame(), /e plan/);
	await view.press('e');
	assert.match(view.frame(), /read-only replay: showing a plan needs a live server/);
	assert.equal(view.store.getState().ui.sessions.plan, null);
	await view.press('\u001B', '?');
	const help = view.frame();
	assert.match(help, /Replay \(time travel\)/);
	assert.match(help, /left +One sample back/);
	assert.doesNotMatch(help, /Acknowledge|SIGTERM|Cancel its query|Tag |Show its plan/);
	view.unmount();
});

test('time travel moves the cursor: steps (a burst counts every key), a minute, an hour, End follows the newest', async () => {
	const view = start(AT_T);
	const cursor = () => view.store.getState().replay!.cursor;
	view.stdin.write('\u001B[D\u001B[D\u001B[D');
	await view.press('');
	assert.deepEqual(cursor(), {...AT_T, steps: -3});
	assert.match(view.frame().split('\n')[1]!, new RegExp(localTimeText(T)), 'the header says what is shown until the moment asked for is read');
	view.store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment(cursor()!, T - 3, true)});
	assert.deepEqual(cursor(), {...AT_T, at: T - 3, steps: 0}, 'the moment read becomes the cursor');
	await sleep(20);
	assert.match(view.frame().split('\n')[1]!, new RegExp(localTimeText(T - 3)));
	await view.press('\u001B[C');
	assert.deepEqual(cursor(), {...AT_T, at: T - 3, steps: 1});
	await view.press('[');
	assert.deepEqual(cursor(), {...AT_T, at: T - 3 - 60, steps: 0}, 'a minute from where the cursor is');
	await view.press('}');
	assert.deepEqual(cursor(), {...AT_T, at: T - 3 - 60 + 3600, steps: 0});
	await view.press(KEYS.end);
	assert.deepEqual(cursor(), {...AT_T, at: null, steps: 0});
	view.store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment(cursor()!, T + 3600, true)});
	await sleep(20);
	assert.match(view.frame(), /following the newest/);
	view.unmount();
});

test('a moment read for a cursor since moved is not shown', () => {
	const store = replayStore(AT_T);
	store.dispatch({type: 'replay-seek', cursor: {...AT_T, at: T - 600}});
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment(AT_T, T, true)});
	assert.equal(store.getState().replay!.moment, null);
	assert.equal(store.getState().host, null);
});

test('@ goes to a typed time; one not a time, or outside the node\'s samples, is a message naming the span', async () => {
	const view = start(AT_T);
	await view.press('@');
	assert.match(view.frame(), /Go to: /);
	await view.press('n', 'o', 'n', 'e', KEYS.enter);
	assert.match(view.frame(), /go to: "none" is not a time \(accepted: 14:05/);
	assert.deepEqual(view.store.getState().replay!.cursor, AT_T);
	await view.press('@', ...'2020-01-01 00:00', KEYS.enter);
	assert.match(view.frame(), /go to: 2020-01-01 00:00:00 is outside node db1's samples \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to /);
	const local = new Date((T - 1800) * 1000);
	const typed = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:${String(local.getSeconds()).padStart(2, '0')}`;
	await view.press('@', ...typed, KEYS.enter);
	assert.deepEqual(view.store.getState().replay!.cursor, {...AT_T, at: T - 1800});
	view.unmount();
});

test('the node picker lists every node, the one that stopped writing first; Enter shows the picked node at the same moment', async () => {
	const view = start(null);
	const rows = view.frame().split('\n').filter(line => /^[> ] +\S+ +\*? +\d{4}-/.test(line));
	assert.deepEqual(
		rows.map(line => line.trim().replace(/^> +/, '').split(/ +/)[0]),
		['old-db', 'db1', 'db2'],
	);
	assert.match(view.frame(), /Nodes 3 in 1 ring, 1 stopped writing/);
	assert.match(rows[0]!, /STOPPED/);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /Nodes 3/, 'before a node is picked, Esc has nothing to go back to');
	await view.press('j', 'j', KEYS.enter);
	assert.deepEqual(view.store.getState().replay!.cursor, {ring: 0, node: 'db2', at: null, steps: 0});
	assert.doesNotMatch(view.frame(), /Nodes 3/);
	view.store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment({ring: 0, node: 'db2', at: null, steps: 0}, T, true)});
	await view.press('{', 'n');
	assert.match(view.frame(), /Nodes 3/);
	await view.press('k', KEYS.enter);
	assert.deepEqual(view.store.getState().replay!.cursor, {ring: 0, node: 'db1', at: T - 3600, steps: 0}, 'the moment stays when the node changes');
	view.unmount();
});

test('a node row with NULL metrics (the existing writer\'s) draws dashes and "(not measured)" charts, never a number it does not hold', async () => {
	const store = replayStore(AT_T);
	const nulls = {cpu_total_pct: null, cpu_user_pct: null, mem_total_mb: null, mem_available_mb: null, load_1m: null, procs_running: null, procs_blocked: null, ctx_switches_s: null};
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: {...moment(AT_T, T, false, nulls), history: [hostAt(T - 2, nulls), hostAt(T - 1, nulls)]}});
	const view = renderView(<App version="9.9.9" />, [], store);
	const frame = () => stripAnsi(view.frame());
	assert.match(frame(), /CPU +\[ +—\] us — ni —/);
	assert.match(frame(), /load — /);
	assert.match(frame(), /Mem +\[ +—\] used — avail —/);
	assert.match(frame(), /Swap +\[ +—\] used — of —/);
	assert.match(frame(), /FS +not in the ring/);
	await view.press('2');
	assert.equal(frame().match(/\(not measured\)/g)?.length, 6, 'every chart: the ring holds none of their metrics here');
	assert.match(frame(), /cores and filesystems: not in the ring/);
	assert.match(frame(), /tasks — running, — blocked · ctx — · intr —/);
	assert.doesNotMatch(frame(), /NaN/);
	view.unmount();
});

test('a container drilled into shows its charts from the ring\'s rows up to the moment, and says what the ring does not hold', async () => {
	const store = replayStore(AT_T);
	const rows = [T - 2, T - 1, T].map((time, index) => containerOfRow({slot: 10 + index, ...ringRow({sample_time: time, node_name: 'db1', container_name: 'pgbouncer', cpu_total_pct: 10 + index, c_rss_mb: 64 + index})})!);
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: {...moment(AT_T, T, true), containerHistory: rows}});
	const view = renderView(<App version="9.9.9" />, [], store);
	await view.press('5', KEYS.enter);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /Container pgbouncer/);
	assert.match(frame, /command, ports, mounts, health and logs: not in the ring/);
	assert.match(frame, /CPU 3\.0%/, 'the row at the moment');
	assert.doesNotMatch(frame, /\(collecting…\)/, 'the charts have the rows leading up to it');
	view.unmount();
});

test('names from the ring (CJK, emoji, escape codes) are shown, never obeyed: in the picker, with each node\'s ring, and in the header', async () => {
	const store = replayStore(null);
	const hostile = 'ノード-1\u001B[2J🚀';
	store.dispatch({
		type: 'sample',
		id: 'replay-nodes',
		at: Date.now(),
		value: {nodes: [node(hostile, T + 3600), {...node('db9', T + 3600), ring: 1}], problems: ['other.example:5432/metrics/monitor_samples_ring: connect ECONNREFUSED'], readAt: (T + 3600) * 1000},
	});
	const view = renderView(<App version="9.9.9" />, [], createStore({...store.getState(), replay: {...store.getState().replay!, rings: [RING, 'other.example:5432/metrics/monitor_samples_ring']}}));
	const frame = stripAnsi(view.frame());
	assert.match(frame, /Nodes 2 in 2 rings/);
	assert.match(frame, /ノード-1\\x1b\[2J…/, 'cut to its column, by width');
	assert.doesNotMatch(view.frame(), /\u001B\[2J/);
	assert.match(frame, /unreadable: other\.example:5432\/metrics\/monitor_samples_ring: connect ECONNREFUSED/);
	assert.match(frame, /db9 .* other\.example/);
	await view.press('j', KEYS.enter);
	const cursor = view.store.getState().replay!.cursor!;
	assert.equal(cursor.node, hostile);
	view.store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: {...moment(cursor, T, true, {node_name: hostile}), cursor}});
	await sleep(50);
	assert.match(stripAnsi(view.frame()).split('\n')[1]!, /^node ノード-1\\x1b\[2J🚀 \(master\)/);
	view.unmount();
});

test('a moment read again that holds the same row keeps what the panes read: nothing new to draw', () => {
	const store = replayStore(AT_T);
	const first = moment(AT_T, T, true);
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: first});
	const before = store.getState();
	// As the collector gives it: the last moment's parts, for the cursor as it now is.
	store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: {...first, cursor: before.replay!.cursor!}});
	const after = store.getState();
	for (const slice of ['host', 'history', 'processes', 'containers', 'postgres', 'locks', 'alerts'] as const) assert.equal(after[slice], before[slice], slice);
	assert.equal(after.replay!.cursor, before.replay!.cursor);
});
