import os from 'node:os';
import {parseDuration} from '../duration.js';
import {resolveEngine, type EngineTarget} from './engine-settings.js';
import type {Rule} from '../alerts/engine.js';
import type {ServiceCheck} from './config.js';
import {resolvePgTarget, type PgTarget} from '../postgres/settings.js';
import {parseAt} from '../ring/replay-at.js';
import type {ReplayOptions} from '../ring/replay-json.js';
import {parseCapacity, parseTableName, DEFAULT_TABLE, type TableName} from '../ring/table.js';
import {UsageError} from './usage-error.js';

/** What the command line asks for, validated. */
export type Options = {
	refreshMs: number;
	/** Fixed intervals by collector id, from `--interval id=duration`. */
	intervals: Record<string, number>;
	mode: 'live' | 'once' | 'json';
	hasColor: boolean;
	/** The Postgres server: from `--pg`, else libpq's environment and defaults. */
	pg: PgTarget;
	/** The container engine: from `--docker`, else DOCKER_HOST, else the default socket. */
	docker: EngineTarget;
	/** The alert rules: the defaults merged with the config file (set once the config is read). */
	rules?: readonly Rule[];
	/** The service checks from the config file, each a collector with its own interval. */
	checks?: readonly ServiceCheck[];
	/** Who acknowledges alerts (`--user`); the operating-system user when not given. */
	user?: string;
	/** Ring the terminal bell when an alert becomes critical (`--bell`). */
	hasBell: boolean;
	/** Change nothing (`--read-only`): no signals, cancels, terminations or acknowledgements, and a read-only Postgres session. */
	isReadOnly: boolean;
	/** Where to record the samples (`dbtop record --ring`, `dbtop --record`), or none. */
	record?: RecordOptions;
};

/** Where and as whom samples are recorded into the ring. */
export type RecordOptions = {
	ring: PgTarget;
	table: TableName;
	/** The capacity to resize the ring to (`--capacity`), or null to keep it. */
	capacity: number | null;
	/** This host's name in the ring (`--node`, the host name by default). */
	node: string;
	isMaster: boolean;
	/** How long samples wait in memory while the ring cannot be written (`--buffer`). */
	bufferMs: number;
};

/** The longest node name: the ring's node_name is text, but a host name has at most 253 characters. */
export const MAX_NODE_NAME = 253;
const DEFAULT_BUFFER_MS = 10 * 60_000;
const MAX_BUFFER_MS = 24 * 3_600_000;

/** The flags that say where and how to record. */
export type RecordFlags = {ring?: string; node?: string; master?: boolean; capacity?: string; table?: string; buffer?: string};

/**
 * Validates the recording flags; `ringFlag` is how the ring was named (`--ring` for `dbtop
 * record`, `--record` in the live monitor). Throws UsageError, naming the flag.
 */
export function toRecordOptions(flags: RecordFlags, ringFlag: string, env: NodeJS.ProcessEnv, osUser: string, hostname = os.hostname()): RecordOptions {
	const ring = flags.ring?.trim();
	if (!ring) throw new UsageError(`${ringFlag}: ${ring === undefined ? 'missing' : 'empty'} (accepted: a postgres:// URL or a libpq key=value string for the ring's server)`);
	const node = flags.node ?? hostname;
	const nodeProblem = node.trim() === '' ? 'is empty' : node.length > MAX_NODE_NAME ? `is longer than ${MAX_NODE_NAME} characters` : /[\u0000-\u001F\u007F-\u009F]/.test(node) ? 'holds control characters' : null;
	if (nodeProblem) throw new UsageError(`--node: "${node.slice(0, 40)}${node.length > 40 ? '…' : ''}" ${nodeProblem} (accepted: a name of 1 to ${MAX_NODE_NAME} printable characters, the host name by default)`);
	const bufferMs = flags.buffer === undefined ? DEFAULT_BUFFER_MS : parseDuration(flags.buffer);
	if (bufferMs === null || bufferMs > MAX_BUFFER_MS) throw new UsageError(`--buffer: "${flags.buffer}" is not a duration up to 24 hours (accepted: 10m, 90s; 0 keeps only the sample being written)`);
	return {
		ring: resolvePgTarget(ring, {env, osUser, flag: ringFlag}),
		table: parseTableName(flags.table ?? DEFAULT_TABLE),
		capacity: flags.capacity === undefined ? null : parseCapacity(flags.capacity),
		node,
		isMaster: flags.master === true,
		bufferMs,
	};
}

/** The flags of a replay (`dbtop --ring <conninfo> [--ring <conninfo> ...]`). */
export type ReplayFlags = {rings: readonly string[]; node?: string; table?: string; at?: string};

/** Validates the replay's flags, `--at` relative to `now` (epoch ms). Throws UsageError, naming the flag. */
export function toReplayOptions(flags: ReplayFlags, env: NodeJS.ProcessEnv, osUser: string, now: number): ReplayOptions {
	const rings = flags.rings.map(ring => ring.trim());
	if (rings.length === 0 || rings.includes('')) throw new UsageError('--ring: empty (accepted: a postgres:// URL or a libpq key=value string for the ring\'s server)');
	if (flags.node !== undefined && flags.node.trim() === '') throw new UsageError('--node: empty (accepted: a node name in the ring; without --node, the master, else the node written last)');
	return {
		rings: rings.map(ring => resolvePgTarget(ring, {env, osUser, flag: '--ring'})),
		table: parseTableName(flags.table ?? DEFAULT_TABLE),
		node: flags.node ?? null,
		at: flags.at === undefined ? null : parseAt(flags.at, now),
	};
}

/** The collectors whose interval `--interval id=duration` can set (the README lists them). */
export const COLLECTOR_IDS = ['host', 'processes', 'postgres-sessions', 'postgres-locks', 'postgres-statements', 'containers'] as const;

const DEFAULT_REFRESH_MS = 1000;
const MIN_INTERVAL_MS = 100;

type RawFlags = {interval?: string[]; once?: boolean; json?: boolean; color?: boolean; pg?: string; docker?: string; user?: string; bell?: boolean; readOnly?: boolean};

function duration(flag: string, text: string): number {
	const ms = parseDuration(text);
	if (ms === null) {
		throw new UsageError(`${flag}: "${text}" is not a duration (accepted: 500ms, 2s, 1.5s, 2)`);
	}

	if (ms < MIN_INTERVAL_MS) {
		throw new UsageError(`${flag}: "${text}" is too short (the shortest is ${MIN_INTERVAL_MS}ms)`);
	}

	return ms;
}

/** Validates parsed flags and the environment into Options; throws UsageError. */
export function toOptions(flags: RawFlags, env: NodeJS.ProcessEnv, osUser = os.userInfo().username): Options {
	// A flag given with no value, or an empty one, is a mistake, not "unset": `--docker ''` does not fall back to DOCKER_HOST.
	for (const [flag, value, accepted] of [
		['--interval', flags.interval?.find(text => text === ''), 'a duration such as 2s, or collector=duration'],
		['--pg', flags.pg?.trim(), 'a postgres:// URL or a libpq key=value string'],
		['--docker', flags.docker, 'a socket path, unix:///path, tcp://host:port'],
		['--user', flags.user?.trim(), 'a name'],
	] as const) {
		if (value === '') throw new UsageError(`${flag}: empty (accepted: ${accepted})`);
	}

	let refreshMs = DEFAULT_REFRESH_MS;
	const intervals: Record<string, number> = {};
	for (const value of flags.interval ?? []) {
		const equals = value.indexOf('=');
		if (equals < 0) {
			refreshMs = duration('--interval', value);
			continue;
		}

		const id = value.slice(0, equals);
		if (!(COLLECTOR_IDS as readonly string[]).includes(id)) {
			throw new UsageError(`--interval: unknown collector "${id}" in "${value}" (accepted: ${COLLECTOR_IDS.join(', ')})`);
		}

		intervals[id] = duration(`--interval ${id}`, value.slice(equals + 1));
	}

	if (flags.once && flags.json) {
		throw new UsageError('--once and --json: choose one (text or JSON)');
	}

	// NO_COLOR: any non-empty value turns colour off (https://no-color.org).
	const hasColor = flags.color !== false && !env['NO_COLOR'];
	return {refreshMs, intervals, mode: flags.json ? 'json' : flags.once ? 'once' : 'live', hasColor, hasBell: flags.bell === true, isReadOnly: flags.readOnly === true, pg: resolvePgTarget(flags.pg, {env, osUser}), docker: resolveEngine(flags.docker, env), ...(flags.user ? {user: flags.user} : {})};
}
