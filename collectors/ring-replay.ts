// The replay's collectors: instead of reading this host, they read the ring(s) at the cursor the
// store holds and report a moment (`replay`) and the nodes of every ring (`replay-nodes`), as
// samples like any other collector's. Each ring has one read-only reader; a reader that fails is
// dropped and opened again on the next tick (the scheduler backs off while it fails), so a ring
// server that restarts is read again where the cursor is: the same node and moment.
import type {SnapshotStatement} from '../source/app/snapshot.js';
import type {CompanionParts, CompanionPostgres} from '../source/ring/companion.js';
import {HISTORY_ROWS, type RingReader} from '../source/ring/reader.js';
import {openRings, type Rings} from '../source/ring/rings.js';
import {assertInSpan, chooseNode, readRing, ringNodes, type ReplayOptions} from '../source/ring/replay-json.js';
import type {Collector} from '../source/store/collector.js';
import type {ReplayCursor, ReplayMoment, ReplayNodes, ReplayState} from '../source/store/replay.js';
import type {Store} from '../source/store/store.js';
import type {PgProgress, PgReplicationSlot, PgServer} from '../source/types.js';

/** How many times one tick reads again because the cursor moved while it read (keys pressed in a burst). */
const MAX_REREADS = 8;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type FieldType = 'number' | 'string';

/** The items of a recorded list that have the fields the panes read, of their types (a row written by something else is left out, not shown wrong). */
function itemsOf<T>(value: unknown, fields: Record<string, FieldType>): T[] | null {
	if (!Array.isArray(value)) return null;
	return value.filter(item => isObject(item) && Object.entries(fields).every(([field, type]) => typeof item[field] === type)) as T[];
}

/** Whether a recorded server header has the fields the Sessions pane reads first, of their types. */
function isServer(value: unknown): value is PgServer {
	return isObject(value) && typeof value['version'] === 'string' && ['startedAt', 'connections', 'maxConnections'].every(field => typeof value[field] === 'number') && Array.isArray(value['standbys']);
}

/** A recorded server header with its replication slots: none where it was recorded before they were. */
function serverOf(value: unknown): PgServer | null {
	if (!isServer(value)) return null;
	return {...value, slots: itemsOf<PgReplicationSlot>(value['slots'], {name: 'string', type: 'string'}) ?? []};
}

/**
 * The recorded Postgres header: what the Sessions pane reads first, the long operations in progress
 * (none where they were not recorded), and the statements where it holds them (a companion of an
 * older dbtop has none).
 */
function postgresOf(value: Record<string, unknown>): CompanionPostgres {
	const statements = itemsOf<SnapshotStatement>(value['statements'], {queryId: 'string', query: 'string', callsPerSec: 'number', totalMsPerSec: 'number'});
	const interval = value['statementsIntervalSec'];
	const statementsError = value['statementsError'];
	return {
		target: typeof value['target'] === 'string' ? value['target'] : null,
		server: serverOf(value['server']),
		error: typeof value['error'] === 'string' ? value['error'] : null,
		progress: itemsOf<PgProgress>(value['progress'], {pid: 'number', command: 'string', phase: 'string', unit: 'string'}) ?? [],
		...(statements ? {statements} : {}),
		...(typeof interval === 'number' ? {statementsIntervalSec: interval} : {}),
		...(typeof statementsError === 'string' ? {statementsError} : {}),
	};
}

/** A companion row's parts, each as recorded where it has the shape dbtop writes, else null. */
export function companionParts(companion: Record<string, unknown>): CompanionParts {
	const postgres = companion['postgres'];
	return {
		postgres: isObject(postgres) ? postgresOf(postgres) : null,
		users: itemsOf(companion['users'], {user: 'string'}),
		sessions: itemsOf(companion['sessions'], {pid: 'number', query: 'string', backendType: 'string'}),
		blocking: itemsOf(companion['blocking'], {pid: 'number', query: 'string'}),
		processes: itemsOf(companion['processes'], {pid: 'number', ppid: 'number', cpuPct: 'number', memPct: 'number', rss: 'number', cpuTime: 'number', threads: 'number', user: 'string', state: 'string', command: 'string'}),
		alerts: itemsOf(companion['alerts'], {id: 'string', rule: 'string', severity: 'string', state: 'string', resource: 'string', title: 'string', firedAt: 'number'}) ?? [],
	};
}

/**
 * The moment a cursor names, with its companion's parts as the panes take them. From `last` (the
 * same node and open container): holding still at its moment, only the node's span is read;
 * following the newest, only what is newer (one probe when nothing is), and the history's rows it
 * already holds are kept.
 */
async function momentAt(reader: RingReader, cursor: ReplayCursor, openContainer: string | null, last: ReplayMoment | null): Promise<ReplayMoment> {
	const isSameView = last !== null && last.cursor.ring === cursor.ring && last.cursor.node === cursor.node && last.openContainer === openContainer;
	// Holding still at the moment shown: only the node's span moves, as the writers write.
	if (isSameView && cursor.steps === 0 && cursor.at !== null && cursor.at === last.host.sampleTime) {
		const span = await reader.span(cursor.node);
		if (span) return {...last, cursor, oldestTime: span.oldest, newestTime: Math.max(span.newest, last.host.sampleTime)};
	}

	const from = isSameView && cursor.at === null && last.cursor.at === null ? last : null;
	const found = await reader.momentAt(cursor.node, cursor.at, cursor.steps, openContainer, from?.host.sampleTime ?? null);
	if (found === 'unchanged') return {...from!, cursor};
	if (!found) throw new Error(`node ${cursor.node} has no samples in the ring`);
	const {host, oldestTime, newestTime, containers, containerHistory, companion} = found;
	const read = found.history.reverse();
	return {
		cursor,
		host,
		history: from ? [...from.history, from.host, ...read].filter(row => row.sampleTime < host.sampleTime).slice(-HISTORY_ROWS) : read,
		oldestTime,
		newestTime,
		containers,
		openContainer,
		containerHistory,
		companion: companion.companion ? companionParts(companion.companion) : null,
		companionMissing: companion.reason,
	};
}

/**
 * The collector of the moment at the store's cursor; wanted once a node is picked. A tick with
 * nothing new to show gives the last moment's parts again, and the panes draw nothing new.
 */
export function replayMoments(rings: Rings, store: Store, first: ReplayMoment | null = null): Collector<ReplayMoment> {
	let last = first;
	return {
		id: 'replay',
		isWanted: () => Boolean(store.getState().replay?.cursor),
		async collect() {
			let moment: ReplayMoment | null = null;
			for (let reads = 0; reads < MAX_REREADS; reads++) {
				const state = store.getState();
				const cursor = state.replay?.cursor;
				if (!cursor) throw new Error('no node picked');
				if (moment && moment.cursor === cursor) break;
				const openContainer = state.ui.containers.detailId;
				moment = await rings.use(cursor.ring, async reader => momentAt(reader, cursor, openContainer, last));
			}

			last = moment;
			return moment!;
		},
	};
}

/** What a replay starts from: its rings, the replay as the screen opens on it, and the moment shown first where a node is chosen. */
export type ReplayStart = {rings: Rings; replay: ReplayState; moment: ReplayMoment | null};

/** Where `--node` is among the rings: in the ring written last where several hold it; null where none does. */
async function findNode(rings: Rings, name: string): Promise<{ring: number; span: {oldest: number; newest: number}} | null> {
	let found: {ring: number; span: {oldest: number; newest: number}} | null = null;
	for (const ring of rings.labels.keys()) {
		const span = await readRing(rings, ring, async reader => reader.span(name));
		if (span && (!found || span.newest > found.span.newest)) found = {ring, span};
	}

	return found;
}

/**
 * Opens the rings read-only and reads what the screen opens on: each ring's shape (a table that is
 * not a ring is refused, one missing columns noted), the node (`--node`, or the only one; else the
 * picker, with every ring's nodes) and its moment at `--at`. Throws UsageError for a ring that
 * cannot be read, a node no ring holds (listing those there are) or a moment outside its samples.
 */
export async function openReplay(options: ReplayOptions): Promise<ReplayStart> {
	const rings = openRings(options.rings, options.table);
	try {
		const descriptions = await Promise.all(rings.labels.map(async (_, ring) => readRing(rings, ring, async reader => reader.describe())));
		const found = options.node === null ? null : await findNode(rings, options.node);
		// Without --node, or with one no ring holds (to list those there are): every ring's nodes.
		const nodes = found ? null : await ringNodes(rings);
		const only = nodes?.length === 1 ? {ring: nodes[0]!.ring, name: nodes[0]!.name} : null;
		if (options.node !== null && !found) chooseNode(nodes!, options.node, rings);
		const node = found ? {ring: found.ring, name: options.node!} : only;
		const cursor: ReplayCursor | null = node ? {ring: node.ring, node: node.name, at: options.at, steps: 0} : null;
		let moment: ReplayMoment | null = null;
		if (cursor) {
			moment = await readRing(rings, cursor.ring, async reader => momentAt(reader, cursor, null, null));
			assertInSpan(options.at, cursor.node, moment);
		}

		const replay: ReplayState = {
			rings: rings.labels,
			table: options.table.text,
			cursor,
			startAt: options.at,
			moment: null,
			nodes: nodes ? {nodes, problems: [], readAt: Date.now()} : null,
			missingColumns: [...new Set(descriptions.flatMap(description => description.missingColumns))],
		};
		return {rings, replay, moment};
	} catch (error) {
		await rings.close();
		throw error;
	}
}

/** The collector of the nodes of every ring, for the node picker; a ring that cannot be read is a problem line, the others are still listed. */
export function replayNodes(rings: Rings, isWanted: () => boolean): Collector<ReplayNodes> {
	return {
		id: 'replay-nodes',
		isWanted,
		async collect() {
			const problems: string[] = [];
			const lists = await Promise.all(
				rings.labels.map(async (label, ring) => {
					try {
						return (await rings.use(ring, async reader => reader.nodes())).map(node => ({...node, ring}));
					} catch (error) {
						problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
						return [];
					}
				}),
			);
			if (problems.length === rings.labels.length) throw new Error(problems.join('; '));
			return {nodes: lists.flat(), problems, readAt: Date.now()};
		},
		async close() {
			await rings.close();
		},
	};
}
