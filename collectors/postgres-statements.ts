// What eats the server: pg_stat_statements, as rates over the last interval. The extension is
// looked for once per connection (and on every tick while it is missing, a catalog lookup). The
// view holds up to pg_stat_statements.max entries (5,000 by default), most of them idle at any
// moment, so a tick reads only what moved: the entries are read without their texts
// (pg_stat_statements(false)), and the server is sent the signatures (key and calls) of the
// previous reading's entries and returns only those whose signature is not among them; a text is
// fetched only for an entry not seen before. Entries that went away are not returned either: every
// entry is read again after a reset or an eviction (14+: pg_stat_statements_info says so), and
// every WHOLE_READ_TICKS ticks for those removed one by one (and before 14).
import type {Collector} from '../source/store/collector.js';
import type {PgStatement, PgStatementsSample} from '../source/types.js';
import type {PgConnection} from './postgres-connection.js';

/** Whether the extension is installed in the connected database (its schema, quoted), and whether the library is loaded. */
export const CHECK_SQL = `SELECT current_database() AS database, current_setting('pg_stat_statements.max', true) IS NOT NULL AS is_loaded,
	(SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements') AS schema`;

/** The clock, the last reset and the evictions so far (pg_stat_statements_info, 14+), and the view's size. */
export function infoSql(versionNum: number, schema: string): string {
	const max = `current_setting('pg_stat_statements.max', true)::int AS max`;
	return versionNum >= 140_000
		? `SELECT extract(epoch FROM clock_timestamp())::float8 AS at, (extract(epoch FROM i.stats_reset) * 1000)::float8 AS reset_at, i.dealloc::float8 AS dealloc, ${max}
FROM ${schema}.pg_stat_statements_info i`
		: `SELECT extract(epoch FROM clock_timestamp())::float8 AS at, NULL::float8 AS reset_at, NULL::float8 AS dealloc, ${max}`;
}

// Whether an entry is top-level (14+; before, every entry is).
const toplevel = (versionNum: number) => (versionNum >= 140_000 ? 'toplevel' : 'true');

/** Every this many ticks, every entry is read, not only those that moved: an entry removed alone (pg_stat_statements_reset of one statement; before 14, any) leaves the list by then. */
export const WHOLE_READ_TICKS = 30;

/**
 * The counters, without texts, of the entries whose signature is not among $1 (an int8[] of the
 * previous reading's; '{}' reads every entry), found in a hash of them. An entry's signature mixes
 * its key (queryid, dbid, userid, toplevel) and its calls into one int8, so it changes with its
 * calls; two entries share one only by a 64-bit coincidence (which delays one's reading to when
 * its calls move again). The columns each version has: 13 renamed total_time and added wal_bytes.
 */
export function statementsSql(versionNum: number, schema: string): string {
	const time = versionNum >= 130_000 ? 'total_exec_time' : 'total_time';
	const wal = versionNum >= 130_000 ? 'wal_bytes::float8' : 'NULL::float8';
	const signature = `queryid # (dbid::int8 << 33) # (userid::int8 << 1) # ${toplevel(versionNum)}::int::int8 # calls`;
	return `SELECT dbid, userid, queryid::text AS queryid, ${toplevel(versionNum)} AS toplevel, (${signature})::text AS signature, calls::float8 AS calls,
	${time}::float8 AS total_ms, "rows"::float8 AS "rows", shared_blks_hit::float8 AS hit, shared_blks_read::float8 AS read, temp_blks_written::float8 AS temp_written, ${wal} AS wal_bytes
FROM ${schema}.pg_stat_statements(false) WHERE queryid IS NOT NULL AND ${signature} NOT IN (SELECT unnest($1::int8[]))`;
}

/** The texts of some queryids ($1, an int8[]): read only for entries not seen before. */
export function textsSql(versionNum: number, schema: string): string {
	return `SELECT dbid, userid, queryid::text AS queryid, ${toplevel(versionNum)} AS toplevel, query FROM ${schema}.pg_stat_statements(true) WHERE queryid = ANY($1::int8[])`;
}

/** The names of databases and roles, by oid: read again when an entry names one not known yet. */
export const NAMES_SQL = `SELECT 'd' AS kind, oid, datname AS name FROM pg_database UNION ALL SELECT 'r', oid, rolname FROM pg_roles`;

/** How to enable pg_stat_statements, for what the check found missing. */
export function enableText(database: string, missing: 'library' | 'extension' | 'both'): string {
	const db = `database "${database}"`;
	const preload = "add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart the server";
	const create = `run CREATE EXTENSION pg_stat_statements in ${db}`;
	if (missing === 'library') return `pg_stat_statements is installed in ${db} but not loaded: ${preload}`;
	if (missing === 'extension') return `pg_stat_statements is not installed in ${db}: ${create}`;
	return `pg_stat_statements is not enabled: ${preload}, then ${create}`;
}

type Row = Record<string, unknown>;

/** An entry's counters as read, kept to compute the next sample's rates from. */
export type StatementCounters = {calls: number; totalMs: number; rows: number; hit: number; read: number; tempWritten: number; walBytes: number | null};

/** One entry as read: what identifies it, its counters, and its signature (what statementsSql is sent of it). */
export type StatementRow = StatementCounters & {key: string; queryId: string; dbid: number; userid: number; isToplevel: boolean; signature: string};

/** What one tick read: the server's clock (epoch seconds), the last reset (epoch ms, 14+), the evictions so far (14+), the view's size and every entry by key. */
export type StatementsReading = {at: number; resetAt: number | null; dealloc: number | null; max: number | null; entries: ReadonlyMap<string, StatementRow>};

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** An entry's key: `dbid/userid/queryid/toplevel`. */
const keyOf = (row: Row) => `${String(row['dbid'])}/${String(row['userid'])}/${String(row['queryid'])}/${String(row['toplevel'])}`;

/** A row of statementsSql as an entry. */
export function toStatementRow(row: Row): StatementRow {
	return {
		key: keyOf(row),
		queryId: String(row['queryid']),
		dbid: Number(row['dbid']),
		userid: Number(row['userid']),
		isToplevel: row['toplevel'] !== false,
		signature: String(row['signature']),
		calls: Number(row['calls'] ?? 0),
		totalMs: Number(row['total_ms'] ?? 0),
		rows: Number(row['rows'] ?? 0),
		hit: Number(row['hit'] ?? 0),
		read: Number(row['read'] ?? 0),
		tempWritten: Number(row['temp_written'] ?? 0),
		walBytes: num(row['wal_bytes']),
	};
}

/**
 * statementsSql's $1 for a reading's entries: their signatures as an array literal (`{12,-34}`),
 * built here rather than by pg, whose quoting of each element cost more than the rest of a tick.
 * None: every entry is read.
 */
export function signatures(entries: ReadonlyMap<string, StatementRow> | null): string {
	const all: string[] = [];
	for (const entry of entries?.values() ?? []) all.push(entry.signature);
	return `{${all.join(',')}}`;
}

/** A reading from infoSql's row and the entries read: those of `base` (the previous reading's, when only what changed was read) with the changed ones over them. */
export function toReading(info: Row, changed: readonly StatementRow[], base: ReadonlyMap<string, StatementRow> | null = null): StatementsReading {
	const entries = new Map<string, StatementRow>(base ?? []);
	for (const entry of changed) entries.set(entry.key, entry);
	return {at: Number(info['at']), resetAt: num(info['reset_at']), dealloc: num(info['dealloc']), max: num(info['max']), entries};
}

// No growth: an entry new since the previous reading grows from it; one that did not move grew by it.
const ZERO: StatementCounters = {calls: 0, totalMs: 0, rows: 0, hit: 0, read: 0, tempWritten: 0, walBytes: 0};

/** An entry's growth since `old`; counting from zero where it has none, or where a counter went down (the entry was reset or evicted and came back: it starts over). */
function growth(entry: StatementRow, old: StatementCounters | undefined): StatementCounters {
	const base = old && old.calls <= entry.calls && old.totalMs <= entry.totalMs && old.rows <= entry.rows && old.hit <= entry.hit && old.read <= entry.read && old.tempWritten <= entry.tempWritten && (old.walBytes ?? 0) <= (entry.walBytes ?? 0) ? old : ZERO;
	return {
		calls: entry.calls - base.calls,
		totalMs: entry.totalMs - base.totalMs,
		rows: entry.rows - base.rows,
		hit: entry.hit - base.hit,
		read: entry.read - base.read,
		tempWritten: entry.tempWritten - base.tempWritten,
		walBytes: entry.walBytes === null ? null : entry.walBytes - (base.walBytes ?? 0),
	};
}

/** What an entry is beyond its numbers: its database, user and text. */
export type Describe = (entry: StatementRow) => {database: string | null; user: string | null; query: string};

/** The statements built for entries that did not move over an interval, by the entry's object: while it stays the same object and idle, the same statement is given again. */
export type IdleStatements = WeakMap<StatementRow, PgStatement>;

// A rate over the interval, or null while measuring.
const perSec = (value: number | null, seconds: number | null) => (seconds === null || value === null ? null : value / seconds);

/** A statement from its entry and its growth over `seconds` (null: measuring), its share of `serverMs`. */
function statementOf(entry: StatementRow, delta: StatementCounters, seconds: number | null, serverMs: number, describe: Describe, hasWal: boolean): PgStatement {
	return {
		key: entry.key,
		queryId: entry.queryId,
		...describe(entry),
		isToplevel: entry.isToplevel,
		calls: entry.calls,
		totalMs: entry.totalMs,
		callsPerSec: perSec(delta.calls, seconds),
		totalMsPerSec: perSec(delta.totalMs, seconds),
		meanMs: seconds !== null && delta.calls > 0 ? delta.totalMs / delta.calls : null,
		rowsPerSec: perSec(delta.rows, seconds),
		sharedHitPerSec: perSec(delta.hit, seconds),
		sharedReadPerSec: perSec(delta.read, seconds),
		tempWrittenPerSec: perSec(delta.tempWritten, seconds),
		walBytesPerSec: hasWal ? perSec(delta.walBytes, seconds) : null,
		timePct: seconds === null ? null : entry.isToplevel && serverMs > 0 ? (delta.totalMs / serverMs) * 100 : 0,
	};
}

/**
 * The sample of a reading, with rates over the time since the previous one. The first reading has
 * none (measuring). A reset of the whole view in between (14+: stats_reset moved) makes every entry
 * start over, as does an entry whose counters went down; an entry new since the previous reading
 * counts from zero (it was created within the interval); one gone is simply not listed. An entry
 * still the previous reading's object did not move: where `idle` holds the statement given for it
 * when it last did not move, that statement is given again (its rates are all 0).
 */
export function toStatementsSample(reading: StatementsReading, previous: StatementsReading | null, describe: Describe, hasWal: boolean, idle?: IdleStatements): PgStatementsSample {
	const interval = previous ? reading.at - previous.at : 0;
	const seconds = previous !== null && interval > 0 ? interval : null;
	const wasReset = seconds !== null && reading.resetAt !== null && previous!.resetAt !== null && reading.resetAt !== previous!.resetAt;
	// The growth of the entries that moved; the others grew by nothing.
	const moved = new Map<string, StatementCounters>();
	let serverMs = 0;
	if (seconds !== null) {
		for (const entry of reading.entries.values()) {
			const old = wasReset ? undefined : previous!.entries.get(entry.key);
			if (old === entry) continue;
			const delta = growth(entry, old);
			moved.set(entry.key, delta);
			// Statements run inside functions are counted in their callers' time too.
			if (entry.isToplevel) serverMs += delta.totalMs;
		}
	}

	const statements: PgStatement[] = [];
	for (const entry of reading.entries.values()) {
		const delta = moved.get(entry.key);
		const isIdle = seconds !== null && delta === undefined;
		const known = isIdle ? idle?.get(entry) : undefined;
		if (known) {
			statements.push(known);
			continue;
		}

		const statement = statementOf(entry, delta ?? ZERO, seconds, serverMs, describe, hasWal);
		statements.push(statement);
		// Named and with its text: given again as long as it stays idle.
		if (isIdle && statement.query !== '' && statement.database !== null && statement.user !== null) idle?.set(entry, statement);
	}

	let evicted: number | null = null;
	if (seconds !== null && reading.dealloc !== null && previous!.dealloc !== null) evicted = wasReset ? reading.dealloc : Math.max(reading.dealloc - previous!.dealloc, 0);
	return {error: null, intervalSec: seconds, statements, hasWal, max: reading.max, evicted, wasReset};
}

/** A sample that says why there are no statements. */
export const missingSample = (error: string): PgStatementsSample => ({error, intervalSec: null, statements: [], hasWal: false, max: null, evicted: null, wasReset: false});

/**
 * The statements collector: one sample every 2 s by default, while `isWanted` says something shows
 * or keeps them. A tick skipped meanwhile leaves the previous reading too old to take rates from:
 * the first sample after is measuring again.
 */
export const postgresStatements = (connection: PgConnection, {isWanted}: {isWanted?: () => boolean} = {}): Collector<PgStatementsSample> => {
	// The extension's schema once it is found on this connection; looked for again after a failure.
	let found: {schema: string; database: string} | null = null;
	let previous: StatementsReading | null = null;
	const texts = new Map<string, string>();
	const names = {databases: new Map<number, string>(), roles: new Map<number, string>()};
	// Oids whose names were read for: one that is still unknown (a dropped role) is not read again.
	const asked = new Set<string>();
	const idle: IdleStatements = new WeakMap();
	let wasSkipped = false;

	const readNames = async () => {
		for (const row of await connection.query(NAMES_SQL)) (row['kind'] === 'd' ? names.databases : names.roles).set(Number(row['oid']), String(row['name']));
	};

	// Whether an entry read names a database or role not known yet (each asked for once).
	const hasUnknownNames = (entries: readonly StatementRow[]): boolean => {
		let isUnknown = false;
		const ask = (oid: string) => {
			if (asked.has(oid)) return;
			asked.add(oid);
			isUnknown = true;
		};

		for (const entry of entries) {
			if (!names.databases.has(entry.dbid)) ask(`d${entry.dbid}`);
			if (!names.roles.has(entry.userid)) ask(`r${entry.userid}`);
		}

		return isUnknown;
	};

	// The texts of the entries read that have none yet (new ones); those of entries gone are forgotten.
	const readTexts = async (versionNum: number, schema: string, read: readonly StatementRow[], entries: ReadonlyMap<string, StatementRow>) => {
		const missing = new Set<string>();
		for (const entry of read) if (!texts.has(entry.key)) missing.add(entry.queryId);
		if (missing.size > 0) {
			for (const row of await connection.query(textsSql(versionNum, schema), [[...missing]])) texts.set(keyOf(row), String(row['query'] ?? ''));
		}

		if (texts.size > entries.size) for (const key of texts.keys()) if (!entries.has(key)) texts.delete(key);
	};

	// Ticks since every entry was read.
	let sinceWhole = 0;

	return {
		id: 'postgres-statements',
		intervalMs: 2000,
		...(isWanted
			? {
					isWanted() {
						const is = isWanted();
						if (!is) wasSkipped = true;
						return is;
					},
				}
			: {}),
		async collect(signal) {
			if (wasSkipped) {
				previous = null;
				wasSkipped = false;
			}

			try {
				if (!found) {
					const [check] = await connection.query(CHECK_SQL);
					const database = String(check?.['database'] ?? '');
					if (check?.['schema'] === null || check?.['schema'] === undefined) {
						previous = null;
						return missingSample(enableText(database, check?.['is_loaded'] ? 'extension' : 'both'));
					}

					found = {schema: String(check['schema']), database};
				}

				const {schema} = found;
				const versionNum = connection.versionNum();
				const [info = {}] = await connection.query(infoSql(versionNum, schema));
				signal.throwIfAborted();
				// Every entry is read where some of the previous reading's may be gone: after a reset of the view, an eviction, or a while.
				const isGone = previous !== null && (num(info['reset_at']) !== previous.resetAt || num(info['dealloc']) !== previous.dealloc);
				sinceWhole = previous === null || isGone || sinceWhole + 1 >= WHOLE_READ_TICKS ? 0 : sinceWhole + 1;
				const base = sinceWhole === 0 ? null : previous!.entries;
				const changed = (await connection.query(statementsSql(versionNum, schema), [signatures(base)])).map(toStatementRow);
				const reading = toReading(info, changed, base);
				signal.throwIfAborted();
				await readTexts(versionNum, schema, changed, reading.entries);
				if (hasUnknownNames(changed)) await readNames();

				const sample = toStatementsSample(
					reading,
					previous,
					entry => ({database: names.databases.get(entry.dbid) ?? null, user: names.roles.get(entry.userid) ?? null, query: texts.get(entry.key) ?? ''}),
					versionNum >= 130_000,
					idle,
				);
				previous = reading;
				return sample;
			} catch (error) {
				const database = found?.database ?? '';
				found = null;
				// Installed but not loaded: the view says so when read.
				if (error instanceof Error && /shared_preload_libraries/.test(error.message)) {
					previous = null;
					return missingSample(enableText(database, 'library'));
				}

				throw error;
			}
		},
	};
};
