// dbtop's output into a pipe, as `dbtop --json | jq` over a slow SSH link has it: a reader that
// reads late gets every byte, and a reader that goes away (`| head -c 600`) ends dbtop quietly
// with status 0. The pipes are FIFOs of the test's, so that nothing reads ahead of the test.
import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync} from 'node:fs';
import {Socket} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';

/** What a Linux pipe holds by default: what dbtop writes beyond it waits for the reader. */
const PIPE_BYTES = 65_536;
/** How long the late reader leaves dbtop waiting on a full pipe before it reads, if dbtop has not ended by then. */
const LATE_MS = 2000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-pipes-'));
// Postgres and the container engine at sockets that are not there; config and state in the test's directory.
const FLAGS = ['--interval', '200ms', '--pg', `host=${dir}/none`, '--docker', `${dir}/none.sock`];
const ENV = pinnedEnv(dir);
// A rule whose title alone is more than a pipe holds, firing on every mount: `check` prints it.
const CONFIG = path.join(dir, 'config.json');
const TITLE = `Free space ${'x'.repeat(PIPE_BYTES)}`;
let sleepers: ChildProcess[] = [];

before(() => {
	// 600 processes with 1 KB command lines: --json prints more than 600 KB, --once a line of up
	// to 120 columns for each, more than 64 KB in all.
	sleepers = Array.from({length: 600}, (_, index) => spawn('sleep', ['600'], {argv0: `dbtop-pipes-${index}-${'x'.repeat(1000)}`, stdio: 'ignore'}));
	const rules: Record<string, unknown> = Object.fromEntries(DEFAULT_RULES.map(rule => [rule.id, {enabled: false}]));
	rules['fs-free'] = {title: TITLE, metric: 'host.fsFreePct', comparison: 'below', warning: 101, critical: 101, scope: '/'};
	writeFileSync(CONFIG, JSON.stringify({rules}));
});

after(() => {
	for (const sleeper of sleepers) sleeper.kill();
	rmSync(dir, {recursive: true, force: true});
});

let pipes = 0;

/** Bytes a process has written so far, from /proc/<pid>/io (0 once it is gone). */
function written(pid: number): number {
	try {
		return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
	} catch {
		return 0;
	}
}

/** dbtop with its stdout into a FIFO that nobody reads yet: the read end, when dbtop has filled the pipe (or ended), and when it ends. */
function intoPipe(args: readonly string[]) {
	const fifo = path.join(dir, `stdout-${++pipes}`);
	execFileSync('mkfifo', [fifo]);
	// The read end first, not waiting for a writer; then the write end, which only dbtop keeps.
	const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
	const writeEnd = openSync(fifo, constants.O_WRONLY);
	const child = spawn(process.execPath, [CLI, ...args], {stdio: ['ignore', writeEnd, 'pipe'], env: ENV});
	closeSync(writeEnd);
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	let hasEnded = false;
	const ended = new Promise<{code: number | null; stderr: string}>(resolve => {
		child.on('close', code => {
			hasEnded = true;
			resolve({code, stderr});
		});
	});
	const filled = (async () => {
		while (!hasEnded && written(child.pid!) < PIPE_BYTES) await sleep(50);
	})();
	return {readEnd, filled, ended};
}

/** Everything from a pipe's read end until the writer closes it. */
function readAll(fd: number): Promise<string> {
	const socket = new Socket({fd, readable: true, writable: false});
	let text = '';
	socket.setEncoding('utf8').on('data', (chunk: string) => {
		text += chunk;
	});
	return new Promise((resolve, reject) => {
		socket.on('end', () => resolve(text)).on('error', reject);
	});
}

/** dbtop into a pipe read late: once dbtop has filled it and then either ended or waited LATE_MS. */
async function readLate(...args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	const run = intoPipe(args);
	await run.filled;
	await Promise.race([run.ended, sleep(LATE_MS)]);
	const stdout = await readAll(run.readEnd);
	return {stdout, ...(await run.ended)};
}

/** dbtop into a pipe whose reader reads a few hundred bytes once dbtop has filled it, then goes away. */
async function readFewAndClose(...args: string[]): Promise<{code: number | null; stderr: string}> {
	const run = intoPipe(args);
	await run.filled;
	readSync(run.readEnd, Buffer.alloc(600));
	closeSync(run.readEnd);
	return run.ended;
}

const pidsOfSleepers = () => sleepers.map(sleeper => sleeper.pid!);

test('--json read late: every byte arrives, one whole JSON object with every process, exit 0 (--pg and --docker: missing sockets; XDG dirs: the test\'s)', async () => {
	const {code, stdout, stderr} = await readLate('--json', ...FLAGS);
	assert.equal(code, 0, stderr);
	assert.equal(stderr, '');
	const listed = new Set((JSON.parse(stdout) as {processes: Array<{pid: number}>}).processes.map(row => row.pid));
	assert.deepEqual(pidsOfSleepers().filter(pid => !listed.has(pid)), []);
	assert.ok(Buffer.byteLength(stdout) > PIPE_BYTES, 'more than a pipe holds');
});

test('--once read late: every process has its line, exit 0 (--pg and --docker: missing sockets; XDG dirs: the test\'s)', async () => {
	const {code, stdout, stderr} = await readLate('--once', ...FLAGS);
	assert.equal(code, 0, stderr);
	assert.equal(stderr, '');
	const listed = new Set([...stdout.matchAll(/^[> ] *(\d+) \S+ .* dbtop-pipes-\d+-x+/gm)].map(match => Number(match[1])));
	assert.deepEqual(pidsOfSleepers().filter(pid => !listed.has(pid)), []);
	assert.ok(Buffer.byteLength(stdout) > PIPE_BYTES, 'more than a pipe holds');
});

test('check --json read late: the whole JSON, then its exit code (--pg and --docker: missing sockets; XDG dirs: the test\'s)', async () => {
	const {code, stdout, stderr} = await readLate('check', '--json', '--config', CONFIG, ...FLAGS);
	assert.equal(stderr, '');
	const result = JSON.parse(stdout) as {exitCode: number; alerts: Array<{rule: string; title: string}>};
	assert.ok(result.alerts.length > 0 && result.alerts.every(alert => alert.rule === 'fs-free' && alert.title === TITLE));
	assert.equal(code, result.exitCode);
});

test('--print-config read late: the whole config, exit 0 (XDG dirs: the test\'s)', async () => {
	const {code, stdout, stderr} = await readLate('--print-config', '--config', CONFIG);
	assert.equal(code, 0, stderr);
	assert.equal((JSON.parse(stdout) as {rules: Record<string, {title: string}>}).rules['fs-free']!.title, TITLE);
});

test('a reader that goes away after a few hundred bytes: --json, --once and check end with status 0 and nothing on stderr (--pg and --docker: missing sockets; XDG dirs: the test\'s)', async () => {
	for (const args of [['--json'], ['--once'], ['check', '--config', CONFIG]]) {
		// Three times each: whether a write fails before dbtop would exit depends on timing.
		for (let run = 0; run < 3; run++) {
			assert.deepEqual(await readFewAndClose(...args, ...FLAGS), {code: 0, stderr: ''}, args.join(' '));
		}
	}
});

test('a reader gone before dbtop writes: every print path ends with status 0 and nothing on stderr (--pg and --docker: missing sockets; XDG dirs: the test\'s)', () => {
	for (const args of [['--help'], ['--version'], ['--print-config'], ['--json', ...FLAGS], ['check', '--json', ...FLAGS]]) {
		const fifo = path.join(dir, `stdout-${++pipes}`);
		execFileSync('mkfifo', [fifo]);
		const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
		const writeEnd = openSync(fifo, constants.O_WRONLY);
		closeSync(readEnd);
		try {
			const result = spawnSync(process.execPath, [CLI, ...args], {stdio: ['ignore', writeEnd, 'pipe'], encoding: 'utf8', env: ENV, timeout: 30_000});
			assert.deepEqual({code: result.status, stderr: result.stderr}, {code: 0, stderr: ''}, args.join(' '));
		} finally {
			closeSync(writeEnd);
		}
	}
});
