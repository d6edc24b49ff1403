import assert from 'node:assert/strict';
import {test} from 'node:test';
import {blockingGraph, blockingTree, buildLockTree, flattenLockTree, heldUpBy, sessionBlocking, type LockNode} from '../../source/postgres/lock-tree.js';
import type {PgLock} from '../../source/types.js';
import {pgLock, pgSession} from '../helpers/fixtures.js';

const shape = (roots: LockNode[]) => flattenLockTree(roots).map(line => `${line.prefix}${line.node.pid}${line.node.isRepeat ? '↑' : ''}`);
const sessions = (...pids: number[]) => pids.map(pid => pgSession({pid}));

test('a three-level chain: the root, its waiter, and the waiter behind that', () => {
	const tree = buildLockTree(
		[pgSession({pid: 1, state: 'idle in transaction'}), pgSession({pid: 2, waitEventType: 'Lock'}), pgSession({pid: 3, waitEventType: 'Lock', stateAgeSec: 7})],
		{
			blockedBy: {2: [1], 3: [2]},
			locks: [pgLock({pid: 1, mode: 'RowExclusiveLock'}), pgLock({pid: 2, mode: 'ShareLock', granted: false, lockType: 'transactionid', relation: null, waitStartAt: 10_000}), pgLock({pid: 3, mode: 'ShareLock', granted: false, lockType: 'transactionid', relation: null})],
		},
		25_000,
	);
	assert.deepEqual(shape(tree), ['1', '└─ 2', '   └─ 3']);
	const [root] = tree;
	assert.equal(root!.waitSec, null, 'a root does not wait');
	assert.equal(root!.state, 'idle in transaction');
	assert.equal(root!.waiters[0]!.waitSec, 15, 'from the wait start');
	assert.equal(root!.waiters[0]!.waiters[0]!.waitSec, 7, 'from the state age where there is no wait start');
	assert.deepEqual(
		flattenLockTree(tree).map(line => line.key),
		['1', '1>2', '1>2>3'],
	);
});

test('two SHARE holders and an ACCESS EXCLUSIVE waiter: the waiter under both, with the holders\' mode', () => {
	const tree = buildLockTree(
		sessions(10, 11, 12),
		{blockedBy: {12: [10, 11]}, locks: [pgLock({pid: 10, mode: 'ShareLock'}), pgLock({pid: 11, mode: 'ShareLock'}), pgLock({pid: 12, mode: 'AccessExclusiveLock', granted: false})]},
		0,
	);
	assert.deepEqual(shape(tree), ['10', '└─ 12', '11', '└─ 12']);
	assert.deepEqual([tree[0]!.mode, tree[0]!.relation, tree[0]!.lockType], ['ShareLock', 'public.accounts', 'relation']);
	assert.equal(tree[0]!.waiters[0]!.mode, 'AccessExclusiveLock');
	assert.equal(tree[1]!.waiters[0]!.mode, 'AccessExclusiveLock');
});

test('a waiter queued behind another waiter shows under that waiter too', () => {
	// 13 wants SHARE: it conflicts with nothing held, only with 12's queued ACCESS EXCLUSIVE request.
	const tree = buildLockTree(
		sessions(10, 11, 12, 13),
		{
			blockedBy: {12: [10, 11], 13: [12]},
			locks: [pgLock({pid: 10, mode: 'ShareLock'}), pgLock({pid: 11, mode: 'ShareLock'}), pgLock({pid: 12, mode: 'AccessExclusiveLock', granted: false}), pgLock({pid: 13, mode: 'ShareLock', granted: false})],
		},
		0,
	);
	assert.deepEqual(shape(tree), ['10', '└─ 12', '   └─ 13', '11', '└─ 12', '   └─ 13']);
	const graph = blockingGraph({12: [10, 11], 13: [12]});
	assert.deepEqual(
		[10, 11].map(pid => heldUpBy(graph, pid).size),
		[2, 2],
	);
});

test('a waiter behind both holders and a queued waiter appears under all three', () => {
	const tree = buildLockTree(sessions(10, 11, 12, 13), {blockedBy: {12: [10, 11], 13: [10, 11, 12]}, locks: []}, 0);
	assert.deepEqual(shape(tree), ['10', '├─ 12', '│  └─ 13', '└─ 13', '11', '├─ 12', '│  └─ 13', '└─ 13']);
});

test('a root shows the strongest lock it holds on the relation its waiters want', () => {
	const tree = buildLockTree(
		sessions(1, 2),
		{
			blockedBy: {2: [1]},
			locks: [
				pgLock({pid: 1, mode: 'AccessExclusiveLock', relation: 'public.other'}),
				pgLock({pid: 1, mode: 'RowExclusiveLock'}),
				pgLock({pid: 1, mode: 'ShareRowExclusiveLock'}),
				pgLock({pid: 1, mode: 'AccessShareLock'}),
				pgLock({pid: 2, mode: 'RowExclusiveLock', granted: false}),
			],
		},
		0,
	);
	assert.deepEqual([tree[0]!.mode, tree[0]!.relation], ['ShareRowExclusiveLock', 'public.accounts']);
});

test('a row lock: the root shows its lock on the table of the row, found through the waiter\'s tuple lock', () => {
	const tree = buildLockTree(
		sessions(1, 2),
		{
			blockedBy: {2: [1]},
			locks: [
				pgLock({pid: 1, mode: 'RowExclusiveLock'}),
				pgLock({pid: 1, lockType: 'transactionid', relation: null, mode: 'ExclusiveLock'}),
				pgLock({pid: 2, lockType: 'tuple', mode: 'ExclusiveLock'}),
				pgLock({pid: 2, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false}),
			],
		},
		0,
	);
	assert.deepEqual([tree[0]!.mode, tree[0]!.lockType, tree[0]!.relation], ['RowExclusiveLock', 'relation', 'public.accounts']);
	assert.deepEqual([tree[0]!.waiters[0]!.mode, tree[0]!.waiters[0]!.lockType], ['ShareLock', 'transactionid']);
	// Without the tuple lock, what it holds that the waiter waits for.
	const bare = buildLockTree(sessions(1, 2), {blockedBy: {2: [1]}, locks: [pgLock({pid: 1, mode: 'RowExclusiveLock'}), pgLock({pid: 1, lockType: 'transactionid', relation: null, mode: 'ExclusiveLock'}), pgLock({pid: 2, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false})]}, 0);
	assert.deepEqual([bare[0]!.mode, bare[0]!.lockType], ['ExclusiveLock', 'transactionid']);
});

test('roots sort by how many sessions they hold up, directly or not, each counted once', () => {
	const blockedBy = {2: [1], 4: [3], 5: [4], 7: [6], 8: [6, 7]};
	const tree = buildLockTree(sessions(1, 2, 3, 4, 5, 6, 7, 8), {blockedBy, locks: []}, 0);
	const graph = blockingGraph(blockedBy);
	assert.deepEqual(
		tree.map(node => [node.pid, heldUpBy(graph, node.pid).size]),
		[
			[3, 2],
			[6, 2],
			[1, 1],
		],
	);
});

test('a session\'s place in the graph: whom it waits on and who waits on it, each once and never itself, and how many it holds up', () => {
	// pg_blocking_pids repeats a leader's pid for each of its parallel workers, and may name the session itself.
	const locks = {blockedBy: {2: [1, 1], 3: [2, 3], 4: [2]}, locks: []};
	assert.deepEqual(sessionBlocking(locks, 3), {waitsOn: [2], blocks: [], heldUp: 0});
	assert.deepEqual(sessionBlocking(locks, 2), {waitsOn: [1], blocks: [3, 4], heldUp: 2});
	assert.deepEqual(sessionBlocking(locks, 1), {waitsOn: [], blocks: [2], heldUp: 3});
	assert.deepEqual(sessionBlocking(null, 1), {waitsOn: [], blocks: [], heldUp: 0});
	// The tree draws the same graph.
	assert.deepEqual(shape(buildLockTree(sessions(1, 2, 3, 4), locks, 0)), ['1', '└─ 2', '   ├─ 3', '   └─ 4']);
});

test('a deadlock cycle shows once from its lowest pid, without looping, with what hangs off it', () => {
	assert.deepEqual(shape(buildLockTree(sessions(7, 8), {blockedBy: {7: [8], 8: [7]}, locks: []}, 0)), ['7', '└─ 8']);
	// 9 waits on the cycle; 3 waits on 9: the root is still a member of the cycle, not 9 or 3.
	const tree = buildLockTree(sessions(3, 7, 8, 9), {blockedBy: {7: [8], 8: [7], 9: [8], 3: [9]}, locks: []}, 0);
	assert.deepEqual(shape(tree), ['7', '└─ 8', '   └─ 9', '      └─ 3']);
	assert.equal(heldUpBy(blockingGraph({7: [8], 8: [7], 9: [8], 3: [9]}), 7).size, 3);
	assert.equal(typeof tree[0]!.waitSec, 'number', 'a member of a cycle waits too');
});

test('waiters queued behind each other on a self-conflicting mode: drawn once each past the limit, not 2^n times', () => {
	// Waiter k waits on the holder and every waiter ahead of it, as pg_blocking_pids reports for LOCK TABLE queues.
	const pids = Array.from({length: 40}, (_, index) => index + 1);
	const blockedBy: Record<number, number[]> = {};
	for (const pid of pids.slice(1)) blockedBy[pid] = pids.slice(0, pid - 1);
	const started = performance.now();
	const tree = buildLockTree(sessions(...pids), {blockedBy, locks: []}, 0);
	assert.ok(performance.now() - started < 1000, 'bounded work');
	const lines = flattenLockTree(tree);
	const edges = Object.values(blockedBy).reduce((sum, blockers) => sum + blockers.length, 0);
	assert.equal(lines.length, edges + 1, 'every blocker-waiter pair once, plus the root');
	assert.equal(heldUpBy(blockingGraph(blockedBy), tree[0]!.pid).size, 39);
	assert.equal(new Set(lines.map(line => line.key)).size, lines.length, 'line keys are unique');
	const expanded = lines.filter(line => line.node.waiters.length > 0).map(line => line.node.pid);
	assert.equal(new Set(expanded).size, expanded.length, 'each session\'s waiters are drawn once');
	assert.ok(lines.some(line => line.node.isRepeat), 'the other appearances are marked');
	// A small tree is drawn in full.
	assert.ok(!flattenLockTree(buildLockTree(sessions(1, 2, 3, 4), {blockedBy: {2: [1], 3: [1, 2], 4: [1, 2, 3]}, locks: []}, 0)).some(line => line.node.isRepeat));
});

test('blockers that are not in the sessions sample still show, by pid', () => {
	const tree = buildLockTree(sessions(2), {blockedBy: {2: [99]}, locks: []}, 0);
	assert.deepEqual(shape(tree), ['99', '└─ 2']);
	assert.deepEqual([tree[0]!.user, tree[0]!.query], [null, '']);
});

test('the JSON form has exactly the documented fields, at every depth', () => {
	const locks: PgLock[] = [pgLock({pid: 1, mode: 'RowExclusiveLock'}), pgLock({pid: 2, mode: 'ShareLock', granted: false, waitStartAt: 1000})];
	const json = blockingTree([pgSession({pid: 1, user: 'alice', query: 'UPDATE a'}), pgSession({pid: 2, user: 'bob', query: 'UPDATE b'})], {blockedBy: {2: [1]}, locks}, 4000);
	assert.deepEqual(json, [
		{
			pid: 1,
			user: 'alice',
			state: 'active',
			mode: 'RowExclusiveLock',
			lockType: 'relation',
			relation: 'public.accounts',
			waitSec: null,
			query: 'UPDATE a',
			waiters: [{pid: 2, user: 'bob', state: 'active', mode: 'ShareLock', lockType: 'relation', relation: 'public.accounts', waitSec: 3, query: 'UPDATE b', waiters: []}],
		},
	]);
});
