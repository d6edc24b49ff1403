import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildLockTree, flattenLockTree, heldUp} from '../../source/lock-tree.js';
import {countUsers} from '../../source/pg-users.js';
import type {PgLock} from '../../source/types.js';
import {pgSession} from '../helpers/fixtures.js';

const lock = (pid: number, mode: string, granted: boolean, relation: string | null = 'public.accounts', waitStartAt: number | null = null): PgLock => ({
	pid,
	lockType: relation ? 'relation' : 'transactionid',
	mode,
	granted,
	relation,
	waitStartAt,
});
const shape = (lines: ReturnType<typeof flattenLockTree>) => lines.map(line => `${line.prefix}${line.node.pid}`);

test('a three-level chain: the root, its waiter, and the waiter behind that', () => {
	const sessions = [pgSession({pid: 1, state: 'idle in transaction'}), pgSession({pid: 2, waitEventType: 'Lock'}), pgSession({pid: 3, waitEventType: 'Lock', stateAgeSec: 7})];
	const tree = buildLockTree(sessions, {blockedBy: {2: [1], 3: [2]}, locks: [lock(1, 'RowExclusiveLock', true), lock(2, 'ShareLock', false, null, 10_000), lock(3, 'ShareLock', false, null)]}, 25_000);
	assert.deepEqual(shape(flattenLockTree(tree)), ['1', '└─ 2', '   └─ 3']);
	const [root] = tree;
	assert.equal(root!.waitSec, null);
	assert.equal(root!.state, 'idle in transaction');
	assert.equal(root!.waiters[0]!.waitSec, 15, 'from the wait start');
	assert.equal(root!.waiters[0]!.waiters[0]!.waitSec, 7, 'from the state age where there is no wait start');
	assert.equal(heldUp(root!), 2);
});

test('one waiter behind two blockers shows under both; a waiter queued behind it too', () => {
	const sessions = [pgSession({pid: 10}), pgSession({pid: 11}), pgSession({pid: 12}), pgSession({pid: 13})];
	const tree = buildLockTree(
		sessions,
		{
			blockedBy: {12: [10, 11], 13: [10, 11, 12]},
			locks: [lock(10, 'ShareLock', true), lock(11, 'ShareLock', true), lock(12, 'AccessExclusiveLock', false), lock(13, 'ShareLock', false)],
		},
		0,
	);
	assert.deepEqual(shape(flattenLockTree(tree)), ['10', '├─ 12', '│  └─ 13', '└─ 13', '11', '├─ 12', '│  └─ 13', '└─ 13']);
	assert.equal(tree[0]!.mode, 'ShareLock');
	assert.equal(tree[0]!.relation, 'public.accounts');
	assert.equal(tree[0]!.waiters[0]!.mode, 'AccessExclusiveLock');
});

test('roots sort by how many sessions they hold up', () => {
	const sessions = [1, 2, 3, 4, 5].map(pid => pgSession({pid}));
	const tree = buildLockTree(sessions, {blockedBy: {2: [1], 4: [3], 5: [4]}, locks: []}, 0);
	assert.deepEqual(tree.map(node => node.pid), [3, 1]);
});

test('a deadlock cycle still shows, once, without looping', () => {
	const sessions = [pgSession({pid: 7}), pgSession({pid: 8})];
	const tree = buildLockTree(sessions, {blockedBy: {7: [8], 8: [7]}, locks: []}, 0);
	assert.deepEqual(shape(flattenLockTree(tree)), ['7', '└─ 8']);
});

test('users summary: counts by state, background workers left out, split by database on request', () => {
	const sessions = [
		pgSession({pid: 1, user: 'alice', state: 'active'}),
		pgSession({pid: 2, user: 'alice', state: 'idle'}),
		pgSession({pid: 3, user: 'alice', state: 'idle in transaction', database: 'hr'}),
		pgSession({pid: 4, user: 'bob', state: 'idle in transaction (aborted)'}),
		pgSession({pid: 5, user: 'bob', state: 'active', waitEventType: 'Lock'}),
		pgSession({pid: 6, user: null, state: null, backendType: 'checkpointer'}),
	];
	assert.deepEqual(countUsers(sessions), [
		{user: 'alice', database: null, total: 3, active: 1, idle: 1, idleInTransaction: 1, idleInTransactionAborted: 0, waitingOnLock: 0},
		{user: 'bob', database: null, total: 2, active: 1, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 1, waitingOnLock: 1},
	]);
	assert.deepEqual(countUsers(sessions, true).map(row => `${row.user}/${row.database}:${row.total}`), ['alice/shop:2', 'bob/shop:2', 'alice/hr:1']);
});
