// Who waits on whom: pg_blocking_pids() for the sessions waiting on a lock, and the locks of
// everyone involved, with relation names also for relations in other databases.
import type {Collector} from '../source/store/collector.js';
import type {PgLock, PgLocksSample} from '../source/types.js';
import type {PgConnection} from './postgres-connection.js';
import {relationNames, relationRef} from './relation-names.js';

/** Waiting sessions and who they wait on; pg_blocking_pids runs only for those waiting on a lock. */
export const BLOCKING_SQL = `SELECT pid, pg_blocking_pids(pid) AS blocked_by FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;

/** The locks of some pids; relation names resolve here only for the connected database. */
export function locksSql(versionNum: number): string {
	const waitStart = versionNum >= 140_000 ? '(extract(epoch FROM l.waitstart) * 1000)::float8' : 'NULL::float8';
	return `SELECT l.pid, l.locktype, l.mode, l.granted, l.relation::int8 AS relation, d.datname AS database,
	d.datname = current_database() AS is_here, CASE WHEN d.datname = current_database() THEN n.nspname END AS schema,
	CASE WHEN d.datname = current_database() THEN c.relname END AS name, ${waitStart} AS wait_start
FROM pg_locks l
LEFT JOIN pg_database d ON d.oid = l.database
LEFT JOIN pg_class c ON c.oid = l.relation
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = ANY($1::int[])`;
}

/** Parses pg's array text (`{1,2}`) or an array into pids. */
export function toPids(value: unknown): number[] {
	if (Array.isArray(value)) return value.map(Number);
	const text = String(value ?? '').replace(/[{}]/g, '');
	return text === '' ? [] : text.split(',').map(Number);
}

/** The locks collector: one sample every 2 s by default. */
export const postgresLocks = (connection: PgConnection): Collector<PgLocksSample> => {
	const names = relationNames(connection);

	return {
		id: 'postgres-locks',
		intervalMs: 2000,
		async collect(signal) {
			const waiting = await connection.query(BLOCKING_SQL);
			signal.throwIfAborted();
			const blockedBy: Record<number, number[]> = {};
			for (const row of waiting) blockedBy[Number(row['pid'])] = toPids(row['blocked_by']);
			const pids = [...new Set(Object.entries(blockedBy).flatMap(([pid, blockers]) => [Number(pid), ...blockers]))];
			if (pids.length === 0) return {blockedBy, locks: []};

			const rows = await connection.query(locksSql(connection.versionNum()), [pids]);
			signal.throwIfAborted();
			await names.resolve(rows.map(relationRef));

			const locks: PgLock[] = rows.map(row => ({
				pid: Number(row['pid']),
				lockType: String(row['locktype']),
				mode: String(row['mode']),
				granted: Boolean(row['granted']),
				relation: names.nameOf(relationRef(row)),
				waitStartAt: row['wait_start'] === null ? null : Number(row['wait_start']),
			}));
			return {blockedBy, locks};
		},
	};
};
