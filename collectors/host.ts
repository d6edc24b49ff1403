// The host collector: CPU, load, kernel activity, memory, disk and network rates, filesystems, temperature
// and uptime of this machine. A tick only reads /proc and /sys files and calls statfs; it
// never spawns a process. Parsing and the delta arithmetic live in host-parse.ts.
import {readdir, readFile, statfs} from 'node:fs/promises';
import os from 'node:os';
import {setTimeout as delay} from 'node:timers/promises';
import type {Collector} from '../source/store/collector.js';
import type {FilesystemUse, HostSample} from '../source/types.js';
import {
	coresDelta,
	cpuDelta,
	cpuName,
	type DiskCounters,
	diskRates,
	filesystemUse,
	kernelRates,
	type MountEntry,
	type NetCounters,
	netRates,
	osName,
	parseDiskstats,
	parseLoadavg,
	parseMeminfo,
	parseMillidegrees,
	parseMounts,
	parseNetDev,
	parseStat,
	parseUptime,
	type ProcStat,
	toMemory,
	wholeDisks,
} from './host-parse.js';

/** Where to read from: `root` prefixes every /proc and /sys path (tests point it at a fake tree). */
export type HostOptions = {root?: string};

// Which names in /sys/block are whole disks changes only on hotplug: list them now and then.
const DISK_LIST_REFRESH_MS = 60_000;
// Jiffies are 10 ms: a first delta shorter than this would show quantisation noise as load.
const MIN_FIRST_DELTA_MS = 250;

type Counters = {at: number; stat: ProcStat; disks: DiskCounters[]; nets: NetCounters[]};

const readOptional = async (path: string): Promise<string | null> => {
	try {
		return await readFile(path, 'utf8');
	} catch {
		return null;
	}
};

const listDir = async (path: string): Promise<string[]> => {
	try {
		return await readdir(path);
	} catch {
		return [];
	}
};

// Resolves with the promise, or rejects with signal.reason as soon as the signal aborts.
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => {
			reject(signal.reason);
		};

		signal.addEventListener('abort', onAbort, {once: true});
		promise.then(
			value => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

// hwmon sensors first (temp*_input), thermal zones only where there is no hwmon sensor.
async function findTemperatureFiles(sys: string): Promise<string[]> {
	const files: string[] = [];
	for (const hwmon of await listDir(`${sys}/class/hwmon`)) {
		const dir = `${sys}/class/hwmon/${hwmon}`;
		for (const name of await listDir(dir)) {
			if (name.startsWith('temp') && name.endsWith('_input')) files.push(`${dir}/${name}`);
		}
	}

	if (files.length > 0) return files;
	for (const zone of await listDir(`${sys}/class/thermal`)) {
		if (zone.startsWith('thermal_zone')) files.push(`${sys}/class/thermal/${zone}/temp`);
	}

	return files;
}

/** Collects one HostSample per tick from /proc, /sys and statfs. */
export const host = ({root = ''}: HostOptions = {}): Collector<HostSample> => {
	const paths = {
		stat: `${root}/proc/stat`,
		meminfo: `${root}/proc/meminfo`,
		loadavg: `${root}/proc/loadavg`,
		uptime: `${root}/proc/uptime`,
		diskstats: `${root}/proc/diskstats`,
		netDev: `${root}/proc/net/dev`,
		mounts: `${root}/proc/mounts`,
		sysBlock: `${root}/sys/block`,
		osRelease: `${root}/etc/os-release`,
		cpuinfo: `${root}/proc/cpuinfo`,
	};
	let osText = '';
	let cpuModel = '';
	let disks: ReadonlySet<string> = new Set();
	let disksListedAt = Number.NEGATIVE_INFINITY;
	let temperatureFiles: string[] = [];
	let previous: Counters | null = null;
	let isFirstTick = true;
	// Mounts whose statfs has not answered yet (a stale NFS server can hang it for minutes):
	// they are left out instead of piling up more calls in libuv's small thread pool.
	const statfsPending = new Set<string>();

	// Static facts, read once with the first snapshot: the distribution and the CPU model.
	const readStaticFacts = async () => {
		const [osRelease, cpuinfo] = await Promise.all([readOptional(paths.osRelease), readOptional(paths.cpuinfo)]);
		osText = osName(osRelease ?? '');
		cpuModel = cpuName(cpuinfo ?? '');
	};

	const refreshDisks = async () => {
		disks = wholeDisks(await listDir(paths.sysBlock));
		disksListedAt = performance.now();
	};

	const readCounters = async (): Promise<Counters> => {
		const [statText, diskText, netText] = await Promise.all([
			readFile(paths.stat, 'utf8').catch((error: unknown) => {
				throw new Error(`cannot read ${paths.stat}: ${error instanceof Error ? error.message : String(error)}`);
			}),
			readOptional(paths.diskstats),
			readOptional(paths.netDev),
		]);
		const stat = parseStat(statText);
		if (!stat) throw new Error(`${paths.stat} has no aggregate "cpu" line`);
		return {
			at: performance.now(),
			stat,
			disks: diskText ? parseDiskstats(diskText, disks) : [],
			nets: netText ? parseNetDev(netText) : [],
		};
	};

	// The first tick gets a real delta from this snapshot instead of averages since boot.
	// If it fails, the first tick shows CPU since boot and rates of 0.
	const ready = (async () => {
		await Promise.all([refreshDisks(), readStaticFacts()]);
		temperatureFiles = await findTemperatureFiles(`${root}/sys`);
		previous = await readCounters().catch(() => null);
	})();

	const useOf = async (entry: MountEntry): Promise<FilesystemUse | null> => {
		if (statfsPending.has(entry.mount)) return null;
		statfsPending.add(entry.mount);
		try {
			return filesystemUse(entry, await statfs(entry.mount));
		} catch {
			return null; // stale NFS, permission, unmounted since /proc/mounts was read
		} finally {
			statfsPending.delete(entry.mount);
		}
	};

	return {
		id: 'host',
		async collect(signal) {
			signal.throwIfAborted();
			await abortable(ready, signal);
			if (isFirstTick && previous) {
				const wait = MIN_FIRST_DELTA_MS - (performance.now() - previous.at);
				if (wait > 0) await delay(wait, undefined, {signal}).catch(() => signal.throwIfAborted());
			}

			if (performance.now() - disksListedAt >= DISK_LIST_REFRESH_MS) await abortable(refreshDisks(), signal);
			signal.throwIfAborted();

			const [current, memText, loadText, uptimeText, mountsText, temperatureTexts] = await abortable(
				Promise.all([
					readCounters(),
					readOptional(paths.meminfo),
					readOptional(paths.loadavg),
					readOptional(paths.uptime),
					readOptional(paths.mounts),
					Promise.all(temperatureFiles.map(readOptional)),
				]),
				signal,
			);
			signal.throwIfAborted();

			const zeroTimes = {user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0};
			const before = previous ?? {
				at: current.at,
				stat: {
					total: zeroTimes,
					cores: current.stat.cores.map(core => ({...zeroTimes, id: core.id})),
					contextSwitches: 0,
					interrupts: 0,
					procsRunning: 0,
					procsBlocked: 0,
				},
				disks: [],
				nets: [],
			};
			const seconds = (current.at - before.at) / 1000;

			const filesystems = (await abortable(Promise.all(parseMounts(mountsText ?? '').map(useOf)), signal))
				.filter((use): use is FilesystemUse => use !== null);
			signal.throwIfAborted();

			let temperature: number | null = null;
			for (const text of temperatureTexts) {
				const celsius = text === null ? null : parseMillidegrees(text);
				if (celsius !== null && (temperature === null || celsius > temperature)) temperature = celsius;
			}

			previous = current;
			if (isFirstTick) {
				isFirstTick = false;
			}

			return {
				hostname: os.hostname(),
				os: osText,
				cpuModel,
				cpu: {...cpuDelta(before.stat.total, current.stat.total), cores: coresDelta(before.stat.cores, current.stat.cores)},
				load: parseLoadavg(loadText ?? ''),
				kernel: kernelRates(before.stat, current.stat, seconds),
				...toMemory(parseMeminfo(memText ?? '')),
				disk: diskRates(before.disks, current.disks, seconds),
				network: netRates(before.nets, current.nets, seconds),
				filesystems,
				temperature,
				uptime: parseUptime(uptimeText ?? ''),
			};
		},
	};
};
