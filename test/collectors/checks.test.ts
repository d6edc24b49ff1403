// The service checks against this machine: its real processes, sockets and files.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {once} from 'node:events';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {addToWindow, listeningPorts} from '../../collectors/check-parse.js';
import {serviceCheck} from '../../collectors/checks.js';
import {validateConfig, type ServiceCheck} from '../../source/app/config.js';

const signal = new AbortController().signal;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-checks-'));
after(() => rmSync(dir, {recursive: true, force: true}));

function checkOf(fields: Record<string, unknown>): ServiceCheck {
	return validateConfig({checks: {probe: fields}}, 'test.json').checks[0]!;
}

test('listening ports from /proc/net/tcp text: only LISTEN sockets count', () => {
	const text = [
		'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
		'   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   108        0 1 1',
		'   1: 0100007F:10F2 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
		'   2: 00000000000000000000000001000000:10E1 00000000000000000000000000000000:0000 0A 0 0 0',
	].join('\n');
	assert.deepEqual([...listeningPorts(text)], [5432, 4321]);
});

test('the count window forgets what is older than the window', () => {
	const window = {buckets: [], windowMs: 60_000};
	assert.equal(addToWindow(window, 0, 2), 2);
	assert.equal(addToWindow(window, 30_000, 3), 5);
	assert.equal(addToWindow(window, 60_000, 0), 3);
	assert.equal(addToWindow(window, 90_000, 0), 0);
});

test('process check: counts this test runner by its name, and finds none of a name nobody has', async () => {
	const running = await serviceCheck(checkOf({process: 'node'})).collect(signal);
	assert.ok(running.value >= 1, `node processes: ${running.value}`);
	assert.equal(running.detail, `${running.value} running`);
	assert.equal(running.resource, 'node');
	assert.deepEqual(await serviceCheck(checkOf({process: `nobody-${process.pid}`})).collect(signal), {resource: `nobody-${process.pid}`, value: 0, detail: '0 running'});
});

test('port check: listening while a server listens, not after it closes', async () => {
	const server = createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const {port} = server.address() as {port: number};
	const collector = serviceCheck(checkOf({port, interval: 5}));
	assert.equal(collector.id, 'check:probe');
	assert.equal(collector.intervalMs, 5000);
	assert.deepEqual(await collector.collect(signal), {resource: `:${port}`, value: 1, detail: 'listening'});
	server.close();
	await once(server, 'close');
	assert.deepEqual(await collector.collect(signal), {resource: `:${port}`, value: 0, detail: 'not listening'});
});

test('log check: counts only new matching lines, across chunks, rotation and truncation, within the window', async () => {
	const file = path.join(dir, 'postgresql.log');
	writeFileSync(file, 'ERROR written before dbtop started\n');
	let now = 0;
	const collector = serviceCheck(checkOf({log: file, pattern: 'ERROR|FATAL', window: '1m'}), {now: () => now});
	const collect = async (at: number) => {
		now = at;
		return (await collector.collect(signal)).value;
	};

	assert.equal(await collect(0), 0);
	appendFileSync(file, 'LOG: fine\nERROR: one\nFATAL: two\nERR');
	assert.equal(await collect(1000), 2);
	// The half-written line is counted once it is complete.
	appendFileSync(file, 'OR: three, finished later\n');
	assert.equal(await collect(2000), 3);
	// More than one read chunk in one tick.
	appendFileSync(file, `${'x'.repeat(100)}\n`.repeat(20_000) + 'FATAL: after a megabyte\n');
	assert.equal(await collect(3000), 4);
	// Rotated: the new file is read from its start.
	renameSync(file, `${file}.1`);
	writeFileSync(file, 'ERROR: in the new file\n');
	assert.equal(await collect(4000), 5);
	// Truncated in place (copytruncate): read from the start again.
	truncateSync(file, 0);
	assert.equal(await collect(4500), 5);
	appendFileSync(file, 'ERROR: after truncation\n');
	assert.equal(await collect(5000), 6);
	// A minute later the first counts have left the window.
	assert.equal(await collect(61_500), 4);
	assert.equal((await collector.collect(signal)).detail, '4 in 1m');
});

test('log check: a missing file is an error naming it; once it appears it is read from its start', async () => {
	const file = path.join(dir, 'later.log');
	const collector = serviceCheck(checkOf({log: file, pattern: 'PANIC'}));
	await assert.rejects(collector.collect(signal), new RegExp(`^Error: ${file.replaceAll('.', '\\.')}: no such file$`));
	writeFileSync(file, 'PANIC: at once\n');
	assert.equal((await collector.collect(signal)).value, 1);
});

test('log check: a directory or a FIFO is an error naming it, never a healthy count of 0', async () => {
	const fifo = path.join(dir, 'log.fifo');
	spawnSync('mkfifo', [fifo]);
	for (const [file, kind] of [[dir, 'a directory'], [fifo, 'a FIFO']] as const) {
		const collector = serviceCheck(checkOf({log: file, pattern: 'PANIC'}));
		await assert.rejects(collector.collect(signal), new RegExp(`^Error: ${file.replaceAll('.', '\\.')}: ${kind}, not a log file$`));
	}
});

test('log check: a second collector goes on from the first one\'s position, its counts included; a position for another file is not used', async () => {
	const file = path.join(dir, 'kept.log');
	writeFileSync(file, 'old ERROR\n');
	let now = 0;
	const check = checkOf({log: file, pattern: 'ERROR', window: '1m'});
	const first = serviceCheck(check, {now: () => now});
	assert.equal((await first.collect(signal)).value, 0);
	appendFileSync(file, 'ERROR one\nERROR half-writ');
	now = 10_000;
	assert.equal((await first.collect(signal)).value, 1);
	const position = first.position()!;
	assert.equal(position.path, file);
	// The half-written line is not past the bookmark: the next run reads it whole.
	appendFileSync(file, 'ten\nERROR two\n');
	now = 20_000;
	const second = serviceCheck(check, {now: () => now, start: JSON.parse(JSON.stringify(position))});
	assert.equal((await second.collect(signal)).value, 3);
	now = 75_000;
	assert.equal((await second.collect(signal)).value, 2, 'the first run\'s count has left the window');
	const elsewhere = serviceCheck(checkOf({log: path.join(dir, 'other.log'), pattern: 'ERROR'}), {start: position});
	writeFileSync(path.join(dir, 'other.log'), 'ERROR before\n');
	assert.equal((await elsewhere.collect(signal)).value, 0);
	assert.equal(serviceCheck(checkOf({port: 1})).position(), null);
});
