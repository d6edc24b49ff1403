// One sample into the ring: its rows into the slots that hold the oldest samples, and its
// companion row beside the node row's slot, in one statement (one round trip, one transaction).
//
// Slot choice, and why it is safe with many writers at once:
// - Oldest first: empty slots (sample_time NULL or 0, lowest slot first), then by sample_time,
//   and within one second by how long ago the row was last written (age(xmin): the existing
//   writer breaks that tie by slot, and so overwrites the row it has just written when it writes
//   more than once a second).
// - FOR UPDATE SKIP LOCKED: a writer passes over rows another writer is filling, never waits.
// - A candidate is locked only if it is still the row version the writer chose: the lock is
//   taken by ctid, and a row another writer rewrote after this statement's snapshot has a new
//   ctid, so the re-check Postgres makes on it (EvalPlanQual) drops it. Without that, a writer
//   could lock a row just filled with the newest sample and overwrite it.
import type pg from 'pg';
import {RING_COLUMNS, type Companion, type RingRow} from './contract.js';
import {COMPANION_VERSION, type TableName} from './table.js';

/** One sample as the ring receives it: the node row first, then its containers' rows. */
export type RingSample = {rows: RingRow[]; companion: Companion | null};

// How many candidates beyond the rows wanted each try reads: room for the rows other writers
// hold, so that 64 writers at once seldom all go for the same few oldest rows and try again.
const EXTRA_CANDIDATES = 64;
// Tries at locking enough slots before the write fails (only a ring smaller than the writers
// writing into it at once runs out).
const MAX_TRIES = 100;

/** The columns a write sets: all but the table's own id and slot. */
const WRITTEN = Object.keys(RING_COLUMNS).filter(column => column !== 'id' && column !== 'slot');

/** Per table, the one statement a write runs (built once). */
const statementByTable = new Map<string, string>();

/**
 * The write, in one statement (one round trip, its own transaction): lock $2 slots, and only if
 * all $2 were locked, write the rows ($1, a JSON array) into them, drop the companion rows of the
 * slots that no longer hold a dbtop node sample, and upsert the node row's companion ($4..$9,
 * when $3 is true). Returns the slots written, the node row's first.
 */
export function writeStatement(table: TableName): string {
	let statement = statementByTable.get(table.sql);
	if (!statement) {
		const order = `coalesce(sample_time, 0), CASE WHEN sample_time > 0 THEN age(xmin) END DESC, slot`;
		const candidates = `$2::integer + ${EXTRA_CANDIDATES}`;
		statement = `WITH candidates AS MATERIALIZED (
			(SELECT ctid FROM ${table.sql} WHERE sample_time IS NULL ORDER BY sample_time NULLS FIRST, slot LIMIT ${candidates})
			UNION ALL (SELECT ctid FROM ${table.sql} WHERE sample_time = 0 ORDER BY sample_time NULLS FIRST, slot LIMIT ${candidates})
			UNION ALL (SELECT ctid FROM ${table.sql} WHERE sample_time > 0 AND sample_time <= (
				SELECT max(sample_time) FROM (SELECT sample_time FROM ${table.sql} WHERE sample_time > 0 ORDER BY sample_time NULLS FIRST LIMIT ${candidates}) AS oldest)
				ORDER BY sample_time NULLS FIRST, age(xmin) DESC, slot LIMIT ${candidates})),
		locked AS MATERIALIZED (
			SELECT slot FROM ${table.sql} WHERE ctid = ANY (ARRAY(SELECT ctid FROM candidates))
			ORDER BY ${order} LIMIT $2::integer FOR UPDATE SKIP LOCKED),
		pairs AS (
			SELECT l.slot AS target, v.* FROM (SELECT slot, row_number() OVER () AS ordinality FROM locked) AS l
			JOIN json_populate_recordset(NULL::${table.sql}, $1::json) WITH ORDINALITY AS v USING (ordinality)
			WHERE (SELECT count(*) FROM locked) = $2::integer),
		written AS (
			UPDATE ${table.sql} AS r SET (${WRITTEN.join(', ')}) = (${WRITTEN.map(column => `p.${column}`).join(', ')})
			FROM pairs AS p WHERE r.slot = p.target
			RETURNING r.slot, r.node_flag, r.sample_time, r.node_name),
		dropped AS (
			DELETE FROM ${table.companionSql} WHERE slot IN (SELECT slot FROM written WHERE NOT (node_flag AND $3::boolean))),
		companion AS (
			INSERT INTO ${table.companionSql} (slot, sample_time, node_name, schema_version, postgres, users, sessions, blocking, processes, alerts)
			SELECT slot, sample_time, node_name, ${COMPANION_VERSION}, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb
			FROM written WHERE node_flag AND $3::boolean
			ON CONFLICT (slot) DO UPDATE SET sample_time = excluded.sample_time, node_name = excluded.node_name, schema_version = excluded.schema_version,
				postgres = excluded.postgres, users = excluded.users, sessions = excluded.sessions, blocking = excluded.blocking,
				processes = excluded.processes, alerts = excluded.alerts)
		SELECT slot FROM written ORDER BY node_flag DESC, slot`;
		statementByTable.set(table.sql, statement);
	}

	return statement;
}

/** JSON for a jsonb parameter, or null. */
const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** A sample as the write statement takes it: JSON text, as small as it gets while it waits in memory. */
export type SerializedSample = {
	parameters: ReadonlyArray<string | number | boolean | null>;
	rowCount: number;
	/** The node row's sample_time (whole epoch seconds). */
	sampleTime: number;
	/** About what it holds in memory: the length of its text. */
	bytes: number;
};

/** Serializes a sample for writeSerialized. */
export function serializeSample(sample: RingSample): SerializedSample {
	const {companion} = sample;
	const parameters = [
		JSON.stringify(sample.rows),
		sample.rows.length,
		companion !== null,
		json(companion?.postgres),
		json(companion?.users),
		json(companion?.sessions),
		json(companion?.blocking),
		json(companion?.processes),
		json(companion?.alerts ?? []),
	];
	const bytes = parameters.reduce<number>((sum, value) => sum + (typeof value === 'string' ? value.length : 8), 0);
	return {parameters, rowCount: sample.rows.length, sampleTime: sample.rows[0]?.sample_time ?? 0, bytes};
}

/**
 * Writes one serialized sample and resolves to the slots it took, its node row's first. A try
 * that could not lock as many slots as the sample has rows (other writers hold them) writes
 * nothing and is made again. Past `timeoutMs` (a hung connection) it throws without waiting for
 * the server. Throws the server's error (nothing written).
 */
export async function writeSerialized(client: pg.ClientBase, table: TableName, sample: SerializedSample, timeoutMs?: number): Promise<number[]> {
	for (let tries = 0; tries < MAX_TRIES; tries++) {
		// Prepared once per connection: planning this statement costs as much as running it.
		const {rows} = await client.query<{slot: number}>({
			name: `dbtop ring write ${table.text}`,
			text: writeStatement(table),
			values: sample.parameters as unknown[],
			...(timeoutMs === undefined ? {} : {query_timeout: timeoutMs}),
		});
		if (rows.length === sample.rowCount) return rows.map(row => row.slot);
	}

	throw new Error(`could not lock ${sample.rowCount} slots of ${table.text} in ${MAX_TRIES} tries: more rows are being written at once than the ring holds`);
}

/** Writes one sample: serializeSample, then writeSerialized. */
export async function writeSample(client: pg.ClientBase, table: TableName, sample: RingSample, timeoutMs?: number): Promise<number[]> {
	return writeSerialized(client, table, serializeSample(sample), timeoutMs);
}
