import assert from 'node:assert/strict';
import cp, {ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdir, mkdtemp, open, readFile, realpath, rm, stat, writeFile} from 'node:fs/promises';
import {syncBuiltinESMExports} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {host} from '../../collectors/host.js';
import {cpuName, osName} from '../../collectors/host-parse.js';
import type {HostSample} from '../../source/types.js';

const signal = () => AbortSignal.timeout(10_000);

const tick = async (collector: ReturnType<typeof host>) => collector.collect(signal());

// Builds a fake root holding the given files (paths relative to the root) and directories.
async function fakeRoot(files: Record<string, string>, dirs: string[] = []): Promise<string> {
	const root = await mkdtemp(path.join(os.tmpdir(), 'dbtop-host-'));
	roots.push(root);
	for (const dir of dirs) await mkdir(path.join(root, dir), {recursive: true});
	for (const [file, text] of Object.entries(files)) {
		await mkdir(path.dirname(path.join(root, file)), {recursive: true});
		await writeFile(path.join(root, file), text);
	}

	return root;
}

const roots: string[] = [];
after(async () => {
	for (const root of roots) await rm(root, {recursive: true, force: true});
});

const STAT = 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\ncpu1 50 0 50 400 0 0 0 0 0 0\nintr 1 2 3\n';

const QUIET_NETWORK = {
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
};

const diskstats = (sda: [number, number, number, number], others: number) => [
	`   8       0 sda ${sda[0]} 0 ${sda[1]} 10 ${sda[2]} 0 ${sda[3]} 10 0 20 20 0 0 0 0`,
	`   8       1 sda1 ${others} 0 ${others} 10 ${others} 0 ${others} 10 0 20 20 0 0 0 0`,
	`   7       0 loop0 ${others} 0 ${others} 10 ${others} 0 ${others} 10 0 20 20 0 0 0 0`,
	` 253       0 dm-0 ${others} 0 ${others} 10 ${others} 0 ${others} 10 0 20 20 0 0 0 0`,
	'',
].join('\n');

const netDev = (eth0: [number, number, number, number], lo: number) => `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: ${lo} ${lo} 0 0 0 0 0 0 ${lo} ${lo} 0 0 0 0 0 0
  eth0: ${eth0[0]} ${eth0[1]} 0 0 0 0 0 0 ${eth0[2]} ${eth0[3]} 0 0 0 0 0 0
`;

describe('host collector on a fake /proc and /sys', () => {
	test('missing optional files give zeros, not a throw', async () => {
		const collector = host({root: await fakeRoot({'proc/stat': STAT})});
		const sample = await tick(collector);
		collector.close?.();
		assert.deepEqual(sample.memory, {total: 0, used: 0, available: 0, free: 0, buffers: 0, cached: 0});
		assert.deepEqual(sample.swap, {total: 0, used: 0, free: 0});
		assert.deepEqual(sample.load, {one: 0, five: 0, fifteen: 0});
		assert.deepEqual(sample.disk, {readBytesPerSec: 0, writeBytesPerSec: 0, readIops: 0, writeIops: 0, utilPct: 0});
		assert.deepEqual(sample.network, QUIET_NETWORK);
		assert.deepEqual(sample.filesystems, []);
		assert.equal(sample.temperature, null);
		assert.equal(sample.uptime, 0);
		// The counters did not move since the construction snapshot.
		assert.equal(sample.cpu.total, 0);
		assert.deepEqual(sample.cpu.cores, [0, 0]);
	});

	test('an unreadable /proc/stat throws an error naming the file', async () => {
		const root = await fakeRoot({'proc/meminfo': 'MemTotal: 1000 kB\n'});
		const collector = host({root});
		await assert.rejects(tick(collector), (error: Error) => error.message.includes(`${root}/proc/stat`));
		await writeFile(path.join(root, 'proc/stat'), 'intr 1 2 3\n');
		await assert.rejects(tick(collector), (error: Error) => error.message.includes(`${root}/proc/stat`));
	});

	test('CPU, disk and network deltas are taken against the previous tick, whole disks and non-lo interfaces only', async () => {
		const root = await fakeRoot({
			'proc/stat': STAT,
			'proc/diskstats': diskstats([100, 1000, 100, 1000], 5),
			'proc/net/dev': netDev([1000, 10, 1000, 10], 5),
		}, ['sys/block/sda', 'sys/block/loop0', 'sys/block/dm-0']);
		const collector = host({root});
		await tick(collector);

		// Only partitions, loop, dm and lo move: nothing to count.
		await writeFile(path.join(root, 'proc/diskstats'), diskstats([100, 1000, 100, 1000], 1_000_000));
		await writeFile(path.join(root, 'proc/net/dev'), netDev([1000, 10, 1000, 10], 1_000_000));
		await writeFile(path.join(root, 'proc/stat'), 'cpu  130 10 100 840 20 0 0 0 0 0\ncpu0 80 0 50 410 10 0 0 0 0 0\ncpu1 50 10 50 430 10 0 0 0 0 0\nintr 501 2 3\nctxt 1000\nprocs_running 3\nprocs_blocked 1\n');
		const quiet = await tick(collector);
		assert.equal(quiet.kernel.procsRunning, 3);
		assert.equal(quiet.kernel.procsBlocked, 1);
		// intr +500, ctxt +1000 over the same (real) elapsed time.
		assert.ok(Math.abs(quiet.kernel.contextSwitchesPerSec / quiet.kernel.interruptsPerSec - 2) < 1e-9);
		assert.deepEqual(quiet.disk, {readBytesPerSec: 0, writeBytesPerSec: 0, readIops: 0, writeIops: 0, utilPct: 0});
		assert.deepEqual(quiet.network, QUIET_NETWORK);
		// 30 user + 10 nice over 100 ticks; 20 iowait; 40 idle.
		assert.deepEqual(quiet.cpu, {total: 40, user: 30, nice: 10, system: 0, idle: 40, iowait: 20, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0, cores: [60, 20]});

		// sda: +10 reads of +1000 sectors, +30 writes of +3000 sectors; eth0: +2000 rx bytes, +4000 tx bytes.
		await writeFile(path.join(root, 'proc/diskstats'), diskstats([110, 2000, 130, 4000], 1_000_000));
		await writeFile(path.join(root, 'proc/net/dev'), netDev([3000, 30, 5000, 50], 2_000_000));
		const busy = await tick(collector);
		collector.close?.();
		assert.ok(busy.disk.readBytesPerSec > 0);
		// Elapsed time is real, so check the ratios, which it cancels out of.
		assert.ok(Math.abs(busy.disk.writeBytesPerSec / busy.disk.readBytesPerSec - 3) < 1e-9);
		assert.ok(Math.abs(busy.disk.readBytesPerSec / busy.disk.readIops - (1000 * 512) / 10) < 1e-6);
		assert.ok(Math.abs(busy.disk.writeIops / busy.disk.readIops - 3) < 1e-9);
		assert.ok(busy.network.rxBytesPerSec > 0);
		assert.ok(Math.abs(busy.network.txBytesPerSec / busy.network.rxBytesPerSec - 2) < 1e-9);
		assert.ok(Math.abs(busy.network.rxBytesPerSec / busy.network.rxPacketsPerSec - 100) < 1e-6);
	});

	test('filesystems come from the mounts file; escapes are decoded; a failing statfs is skipped', async () => {
		const root = await fakeRoot({'proc/stat': STAT}, ['with space']);
		const spaced = path.join(root, 'with space');
		await writeFile(path.join(root, 'proc/mounts'), [
			'proc /proc proc rw 0 0',
			`/dev/fake1 ${spaced.replaceAll(' ', '\\040')} ext4 rw 0 0`,
			`/dev/fake2 ${path.join(root, 'does-not-exist')} ext4 rw 0 0`,
			'tmpfs /tmp tmpfs rw 0 0',
			'',
		].join('\n'));
		const collector = host({root});
		const sample = await tick(collector);
		collector.close?.();
		assert.deepEqual(sample.filesystems.map(fs => [fs.device, fs.mount, fs.type]), [['/dev/fake1', spaced, 'ext4']]);
		const [use] = sample.filesystems;
		assert.ok(use.sizeBytes > 0 && use.usedBytes <= use.sizeBytes);
		assert.ok(use.freePct >= 0 && use.freePct <= 100);
	});

	test('temperature is the highest hwmon sensor, else the highest thermal zone', async () => {
		const hwmon = host({root: await fakeRoot({
			'proc/stat': STAT,
			'sys/class/hwmon/hwmon0/name': 'k10temp\n',
			'sys/class/hwmon/hwmon0/temp1_input': '45000\n',
			'sys/class/hwmon/hwmon0/temp1_crit': '99000\n',
			'sys/class/hwmon/hwmon1/temp1_input': '61500\n',
			'sys/class/hwmon/hwmon1/temp2_input': '',
			'sys/class/thermal/thermal_zone0/temp': '80000\n',
		})});
		assert.equal((await tick(hwmon)).temperature, 61.5);
		hwmon.close?.();

		const thermal = host({root: await fakeRoot({
			'proc/stat': STAT,
			'sys/class/thermal/thermal_zone0/temp': '38000\n',
			'sys/class/thermal/thermal_zone1/temp': '52000\n',
			'sys/class/thermal/cooling_device0/cur_state': '0\n',
		}, ['sys/class/hwmon'])});
		assert.equal((await tick(thermal)).temperature, 52);
		thermal.close?.();
	});

	test('the first tick measures against a snapshot taken at construction, at least 250 ms old', async () => {
		const root = await fakeRoot({'proc/stat': STAT});
		const started = performance.now();
		const collector = host({root});
		// Counters that move after the construction snapshot (give it 120 ms) show in the first
		// sample: its delta is real, not since boot.
		await delay(120);
		await writeFile(path.join(root, 'proc/stat'), 'cpu  150 0 100 850 0 0 0 0 0 0\ncpu0 100 0 50 400 0 0 0 0 0 0\ncpu1 50 0 50 450 0 0 0 0 0 0\n');
		const sample = await tick(collector);
		assert.ok(performance.now() - started >= 249, 'the first tick did not wait for a usable delta');
		assert.deepEqual([sample.cpu.total, sample.cpu.user, sample.cpu.cores], [50, 50, [100, 0]]);
		const second = performance.now();
		await tick(collector);
		assert.ok(performance.now() - second < 200, 'later ticks do not wait');
		collector.close?.();
	});

	test('an aborted signal rejects with its reason, also while the first tick waits for a usable delta', async () => {
		const collector = host({root: await fakeRoot({'proc/stat': STAT})});
		const reason = new Error('stop');
		await assert.rejects(collector.collect(AbortSignal.abort(reason)), error => error === reason);

		const controller = new AbortController();
		const started = performance.now();
		const pending = collector.collect(controller.signal);
		await delay(20);
		controller.abort(reason);
		await assert.rejects(pending, error => error === reason);
		assert.ok(performance.now() - started < 200, 'the abort was not honoured promptly');
		collector.close?.();
	});
});

// The filesystem holding `file` is on a physical disk (not loop, dm, md, zram, overlay, tmpfs).
async function isOnPhysicalDisk(file: string): Promise<boolean> {
	const {dev} = await stat(file);
	const major = Math.floor(dev / 256) % 4096;
	const minor = (dev % 256) + ((Math.floor(dev / 4096) & 0xfff00));
	try {
		return !(await realpath(`/sys/dev/block/${major}:${minor}`)).includes('/devices/virtual/');
	} catch {
		return false;
	}
}

describe('host collector on this machine', () => {
	test('two ticks give sane numbers', async () => {
		const collector = host();
		await tick(collector);
		await delay(300);
		const sample: HostSample = await tick(collector);
		collector.close?.();

		const {cpu} = sample;
		assert.ok(cpu.total >= 0 && cpu.total <= 100, `cpu.total ${cpu.total}`);
		// total is 100 minus the idle and iowait shares, so it is the sum of the busy shares.
		const busyShares = cpu.user + cpu.nice + cpu.system + cpu.irq + cpu.softirq + cpu.steal;
		assert.ok(Math.abs(cpu.total - busyShares) < 1e-9, `${cpu.total} vs ${busyShares}`);
		assert.ok(cpu.total + cpu.iowait <= 100 + 1e-9);
		assert.equal(cpu.cores.length, os.cpus().length);
		for (const core of cpu.cores) assert.ok(core >= 0 && core <= 100, `core ${core}`);

		const memTotalKb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]);
		assert.equal(sample.memory.total, memTotalKb * 1024);
		assert.ok(sample.memory.used > 0 && sample.memory.used < sample.memory.total);
		assert.ok(sample.memory.available + sample.memory.used === sample.memory.total);
		assert.ok(sample.swap.used <= sample.swap.total);

		const cwd = process.cwd();
		const mountOfCwd = sample.filesystems
			.filter(fs => fs.mount === '/' || cwd === fs.mount || cwd.startsWith(`${fs.mount}/`))
			.sort((a, b) => b.mount.length - a.mount.length)[0];
		assert.ok(mountOfCwd, `no filesystem for ${cwd} in ${JSON.stringify(sample.filesystems)}`);
		assert.ok(mountOfCwd.freePct >= 0 && mountOfCwd.freePct <= 100);
		assert.ok(mountOfCwd.sizeBytes > 0 && mountOfCwd.usedBytes <= mountOfCwd.sizeBytes);

		assert.ok(sample.uptime > 0);
		assert.ok(sample.uptime <= Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]));
		assert.equal(sample.hostname, os.hostname());
		assert.ok(sample.load.one >= 0 && sample.load.five >= 0 && sample.load.fifteen >= 0);
		for (const rate of [...Object.values(sample.disk), ...Object.values(sample.network)]) {
			assert.ok(Number.isFinite(rate) && rate >= 0, `rate ${rate}`);
		}

		assert.ok(sample.temperature === null || (sample.temperature > -50 && sample.temperature < 150));
	});

	test('busy child processes between two ticks show as CPU use', async () => {
		const cores = os.cpus().length;
		const burners = Math.min(cores, 4);
		const children = Array.from({length: burners}, () => cp.spawn(process.execPath, ['-e', 'for(;;){}'], {stdio: 'ignore'}));
		try {
			await Promise.all(children.map(async child => once(child, 'spawn')));
			await delay(300); // Past node's start-up, into the loop.
			const collector = host();
			await tick(collector);
			await delay(1000);
			const {cpu} = await tick(collector);
			collector.close?.();
			// In cores' worth of busy time: the burners alone keep `burners` cores busy.
			const busyCores = (cpu.total * cores) / 100;
			assert.ok(busyCores >= 0.7 * burners, `cpu.total ${cpu.total}% of ${cores} cores with ${burners} burners`);
			const coresBusy = cpu.cores.reduce((sum, core) => sum + core, 0) / 100;
			assert.ok(coresBusy >= 0.7 * burners, `per-core ${JSON.stringify(cpu.cores)}`);
		} finally {
			for (const child of children) child.kill('SIGKILL');
		}
	});

	test('writing a file with fsync between two ticks shows as disk writes', async t => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'dbtop-host-write-'));
		roots.push(dir);
		const file = path.join(dir, 'data');
		await writeFile(file, '');
		// On overlay, tmpfs, loop or device mapper the writes land elsewhere: the parser tests check those.
		if (!(await isOnPhysicalDisk(file))) {
			t.skip(`${os.tmpdir()} is not on a whole physical disk here`);
			return;
		}

		const size = 8 * 1024 * 1024;
		const collector = host();
		const started = performance.now();
		await tick(collector);
		const handle = await open(file, 'w');
		await handle.write(Buffer.alloc(size, 7));
		await handle.sync();
		await handle.close();
		const {disk} = await tick(collector);
		// Longer than the collector's own interval between snapshots, so rate x this is an upper bound.
		const seconds = (performance.now() - started) / 1000;
		collector.close?.();
		assert.ok(disk.writeBytesPerSec * seconds >= size / 2, `wrote ${size} bytes, saw ${disk.writeBytesPerSec} B/s over ${seconds} s`);
		assert.ok(disk.writeIops > 0);
	});

	test('a tick spawns no process; the distribution and the CPU model come from os-release and cpuinfo', async () => {
		type Fn = (...args: unknown[]) => unknown;
		const spawned: string[] = [];
		const proto = ChildProcess.prototype as unknown as {spawn: (this: ChildProcess, options: {file?: string}) => unknown};
		const originalSpawn = proto.spawn;
		const cpObject = cp as unknown as Record<string, Fn>;
		const syncNames = ['execSync', 'execFileSync', 'spawnSync'];
		const syncOriginals = syncNames.map(name => cpObject[name]);
		// Every child process from here on: async ones all go through ChildProcess#spawn, the sync
		// ones through these exports (synced into ESM named imports too).
		proto.spawn = function (this: ChildProcess, options: {file?: string}) {
			spawned.push(String(options.file));
			return originalSpawn.call(this, options);
		};
		for (const [i, name] of syncNames.entries()) {
			cpObject[name] = (...args: unknown[]) => {
				spawned.push(name);
				return syncOriginals[i](...args);
			};
		}

		syncBuiltinESMExports();
		try {
			const collector = host();
			await tick(collector);
			const sample = await tick(collector);
			collector.close?.();
			assert.deepEqual(spawned, []);
			assert.equal(sample.os, osName(await readFile('/etc/os-release', 'utf8')));
			assert.notEqual(sample.os, '', 'this machine names its distribution');
			assert.equal(sample.cpuModel, cpuName(await readFile('/proc/cpuinfo', 'utf8')));
		} finally {
			proto.spawn = originalSpawn;
			for (const [i, name] of syncNames.entries()) cpObject[name] = syncOriginals[i];
			syncBuiltinESMExports();
		}
	});
});
