// Who blocks whom: the graph pg_blocking_pids gives, walked here and nowhere else, for a session's
// place in it (the session detail) and as a tree (the locks pane and the JSON snapshot): each root
// blocker (blocking others while not waiting itself), the sessions waiting on it under it, those
// waiting on them under those, to any depth. A session waiting on several blockers appears under
// each of them, so the graph is drawn as a tree.
import {memoOf} from '../store/memo.js';
import type {PgLock, PgLocksSample, PgSession} from '../types.js';

/** The blocking tree's node as the JSON snapshot gives it: exactly these fields. */
export type BlockingNode = {
	pid: number;
	user: string | null;
	state: string | null;
	/** The lock it waits for; for a root, the strongest it holds on what its waiters want. */
	mode: string | null;
	lockType: string | null;
	relation: string | null;
	/** Seconds it has waited (from the lock's wait start where the server has it, else its state age); null for a root. */
	waitSec: number | null;
	query: string;
	waiters: BlockingNode[];
};

/** One session in the tree, with what the views need besides the snapshot's fields. */
export type LockNode = Omit<BlockingNode, 'waiters'> & {
	/** Its application_name: what tells one client from another when they log in as the same user. */
	application: string;
	/** Seconds its transaction has been open (how long a root has held its locks), null outside a transaction. */
	xactAgeSec: number | null;
	waiters: LockNode[];
	/** Its waiters are drawn under an earlier appearance of it, not again here (see MAX_TREE_NODES). */
	isRepeat: boolean;
};

/**
 * Nodes drawn before a session's waiters stop being repeated under each of its appearances:
 * waiters queued behind each other on a self-conflicting mode make the full tree grow as 2^n.
 */
export const MAX_TREE_NODES = 1000;

/** Lock modes from weakest to strongest, as pg_locks names them. */
const MODE_STRENGTH = [
	'AccessShareLock',
	'RowShareLock',
	'RowExclusiveLock',
	'ShareUpdateExclusiveLock',
	'ShareLock',
	'ShareRowExclusiveLock',
	'ExclusiveLock',
	'AccessExclusiveLock',
];
const strength = (lock: PgLock) => MODE_STRENGTH.indexOf(lock.mode);
const strongest = (locks: readonly PgLock[]) => locks.reduce<PgLock | undefined>((best, lock) => (best === undefined || strength(lock) > strength(best) ? lock : best), undefined);
const sameTarget = (a: PgLock, b: PgLock) => a.lockType === b.lockType && a.relation === b.relation;

/** Who waits on whom, both ways: each waiter's blockers and each blocker's waiters, distinct and by pid. */
export type BlockingGraph = {blockersOf: ReadonlyMap<number, readonly number[]>; waitersOf: ReadonlyMap<number, readonly number[]>};

// pg_blocking_pids may repeat a pid (parallel workers report their leader), and a session is never its own blocker.
function graphOf(blockedBy: PgLocksSample['blockedBy']): BlockingGraph {
	const blockersOf = new Map<number, number[]>();
	const waitersOf = new Map<number, number[]>();
	for (const [key, blockers] of Object.entries(blockedBy)) {
		const waiter = Number(key);
		const distinct = [...new Set(blockers)].filter(blocker => blocker !== waiter).sort((a, b) => a - b);
		if (distinct.length === 0) continue;
		blockersOf.set(waiter, distinct);
		for (const blocker of distinct) waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), waiter]);
	}

	for (const waiters of waitersOf.values()) waiters.sort((a, b) => a - b);
	return {blockersOf, waitersOf};
}

/** The graph of a locks sample, worked out once per sample (the tree, the session detail and the waiting count all read it). */
export const blockingGraph = memoOf(graphOf);

/** Everyone a session holds up, directly or not, following the graph (not the tree, which repeats and may cut cycles). */
export function heldUpBy(graph: BlockingGraph, pid: number): Set<number> {
	const seen = new Set<number>();
	const stack = [pid];
	while (stack.length > 0) {
		for (const waiter of graph.waitersOf.get(stack.pop()!) ?? []) {
			if (!seen.has(waiter)) {
				seen.add(waiter);
				stack.push(waiter);
			}
		}
	}

	seen.delete(pid);
	return seen;
}

/** The root blockers: sessions holding others up while waiting on nobody (the members of a deadlock cycle all wait). */
export function rootBlockers(graph: BlockingGraph): number[] {
	return [...graph.waitersOf.keys()].filter(pid => !graph.blockersOf.has(pid));
}

/** Who a session waits on and who waits on it, directly, and how many it holds up in all. */
export type SessionBlocking = {waitsOn: readonly number[]; blocks: readonly number[]; heldUp: number};

/** A session's place in the blocking graph (empty until the locks are read). */
export function sessionBlocking(locks: PgLocksSample | null, pid: number): SessionBlocking {
	const graph = blockingGraph(locks?.blockedBy ?? {});
	return {waitsOn: graph.blockersOf.get(pid) ?? [], blocks: graph.waitersOf.get(pid) ?? [], heldUp: heldUpBy(graph, pid).size};
}

/** How long a session has waited for its lock, in seconds: from the lock's wait start where the server gives it (PG 14+), else from the session's last change of state. */
export function lockWaitSec(waitStartAt: number | null | undefined, stateAgeSec: number | null, now: number): number | null {
	return waitStartAt === null || waitStartAt === undefined ? stateAgeSec : Math.max((now - waitStartAt) / 1000, 0);
}

class TooBig extends Error {}

/** Builds the blocking tree; roots sorted by how many sessions they hold up. `now` is epoch ms. */
export function buildLockTree(sessions: readonly PgSession[], sample: PgLocksSample, now: number, maxNodes = MAX_TREE_NODES): LockNode[] {
	const byPid = new Map(sessions.map(session => [session.pid, session]));
	const graph = blockingGraph(sample.blockedBy);
	const {blockersOf, waitersOf} = graph;
	const locksOf = new Map<number, PgLock[]>();
	for (const lock of sample.locks) locksOf.set(lock.pid, [...(locksOf.get(lock.pid) ?? []), lock]);
	const awaited = (pid: number) => locksOf.get(pid)?.find(lock => !lock.granted);
	// The relation a waiter wants: its awaited lock's, or for a row lock (a wait on a transaction id) that of the tuple lock it holds.
	const contestedRelations = (pid: number): string[] => {
		const want = awaited(pid);
		if (want?.relation) return [want.relation];
		return (locksOf.get(pid) ?? []).filter(lock => lock.granted && lock.lockType === 'tuple' && lock.relation !== null).map(lock => lock.relation!);
	};

	const rootPids = rootBlockers(graph);
	const reached = new Set<number>(rootPids);
	for (const pid of rootPids) for (const waiter of heldUpBy(graph, pid)) reached.add(waiter);
	// What no root reaches waits in a deadlock cycle (every member waits): start at the cycle's lowest pid so it still shows.
	for (const pid of [...waitersOf.keys()].sort((a, b) => a - b)) {
		if (reached.has(pid)) continue;
		const walked: number[] = [];
		let current = pid;
		while (!walked.includes(current)) {
			walked.push(current);
			current = blockersOf.get(current)?.[0] ?? current;
		}

		const root = Math.min(...walked.slice(walked.indexOf(current)));
		rootPids.push(root);
		reached.add(root);
		for (const waiter of heldUpBy(graph, root)) reached.add(waiter);
	}

	const heldUpOf = new Map(rootPids.map(pid => [pid, heldUpBy(graph, pid).size]));
	rootPids.sort((a, b) => heldUpOf.get(b)! - heldUpOf.get(a)! || a - b);

	const build = (isCompact: boolean) => {
		let budget = maxNodes;
		const expanded = new Set<number>();
		const node = (pid: number, path: ReadonlySet<number>): LockNode => {
			if (!isCompact && --budget < 0) throw new TooBig();
			const session = byPid.get(pid);
			const isWaiting = blockersOf.has(pid);
			const waiting = awaited(pid);
			const held = (locksOf.get(pid) ?? []).filter(lock => lock.granted);
			// A root shows the strongest lock it holds on the relation its waiters want, else on what they wait for, else its strongest.
			const waiters = waitersOf.get(pid) ?? [];
			const wanted = waiters.map(awaited).filter(lock => lock !== undefined);
			const relations = new Set(waiters.flatMap(contestedRelations));
			const lock =
				waiting ??
				strongest(held.filter(mine => mine.lockType === 'relation' && mine.relation !== null && relations.has(mine.relation))) ??
				strongest(held.filter(mine => wanted.some(want => sameTarget(mine, want)))) ??
				strongest(held);
			let waitSec: number | null = null;
			if (isWaiting) waitSec = lockWaitSec(waiting?.waitStartAt, session?.stateAgeSec ?? null, now);
			const isRepeat = isCompact && waiters.length > 0 && expanded.has(pid);
			expanded.add(pid);
			const inner = new Set(path).add(pid);
			const children = isRepeat ? [] : waiters.filter(waiter => !inner.has(waiter)).map(waiter => node(waiter, inner));
			return {
				pid,
				user: session?.user ?? null,
				application: session?.application ?? '',
				state: session?.state ?? null,
				mode: lock?.mode ?? null,
				lockType: lock?.lockType ?? null,
				relation: lock?.relation ?? null,
				waitSec,
				xactAgeSec: session?.xactAgeSec ?? null,
				query: session?.query ?? '',
				waiters: children,
				isRepeat,
			};
		};

		return rootPids.map(pid => node(pid, new Set()));
	};

	try {
		return build(false);
	} catch (error) {
		if (!(error instanceof TooBig)) throw error;
		return build(true);
	}
}

/** The tree as the JSON snapshot gives it: `{pid, user, state, mode, lockType, relation, waitSec, query, waiters}`. */
export function toBlockingJson(roots: readonly LockNode[]): BlockingNode[] {
	return roots.map(node => ({
		pid: node.pid,
		user: node.user,
		state: node.state,
		mode: node.mode,
		lockType: node.lockType,
		relation: node.relation,
		waitSec: node.waitSec,
		query: node.query,
		waiters: toBlockingJson(node.waiters),
	}));
}

/** The blocking tree for the JSON snapshot, from the samples. */
export function blockingTree(sessions: readonly PgSession[], sample: PgLocksSample, now: number): BlockingNode[] {
	return toBlockingJson(buildLockTree(sessions, sample, now));
}

/** A tree line for a list: its node, its branch drawing (`├─ `, `│  └─ `) and a key unique in the tree (the pids from its root). */
export type LockLine = {node: LockNode; prefix: string; depth: number; key: string};

/** Flattens the tree in display order. */
export function flattenLockTree(roots: readonly LockNode[]): LockLine[] {
	const lines: LockLine[] = [];
	const walk = (node: LockNode, indent: string, branch: string, depth: number, parentKey: string) => {
		const key = parentKey === '' ? String(node.pid) : `${parentKey}>${node.pid}`;
		lines.push({node, prefix: indent + branch, depth, key});
		const childIndent = indent + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
		node.waiters.forEach((waiter, index) => walk(waiter, childIndent, index === node.waiters.length - 1 ? '└─ ' : '├─ ', depth + 1, key));
	};

	for (const root of roots) walk(root, '', '', 0, '');
	return lines;
}
