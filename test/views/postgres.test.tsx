// The sessions pane, the session detail and the backends in the processes pane, at 80 and 160 columns.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Action} from '../../source/store/store.js';
import type {PgLocksSample, PgSession} from '../../source/types.js';
import {textWidth} from '../../views/text-width.js';
import {hostSample, pgLock, pgServer, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';

// Colour on, before Ink loads, so the selection's reverse video and the levels can be seen in the frames.
process.env['FORCE_COLOR'] = '1';
const {SessionsPane} = await import('../../views/SessionsPane.js');
const {SessionDetail} = await import('../../views/SessionDetail.js');
const {ProcessDetail} = await import('../../views/ProcessDetail.js');
const {fakePostgres, KEYS, renderApp: renderAppAt, renderView, selectedRow, stripAnsi} = await import('../helpers/render-view.js');

const AT = 50_000;

const sessions: PgSession[] = [
	pgSession({pid: 101, user: 'alice', database: 'shop', application: 'billing', state: 'idle in transaction', xactAgeSec: 300, queryAgeSec: 290, stateAgeSec: 290, xminAge: 1_234_567, query: 'UPDATE accounts SET balance = 0'}),
	pgSession({pid: 102, user: 'bob', database: 'shop', application: 'psql', state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', xactAgeSec: 20, queryAgeSec: 40, stateAgeSec: 40, query: 'UPDATE accounts SET balance = 1'}),
	pgSession({pid: 103, user: 'carol', database: 'hr', application: 'my app', state: 'active', waitEventType: 'Lock', waitEvent: 'relation', xactAgeSec: 5, queryAgeSec: 5, stateAgeSec: 5, query: 'SELECT \u001B[2J *\n  FROM staff'}),
	pgSession({pid: 104, user: 'alice', database: 'shop', state: 'idle', xactAgeSec: null, queryAgeSec: 600, stateAgeSec: 600, query: 'SELECT 1'}),
	pgSession({pid: 105, user: null, database: null, application: '', client: null, state: null, backendType: 'checkpointer', xactAgeSec: null, queryAgeSec: null, stateAgeSec: null, query: ''}),
];
const locks: PgLocksSample = {
	blockedBy: {102: [101], 103: [102]},
	locks: [
		pgLock({pid: 101, mode: 'RowExclusiveLock'}),
		pgLock({pid: 102, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false, waitStartAt: 10_000}),
		pgLock({pid: 103, mode: 'AccessShareLock', granted: false, relation: 'hr:16384', waitStartAt: 40_000}),
	],
};
const server = pgServer({
	startedAt: AT - 3600_000,
	connections: 12,
	maxConnections: 100,
	standbys: [{application: 'replica1', client: '10.0.0.9', state: 'streaming', lagBytes: 5 * 1024 ** 2, replayLagSec: 3}],
});
const sessionsAction = (list = sessions, localPostmasterPid: number | null = null, at = AT): Action => ({
	type: 'sample',
	id: 'postgres-sessions',
	at,
	value: pgSessionsSample(list, {server, localPostmasterPid}),
});
const locksAction: Action = {type: 'sample', id: 'postgres-locks', at: AT, value: locks};

/** The whole app at a terminal size, on a host sample and the actions. */
const renderApp = async (columns: number, rows: number, actions: Action[], postgres?: ReturnType<typeof fakePostgres>) => renderAppAt(columns, rows, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, ...actions], {postgres});

/** The status bar: the last line with text (a short chart area leaves blank lines under it). */
const statusLine = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';
/** The session line drawn in reverse video (the selection), as text without its mark column. */
/** The pids of the session rows, top to bottom. */
const sessionPids = (frame: string) =>
	frame
		.split('\n')
		.filter(line => /^[> ][! ] +1\d\d /.test(line))
		.map(line => Number(line.slice(2).trim().split(' ')[0]));

test('server header at 80 and 160 columns: version, uptime, connections, rates, vacuum horizon, standbys', () => {
	const narrow = renderView(<SessionsPane width={80} height={20} />, [sessionsAction()]);
	const lines = stripAnsi(narrow.frame()).split('\n');
	assert.match(lines[0]!, /^PG 18\.4 · up 1h00m · conn 12\/100 · xact 250\/s · hit 99\.5% · tup r 12k\/s w 300\/s$/);
	assert.match(lines[1]!, /^deadlocks 2 · temp 3 files 10M · longest xact 1m15s · oldest xmin 1234 xids$/);
	assert.match(lines[2]!, /^standbys replica1 5\.0M behind \(3s\)$/, 'the standbys get their own line where they do not fit');
	assert.ok(lines.every(line => line.length <= 80));
	narrow.unmount();
	const wide = renderView(<SessionsPane width={160} height={20} />, [sessionsAction()]);
	const wideLines = stripAnsi(wide.frame()).split('\n');
	assert.match(wideLines[0]!, /^Postgres 18\.4 · up 1h00m · conn 12\/100 · xact 250\/s · hit 99\.5% · tup r 12k\/s w 300\/s$/);
	assert.match(wideLines[1]!, /^deadlocks 2 · temp 3 files 10M · longest xact 1m15s · oldest xmin 1234 xids · standbys replica1 5\.0M behind \(3s\)$/);
	assert.match(wideLines[2]!, /^USER /);
	wide.unmount();
});

test('a probe switched off shows its reason under the server', () => {
	const action: Action = {type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample(sessions, {disabledProbes: {standbys: 'permission denied for view pg_stat_replication'}})};
	const view = renderView(<SessionsPane width={100} height={20} />, [action]);
	assert.match(stripAnsi(view.frame()).split('\n')[2]!, /^standbys off: permission denied for view pg_stat_replication$/);
	view.unmount();
});

test('the connections count takes its colour from the connections rule', () => {
	const full: Action = {type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample(sessions, {server: pgServer({connections: 97, maxConnections: 100})})};
	const view = renderView(<SessionsPane width={160} height={20} />, [full]);
	assert.match(view.frame(), /\u001B\[31mconn 97\/100/);
	view.unmount();
});

test('users summary: per user the sessions by state and by database; background workers left out', () => {
	const view = renderView(<SessionsPane width={160} height={30} />, [sessionsAction()]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^USER +TOTAL ACTIVE +IDLE IN-XACT ABORTED ON-LOCK BY DATABASE *$/m);
	assert.match(frame, /^alice +2 +0 +1 +1 +0 +0 +shop 2$/m);
	assert.match(frame, /^bob +1 +1 +0 +0 +0 +1 +shop 1$/m);
	assert.match(frame, /^carol +1 +1 +0 +0 +0 +1 +hr 1$/m);
	assert.doesNotMatch(frame, /^checkpointer/m);
	view.unmount();
	// A short pane folds the users that do not fit into one line.
	const short = renderView(<SessionsPane width={80} height={14} />, [sessionsAction()]);
	assert.match(stripAnsi(short.frame()), /^alice +2 .*\n\+2 more: bob 1, carol 1$/m);
	short.unmount();
});

test('session rows at 80 and 160 columns: sorted by transaction age, the query on one line, escapes made visible', () => {
	const narrow = renderView(<SessionsPane width={80} height={20} />, [sessionsAction()]);
	const frame = stripAnsi(narrow.frame());
	assert.deepEqual(sessionPids(frame), [101, 102, 103, 104], 'oldest transaction first, workers hidden');
	assert.match(frame, /^ +PID DB +USER +STATE +XACT▼ +QRY QUERY/m);
	assert.match(frame, /^> +101 shop +alice +idle in trans +5m00s +4m50s UPDATE accounts SET ba…$/m);
	assert.match(frame, /^ +103 hr +carol +active +5s +5s SELECT \\x1b\[2J \* FROM …$/m);
	assert.ok(!narrow.frame().includes('\u001B[2J'), 'the escape sequence never reaches the terminal');
	assert.ok(frame.split('\n').every(line => line.length <= 80));
	narrow.unmount();

	const wide = renderView(<SessionsPane width={160} height={20} />, [sessionsAction()]);
	const wideFrame = stripAnsi(wide.frame());
	assert.match(wideFrame, /^ +PID DB +USER +APP +CLIENT +STATE +WAIT +XACT▼ +QRY +SINCE +XMIN QUERY/m);
	// 102 has waited on a lock past the lock-wait rule's warning: its alert points at it.
	assert.match(wideFrame, /^ ! +102 shop +bob +psql +10\.0\.0\.5 +active +Lock:transactionid +20s +40s +40s +UPDATE accounts SET balance = 1 *$/m);
	assert.match(wideFrame, /^> +101 shop .* 1\.2M UPDATE/m, 'xmin age in transactions');
	wide.unmount();
});

test('s walks the sorts and the header says which; at 80 columns the sorted age stays in view', async () => {
	const view = await renderApp(80, 24, [sessionsAction(), {type: 'set-pane', pane: 'sessions'}]);
	await view.press('s');
	assert.match(view.frame(), /sort QUERY age/);
	assert.deepEqual(sessionPids(view.frame()), [104, 101, 102, 103]);
	await view.press('s');
	assert.match(view.frame(), /sort STATE age/);
	assert.match(view.frame(), /SINCE▼/);
	await view.press('s', 's');
	assert.match(view.frame(), /sort STATE$/m);
	assert.deepEqual(sessionPids(view.frame()), [102, 103, 104, 101]);
	await view.press('s');
	assert.match(view.frame(), /sort USER/);
	assert.deepEqual(sessionPids(view.frame()), [101, 104, 102, 103]);
	await view.press('s');
	assert.match(view.frame(), /sort DB/);
	assert.deepEqual(sessionPids(view.frame()), [103, 101, 102, 104]);
	await view.press('S');
	assert.match(view.frame(), /sort USER/, 'S goes back');
	view.unmount();
});

test('the filter: db:, user:, app: with quotes, state:, a regex over the query; an invalid regex is an error, not a crash', async () => {
	const view = await renderApp(80, 24, [sessionsAction(), {type: 'set-pane', pane: 'sessions'}]);
	await view.press('/', ...'db:shop');
	assert.match(view.frame(), /Filter: db:shop/);
	assert.deepEqual(sessionPids(view.frame()), [101, 102, 104]);
	await view.press(KEYS.enter, '/', ...' user:ALICE');
	assert.deepEqual(sessionPids(view.frame()), [101, 104]);
	await view.press(...' balance\\s*=', KEYS.enter);
	assert.deepEqual(sessionPids(view.frame()), [101]);
	assert.match(view.frame(), /Sessions 1 shown .* filter "db:shop user:ALI…/);
	await view.press(KEYS.escape, '/', ...'app:"my app"', KEYS.enter);
	assert.deepEqual(sessionPids(view.frame()), [103]);
	await view.press(KEYS.escape, '/', ...'state:idle', KEYS.enter);
	assert.deepEqual(sessionPids(view.frame()), [101, 104]);
	await view.press(KEYS.escape, '/', ...'(unclosed');
	assert.match(statusLine(view.frame()), /^Filter: \(unclosed +not a regular expression: missing closing \)$/);
	await view.press(KEYS.enter);
	assert.match(statusLine(view.frame()), /^filter: not a regular expression: missing closing \)$/);
	assert.match(view.frame(), /filter "\(unclosed" not a…/);
	assert.deepEqual(sessionPids(view.frame()), [101, 102, 103, 104], 'a broken regex filters nothing out');
	view.unmount();
});

test('i hides idle sessions, b shows background workers', async () => {
	const view = await renderApp(80, 24, [sessionsAction(), {type: 'set-pane', pane: 'sessions'}]);
	await view.press('i');
	assert.match(view.frame(), /Sessions 3 shown .* idle hidden/);
	assert.deepEqual(sessionPids(view.frame()), [101, 102, 103]);
	await view.press('i', 'b');
	assert.match(view.frame(), /Sessions 5 shown .* workers shown/);
	assert.match(view.frame(), /^ +105 +checkpointer$/m);
	view.unmount();
});

test('the selection stays on its pid across refreshes, and where it was when that session ends', async () => {
	const view = await renderApp(80, 24, [sessionsAction(), {type: 'set-pane', pane: 'sessions'}]);
	await view.press(KEYS.down);
	assert.match(selectedRow(view.raw()), /^ +102 shop +bob/);
	// 103's transaction is now the oldest: it moves to the top, the selection stays on 102.
	view.store.dispatch(sessionsAction(sessions.map(session => (session.pid === 103 ? {...session, xactAgeSec: 1000} : session)), null, AT + 2000));
	await sleep(30);
	assert.deepEqual(sessionPids(view.frame()), [103, 101, 102, 104]);
	assert.match(selectedRow(view.raw()), /^ +102 shop +bob/);
	// 102 ends: the selection stays in its place on screen (the third row), now 104.
	view.store.dispatch(sessionsAction(sessions.filter(session => session.pid !== 102).map(session => (session.pid === 103 ? {...session, xactAgeSec: 1000} : session)), null, AT + 4000));
	await sleep(30);
	assert.match(selectedRow(view.raw()), /^ +104 shop +alice/);
	view.unmount();
});

test('the server going away: what happened and since when, then the last numbers; sort, filter and selection kept across the reconnect', async () => {
	const view = await renderApp(160, 40, [{type: 'set-pane', pane: 'sessions'}]);
	assert.match(view.frame(), /^Sessions\nconnecting…$/m);
	view.store.dispatch({type: 'collector-error', id: 'postgres-sessions', at: 10_000, message: 'cannot connect to ops@db1:5432/shop: connect ECONNREFUSED'});
	view.store.dispatch({type: 'collector-error', id: 'postgres-sessions', at: 40_000, message: 'cannot connect to ops@db1:5432/shop: connect ECONNREFUSED'});
	await sleep(30);
	assert.match(view.frame(), /^Sessions\nstale: cannot connect to ops@db1:5432\/shop: connect ECONNREFUSED \(no good sample yet\)\ndown since .* \(40s\), reconnecting with back-off/m);
	view.store.dispatch(sessionsAction());
	await sleep(30);
	await view.press('s', '/', ...'db:shop', KEYS.enter, KEYS.down);
	assert.match(view.frame(), /sort QUERY age · filter "db:shop"/);
	assert.match(selectedRow(view.raw()), /^ +101 /);
	// dbtop's backend is terminated: the last sample stays, marked stale, until the reconnect brings a new one.
	view.store.dispatch({type: 'collector-error', id: 'postgres-sessions', at: AT + 5000, message: 'connection lost: terminating connection due to administrator command'});
	await sleep(30);
	assert.match(view.frame(), /stale: connection lost: terminating connection due to administrator command \(last good 5s ago\)/);
	assert.deepEqual(sessionPids(view.frame()), [104, 101, 102]);
	view.store.dispatch(sessionsAction(sessions, null, AT + 9000));
	await sleep(30);
	assert.doesNotMatch(view.frame(), /stale:/);
	assert.match(view.frame(), /sort QUERY age · filter "db:shop"/);
	assert.match(selectedRow(view.raw()), /^ +101 /);
	view.unmount();
});

test('session detail of a remote server: every column, its locks, blockers and blocked, no host numbers, the whole query', () => {
	for (const width of [80, 160]) {
		const view = renderView(<SessionDetail width={width} height={14} />, [sessionsAction(), locksAction, {type: 'open-detail', list: 'sessions', pid: 102}]);
		const frame = stripAnsi(view.frame());
		assert.match(frame, /^Session 102 bob@shop · Esc back/m);
		assert.match(frame, width === 160 ? /^State active · wait Lock:transactionid · client backend · app psql · client 10\.0\.0\.5$/m : /^State active · wait Lock:transactionid · client backend · app psql · client 10\.…$/m);
		assert.match(frame, /^Ages xact 20s · query 40s · state 40s · xmin — · started /m);
		assert.match(frame, /^Locks WAITS FOR ShareLock on transactionid for 40s$/m);
		assert.match(frame, /^Waits on 101 alice \(idle in transaction\)$/m);
		assert.match(frame, /^Blocks 103 carol \(active\)$/m);
		assert.match(frame, /^Process not shown: the server is remote/m);
		assert.doesNotMatch(frame, /CPU \d/);
		assert.match(frame, /^Query UPDATE accounts SET balance = 1$/m);
		view.unmount();
	}

	const root = renderView(<SessionDetail width={160} height={14} />, [sessionsAction(), locksAction, {type: 'open-detail', list: 'sessions', pid: 101}]);
	assert.match(stripAnsi(root.frame()), /^Blocks 102 bob \(active\) · holds up 2 in all$/m);
	assert.match(stripAnsi(root.frame()), /^Locks holds RowExclusiveLock on public\.accounts$/m);
	root.unmount();
});

test('session detail of a local server: its backend process\'s CPU, memory and I/O', () => {
	const processes: Action = {
		type: 'sample',
		id: 'processes',
		at: AT,
		value: {
			processes: [processRow({pid: 102, cpuPct: 12.5, rss: 64 * 1024 ** 2})],
			detail: {pid: 102, readBytesPerSec: 2 * 1024 ** 2, writeBytesPerSec: 1024, ioError: null, fdCount: 20, fdError: null, cgroup: '/system.slice/postgresql.service'},
		},
	};
	const view = renderView(<SessionDetail width={80} height={14} />, [sessionsAction(sessions, 1), processes, {type: 'open-detail', list: 'sessions', pid: 102}]);
	assert.match(stripAnsi(view.frame()), /^Process CPU 12\.5% · RSS 64M · I\/O read 2\.0M\/s write 1\.0K\/s$/m);
	view.unmount();
	// The same numbers in the process list do not show for a remote server, whose pids are not this host's.
	const remote = renderView(<SessionDetail width={80} height={14} />, [sessionsAction(sessions, null), processes, {type: 'open-detail', list: 'sessions', pid: 102}]);
	assert.doesNotMatch(stripAnsi(remote.frame()), /12\.5%|64M/);
	remote.unmount();
});

test('session detail wraps a long query and shows its escapes; a session that ended says so', () => {
	const long = `SELECT ${Array.from({length: 30}, (_, i) => `column_${i}`).join(', ')} FROM t WHERE x = '\u001B]0;owned\u0007'`;
	const view = renderView(<SessionDetail width={80} height={14} />, [sessionsAction([pgSession({pid: 7, query: long})]), {type: 'open-detail', list: 'sessions', pid: 7}]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /column_0/);
	assert.match(frame, /column_29 FROM t WHERE x = '\\x1b\]0;owned\\x07'/);
	assert.ok(frame.split('\n').every(line => line.length <= 80));
	view.unmount();
	const gone = renderView(<SessionDetail width={80} height={14} />, [sessionsAction([]), {type: 'open-detail', list: 'sessions', pid: 7}]);
	assert.match(stripAnsi(gone.frame()), /The session is gone/);
	gone.unmount();
});

test('a 10 KB query scrolls in the session detail: by line, by page, to either end, every part of it reachable', async () => {
	const columns = Array.from({length: 750}, (_, i) => `t.column_${String(i).padStart(3, '0')}`);
	const query = `SELECT ${columns.slice(0, 400).join(', ')},\n\t'数据库 \u001B[2J' AS note,\n${columns.slice(400).join(', ')}\nFROM t -- END_OF_QUERY`;
	assert.ok(query.length >= 10_000);
	const view = await renderApp(80, 24, [sessionsAction([pgSession({pid: 7, query})]), {type: 'set-pane', pane: 'sessions'}]);
	await view.press(KEYS.enter);
	const position = () => {
		const match = /lines (\d+)–(\d+) of (\d+) · /.exec(view.frame());
		assert.ok(match, `a position line in\n${view.frame()}`);
		return {first: Number(match[1]), last: Number(match[2]), total: Number(match[3])};
	};

	assert.match(view.frame(), /^Query SELECT t\.column_000, /m);
	assert.match(statusLine(view.frame()), /down scroll/);
	const start = position();
	assert.equal(start.first, 1);
	assert.ok(start.total > 100, `${start.total} lines`);
	const seen = new Set<string>();
	let frames = 0;
	for (let at = position(); ; at = position()) {
		const frame = view.frame();
		assert.ok(frame.split('\n').every(line => textWidth(line) <= 80), frame);
		for (const name of frame.match(/column_\d{3}|'数据库 \\x1b\[2J' AS note/g) ?? []) seen.add(name);
		if (at.last === at.total) break;
		await view.press(KEYS.pageDown);
		assert.equal(position().first, Math.min(at.last + 1, at.total - (at.last - at.first)), 'a page goes on from the last line shown, the last page ends at the last line');
		assert.ok(++frames < 200);
	}

	assert.equal(seen.size, columns.length + 1, 'every column of the query was on screen, and the line between them, its escape made visible');
	assert.match(view.frame(), /^FROM t -- END_OF_QUERY$/m, 'the query\'s own line breaks stay');
	assert.doesNotMatch(view.raw(), /\u001B\[2J/);
	await view.press(KEYS.pageDown, 'j', KEYS.down);
	assert.equal(position().last, start.total, 'it stops at the end');
	await view.press(KEYS.up);
	assert.equal(position().last, start.total - 1);
	await view.press('k');
	assert.equal(position().last, start.total - 2);
	await view.press(KEYS.home);
	assert.deepEqual(position(), start);
	await view.press('G');
	assert.equal(position().last, start.total);
	await view.press('g', KEYS.pageUp);
	assert.deepEqual(position(), start, 'it stops at the start');
	// Back to the list and into the detail again: the query starts at its top.
	await view.press(KEYS.end, KEYS.escape, KEYS.enter);
	assert.deepEqual(position(), start);
	view.unmount();
});

test('session detail shows the escapes in a lock\'s mode and type, and emits none', () => {
	const rawLocks: PgLocksSample = {
		blockedBy: {7: [8]},
		locks: [pgLock({pid: 7, mode: 'Share\u001B[2JLock', lockType: 'transaction\u0007id', relation: null, granted: false}), pgLock({pid: 7, mode: 'RowExclusiveLock', lockType: 'tu\u009Bple', relation: 'public.accounts'})],
	};
	const view = renderView(<SessionDetail width={160} height={14} />, [sessionsAction([pgSession({pid: 7})]), {type: 'sample', id: 'postgres-locks', at: AT, value: rawLocks}, {type: 'open-detail', list: 'sessions', pid: 7}]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^Locks WAITS FOR Share\\x1b\[2JLock on transaction\\x07id; holds RowExclusiveLock on public\.accounts \(tu\\x9bple\)$/m);
	assert.doesNotMatch(frame, /[\u0007\u009B]|\u001B\[2J/);
	view.unmount();
});

test('Enter opens the selected session, Esc goes back to the list', async () => {
	const view = await renderApp(160, 40, [sessionsAction(), locksAction, {type: 'set-pane', pane: 'sessions'}]);
	await view.press(KEYS.down, KEYS.enter);
	assert.match(view.frame(), /^Session 102 bob@shop/m);
	assert.match(statusLine(view.frame()), /escape back {2}down scroll {2}c cancel query {2}x terminate backend/);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /Sessions 4 shown/);
	view.unmount();
});

test('cancel and terminate from the sessions pane and the session detail ask first, naming pid, user and query', async () => {
	const postgres = fakePostgres();
	const woken: string[] = [];
	const scheduler = {setPaused() {}, setRefresh() {}, wake: (id: string) => void woken.push(id)};
	const view = await renderAppAt(160, 40, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sessionsAction(), {type: 'set-pane', pane: 'sessions'}], {postgres, scheduler});
	await view.press('c');
	assert.match(statusLine(view.frame()), /^Cancel the query of 101 \(alice: UPDATE accounts SET balance = 0\)\? y\/n$/);
	await view.press('n');
	assert.deepEqual(postgres.calls, []);
	await view.press(KEYS.down, KEYS.down, KEYS.enter, 'x');
	assert.match(statusLine(view.frame()), /^Terminate the backend 103 \(carol: SELECT \\x1b\[2J \* FROM staff\)\? y\/n$/);
	await view.press('y');
	assert.deepEqual(postgres.calls, ['terminate 103']);
	assert.match(statusLine(view.frame()), /^terminated 103$/);
	assert.deepEqual(woken, ['postgres-sessions'], 'a fresh sample is asked for at once');
	// At once, not at the next sample with its old state.
	assert.match(view.frame(), /^The session is gone: it ended or was terminated/m);
	assert.doesNotMatch(view.frame(), /SELECT .* FROM staff/);
	view.unmount();
});

test('x from the sessions list: the terminated session leaves the list at once, and the selection stays where it was seen', async () => {
	const view = await renderApp(160, 40, [sessionsAction(), {type: 'set-pane', pane: 'sessions'}], fakePostgres());
	assert.deepEqual(sessionPids(view.frame()), [101, 102, 103, 104]);
	await view.press(KEYS.down, 'x', 'y');
	assert.deepEqual(sessionPids(view.frame()), [101, 103, 104]);
	assert.match(selectedRow(view.raw()), /^ +103 /, 'the row that took its place');
	view.unmount();
});

test('the processes pane labels local backends with their session; a backend\'s drill-down shows it; nothing of this when remote', async () => {
	const processes: Action = {
		type: 'sample',
		id: 'processes',
		at: AT,
		value: {processes: [processRow({pid: 101, user: 'postgres', command: 'postgres: alice shop idle in transaction', cpuPct: 5}), processRow({pid: 900, command: 'nginx'})], detail: null},
	};
	const local = await renderApp(160, 40, [sessionsAction(sessions, 1), processes]);
	assert.match(local.frame(), /^[> ] +101 postgres .* \[pg alice@shop idle in transaction\] postgres: alice/m);
	assert.match(local.frame(), /^ +900 root .* nginx$/m);
	local.unmount();
	const remote = await renderApp(160, 40, [sessionsAction(sessions, null), processes]);
	assert.doesNotMatch(remote.frame(), /\[pg /);
	remote.unmount();

	const detail = renderView(<ProcessDetail width={80} height={20} />, [sessionsAction(sessions, 1), processes, {type: 'open-detail', list: 'processes', pid: 101}]);
	assert.match(stripAnsi(detail.frame()), /^Postgres \[pg alice@shop idle in transaction\] UPDATE accounts SET balance = 0$/m);
	detail.unmount();
	const remoteDetail = renderView(<ProcessDetail width={80} height={20} />, [sessionsAction(sessions, null), processes, {type: 'open-detail', list: 'processes', pid: 101}]);
	assert.doesNotMatch(stripAnsi(remoteDetail.frame()), /^Postgres /m);
	remoteDetail.unmount();
});
