// Who is on the database: pg_stat_activity, the server's counters, its standbys and replication
// slots, and the long operations running (pg_stat_progress_*).
import {pgErrorMessage} from '../source/postgres/connect.js';
import type {Collector} from '../source/store/collector.js';
import type {PgProgress, PgReplicationSlot, PgServer, PgSession, PgSessionsSample, PgStandby} from '../source/types.js';
import type {PgConnection} from './postgres-connection.js';
import {progressSql, toProgress} from './postgres-progress.js';
import {relationNames, relationRef} from './relation-names.js';

/** The pg_stat_activity query for a server version: columns that version has, NULL for the rest. */
export function sessionsSql(versionNum: number): string {
	const leaderPid = versionNum >= 130_000 ? 'leader_pid' : 'NULL::int';
	const queryId = versionNum >= 140_000 ? 'query_id::text' : 'NULL::text';
	return `SELECT pid, datname AS database, usename AS "user", coalesce(application_name, '') AS application,
	CASE WHEN client_addr IS NOT NULL THEN host(client_addr) WHEN client_port = -1 THEN 'local' END AS client,
	coalesce(backend_type, '') AS backend_type, state, wait_event_type, wait_event,
	extract(epoch FROM now() - xact_start)::float8 AS xact_age,
	extract(epoch FROM now() - query_start)::float8 AS query_age,
	extract(epoch FROM now() - state_change)::float8 AS state_age,
	age(backend_xmin)::float8 AS xmin_age,
	(extract(epoch FROM backend_start) * 1000)::float8 AS backend_start,
	${leaderPid} AS leader_pid, ${queryId} AS query_id, coalesce(query, '') AS query
FROM pg_stat_activity WHERE pid <> pg_backend_pid()`;
}

/** The server's totals: summed over databases, turned into rates between samples. */
export const SERVER_SQL = `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num,
	(extract(epoch FROM pg_postmaster_start_time()) * 1000)::float8 AS started_at,
	(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS connections,
	current_setting('max_connections')::int AS max_connections,
	sum(xact_commit + xact_rollback)::float8 AS xacts, sum(blks_hit)::float8 AS blks_hit, sum(blks_read)::float8 AS blks_read,
	sum(tup_returned + tup_fetched)::float8 AS tup_read, sum(tup_inserted + tup_updated + tup_deleted)::float8 AS tup_written,
	sum(deadlocks)::float8 AS deadlocks, sum(temp_files)::float8 AS temp_files, sum(temp_bytes)::float8 AS temp_bytes,
	extract(epoch FROM clock_timestamp())::float8 AS at
FROM pg_stat_database`;

/** Standbys of a primary with their replay lag (none on a standby). */
export const STANDBYS_SQL = `SELECT coalesce(application_name, '') AS application, host(client_addr) AS client, coalesce(state, '') AS state,
	CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS lag_bytes,
	extract(epoch FROM replay_lag)::float8 AS replay_lag
FROM pg_stat_replication`;

/**
 * Replication slots and the WAL each retains: from its restart_lsn to the current WAL position (on
 * a standby, where pg_current_wal_lsn fails, the position received, else NULL); wal_status and
 * safe_wal_size where the server has them (13+), and since when it is inactive (17+).
 */
export function slotsSql(versionNum: number): string {
	const walStatus = versionNum >= 130_000 ? 'wal_status' : 'NULL::text';
	const safeWalSize = versionNum >= 130_000 ? 'safe_wal_size::float8' : 'NULL::float8';
	const inactiveSec = versionNum >= 170_000 ? 'extract(epoch FROM now() - inactive_since)::float8' : 'NULL::float8';
	return `SELECT slot_name::text AS name, slot_type AS type, database::text AS database, active,
	pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::float8 AS retained,
	${walStatus} AS wal_status, ${safeWalSize} AS safe_wal_size, ${inactiveSec} AS inactive_sec,
	extract(epoch FROM now())::float8 AS at
FROM pg_replication_slots ORDER BY slot_name`;
}

type Row = Record<string, unknown>;
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** One pg_stat_activity row as a session. */
export function toSession(row: Row): PgSession {
	return {
		pid: Number(row['pid']),
		database: str(row['database']),
		user: str(row['user']),
		application: String(row['application'] ?? ''),
		client: str(row['client']),
		backendType: String(row['backend_type'] ?? ''),
		state: str(row['state']),
		waitEventType: str(row['wait_event_type']),
		waitEvent: str(row['wait_event']),
		xactAgeSec: num(row['xact_age']),
		queryAgeSec: num(row['query_age']),
		stateAgeSec: num(row['state_age']),
		xminAge: num(row['xmin_age']),
		backendStartAt: Number(row['backend_start'] ?? 0),
		leaderPid: num(row['leader_pid']),
		queryId: str(row['query_id']),
		query: String(row['query'] ?? ''),
	};
}

/**
 * The slots of the slots query's rows, and since when (the server's epoch seconds) each inactive
 * one has been seen so: a server before 17 does not say, so that is counted from the first sample
 * that saw it inactive (`seenInactive`, the previous call's).
 */
export function toSlots(rows: readonly Row[], seenInactive: ReadonlyMap<string, number>): {slots: PgReplicationSlot[]; seenInactive: Map<string, number>} {
	const seen = new Map<string, number>();
	const slots = rows.map((row): PgReplicationSlot => {
		const name = String(row['name']);
		const active = Boolean(row['active']);
		if (!active) seen.set(name, seenInactive.get(name) ?? Number(row['at']));
		return {
			name,
			type: String(row['type'] ?? ''),
			database: str(row['database']),
			active,
			retainedBytes: num(row['retained']),
			walStatus: str(row['wal_status']),
			safeWalSize: num(row['safe_wal_size']),
			inactiveSec: active ? null : (num(row['inactive_sec']) ?? Math.max(Number(row['at']) - seen.get(name)!, 0)),
		};
	});
	return {slots, seenInactive: seen};
}

/** The server counters of one sample, kept to compute rates from the next. */
export type ServerCounters = {at: number; xacts: number; blksHit: number; blksRead: number; tupRead: number; tupWritten: number};

/** Builds the server summary from its row, the previous counters, the sessions, the standbys and the replication slots. */
export function toServer(row: Row, previous: ServerCounters | null, sessions: readonly PgSession[], standbys: PgStandby[], slots: PgReplicationSlot[]): {server: PgServer; counters: ServerCounters} {
	const counters: ServerCounters = {
		at: Number(row['at']),
		xacts: Number(row['xacts'] ?? 0),
		blksHit: Number(row['blks_hit'] ?? 0),
		blksRead: Number(row['blks_read'] ?? 0),
		tupRead: Number(row['tup_read'] ?? 0),
		tupWritten: Number(row['tup_written'] ?? 0),
	};
	const seconds = previous ? counters.at - previous.at : 0;
	const rate = (key: keyof ServerCounters) => (previous && seconds > 0 ? Math.max(counters[key] - previous[key], 0) / seconds : 0);
	const hit = previous ? counters.blksHit - previous.blksHit : counters.blksHit;
	const read = previous ? counters.blksRead - previous.blksRead : counters.blksRead;
	const oldest = (values: Array<number | null>) => values.reduce<number | null>((max, value) => (value !== null && (max === null || value > max) ? value : max), null);
	return {
		counters,
		server: {
			version: String(row['version'] ?? ''),
			versionNum: Number(row['version_num'] ?? 0),
			startedAt: Number(row['started_at'] ?? 0),
			connections: Number(row['connections'] ?? 0),
			maxConnections: Number(row['max_connections'] ?? 0),
			xactPerSec: rate('xacts'),
			cacheHitPct: hit + read > 0 ? (hit / (hit + read)) * 100 : null,
			tuplesReadPerSec: rate('tupRead'),
			tuplesWrittenPerSec: rate('tupWritten'),
			deadlocks: Number(row['deadlocks'] ?? 0),
			tempFiles: Number(row['temp_files'] ?? 0),
			tempBytes: Number(row['temp_bytes'] ?? 0),
			longestXactSec: oldest(sessions.map(session => session.xactAgeSec)),
			oldestXminAge: oldest(sessions.map(session => session.xminAge)),
			standbys,
			slots,
		},
	};
}

/** The sessions collector: one sample every 2 s by default. */
export const postgresSessions = (connection: PgConnection): Collector<PgSessionsSample> => {
	let previous: ServerCounters | null = null;
	let seenInactive = new Map<string, number>();
	const disabledProbes: Record<string, string> = {};
	const names = relationNames(connection);

	// An optional probe that fails (privilege, an old version) is switched off with its reason.
	const probe = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
		if (name in disabledProbes) return fallback;
		try {
			return await run();
		} catch (error) {
			disabledProbes[name] = pgErrorMessage(error);
			return fallback;
		}
	};

	return {
		id: 'postgres-sessions',
		intervalMs: 2000,
		async collect(signal) {
			const serverRows = await connection.query(SERVER_SQL);
			signal.throwIfAborted();
			const sessions = (await connection.query(sessionsSql(connection.versionNum()))).map(toSession);
			signal.throwIfAborted();
			const standbys = await probe(
				'standbys',
				async () =>
					(await connection.query(STANDBYS_SQL)).map(row => ({
						application: String(row['application']),
						client: str(row['client']),
						state: String(row['state']),
						lagBytes: num(row['lag_bytes']),
						replayLagSec: num(row['replay_lag']),
					})),
				[] as PgStandby[],
			);
			signal.throwIfAborted();
			const slotRows = await probe('slots', async () => connection.query(slotsSql(connection.versionNum())), [] as Row[]);
			const slots = toSlots(slotRows, seenInactive);
			seenInactive = slots.seenInactive;
			signal.throwIfAborted();
			const progress = await probe(
				'progress',
				async () => {
					const rows = await connection.query(progressSql(connection.versionNum()));
					await names.resolve(rows.map(relationRef));
					return rows.map(row => toProgress(row, names));
				},
				[] as PgProgress[],
			);
			const {server, counters} = toServer(serverRows[0] ?? {}, previous, sessions, standbys, slots.slots);
			previous = counters;
			return {
				target: connection.target,
				server,
				sessions,
				progress,
				localPostmasterPid: connection.localPostmasterPid(),
				disabledProbes: {...disabledProbes},
			};
		},
		close: async () => connection.close(),
	};
};
