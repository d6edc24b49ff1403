// Names of relations in other databases of the server: a query's pg_class join resolves only the
// connected database's, so the others are read there, once per relation (an oid is never reused
// for another relation while it exists), by the locks and the progress of long operations.
import type {PgConnection} from './postgres-connection.js';

const NAMES_SQL = `SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`;

/** How long a database dbtop could not read is left alone before it is tried again. */
export const RETRY_DATABASE_MS = 60_000;

/** A relation a row names: its oid, its database, and its name where the row's own join resolved it (the connected database). */
export type RelationRef = {oid: number | null; database: string | null; isHere: boolean; schema: string | null; name: string | null};

/** The relation a row names in the columns `relation` (its oid), `database`, `is_here` (in the connected database), `schema` and `name`. */
export function relationRef(row: Record<string, unknown>): RelationRef {
	const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
	return {
		oid: row['relation'] === null || row['relation'] === undefined ? null : Number(row['relation']),
		database: text(row['database']),
		isHere: Boolean(row['is_here']),
		schema: text(row['schema']),
		name: text(row['name']),
	};
}

/** The relation names a collector keeps between ticks. */
export type RelationNames = {
	/** Reads the names of the relations of other databases not known yet; a database that cannot be read is tried again after RETRY_DATABASE_MS. */
	resolve(refs: readonly RelationRef[]): Promise<void>;
	/** `schema.name`, `db:oid` where it is not known, or null for no relation. */
	nameOf(ref: RelationRef): string | null;
};

/** The names cache of one collector. */
export function relationNames(connection: Pick<PgConnection, 'queryDatabase'>, now: () => number = Date.now): RelationNames {
	const names = new Map<string, string>();
	const failedAt = new Map<string, number>();
	const keyOf = (database: string, oid: number) => `${database}:${oid}`;
	return {
		async resolve(refs) {
			const byDatabase = new Map<string, number[]>();
			for (const {oid, database, isHere} of refs) {
				if (oid === null || database === null || isHere || names.has(keyOf(database, oid))) continue;
				if (now() - (failedAt.get(database) ?? -Infinity) < RETRY_DATABASE_MS) continue;
				byDatabase.set(database, [...new Set([...(byDatabase.get(database) ?? []), oid])]);
			}

			for (const [database, oids] of byDatabase) {
				try {
					const rows = await connection.queryDatabase(database, NAMES_SQL, [oids]);
					for (const row of rows) names.set(keyOf(database, Number(row['oid'])), `${String(row['schema'])}.${String(row['name'])}`);
					failedAt.delete(database);
				} catch {
					// No access to that database: its relations show as db:oid.
					failedAt.set(database, now());
				}
			}
		},
		nameOf({oid, database, isHere, schema, name}) {
			if (oid === null) return null;
			if (isHere && name !== null) return `${schema ?? '?'}.${name}`;
			return names.get(keyOf(database ?? '?', oid)) ?? `${database ?? '?'}:${oid}`;
		},
	};
}
