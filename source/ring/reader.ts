// Reading a ring someone else writes, read-only by construction: the session is opened with
// default_transaction_read_only=on and every read runs in its own BEGIN READ ONLY transaction, so
// a statement that would write fails on the server whatever this code does; and it only ever
// sends SELECTs (no DDL, DML, LOCK, nor a function with side effects).
//
// Every query goes through the contract's indexes, so a ring of millions of rows is read by index
// scans: the nodes by a "loose index scan" (a recursive query that jumps from one node name to the
// next in the composite index), a node's rows from the composite index (master_flag, node_flag,
// node_name, container_name, sample_time DESC) once per master flag, a node's containers by a
// loose index scan of containers_idx, and a companion row by its slot (its primary key).
//
// Tolerant of what others write: placeholders (sample_time NULL or 0) and rows without a node
// name are skipped, NULL metrics stay null, a table missing columns is read for the rest, and a
// companion row counts only while its slot still holds the sample it was written for.
import type pg from 'pg';
import {connectTarget} from '../postgres/connect.js';
import type {PgTarget} from '../postgres/settings.js';
import {RING_COLUMNS} from './contract.js';
import {containerOfRow, hostOfRow, numberOf, type RawRow, type ReplayContainer, type ReplayHost} from './replay-parse.js';
import {columnsOf, COMPANION_VERSION, quoteIdentifier, TableError, type TableName} from './table.js';

/** The columns without which a table is not a ring at all. */
export const REQUIRED_COLUMNS = ['slot', 'sample_time', 'node_flag', 'node_name'] as const;

/** Node rows read before the one shown, for the charts leading up to it. */
export const HISTORY_ROWS = 120;

/** A newest sample_time far past any: "the newest" as a bound the indexes take. */
const NEWEST = Number.MAX_SAFE_INTEGER;

/** The session setting that makes every transaction read-only unless one asks otherwise (and this reader never does). */
export const READ_ONLY_OPTION = '-c default_transaction_read_only=on';

/** What the table on the server holds of the contract. */
export type RingDescription = {
	table: string;
	/** The contract's columns the table has, and those it lacks (read as NULL). */
	columns: string[];
	missingColumns: string[];
	/** Whether dbtop's companion table exists (companionAt says of each row whether this reader knows its schema version). */
	hasCompanion: boolean;
};

/** A node of the ring as the node picker lists it. */
export type RingNode = {
	name: string;
	/** Its newest node row (epoch seconds, master flag, the latest CPU, memory and load in it). */
	newest: ReplayHost;
	/** Distinct containers in its newest container second. */
	containerCount: number;
	/** Whether its newest node row has a companion row. */
	hasCompanion: boolean;
};

/** A node's node row at a moment, with what leads up to it and its neighbours in time. */
export type NodeSampleAt = {
	host: ReplayHost;
	/** Node rows before it, newest first (at most HISTORY_ROWS). */
	history: ReplayHost[];
	/** The sample_time of the node's previous and next node rows, or null at either end. */
	previousTime: number | null;
	nextTime: number | null;
};

/** A node's containers in one sample second. */
export type ContainersAt = {sampleTime: number | null; containers: ReplayContainer[]};

/** A node's moment as a replay shows it (see RingReader.momentAt). */
export type NodeMoment = Pick<NodeSampleAt, 'host' | 'history'> & {
	/** The node's oldest and newest node rows (epoch seconds). */
	oldestTime: number;
	newestTime: number;
	containers: ReplayContainer[];
	/** The container asked for: its rows at or before the moment, oldest first (at most HISTORY_ROWS + 1). */
	containerHistory: ReplayContainer[];
	companion: CompanionAt;
};

/** Why a companion row is not given. */
export type CompanionMissing = 'no companion table' | 'no such sample' | 'no companion row' | 'companion row overwritten' | 'unknown schema version';

/** A companion row (its jsonb parts as parsed JSON), or why there is none. */
export type CompanionAt = {companion: Record<string, unknown>; reason: null} | {companion: null; reason: CompanionMissing; schemaVersion?: number};

/** The reader of one ring table. */
export type RingReader = {
	/** What the table holds of the contract, as read at open: sends no statement. */
	describe(): Promise<RingDescription>;
	nodes(): Promise<RingNode[]>;
	/** The oldest and newest sample_time of a node's node rows, or null where it has none. */
	span(node: string): Promise<{oldest: number; newest: number} | null>;
	/** The node row at or before `at` (epoch seconds; null for the newest), or null where there is none. */
	nodeSampleAt(node: string, at: number | null): Promise<NodeSampleAt | null>;
	containersAt(node: string, at: number | null): Promise<ContainersAt>;
	companionAt(node: string, sampleTime: number): Promise<CompanionAt>;
	/**
	 * What a replay shows of a node, in one transaction: its node row at or before `at` (null: the
	 * newest), moved `steps` node rows on or back (stopping at the newest and the oldest; before the
	 * oldest, the oldest), what leads up to it, its containers, `container`'s rows up to it (for its
	 * charts), its companion, and the node's span. Null where the node has no node rows.
	 *
	 * Following the newest, a caller that holds the moment of the node row at `after` asks only for
	 * what is newer: the history holds only the rows after `after`, and where no row is newer the
	 * answer is 'unchanged', read with one probe of the index.
	 */
	momentAt(node: string, at: number | null, steps: number, container: string | null, after?: number | null): Promise<NodeMoment | 'unchanged' | null>;
	close(): Promise<void>;
};

/** The table's shape as read once at open: which contract columns it has, and its companion table's. */
type Shape = {columns: Set<string>; companionColumns: Set<string> | null};

/** `options` with the read-only setting added to what the user gave (libpq's options apply to every host). */
export function readOnlyOptions(options: string | undefined): string {
	return options ? `${options} ${READ_ONLY_OPTION}` : READ_ONLY_OPTION;
}

/** Reads the table's shape. Throws TableError for no such table, or a table that is not a ring (naming what it lacks). */
async function shapeOf(client: pg.ClientBase, table: TableName): Promise<Shape> {
	const columns = await columnsOf(client, table);
	if (columns === null) throw new TableError(`no table ${table.text} on the ring server`);
	const missing = REQUIRED_COLUMNS.filter(column => !columns.has(column));
	if (missing.length > 0) throw new TableError(`table ${table.text} is not a ring: it has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
	const companion = await columnsOf(client, {...table, sql: table.companionSql});
	return {
		columns: new Set(Object.keys(RING_COLUMNS).filter(column => columns.has(column))),
		companionColumns: companion ? new Set(companion.keys()) : null,
	};
}

/** The SQL of the reads, built for one table's shape. */
function queriesFor(table: TableName, shape: Shape) {
	const has = (column: string) => shape.columns.has(column);
	const list = [...shape.columns].map(quoteIdentifier).join(', ');
	// One branch per master flag: within one, the composite index holds a node's rows in time order.
	const masters = has('master_flag') ? ['false', 'true'] : [null];
	const container = has('container_name');
	const keyOrder = (direction: 'DESC' | 'ASC') => {
		const flip = direction === 'DESC' ? '' : ' DESC';
		return [...(has('master_flag') ? [`master_flag${flip}`] : []), `node_flag${flip}`, `node_name${flip}`, ...(container ? [`container_name${flip}`] : []), `sample_time ${direction}`].join(', ');
	};

	/** A node's node rows (`node` a parameter) past placeholders and matching `condition`, newest first (DESC) or oldest first, at most `limit`. */
	const nodeRows = (node: string, condition: string, direction: 'DESC' | 'ASC', limit: string) => {
		const branches = masters.map(
			master => `(SELECT ${list} FROM ${table.sql} WHERE ${master === null ? '' : `master_flag = ${master} AND `}node_flag AND node_name = ${node}${container ? ' AND container_name IS NULL' : ''} AND sample_time > 0 AND ${condition}
				ORDER BY ${keyOrder(direction)} LIMIT ${limit})`,
		);
		return `SELECT * FROM (${branches.join(' UNION ALL ')}) AS r ORDER BY sample_time ${direction} LIMIT ${limit}`;
	};

	/** Every node name with node rows, one index probe per name. */
	const nodeNames = masters
		.map(master => {
			const where = `${master === null ? '' : `master_flag = ${master} AND `}node_flag AND node_name >`;
			const order = keyOrder('DESC').split(', ').slice(0, has('master_flag') ? 3 : 2).join(', ');
			return `(WITH RECURSIVE names AS (
				(SELECT node_name FROM ${table.sql} WHERE ${where} '' ORDER BY ${order} LIMIT 1)
				UNION ALL
				SELECT (SELECT node_name FROM ${table.sql} WHERE ${where} names.node_name ORDER BY ${order} LIMIT 1) FROM names WHERE names.node_name IS NOT NULL)
			SELECT node_name FROM names WHERE node_name IS NOT NULL)`;
		})
		.join(' UNION ');

	/** A node's containers, each its newest row at or before $2, by one probe of containers_idx per name. */
	const containers = container
		? `WITH RECURSIVE names AS (
				(SELECT container_name FROM ${table.sql} WHERE node_flag = false AND node_name = $1 AND container_name > '' ORDER BY node_name, container_name LIMIT 1)
				UNION ALL
				SELECT (SELECT container_name FROM ${table.sql} WHERE node_flag = false AND node_name = $1 AND container_name > names.container_name ORDER BY node_name, container_name LIMIT 1)
				FROM names WHERE names.container_name IS NOT NULL)
			SELECT c.* FROM names CROSS JOIN LATERAL (
				SELECT ${list} FROM ${table.sql} WHERE node_flag = false AND node_name = $1 AND container_name = names.container_name AND sample_time > 0 AND sample_time <= $2::bigint
				ORDER BY node_name, container_name, sample_time DESC LIMIT 1) AS c`
		: null;

	/** A container's rows at or before $3, newest first, from containers_idx. */
	const containerRows = container
		? `SELECT ${list} FROM ${table.sql} WHERE node_flag = false AND node_name = $1 AND container_name = $2 AND sample_time > 0 AND sample_time <= $3::bigint
			ORDER BY node_name, container_name, sample_time DESC LIMIT ${HISTORY_ROWS + 1}`
		: null;

	const companion =
		shape.companionColumns?.has('schema_version') && shape.companionColumns.has('slot')
			? `SELECT r.slot, to_jsonb(c) AS companion FROM (${nodeRows('$1', 'sample_time = $2::bigint', 'DESC', '1')}) AS r
				LEFT JOIN ${table.companionSql} AS c ON c.slot = r.slot`
			: null;

	/** Whether a companion row of this reader's schema version stands for the node row in slot $1 (sample_time $2, node $3): one probe of the companion's primary key. */
	const hasCompanion = ['slot', 'sample_time', 'node_name', 'schema_version'].every(column => shape.companionColumns?.has(column))
		? `SELECT EXISTS (SELECT FROM ${table.companionSql} WHERE slot = $1::integer AND sample_time = $2::bigint AND node_name = $3 AND schema_version = ${COMPANION_VERSION}) AS has_companion`
		: null;

	return {
		nodeNames,
		newest: nodeRows('$1', `sample_time <= $2::bigint`, 'DESC', '1'),
		oldest: nodeRows('$1', `sample_time <= $2::bigint`, 'ASC', '1'),
		upTo: nodeRows('$1', `sample_time <= $2::bigint`, 'DESC', `${HISTORY_ROWS + 1}`),
		upToAfter: nodeRows('$1', `sample_time <= $2::bigint AND sample_time > $3::bigint`, 'DESC', `${HISTORY_ROWS + 1}`),
		before: nodeRows('$1', `sample_time < $2::bigint`, 'DESC', '1'),
		after: nodeRows('$1', `sample_time > $2::bigint`, 'ASC', '1'),
		backBy: nodeRows('$1', `sample_time <= $2::bigint`, 'DESC', '$3::int'),
		forwardBy: nodeRows('$1', `sample_time > $2::bigint`, 'ASC', '$3::int'),
		containers,
		containerRows,
		companion,
		hasCompanion,
	};
}

/** The SQL a reader of a table runs, by name: its tests EXPLAIN each. */
export type ReaderQueries = ReturnType<typeof queriesFor>;

/**
 * Opens a read-only reader of a ring table on `target`. Throws the connection's error, or
 * TableError for no such table or a table that is not a ring.
 */
export async function openRingReader(target: PgTarget, table: TableName, loadPg: () => Promise<typeof pg> = async () => (await import('pg')).default): Promise<RingReader & {queries: ReaderQueries}> {
	const {client} = await connectTarget(target, loadPg, {options: readOnlyOptions(target.hosts[0]?.config.options)});
	try {
		return await readerOf(client, table);
	} catch (error) {
		await client.end().catch(() => {});
		throw error;
	}
}

/** A reader over a connected client (its session read-only already): reads the shape, then answers. */
async function readerOf(client: pg.Client, table: TableName): Promise<RingReader & {queries: ReaderQueries}> {
	// One read at a time: each is its own transaction on the one connection.
	let queue: Promise<unknown> = Promise.resolve();
	const read = async <T>(work: () => Promise<T>): Promise<T> => {
		const run = queue.then(async () => {
			await client.query('BEGIN READ ONLY');
			try {
				const result = await work();
				await client.query('COMMIT');
				return result;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => {});
				throw error;
			}
		});
		queue = run.catch(() => {});
		return run;
	};

	const rows = async (text: string, values: unknown[] = []) => (await client.query<RawRow>(text, values)).rows;
	const shape = await read(async () => shapeOf(client, table));
	const queries = queriesFor(table, shape);
	const hosts = (raw: RawRow[]) => raw.flatMap(row => hostOfRow(row) ?? []);

	const containersAt = async (node: string, at: number | null): Promise<ContainersAt> => {
		if (!queries.containers) return {sampleTime: null, containers: []};
		const found = (await rows(queries.containers, [node, at ?? NEWEST])).flatMap(row => containerOfRow(row) ?? []);
		const sampleTime = found.length > 0 ? Math.max(...found.map(row => row.sampleTime)) : null;
		return {sampleTime, containers: found.filter(row => row.sampleTime === sampleTime)};
	};

	const companionOf = async (node: string, sampleTime: number): Promise<CompanionAt> => {
		if (!queries.companion) return {companion: null, reason: 'no companion table'};
		const [row] = await rows(queries.companion, [node, sampleTime]);
		if (!row) return {companion: null, reason: 'no such sample'};
		const companion = row['companion'] as Record<string, unknown> | null;
		if (!companion) return {companion: null, reason: 'no companion row'};
		if (numberOf(companion['sample_time']) !== sampleTime || companion['node_name'] !== node) return {companion: null, reason: 'companion row overwritten'};
		const version = numberOf(companion['schema_version']);
		if (version !== COMPANION_VERSION) return {companion: null, reason: 'unknown schema version', ...(version === null ? {} : {schemaVersion: version})};
		return {companion, reason: null};
	};

	const spanOf = async (node: string) => {
		const [newest] = hosts(await rows(queries.newest, [node, NEWEST]));
		const [oldest] = hosts(await rows(queries.oldest, [node, NEWEST]));
		return newest && oldest ? {oldest: oldest.sampleTime, newest: newest.sampleTime} : null;
	};

	// The node row at or before `at` and the rows before it, newest first (only those after `after`, where given).
	const sampleAt = async (node: string, at: number | null, after: number | null = null): Promise<Pick<NodeSampleAt, 'host' | 'history'> | null> => {
		const [host, ...history] = hosts(await rows(after === null ? queries.upTo : queries.upToAfter, after === null ? [node, at ?? NEWEST] : [node, at ?? NEWEST, after]));
		return host ? {host, history} : null;
	};

	// The sample_time `steps` node rows on or back from the row at or before `at`, stopping at either end.
	const timeFrom = async (node: string, at: number | null, steps: number): Promise<number | null> => {
		const timeOf = (raw: RawRow[]) => hosts(raw).at(-1)?.sampleTime ?? null;
		const base = timeOf(await rows(queries.newest, [node, at ?? NEWEST]));
		if (steps < 0) return base === null ? null : timeOf(await rows(queries.backBy, [node, base, 1 - steps]));
		return timeOf(await rows(queries.forwardBy, [node, base ?? at ?? 0, steps])) ?? base;
	};

	// Whether a node row's companion row is there and readable, without reading the row itself.
	const hasCompanionRow = async (host: ReplayHost): Promise<boolean> => {
		if (!queries.hasCompanion || host.slot === null) return false;
		const [row] = await rows(queries.hasCompanion, [host.slot, host.sampleTime, host.node]);
		return row?.['has_companion'] === true;
	};

	return {
		queries,
		// From the shape read at open: no statement, so no read of either table.
		describe: async () => ({
			table: table.text,
			columns: [...shape.columns],
			missingColumns: Object.keys(RING_COLUMNS).filter(column => !shape.columns.has(column)),
			hasCompanion: shape.companionColumns !== null && shape.companionColumns.has('schema_version'),
		}),
		nodes: async () =>
			read(async () => {
				const names = (await rows(queries.nodeNames)).map(row => String(row['node_name'])).sort();
				const nodes: RingNode[] = [];
				for (const name of names) {
					const [newest] = hosts(await rows(queries.newest, [name, NEWEST]));
					if (!newest) continue;
					const {containers} = await containersAt(name, null);
					nodes.push({name, newest, containerCount: containers.length, hasCompanion: await hasCompanionRow(newest)});
				}

				return nodes;
			}),
		span: async node => read(async () => spanOf(node)),
		nodeSampleAt: async (node, at) =>
			read(async () => {
				const found = await sampleAt(node, at);
				if (!found) return null;
				const [previous] = hosts(await rows(queries.before, [node, found.host.sampleTime]));
				const [next] = hosts(await rows(queries.after, [node, found.host.sampleTime]));
				return {...found, previousTime: previous?.sampleTime ?? null, nextTime: next?.sampleTime ?? null};
			}),
		containersAt: async (node, at) => read(async () => containersAt(node, at)),
		companionAt: async (node, sampleTime) => read(async () => companionOf(node, sampleTime)),
		momentAt: async (node, at, steps, container, after = null) =>
			read(async () => {
				if (after !== null && steps === 0 && hosts(await rows(queries.newest, [node, at ?? NEWEST]))[0]?.sampleTime === after) return 'unchanged';
				const span = await spanOf(node);
				if (!span) return null;
				const time = steps === 0 ? at : await timeFrom(node, at, steps);
				const found = (await sampleAt(node, time === null ? null : Math.max(time, span.oldest), steps === 0 ? after : null))!;
				const {sampleTime} = found.host;
				return {
					...found,
					oldestTime: span.oldest,
					newestTime: Math.max(span.newest, sampleTime),
					containers: (await containersAt(node, sampleTime)).containers,
					containerHistory: container !== null && queries.containerRows ? (await rows(queries.containerRows, [node, container, sampleTime])).flatMap(row => containerOfRow(row) ?? []).reverse() : [],
					companion: await companionOf(node, sampleTime),
				};
			}),
		close: async () => {
			await queue;
			await client.end();
		},
	};
}

