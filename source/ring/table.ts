// The ring table and dbtop's companion table on the server: their names, their DDL (the ring's
// exactly as the existing writer creates it), and the one set-up step a recorder runs on each
// connection: create what is absent, check what is there against the contract, and resize the
// ring when asked to.
import type pg from 'pg';
import {UsageError} from '../app/usage-error.js';
import {EMPTY_SOURCE, METRIC_COLUMNS, PERCENT_COLUMNS, RING_COLUMNS, UNCHECKED_COLUMNS, type ColumnType} from './contract.js';

/** The ring table's default name, as the existing writer names it. */
export const DEFAULT_TABLE = 'monitor_samples_ring';
/** The existing writer's default capacity, used when dbtop creates the table. */
export const DEFAULT_CAPACITY = 10_000;
/** The largest capacity accepted: 100 million rows is some 40 GB of ring, far past any sensible history. */
export const MAX_CAPACITY = 100_000_000;
/** The longest table name: what Postgres derives from it (`<name>_cpu_guest_nice_pct_check`, `<name>_dbtop_pkey`) must fit its 63 bytes. */
export const MAX_TABLE_NAME = 38;
/** The companion table's schema version: a reader knows what its jsonb columns hold. */
export const COMPANION_VERSION = 1;
/** What the companion table's name adds to the ring's. */
export const COMPANION_SUFFIX = '_dbtop';

/** A validated table name: its schema (null for the search path), its name, and both quoted for SQL. */
export type TableName = {schema: string | null; name: string; sql: string; companionSql: string; text: string};

const IDENTIFIER = /^[a-z_][a-z\d_]*$/;

/** `"name"`, with any quote doubled: every identifier dbtop puts into SQL goes through this. */
export function quoteIdentifier(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `--table`: `name` or `schema.name`, each a plain SQL identifier (letters, digits, underscores,
 * not starting with a digit). Unquoted names are folded to lower case, as Postgres folds them, so
 * `--table Monitor` is the table the other writer made as `Monitor`. Throws UsageError.
 */
export function parseTableName(text: string, flag = '--table'): TableName {
	const parts = text.toLowerCase().split('.');
	const problem =
		text === ''
			? 'empty'
			: parts.length > 2 || parts.some(part => !IDENTIFIER.test(part))
				? 'not a table name'
				: parts.at(-1)!.length > MAX_TABLE_NAME
					? `longer than ${MAX_TABLE_NAME} characters`
					: null;
	if (problem) {
		throw new UsageError(`${flag}: "${text}" is ${problem} (accepted: name or schema.name, each of letters, digits and _, not starting with a digit; the name at most ${MAX_TABLE_NAME} characters)`);
	}

	const name = parts.at(-1)!;
	const schema = parts.length === 2 ? parts[0]! : null;
	const qualified = (table: string) => (schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(table)}` : quoteIdentifier(table));
	return {schema, name, sql: qualified(name), companionSql: qualified(name + COMPANION_SUFFIX), text: schema ? `${schema}.${name}` : name};
}

/** `--capacity`: a whole number of rows from 1 to MAX_CAPACITY. Throws UsageError. */
export function parseCapacity(text: string, flag = '--capacity'): number {
	const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
	if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CAPACITY) {
		throw new UsageError(`${flag}: "${text}" is not a capacity (accepted: a whole number of rows from 1 to ${MAX_CAPACITY.toLocaleString('en-US')})`);
	}

	return value;
}

/** The CHECK a metric column has in the contract, or null. */
function metricCheck(column: keyof typeof METRIC_COLUMNS): string | null {
	if (UNCHECKED_COLUMNS.includes(column)) return null;
	const range = PERCENT_COLUMNS.includes(column) ? `(${column} >= 0 AND ${column} <= 100)` : `${column} >= 0`;
	return `CHECK (${column} IS NULL OR ${range})`;
}

/** The ring's DDL, as the contract has it: table, constraints, indexes. */
export function ringDdl(table: TableName): string[] {
	const index = (suffix: string) => quoteIdentifier(`${table.name}_${suffix}`);
	const columns = Object.entries(RING_COLUMNS).map(([column, type]) => {
		if (column === 'id') return 'id bigserial PRIMARY KEY';
		if (column === 'slot') return `slot integer NOT NULL CONSTRAINT ${index('slot_key')} UNIQUE`;
		if (column === 'master_flag') return 'master_flag boolean NOT NULL DEFAULT false';
		if (column === 'node_flag' || column === 'node_name') return `${column} ${type} NOT NULL`;
		if (column === 'source') return `source text NOT NULL DEFAULT 'psutil'`;
		if (column === 'interval_seconds') return `interval_seconds integer CONSTRAINT ${index('interval_seconds_check')} CHECK (interval_seconds IS NULL OR interval_seconds > 0)`;
		const check = column in METRIC_COLUMNS ? metricCheck(column as keyof typeof METRIC_COLUMNS) : null;
		return `${column} ${type}${check ? ` CONSTRAINT ${index(`${column}_check`)} ${check}` : ''}`;
	});
	return [
		`CREATE TABLE ${table.sql} (
	${columns.join(',\n\t')},
	CONSTRAINT container_presence_chk CHECK ((node_flag = true AND container_name IS NULL) OR (node_flag = false AND container_name IS NOT NULL)),
	CONSTRAINT master_only_nodes_chk CHECK (master_flag = false OR node_flag = true),
	CONSTRAINT slot_positive_chk CHECK (slot > 0)
)`,
		`CREATE INDEX ${index('composite_idx')} ON ${table.sql} (master_flag, node_flag, node_name, container_name, sample_time DESC)`,
		`CREATE INDEX ${index('containers_idx')} ON ${table.sql} (node_name, container_name, sample_time DESC) WHERE node_flag = false`,
		`CREATE INDEX ${index('master_nodes_idx')} ON ${table.sql} (sample_time DESC) WHERE master_flag = true AND node_flag = true`,
		`CREATE INDEX ${index('slot_idx')} ON ${table.sql} (slot)`,
		`CREATE INDEX ${index('time_slot_idx')} ON ${table.sql} (sample_time NULLS FIRST, slot)`,
	];
}

/**
 * The companion table: one row per ring slot that holds a dbtop node sample, removed with its slot
 * (ON DELETE CASCADE when a ring shrinks, whoever shrinks it) and replaced in the transaction that
 * rewrites the slot. A row counts only while its sample_time and node_name match the slot's:
 * another writer that takes the slot over leaves a row that no longer matches.
 */
export function companionDdl(table: TableName): string {
	return `CREATE TABLE ${table.companionSql} (
	slot integer PRIMARY KEY REFERENCES ${table.sql} (slot) ON DELETE CASCADE,
	sample_time bigint NOT NULL,
	node_name text NOT NULL,
	schema_version integer NOT NULL,
	postgres jsonb,
	users jsonb,
	sessions jsonb,
	blocking jsonb,
	processes jsonb,
	alerts jsonb NOT NULL
)`;
}

/** A table on the server that cannot be written as it is: one line naming the table and what is wrong. */
export class TableError extends Error {}

/** The columns of a table as the server has them (name to type), or null where there is no such table. Reads the catalog only. */
export async function columnsOf(client: pg.ClientBase, table: TableName): Promise<Map<string, string> | null> {
	const {rows} = await client.query<{column: string | null; type: string | null}>(
		`SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
		FROM (SELECT to_regclass($1) AS oid) AS t LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE t.oid IS NOT NULL`,
		[table.sql],
	);
	return rows.length === 0 ? null : new Map(rows.flatMap(row => (row.column ? [[row.column, row.type!]] : [])));
}

/** What differs between a table's columns and the contract's, in words; empty when it matches. */
export function columnProblems(have: ReadonlyMap<string, string>, want: Readonly<Record<string, ColumnType>>): string[] {
	const missing = Object.keys(want).filter(column => !have.has(column));
	const mistyped = Object.entries(want).flatMap(([column, type]) => (have.has(column) && have.get(column) !== type ? [`${column} is ${have.get(column)}, not ${type}`] : []));
	return [...(missing.length > 0 ? [`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] : []), ...mistyped];
}

/** What set-up found and did: the ring's capacity, and whether it created the ring. */
export type SetupResult = {capacity: number; isCreated: boolean; resizedFrom: number | null};

/**
 * Creates the ring (with its placeholder rows) and the companion table where they are absent,
 * checks an existing ring against the contract, and resizes the ring to `capacity` when one is
 * given. One transaction under an advisory lock, so recorders starting together do not race.
 * Throws TableError for a table that cannot be written, and the server's error otherwise.
 */
export async function setUpTables(client: pg.ClientBase, table: TableName, capacity: number | null): Promise<SetupResult> {
	await client.query('BEGIN');
	try {
		await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`dbtop ring ${table.text}`]);
		if (table.schema !== null) {
			const {rowCount} = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [table.schema]);
			if (rowCount === 0) throw new TableError(`schema "${table.schema}" does not exist on the ring server`);
		}

		const columns = await columnsOf(client, table);
		let result: SetupResult;
		if (columns === null) {
			for (const statement of ringDdl(table)) await client.query(statement);
			const size = capacity ?? DEFAULT_CAPACITY;
			await client.query(`INSERT INTO ${table.sql} (slot, sample_time, node_flag, node_name, source) SELECT g, NULL, true, '', $2 FROM generate_series(1, $1::integer) AS g`, [size, EMPTY_SOURCE]);
			result = {capacity: size, isCreated: true, resizedFrom: null};
		} else {
			const problems = columnProblems(columns, RING_COLUMNS);
			if (problems.length > 0) {
				throw new TableError(`table ${table.text} does not match the ring's columns: ${problems.join('; ')}`);
			}

			const {rows} = await client.query<{count: string}>(`SELECT count(*) AS count FROM ${table.sql}`);
			const size = Number(rows[0]!.count);
			if (capacity !== null && capacity !== size) {
				await resize(client, table, size, capacity);
				result = {capacity, isCreated: false, resizedFrom: size};
			} else {
				result = {capacity: size, isCreated: false, resizedFrom: null};
			}
		}

		const companion = await columnsOf(client, {...table, sql: table.companionSql});
		if (companion === null) {
			await client.query(companionDdl(table));
		} else if (!companion.has('schema_version')) {
			throw new TableError(`table ${table.text}${COMPANION_SUFFIX} exists but is not dbtop's companion table (it has no schema_version column)`);
		}

		// Placeholders added or removed: the planner sees the ring as it is now, so writes use its indexes.
		if (result.isCreated || result.resizedFrom !== null) await client.query(`ANALYZE ${table.sql}`);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	}
}

/**
 * Changes the number of rows as the existing writer does: growing adds placeholders at the lowest
 * missing slot numbers; shrinking deletes placeholders first (the highest slots), then the oldest
 * samples, which can leave gaps in the slot numbers.
 */
async function resize(client: pg.ClientBase, table: TableName, from: number, to: number): Promise<void> {
	if (to > from) {
		await client.query(
			`INSERT INTO ${table.sql} (slot, sample_time, node_flag, node_name, source)
			SELECT g, NULL, true, '', $2 FROM generate_series(1, $1::integer) AS g
			WHERE NOT EXISTS (SELECT 1 FROM ${table.sql} r WHERE r.slot = g) ORDER BY g LIMIT $3`,
			[to + from, EMPTY_SOURCE, to - from],
		);
		return;
	}

	await client.query(
		`DELETE FROM ${table.sql} WHERE slot IN (
			SELECT slot FROM ${table.sql}
			ORDER BY coalesce(sample_time, 0) <> 0, coalesce(sample_time, 0), CASE WHEN coalesce(sample_time, 0) = 0 THEN -slot END, age(xmin) DESC, slot
			LIMIT $1)`,
		[from - to],
	);
}
