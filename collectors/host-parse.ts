// Pure parsers for the /proc and /sys files the host collector reads, and the delta
// functions that turn two counter snapshots into the percentages and rates of HostSample.
// They run every tick, so they split strings by hand instead of running a regex per line.
import type {CpuBreakdown, FilesystemUse, HostSample} from '../source/types.js';

/** CPU time counters of one /proc/stat `cpu` line, in clock ticks (guest and guestNice are already inside user and nice). */
export type CpuTimes = {
	user: number;
	nice: number;
	system: number;
	idle: number;
	iowait: number;
	irq: number;
	softirq: number;
	steal: number;
	guest: number;
	guestNice: number;
};

/** The counters of one `cpuN` line; `id` is the N (ids have gaps while cores are offline). */
export type CoreTimes = CpuTimes & {id: number};

/**
 * What the host sample takes from /proc/stat: the aggregate `cpu` line, one entry per online
 * core, the context switch and interrupt counters (since boot) and the runnable and blocked
 * task counts (now).
 */
export type ProcStat = {total: CpuTimes; cores: CoreTimes[]; contextSwitches: number; interrupts: number; procsRunning: number; procsBlocked: number};

/** The /proc/meminfo fields the host sample needs, in bytes. */
export type MemInfo = {
	total: number;
	free: number;
	available: number;
	buffers: number;
	cached: number;
	sReclaimable: number;
	swapTotal: number;
	swapFree: number;
};

/** Cumulative I/O counters of one whole block device from /proc/diskstats (sectors are 512 bytes). */
export type DiskCounters = {
	name: string;
	readIos: number;
	readSectors: number;
	writeIos: number;
	writeSectors: number;
	/** Milliseconds during which the device had I/O in flight. */
	ioTicks: number;
};

/** Cumulative counters of one network interface from /proc/net/dev. */
export type NetCounters = {
	name: string;
	rxBytes: number;
	rxPackets: number;
	rxErrors: number;
	rxDrops: number;
	txBytes: number;
	txPackets: number;
	txErrors: number;
	txDrops: number;
};

/** One mount of a real filesystem from /proc/mounts, escapes decoded. */
export type MountEntry = {device: string; mount: string; type: string};

/** What `fs.promises.statfs` reports that filesystem use is computed from. */
export type StatfsLike = {bsize: number; blocks: number; bfree: number; bavail: number};

const SECTOR_BYTES = 512;

// Filesystems that hold data; everything else in /proc/mounts (proc, sysfs, tmpfs, cgroup,
// squashfs, nsfs, fuse.* helpers, ...) is kernel plumbing or read-only images.
const REAL_FILESYSTEMS: ReadonlySet<string> = new Set([
	'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'bcachefs', 'zfs', 'vfat', 'msdos', 'exfat', 'f2fs',
	'jfs', 'reiserfs', 'ntfs', 'ntfs3', 'hfs', 'hfsplus', 'ufs', 'overlay', 'fuseblk',
	'nfs', 'nfs4', 'cifs', 'smb3', 'ceph', 'glusterfs', 'fuse.glusterfs', 'lustre', 'gpfs',
]);

// Pseudo file trees whose mounts are never a disk a person watches.
const IGNORED_TREES = ['/proc', '/sys', '/dev', '/run'];

// Block devices that are either not disks (loop, ram, zram) or stacked on other devices in
// /sys/block (device mapper, md raid, drbd, bcache): counting them would count I/O twice.
const NOT_WHOLE_DISK_PREFIXES = ['loop', 'ram', 'zram', 'dm-', 'md', 'drbd', 'bcache'];

/** Splits a line on runs of spaces and tabs. */
export function fields(line: string): string[] {
	const out: string[] = [];
	let start = -1;
	for (let i = 0; i < line.length; i++) {
		const c = line.charCodeAt(i);
		if (c === 32 || c === 9) {
			if (start >= 0) {
				out.push(line.slice(start, i));
				start = -1;
			}
		} else if (start < 0) {
			start = i;
		}
	}

	if (start >= 0) out.push(line.slice(start));
	return out;
}

function num(text: string | undefined): number {
	const n = Number(text);
	return Number.isFinite(n) ? n : 0;
}

function cpuTimes(parts: string[]): CpuTimes {
	// Fields 9 and 10 (guest, guest_nice) are already counted in user and nice.
	return {
		user: num(parts[1]),
		nice: num(parts[2]),
		system: num(parts[3]),
		idle: num(parts[4]),
		iowait: num(parts[5]),
		irq: num(parts[6]),
		softirq: num(parts[7]),
		steal: num(parts[8]),
		guest: num(parts[9]),
		guestNice: num(parts[10]),
	};
}

// The whole number that follows `key ` at the start of a line, searching from `from` on; 0 when
// there is no such line. Digits are read in place: the `intr` line can be kilobytes long.
function lineValue(text: string, key: string, from: number): number {
	const at = text.indexOf(`\n${key} `, from);
	if (at < 0) return 0;
	let value = 0;
	for (let i = at + key.length + 2; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 48 || c > 57) break;
		value = value * 10 + c - 48;
	}

	return value;
}

/** Parses /proc/stat: its `cpu` and `cpuN` lines, `intr` (the total), `ctxt`, `procs_running` and `procs_blocked`; null when there is no aggregate `cpu` line. */
export function parseStat(text: string): ProcStat | null {
	let total: CpuTimes | null = null;
	const cores: CoreTimes[] = [];
	let start = 0;
	// The cpu lines come first; the other lines are only searched for their keys.
	while (start < text.length && text.startsWith('cpu', start)) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const parts = fields(text.slice(start, end));
		const label = parts[0];
		if (label === 'cpu') {
			total = cpuTimes(parts);
		} else {
			const id = Number(label.slice(3));
			if (Number.isInteger(id)) cores.push({...cpuTimes(parts), id});
		}

		start = end + 1;
	}

	if (!total) return null;
	const rest = start - 1;
	return {
		total,
		cores,
		contextSwitches: lineValue(text, 'ctxt', rest),
		interrupts: lineValue(text, 'intr', rest),
		procsRunning: lineValue(text, 'procs_running', rest),
		procsBlocked: lineValue(text, 'procs_blocked', rest),
	};
}

/** Parses /proc/loadavg into the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string): HostSample['load'] {
	const parts = fields(text.trim());
	return {one: num(parts[0]), five: num(parts[1]), fifteen: num(parts[2])};
}

/** Parses /proc/uptime into seconds since boot (its first number). */
export function parseUptime(text: string): number {
	return num(fields(text.trim())[0]);
}

/** Parses /proc/meminfo, converting kB to bytes; MemAvailable (kernel < 3.14) falls back to free + buffers + cache. */
export function parseMeminfo(text: string): MemInfo {
	const info: MemInfo = {total: 0, free: 0, available: -1, buffers: 0, cached: 0, sReclaimable: 0, swapTotal: 0, swapFree: 0};
	for (const line of text.split('\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const value = line.slice(colon + 1).trim();
		// Every field used here is in kB; a space separates the number from the unit.
		const space = value.indexOf(' ');
		const bytes = num(space < 0 ? value : value.slice(0, space)) * (value.endsWith('kB') ? 1024 : 1);
		switch (line.slice(0, colon)) {
			case 'MemTotal':
				info.total = bytes;
				break;
			case 'MemFree':
				info.free = bytes;
				break;
			case 'MemAvailable':
				info.available = bytes;
				break;
			case 'Buffers':
				info.buffers = bytes;
				break;
			case 'Cached':
				info.cached = bytes;
				break;
			case 'SReclaimable':
				info.sReclaimable = bytes;
				break;
			case 'SwapTotal':
				info.swapTotal = bytes;
				break;
			case 'SwapFree':
				info.swapFree = bytes;
				break;
			default:
				break;
		}
	}

	if (info.available < 0) info.available = Math.min(info.total, info.free + info.buffers + info.cached + info.sReclaimable);
	return info;
}

/** Turns /proc/meminfo values into the memory and swap parts of a host sample. */
export function toMemory(info: MemInfo): Pick<HostSample, 'memory' | 'swap'> {
	return {
		memory: {
			total: info.total,
			used: Math.max(0, info.total - info.available),
			available: info.available,
			free: info.free,
			buffers: info.buffers,
			cached: info.cached + info.sReclaimable,
		},
		swap: {total: info.swapTotal, used: Math.max(0, info.swapTotal - info.swapFree), free: info.swapFree},
	};
}

/** Picks, from the names in /sys/block, the whole disks whose I/O is summed (no loop, ram, zram, dm-*, md*). */
export function wholeDisks(sysBlockNames: readonly string[]): Set<string> {
	const disks = new Set<string>();
	for (const name of sysBlockNames) {
		if (!NOT_WHOLE_DISK_PREFIXES.some(prefix => name.startsWith(prefix))) disks.add(name);
	}

	return disks;
}

/** Parses /proc/diskstats, keeping only the devices in `disks` (partitions are not in /sys/block). */
export function parseDiskstats(text: string, disks: ReadonlySet<string>): DiskCounters[] {
	const out: DiskCounters[] = [];
	for (const line of text.split('\n')) {
		const parts = fields(line);
		// major minor name reads merged sectors ms writes merged sectors ms in-flight io-ticks ...
		if (parts.length < 10 || !disks.has(parts[2])) continue;
		out.push({
			name: parts[2],
			readIos: num(parts[3]),
			readSectors: num(parts[5]),
			writeIos: num(parts[7]),
			writeSectors: num(parts[9]),
			ioTicks: num(parts[12]),
		});
	}

	return out;
}

// Interfaces of containers and virtual machines: their traffic also crosses a physical
// interface, so counting them would count it twice.
const VIRTUAL_INTERFACE = /^(?:veth|docker|br-|virbr|cni|podman|cali|flannel|lxc|vnet|tap)/;

/** Parses /proc/net/dev into per-interface counters, leaving out `lo` and container/VM interfaces. */
export function parseNetDev(text: string): NetCounters[] {
	const out: NetCounters[] = [];
	for (const line of text.split('\n')) {
		// Older kernels print `eth0:123` with no space after the colon, so split there first.
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const name = line.slice(0, colon).trim();
		if (name === 'lo' || name.includes('|') || VIRTUAL_INTERFACE.test(name)) continue;
		const parts = fields(line.slice(colon + 1));
		if (parts.length < 12) continue;
		out.push({
			name,
			rxBytes: num(parts[0]),
			rxPackets: num(parts[1]),
			rxErrors: num(parts[2]),
			rxDrops: num(parts[3]),
			txBytes: num(parts[8]),
			txPackets: num(parts[9]),
			txErrors: num(parts[10]),
			txDrops: num(parts[11]),
		});
	}

	return out;
}

/** Decodes the octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash) of a /proc/mounts field. */
export function decodeMountField(field: string): string {
	if (!field.includes('\\')) return field;
	return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function isUnderIgnoredTree(mount: string): boolean {
	for (const tree of IGNORED_TREES) {
		if (mount === tree || (mount.startsWith(tree) && mount.charCodeAt(tree.length) === 47)) return true;
	}

	return false;
}

/** Parses /proc/mounts into real filesystems, outside /proc, /sys, /dev and /run and other than containers' roots, first mount of each device only. */
export function parseMounts(text: string): MountEntry[] {
	const out: MountEntry[] = [];
	const seen = new Set<string>();
	for (const line of text.split('\n')) {
		const parts = fields(line);
		if (parts.length < 3 || !REAL_FILESYSTEMS.has(parts[2])) continue;
		const mount = decodeMountField(parts[1]);
		if (isUnderIgnoredTree(mount)) continue;
		// A container's root, built by its engine from image layers (`.../overlay/<id>/merged`).
		if (parts[2] === 'overlay' && mount.endsWith('/merged')) continue;
		const device = decodeMountField(parts[0]);
		if (seen.has(device)) continue;
		seen.add(device);
		out.push({device, mount, type: parts[2]});
	}

	return out;
}

/** Size, use and free share of a mount from its statfs, df-style (free counts what non-root may use); null when it reports no blocks. */
export function filesystemUse(entry: MountEntry, stats: StatfsLike): FilesystemUse | null {
	if (!(stats.blocks > 0)) return null;
	return {
		mount: entry.mount,
		device: entry.device,
		type: entry.type,
		sizeBytes: stats.bsize * stats.blocks,
		usedBytes: stats.bsize * Math.max(0, stats.blocks - stats.bfree),
		freePct: clampPct((stats.bavail * 100) / stats.blocks),
	};
}

/** Parses a sysfs temperature file (millidegrees Celsius) into °C; null when it holds no number. */
export function parseMillidegrees(text: string): number | null {
	const value = Number(text.trim());
	return text.trim() !== '' && Number.isFinite(value) ? value / 1000 : null;
}

function clampPct(value: number): number {
	return value > 100 ? 100 : value > 0 ? value : 0;
}

function perSecond(amount: number, seconds: number): number {
	return seconds > 0 ? amount / seconds : 0;
}

// A counter that went backwards (reset, hotplug, wrap) contributes nothing, never a negative.
function grew(prev: number, cur: number): number {
	return cur > prev ? cur - prev : 0;
}

/** Percent of the elapsed CPU time spent in each state between two /proc/stat lines; `total` is busy (not idle, not iowait); guest and guestNice are parts of user and nice. */
export function cpuDelta(prev: CpuTimes, cur: CpuTimes): CpuBreakdown {
	const user = grew(prev.user, cur.user);
	const nice = grew(prev.nice, cur.nice);
	const system = grew(prev.system, cur.system);
	const idle = grew(prev.idle, cur.idle);
	const iowait = grew(prev.iowait, cur.iowait);
	const irq = grew(prev.irq, cur.irq);
	const softirq = grew(prev.softirq, cur.softirq);
	const steal = grew(prev.steal, cur.steal);
	const guest = grew(prev.guest, cur.guest);
	const guestNice = grew(prev.guestNice, cur.guestNice);
	const busy = user + nice + system + irq + softirq + steal;
	const all = busy + idle + iowait;
	if (all === 0) return {total: 0, user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0};
	const pct = (ticks: number) => clampPct((ticks * 100) / all);
	return {
		total: pct(busy),
		user: pct(user),
		nice: pct(nice),
		system: pct(system),
		idle: pct(idle),
		iowait: pct(iowait),
		irq: pct(irq),
		softirq: pct(softirq),
		steal: pct(steal),
		guest: pct(guest),
		guestNice: pct(guestNice),
	};
}

// Lists usually line up index for index; fall back to a search when devices come and go.
function previousOf<T>(prev: readonly T[], cur: T, index: number, same: (a: T, b: T) => boolean): T | undefined {
	const candidate = prev[index];
	return candidate !== undefined && same(candidate, cur) ? candidate : prev.find(p => same(p, cur));
}

const sameId = (a: CoreTimes, b: CoreTimes) => a.id === b.id;
const sameName = (a: {name: string}, b: {name: string}) => a.name === b.name;

/** Busy percent of each current core since its previous counters (0 for a core that was not there before). */
export function coresDelta(prev: readonly CoreTimes[], cur: readonly CoreTimes[]): number[] {
	return cur.map((core, i) => {
		const before = previousOf(prev, core, i, sameId);
		return before ? cpuDelta(before, core).total : 0;
	});
}

/** The keys of T whose values are numbers: a device's counters. */
type CounterKey<T> = {[K in keyof T]: T[K] extends number ? K : never}[keyof T];

/** Per second, each counter's growth summed over the devices present in both snapshots (matched by name); zeros when no time passed. */
function summedRates<T extends {name: string}, K extends CounterKey<T>>(prev: readonly T[], cur: readonly T[], seconds: number, counters: readonly K[]): Record<K, number> {
	const sums = Object.fromEntries(counters.map(counter => [counter, 0])) as Record<K, number>;
	if (seconds > 0) {
		for (let i = 0; i < cur.length; i++) {
			const now = cur[i]!;
			const before = previousOf(prev, now, i, sameName);
			if (!before) continue;
			for (const counter of counters) sums[counter] += grew(before[counter] as number, now[counter] as number);
		}
	}

	for (const counter of counters) sums[counter] = perSecond(sums[counter], seconds);
	return sums;
}

/** Context switches and interrupts per second between two /proc/stat readings, and the task counts of the later one. */
export function kernelRates(prev: ProcStat, cur: ProcStat, seconds: number): HostSample['kernel'] {
	return {
		contextSwitchesPerSec: perSecond(grew(prev.contextSwitches, cur.contextSwitches), seconds),
		interruptsPerSec: perSecond(grew(prev.interrupts, cur.interrupts), seconds),
		procsRunning: cur.procsRunning,
		procsBlocked: cur.procsBlocked,
	};
}

// Like iostat's %util, per device: the share of the interval with I/O in flight. The busiest
// disk is the one that saturates first, so an average over disks would hide it.
function busiestDiskPct(prev: readonly DiskCounters[], cur: readonly DiskCounters[], seconds: number): number {
	if (!(seconds > 0)) return 0;
	let busiestMs = 0;
	for (let i = 0; i < cur.length; i++) {
		const now = cur[i]!;
		const before = previousOf(prev, now, i, sameName);
		if (before) busiestMs = Math.max(busiestMs, grew(before.ioTicks, now.ioTicks));
	}

	return clampPct(busiestMs / (seconds * 10));
}

/** Disk read/write bytes and completed I/Os per second summed over devices present in both snapshots, and the busiest disk's utilisation. */
export function diskRates(prev: readonly DiskCounters[], cur: readonly DiskCounters[], seconds: number): HostSample['disk'] {
	const rates = summedRates(prev, cur, seconds, ['readSectors', 'writeSectors', 'readIos', 'writeIos']);
	return {
		readBytesPerSec: rates.readSectors * SECTOR_BYTES,
		writeBytesPerSec: rates.writeSectors * SECTOR_BYTES,
		readIops: rates.readIos,
		writeIops: rates.writeIos,
		utilPct: busiestDiskPct(prev, cur, seconds),
	};
}

/** Network bytes, packets, errors and drops per second, received and sent, summed over interfaces present in both snapshots. */
export function netRates(prev: readonly NetCounters[], cur: readonly NetCounters[], seconds: number): HostSample['network'] {
	const rates = summedRates(prev, cur, seconds, ['rxBytes', 'txBytes', 'rxPackets', 'txPackets', 'rxErrors', 'txErrors', 'rxDrops', 'txDrops']);
	return {
		rxBytesPerSec: rates.rxBytes,
		txBytesPerSec: rates.txBytes,
		rxPacketsPerSec: rates.rxPackets,
		txPacketsPerSec: rates.txPackets,
		rxErrorsPerSec: rates.rxErrors,
		txErrorsPerSec: rates.txErrors,
		rxDropsPerSec: rates.rxDrops,
		txDropsPerSec: rates.txDrops,
		errorsPerSec: rates.rxErrors + rates.txErrors,
		dropsPerSec: rates.rxDrops + rates.txDrops,
	};
}

/** The distribution and its version from os-release, e.g. `Debian GNU/Linux 12`; '' when it names none. */
export function osName(osRelease: string): string {
	const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(osRelease)?.[1]?.trim().replace(/^(["'])(.*)\1$/, '$2') ?? '';
	const name = field('NAME');
	const version = field('VERSION_ID');
	return name && version ? `${name} ${version}` : name || field('PRETTY_NAME');
}

/** The CPU model from /proc/cpuinfo, e.g. `AMD EPYC 7B13`, without trademarks, clock and core count; '' where the kernel names none (most ARM). */
export function cpuName(cpuinfo: string): string {
	const model = /^(?:model name|Model|Hardware)\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? '';
	return model
		.replace(/\((?:R|TM|tm|r)\)/g, '')
		.replace(/\s+@\s+[\d.]+\s*[GM]Hz/i, '')
		.replace(/\s+\d+-Core Processor$|\s+(?:CPU|Processor)$/i, '')
		.replace(/\s+CPU\s+/, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}
