// The ring buffer in tests: the contract's own SQL (the table and rows the existing writer made),
// rows to write, the ring read back, and the plans of the reader's queries.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import type pg from 'pg';
import {METRIC_COLUMNS, type RingRow} from '../../source/ring/contract.js';
import type {ReaderQueries} from '../../source/ring/reader.js';

/** The contract's DDL, exactly as the existing writer creates the table. */
export const CONTRACT_DDL = readFileSync(new URL('../fixtures/ring/monitor_samples_ring.sql', import.meta.url), 'utf8');
/** Rows the existing writer wrote: capacity 8, wrapped. */
export const EXISTING_ROWS = readFileSync(new URL('../fixtures/ring/sample-existing-writer.sql', import.meta.url), 'utf8');

/** A node row (or a container row, given container_name) with every metric null unless given. */
export function ringRow(fields: Partial<RingRow> = {}): RingRow {
	const metrics = Object.fromEntries(Object.keys(METRIC_COLUMNS).map(column => [column, null])) as Record<keyof typeof METRIC_COLUMNS, null>;
	const isContainer = typeof fields.container_name === 'string';
	return {
		sample_time: 1_800_000_000,
		master_flag: false,
		node_flag: !isContainer,
		node_name: 'node-a',
		container_name: null,
		source: 'dbtop',
		interval_seconds: 1,
		...metrics,
		...fields,
	};
}

/** The ring's rows, by slot. */
export async function ringRows(client: pg.Client, table = 'monitor_samples_ring'): Promise<Array<Record<string, unknown>>> {
	return (await client.query(`SELECT * FROM ${table} ORDER BY slot`)).rows;
}

/**
 * Each of a reader's queries EXPLAINed (`options` as EXPLAIN takes them, in its parentheses) for a
 * node and an epoch second (a step ten rows, a container `container`, a companion the node's row at or before it): the node names take no parameter. A query the
 * table's shape has not (no containers, no companion) has no plan.
 */
export async function readerPlans(client: pg.Client, queries: ReaderQueries, node: string, at: number, options = 'COSTS OFF', container = 'postgres'): Promise<Array<{name: string; plan: string | null}>> {
	const plans: Array<{name: string; plan: string | null}> = [];
	// The steps (backBy, forwardBy) take a count, a container's rows its name, hasCompanion the slot, time and node of a node row: the node's at or before `at`.
	const [row] = (await client.query(queries.newest, [node, at])).rows;
	const valuesOf: Partial<Record<keyof ReaderQueries, unknown[]>> = {
		nodeNames: [],
		backBy: [node, at, 10],
		upToAfter: [node, at, at - 60],
		forwardBy: [node, at, 10],
		containerRows: [node, container, at],
		hasCompanion: [row?.['slot'] ?? 0, row?.['sample_time'] ?? at, node],
	};
	for (const [name, text] of Object.entries(queries)) {
		const values = valuesOf[name as keyof ReaderQueries] ?? [node, at];
		const plan = text === null ? null : (await client.query(`EXPLAIN (${options}) ${text}`, values)).rows.map(row => String(row['QUERY PLAN'])).join('\n');
		plans.push({name, plan});
	}

	return plans;
}

/** The relations a plan reads whole, by Seq Scan (parallel or not): none where every read goes through an index. */
export function seqScans(plan: string): string[] {
	return [...plan.matchAll(/Seq Scan on (\S+)/g)].map(match => match[1]!);
}

/**
 * A table's shape as the catalog has it, with its own name (and schema) taken out so two tables
 * can be compared: columns with types, defaults and NOT NULL; constraints; indexes.
 */
export async function tableShape(client: pg.Client, schema: string, table: string): Promise<{columns: string[]; constraints: string[]; indexes: string[]}> {
	const anonymous = (text: string) => text.replaceAll(`${schema}.`, '').replaceAll(table, 'T');
	await client.query(`SET search_path = ${schema}`);
	const columns = await client.query(
		`SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS text
		FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
		[table],
	);
	const constraints = await client.query(`SELECT conname || ' ' || pg_get_constraintdef(oid) AS text FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY conname`, [table]);
	const indexes = await client.query(`SELECT indexdef AS text FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, [schema, table]);
	await client.query('RESET search_path');
	const texts = (result: pg.QueryResult) => result.rows.map(row => anonymous(String(row.text)));
	return {columns: texts(columns), constraints: texts(constraints), indexes: texts(indexes)};
}

/**
 * What a session named `application` left in a server log written with `log_statement = 'all'`
 * and `log_line_prefix = '%a|'`: its entries (one per statement, error or notice; a statement goes
 * on over lines that start with a tab) and the statements among them.
 */
export function loggedBy(log: string, application: string): {entries: string[]; statements: string[]} {
	const entries = log.split(/\n(?=[^\t\n]*\|)/).filter(entry => entry.startsWith(`${application}|`));
	const statements = entries.flatMap(entry => {
		const match = /^[^|]*\|LOG: {2}(?:statement|execute [^:]*): ([\s\S]*)$/.exec(entry);
		return match ? [match[1]!.trim()] : [];
	});
	return {entries, statements};
}

/** Fails unless every statement only reads: BEGIN READ ONLY, COMMIT, or a SELECT (a WITH RECURSIVE one too), with no write, DDL, lock or function with side effects in it. */
export function assertOnlyReads(statements: readonly string[]): void {
	for (const statement of statements) {
		assert.match(statement, /^(BEGIN READ ONLY|COMMIT|SELECT|WITH RECURSIVE|\(WITH RECURSIVE)\b/, statement);
		assert.doesNotMatch(statement, /\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|LOCK|GRANT|REVOKE|COPY|nextval|setval|pg_advisory\w*)\b/i, statement);
	}
}
