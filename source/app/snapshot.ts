import {sortAlerts, type Alert} from '../alerts/engine.js';
import {withMessage} from '../alerts/message.js';
import {blockingTree, type BlockingNode} from '../postgres/lock-tree.js';
import type {UserCounts} from '../postgres/users.js';
import {containerLabel, containerNames} from '../store/containers.js';
import {usersSummary} from '../store/postgres.js';
import type {State} from '../store/store.js';
import type {CheckValue, ContainerRow, PgProgress, PgReplicationSlot, PgServer, PgSession, PgStatement, PgStatementsSample, ProcessRow} from '../types.js';

/** The session fields the snapshot promises. */
export type SnapshotSession = Pick<PgSession, 'pid' | 'database' | 'user' | 'application' | 'client' | 'backendType' | 'state' | 'waitEventType' | 'waitEvent' | 'xactAgeSec' | 'queryAgeSec' | 'stateAgeSec' | 'query'>;

/** The statement fields the snapshot promises: rates over the sampling interval. */
export type SnapshotStatement = Pick<
	PgStatement,
	'queryId' | 'query' | 'database' | 'user' | 'callsPerSec' | 'meanMs' | 'totalMsPerSec' | 'rowsPerSec' | 'sharedHitPerSec' | 'sharedReadPerSec' | 'tempWrittenPerSec' | 'walBytesPerSec' | 'timePct'
>;

/** One user's client sessions by state, as the snapshot gives them (over all databases). */
export type SnapshotUser = Omit<UserCounts, 'database'>;

/** The Postgres part: the server, its sessions, users and blocking tree, the long operations, the replication slots and the statements, or why it could not be read. */
export type SnapshotPostgres = {
	target?: string;
	/** The server's figures; its slots are `slots`. */
	server?: Omit<PgServer, 'slots'>;
	sessions?: SnapshotSession[];
	progress?: PgProgress[];
	slots?: PgReplicationSlot[];
	users?: SnapshotUser[];
	blocking?: BlockingNode[];
	/** The statements that ran in the interval, the most time first; the seconds their rates cover. */
	statements?: SnapshotStatement[];
	statementsIntervalSec?: number;
	/** Why pg_stat_statements could not be read, and how to enable it. */
	statementsError?: string;
	error?: string;
};

/** The process fields the snapshot promises. */
export type SnapshotProcess = Pick<ProcessRow, 'pid' | 'ppid' | 'user' | 'cpuPct' | 'memPct' | 'rss' | 'state' | 'cpuTime' | 'threads' | 'command'> & {
	/** The container it runs in, by name (or id where the engine does not list it). */
	container?: string;
};

/** The container fields the snapshot promises. */
type SnapshotContainer = Omit<ContainerRow, 'startedAt' | 'cpuOfLimitPct'>;

/** The `--json` document: a contract for scripts, documented in the README. Base units throughout. */
export type Snapshot = {
	version: string;
	time: number;
	host: State['host'];
	processes: SnapshotProcess[];
	postgres: SnapshotPostgres;
	containers: SnapshotContainer[];
	/** Open alerts, critical first, then recently resolved ones, each with its message as of now. */
	alerts: Array<Omit<Alert, 'lastChangedAt'> & {message: string}>;
	/** The service checks' latest readings. */
	checks: Array<CheckValue & {name: string}>;
	/** Why a source could not be read, by collector id; absent when all were read. */
	errors?: Record<string, string>;
};

/** A process as the snapshot gives it, named by its container (`names`: containerNames). */
export function toSnapshotProcess(row: ProcessRow, names: ReadonlyMap<string, string> | null): SnapshotProcess {
	return {
		...(row.containerId ? {container: containerLabel(names, row.containerId)} : {}),
		pid: row.pid,
		ppid: row.ppid,
		user: row.user,
		cpuPct: row.cpuPct,
		memPct: row.memPct,
		rss: row.rss,
		state: row.state,
		cpuTime: row.cpuTime,
		threads: row.threads,
		command: row.command,
	};
}

/** A session as the snapshot gives it. */
export function toSnapshotSession(session: PgSession): SnapshotSession {
	return {
		pid: session.pid,
		database: session.database,
		user: session.user,
		application: session.application,
		client: session.client,
		backendType: session.backendType,
		state: session.state,
		waitEventType: session.waitEventType,
		waitEvent: session.waitEvent,
		xactAgeSec: session.xactAgeSec,
		queryAgeSec: session.queryAgeSec,
		stateAgeSec: session.stateAgeSec,
		query: session.query,
	};
}

/** A statement as the snapshot gives it. */
export function toSnapshotStatement(statement: PgStatement): SnapshotStatement {
	return {
		queryId: statement.queryId,
		query: statement.query,
		database: statement.database,
		user: statement.user,
		callsPerSec: statement.callsPerSec,
		meanMs: statement.meanMs,
		totalMsPerSec: statement.totalMsPerSec,
		rowsPerSec: statement.rowsPerSec,
		sharedHitPerSec: statement.sharedHitPerSec,
		sharedReadPerSec: statement.sharedReadPerSec,
		tempWrittenPerSec: statement.tempWrittenPerSec,
		walBytesPerSec: statement.walBytesPerSec,
		timePct: statement.timePct,
	};
}

/** The statements that ran in a sample's interval, the most execution time first (none while measuring). */
export function ranStatements(sample: PgStatementsSample): PgStatement[] {
	return sample.statements.filter(statement => (statement.callsPerSec ?? 0) > 0).sort((a, b) => (b.totalMsPerSec ?? 0) - (a.totalMsPerSec ?? 0) || (b.callsPerSec ?? 0) - (a.callsPerSec ?? 0));
}

/** The statements part of the Postgres part: what ran, over how long, or why pg_stat_statements could not be read. */
export function snapshotStatements(sample: PgStatementsSample | null, max = Number.POSITIVE_INFINITY): Pick<SnapshotPostgres, 'statements' | 'statementsIntervalSec' | 'statementsError'> {
	if (sample?.error) return {statementsError: sample.error};
	if (!sample || sample.intervalSec === null) return {};
	return {statements: ranStatements(sample).slice(0, max).map(toSnapshotStatement), statementsIntervalSec: sample.intervalSec};
}

/** A user's counts as the snapshot gives them: the users summary's row without its (null) database. */
export function toSnapshotUser({database: _database, ...counts}: UserCounts): SnapshotUser {
	return counts;
}

/** Builds the JSON snapshot from the state. Strings are raw (JSON escapes them), not sanitized. */
export function toSnapshot(state: State, version: string, time: number): Snapshot {
	const errors: Record<string, string> = {};
	for (const [id, status] of Object.entries(state.status)) {
		if (status?.error) {
			errors[id] = status.error;
		}
	}

	const names = containerNames(state);
	return {
		version,
		time,
		host: state.host,
		processes: (state.processes?.processes ?? []).map(row => toSnapshotProcess(row, names)),
		postgres: toSnapshotPostgres(state),
		containers: (state.containers?.containers ?? []).map(({startedAt: _startedAt, cpuOfLimitPct: _cpuOfLimitPct, ...row}) => row),
		alerts: sortAlerts(state.alerts.alerts).map(alert => {
			const {lastChangedAt: _lastChangedAt, ...fields} = withMessage(alert, state.rules);
			return fields;
		}),
		checks: Object.entries(state.checks).map(([name, check]) => ({name, ...check})),
		...(Object.keys(errors).length > 0 ? {errors} : {}),
	};
}

function toSnapshotPostgres(state: State): SnapshotPostgres {
	const error = state.status['postgres-sessions']?.error ?? undefined;
	const sample = state.postgres;
	if (!sample) {
		return {error: error ?? 'no sample yet'};
	}

	const {slots, ...server} = sample.server;
	return {
		target: sample.target,
		server,
		sessions: sample.sessions.map(toSnapshotSession),
		progress: sample.progress,
		slots,
		users: usersSummary(state).users.map(toSnapshotUser),
		blocking: state.locks ? blockingTree(sample.sessions, state.locks, state.now) : [],
		...snapshotStatements(state.statements),
		...(error ? {error} : {}),
	};
}
