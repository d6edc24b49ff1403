// `dbtop --ring <conninfo> --json`: one node's recorded moment as the live `--json` document,
// read back from the ring by the read-only reader, plus a `replay` part saying what was read.
import type {PgTarget} from '../postgres/settings.js';
import type {Snapshot} from '../app/snapshot.js';
import {UsageError} from '../app/usage-error.js';
import type {CompanionMissing, RingNode, RingReader} from './reader.js';
import {openRings, type Rings} from './rings.js';
import type {ReplayNode} from '../store/replay.js';
import type {ReplayContainer, ReplayHost, ReplayRowIdentity} from './replay-parse.js';
import {TableError, type TableName} from './table.js';
import {localTimeText} from './replay-at.js';

/** What to replay: the rings (`--ring`, once or more), the table, the node (null: the master, else the node written last) and the moment (null: the newest). */
export type ReplayOptions = {rings: PgTarget[]; table: TableName; node: string | null; at: number | null};

/** The host part: the node row in the live document's units, named by its node. */
type ReplayJsonHost = Omit<ReplayHost, keyof ReplayRowIdentity> & {hostname: string};

/** The replay document: the live snapshot's parts as recorded (a companion's parts as it holds them), and what was read. */
export type ReplayJson = Omit<Snapshot, 'host' | 'containers' | 'processes' | 'postgres' | 'alerts' | 'checks' | 'errors'> & {
	host: ReplayJsonHost;
	processes: unknown[];
	postgres: Record<string, unknown>;
	containers: Array<Omit<ReplayContainer, keyof ReplayRowIdentity>>;
	alerts: unknown[];
	replay: {
		table: string;
		node: string;
		/** Epoch seconds of the node row shown, and of the node's newest. */
		sampleTime: number;
		newestSampleTime: number;
		/** Why the processes, Postgres and alerts were not recorded with this row; absent when they were. */
		companionMissing?: CompanionMissing;
		/** Every node of every ring read, with its ring (`host:port/db/table`). */
		nodes: Array<{name: string; ring: string; master: boolean; lastSampleTime: number; containers: string[]}>;
	};
};

/** A row without what identifies it in the ring (the document's `replay` part says that). */
function withoutIdentity<T extends ReplayRowIdentity>({slot: _slot, sampleTime: _sampleTime, node: _node, isMaster: _isMaster, source: _source, intervalSeconds: _intervalSeconds, ...values}: T): Omit<T, keyof ReplayRowIdentity> {
	return values;
}

/** The recorded Postgres header in the live document's shape: what was recorded (no nulls), the server's slots as `slots` beside it. */
function recordedPostgres(postgres: Record<string, unknown>): Record<string, unknown> {
	const fields = Object.fromEntries(Object.entries(postgres).filter(([, value]) => value !== null));
	const server = fields['server'];
	if (typeof server !== 'object' || server === null || !('slots' in server)) return fields;
	const {slots, ...rest} = server as Record<string, unknown>;
	return {...fields, server: rest, slots};
}

/** The node shown without `--node`: the master's if one is, else the node written last. */
export function defaultNode<N extends RingNode>(nodes: readonly N[]): N | null {
	const newestFirst = [...nodes].sort((a, b) => b.newest.sampleTime - a.newest.sampleTime);
	return newestFirst.find(node => node.newest.isMaster) ?? newestFirst[0] ?? null;
}

/** Runs `work` on one ring's reader; a ring that cannot be read is a UsageError naming it (and what its table lacks, where it is not a ring). */
export async function readRing<T>(rings: Rings, ring: number, work: (reader: RingReader) => Promise<T>): Promise<T> {
	try {
		return await rings.use(ring, work);
	} catch (error) {
		const named = rings.labels.length > 1 ? `--ring ${rings.labels[ring]}` : '--ring';
		if (error instanceof TableError) throw new UsageError(`${named}: ${error.message}`);
		throw new UsageError(`${named}: cannot read the ring: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/** Every node of every ring, each with its ring's index. */
export async function ringNodes(rings: Rings): Promise<ReplayNode[]> {
	const nodes: ReplayNode[] = [];
	for (const ring of rings.labels.keys()) nodes.push(...(await readRing(rings, ring, async reader => reader.nodes())).map(node => ({...node, ring})));
	return nodes;
}

/** The node `--node` names (in several rings: the one written last), or the default; throws UsageError listing the nodes there are. */
export function chooseNode(nodes: readonly ReplayNode[], name: string | null, rings: Rings): ReplayNode {
	const where = rings.labels.length > 1 ? `the ${rings.labels.length} rings` : (rings.labels[0] ?? 'the ring');
	if (nodes.length === 0) throw new UsageError(`--ring: ${where} ${rings.labels.length > 1 ? 'hold' : 'holds'} no node samples yet`);
	const node = name === null ? defaultNode(nodes) : defaultNode(nodes.filter(candidate => candidate.name === name));
	if (!node) throw new UsageError(`--node: no node "${name}" in ${where} (its nodes: ${[...new Set(nodes.map(candidate => candidate.name))].join(', ')})`);
	return node;
}

/** Throws UsageError for an `--at` outside a node's samples, giving their span. */
export function assertInSpan(at: number | null, node: string, span: {oldestTime: number; newestTime: number}): void {
	if (at !== null && (at < span.oldestTime || at > span.newestTime)) {
		throw new UsageError(`--at: ${localTimeText(at)} is outside node ${node}'s samples (${localTimeText(span.oldestTime)} to ${localTimeText(span.newestTime)})`);
	}
}

/** Builds the replay document from the rings. Throws UsageError for a ring it cannot read, or a node or moment the rings do not hold. */
export async function replayJson(rings: Rings, options: Pick<ReplayOptions, 'table' | 'node' | 'at'>, version: string): Promise<ReplayJson> {
	const nodes = await ringNodes(rings);
	const node = chooseNode(nodes, options.node, rings);
	const moment = await readRing(rings, node.ring, async reader => reader.momentAt(node.name, options.at, 0, null));
	// The node is in the ring (it was listed): its moment is there.
	if (moment === null || moment === 'unchanged') throw new UsageError(`--node: node ${node.name} has no samples in ${rings.labels[node.ring]}`);
	assertInSpan(options.at, node.name, moment);
	const {host, containers} = moment;
	const {companion, reason} = moment.companion;
	const nodeContainers = await Promise.all(nodes.map(async candidate => readRing(rings, candidate.ring, async reader => (await reader.containersAt(candidate.name, null)).containers.map(row => row.name))));
	const notRecorded = `not recorded: ${reason ?? 'not read by the writer'}`;
	const postgres = companion?.['postgres'] as Record<string, unknown> | null | undefined;
	return {
		version,
		// Epoch ms, as in the live document.
		time: host.sampleTime * 1000,
		host: {hostname: node.name, ...withoutIdentity(host)},
		processes: (companion?.['processes'] as unknown[] | null | undefined) ?? [],
		postgres: postgres
			? {
					...recordedPostgres(postgres),
					sessions: companion!['sessions'] ?? [],
					users: companion!['users'] ?? [],
					blocking: companion!['blocking'] ?? [],
				}
			: {error: notRecorded},
		containers: containers.map(withoutIdentity),
		alerts: (companion?.['alerts'] as unknown[] | null | undefined) ?? [],
		replay: {
			table: options.table.text,
			node: node.name,
			sampleTime: host.sampleTime,
			newestSampleTime: moment.newestTime,
			...(reason === null ? {} : {companionMissing: reason}),
			nodes: nodes.map((candidate, index) => ({name: candidate.name, ring: rings.labels[candidate.ring]!, master: candidate.newest.isMaster, lastSampleTime: candidate.newest.sampleTime, containers: nodeContainers[index]!})),
		},
	};
}

/** Opens the rings read-only and prints nothing: returns the document's text. Throws UsageError for anything it cannot read. */
export async function runReplayJson(options: ReplayOptions, version: string): Promise<string> {
	const rings = openRings(options.rings, options.table);
	try {
		return `${JSON.stringify(await replayJson(rings, options, version), null, 2)}\n`;
	} finally {
		await rings.close();
	}
}
