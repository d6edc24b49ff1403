// The metrics the rules read, taken from the store: one value per resource, in base units.
// Which collector each metric comes from is the registry's (metrics.ts).
import type {Measurement} from './engine.js';
import {blockingGraph, heldUpBy, lockWaitSec, rootBlockers} from '../postgres/lock-tree.js';
import {memoryAvailablePct} from '../store/host.js';
import {connectionsPct, sessionsByPid} from '../store/postgres.js';
import {isDownMeasured, metricsOf, sessionResource, standbyResource, type MetricId} from './metrics.js';
import {memoOf, memoPerObject} from '../store/memo.js';
import type {State} from '../store/store.js';
import type {PgLocksSample, PgReplicationSlot, PgSession} from '../types.js';

const waitStarts = memoOf((locks: PgLocksSample) => {
	const starts = new Map<number, number>();
	for (const lock of locks.locks) if (!lock.granted && lock.waitStartAt !== null) starts.set(lock.pid, lock.waitStartAt);
	return starts;
});

/** How long a waiting session has waited for its lock, as the Locks pane shows it. */
const waitedSec = (state: State, pid: number, session: PgSession | undefined) => lockWaitSec(state.locks ? waitStarts(state.locks).get(pid) : undefined, session?.stateAgeSec ?? null, state.now);

/** How a root blocker holds others up: for how long (the longest wait among them) and how many, directly or not. */
export type Blocking = {sec: number; heldUp: number};

// Each root blocker and everyone it holds up: the graph's, once per locks sample.
const heldUpByRoot = memoOf((locks: PgLocksSample) => {
	const graph = blockingGraph(locks.blockedBy);
	return rootBlockers(graph).map(pid => ({pid, heldUp: [...heldUpBy(graph, pid)]}));
});

const blockingOf = memoPerObject(
	(locks: PgLocksSample, state: State): ReadonlyMap<number, Blocking> => {
		const sessions = sessionsByPid(state);
		const blocking = new Map<number, Blocking>();
		for (const {pid, heldUp} of heldUpByRoot(locks)) {
			const waits = heldUp.map(waiter => waitedSec(state, waiter, sessions.get(waiter))).filter(sec => sec !== null);
			if (waits.length > 0) blocking.set(pid, {sec: Math.max(...waits), heldUp: heldUp.length});
		}

		return blocking;
	},
	(a, b) => a.now === b.now && a.postgres === b.postgres,
);

const NO_BLOCKING: ReadonlyMap<number, Blocking> = new Map();

/** Each root blocker's hold on others, by pid: what the blocker rule judges and the Locks pane colours a root by. None until the locks are read. */
export function rootBlocking(state: State): ReadonlyMap<number, Blocking> {
	return state.locks ? blockingOf(state.locks, state) : NO_BLOCKING;
}

/** One value of a session metric; a blocker's also says how many it holds up. */
export type SessionValue = {metric: MetricId; value: number | null; heldUp?: number};

/** The session metrics of one session: what the rules judge it by, and the Sessions pane colours it by. */
export function sessionValues(state: State, session: PgSession): SessionValue[] {
	const values: SessionValue[] = [];
	if (session.waitEventType === 'Lock') values.push({metric: 'pg.lockWaitSec', value: waitedSec(state, session.pid, session)});
	const blocking = rootBlocking(state).get(session.pid);
	if (blocking) values.push({metric: 'pg.blockingSec', value: blocking.sec, heldUp: blocking.heldUp});
	if (session.state === 'active' && session.backendType === 'client backend') values.push({metric: 'pg.activeQuerySec', value: session.queryAgeSec});
	if (session.state === 'idle in transaction' || session.state === 'idle in transaction (aborted)') values.push({metric: 'pg.idleInTransactionSec', value: session.stateAgeSec});
	// The session holding back vacuum: how long its snapshot has been open.
	if (session.xminAge !== null) values.push({metric: 'pg.xminHeldSec', value: session.xactAgeSec ?? session.queryAgeSec});
	return values;
}

/** The slot metrics of one replication slot: the WAL it retains, and how long it has been inactive while it retains some. */
export function slotValues(slot: PgReplicationSlot): Array<{metric: MetricId; value: number | null}> {
	const values: Array<{metric: MetricId; value: number | null}> = [{metric: 'pg.slotRetainedBytes', value: slot.retainedBytes}];
	if ((slot.retainedBytes ?? 0) > 0) values.push({metric: 'pg.slotInactiveSec', value: slot.inactiveSec});
	return values;
}

/** Every metric the rules can use, from the current state; a source not yet heard from has none. */
export function measure(state: State): Record<string, Measurement[]> {
	const out: Record<string, Measurement[]> = {};
	const add = (metric: MetricId, resource: string, value: number | null | undefined, heldUp?: number) => {
		if (value !== null && value !== undefined && Number.isFinite(value)) (out[metric] ??= []).push(heldUp === undefined ? {resource, value} : {resource, value, heldUp});
	};

	// A source that has reported declares all its metrics, so a resource gone from it counts as clear.
	const declare = (collector: string) => {
		for (const metric of metricsOf(collector)) out[metric] ??= [];
	};

	const {host, postgres, containers} = state;
	if (host) {
		declare('host');
		add('host.cpuPct', host.hostname, host.cpu.total);
		add('host.memAvailablePct', host.hostname, memoryAvailablePct(host));
		for (const fs of host.filesystems) add('host.fsFreePct', fs.mount, fs.freePct);
		if (host.swap.used > 0) add('host.swapUsedBytes', host.hostname, host.swap.used);
		add('host.loadPerCore', host.hostname, host.cpu.cores.length > 0 ? host.load.one / host.cpu.cores.length : null);
	}

	if (postgres) {
		declare('postgres-sessions');
		// Who blocks whom needs the locks as well, and names its sessions from the sessions sample.
		if (state.locks) declare('postgres-locks');
		const {server, sessions, target} = postgres;
		add('pg.connectionsPct', target, connectionsPct(server));
		add('pg.deadlocks', target, server.deadlocks);
		const perUser = new Map<string, number>();
		for (const session of sessions) {
			if (session.user !== null && session.backendType === 'client backend') perUser.set(session.user, (perUser.get(session.user) ?? 0) + 1);
			const name = sessionResource(session);
			for (const {metric, value, heldUp} of sessionValues(state, session)) add(metric, name, value, heldUp);
		}

		for (const [user, count] of perUser) add('pg.userSessions', user, count);
		for (const standby of server.standbys) add('pg.replicationLagBytes', standbyResource(standby), standby.lagBytes);
		for (const slot of server.slots) for (const {metric, value} of slotValues(slot)) add(metric, slot.name, value);
	}

	if (containers) declare('containers');
	for (const row of containers?.containers ?? []) {
		add('container.unhealthy', row.name, row.health === 'unhealthy' ? 1 : 0);
		add('container.restarts', row.name, row.restarts);
		add('container.exitCode', row.name, row.state === 'running' ? 0 : row.exitCode);
	}

	for (const [name, check] of Object.entries(state.checks)) add(`check.${name}`, check.resource, check.value);

	// A source that keeps failing: how long it has been down.
	for (const [id, status] of Object.entries(state.status)) {
		if (!status || !isDownMeasured(id)) continue;
		out['source.downSec'] ??= [];
		if (status.error) add('source.downSec', id, (state.now - (status.downSince ?? state.now)) / 1000);
	}

	return out;
}
