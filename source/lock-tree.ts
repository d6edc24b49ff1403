// Who blocks whom, as a tree: each root blocker (blocking others while not waiting itself), the
// sessions waiting on it under it, those waiting on them under those, to any depth.
import type {PgLock, PgLocksSample, PgSession} from './types.js';

/** One session in the tree, with the lock it waits for (or, for a root, the one it holds). */
export type LockNode = {
	pid: number;
	user: string | null;
	state: string | null;
	mode: string | null;
	lockType: string | null;
	relation: string | null;
	/** Seconds it has waited (from the lock's wait start where the server has it, else its state age); null for a root. */
	waitSec: number | null;
	query: string;
	waiters: LockNode[];
};

const countHeldUp = (node: LockNode, seen = new Set<number>()): Set<number> => {
	for (const waiter of node.waiters) {
		seen.add(waiter.pid);
		countHeldUp(waiter, seen);
	}

	return seen;
};

/** How many distinct sessions a node holds up, directly or not. */
export function heldUp(node: LockNode): number {
	return countHeldUp(node).size;
}

/** Builds the blocking tree; roots sorted by how many sessions they hold up. `now` is epoch ms. */
export function buildLockTree(sessions: readonly PgSession[], sample: PgLocksSample, now: number): LockNode[] {
	const byPid = new Map(sessions.map(session => [session.pid, session]));
	const waitersOf = new Map<number, number[]>();
	for (const [waiter, blockers] of Object.entries(sample.blockedBy)) {
		for (const blocker of blockers) waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), Number(waiter)]);
	}

	const locksOf = new Map<number, PgLock[]>();
	for (const lock of sample.locks) locksOf.set(lock.pid, [...(locksOf.get(lock.pid) ?? []), lock]);
	const awaited = (pid: number) => locksOf.get(pid)?.find(lock => !lock.granted);

	const node = (pid: number, path: Set<number>, contested: PgLock | undefined): LockNode => {
		const session = byPid.get(pid);
		const waiting = awaited(pid);
		// A root shows what it holds on the relation its waiters want, else its first held lock.
		const lock = waiting ?? locksOf.get(pid)?.find(held => held.granted && contested?.relation && held.relation === contested.relation) ?? locksOf.get(pid)?.find(held => held.granted);
		const waitSec = waiting ? (waiting.waitStartAt === null ? session?.stateAgeSec ?? null : Math.max((now - waiting.waitStartAt) / 1000, 0)) : null;
		const inner = new Set(path).add(pid);
		const waiters = (waitersOf.get(pid) ?? [])
			.filter(waiter => !inner.has(waiter))
			.sort((a, b) => a - b)
			.map(waiter => node(waiter, inner, awaited(waiter)));
		return {
			pid,
			user: session?.user ?? null,
			state: session?.state ?? null,
			mode: lock?.mode ?? null,
			lockType: lock?.lockType ?? null,
			relation: lock?.relation ?? null,
			waitSec,
			query: session?.query ?? '',
			waiters,
		};
	};

	const isWaiting = (pid: number) => pid in sample.blockedBy && (sample.blockedBy[pid]?.length ?? 0) > 0;
	const rootPids = [...waitersOf.keys()].filter(pid => !isWaiting(pid));
	const roots = rootPids.map(pid => node(pid, new Set(), awaited(waitersOf.get(pid)![0]!)));

	// A deadlock cycle has no root: every member waits. Start it at its lowest pid so it still shows.
	const shown = new Set<number>();
	const mark = (n: LockNode) => {
		shown.add(n.pid);
		n.waiters.forEach(mark);
	};

	roots.forEach(mark);
	for (const pid of [...waitersOf.keys()].sort((a, b) => a - b)) {
		if (!shown.has(pid)) {
			const cycle = node(pid, new Set(), undefined);
			mark(cycle);
			roots.push(cycle);
		}
	}

	return roots.sort((a, b) => heldUp(b) - heldUp(a) || a.pid - b.pid);
}

/** A tree flattened for a list, with its branch drawing (`├─ `, `│  └─ `). */
export type LockLine = {node: LockNode; prefix: string; depth: number};

/** Flattens the tree in display order. */
export function flattenLockTree(roots: readonly LockNode[]): LockLine[] {
	const lines: LockLine[] = [];
	const walk = (node: LockNode, indent: string, branch: string, depth: number) => {
		lines.push({node, prefix: indent + branch, depth});
		const childIndent = indent + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
		node.waiters.forEach((waiter, index) => walk(waiter, childIndent, index === node.waiters.length - 1 ? '└─ ' : '├─ ', depth + 1));
	};

	for (const root of roots) walk(root, '', '', 0);
	return lines;
}
