import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CLK_TCK, containerIdOf, cpuPercent, parseBootTimeMs, parseCmdline, parseIo, parsePasswd, parsePidStat, startedAtMs} from '../../collectors/process-parse.js';

const tail = 'S 1 1234 1234 0 -1 4194560 1189 0 0 0 150 25 0 0 20 5 3 0 98765 12345678 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0';

test('a stat line: state, ppid, times, nice, threads, start time, rss pages', () => {
	assert.deepEqual(parsePidStat(`4242 (postgres) ${tail}`), {
		comm: 'postgres',
		state: 'S',
		ppid: 1,
		ticks: 175,
		nice: 5,
		threads: 3,
		starttime: 98765,
		rssPages: 2560,
	});
});

test('the comm runs to the last parenthesis and may hold spaces, parens and escape bytes', () => {
	assert.equal(parsePidStat(`7 ((a) b (c))) ${tail}`)?.comm, '(a) b (c))');
	assert.equal(parsePidStat(`7 (x\u001B]0;x\u0007) ${tail}`)?.comm, 'x\u001B]0;x\u0007');
	assert.equal(parsePidStat(`7 (x) y) ${tail}`)?.ppid, 1);
});

test('a kernel thread and malformed lines', () => {
	const kthread = parsePidStat('2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 2 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 0 1 0 0 0 0 0');
	assert.equal(kthread?.state, 'S');
	assert.equal(kthread?.rssPages, 0);
	assert.equal(parsePidStat('garbage'), null);
	assert.equal(parsePidStat('1 (short) S 0'), null);
});

test('cmdline: NULs become spaces, the trailing NUL goes, empty means no command line', () => {
	assert.equal(parseCmdline(Buffer.from('postgres\u0000-D\u0000/data\u0000')), 'postgres -D /data');
	assert.equal(parseCmdline(Buffer.from('postgres: checkpointer   ')), 'postgres: checkpointer   ');
	assert.equal(parseCmdline(Buffer.from('psql\u0000-c\u0000\u0000SELECT \u6570\u636e\u0000')), 'psql -c  SELECT \u6570\u636e', 'an empty argument stays a space; UTF-8 decoded whole');
	assert.equal(parseCmdline(Buffer.from('')), null);
	assert.equal(parseCmdline(Buffer.from('\u0000')), null);
});

test('io: read_bytes and write_bytes', () => {
	const text = 'rchar: 100\nwchar: 200\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
	assert.deepEqual(parseIo(text), {readBytes: 4096, writeBytes: 8192});
	assert.equal(parseIo('rchar: 1\n'), null);
});

const id = 'a'.repeat(40) + '0123456789abcdef01234567';

test('container ids from cgroup v1 and v2 paths of docker, podman, cri-o, containerd and kubernetes', () => {
	assert.equal(containerIdOf(`0::/system.slice/docker-${id}.scope\n`), id);
	assert.equal(containerIdOf(`12:memory:/docker/${id}\n11:cpu:/docker/${id}\n`), id);
	assert.equal(containerIdOf(`0::/machine.slice/libpod-${id}.scope/container\n`), id);
	assert.equal(containerIdOf(`0::/machine.slice/libpod-conmon-${id}.scope\n`), null, 'conmon is not the container');
	assert.equal(containerIdOf(`0::/kubepods.slice/kubepods-burstable.slice/crio-${id}.scope\n`), id);
	assert.equal(containerIdOf(`0::/system.slice/containerd.service/kubepods/burstable/pod1/cri-containerd-${id}.scope`), id);
	assert.equal(containerIdOf(`4:memory:/kubepods/burstable/pod1234/${id}\n`), id);
	assert.equal(containerIdOf('0::/system.slice/postgresql@15-main.service\n'), null);
	assert.equal(containerIdOf('0::/\n'), null);
	assert.equal(containerIdOf(`0::/docker-${id.slice(1)}.scope\n`), null, '63 hex digits are not an id');
});

test('passwd: uid to name, comments and junk ignored, the first entry wins', () => {
	const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\npostgres:x:105:111::/var/lib/postgresql:/bin/bash\ntoor:x:0:0::/:/bin/sh\njunk\n');
	assert.equal(users.get(0), 'root');
	assert.equal(users.get(105), 'postgres');
	assert.equal(users.size, 2);
});

test('cpu % of one core from a tick delta', () => {
	assert.equal(cpuPercent(100, 1), 100);
	assert.equal(cpuPercent(50, 2), 25);
	assert.equal(cpuPercent(300, 1), 300, 'three busy threads');
	assert.equal(cpuPercent(-5, 1), 0, 'counters never go back for the same process');
	assert.equal(cpuPercent(10, 0), 0);
});

test('boot time from /proc/stat, and a process\'s start from it and its starttime in clock ticks', () => {
	assert.equal(parseBootTimeMs('cpu  1 2 3 4 5 6 7 8 0 0\nintr 5 0\nctxt 99\nbtime 1700000000\nprocesses 4242\n'), 1_700_000_000_000);
	assert.equal(parseBootTimeMs('cpu  1 2 3 4\n'), 0, 'no btime line');
	assert.equal(startedAtMs(98_765, 1_700_000_000_000), 1_700_000_000_000 + (98_765 / CLK_TCK) * 1000);
	assert.equal(startedAtMs(0, 1_700_000_000_000), 1_700_000_000_000, 'started at boot');
});
