// Acting on sessions beyond the one selected, as a person sees it: tags and their marks, the one
// question about every tagged backend and what the status line says after; and a session's plan
// in its detail, in place of its query.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {withoutColour} from '../../source/ink/no-colour.js';
import type {PlanResult} from '../../source/postgres/plan.js';
import type {Action} from '../../source/store/store.js';
import type {PgSession} from '../../source/types.js';
import {textWidth} from '../../views/text-width.js';
import {hostSample, pgSession, pgSessionsSample} from '../helpers/fixtures.js';

// Colour on, before Ink loads, so that what shows without it can be told apart.
process.env['FORCE_COLOR'] = '1';
const {fakePostgres, KEYS, renderApp, stripAnsi} = await import('../helpers/render-view.js');
const {taggedQuestion} = await import('../../views/StatusBar.js');

const AT = 50_000;
const sessions: PgSession[] = [
	pgSession({pid: 101, user: 'alice', state: 'idle in transaction', xactAgeSec: 300, query: 'UPDATE accounts SET balance = 0'}),
	pgSession({pid: 102, user: 'bob', xactAgeSec: 200, query: 'UPDATE accounts SET balance = 1'}),
	pgSession({pid: 103, user: 'carol', database: 'hr', xactAgeSec: 100, query: 'SELECT \u001B[2J * FROM staff'}),
	pgSession({pid: 104, user: 'alice', state: 'idle', xactAgeSec: null, query: 'SELECT 1'}),
];
const sample = (list = sessions, at = AT): Action => ({type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(list)});
const start = (columns: number, postgres?: ReturnType<typeof fakePostgres>, actions: Action[] = []) =>
	renderApp(columns, 24, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sample(), {type: 'set-pane', pane: 'sessions'}, ...actions], {postgres});
const statusLine = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';
/** The session rows as their gutter (selection, alert, tag) and pid: `>  101`, `  *102`. */
const gutters = (frame: string) =>
	frame
		.split('\n')
		.filter(line => /^[> ][! ][* ] +10\d /.test(line))
		.map(line => `${line.slice(0, 3)}${line.slice(3).trim().split(' ')[0]}`);

test('Space tags the selected session and moves on; a tagged row is marked * in its gutter, with or without colour; the title counts them', async () => {
	const view = await start(80);
	await view.press(' ');
	assert.deepEqual(gutters(view.frame()), ['  *101', '>  102', '   103', '   104']);
	assert.match(view.frame(), /^Sessions 4 shown · 1 tagged · /m);
	await view.press(' ', KEYS.up, KEYS.up);
	assert.deepEqual(gutters(view.frame()), ['> *101', '  *102', '   103', '   104']);
	assert.match(view.frame(), /^Sessions 4 shown · 2 tagged · /m);
	// Without colour the marks are all still there: the selection by > (and reverse video), the tags by *.
	const plain = stripAnsi(withoutColour(view.raw()));
	assert.deepEqual(gutters(plain), ['> *101', '  *102', '   103', '   104']);
	assert.ok(view.frame().split('\n').every(line => textWidth(line) <= 80));
	// Space again untags (and moves on).
	await view.press(' ');
	assert.deepEqual(gutters(view.frame()), ['   101', '> *102', '   103', '   104']);
	assert.match(view.frame(), /^Sessions 4 shown · 1 tagged · /m);
	view.unmount();
});

test('T tags every session the filter shows, the filter and Esc leave tags alone, and T with all shown tagged untags every one', async () => {
	const view = await start(80);
	await view.press('/', ...'db:shop', KEYS.enter, 'T');
	assert.match(statusLine(view.frame()), /^tagged the 3 sessions shown$/);
	assert.deepEqual(gutters(view.frame()), ['> *101', '  *102', '  *104']);
	await view.press(KEYS.escape);
	assert.deepEqual(gutters(view.frame()), ['> *101', '  *102', '   103', '  *104'], 'Esc clears the filter, not the tags');
	await view.press('/', ...'user:carol', KEYS.enter, 'T');
	assert.match(view.frame(), /· 4 tagged · /);
	await view.press('T');
	assert.match(statusLine(view.frame()), /^untagged 4 sessions$/);
	await view.press(KEYS.escape);
	assert.deepEqual(gutters(view.frame()), ['>  101', '   102', '   103', '   104']);
	assert.doesNotMatch(view.frame(), /tagged · /);
	view.unmount();
});

test('x with sessions tagged asks once, listing them; y terminates each and says how many; those done leave the list and their tags', async () => {
	const postgres = fakePostgres();
	const view = await start(80, postgres);
	await view.press(' ', ' ', ' ', 'x');
	assert.equal(statusLine(view.frame()), 'Terminate 3 tagged backends (101 UPDATE a…, 102 UPDATE a…, 103 SELECT \\…)? y/n');
	await view.press('n');
	assert.deepEqual(postgres.calls, []);
	assert.match(view.frame(), /· 3 tagged · /, 'no: the tags stay');
	await view.press('x', 'y');
	assert.deepEqual(postgres.calls, ['terminate 101', 'terminate 102', 'terminate 103']);
	assert.match(statusLine(view.frame()), /^terminated 3 of 3 backends$/);
	assert.deepEqual(gutters(view.frame()).map(gutter => gutter.slice(3)), ['104']);
	assert.doesNotMatch(view.frame(), /tagged · /);
	view.unmount();
});

test('c cancels every tagged query; one the server refuses stays tagged and the status line says why, the same reason once for several', async () => {
	const postgres = fakePostgres(pid => (pid === 101 ? null : pid === 104 ? 'no backend with pid 104' : 'permission denied to cancel query'));
	const view = await start(120, postgres);
	await view.press('T', 'c');
	assert.equal(statusLine(view.frame()), 'Cancel the queries of 4 tagged backends (101 UPDATE accoun…, 102 UPDATE accoun…, 103 SELECT \\x1b[2…, 104 SELECT 1)? y/n');
	await view.press('y');
	assert.equal(statusLine(view.frame()), 'cancelled the queries of 1 of 4 backends; 102, 103: permission denied to cancel query; 104: no backend with pid 104');
	assert.deepEqual(gutters(view.frame()), ['>  101', '  *102', '  *103', '  *104']);
	view.unmount();
});

test('in a session\'s detail, c and x act on that session only, tags or not', async () => {
	const postgres = fakePostgres();
	const view = await start(120, postgres);
	await view.press(' ', ' ', KEYS.enter, 'x');
	assert.match(statusLine(view.frame()), /^Terminate the backend 103 \(carol: SELECT \\x1b\[2J \* FROM staff\)\? y\/n$/);
	await view.press('y');
	assert.deepEqual(postgres.calls, ['terminate 103']);
	view.unmount();
});

test('a tagged session that ends is untagged at the next sample, and so is one whose pid a new backend took', async () => {
	const view = await start(80);
	await view.press('T');
	assert.match(view.frame(), /· 4 tagged · /);
	view.store.dispatch(sample([sessions[0]!, {...sessions[1]!, backendStartAt: sessions[1]!.backendStartAt + 5000}, sessions[3]!], AT + 2000));
	await sleep(30);
	assert.deepEqual(gutters(view.frame()), ['> *101', '   102', '  *104']);
	assert.match(view.frame(), /· 2 tagged · /);
	view.unmount();
});

test('the Locks pane: Space tags the session of a line, marked * there and in the Sessions pane', async () => {
	const locks: Action = {type: 'sample', id: 'postgres-locks', at: AT, value: {blockedBy: {102: [101]}, locks: []}};
	const view = await start(120, undefined, [locks, {type: 'set-pane', pane: 'locks'}]);
	await view.press(' ');
	assert.match(view.frame(), /^Locks 1 blocking chain, 1 waiting · 1 tagged/m);
	assert.match(view.frame(), /^  \*101 /m);
	await view.press('3');
	assert.deepEqual(gutters(view.frame()), ['> *101', '   102', '   103', '   104']);
	view.unmount();
});

test('the question fits the width: at 80 columns fewer backends named, each cut, the rest counted', async () => {
	const many = Array.from({length: 12}, (_, index) => pgSession({pid: 200 + index, xactAgeSec: 100 - index, query: `SELECT ${'x'.repeat(index)} FROM t${index}`}));
	const view = await renderApp(80, 24, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sample(many), {type: 'set-pane', pane: 'sessions'}], {postgres: fakePostgres()});
	await view.press('T', 'x');
	const line = statusLine(view.frame());
	assert.equal(line, 'Terminate 12 tagged backends (200 SELECT FROM…, 201 SELECT x FR…, +10 more)? y/n');
	assert.ok(textWidth(line) <= 80);
	view.unmount();
});

test('the question at any width: whole up to its y/n, never wider than the terminal where the count fits; one backend alone, long queries cut, escapes made visible', () => {
	const backends = Array.from({length: 7}, (_, index) => ({pid: 1000 + index, query: `SELECT '東京\u001B[2J' || ${'x'.repeat(index * 10)}`}));
	for (let width = 45; width <= 200; width++) {
		const line = taggedQuestion('terminate', backends, width);
		assert.ok(textWidth(line) <= width, `${width}: ${line}`);
		assert.match(line, /^Terminate 7 tagged backends( \(.*\))?\? y\/n$/);
		assert.doesNotMatch(line, /\u001B/);
	}

	assert.equal(taggedQuestion('terminate', backends, 200), "Terminate 7 tagged backends (1000 SELECT '東京\\x1b[2J' ||, 1001 SELECT '東京\\x1b[2J' || …, 1002 SELECT '東京\\x1b[2J' || …, 1003 SELECT '東京\\x1b[2J' || …, 1004 SELECT '東京\\x1b[2J' || …, +2 more)? y/n");
	assert.equal(taggedQuestion('terminate', backends, 40), 'Terminate 7 tagged backends? y/n', 'no room to name one');
	assert.equal(taggedQuestion('cancel', [{pid: 7, query: 'SELECT 1'}], 80), 'Cancel the queries of 1 tagged backend (7 SELECT 1)? y/n');
	assert.equal(taggedQuestion('cancel', [{pid: 7, query: ''}], 80), 'Cancel the queries of 1 tagged backend (7 —)? y/n');
});

test('e in a session\'s detail shows its plan in place of the query, asked of the server for its database; e or Esc goes back to the query', async () => {
	let answer: (result: PlanResult) => void = () => {};
	const postgres = fakePostgres(null, async () => new Promise<PlanResult>(resolve => (answer = resolve)));
	const view = await start(80, postgres);
	await view.press(KEYS.enter, 'e');
	assert.deepEqual(postgres.calls, ['explain shop: UPDATE accounts SET balance = 0']);
	assert.match(view.frame(), /^Plan asking the server… · e or Esc back to the query$/m);
	answer({explain: 'EXPLAIN (GENERIC_PLAN)', lines: ['Update on accounts  (cost=0.00..35.50 rows=0 width=0)', '  ->  Seq Scan on accounts  (cost=0.00..35.50 rows=2550 width=10)', "        Filter: (name = 'a\u001B[31mb'::text)"]});
	await sleep(30);
	const frame = view.frame();
	assert.match(frame, /^Plan EXPLAIN \(GENERIC_PLAN\), not run · e or Esc back to the query$/m);
	assert.match(frame, /^ {2}-> {2}Seq Scan on accounts {2}\(cost=0\.00\.\.35\.50 rows=2550 width=10\)$/m);
	assert.match(frame, /Filter: \(name = 'a\\x1b\[31mb'::text\)/, 'the plan is sanitized');
	assert.ok(!view.raw().includes('\u001B[31mb'));
	assert.doesNotMatch(frame, /^Query /m);
	await view.press('e');
	assert.match(view.frame(), /^Query UPDATE accounts SET balance = 0$/m);
	await view.press('e', KEYS.escape);
	assert.match(view.frame(), /^Query UPDATE accounts SET balance = 0$/m, 'Esc goes back to the query first');
	await view.press(KEYS.escape);
	assert.match(view.frame(), /^Sessions 4 shown/m);
	view.unmount();
});

test('a plan refused, a server error, and a session that has moved on to another query each say so; a long plan scrolls', async () => {
	const results: PlanResult[] = [
		{refused: 'the query text may be cut: it fills track_activity_query_size (100 bytes), so its plan could be another query\'s'},
		{error: 'syntax error at or near "FROM"'},
		{explain: 'EXPLAIN', lines: Array.from({length: 40}, (_, index) => `line ${index + 1}`)},
	];
	const view = await start(80, fakePostgres(null, async () => results.shift()!));
	await view.press(KEYS.enter, 'e');
	assert.match(view.frame(), /^Plan none: nothing was sent to the server · e or Esc back to the query$/m);
	assert.match(view.frame(), /^the query text may be cut: it fills track_activity_query_size \(100 bytes\), so\nits plan could be another query's$/m);
	await view.press('e', 'e');
	assert.match(view.frame(), /^Plan EXPLAIN failed · e or Esc back to the query$/m);
	assert.match(view.frame(), /^the server said: syntax error at or near "FROM"$/m);
	await view.press('e', 'e');
	assert.match(view.frame(), /^line 1$/m);
	assert.match(view.frame(), /lines 1–\d+ of 41 · ↑↓ PgUp PgDn Home End scroll/);
	await view.press('G');
	assert.match(view.frame(), /^line 40$/m);
	assert.doesNotMatch(view.frame(), /^Plan /m);
	await view.press('g');
	view.store.dispatch(sample(sessions.map(session => (session.pid === 101 ? {...session, query: 'SELECT 2'} : session)), AT + 2000));
	await sleep(30);
	assert.match(view.frame(), /^The session has moved on to another query: e, then e again, plans that one\.$/m);
	view.unmount();
});

test('with --read-only Space and T only say tagging is not available, the help has no tagging, and e still shows a plan', async () => {
	const postgres = fakePostgres();
	const view = await renderApp(80, 24, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sample(), {type: 'set-pane', pane: 'sessions'}], {postgres, readOnly: 'live'});
	assert.doesNotMatch(statusLine(view.frame()), /tag/, 'not hinted');
	await view.press(' ');
	assert.match(statusLine(view.frame()), /^read-only: tagging sessions is not available$/);
	await view.press('T');
	assert.match(statusLine(view.frame()), /^read-only: tagging sessions is not available$/);
	assert.deepEqual(gutters(view.frame()), ['>  101', '   102', '   103', '   104'], 'nothing tagged, the selection where it was');
	await view.press('?');
	assert.doesNotMatch(view.frame(), /Tag /);
	await view.press(KEYS.escape, KEYS.enter, 'e');
	assert.match(view.frame(), /^Plan EXPLAIN \(GENERIC_PLAN\), not run · e or Esc back to the query$/m);
	assert.match(view.frame(), /^Result {2}\(cost=0\.00\.\.0\.01 rows=1 width=4\)$/m);
	assert.deepEqual(postgres.calls, ['explain shop: UPDATE accounts SET balance = 0']);
	view.unmount();
});
