// The locks pane: the blocking tree at 80 and 160 columns, its selection, cancel and terminate.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {createStore, initialState, type Action} from '../../source/store/store.js';
import type {PgLocksSample, PgSession} from '../../source/types.js';
import {hostSample, pgLock, pgSession, pgSessionsSample} from '../helpers/fixtures.js';

// Colour on, before Ink loads: the levels and the selection are part of what is tested.
process.env['FORCE_COLOR'] = '1';
const {LocksPane} = await import('../../views/LocksPane.js');
const {fakePostgres, KEYS, renderApp: renderAppAt, renderView, selectedRow, stripAnsi} = await import('../helpers/render-view.js');

const AT = 400_000;

const sessionsAction = (sessions: PgSession[], at = AT): Action => ({type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(sessions)});
const locksAction = (locks: PgLocksSample, at = AT): Action => ({type: 'sample', id: 'postgres-locks', at, value: locks});

// A three-level chain: 101 holds a row (idle in its transaction), 102 waits on its transaction, 103 on 102.
const chainSessions = [
	pgSession({pid: 101, user: 'alice', state: 'idle in transaction', query: 'UPDATE accounts SET balance = 0 WHERE id = 1'}),
	pgSession({pid: 102, user: 'bob', waitEventType: 'Lock', waitEvent: 'transactionid', query: 'UPDATE accounts SET balance = 1 WHERE id = 1'}),
	pgSession({pid: 103, user: 'carol', waitEventType: 'Lock', waitEvent: 'relation', stateAgeSec: 12, query: 'LOCK TABLE \u001B[31mstaff'}),
];
const chain: PgLocksSample = {
	blockedBy: {102: [101], 103: [102]},
	locks: [
		pgLock({pid: 101, mode: 'RowExclusiveLock'}),
		pgLock({pid: 101, lockType: 'transactionid', relation: null, mode: 'ExclusiveLock'}),
		pgLock({pid: 102, lockType: 'tuple', mode: 'ExclusiveLock'}),
		pgLock({pid: 102, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false, waitStartAt: AT - 40_000}),
		pgLock({pid: 103, mode: 'AccessExclusiveLock', granted: false, relation: 'hr:16384', waitStartAt: null}),
	],
};

// Two SHARE holders, an ACCESS EXCLUSIVE waiter behind both, and a SHARE request queued behind that waiter.
const twoSessions = [
	pgSession({pid: 10, user: 'indexer', query: 'CREATE INDEX ON accounts (balance)'}),
	pgSession({pid: 11, user: 'indexer', query: 'CREATE INDEX ON accounts (id)'}),
	pgSession({pid: 12, user: 'migrate', waitEventType: 'Lock', waitEvent: 'relation', query: 'ALTER TABLE accounts ADD note text'}),
	pgSession({pid: 13, user: 'report', waitEventType: 'Lock', waitEvent: 'relation', query: 'CREATE INDEX ON accounts (note)'}),
];
const two: PgLocksSample = {
	blockedBy: {12: [10, 11], 13: [12]},
	locks: [
		pgLock({pid: 10, mode: 'ShareLock'}),
		pgLock({pid: 11, mode: 'ShareLock'}),
		pgLock({pid: 12, mode: 'AccessExclusiveLock', granted: false, waitStartAt: AT - 400_000}),
		pgLock({pid: 13, mode: 'ShareLock', granted: false, waitStartAt: AT - 5000}),
	],
};

/** The whole app at a terminal size, on a host sample and the actions. */
const renderApp = async (columns: number, rows: number, actions: Action[], postgres?: ReturnType<typeof fakePostgres>) => renderAppAt(columns, rows, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, ...actions, {type: 'set-pane', pane: 'locks'}], {postgres});

const statusLine = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';
/** The tree's lines as drawn: branches and pids. */
const treeShape = (frame: string) =>
	frame
		.split('\n')
		.map(line => /^[> ][! ] ((?:[│├└─ ]{3})*\d+↑?) +\S/.exec(line)?.[1])
		.filter(line => line !== undefined);

test('a chain at 160 columns: pid, user, state, waited, lock, relation, query, escapes made visible', () => {
	const view = renderView(<LocksPane width={160} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	const lines = stripAnsi(view.frame()).split('\n');
	assert.match(lines[0]!, /^Locks 1 blocking chain, 2 waiting/);
	assert.match(lines[1]!, /^ {3}PID +USER +STATE +WAITED LOCK +RELATION +QUERY/);
	// 101 has held 102 up for 40 s, past the blocker rule's warning: its alert points at it.
	assert.match(lines[2]!, /^>! 101 +alice +idle in tr… +RowExclusiveLock +public\.accounts +UPDATE accounts SET balance = 0 WHERE id = 1 *$/);
	// 102 has waited past the lock-wait rule's warning: its alert points at it.
	assert.match(lines[3]!, /^ ! └─ 102 +bob +active +40s ShareLock transactionid +UPDATE accounts SET balance = 1 WHERE id = 1 *$/);
	assert.match(lines[4]!, /^ {6}└─ 103 +carol +active +12s AccessExclusiveLock +hr:16384 +LOCK TABLE \\x1b\[31mstaff *$/);
	assert.ok(!view.frame().includes('\u001B[31mstaff'), 'the escape in the query is not passed to the terminal');
	view.unmount();
});

test('a chain at 80 columns: the relation joins the lock, the query keeps some room', () => {
	const view = renderView(<LocksPane width={80} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	const lines = stripAnsi(view.frame()).split('\n');
	assert.match(lines[1]!, /^ {3}PID +USER +STATE +WAIT LOCK ON +QUERY/);
	assert.match(lines[2]!, /^>! 101 +alice +idle in t… +RowExclusiveLock public… UPDATE accounts/);
	assert.match(lines[3]!, /^ ! └─ 102 +bob +active +40s ShareLock transactionid  UPDATE accounts/);
	assert.match(lines[4]!, /^ {6}└─ 103 +carol +active +12s AccessExclusiveLock hr:… LOCK TABLE \\x1b…$/);
	assert.ok(lines.every(line => line.length <= 80));
	view.unmount();
});

test('two SHARE holders and an ACCESS EXCLUSIVE waiter: the waiter under both, and the request queued behind it under it', () => {
	const view = renderView(<LocksPane width={160} height={12} />, [sessionsAction(twoSessions), locksAction(two)]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^Locks 2 blocking chains, 2 waiting/);
	assert.deepEqual(treeShape(frame), ['10', '└─ 12', '   └─ 13', '11', '└─ 12', '   └─ 13']);
	assert.match(frame, /^>! 10 +indexer +active +ShareLock +public\.accounts +CREATE INDEX ON accounts \(balance\) *$/m);
	assert.match(frame, /^ ! └─ 12 +migrate +active +6m40s AccessExclusiveLock +public\.accounts +ALTER TABLE/m);
	assert.match(frame, /^ {6}└─ 13 +report +active +5s ShareLock +public\.accounts +CREATE INDEX ON accounts \(note\) *$/m);
	view.unmount();
});

test('colour follows the level: a root by the blocker rule, a wait past the lock-wait rule\'s critical threshold red, a short one plain', () => {
	const view = renderView(<LocksPane width={160} height={12} />, [sessionsAction(twoSessions), locksAction(two)]);
	const lines = view.frame().split('\n');
	assert.match(lines.find(line => stripAnsi(line).startsWith(' ! 11 '))!, /^\u001B\[31m ! 11 /, 'it has held 12 up for 6m40s, past the blocker rule\'s 5 minutes');
	assert.match(lines.find(line => stripAnsi(line).startsWith(' ! └─ 12'))!, /^\u001B\[31m ! └─ 12/, '6m40s is past the lock-wait rule\'s 5 minutes');
	assert.ok(!lines.find(line => stripAnsi(line).startsWith('      └─ 13'))!.startsWith('\u001B[3'), '5s is fine');
	view.unmount();
});

test('a root\'s colour is the blocker rule\'s level: plain while it has held others up briefly, yellow past 30 s, red holding up 10 or more; as the rules in force say', () => {
	// Root 20 holds 21 up for 5 s, root 30 holds 31 up for 40 s, root 40 holds ten up for 40 s.
	const tens = Array.from({length: 10}, (_, index) => 41 + index);
	const waiting = (pid: number, sec: number) => pgLock({pid, mode: 'AccessExclusiveLock', granted: false, waitStartAt: AT - sec * 1000});
	const sessions = [20, 21, 30, 31, 40, ...tens].map(pid => pgSession({pid, user: `u${pid}`, ...([21, 31].includes(pid) || pid > 40 ? {waitEventType: 'Lock', waitEvent: 'relation'} : {})}));
	const locks: PgLocksSample = {
		blockedBy: {21: [20], 31: [30], ...Object.fromEntries(tens.map(pid => [pid, [40]]))},
		locks: [waiting(21, 5), waiting(31, 40), ...tens.map(pid => waiting(pid, 40))],
	};
	const colourOf = (frame: string, pid: number) => /^\u001B\[(\d+)m/.exec(frame.split('\n').find(line => new RegExp(`^[> ][! ] ${pid} `).test(stripAnsi(line)))!)?.[1];
	// The selection (which has a colour of its own) on a waiter's line, off the roots.
	const actions: Action[] = [sessionsAction(sessions), locksAction(locks), {type: 'select', list: 'locks', key: '20>21', index: 0}];
	const view = renderView(<LocksPane width={160} height={30} />, actions);
	assert.deepEqual([20, 30, 40].map(pid => colourOf(view.frame(), pid)), [undefined, '33', '31']);
	view.unmount();
	const rules = DEFAULT_RULES.map(rule => (rule.id === 'blocker' ? {...rule, isEnabled: false} : rule));
	const off = renderView(<LocksPane width={160} height={30} />, actions, createStore(initialState(1000, rules)));
	assert.deepEqual([20, 30, 40].map(pid => colourOf(off.frame(), pid)), [undefined, undefined, undefined], 'the blocker rule off: no colour of its own');
	off.unmount();
});

test('the selection walks every line, repeated sessions included, and stays on its line across refreshes', async () => {
	const view = await renderApp(160, 40, [sessionsAction(twoSessions), locksAction(two)]);
	assert.match(selectedRow(view.raw()), /^10 /);
	await view.press(KEYS.down, KEYS.down);
	assert.match(selectedRow(view.raw()), /^ {3}└─ 13 /);
	await view.press(KEYS.down, KEYS.down);
	assert.match(selectedRow(view.raw()), /^└─ 12 /, 'the second appearance of 12, under 11');
	await view.press(KEYS.down);
	assert.match(selectedRow(view.raw()), /^ {3}└─ 13 /);
	await view.press(KEYS.up);
	// 10 finishes: the tree loses its first chain, the selection stays on 12 under 11.
	view.store.dispatch(sessionsAction(twoSessions.filter(session => session.pid !== 10), AT + 2000));
	view.store.dispatch(locksAction({blockedBy: {12: [11], 13: [12]}, locks: two.locks.filter(lock => lock.pid !== 10)}, AT + 2000));
	await sleep(30);
	assert.deepEqual(treeShape(view.frame()), ['11', '└─ 12', '   └─ 13']);
	assert.match(selectedRow(view.raw()), /^└─ 12 /);
	view.unmount();
});

test('Enter opens the line\'s session; Esc comes back to the tree', async () => {
	const view = await renderApp(160, 40, [sessionsAction(twoSessions), locksAction(two)]);
	await view.press(KEYS.down, KEYS.enter);
	assert.match(view.frame(), /^Session 12 migrate@shop/m);
	assert.match(view.frame(), /^Waits on 10 indexer \(active\), 11 indexer \(active\)$/m);
	assert.match(view.frame(), /^Blocks 13 report \(active\)$/m);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /^Locks 2 blocking chains/m);
	view.unmount();
});

test('c and x ask first, naming pid, user and query; a refusal is shown as an error', async () => {
	const postgres = fakePostgres('permission denied to cancel query: only superusers can cancel superuser queries');
	const view = await renderApp(160, 40, [sessionsAction(chainSessions), locksAction(chain)], postgres);
	await view.press(KEYS.down, KEYS.down, 'c');
	assert.equal(statusLine(view.frame()), 'Cancel the query of 103 (carol: LOCK TABLE \\x1b[31mstaff)? y/n');
	assert.ok(!view.raw().includes('\u001B[31mstaff'));
	await view.press('y');
	assert.deepEqual(postgres.calls, ['cancel 103']);
	assert.equal(statusLine(view.frame()), 'cancel 103 failed: permission denied to cancel query: only superusers can cancel superuser queries');
	assert.match(statusLine(view.raw()), /\u001B\[31m/, 'in red');
	await view.press(KEYS.home, 'x');
	assert.equal(statusLine(view.frame()), 'Terminate the backend 101 (alice: UPDATE accounts SET balance = 0 WHERE id = 1)? y/n');
	await view.press('n');
	assert.equal(statusLine(view.frame()), 'cancelled');
	assert.deepEqual(postgres.calls, ['cancel 103'], 'n does nothing');
	view.unmount();
});

test('a cancel that works says so; without a database connection it says that', async () => {
	const works = fakePostgres(null);
	const view = await renderApp(160, 40, [sessionsAction(chainSessions), locksAction(chain)], works);
	await view.press('c', 'y');
	assert.deepEqual(works.calls, ['cancel 101']);
	assert.equal(statusLine(view.frame()), 'cancelled the query of 101');
	view.unmount();
	const none = await renderApp(160, 40, [sessionsAction(chainSessions), locksAction(chain)]);
	await none.press('x', 'y');
	assert.equal(statusLine(none.frame()), 'cannot terminate 101: no database connected');
	none.unmount();
});

test('nobody waiting, connecting, and the server gone', async () => {
	const idle = renderView(<LocksPane width={80} height={10} />, [sessionsAction(chainSessions), locksAction({blockedBy: {}, locks: []})]);
	assert.match(stripAnsi(idle.frame()), /^Locks 0 blocking chains, 0 waiting[\s\S]*nobody waits on a lock/);
	idle.unmount();
	const connecting = renderView(<LocksPane width={80} height={10} />);
	assert.match(stripAnsi(connecting.frame()), /^Locks connecting…\nconnecting…/);
	connecting.unmount();
	const down = renderView(<LocksPane width={160} height={10} />, [
		{type: 'collector-error', id: 'postgres-sessions', at: 1000, message: 'password authentication failed for user "ops"'},
		{type: 'collector-error', id: 'postgres-sessions', at: 13_000, message: 'password authentication failed for user "ops"'},
	]);
	assert.match(stripAnsi(down.frame()), /^stale: password authentication failed for user "ops" \(no good sample yet\)\ndown since .* \(12s\)/m);
	down.unmount();
});

test('waiters queued behind each other: past the limit each session\'s waiters are drawn once, the others marked', () => {
	const pids = Array.from({length: 30}, (_, index) => 200 + index);
	const blockedBy: Record<number, number[]> = {};
	for (const [index, pid] of pids.entries()) if (index > 0) blockedBy[pid] = pids.slice(0, index);
	const view = renderView(<LocksPane width={160} height={20} />, [sessionsAction(pids.map(pid => pgSession({pid, waitEventType: 'Lock'}))), locksAction({blockedBy, locks: []})]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^Locks 1 blocking chain, 29 waiting · ↑ its waiters are shown above/);
	assert.ok(frame.split('\n').every(line => line.length <= 160));
	view.unmount();
});
