// The processes collector against this machine's real /proc.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {processes} from '../../collectors/processes.js';
import type {ProcessSample} from '../../source/types.js';

const signal = new AbortController().signal;

function start(args: string[]): {child: ChildProcess; exited: Promise<unknown>} {
	const child = spawn(args[0]!, args.slice(1), {stdio: 'ignore'});
	return {child, exited: once(child, 'exit')};
}

/** Ticks until the sample satisfies the check (bounded), returning that sample. */
async function tickUntil(collect: () => Promise<ProcessSample>, check: (sample: ProcessSample) => boolean): Promise<ProcessSample> {
	let sample = await collect();
	for (let i = 0; i < 50 && !check(sample); i++) {
		await sleep(100);
		sample = await collect();
	}

	return sample;
}

test('a spawned process is found with the right fields, then vanishes when it ends', async () => {
	const marker = `dbtop-test-${process.pid}-${Date.now()}`;
	const {child, exited} = start([process.execPath, '-e', 'setInterval(() => {}, 1e5)', marker]);
	let focus: number | null = child.pid!;
	const collector = processes({focus: () => focus});
	try {
		const startedAround = Date.now();
		const sample = await tickUntil(async () => collector.collect(signal), s => s.processes.some(row => row.pid === child.pid && row.command.includes(marker)));
		const row = sample.processes.find(row => row.pid === child.pid)!;
		assert.ok(row, 'found');
		assert.equal(row.ppid, process.pid);
		assert.equal(row.user, os.userInfo().username);
		assert.equal(row.command, `${process.execPath} -e setInterval(() => {}, 1e5) ${marker}`);
		assert.equal(row.comm, 'node');
		assert.match(row.state, /^[RS]$/);
		assert.ok(row.threads >= 1);
		assert.ok(row.rss > 1024 * 1024, `rss ${row.rss}`);
		assert.ok(row.memPct > 0 && row.memPct < 100);
		assert.ok(Math.abs(row.startedAt - startedAround) < 5000, `started ${row.startedAt - startedAround} ms off`);
		assert.equal(row.containerId, null);
		const {detail} = sample;
		assert.equal(detail?.pid, child.pid);
		assert.ok((detail?.fdCount ?? 0) >= 3, `fds ${detail?.fdCount}`);
		assert.notEqual(detail?.readBytesPerSec, null, detail?.ioError ?? '');
		assert.equal(detail?.ioError, null);
		assert.match(detail?.cgroup ?? '', /^\d+:/);

		child.kill('SIGKILL');
		await exited;
		const after = await tickUntil(async () => collector.collect(signal), s => !s.processes.some(row => row.pid === child.pid));
		assert.ok(!after.processes.some(row => row.pid === child.pid), 'gone from the list');
		assert.equal(after.detail, null);
		focus = null;
	} finally {
		child.kill('SIGKILL');
	}
});

test('a busy process shows CPU % on the second tick', async () => {
	const {child} = start([process.execPath, '-e', 'for (;;) {}']);
	const collector = processes({focus: () => null});
	try {
		await sleep(200);
		await collector.collect(signal);
		await sleep(500);
		const row = (await collector.collect(signal)).processes.find(row => row.pid === child.pid);
		assert.ok(row && row.cpuPct > 40, `cpu ${row?.cpuPct}`);
		assert.equal(row.state, 'R');
		assert.ok(row.cpuTime > 0.1);
	} finally {
		child.kill('SIGKILL');
	}
});

test('a process that execs another program shows the new command under the same pid', async () => {
	const {child} = start(['sh', '-c', 'sleep 0.4; exec sleep 30']);
	const collector = processes({focus: () => null});
	try {
		const before = await tickUntil(async () => collector.collect(signal), s => s.processes.some(row => row.pid === child.pid));
		assert.equal(before.processes.find(row => row.pid === child.pid)?.command, 'sh -c sleep 0.4; exec sleep 30');
		const after = await tickUntil(async () => collector.collect(signal), s => s.processes.find(row => row.pid === child.pid)?.comm === 'sleep');
		const row = after.processes.find(row => row.pid === child.pid);
		assert.equal(row?.command, 'sleep 30');
	} finally {
		child.kill('SIGKILL');
	}
});

test('the list holds this process, and pid 1 with no parent', async () => {
	const collector = processes({focus: () => null});
	const sample = await collector.collect(signal);
	assert.ok(sample.processes.some(row => row.pid === process.pid));
	assert.equal(sample.processes.find(row => row.pid === 1)?.ppid, 0);
});

// Where the tests run in a PID namespace of their own (a container), no kernel thread is visible.
const kernelThreads = (() => {
	try {
		return readFileSync('/proc/2/comm', 'utf8').trim() === 'kthreadd' ? null : 'pid 2 is not kthreadd here';
	} catch {
		return 'no kernel thread is visible here (a PID namespace of its own)';
	}
})();

test('kernel threads are listed by name in brackets', {skip: kernelThreads ?? false}, async () => {
	const collector = processes({focus: () => null});
	const sample = await collector.collect(signal);
	assert.equal(sample.processes.find(row => row.pid === 2)?.command, '[kthreadd]');
});

test('an aborted tick throws its reason', async () => {
	const controller = new AbortController();
	controller.abort(new Error('timed out after 1s'));
	await assert.rejects(processes({focus: () => null}).collect(controller.signal), /timed out after 1s/);
});
