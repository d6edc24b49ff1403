// What a node sample carries beyond the ring's columns (contract.ts's Companion), built from the
// store's state: the Postgres server header, the users summary, the sessions and the blocking
// tree, the top processes and the alerts. Each part is capped, in rows and in characters, so that
// a companion row stays small whatever the host runs. Strings are raw, only cut: JSON escapes
// them, and the viewer sanitizes them where it shows them.
import {sortAlerts, type Alert} from '../alerts/engine.js';
import {withMessage} from '../alerts/message.js';
import {snapshotStatements, toSnapshotProcess, toSnapshotSession, toSnapshotUser, type SnapshotPostgres, type SnapshotProcess, type SnapshotSession, type SnapshotUser} from '../app/snapshot.js';
import {blockingTree, type BlockingNode} from '../postgres/lock-tree.js';
import {backendLabel, localBackends, sessionOrder} from '../postgres/session-list.js';
import type {UserCounts} from '../postgres/users.js';
import {containerNames} from '../store/containers.js';
import {sessionsByPid, usersSummary} from '../store/postgres.js';
import {memoOf} from '../store/memo.js';
import {PROCESS_ORDER} from '../store/process-list.js';
import type {State} from '../store/store.js';
import type {PgProgress, PgServer, PgStatementsSample, ProcessRow} from '../types.js';
import type {Companion} from './contract.js';

/** Sessions kept that take part in a blocking chain (blocked or blocking), in the order the blocking tree shows them; also the most nodes of the tree kept. */
export const MAX_CHAIN_SESSIONS = 400;

/** Sessions kept of those in no blocking chain: the longest-running, by transaction age as the Sessions pane sorts by default. */
export const MAX_OTHER_SESSIONS = 100;

/** Characters kept of a query (a session's, a blocking tree node's): enough to recognise it, where a statement can be megabytes. */
export const MAX_QUERY_CHARS = 1024;

/** Characters kept of a process's command line and of every other string (a container's name, an alert's text, an acknowledgement's note). */
export const MAX_TEXT_CHARS = 512;

/** Processes kept by CPU, and as many by memory; a process in both is kept once. */
export const MAX_TOP_PROCESSES = 30;

/** Alerts kept: the open ones, critical first, then those resolved since the previous sample. */
export const MAX_ALERTS = 100;

/** Long operations kept in progress (one per backend at most): far more than a screen shows. */
export const MAX_PROGRESS = 100;

/** Statements kept: those that took the most execution time in the statements' latest interval. */
export const MAX_STATEMENTS = 30;

/**
 * The Postgres server header: where dbtop connects, the server's figures from the last sample
 * (with its replication slots), why it cannot be read now, and the long operations in progress
 * (absent before the first sample, and in a companion written before they were recorded); and the
 * statements of the latest interval, the seconds it covers, or why pg_stat_statements could not
 * be read (absent before they were read, and in a companion an older dbtop wrote).
 */
export type CompanionPostgres = {target: string | null; server: PgServer | null; error: string | null; progress?: PgProgress[]} & Pick<
	SnapshotPostgres,
	'statements' | 'statementsIntervalSec' | 'statementsError'
>;

/** A user's client sessions by state, over all databases and per database, as the Sessions pane groups them. */
export type CompanionUser = SnapshotUser & {databases: Array<Omit<UserCounts, 'user'>>};

/** A process as the snapshot gives it, with its label as the Processes pane shows it where it is a local Postgres backend. */
export type CompanionProcess = SnapshotProcess & {backend?: string};

/** What companionOf builds: the contract's Companion, each part with its type. */
export type CompanionParts = {
	postgres: CompanionPostgres | null;
	users: CompanionUser[] | null;
	sessions: SnapshotSession[] | null;
	blocking: BlockingNode[] | null;
	processes: CompanionProcess[] | null;
	alerts: Array<Alert & {message: string}>;
};

/** A string cut to at most `max` characters (UTF-16 units, as `length` counts them), never inside a surrogate pair. */
export function cutText(text: string, max: number): string {
	if (text.length <= max) return text;
	const last = text.charCodeAt(max - 1);
	return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

// A record with each of its string fields cut to MAX_TEXT_CHARS.
function withTextCut<T extends object>(record: T): T {
	return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, typeof value === 'string' ? cutText(value, MAX_TEXT_CHARS) : value])) as T;
}

// The statements of a sample as recorded, worked out once per sample (a companion is built for every host sample).
const statementsOf = memoOf((sample: PgStatementsSample) => {
	const {statements, ...rest} = snapshotStatements(sample, MAX_STATEMENTS);
	return {...withTextCut(rest), ...(statements ? {statements: statements.map(statement => ({...withTextCut(statement), query: cutText(statement.query, MAX_QUERY_CHARS)}))} : {})};
});

// "Not read" is no sample and no failure: Postgres is not configured, or its collector has not run yet.
function postgresOf(state: State): CompanionPostgres | null {
	const sample = state.postgres;
	const error = state.status['postgres-sessions']?.error ?? null;
	if (!sample && error === null) return null;
	const header = withTextCut({target: sample?.target ?? null, server: sample?.server ?? null, error});
	return {...header, ...(sample ? {progress: sample.progress.slice(0, MAX_PROGRESS).map(withTextCut)} : {}), ...(state.statements ? statementsOf(state.statements) : {})};
}

function usersOf(state: State): CompanionUser[] | null {
	if (!state.postgres) return null;
	const {users, perDatabase} = usersSummary(state);
	const databasesOf = new Map<string, Array<Omit<UserCounts, 'user'>>>();
	for (const {user, ...counts} of perDatabase) databasesOf.set(user, [...(databasesOf.get(user) ?? []), counts]);
	return users.map(counts => ({...toSnapshotUser(counts), databases: databasesOf.get(counts.user) ?? []}));
}

// The pids of the sessions in blocking chains, in the order the tree first shows them: the roots holding up the most first, each followed by who waits on it.
function chainPids(roots: readonly BlockingNode[]): number[] {
	const seen = new Set<number>();
	const walk = (node: BlockingNode) => {
		seen.add(node.pid);
		node.waiters.forEach(walk);
	};

	roots.forEach(walk);
	return [...seen];
}

function sessionsOf(state: State, tree: readonly BlockingNode[]): SnapshotSession[] | null {
	if (!state.postgres) return null;
	const byPid = sessionsByPid(state);
	const inChains = chainPids(tree);
	const chained = new Set(inChains);
	const chain = inChains.flatMap(pid => byPid.get(pid) ?? []).slice(0, MAX_CHAIN_SESSIONS);
	const others = state.postgres.sessions
		.filter(session => !chained.has(session.pid))
		.sort(sessionOrder('xact'))
		.slice(0, MAX_OTHER_SESSIONS);
	return [...chain, ...others].map(session => ({...withTextCut(toSnapshotSession(session)), query: cutText(session.query, MAX_QUERY_CHARS)}));
}

// The tree's first `max` nodes in the order it is drawn (a node's waiters before its next sibling): each node kept keeps its way to its root.
function firstNodes(roots: readonly BlockingNode[], max: number): BlockingNode[] {
	let left = max;
	const cut = (nodes: readonly BlockingNode[]): BlockingNode[] => {
		const kept: BlockingNode[] = [];
		for (const node of nodes) {
			if (left === 0) break;
			left--;
			kept.push({...withTextCut(node), query: cutText(node.query, MAX_QUERY_CHARS), waiters: cut(node.waiters)});
		}

		return kept;
	};

	return cut(roots);
}

function processesOf(state: State): CompanionProcess[] | null {
	const rows = state.processes?.processes;
	if (!rows) return null;
	const top = (order: (a: ProcessRow, b: ProcessRow) => number) => [...rows].sort(order).slice(0, MAX_TOP_PROCESSES);
	const kept = new Set([...top(PROCESS_ORDER.cpu), ...top(PROCESS_ORDER.mem)]);
	const names = containerNames(state);
	const backends = localBackends(state);
	return [...kept].map(row => {
		const backend = backends?.get(row.pid);
		return withTextCut({...toSnapshotProcess(row, names), ...(backend ? {backend: backendLabel(backend)} : {})});
	});
}

function alertsOf(state: State, since: number): Array<Alert & {message: string}> {
	const kept = state.alerts.alerts.filter(alert => alert.state !== 'resolved' || alert.lastChangedAt > since);
	return sortAlerts(kept)
		.slice(0, MAX_ALERTS)
		.map(alert => withTextCut(withMessage(alert, state.rules)));
}

/**
 * The companion of a node sample: each part null where its source has never reported (the
 * blocking tree needs the locks as well as the sessions); the alerts open now and those that
 * changed after `since` (epoch ms: the previous sample's time), with their acknowledgements.
 */
export function companionOf(state: State, since: number): CompanionParts {
	const tree = state.postgres && state.locks ? blockingTree(state.postgres.sessions, state.locks, state.now) : null;
	return {
		postgres: postgresOf(state),
		users: usersOf(state),
		sessions: sessionsOf(state, tree ?? []),
		blocking: tree && firstNodes(tree, MAX_CHAIN_SESSIONS),
		processes: processesOf(state),
		alerts: alertsOf(state, since),
	} satisfies Companion;
}
