// `dbtop --ring <conninfo> --json`: one node's recorded moment as the live `--json` document,
// read back from the ring by the read-only reader, plus a `replay` part saying what was read.
import type {PgTarget} from '../postgres/settings.js';
import type {Snapshot} from '../app/snapshot.js';
import {UsageError} from '../app/usage-error.js';
import {openRingReader, type CompanionMissing, type RingNode, type RingReader} from './reader.js';
import type {ReplayContainer, ReplayHost, ReplayRowIdentity} from './replay-parse.js';
import {TableError, type TableName} from './table.js';

/** What to replay: the ring, the node (null: the master, else the node written last) and the moment (null: the newest). */
export type ReplayJsonOptions = {ring: PgTarget; table: TableName; node: string | null; at: number | null};

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
		nodes: Array<{name: string; master: boolean; lastSampleTime: number; containers: string[]}>;
	};
};

/** A row without what identifies it in the ring (the document's `replay` part says that). */
function withoutIdentity<T extends ReplayRowIdentity>({slot: _slot, sampleTime: _sampleTime, node: _node, isMaster: _isMaster, source: _source, intervalSeconds: _intervalSeconds, ...values}: T): Omit<T, keyof ReplayRowIdentity> {
	return values;
}

/** The node shown without `--node`: the master's if one is, else the node written last. */
export function defaultNode(nodes: readonly RingNode[]): RingNode | null {
	const newestFirst = [...nodes].sort((a, b) => b.newest.sampleTime - a.newest.sampleTime);
	return newestFirst.find(node => node.newest.isMaster) ?? newestFirst[0] ?? null;
}

/** A moment as the errors name it: local time, to the second. */
function timeText(epochSeconds: number): string {
	const date = new Date(epochSeconds * 1000);
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Builds the replay document from the reader. Throws UsageError for a node or moment the ring does not hold. */
export async function replayJson(reader: RingReader, table: TableName, options: Pick<ReplayJsonOptions, 'node' | 'at'>, version: string): Promise<ReplayJson> {
	const nodes = await reader.nodes();
	if (nodes.length === 0) throw new UsageError(`--ring: table ${table.text} holds no node samples yet`);
	const node = options.node === null ? defaultNode(nodes)! : nodes.find(candidate => candidate.name === options.node);
	if (!node) throw new UsageError(`--node: no node "${options.node}" in ${table.text} (its nodes: ${nodes.map(candidate => candidate.name).join(', ')})`);

	const span = (await reader.span(node.name))!;
	if (options.at !== null && (options.at < span.oldest || options.at > span.newest)) {
		throw new UsageError(`--at: ${timeText(options.at)} is outside node ${node.name}'s samples (${timeText(span.oldest)} to ${timeText(span.newest)})`);
	}

	const {host} = (await reader.nodeSampleAt(node.name, options.at))!;
	const {containers} = await reader.containersAt(node.name, host.sampleTime);
	const {companion, reason} = await reader.companionAt(node.name, host.sampleTime);
	const nodeContainers = await Promise.all(nodes.map(async candidate => (await reader.containersAt(candidate.name, null)).containers.map(row => row.name)));
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
					...Object.fromEntries(Object.entries(postgres).filter(([, value]) => value !== null)),
					sessions: companion!['sessions'] ?? [],
					users: companion!['users'] ?? [],
					blocking: companion!['blocking'] ?? [],
				}
			: {error: notRecorded},
		containers: containers.map(withoutIdentity),
		alerts: (companion?.['alerts'] as unknown[] | null | undefined) ?? [],
		replay: {
			table: table.text,
			node: node.name,
			sampleTime: host.sampleTime,
			newestSampleTime: span.newest,
			...(reason === null ? {} : {companionMissing: reason}),
			nodes: nodes.map((candidate, index) => ({name: candidate.name, master: candidate.newest.isMaster, lastSampleTime: candidate.newest.sampleTime, containers: nodeContainers[index]!})),
		},
	};
}

/** Opens the ring read-only and prints nothing: returns the document's text. Throws UsageError for anything it cannot read. */
export async function runReplayJson(options: ReplayJsonOptions, version: string): Promise<string> {
	let reader: RingReader;
	try {
		reader = await openRingReader(options.ring, options.table);
	} catch (error) {
		if (error instanceof TableError) throw new UsageError(`--ring: ${error.message}`);
		throw new UsageError(`--ring: cannot read the ring: ${error instanceof Error ? error.message : String(error)}`);
	}

	try {
		return `${JSON.stringify(await replayJson(reader, options.table, options, version), null, 2)}\n`;
	} finally {
		await reader.close().catch(() => {});
	}
}
