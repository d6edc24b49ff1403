import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	coresDelta,
	cpuDelta,
	cpuName,
	decodeMountField,
	diskRates,
	fields,
	filesystemUse,
	kernelRates,
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
	toMemory,
	wholeDisks,
	type CpuTimes,
} from '../../collectors/host-parse.js';

const STAT = `cpu  2794 10 2077 1484693 103 0 37 5 40 2
cpu0 1085 4 941 742688 4 0 9 2 20 1
cpu1 1709 6 1135 742004 99 0 28 3 20 1
intr 282015 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 12 0 0 0 0 1491 52
ctxt 594508
btime 1700000000
processes 4400
procs_running 1
procs_blocked 0
softirq 180000 0 50000 10 3000 2000 0 100 60000 0 64890
`;

const times = (user: number, nice: number, system: number, idle: number, iowait: number, irq: number, softirq: number, steal: number, guest = 0, guestNice = 0): CpuTimes =>
	({user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice});

const ZERO_CPU = {total: 0, user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0};

const MEMINFO = `MemTotal:       16303428 kB
MemFree:         1204564 kB
MemAvailable:    9871236 kB
Buffers:          402112 kB
Cached:          7654320 kB
SwapCached:         1024 kB
Active:          6000000 kB
Inactive:        5000000 kB
SwapTotal:       2097148 kB
SwapFree:        1572860 kB
Shmem:            300000 kB
KReclaimable:     700000 kB
Slab:             900000 kB
SReclaimable:     654321 kB
SUnreclaim:       245679 kB
HugePages_Total:       0
HugePages_Free:        0
Hugepagesize:       2048 kB
`;

const DISKSTATS = `   7       0 loop0 50 0 400 10 0 0 0 0 0 10 10 0 0 0 0 0 0
   8       0 sda 1000 10 80000 500 2000 20 160000 900 0 1200 1400 0 0 0 0 0 0
   8       1 sda1 900 10 70000 400 1900 20 150000 800 0 1100 1200 0 0 0 0 0 0
 253       0 dm-0 800 0 60000 300 1800 0 140000 700 0 1000 1000 0 0 0 0
   9     127 md127 10 0 80 1 10 0 80 1 0 2 2 0 0 0 0
 259       0 nvme0n1 3000 0 240000 100 4000 0 320000 200 0 300 300 0 0 0 0 0 0
 259       1 nvme0n1p1 2900 0 230000 100 3900 0 310000 200 0 300 300 0 0 0 0 0 0
`;

const SYS_BLOCK = ['dm-0', 'loop0', 'loop1', 'md127', 'nvme0n1', 'ram0', 'sda', 'zram0'];

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  987654    1234    0    0    0     0          0         0   987654    1234    0    0    0     0       0          0
  eth0: 168740678  125542    2    5    0     0          0        10   402987    3349    1    3    0     0       0          0
  eth1:1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
`;

const MOUNTS = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8000000k,nr_inodes=2000000,mode=755 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1600000k,mode=755 0 0
/dev/mapper/vg-root / ext4 rw,relatime,errors=remount-ro 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
/dev/sdb1 /mnt/My\\040Disk ext4 rw,relatime 0 0
/dev/sdb1 /srv/bind ext4 rw,relatime 0 0
/dev/loop3 /snap/core/123 squashfs ro,nodev,relatime 0 0
/dev/sdc1 /run/media/usb vfat rw,relatime 0 0
/dev/sdc1 /media/usb vfat rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw,relatime,vers=4.2 0 0
tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
/dev/sda2 /procedures xfs rw,relatime 0 0
nsfs /run/docker/netns/abc nsfs rw 0 0
lxcfs /var/lib/lxcfs fuse.lxcfs rw,nosuid,nodev,relatime 0 0
`;

describe('fields', () => {
	test('splits on runs of spaces and tabs, ignoring leading and trailing ones', () => {
		assert.deepEqual(fields('  a\t b   c  '), ['a', 'b', 'c']);
		assert.deepEqual(fields(''), []);
		assert.deepEqual(fields('   '), []);
	});
});

describe('parseStat', () => {
	test('reads the aggregate and per-core counters with their guest fields, the interrupt and context switch totals and the task counts', () => {
		const stat = parseStat(STAT);
		assert.ok(stat);
		assert.deepEqual(stat.total, times(2794, 10, 2077, 1484693, 103, 0, 37, 5, 40, 2));
		assert.deepEqual(stat.cores, [
			{id: 0, ...times(1085, 4, 941, 742688, 4, 0, 9, 2, 20, 1)},
			{id: 1, ...times(1709, 6, 1135, 742004, 99, 0, 28, 3, 20, 1)},
		]);
		// intr: its first number is the total; the per-source counts after it are not read.
		assert.equal(stat.interrupts, 282015);
		assert.equal(stat.contextSwitches, 594508);
		assert.equal(stat.procsRunning, 1);
		assert.equal(stat.procsBlocked, 0);
	});

	test('a key is read only at the start of a line; a missing one is 0', () => {
		const stat = parseStat('cpu 1 2 3 4 5 6 7 8\nintr 77 12 ctxt 9 procs_running 5\nprocs_blocked 4\n');
		assert.deepEqual([stat?.interrupts, stat?.contextSwitches, stat?.procsRunning, stat?.procsBlocked], [77, 0, 0, 4]);
	});

	test('keeps core ids with gaps (offline cores have no line)', () => {
		const stat = parseStat('cpu 1 2 3 4 5 6 7 8\ncpu0 1 1 1 1 1 1 1 1\ncpu3 2 2 2 2 2 2 2 2\n');
		assert.deepEqual(stat?.cores.map(core => core.id), [0, 3]);
	});

	test('old kernels with fewer fields read the missing ones as 0', () => {
		assert.deepEqual(parseStat('cpu 10 20 30 40\n')?.total, times(10, 20, 30, 40, 0, 0, 0, 0));
		assert.deepEqual(parseStat('cpu 10 20 30 40'), {total: times(10, 20, 30, 40, 0, 0, 0, 0), cores: [], contextSwitches: 0, interrupts: 0, procsRunning: 0, procsBlocked: 0});
	});

	test('no aggregate cpu line gives null', () => {
		assert.equal(parseStat(''), null);
		assert.equal(parseStat('intr 1 2 3\nctxt 5\n'), null);
	});
});

describe('cpuDelta', () => {
	test('each share is its delta over the total delta; total is busy = 100 - idle - iowait; guest is not counted twice', () => {
		const prev = parseStat('cpu 100 0 50 800 50 0 0 0 0 0\n')!.total;
		const cur = parseStat('cpu 160 20 70 860 60 10 10 10 30 8\n')!.total; // guest +30 is inside user +60, guest_nice +8 inside nice +20
		assert.deepEqual(cpuDelta(prev, cur), {total: 65, user: 30, nice: 10, system: 10, idle: 30, iowait: 5, irq: 5, softirq: 5, steal: 5, guest: 15, guestNice: 4});
	});

	test('a fully busy interval is 100', () => {
		assert.deepEqual(cpuDelta(times(0, 0, 0, 500, 0, 0, 0, 0), times(100, 100, 0, 500, 0, 0, 0, 0)), {
			total: 100, user: 50, nice: 50, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0,
		});
	});

	test('a counter going backwards contributes 0, never a negative', () => {
		// iowait can go backwards on NO_HZ kernels; idle after a hotplug.
		const result = cpuDelta(times(100, 0, 100, 1000, 60, 0, 0, 0), times(150, 0, 150, 1100, 50, 0, 0, 0));
		assert.deepEqual(result, {total: 50, user: 25, nice: 0, system: 25, idle: 50, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0});
	});

	test('no elapsed ticks or all counters backwards gives zeros', () => {
		const same = times(1, 2, 3, 4, 5, 6, 7, 8, 1, 1);
		assert.deepEqual(cpuDelta(same, same), ZERO_CPU);
		assert.deepEqual(cpuDelta(times(9, 9, 9, 9, 9, 9, 9, 9, 9, 9), same), ZERO_CPU);
	});
});

describe('kernelRates', () => {
	test('context switches and interrupts per second; the task counts of the later reading', () => {
		const prev = parseStat(STAT)!;
		const cur = parseStat(STAT.replace('intr 282015', 'intr 284015').replace('ctxt 594508', 'ctxt 597508').replace('procs_running 1', 'procs_running 6').replace('procs_blocked 0', 'procs_blocked 2'))!;
		assert.deepEqual(kernelRates(prev, cur, 2), {contextSwitchesPerSec: 1500, interruptsPerSec: 1000, procsRunning: 6, procsBlocked: 2});
	});

	test('no elapsed time gives no rates; counters that went backwards give 0', () => {
		const stat = parseStat(STAT)!;
		assert.deepEqual(kernelRates(stat, stat, 0), {contextSwitchesPerSec: 0, interruptsPerSec: 0, procsRunning: 1, procsBlocked: 0});
		const reset = parseStat(STAT.replace('ctxt 594508', 'ctxt 5'))!;
		assert.equal(kernelRates(stat, reset, 1).contextSwitchesPerSec, 0);
	});
});

describe('coresDelta', () => {
	test('busy percent per core, matched by id', () => {
		const prev = parseStat('cpu 0 0 0 0 0 0 0 0\ncpu0 0 0 0 100 0 0 0 0\ncpu1 0 0 0 100 0 0 0 0\n')!.cores;
		const cur = parseStat('cpu 0 0 0 0 0 0 0 0\ncpu0 25 0 25 150 0 0 0 0\ncpu1 0 0 0 195 5 0 0 0\n')!.cores;
		assert.deepEqual(coresDelta(prev, cur), [50, 0]);
	});

	test('after a hotplug: a reset core gives 0, a new core gives 0, a gone core is dropped', () => {
		const prev = parseStat('cpu 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0\ncpu1 10 0 0 10 0 0 0 0\ncpu2 500 0 500 9000 0 0 0 0\n')!.cores;
		const cur = parseStat('cpu 0 0 0 0 0 0 0 0\ncpu0 40 0 0 60 0 0 0 0\ncpu2 5 0 5 90 0 0 0 0\ncpu3 50 0 0 50 0 0 0 0\n')!.cores;
		assert.deepEqual(coresDelta(prev, cur), [40, 0, 0]);
	});

	test('no cores gives an empty list', () => {
		assert.deepEqual(coresDelta([], []), []);
	});
});

describe('parseLoadavg and parseUptime', () => {
	test('read the first numbers', () => {
		assert.deepEqual(parseLoadavg('0.03 0.09 1.50 1/82 4396\n'), {one: 0.03, five: 0.09, fifteen: 1.5});
		assert.equal(parseUptime('7459.26 14846.94\n'), 7459.26);
	});

	test('empty text gives zeros', () => {
		assert.deepEqual(parseLoadavg(''), {one: 0, five: 0, fifteen: 0});
		assert.equal(parseUptime(''), 0);
	});
});

describe('parseMeminfo and toMemory', () => {
	test('kB become bytes; used = total - available; cached includes SReclaimable; swap used = total - free', () => {
		const info = parseMeminfo(MEMINFO);
		assert.deepEqual(info, {
			total: 16303428 * 1024,
			free: 1204564 * 1024,
			available: 9871236 * 1024,
			buffers: 402112 * 1024,
			cached: 7654320 * 1024,
			sReclaimable: 654321 * 1024,
			swapTotal: 2097148 * 1024,
			swapFree: 1572860 * 1024,
		});
		assert.deepEqual(toMemory(info), {
			memory: {
				total: 16303428 * 1024,
				used: (16303428 - 9871236) * 1024,
				available: 9871236 * 1024,
				free: 1204564 * 1024,
				buffers: 402112 * 1024,
				cached: (7654320 + 654321) * 1024,
			},
			swap: {total: 2097148 * 1024, used: (2097148 - 1572860) * 1024, free: 1572860 * 1024},
		});
	});

	test('without MemAvailable (kernel < 3.14) available is free + buffers + cache', () => {
		const info = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\nSReclaimable: 30 kB\n');
		assert.equal(info.available, 380 * 1024);
		assert.equal(toMemory(info).memory.used, 620 * 1024);
	});

	test('empty text gives zeros', () => {
		assert.deepEqual(toMemory(parseMeminfo('')), {
			memory: {total: 0, used: 0, available: 0, free: 0, buffers: 0, cached: 0},
			swap: {total: 0, used: 0, free: 0},
		});
	});
});

describe('wholeDisks and parseDiskstats', () => {
	test('whole disks are the /sys/block names that are not loop, ram, zram, dm-* or md*', () => {
		assert.deepEqual([...wholeDisks(SYS_BLOCK)].sort(), ['nvme0n1', 'sda']);
		assert.equal(wholeDisks([]).size, 0);
	});

	test('keeps only whole disks: no partitions, loop, dm or md', () => {
		assert.deepEqual(parseDiskstats(DISKSTATS, wholeDisks(SYS_BLOCK)), [
			{name: 'sda', readIos: 1000, readSectors: 80000, writeIos: 2000, writeSectors: 160000, ioTicks: 1200},
			{name: 'nvme0n1', readIos: 3000, readSectors: 240000, writeIos: 4000, writeSectors: 320000, ioTicks: 300},
		]);
	});

	test('empty text gives no devices', () => {
		assert.deepEqual(parseDiskstats('', wholeDisks(SYS_BLOCK)), []);
	});
});

describe('diskRates', () => {
	const disks = wholeDisks(SYS_BLOCK);
	const prev = parseDiskstats(DISKSTATS, disks);

	test('bytes (512-byte sectors) and completed I/Os per second, summed over disks; utilisation of the busiest disk', () => {
		const cur = parseDiskstats(DISKSTATS
			.replace('sda 1000 10 80000 500 2000 20 160000 900 0 1200', 'sda 1100 10 88000 500 2050 20 164000 900 0 1500')
			.replace('nvme0n1 3000 0 240000 100 4000 0 320000 200 0 300', 'nvme0n1 3100 0 248000 100 4150 0 332000 200 0 1300'), disks);
		assert.deepEqual(diskRates(prev, cur, 2), {
			readBytesPerSec: (8000 + 8000) * 512 / 2,
			writeBytesPerSec: (4000 + 12000) * 512 / 2,
			readIops: 100,
			writeIops: 100,
			// sda busy 300 ms, nvme0n1 1000 ms, of 2000 ms: the busiest is 50 %, not the mean or the sum.
			utilPct: 50,
		});
	});

	test('utilisation is capped at 100 (io_ticks can run ahead of the wall clock between reads)', () => {
		const cur = parseDiskstats(DISKSTATS.replace('sda 1000 10 80000 500 2000 20 160000 900 0 1200', 'sda 1000 10 80000 500 2000 20 160000 900 0 2500'), disks);
		assert.equal(diskRates(prev, cur, 1).utilPct, 100);
	});

	test('a device whose counters went backwards contributes 0; a new device waits for its second sample', () => {
		const cur = [
			{name: 'sda', readIos: 1010, readSectors: 80100, writeIos: 2000, writeSectors: 160000, ioTicks: 1300},
			{name: 'nvme0n1', readIos: 5, readSectors: 40, writeIos: 5, writeSectors: 40, ioTicks: 4}, // reset
			{name: 'sdb', readIos: 99999, readSectors: 99999, writeIos: 99999, writeSectors: 99999, ioTicks: 99999}, // hot-added
		];
		assert.deepEqual(diskRates(prev, cur, 1), {readBytesPerSec: 100 * 512, writeBytesPerSec: 0, readIops: 10, writeIops: 0, utilPct: 10});
	});

	test('no elapsed time or no previous sample gives zeros', () => {
		const zeros = {readBytesPerSec: 0, writeBytesPerSec: 0, readIops: 0, writeIops: 0, utilPct: 0};
		assert.deepEqual(diskRates(prev, prev, 0), zeros);
		assert.deepEqual(diskRates([], prev, 1), zeros);
	});
});

describe('parseNetDev and netRates', () => {
	test('skips the headers and lo; reads lines with no space after the colon', () => {
		assert.deepEqual(parseNetDev(NET_DEV), [
			{name: 'eth0', rxBytes: 168740678, rxPackets: 125542, rxErrors: 2, rxDrops: 5, txBytes: 402987, txPackets: 3349, txErrors: 1, txDrops: 3},
			{name: 'eth1', rxBytes: 1000, rxPackets: 10, rxErrors: 0, rxDrops: 0, txBytes: 2000, txPackets: 20, txErrors: 0, txDrops: 0},
		]);
		assert.deepEqual(parseNetDev(''), []);
	});

	test('rates sum the interfaces; errors and drops received and sent, and their sums', () => {
		const prev = parseNetDev(NET_DEV);
		const cur = parseNetDev(NET_DEV
			.replace('eth0: 168740678  125542    2    5', 'eth0: 168760678  125742    4    9')
			.replace('402987    3349    1    3', '412987    3449    2    3')
			.replace('eth1:1000 10', 'eth1:3000 30')
			.replace('lo:  987654', 'lo:  9999999'));
		assert.deepEqual(netRates(prev, cur, 2), {
			rxBytesPerSec: (20000 + 2000) / 2,
			txBytesPerSec: 10000 / 2,
			rxPacketsPerSec: (200 + 20) / 2,
			txPacketsPerSec: 100 / 2,
			rxErrorsPerSec: 2 / 2,
			txErrorsPerSec: 1 / 2,
			rxDropsPerSec: 4 / 2,
			txDropsPerSec: 0,
			errorsPerSec: (2 + 1) / 2,
			dropsPerSec: 4 / 2,
		});
	});

	test('an interface whose counters went backwards (recreated) contributes 0', () => {
		const prev = parseNetDev(NET_DEV);
		const cur = parseNetDev(NET_DEV.replace('eth0: 168740678  125542    2    5', 'eth0: 100  1    0    0'));
		assert.deepEqual(netRates(prev, cur, 1), {
			rxBytesPerSec: 0,
			txBytesPerSec: 0,
			rxPacketsPerSec: 0,
			txPacketsPerSec: 0,
			rxErrorsPerSec: 0,
			txErrorsPerSec: 0,
			rxDropsPerSec: 0,
			txDropsPerSec: 0,
			errorsPerSec: 0,
			dropsPerSec: 0,
		});
	});
});

describe('parseMounts', () => {
	test('keeps real filesystems outside /proc, /sys, /dev and /run, first mount of each device, escapes decoded', () => {
		assert.deepEqual(parseMounts(MOUNTS), [
			{device: '/dev/mapper/vg-root', mount: '/', type: 'ext4'},
			{device: '/dev/nvme0n1p1', mount: '/boot/efi', type: 'vfat'},
			{device: '/dev/sdb1', mount: '/mnt/My Disk', type: 'ext4'},
			{device: '/dev/sdc1', mount: '/media/usb', type: 'vfat'},
			{device: 'server:/export', mount: '/mnt/nfs', type: 'nfs4'},
			{device: '/dev/sda2', mount: '/procedures', type: 'xfs'},
		]);
	});

	test('leaves out the overlay mounts of containers (Podman, rootless Podman, Docker) and keeps an overlay root', () => {
		const mounts = [
			'/dev/sda1 / ext4 rw,relatime 0 0',
			'overlay /var/lib/containers/storage/overlay/0f3c9a/merged overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/ABC 0 0',
			'overlay /home/ops/.local/share/containers/storage/overlay/77ab/merged overlay rw 0 0',
			'overlay /var/lib/docker/overlay2/9d1e/merged overlay rw,lowerdir=/var/lib/docker/overlay2/l/XYZ 0 0',
		].join('\n');
		assert.deepEqual(parseMounts(mounts), [{device: '/dev/sda1', mount: '/', type: 'ext4'}]);
		// Inside a container, its root is an overlay: that one is the disk there is.
		assert.deepEqual(parseMounts('overlay / overlay rw,lowerdir=/l 0 0\n'), [{device: 'overlay', mount: '/', type: 'overlay'}]);
	});

	test('empty text gives no mounts', () => {
		assert.deepEqual(parseMounts(''), []);
	});

	test('decodeMountField decodes octal escapes', () => {
		assert.equal(decodeMountField('/mnt/a\\040b\\011c\\134d\\012e'), '/mnt/a b\tc\\d\ne');
		assert.equal(decodeMountField('/plain'), '/plain');
	});
});

describe('filesystemUse', () => {
	const entry = {device: '/dev/sda1', mount: '/', type: 'ext4'};

	test('size is bsize x blocks, used is blocks - bfree, free share counts bavail like df', () => {
		assert.deepEqual(filesystemUse(entry, {bsize: 4096, blocks: 1000, bfree: 300, bavail: 250}), {
			mount: '/',
			device: '/dev/sda1',
			type: 'ext4',
			sizeBytes: 4096000,
			usedBytes: 700 * 4096,
			freePct: 25,
		});
	});

	test('a filesystem reporting no blocks is left out', () => {
		assert.equal(filesystemUse(entry, {bsize: 4096, blocks: 0, bfree: 0, bavail: 0}), null);
	});
});

describe('parseMillidegrees', () => {
	test('millidegrees become °C; empty or garbage gives null', () => {
		assert.equal(parseMillidegrees('45500\n'), 45.5);
		assert.equal(parseMillidegrees('-5000\n'), -5);
		assert.equal(parseMillidegrees(''), null);
		assert.equal(parseMillidegrees('\n'), null);
		assert.equal(parseMillidegrees('n/a'), null);
	});
});

describe('osName and cpuName', () => {
	test('the distribution from os-release: name and version, else the pretty name, else nothing', () => {
		assert.equal(osName('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n'), 'Debian GNU/Linux 12');
		assert.equal(osName('NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n'), 'Arch Linux');
		assert.equal(osName("NAME='Alpine Linux'\nVERSION_ID=3.20.1\n"), 'Alpine Linux 3.20.1');
		assert.equal(osName(''), '');
	});

	test('the CPU model from cpuinfo without trademarks, clock or core count', () => {
		assert.equal(cpuName('processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n'), 'AMD EPYC 7B13');
		assert.equal(cpuName('model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n'), 'Intel Xeon E5-2680 v4');
		assert.equal(cpuName('model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\n'), 'Intel Core i7-8650U');
		assert.equal(cpuName('processor\t: 0\nBogoMIPS\t: 108.00\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n'), 'Raspberry Pi 4 Model B Rev 1.4');
		assert.equal(cpuName('processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n'), '');
	});
});

test('container and VM interfaces are left out of the network totals (their traffic crosses a physical one too)', () => {
	const text = [
		'Inter-|   Receive                                                |  Transmit',
		' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
		'    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0',
		'  eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0',
		'docker0: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0',
		'veth12ab: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0',
		'br-1234: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0',
	].join('\n');
	assert.deepEqual(parseNetDev(text).map(counters => counters.name), ['eth0']);
});
