// Sample types shared by collectors, the store, the views and the JSON snapshot.
// Every number is in base units: bytes, bytes per second, percent 0–100, seconds, epoch ms.
import type {ReplayMoment, ReplayNodes} from './store/replay.js';

/** CPU time split as /proc/stat reports it, each a percent of the elapsed time (0–100). */
export type CpuBreakdown = {
	/** Busy: everything but idle and iowait. */
	total: number;
	user: number;
	nice: number;
	system: number;
	idle: number;
	iowait: number;
	irq: number;
	softirq: number;
	steal: number;
	/** Running guests' virtual CPUs: a part of `user`, as guestNice is of `nice`. */
	guest: number;
	guestNice: number;
};

/** One filesystem mount with its use. */
export type FilesystemUse = {
	mount: string;
	device: string;
	type: string;
	sizeBytes: number;
	usedBytes: number;
	freePct: number;
};

/** One host sample: rates are over the time since the previous sample (or since the collector was created). */
export type HostSample = {
	hostname: string;
	/** Static facts read once, from /etc/os-release and /proc/cpuinfo ('' where they name none). */
	os: string;
	cpuModel: string;
	cpu: CpuBreakdown & {cores: number[]};
	load: {one: number; five: number; fifteen: number};
	/** From /proc/stat: context switches and interrupts per second, tasks runnable and blocked on I/O now. */
	kernel: {contextSwitchesPerSec: number; interruptsPerSec: number; procsRunning: number; procsBlocked: number};
	memory: {total: number; used: number; available: number; free: number; buffers: number; cached: number};
	swap: {total: number; used: number; free: number};
	disk: {
		readBytesPerSec: number;
		writeBytesPerSec: number;
		readIops: number;
		writeIops: number;
		/** The busiest whole disk's share of the interval with I/O in flight (iostat's %util), 0–100. */
		utilPct: number;
	};
	network: {
		rxBytesPerSec: number;
		txBytesPerSec: number;
		rxPacketsPerSec: number;
		txPacketsPerSec: number;
		rxErrorsPerSec: number;
		txErrorsPerSec: number;
		rxDropsPerSec: number;
		txDropsPerSec: number;
		/** Received plus sent, as the JSON snapshot has always carried them. */
		errorsPerSec: number;
		dropsPerSec: number;
	};
	filesystems: FilesystemUse[];
	/** Highest sensor reading in °C, or null where the machine has no sensors. */
	temperature: number | null;
	/** Seconds since boot. */
	uptime: number;
};

/** One process as the processes pane shows it. */
export type ProcessRow = {
	pid: number;
	ppid: number;
	user: string;
	/** Percent of one core, as top shows it (a busy 4-thread process can reach 400). */
	cpuPct: number;
	memPct: number;
	/** Resident set size in bytes. */
	rss: number;
	/** One-letter kernel state: R, S, D, Z, T, I, ... */
	state: string;
	/** User plus system CPU seconds over the process's life. */
	cpuTime: number;
	threads: number;
	nice: number;
	/** Epoch ms when the process started. */
	startedAt: number;
	/** Full command line with arguments joined by spaces, or `[comm]` for kernel threads. Unsanitized. */
	command: string;
	/** Short name from /proc/<pid>/stat. Unsanitized. */
	comm: string;
	/** Container id named by the process's cgroup (`docker-<id>`, `libpod-<id>`, ...), if any. */
	containerId: string | null;
};

/** What is read only for the selected process: costs a read or more per process. */
export type ProcessDetail = {
	pid: number;
	/** Bytes per second from /proc/<pid>/io, or null where it is not readable (see ioError). */
	readBytesPerSec: number | null;
	writeBytesPerSec: number | null;
	ioError: string | null;
	/** Open file descriptors, or null where /proc/<pid>/fd is not readable (see fdError). */
	fdCount: number | null;
	fdError: string | null;
	/** The cgroup path(s) from /proc/<pid>/cgroup, one per line. */
	cgroup: string;
};

/** One processes sample. */
export type ProcessSample = {
	processes: ProcessRow[];
	/** The detail of the focused process, when one is focused and still alive. */
	detail: ProcessDetail | null;
};

/** One backend from pg_stat_activity. Strings are raw (unsanitized); ages in seconds, null where not applicable. */
export type PgSession = {
	pid: number;
	database: string | null;
	user: string | null;
	application: string;
	/** Client address, `local` for a Unix socket, null for background workers. */
	client: string | null;
	backendType: string;
	/** active, idle, idle in transaction, idle in transaction (aborted), fastpath function call, disabled; null for background workers. */
	state: string | null;
	waitEventType: string | null;
	waitEvent: string | null;
	xactAgeSec: number | null;
	queryAgeSec: number | null;
	stateAgeSec: number | null;
	/** Transactions between this backend's xmin and the current one (what it holds back from vacuum). */
	xminAge: number | null;
	/** Epoch ms the backend started. */
	backendStartAt: number;
	/** Parallel workers' leader (13+), else null. */
	leaderPid: number | null;
	/** 14+ with compute_query_id, else null (text: it is a 64-bit number). */
	queryId: string | null;
	query: string;
};

/** One replication standby of a primary. */
export type PgStandby = {
	application: string;
	client: string | null;
	state: string;
	/** Bytes between this server's current WAL position and the standby's replay position. */
	lagBytes: number | null;
	replayLagSec: number | null;
};

/** A replication slot, from pg_replication_slots. */
export type PgReplicationSlot = {
	name: string;
	/** physical or logical. */
	type: string;
	/** A logical slot's database; null for a physical one. */
	database: string | null;
	/** Whether a receiver (a standby, a subscriber) is using it now. */
	active: boolean;
	/** WAL it keeps from removal: bytes from its restart_lsn to the current WAL position (a standby's received position); null where either is unknown. */
	retainedBytes: number | null;
	/** reserved, extended, unreserved or lost (13+, else null). */
	walStatus: string | null;
	/** Bytes of WAL that can still be written before it is lost to max_slot_wal_keep_size (13+; null without a limit). */
	safeWalSize: number | null;
	/** Seconds it has been inactive: since the server says (17+), else since dbtop first saw it so; null while active. */
	inactiveSec: number | null;
};

/** The server as a whole: rates come from counter deltas between two samples (0 on the first). */
export type PgServer = {
	version: string;
	/** server_version_num, e.g. 180001. */
	versionNum: number;
	startedAt: number;
	connections: number;
	maxConnections: number;
	xactPerSec: number;
	/** Blocks found in shared buffers over all blocks read, since the previous sample; null when nothing was read. */
	cacheHitPct: number | null;
	tuplesReadPerSec: number;
	tuplesWrittenPerSec: number;
	/** Totals since the statistics were reset, over all databases. */
	deadlocks: number;
	tempFiles: number;
	tempBytes: number;
	longestXactSec: number | null;
	oldestXminAge: number | null;
	standbys: PgStandby[];
	/** Its replication slots (none read where the probe is off). */
	slots: PgReplicationSlot[];
};

/** A heavyweight lock held or awaited by a backend that takes part in blocking. */
export type PgLock = {
	pid: number;
	lockType: string;
	mode: string;
	granted: boolean;
	/** The relation's name (`schema.table`), `db:oid` where it cannot be resolved, or null for non-relation locks. */
	relation: string | null;
	/** Epoch ms the wait started (14+), else null. */
	waitStartAt: number | null;
};

/** What a progress line counts in. */
export type ProgressUnit = 'blocks' | 'tuples' | 'bytes' | 'lockers';

/** One long operation in progress, from a pg_stat_progress_* view. Strings are raw. */
export type PgProgress = {
	pid: number;
	/** The view it comes from: vacuum, analyze, create index, cluster, basebackup or copy. */
	operation: string;
	/** What runs, as the server names it: VACUUM, CREATE INDEX CONCURRENTLY, VACUUM FULL, COPY FROM, BASE_BACKUP, ... */
	command: string;
	phase: string;
	/** The relation (`schema.table`), `db:oid` where it cannot be resolved, null where the operation has none. */
	relation: string | null;
	database: string | null;
	/** How far it is in the phase, in `unit`; total null where it is not known. */
	done: number | null;
	total: number | null;
	/** done of total, 0–100; null when the total is unknown or 0. */
	pct: number | null;
	unit: ProgressUnit;
};

/** The sessions collector's sample: the server and who is on it. */
export type PgSessionsSample = {
	/** `user@host:port/db`, never with a password. */
	target: string;
	server: PgServer;
	sessions: PgSession[];
	/** The long operations running (pg_stat_progress_*), in pid order. */
	progress: PgProgress[];
	/** The postmaster's pid when it runs on this host (then backends are local processes), else null. */
	localPostmasterPid: number | null;
	/** Optional probes switched off after their first failure, with the reason. */
	disabledProbes: Record<string, string>;
};

/** The locks collector's sample: who waits on whom. */
export type PgLocksSample = {
	/** For each waiting pid, the pids it waits on (pg_blocking_pids). */
	blockedBy: Record<number, number[]>;
	locks: PgLock[];
};

/**
 * One entry of pg_stat_statements (a statement of one user in one database) with its rates over
 * the last interval: each null while there is no interval yet (the first sample: measuring).
 * Strings are raw (unsanitized).
 */
export type PgStatement = {
	/** What identifies the entry: `dbid/userid/queryid/toplevel`. */
	key: string;
	/** pg_stat_statements' queryid (text: it is a 64-bit number), as pg_stat_activity.query_id has it. */
	queryId: string;
	database: string | null;
	user: string | null;
	/** False for a statement run inside a function (pg_stat_statements.track = all); true where the server does not say (before 14). */
	isToplevel: boolean;
	/** The normalised text (constants as $1, $2, ...). */
	query: string;
	/** Calls and execution time since the entry was last reset. */
	calls: number;
	totalMs: number;
	callsPerSec: number | null;
	/** Execution time per second of the interval, in milliseconds. */
	totalMsPerSec: number | null;
	/** Mean execution time of the calls in the interval; null also when it had none. */
	meanMs: number | null;
	rowsPerSec: number | null;
	/** Shared blocks (of block_size, 8 kB by default) found in the buffer cache, read, and temp blocks written, per second. */
	sharedHitPerSec: number | null;
	sharedReadPerSec: number | null;
	tempWrittenPerSec: number | null;
	/** WAL bytes per second (13+; null where the server does not count them). */
	walBytesPerSec: number | null;
	/** Its share of the execution time of every top-level statement in the interval, 0–100. */
	timePct: number | null;
};

/** The statements collector's sample: pg_stat_statements over the last interval, or how to enable it. */
export type PgStatementsSample = {
	/** Why there are no statements: the extension is not installed or not loaded, said with how to enable it. Null when read. */
	error: string | null;
	/** Seconds the rates cover; null on the first sample (measuring). */
	intervalSec: number | null;
	/** Every entry dbtop can see (a role without pg_read_all_stats sees only its own), in no order. */
	statements: PgStatement[];
	/** Whether the server counts WAL bytes per statement (13+). */
	hasWal: boolean;
	/** pg_stat_statements.max: how many entries the view holds at most (null where unknown). */
	max: number | null;
	/** Entries evicted to make room over the interval (14+; null where unknown). */
	evicted: number | null;
	/** Whether the statistics were reset over the interval (every entry then starts over). */
	wasReset: boolean;
};

/** One container as the containers pane shows it; rates over the time since the previous sample. */
export type ContainerRow = {
	id: string;
	name: string;
	image: string;
	/** created, running, paused, restarting, exited, dead, ... */
	state: string;
	health: 'healthy' | 'unhealthy' | 'starting' | 'none';
	restarts: number;
	/** Epoch ms it started (running ones), else null. */
	startedAt: number | null;
	exitCode: number | null;
	/** Percent of the host's CPU (all cores: 0–100); null until two samples or when not running. */
	cpuPct: number | null;
	/** Percent of its own CPU limit, when it has one. */
	cpuOfLimitPct: number | null;
	/** Bytes in use, as `docker stats` counts them: usage without the page cache the kernel can drop. */
	memUsed: number | null;
	memLimit: number | null;
	/** Anonymous memory (RSS) and page cache, in bytes; null where the engine does not split its usage (Podman). */
	memRss: number | null;
	memCache: number | null;
	netRxBytesPerSec: number | null;
	netTxBytesPerSec: number | null;
	/** Packets, errors and drops per second over all its networks. */
	netRxPacketsPerSec: number | null;
	netTxPacketsPerSec: number | null;
	netRxErrorsPerSec: number | null;
	netTxErrorsPerSec: number | null;
	netRxDropsPerSec: number | null;
	netTxDropsPerSec: number | null;
	blockReadBytesPerSec: number | null;
	blockWriteBytesPerSec: number | null;
	/** Block I/O operations per second; null where the engine does not count them (cgroup v2, Podman). */
	blockReadIops: number | null;
	blockWriteIops: number | null;
	pids: number | null;
};

/** The containers collector's sample. */
export type ContainersSample = {
	/** Where the engine was reached: a socket path or a URL. */
	engine: string;
	containers: ContainerRow[];
};

/** What the container drill-down shows, read only for the open container. Strings are raw. */
export type ContainerDetail = {
	id: string;
	name: string;
	image: string;
	command: string;
	createdAt: number | null;
	startedAt: number | null;
	/** `8080/tcp -> 0.0.0.0:8080` */
	ports: string[];
	/** `volume:name -> /path (rw)` */
	mounts: string[];
	restartPolicy: string;
	/** The latest health check outputs, oldest first. */
	healthLog: string[];
	/** The engine's `top`: a row of cells for each process (shown where the engine runs on another host). */
	top: string[][];
	/** The last 50 lines of its log, stdout and stderr together. */
	logs: string[];
};

/** A service check's latest reading: what it watches, the value its rule judges, and that value in words. */
export type CheckValue = {resource: string; value: number; detail: string};

/** What each collector produces, by collector id. Later sources add their entries here. */
export type SampleMap = {
	/** The service checks from the config file, one collector each. */
	[check: `check:${string}`]: CheckValue;
	host: HostSample;
	processes: ProcessSample;
	'postgres-sessions': PgSessionsSample;
	'postgres-locks': PgLocksSample;
	'postgres-statements': PgStatementsSample;
	containers: ContainersSample;
	/** The open container's details, or null when none is open. */
	'container-detail': ContainerDetail | null;
	/** A replay's moment, read from the ring at the cursor. */
	replay: ReplayMoment;
	/** A replay's nodes, of every ring read, for the node picker. */
	'replay-nodes': ReplayNodes;
};

export type CollectorId = keyof SampleMap;
