// The Statements pane and a statement's detail, at 80 and 160 columns: the columns, measuring, the
// sorts, the filter, the drill-down (charts, the sessions running it, its query) and copying it.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {companionParts} from '../../collectors/ring-replay.js';
import {companionOf} from '../../source/ring/companion.js';
import {hostOfRow} from '../../source/ring/replay-parse.js';
import type {ReplayCursor} from '../../source/store/replay.js';
import {createStore, initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {PgStatement} from '../../source/types.js';
import {hostSample, pgServer, pgSession, pgSessionsSample, pgStatement, pgStatementsSample} from '../helpers/fixtures.js';
import {ringRow} from '../helpers/ring.js';

process.env['FORCE_COLOR'] = '1';
const {App} = await import('../../views/App.js');
const {KEYS, renderView, selectedRow, stripAnsi} = await import('../helpers/render-view.js');

const AT = 50_000;

const statements: PgStatement[] = [
	pgStatement({queryId: '111', query: 'SELECT * FROM orders WHERE id = $1', callsPerSec: 500, totalMsPerSec: 250, meanMs: 0.5, timePct: 62.5, sharedReadPerSec: 3}),
	pgStatement({queryId: '222', query: 'UPDATE stock\n   SET qty = qty - $1\n WHERE item = $2', callsPerSec: 20, totalMsPerSec: 140, meanMs: 7, timePct: 35, sharedReadPerSec: 40}),
	pgStatement({queryId: '333', database: 'hr', user: 'bob', query: 'SELECT name FROM staff', callsPerSec: 1, totalMsPerSec: 10, meanMs: 10, timePct: 2.5, sharedReadPerSec: 0}),
	pgStatement({queryId: '444', query: 'VACUUM orders', callsPerSec: 0, totalMsPerSec: 0, meanMs: null, timePct: 0, sharedReadPerSec: 0}),
];
const statementsAction = (list = statements, at = AT, fields: Parameters<typeof pgStatementsSample>[1] = {}): Action => ({type: 'sample', id: 'postgres-statements', at, value: pgStatementsSample(list, fields)});
const sessionsAction: Action = {
	type: 'sample',
	id: 'postgres-sessions',
	at: AT,
	value: pgSessionsSample([
		pgSession({pid: 4242, user: 'alice', state: 'active', queryAgeSec: 3, queryId: '222'}),
		pgSession({pid: 4243, user: 'alice', state: 'idle', queryId: '222'}),
		pgSession({pid: 4244, user: 'carol', state: 'active', queryId: '111'}),
	]),
};

/** The whole app on the Statements pane at a size, with what it copies. */
async function renderPane(columns: number, rows: number, actions: Action[]) {
	const copied: string[] = [];
	const view = renderView(<App version="1" />, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, ...actions, {type: 'set-pane', pane: 'statements'}], undefined, copied);
	Object.defineProperty(view.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(view.stdout, 'rows', {value: rows, configurable: true});
	view.stdout.emit('resize');
	await view.press('');
	return {...view, copied, frame: () => stripAnsi(view.frame())};
}

/** The queryids of the statement rows, top to bottom (each fixture's query names its queryid's table). */
const order = (frame: string) => frame.split('\n').filter(line => /^[> ] +[\d.]+ /.test(line)).map(line => /(orders WHERE|stock|staff|VACUUM)/.exec(line)?.[1]);

test('at 80 columns: calls/s, ms/s, mean, share and database beside the query on one line, the most time first, nothing wider than the terminal', async () => {
	const view = await renderPane(80, 24, [sessionsAction, statementsAction()]);
	const frame = view.frame();
	assert.match(frame, /7 Statements/);
	assert.match(frame, /Statements 4 · sort time\/s · 3 ran in 2s · 400 ms\/s in all/);
	assert.match(frame, /CALLS\/s +ms\/s▼ +MEAN ms +%TIME DB +QUERY/);
	assert.deepEqual(order(frame), ['orders WHERE', 'stock', 'staff', 'VACUUM']);
	assert.match(selectedRow(view.frame()), /^ +500 +250 +0\.50 +62\.5 shop +SELECT \* FROM orders WHERE id = \$1/);
	assert.match(frame, /20\.0 +140 +7\.0 +35\.0 shop +UPDATE stock SET qty = qty - \$1 W…\n/, 'the query on one line, cut at the terminal\'s edge');
	assert.ok(frame.split('\n').every(line => line.length <= 80), frame);
	view.unmount();
});

test('at 160 columns: rows, blocks hit and read, temp and WAL per second and the user as well', async () => {
	const view = await renderPane(160, 30, [statementsAction()]);
	assert.match(view.frame(), /CALLS\/s +ms\/s▼ +MEAN ms +%TIME +ROWS\/s +HIT\/s +READ\/s +TEMP\/s +WAL\/s DB +USER +QUERY/);
	assert.match(view.frame(), /500 +250 +0\.50 +62\.5 +10\.0 +100 +3\.0 +0 +0B shop +alice +SELECT/);
	view.unmount();
});

test('the first sample measures: no rates shown as rates, the statements in their order since the reset', async () => {
	const measuring = statements.map(statement => ({...statement, callsPerSec: null, totalMsPerSec: null, meanMs: null, rowsPerSec: null, sharedHitPerSec: null, sharedReadPerSec: null, tempWrittenPerSec: null, walBytesPerSec: null, timePct: null}));
	const view = await renderPane(80, 24, [statementsAction(measuring, AT, {intervalSec: null})]);
	assert.match(view.frame(), /Statements 4 · sort time\/s · measuring: rates from the next sample/);
	assert.match(selectedRow(view.frame()), /^ {32}shop/, 'blank cells');
	view.unmount();
});

test('s walks the sorts (calls/s, mean, ..., the blocks read) and S walks back; each marks its column', async () => {
	const view = await renderPane(120, 30, [statementsAction()]);
	await view.press('s');
	assert.match(view.frame(), /sort calls\/s/);
	assert.match(view.frame(), /CALLS\/s▼/);
	assert.deepEqual(order(view.frame()), ['orders WHERE', 'stock', 'staff', 'VACUUM']);
	await view.press('s');
	assert.match(view.frame(), /sort mean time/);
	assert.deepEqual(order(view.frame()), ['staff', 'stock', 'orders WHERE', 'VACUUM']);
	await view.press('s', 's', 's');
	assert.match(view.frame(), /sort read\/s/);
	assert.match(view.frame(), /READ\/s▼/);
	assert.deepEqual(order(view.frame()), ['stock', 'orders WHERE', 'staff', 'VACUUM']);
	await view.press('S', 'S', 'S', 'S', 'S');
	assert.match(view.frame(), /sort time\/s/);
	view.unmount();
});

test('/ filters by db: and user: and a regular expression over the query; Esc clears it', async () => {
	const view = await renderPane(80, 24, [statementsAction()]);
	await view.press('/', ...'db:hr', KEYS.enter);
	assert.match(view.frame(), /Statements 1 shown of 4/);
	assert.deepEqual(order(view.frame()), ['staff']);
	await view.press('/', KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, ...'user:alice stock|vacuum', KEYS.enter);
	assert.deepEqual(order(view.frame()), ['stock', 'VACUUM']);
	await view.press('/', ...' (', KEYS.enter);
	assert.match(view.frame(), /filter: not a regular expression: missing closing \)$/);
	await view.press(KEYS.escape);
	assert.deepEqual(order(view.frame()), ['orders WHERE', 'stock', 'staff', 'VACUUM']);
	view.unmount();
});

test('Enter opens the statement: its rates, charts interval by interval, the sessions running it now, its whole query; y copies it; Esc goes back', async () => {
	const view = await renderPane(100, 40, [sessionsAction, statementsAction()]);
	await view.press(KEYS.down);
	for (let second = 1; second <= 3; second++) view.store.dispatch(statementsAction(statements.map(statement => ({...statement, callsPerSec: (statement.callsPerSec ?? 0) + second})), AT + second * 2000));
	await view.press(KEYS.enter);
	const frame = view.frame();
	assert.match(frame, /Statement 222 alice@shop · Esc back · y copy/);
	assert.match(frame, /Now calls 23\.0\/s · time 140 ms\/s \(35\.0% of all\) · mean 7\.0 ms/);
	assert.match(frame, /Since reset 1000 calls · mean 5\.0 ms · 5\.0 s in all/);
	assert.match(frame, /Calls\/s 23\.0 +Mean ms 7\.0 +Time ms\/s 140/);
	assert.match(frame, /23\.0 ┼/, 'the chart of the calls since the row came into view');
	assert.match(frame, /Running 1: 4242 alice 3s · 1 more ran it last/);
	assert.match(frame, /Query UPDATE stock\n {3}SET qty = qty - \$1\n WHERE item = \$2/, 'its own line breaks');
	await view.press('y');
	assert.deepEqual(view.copied, ['UPDATE stock\n   SET qty = qty - $1\n WHERE item = $2']);
	assert.match(view.frame(), /copied the query of statement 222 to the clipboard \(51 characters\)/);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /Statements 4 · sort/);
	// From the list too.
	await view.press('y');
	assert.equal(view.copied.at(-1), 'UPDATE stock\n   SET qty = qty - $1\n WHERE item = $2');
	view.unmount();
});

test('a statement gone from the view (evicted, reset) says so in its detail', async () => {
	const view = await renderPane(80, 24, [statementsAction()]);
	await view.press(KEYS.enter);
	view.store.dispatch(statementsAction(statements.slice(1), AT + 2000));
	await view.press('');
	assert.match(view.frame(), /The statement is gone from pg_stat_statements: evicted, or the statistics were\s+reset\. Esc goes back\./);
	view.unmount();
});

test('without the extension the pane says how to enable it, and the other panes are as ever', async () => {
	const error = 'pg_stat_statements is not installed in database "shop": run CREATE EXTENSION pg_stat_statements in database "shop"';
	const view = await renderPane(80, 24, [sessionsAction, statementsAction([], AT, {error, intervalSec: null})]);
	assert.match(view.frame(), /Statements\n.*pg_stat_statements is not installed in database "shop": run CREATE EXTENSION/);
	await view.press('3');
	assert.match(view.frame(), /Sessions 3 shown/);
	view.unmount();
});

test('history is kept for the statements on screen and the open one, not for every entry, and none off the pane', async () => {
	const many = Array.from({length: 200}, (_, index) => pgStatement({queryId: String(1000 + index), totalMsPerSec: 1000 - index}));
	const view = await renderPane(80, 24, [statementsAction(many)]);
	view.store.dispatch(statementsAction(many, AT + 2000));
	const {statementHistory, ui} = view.store.getState();
	assert.ok(statementHistory.size > 0 && statementHistory.size <= ui.statements.pageSize, `${statementHistory.size} histories for a page of ${ui.statements.pageSize}`);
	assert.ok(statementHistory.has(many[0]!.key));
	assert.ok(!statementHistory.has(many[199]!.key));
	await view.press('3');
	view.store.dispatch(statementsAction(many, AT + 4000));
	assert.equal(view.store.getState().statementHistory.size, 0);
	view.unmount();
});

/** A replay on the Statements pane of a moment whose companion dbtop recorded from `live` (passed through JSON, as the ring holds it); `edit` changes the recorded Postgres part. */
async function replayOf(live: Action[], edit: (postgres: Record<string, unknown>) => void = () => {}) {
	const state = live.reduce<State>((current, action) => reduce(current, action), initialState(1000));
	const recorded = JSON.parse(JSON.stringify(companionOf(state, 0))) as Record<string, unknown>;
	edit(recorded['postgres'] as Record<string, unknown>);
	const cursor: ReplayCursor = {ring: 0, node: 'db1', at: 1_800_000_000, steps: 0};
	const host = hostOfRow({slot: 1, ...ringRow({sample_time: 1_800_000_000, node_name: 'db1', cpu_total_pct: 10})})!;
	const initial = initialState(1000, undefined, undefined, 'replay');
	const store = createStore({
		...initial,
		ui: {...initial.ui, pane: 'statements'},
		replay: {rings: ['ring:5432/metrics/monitor_samples_ring'], table: 'monitor_samples_ring', cursor, startAt: null, moment: null, nodes: null, missingColumns: []},
	});
	store.dispatch({
		type: 'sample',
		id: 'replay',
		at: Date.now(),
		value: {cursor, host, history: [], oldestTime: 1_799_990_000, newestTime: 1_800_000_000, containers: [], openContainer: null, containerHistory: [], companion: companionParts(recorded), companionMissing: null},
	});
	const copied: string[] = [];
	const view = renderView(<App version="1" />, [], store, copied);
	await view.press('');
	return {...view, copied, frame: () => stripAnsi(view.frame())};
}

const recordedLive: Action[] = [{type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample([], {server: pgServer()})}, statementsAction()];

test('a replay shows the statements dbtop record kept (those that ran, the most time first), their detail, and copies a query', async () => {
	const view = await replayOf(recordedLive);
	assert.match(view.frame(), /Statements 3 · sort time\/s · the most time over 2s, as recorded/);
	assert.deepEqual(order(view.frame()), ['orders WHERE', 'stock', 'staff'], 'what did not run in the interval is not recorded');
	await view.press(KEYS.down, KEYS.enter);
	assert.match(view.frame(), /Statement 222 alice@shop/);
	assert.match(view.frame(), /Since reset not recorded/);
	assert.match(view.frame(), /Running not in the ring/);
	await view.press('y');
	assert.deepEqual(view.copied, ['UPDATE stock\n   SET qty = qty - $1\n WHERE item = $2']);
	view.unmount();
});

test('a replay of a companion without statements (an older dbtop) says so in one line; one recorded without the extension says how to enable it', async () => {
	const older = await replayOf(recordedLive, postgres => {
		delete postgres['statements'];
		delete postgres['statementsIntervalSec'];
	});
	assert.match(older.frame(), /Statements\nstatements not recorded \(by an older dbtop, or not read yet\)\n/);
	older.unmount();
	const error = 'pg_stat_statements is not installed in database "shop": run CREATE EXTENSION pg_stat_statements in database "shop"';
	const missing = await replayOf([recordedLive[0]!, statementsAction([], AT, {error, intervalSec: null})]);
	assert.match(missing.frame(), /Statements\npg_stat_statements is not installed in database "shop": run CREATE EXTENSION/);
	missing.unmount();
});
