// The locks pane: the blocking tree at 80, 120 and 160 columns, a real server's lock chain, its selection, cancel and terminate.
import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import type {PgLocksSample, PgSession, PgSessionsSample} from '../../source/types.js';
import {formatAge} from '../../views/format.js';
import {textWidth} from '../../views/text-width.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {createStore, initialState, type Action} from '../../source/store/store.js';
import {hostSample, pgLock, pgSession, pgSessionsSample} from '../helpers/fixtures.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';

// Colour on, before Ink loads: the levels and the selection are part of what is tested.
process.env['FORCE_COLOR'] = '1';
const {LocksPane} = await import('../../views/LocksPane.js');
const {fakePostgres, KEYS, renderApp: renderAppAt, renderView, selectedRow, stripAnsi} = await import('../helpers/render-view.js');

const AT = 400_000;

const sessionsAction = (sessions: PgSession[], at = AT): Action => ({type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(sessions)});
const locksAction = (locks: PgLocksSample, at = AT): Action => ({type: 'sample', id: 'postgres-locks', at, value: locks});

// A three-level chain: 101 holds a row (idle in its transaction), 102 waits on its transaction, 103 on 102.
const chainSessions = [
	pgSession({pid: 101, user: 'alice', application: 'billing-batch', state: 'idle in transaction', xactAgeSec: 730, query: 'UPDATE accounts SET balance = 0 WHERE id = 1'}),
	pgSession({pid: 102, user: 'bob', application: 'web-1', waitEventType: 'Lock', waitEvent: 'transactionid', xactAgeSec: 41, query: 'UPDATE accounts SET balance = 1 WHERE id = 1'}),
	pgSession({pid: 103, user: 'carol', application: 'psql', waitEventType: 'Lock', waitEvent: 'relation', stateAgeSec: 12, xactAgeSec: 12, query: 'LOCK TABLE \u001B[31mstaff'}),
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

test('a chain at 160 columns: pid, user, application, state, transaction age, waited, lock, relation, query, escapes made visible', () => {
	const view = renderView(<LocksPane width={160} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	const lines = stripAnsi(view.frame()).split('\n');
	assert.match(lines[0]!, /^Locks 1 blocking chain, 2 waiting/);
	// 101 has held 102 up for 40 s, past the blocker rule's warning: its alert points at it.
	assert.match(lines[1]!, /^ {3}PID +USER +APP +STATE +XACT WAITED LOCK +RELATION +QUERY/);
	assert.match(lines[2]!, /^>! 101 +alice +billing-batch +idle in trans +12m10s +RowExclusiveLock +public\.accounts +UPDATE accounts SET balance = 0 WHERE id = 1 *$/);
	// 102 has waited past the lock-wait rule's warning: its alert points at it.
	assert.match(lines[3]!, /^ ! └─ 102 +bob +web-1 +active +41s +40s ShareLock transactionid +UPDATE accounts SET balance = 1 WHERE id = 1 *$/);
	assert.match(lines[4]!, /^ {6}└─ 103 +carol +psql +active +12s +12s AccessExclusiveLock +hr:16384 +LOCK TABLE \\x1b\[31mstaff *$/);
	assert.ok(!view.frame().includes('\u001B[31mstaff'), 'the escape in the query is not passed to the terminal');
	view.unmount();
});

test('a chain at 80 columns: the application instead of the user, the lock left to wider screens, the query keeps its room', () => {
	const view = renderView(<LocksPane width={80} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	const lines = stripAnsi(view.frame()).split('\n');
	assert.match(lines[1]!, /^ {3}PID +APP +STATE +XACT WAITED QUERY/);
	assert.match(lines[2]!, /^>! 101 +billing-batch +idle in trans 12m10s {8}UPDATE accounts SET bala…$/);
	assert.match(lines[3]!, /^ ! └─ 102 +web-1 +active +41s +40s UPDATE accounts SET bala…$/);
	assert.match(lines[4]!, /^ {6}└─ 103 +psql +active +12s +12s LOCK TABLE \\x1b\[31mstaff$/);
	assert.ok(lines.every(line => line.length <= 80));
	view.unmount();
});

test('at 120 columns the lock joins, with its relation; from 140 the user', () => {
	const view = renderView(<LocksPane width={120} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	const lines = stripAnsi(view.frame()).split('\n');
	assert.match(lines[1]!, /^ {3}PID +APP +STATE +XACT WAITED LOCK ON +QUERY/);
	assert.match(lines[3]!, /^ ! └─ 102 +web-1 +active +41s +40s ShareLock transactionid +UPDATE accounts SET balance = 1 WHE…$/);
	assert.match(lines[4]!, /^ {6}└─ 103 +psql +active +12s +12s AccessExclusiveLock hr:16384 +LOCK TABLE/);
	view.unmount();
	const wider = renderView(<LocksPane width={140} height={10} />, [sessionsAction(chainSessions), locksAction(chain)]);
	assert.match(stripAnsi(wider.frame()).split('\n')[1]!, /^ {3}PID +USER +APP +STATE +XACT WAITED LOCK ON +QUERY/);
	wider.unmount();
});

test('two SHARE holders and an ACCESS EXCLUSIVE waiter: the waiter under both, and the request queued behind it under it', () => {
	const view = renderView(<LocksPane width={160} height={12} />, [sessionsAction(twoSessions), locksAction(two)]);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^Locks 2 blocking chains, 2 waiting/);
	assert.deepEqual(treeShape(frame), ['10', '└─ 12', '   └─ 13', '11', '└─ 12', '   └─ 13']);
	assert.match(frame, /^>! 10 +indexer +app +active +1s +ShareLock +public\.accounts +CREATE INDEX ON accounts \(balance\) *$/m);
	assert.match(frame, /^ ! └─ 12 +migrate +app +active +1s +6m40s AccessExclusiveLock +public\.accounts +ALTER TABLE/m);
	assert.match(frame, /^ {6}└─ 13 +report +app +active +1s +5s ShareLock +public\.accounts +CREATE INDEX ON accounts \(note\) *$/m);
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

// The drill: billing-batch holds a row lock idle in its transaction; web-1 waits on it, and a hand-typed
// UPDATE of the same row waits behind web-1. Real samples from a real server; the clock is then moved
// on, as if they had waited for minutes.
describe('a lock chain on PostgreSQL 18, as the pane shows it at 80 and 120 columns', () => {
	const signal = new AbortController().signal;
	let server: TestServer;
	let connection: PgConnection;
	let sessions: PgSessionsSample;
	let sessionsAt = 0;
	let locks: PgLocksSample;
	const pids = {root: 0, plusOne: 0, zero: 0};

	/** Reads a sample until it passes the check (bounded). */
	async function until<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
		let value = await read();
		for (let tries = 0; tries < 100 && !check(value); tries++) {
			await sleep(100);
			value = await read();
		}

		assert.ok(check(value), 'the server never got there');
		return value;
	}

	before(async () => {
		server = await startPostgres(18);
		await server.sql('CREATE TABLE t (id int PRIMARY KEY, v int)');
		await server.sql('INSERT INTO t VALUES (1, 0)');
		const [root, plusOne, zero] = (await Promise.all(['billing-batch', 'web-1', 'psql'].map(async application => server.connect({application})))) as [pg.Client, pg.Client, pg.Client];
		const pidOf = async (client: pg.Client) => Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
		[pids.root, pids.plusOne, pids.zero] = await Promise.all([root, plusOne, zero].map(pidOf));
		connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
		const readLocks = async () => (await postgresLocks(connection).collect(signal)) as PgLocksSample;
		await root.query('BEGIN');
		await root.query('SELECT * FROM t WHERE id=1 FOR UPDATE');
		void plusOne.query('UPDATE t SET v=v+1 WHERE id=1').catch(() => {});
		await until(readLocks, sample => pids.plusOne in sample.blockedBy);
		void zero.query('UPDATE t SET v=0 WHERE id=1').catch(() => {});
		locks = await until(readLocks, sample => pids.zero in sample.blockedBy);
		sessionsAt = Date.now();
		sessions = (await postgresSessions(connection).collect(signal)) as PgSessionsSample;
	});

	after(async () => {
		await connection?.close();
		await server?.stop();
	});

	/** The pane at a width once web-1 has waited `waitedSec`: the real samples, read that much later (the clock and the sessions' ages moved on). */
	function drill(width: number, waitedSec: number) {
		const waitStart = locks.locks.find(lock => lock.pid === pids.plusOne && !lock.granted)?.waitStartAt;
		assert.ok(typeof waitStart === 'number', 'PostgreSQL 18 gives the wait start');
		// From the next whole millisecond: the wait is then never a hair short of `waitedSec`.
		const at = Math.ceil(waitStart) + waitedSec * 1000;
		const later = (age: number | null) => (age === null ? null : age + (at - sessionsAt) / 1000);
		const moved = sessions.sessions.map(session => ({...session, xactAgeSec: later(session.xactAgeSec), queryAgeSec: later(session.queryAgeSec), stateAgeSec: later(session.stateAgeSec)}));
		const view = renderView(<LocksPane width={width} height={10} />, [
			{type: 'sample', id: 'postgres-sessions', at, value: {...sessions, sessions: moved}},
			{type: 'sample', id: 'postgres-locks', at, value: locks},
		]);
		const lines = stripAnsi(view.frame()).split('\n');
		view.unmount();
		const line = (pid: number) => lines.find(candidate => new RegExp(`^[> ][! ] [│├└─ ]*${pid} `).test(candidate)) ?? '';
		const rootXact = formatAge(moved.find(session => session.pid === pids.root)!.xactAgeSec!);
		return {lines, root: line(pids.root), plusOne: line(pids.plusOne), zero: line(pids.zero), rootXact};
	}

	test('at 80 columns: app names, the root\'s state whole and its transaction\'s age, the wait with its unit, both UPDATEs told apart', () => {
		const {lines, root, plusOne, zero, rootXact} = drill(80, 12 * 60 + 10);
		assert.match(lines[1]!, /^ {3}PID +APP +STATE +XACT WAITED QUERY *$/);
		assert.match(root, new RegExp(`^>[! ] ${pids.root} +billing-batch +idle in trans +${rootXact} {8}SELECT \\* FROM t`));
		assert.match(plusOne, / web-1 +active +12m\d\ds 12m10s UPDATE t SET v=v\+1 W/);
		assert.match(zero, / psql +active +12m\d\ds 12m0\ds UPDATE t SET v=0 WH/);
		assert.ok(lines.every(line => textWidth(line) <= 80), 'every line within 80 columns');
	});

	test('at 120 columns: the lock too, and both queries whole', () => {
		const {lines, root, plusOne, zero, rootXact} = drill(120, 21 * 60 + 26);
		assert.match(lines[1]!, /^ {3}PID +APP +STATE +XACT WAITED LOCK ON +QUERY *$/);
		assert.match(root, new RegExp(`^>[! ] ${pids.root} +billing-batch +idle in trans +${rootXact} {8}RowShareLock public\\.t +SELECT \\* FROM t`));
		assert.match(plusOne, / web-1 +active +21m\d\ds 21m26s ShareLock transactionid +UPDATE t SET v=v\+1 WHERE id=1 *$/);
		assert.match(zero, / psql +active +21m\d\ds 21m\d\ds ExclusiveLock tuple public\.t UPDATE t SET v=0 WHERE id=1 *$/);
		assert.ok(lines.every(line => textWidth(line) <= 120), 'every line within 120 columns');
	});
});
