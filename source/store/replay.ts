// The replay slice: which ring, node and moment is shown, and that moment turned into the slices
// the panes read (host and its history, containers, processes, Postgres, locks, alerts), so the
// views cannot tell a recorded moment from a live one except by the header. A companion part the
// ring does not hold for the moment leaves its slice empty, and `companionMissing` says why.
import {initialAlerts, type Alert} from '../alerts/engine.js';
import type {SnapshotSession, SnapshotStatement} from '../app/snapshot.js';
import type {BlockingNode} from '../postgres/lock-tree.js';
import type {CompanionParts, CompanionPostgres, CompanionProcess} from '../ring/companion.js';
import type {CompanionMissing, RingNode} from '../ring/reader.js';
import type {ReplayContainer, ReplayHost} from '../ring/replay-parse.js';
import type {ContainerRow, HostSample, PgLock, PgLocksSample, PgSession, PgSessionsSample, PgStatement, PgStatementsSample, ProcessRow} from '../types.js';
import {appendBounded, HISTORY_POINTS, memoryUsedPct, PROCESS_HISTORY_POINTS, type HostSlice} from './host.js';
import type {ContainerHistory} from './containers.js';
import {memoOf} from './memo.js';
import type {State} from './store.js';

/** What is asked for: a node of a ring, and its node row at or before `at` (epoch seconds; null: the newest, following it as it is written), moved `steps` node rows on. */
export type ReplayCursor = {ring: number; node: string; at: number | null; steps: number};

/** A node of one of the rings read, as the node picker lists it. */
export type ReplayNode = RingNode & {ring: number};

/** One moment of a node as read from its ring: the node row, what leads up to it, its containers and its companion. */
export type ReplayMoment = {
	/** The cursor it was read for: a moment read for a cursor since moved is not shown. */
	cursor: ReplayCursor;
	host: ReplayHost;
	/** Node rows before it, oldest first. */
	history: ReplayHost[];
	/** The node's oldest and newest node rows (epoch seconds). */
	oldestTime: number;
	newestTime: number;
	containers: ReplayContainer[];
	/** The container open when it was read (its drill-down), and its rows up to the moment, oldest first (none when none is open). */
	openContainer: string | null;
	containerHistory: ReplayContainer[];
	companion: CompanionParts | null;
	/** Why there is no companion for this moment; null when there is. */
	companionMissing: CompanionMissing | null;
};

/** The nodes of every ring read, the rings that could not be read (with why), and when they were read (epoch ms: how long ago a node last wrote is told from it). */
export type ReplayNodes = {nodes: ReplayNode[]; problems: string[]; readAt: number};

export type ReplayState = {
	/** The rings read, as the header names them (`host:port/db/table`, never a password), and the table's name as given. */
	rings: string[];
	table: string;
	/** What is asked for; null until a node is picked. */
	cursor: ReplayCursor | null;
	/** The moment `--at` named (epoch seconds), for the node picked first where `--node` did not name one. */
	startAt: number | null;
	/** What is shown; null until the first moment is read. */
	moment: ReplayMoment | null;
	nodes: ReplayNodes | null;
	/** The contract's columns the ring's table lacks (read as NULL). */
	missingColumns: string[];
};

export type ReplaySlice = {replay: ReplayState | null};

export const initialReplay = (): ReplaySlice => ({replay: null});

/** What the user does to the replay: another node or moment. */
export type ReplayAction = {type: 'replay-seek'; cursor: ReplayCursor};

/** A value the ring does not hold, as the panes take it: not a number (they show `—`). */
const orNaN = (value: number | null | undefined): number => value ?? Number.NaN;

/** A node row as the host sample the panes read: what the ring does not hold is NaN, or empty. Worked out once per row: following the newest, the history's rows are the same objects tick after tick. */
export const hostSampleOf = memoOf(hostSampleOfRow);

function hostSampleOfRow(host: ReplayHost): HostSample {
	const {cpu, memory, swap, network} = host;
	const total = orNaN(memory.total);
	const available = orNaN(memory.available);
	const swapTotal = orNaN(swap.total);
	return {
		hostname: host.node,
		os: '',
		cpuModel: '',
		cpu: {
			total: orNaN(cpu.total),
			user: orNaN(cpu.user),
			nice: orNaN(cpu.nice),
			system: orNaN(cpu.system),
			idle: orNaN(cpu.idle),
			iowait: orNaN(cpu.iowait),
			irq: orNaN(cpu.irq),
			softirq: orNaN(cpu.softirq),
			steal: orNaN(cpu.steal),
			guest: orNaN(cpu.guest),
			guestNice: orNaN(cpu.guestNice),
			cores: [],
		},
		load: {one: orNaN(host.load.one), five: orNaN(host.load.five), fifteen: orNaN(host.load.fifteen)},
		kernel: {
			contextSwitchesPerSec: orNaN(host.kernel.contextSwitchesPerSec),
			interruptsPerSec: orNaN(host.kernel.interruptsPerSec),
			procsRunning: orNaN(host.kernel.procsRunning),
			procsBlocked: orNaN(host.kernel.procsBlocked),
		},
		memory: {total, used: total - available, available, free: orNaN(memory.free), buffers: orNaN(memory.buffers), cached: orNaN(memory.cached)},
		swap: {total: swapTotal, used: orNaN(swap.used ?? (swap.free === null ? null : swapTotal - swap.free)), free: orNaN(swap.free)},
		disk: {
			readBytesPerSec: orNaN(host.disk.readBytesPerSec),
			writeBytesPerSec: orNaN(host.disk.writeBytesPerSec),
			readIops: orNaN(host.disk.readIops),
			writeIops: orNaN(host.disk.writeIops),
			utilPct: orNaN(host.disk.utilPct),
		},
		network: {
			rxBytesPerSec: orNaN(network.rxBytesPerSec),
			txBytesPerSec: orNaN(network.txBytesPerSec),
			rxPacketsPerSec: orNaN(network.rxPacketsPerSec),
			txPacketsPerSec: orNaN(network.txPacketsPerSec),
			rxErrorsPerSec: orNaN(network.rxErrorsPerSec),
			txErrorsPerSec: orNaN(network.txErrorsPerSec),
			rxDropsPerSec: orNaN(network.rxDropsPerSec),
			txDropsPerSec: orNaN(network.txDropsPerSec),
			errorsPerSec: orNaN(network.rxErrorsPerSec) + orNaN(network.txErrorsPerSec),
			dropsPerSec: orNaN(network.rxDropsPerSec) + orNaN(network.txDropsPerSec),
		},
		filesystems: [],
		temperature: host.temperature,
		uptime: Number.NaN,
	};
}

/** A container row as the containers pane reads it: named by itself (the ring keys containers by name). */
export function containerRowOf(row: ReplayContainer): ContainerRow {
	return {
		id: row.name,
		name: row.name,
		image: '',
		state: 'running',
		health: 'none',
		restarts: Number.NaN,
		startedAt: null,
		exitCode: null,
		cpuPct: row.cpuPct,
		cpuOfLimitPct: null,
		memUsed: row.memUsed,
		memLimit: row.memLimit,
		memRss: row.memUsed,
		memCache: row.memCache,
		netRxBytesPerSec: row.netRxBytesPerSec,
		netTxBytesPerSec: row.netTxBytesPerSec,
		netRxPacketsPerSec: row.netRxPacketsPerSec,
		netTxPacketsPerSec: row.netTxPacketsPerSec,
		netRxErrorsPerSec: row.netRxErrorsPerSec,
		netTxErrorsPerSec: row.netTxErrorsPerSec,
		netRxDropsPerSec: row.netRxDropsPerSec,
		netTxDropsPerSec: row.netTxDropsPerSec,
		blockReadBytesPerSec: row.blockReadBytesPerSec,
		blockWriteBytesPerSec: row.blockWriteBytesPerSec,
		blockReadIops: row.blockReadIops,
		blockWriteIops: row.blockWriteIops,
		pids: null,
	};
}

/** A recorded process as the processes pane reads it: what is not recorded is NaN; its container is named by its name. */
function processRowOf(process: CompanionProcess): ProcessRow {
	return {
		pid: process.pid,
		ppid: process.ppid,
		user: process.user,
		cpuPct: process.cpuPct,
		memPct: process.memPct,
		rss: process.rss,
		state: process.state,
		cpuTime: process.cpuTime,
		threads: process.threads,
		nice: Number.NaN,
		startedAt: Number.NaN,
		command: process.command,
		comm: process.command.split(' ')[0] ?? '',
		containerId: process.container ?? null,
	};
}

/** A recorded session as the sessions pane reads it: what is not recorded is null. */
function sessionOf(session: SnapshotSession): PgSession {
	return {...session, xminAge: null, backendStartAt: Number.NaN, leaderPid: null, queryId: null};
}

/** A recorded statement as the Statements pane reads it: keyed by what the recording names it by; what is not recorded is null or 0. */
function statementOf(statement: SnapshotStatement): PgStatement {
	return {...statement, key: `${statement.database ?? ''}/${statement.user ?? ''}/${statement.queryId}`, isToplevel: true, calls: 0, totalMs: 0};
}

/** The statements recorded with a moment (the top by time), or why pg_stat_statements could not be read; null where none were recorded (an older dbtop). */
function statementsSampleOf(postgres: CompanionPostgres | null | undefined): PgStatementsSample | null {
	const recorded = {intervalSec: null, statements: [], hasWal: false, max: null, evicted: null, wasReset: false};
	if (postgres?.statementsError) return {...recorded, error: postgres.statementsError};
	if (!postgres?.statements) return null;
	const statements = postgres.statements.map(statementOf);
	return {...recorded, error: null, intervalSec: postgres.statementsIntervalSec ?? null, statements, hasWal: statements.some(statement => statement.walBytesPerSec !== null)};
}

/** The locks a recorded blocking tree stands for: each waiter blocked by its parent, waiting on the lock the tree names; each root holding it. */
function locksOf(roots: readonly BlockingNode[], sampleMs: number): PgLocksSample {
	const blockedBy: Record<number, number[]> = {};
	const locks: PgLock[] = [];
	const seen = new Set<string>();
	const lockOf = (node: BlockingNode, granted: boolean) => {
		const key = `${node.pid}/${granted}`;
		if (seen.has(key) || node.mode === null || node.lockType === null) return;
		seen.add(key);
		locks.push({pid: node.pid, lockType: node.lockType, mode: node.mode, granted, relation: node.relation, waitStartAt: node.waitSec === null ? null : sampleMs - node.waitSec * 1000});
	};

	const walk = (node: BlockingNode, parent: BlockingNode | null) => {
		if (parent) {
			blockedBy[node.pid] = [...new Set([...(blockedBy[node.pid] ?? []), parent.pid])];
			lockOf(node, false);
		} else {
			lockOf(node, true);
		}

		for (const waiter of node.waiters) walk(waiter, node);
	};

	for (const root of roots) walk(root, null);
	return {blockedBy, locks};
}

function historyOf(hosts: readonly ReplayHost[]): HostSlice['history'] {
	const samples = hosts.map(hostSampleOf);
	const series = (value: (host: HostSample) => number) => samples.slice(-HISTORY_POINTS).map(value);
	return {
		cpu: series(host => host.cpu.total),
		memory: series(memoryUsedPct),
		diskRead: series(host => host.disk.readBytesPerSec),
		diskWrite: series(host => host.disk.writeBytesPerSec),
		netRx: series(host => host.network.rxBytesPerSec),
		netTx: series(host => host.network.txBytesPerSec),
	};
}

function containerHistoryOf(rows: readonly ReplayContainer[]): ReadonlyMap<string, ContainerHistory> {
	const history = new Map<string, ContainerHistory>();
	for (const row of rows) {
		const old = history.get(row.name) ?? {cpu: [], memory: []};
		history.set(row.name, {
			cpu: row.cpuPct === null ? old.cpu : appendBounded(old.cpu, row.cpuPct, PROCESS_HISTORY_POINTS),
			memory: row.memUsed === null ? old.memory : appendBounded(old.memory, row.memUsed, PROCESS_HISTORY_POINTS),
		});
	}

	return history;
}

const sameCursor = (a: ReplayCursor | null, b: ReplayCursor) => a !== null && a.ring === b.ring && a.node === b.node && a.at === b.at && a.steps === b.steps;

/**
 * The state showing a moment: the host, containers, processes, Postgres, locks and alerts as
 * recorded, `now` the moment's time (ages are as of then). A moment read for a cursor the user has
 * since moved is not shown; one that is moves the cursor onto it (a step becomes its time).
 */
export function withMoment(state: State, moment: ReplayMoment): State {
	const {replay} = state;
	if (!replay || !sameCursor(replay.cursor, moment.cursor)) return state;
	const isFollowing = moment.cursor.at === null;
	const moved = isFollowing ? moment.cursor : {...moment.cursor, at: moment.host.sampleTime, steps: 0};
	const cursor = sameCursor(replay.cursor, moved) ? replay.cursor! : moved;
	// The same row read again (its parts the same objects): the panes keep what they have.
	if (replay.moment?.host === moment.host) return {...state, replay: {...replay, moment, cursor}};
	const sampleMs = moment.host.sampleTime * 1000;
	const {companion} = moment;
	const postgres: PgSessionsSample | null =
		companion?.postgres?.server && companion.sessions
			? {
					target: companion.postgres.target ?? '',
					server: companion.postgres.server,
					sessions: companion.sessions.map(sessionOf),
					progress: companion.postgres.progress ?? [],
					localPostmasterPid: null,
					disabledProbes: {},
				}
			: null;
	return {
		...state,
		now: sampleMs,
		host: hostSampleOf(moment.host),
		history: historyOf([...moment.history, moment.host]),
		processes: companion?.processes ? {processes: companion.processes.map(processRowOf), detail: null} : null,
		processHistory: new Map(),
		containers: {engine: replay.rings[moment.cursor.ring] ?? '', containers: moment.containers.map(containerRowOf)},
		containerHistory: containerHistoryOf(moment.containerHistory),
		postgres,
		locks: postgres ? locksOf(companion?.blocking ?? [], sampleMs) : null,
		statements: postgres ? statementsSampleOf(companion?.postgres) : null,
		statementHistory: new Map(),
		alerts: {...initialAlerts(), alerts: (companion?.alerts ?? []) as Alert[]},
		replay: {...replay, moment, cursor},
	};
}

/** Why a pane fed by the companion has nothing to show at this moment, in one line; null when it has, or outside a replay. */
export function notRecorded(state: State, part: 'processes' | 'postgres' | 'alerts' | 'statements'): string | null {
	const moment = state.replay?.moment;
	if (!moment) return null;
	if (moment.companionMissing) return `no companion data for ${moment.host.node} at this moment (${moment.companionMissing}): only dbtop record writes ${part}`;
	const companion = moment.companion!;
	if ((part === 'postgres' || part === 'statements') && !companion.postgres?.server) return `Postgres not recorded: ${companion.postgres?.error ?? 'the writer read no Postgres'}`;
	if (part === 'statements' && !state.statements) return 'statements not recorded (by an older dbtop, or not read yet)';
	if (part === 'processes' && !companion.processes) return 'processes not recorded: the writer had not read them yet';
	return null;
}
