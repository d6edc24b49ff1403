// One process tick against the kernel's own cost of producing the same /proc files: a tick reads
// /proc/<pid>/stat of every process (what never changes is read once per process), and so do the
// floors, measured in turn with the ticks: `cat` over the same files, and the same reads in this
// process with nothing done with what they return.
import {spawn, execFile, type ChildProcess} from 'node:child_process';
import {closeSync, openSync, readdirSync, readSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {promisify} from 'node:util';
import {processes} from '../../collectors/processes.js';
import {median} from './median.js';
import {ratioOf, verdict} from './budget.js';

const EXTRA_PROCESSES = 1500;
const TICKS = 20;

/** CPU ms of `cat /proc/[0-9]*\/stat > /dev/null`, from bash's `times` for its children (bash lists /proc for the glob, in its own time). */
async function catFloorMs(): Promise<number> {
	const {stdout} = await promisify(execFile)('bash', ['-c', 'cat /proc/[0-9]*/stat > /dev/null 2>&1; times']);
	// Second line of `times`: the children's user and system time, e.g. `0m0.012s 0m0.034s`.
	const [user, system] = stdout.trim().split('\n')[1]!.split(' ').map(part => {
		const match = /(\d+)m([\d.]+)s/.exec(part)!;
		return Number(match[1]) * 60_000 + Number(match[2]) * 1000;
	});
	return user! + system!;
}

/** CPU ms of this process listing /proc and reading each /proc/<pid>/stat as a tick does (open, one read, close), without decoding or parsing it. */
function bareReadsMs(): number {
	const buffer = Buffer.allocUnsafe(8192);
	const before = process.cpuUsage();
	for (const name of readdirSync('/proc')) {
		const first = name.charCodeAt(0);
		if (first < 48 || first > 57) continue;
		try {
			const fd = openSync(`/proc/${name}/stat`, 'r');
			try {
				readSync(fd, buffer, 0, buffer.length, 0);
			} finally {
				closeSync(fd);
			}
		} catch {
			// Gone between the listing and the read.
		}
	}

	const used = process.cpuUsage(before);
	return (used.user + used.system) / 1000;
}

/** Spawns 1,500 idle processes, then reports the median CPU ms of a processes tick and of the cat floor. */
export async function benchProcessScan(): Promise<string[]> {
	const children: ChildProcess[] = [];
	try {
		for (let i = 0; i < EXTRA_PROCESSES; i++) {
			children.push(spawn('sleep', ['600'], {stdio: 'ignore'}));
			if (i % 100 === 99) await sleep(50);
		}

		await sleep(500);
		const collector = processes({focus: () => null});
		const signal = new AbortController().signal;
		let count = (await collector.collect(signal)).processes.length;
		const tickMs: number[] = [];
		const floorMs: number[] = [];
		const bareMs: number[] = [];
		for (let i = 0; i < TICKS; i++) {
			await sleep(100);
			const before = process.cpuUsage();
			count = (await collector.collect(signal)).processes.length;
			const used = process.cpuUsage(before);
			tickMs.push((used.user + used.system) / 1000);
			floorMs.push(await catFloorMs());
			bareMs.push(bareReadsMs());
		}

		const tick = median(tickMs);
		const floor = median(floorMs);
		const bare = median(bareMs);
		return [
			`processes: ${count} (${EXTRA_PROCESSES} idle ones spawned for the run)`,
			`one processes tick: ${tick.toFixed(1)} ms CPU (median of ${TICKS})`,
			`floor, cat /proc/[0-9]*/stat: ${floor.toFixed(1)} ms CPU (median of ${TICKS}; bash's times, 10 ms resolution on some kernels)`,
			`ratio: ${ratioOf(tick, floor, 0.001).toFixed(2)}x the floor · budget at most 1.5x: ${verdict(ratioOf(tick, floor, 0.001) <= 1.5)}`,
			`bare reads, this process listing /proc and reading each stat file as a tick does (open, one read, close), nothing done with what they return: ${bare.toFixed(1)} ms CPU (median of ${TICKS}): the tick is ${(tick / Math.max(bare, 0.001)).toFixed(2)}x that`,
			`method: the same files on every side, /proc/<pid>/stat of every process; the tick's CPU is this process's (process.cpuUsage) around one collect() of a collector that has seen every process once, so it also lists /proc and decodes, compares and parses what changed; cat's is cat's alone (bash lists /proc for it; cat also stats each file, reads to its end and writes what it read); one tick, one cat, one round of bare reads, ${TICKS} times, 100 ms apart`,
		];
	} finally {
		for (const child of children) child.kill('SIGKILL');
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchProcessScan()) console.log(line);
}
