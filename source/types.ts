// Sample types shared by collectors, the store, the views and the JSON snapshot.
// Every number is in base units: bytes, bytes per second, percent 0–100, seconds, epoch ms.

/** CPU time split as /proc/stat reports it, each a percent of the elapsed time (0–100). */
export type CpuBreakdown = {
	total: number;
	user: number;
	nice: number;
	system: number;
	iowait: number;
	irq: number;
	softirq: number;
	steal: number;
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
	/** Static facts read once through systeminformation ('' until known). */
	os: string;
	cpuModel: string;
	cpu: CpuBreakdown & {cores: number[]};
	load: {one: number; five: number; fifteen: number};
	memory: {total: number; used: number; available: number; free: number; buffers: number; cached: number};
	swap: {total: number; used: number; free: number};
	disk: {readBytesPerSec: number; writeBytesPerSec: number; readIops: number; writeIops: number};
	network: {
		rxBytesPerSec: number;
		txBytesPerSec: number;
		rxPacketsPerSec: number;
		txPacketsPerSec: number;
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

/** What each collector produces, by collector id. Later sources add their entries here. */
export type SampleMap = {
	host: HostSample;
	processes: ProcessSample;
};

export type CollectorId = keyof SampleMap;
