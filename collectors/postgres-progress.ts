// How far the long operations are: the pg_stat_progress_* views the server has, in one query.
// Each view counts in its own columns, which also change with the phase; the query picks, per
// row, what the phase counts (blocks, tuples, bytes, or the transactions waited for) as `done` of
// `total`, and the relation's name where it is in the connected database.
import type {PgProgress, ProgressUnit} from '../source/types.js';
import type {RelationNames} from './relation-names.js';
import {relationRef} from './relation-names.js';

/** One branch per view: its name as an operation, and the SQL of its columns (version-aware where they differ). */
type Branch = {since: number; view: string; operation: string; command: string; phase: string; database: string; relation: string; done: string; total: string; unit: string};

// The counts of each view, by phase, as its documentation describes them.
const BRANCHES: readonly Branch[] = [
	{
		since: 0,
		view: 'pg_stat_progress_vacuum',
		operation: 'vacuum',
		command: "'VACUUM'",
		phase: 'phase',
		database: 'datname',
		relation: 'relid',
		done: "CASE WHEN phase = 'vacuuming heap' THEN heap_blks_vacuumed ELSE heap_blks_scanned END",
		total: 'heap_blks_total',
		unit: "'blocks'",
	},
	{
		since: 130_000,
		view: 'pg_stat_progress_analyze',
		operation: 'analyze',
		command: "'ANALYZE'",
		phase: 'phase',
		database: 'datname',
		relation: 'relid',
		done: 'sample_blks_scanned',
		total: 'sample_blks_total',
		unit: "'blocks'",
	},
	{
		since: 120_000,
		view: 'pg_stat_progress_create_index',
		operation: 'create index',
		command: 'command',
		phase: 'phase',
		database: 'datname',
		relation: 'relid',
		done: "CASE WHEN phase LIKE 'waiting%' THEN lockers_done WHEN phase LIKE '%loading tuples%' THEN tuples_done ELSE blocks_done END",
		total: "CASE WHEN phase LIKE 'waiting%' THEN lockers_total WHEN phase LIKE '%loading tuples%' THEN tuples_total ELSE blocks_total END",
		unit: "CASE WHEN phase LIKE 'waiting%' THEN 'lockers' WHEN phase LIKE '%loading tuples%' THEN 'tuples' ELSE 'blocks' END",
	},
	{
		since: 120_000,
		view: 'pg_stat_progress_cluster',
		operation: 'cluster',
		command: 'command',
		phase: 'phase',
		database: 'datname',
		relation: 'relid',
		done: "CASE phase WHEN 'seq scanning heap' THEN heap_blks_scanned WHEN 'index scanning heap' THEN heap_tuples_scanned ELSE heap_tuples_written END",
		total: "CASE phase WHEN 'seq scanning heap' THEN heap_blks_total WHEN 'index scanning heap' THEN NULL ELSE heap_tuples_scanned END",
		unit: "CASE phase WHEN 'seq scanning heap' THEN 'blocks' ELSE 'tuples' END",
	},
	{
		since: 130_000,
		view: 'pg_stat_progress_basebackup',
		operation: 'basebackup',
		command: "'BASE_BACKUP'",
		phase: 'phase',
		database: 'NULL::name',
		relation: 'NULL::oid',
		done: 'backup_streamed',
		total: 'backup_total',
		unit: "'bytes'",
	},
	{
		since: 140_000,
		view: 'pg_stat_progress_copy',
		operation: 'copy',
		command: 'command',
		phase: 'lower(type)',
		database: 'datname',
		relation: 'relid',
		done: 'CASE WHEN bytes_total > 0 THEN bytes_processed ELSE tuples_processed END',
		total: 'CASE WHEN bytes_total > 0 THEN bytes_total END',
		unit: "CASE WHEN bytes_total > 0 THEN 'bytes' ELSE 'tuples' END",
	},
];

/** The progress query for a server version: one branch per view it has, the relation named where it is in the connected database. */
export function progressSql(versionNum: number): string {
	const branches = BRANCHES.filter(branch => versionNum >= branch.since).map(
		branch => `SELECT pid, '${branch.operation}'::text AS operation, ${branch.command}::text AS command, coalesce(${branch.phase}, '')::text AS phase,
	${branch.database}::text AS database, nullif(${branch.relation}, 0)::int8 AS relation,
	(${branch.done})::float8 AS done, (${branch.total})::float8 AS total, ${branch.unit}::text AS unit
FROM ${branch.view}`,
	);
	return `SELECT p.*, p.database = current_database() AS is_here, n.nspname AS schema, c.relname AS name
FROM (${branches.join('\nUNION ALL\n')}) p
LEFT JOIN pg_class c ON c.oid = p.relation AND p.database = current_database()
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY p.pid, p.operation`;
}

const UNITS: readonly ProgressUnit[] = ['blocks', 'tuples', 'bytes', 'lockers'];

/** One row of the progress query as an operation, its relation named by `names`. */
export function toProgress(row: Record<string, unknown>, names: Pick<RelationNames, 'nameOf'>): PgProgress {
	const count = (value: unknown) => (value === null || value === undefined ? null : Number(value));
	const done = count(row['done']);
	const total = count(row['total']);
	const unit = String(row['unit']);
	return {
		pid: Number(row['pid']),
		operation: String(row['operation']),
		command: String(row['command'] ?? ''),
		phase: String(row['phase'] ?? ''),
		relation: names.nameOf(relationRef(row)),
		database: row['database'] === null || row['database'] === undefined ? null : String(row['database']),
		done,
		total,
		pct: done !== null && total !== null && total > 0 ? Math.min((done / total) * 100, 100) : null,
		unit: UNITS.includes(unit as ProgressUnit) ? (unit as ProgressUnit) : 'blocks',
	};
}
