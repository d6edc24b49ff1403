// Synthetic samples for pure tests of the store and the views.
import type {ContainerRow, HostSample, PgLock, PgServer, PgSession, PgSessionsSample, PgStatement, PgStatementsSample, ProcessRow} from '../../source/types.js';

export function processRow(fields: Partial<ProcessRow> & {pid: number}): ProcessRow {
	return {
		ppid: 1,
		user: 'root',
		cpuPct: 0,
		memPct: 0,
		rss: 1024 * 1024,
		state: 'S',
		cpuTime: 0,
		threads: 1,
		nice: 0,
		startedAt: 1_700_000_000_000,
		command: `proc-${fields.pid}`,
		comm: `proc-${fields.pid}`,
		containerId: null,
		...fields,
	};
}

export function hostSample(fields: Partial<HostSample> = {}): HostSample {
	return {
		hostname: 'db1',
		os: 'Debian GNU/Linux 12',
		cpuModel: 'Test CPU',
		cpu: {total: 25, user: 15, nice: 0, system: 8, idle: 73, iowait: 2, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0, cores: [20, 30]},
		load: {one: 0.5, five: 0.4, fifteen: 0.3},
		kernel: {contextSwitchesPerSec: 1500, interruptsPerSec: 800, procsRunning: 2, procsBlocked: 0},
		memory: {total: 8 * 1024 ** 3, used: 2 * 1024 ** 3, available: 6 * 1024 ** 3, free: 5 * 1024 ** 3, buffers: 100 * 1024 ** 2, cached: 1024 ** 3},
		swap: {total: 0, used: 0, free: 0},
		disk: {readBytesPerSec: 1024 ** 2, writeBytesPerSec: 2 * 1024 ** 2, readIops: 10, writeIops: 20, utilPct: 4},
		network: {
			rxBytesPerSec: 1000,
			txBytesPerSec: 2000,
			rxPacketsPerSec: 5,
			txPacketsPerSec: 6,
			rxErrorsPerSec: 0,
			txErrorsPerSec: 0,
			rxDropsPerSec: 0,
			txDropsPerSec: 0,
			errorsPerSec: 0,
			dropsPerSec: 0,
		},
		filesystems: [{mount: '/', device: '/dev/vda', type: 'ext4', sizeBytes: 100 * 1024 ** 3, usedBytes: 30 * 1024 ** 3, freePct: 70}],
		temperature: null,
		uptime: 3 * 86_400 + 4 * 3600,
		...fields,
	};
}

export function pgSession(fields: Partial<PgSession> & {pid: number}): PgSession {
	return {
		database: 'shop',
		user: 'alice',
		application: 'app',
		client: '10.0.0.5',
		backendType: 'client backend',
		state: 'active',
		waitEventType: null,
		waitEvent: null,
		xactAgeSec: 1,
		queryAgeSec: 1,
		stateAgeSec: 1,
		xminAge: null,
		backendStartAt: 1_700_000_000_000,
		leaderPid: null,
		queryId: null,
		query: `SELECT ${fields.pid}`,
		...fields,
	};
}

export function pgServer(fields: Partial<PgServer> = {}): PgServer {
	return {
		version: '18.4',
		versionNum: 180_004,
		startedAt: 1_700_000_000_000,
		connections: 12,
		maxConnections: 100,
		xactPerSec: 250,
		cacheHitPct: 99.5,
		tuplesReadPerSec: 12_000,
		tuplesWrittenPerSec: 300,
		deadlocks: 2,
		tempFiles: 3,
		tempBytes: 10 * 1024 ** 2,
		longestXactSec: 75,
		oldestXminAge: 1234,
		standbys: [],
		slots: [],
		...fields,
	};
}

/** A granted relation lock on public.accounts unless told otherwise. */
export function pgLock(fields: Partial<PgLock> & {pid: number}): PgLock {
	return {
		lockType: 'relation',
		mode: 'AccessShareLock',
		granted: true,
		relation: 'public.accounts',
		waitStartAt: null,
		...fields,
	};
}

/** A sessions sample of a remote server (no local postmaster) unless told otherwise. */
export function pgSessionsSample(sessions: PgSession[], fields: Partial<PgSessionsSample> = {}): PgSessionsSample {
	return {
		target: 'ops@db1:5432/shop',
		server: pgServer(),
		sessions,
		progress: [],
		localPostmasterPid: null,
		disabledProbes: {},
		...fields,
	};
}

/** A running container with some CPU, memory and I/O unless told otherwise. */
export function containerRow(fields: Partial<ContainerRow> & {id: string; name: string}): ContainerRow {
	return {
		image: 'postgres:18',
		state: 'running',
		health: 'none',
		restarts: 0,
		startedAt: 40_000,
		exitCode: null,
		cpuPct: 1,
		cpuOfLimitPct: null,
		memUsed: 64 * 1024 ** 2,
		memLimit: 512 * 1024 ** 2,
		memRss: 48 * 1024 ** 2,
		memCache: 32 * 1024 ** 2,
		netRxBytesPerSec: 1024,
		netTxBytesPerSec: 2048,
		netRxPacketsPerSec: 8,
		netTxPacketsPerSec: 9,
		netRxErrorsPerSec: 0,
		netTxErrorsPerSec: 0,
		netRxDropsPerSec: 0,
		netTxDropsPerSec: 0,
		blockReadBytesPerSec: 0,
		blockWriteBytesPerSec: 4096,
		blockReadIops: 0,
		blockWriteIops: 1,
		pids: 7,
		...fields,
	};
}

/** A statement of shop's alice that ran over the interval unless told otherwise; keyed by its queryid. */
export function pgStatement(fields: Partial<PgStatement> & {queryId: string}): PgStatement {
	return {
		key: `16384/10/${fields.queryId}/true`,
		database: 'shop',
		user: 'alice',
		isToplevel: true,
		query: `SELECT ${fields.queryId} FROM t WHERE id = $1`,
		calls: 1000,
		totalMs: 5000,
		callsPerSec: 10,
		totalMsPerSec: 20,
		meanMs: 2,
		rowsPerSec: 10,
		sharedHitPerSec: 100,
		sharedReadPerSec: 1,
		tempWrittenPerSec: 0,
		walBytesPerSec: 0,
		timePct: 10,
		...fields,
	};
}

/** A statements sample over 2 s on a server that counts WAL unless told otherwise. */
export function pgStatementsSample(statements: PgStatement[], fields: Partial<PgStatementsSample> = {}): PgStatementsSample {
	return {error: null, intervalSec: 2, statements, hasWal: true, max: 5000, evicted: 0, wasReset: false, ...fields};
}
