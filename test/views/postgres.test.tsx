import assert from 'node:assert/strict';
import {test} from 'node:test';
import {App} from '../../views/App.js';
import {LocksPane} from '../../views/LocksPane.js';
import {SessionDetail} from '../../views/SessionDetail.js';
import {SessionsPane} from '../../views/SessionsPane.js';
import type {Action} from '../../source/store.js';
import type {PgLocksSample} from '../../source/types.js';
import {pgServer, pgSession, processRow} from '../helpers/fixtures.js';
import {KEYS, renderView} from '../helpers/render-view.js';

const sessions = [
	pgSession({pid: 101, user: 'alice', database: 'shop', state: 'idle in transaction', xactAgeSec: 300, query: 'UPDATE accounts SET balance = 0'}),
	pgSession({pid: 102, user: 'bob', database: 'shop', state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', xactAgeSec: 20, query: 'UPDATE accounts SET balance = 1'}),
	pgSession({pid: 103, user: 'carol', database: 'hr', state: 'active', waitEventType: 'Lock', waitEvent: 'relation', xactAgeSec: 5, query: 'SELECT \u001B[2J * FROM staff'}),
	pgSession({pid: 104, user: 'alice', database: 'shop', state: 'idle', xactAgeSec: null, query: 'SELECT 1'}),
	pgSession({pid: 105, user: null, database: null, state: null, backendType: 'checkpointer', query: ''}),
];
const locks: PgLocksSample = {
	blockedBy: {102: [101], 103: [102]},
	locks: [
		{pid: 101, lockType: 'relation', mode: 'RowExclusiveLock', granted: true, relation: 'public.accounts', waitStartAt: null},
		{pid: 102, lockType: 'transactionid', mode: 'ShareLock', granted: false, relation: null, waitStartAt: 10_000},
		{pid: 103, lockType: 'relation', mode: 'AccessShareLock', granted: false, relation: 'hr:16384', waitStartAt: 40_000},
	],
};
const sample = (localPostmasterPid: number | null = null): Action => ({
	type: 'sample',
	id: 'postgres-sessions',
	at: 50_000,
	value: {target: 'ops@db1:5432/shop', server: pgServer({startedAt: 50_000 - 3600_000}), sessions, localPostmasterPid, disabledProbes: {}},
});
const locksAction: Action = {type: 'sample', id: 'postgres-locks', at: 50_000, value: locks};

test('sessions pane: server header, users summary, sessions sorted by transaction age, workers hidden', () => {
	const view = renderView(<SessionsPane width={100} height={20} />, [sample()]);
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /^Postgres 18\.4 · up 1h 0m · conn 12\/100 · 250 xact\/s · hit 99\.5% · tup r 12000\/s w 300\/s/);
	assert.match(lines[1]!, /^deadlocks 2 · temp 3 files 10M · longest xact 1m15s · oldest xmin 1234 xids/);
	assert.match(view.frame(), /^alice +2 sessions: 0 active, 1 idle, 1 in xact, 0 aborted, 0 waiting · shop 2$/m);
	assert.match(view.frame(), /^bob +1 sessions: 1 active, 0 idle, 0 in xact, 0 aborted, 1 waiting · shop 1$/m);
	assert.match(view.frame(), /Sessions 4 shown · ops@db1:5432\/shop · sort XACT age/);
	const rows = lines.filter(line => /^ +10\d /.test(line));
	assert.deepEqual(rows.map(line => line.trim().split(' ')[0]), ['101', '102', '103', '104']);
	assert.ok(!view.frame().includes('checkpointer'));
	assert.ok(view.frame().includes('SELECT \\x1b[2J'), 'escape bytes in query text are shown escaped');
	assert.ok(!view.frame().includes('\u001B[2J'));
	view.unmount();
});

test('sessions: the filter syntax, an invalid regex, idle and worker toggles, sort keys', async () => {
	const view = renderView(<App version="1" />, [sample(), {type: 'set-pane', pane: 'sessions'}]);
	await view.press('/', ...'user:alice');
	assert.match(view.frame(), /Sessions 2 shown/);
	await view.press(KEYS.enter, '/', ...' balance');
	assert.match(view.frame(), /Sessions 1 shown/);
	await view.press(KEYS.enter, KEYS.escape, '/', ...'(unclosed', KEYS.enter);
	assert.match(view.frame(), /filter "\(unclosed" not a regular expression/);
	await view.press(KEYS.escape, 'i');
	assert.match(view.frame(), /Sessions 3 shown .* idle hidden/);
	await view.press('i', 'b');
	assert.match(view.frame(), /Sessions 5 shown .* workers shown/);
	await view.press('s');
	assert.match(view.frame(), /sort QUERY age/);
	view.unmount();
});

test('session detail: locks, blockers, and no host numbers when the server is remote', () => {
	const view = renderView(<SessionDetail width={120} height={12} />, [sample(null), locksAction, {type: 'open-detail', list: 'sessions', pid: 102}]);
	const frame = view.frame();
	assert.match(frame, /^Session 102 bob@shop/m);
	assert.match(frame, /Locks: WAITS FOR ShareLock on transactionid/);
	assert.match(frame, /Waits on: 101 · blocks: 103/);
	assert.match(frame, /Process: unavailable: the server is not on this host/);
	assert.match(frame, /Query UPDATE accounts SET balance = 1/);
	view.unmount();
});

test('session detail of a local server shows its backend process', () => {
	const processes: Action = {type: 'sample', id: 'processes', at: 50_000, value: {processes: [processRow({pid: 102, cpuPct: 12.5, rss: 64 * 1024 ** 2})], detail: null}};
	const view = renderView(<SessionDetail width={120} height={12} />, [sample(1), processes, {type: 'open-detail', list: 'sessions', pid: 102}]);
	assert.match(view.frame(), /Process: CPU 12\.5% · RSS 64M/);
	view.unmount();
});

test('locks pane: the chain as a tree with waits, modes and relations', () => {
	const view = renderView(<LocksPane width={100} height={10} />, [sample(), locksAction]);
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /^Locks 1 blocking chain, 2 waiting/);
	assert.match(lines[2]!, /^101 +alice +idle in tr… +RowExclusiveLock +public\.accounts +UPDATE/);
	assert.match(lines[3]!, /^└─ 102 +bob +active +40s +ShareLock transactionid +UPDATE/);
	assert.match(lines[4]!, /^ {3}└─ 103 +carol +active +10s +AccessShareLock +hr:16384 +SELECT \\x1b/);
	view.unmount();
});

test('c asks before cancelling; the reason of a failure is shown', async () => {
	const view = renderView(<App version="1" />, [sample(), locksAction, {type: 'set-pane', pane: 'locks'}]);
	await view.press('c');
	assert.match(view.frame(), /Cancel the query of 101 \(alice: UPDATE accounts SET balance = 0\)\? y\/n/);
	await view.press('y');
	assert.match(view.frame(), /cannot cancel 101: no database connected/);
	view.unmount();
});

test('the processes pane labels local backends with their session', () => {
	const processes: Action = {type: 'sample', id: 'processes', at: 50_000, value: {processes: [processRow({pid: 101, command: 'postgres: alice shop idle in transaction', cpuPct: 5})], detail: null}};
	const local = renderView(<App version="1" />, [sample(1), processes]);
	assert.match(local.frame(), /\[pg alice@shop idle in transaction\] postgres/);
	local.unmount();
	const remote = renderView(<App version="1" />, [sample(null), processes]);
	assert.doesNotMatch(remote.frame(), /\[pg /);
	remote.unmount();
});

test('at 80 columns the session list keeps room for the query', () => {
	const view = renderView(<SessionsPane width={80} height={20} />, [sample()]);
	const row = view.frame().split('\n').find(line => /^ +102 /.test(line));
	assert.match(row ?? '', /^ +102 shop +bob +active +20s +1s UPDATE accounts SET bal/);
	assert.ok((row ?? '').length <= 80);
	view.unmount();
});

test('a probe switched off shows its reason in the server header', () => {
	const action = sample();
	if (action.type === 'sample' && action.id === 'postgres-sessions') {
		action.value.disabledProbes = {standbys: 'permission denied for view pg_stat_replication'};
	}

	const view = renderView(<SessionsPane width={100} height={20} />, [action]);
	assert.match(view.frame().split('\n')[2]!, /^standbys off: permission denied for view pg_stat_replication$/);
	view.unmount();
});
