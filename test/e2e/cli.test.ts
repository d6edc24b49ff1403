// The command line, run as a user runs it: the built binary, its stdout, stderr and exit code.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {CLI, NO_SERVERS, pinnedEnv} from '../helpers/dbtop.js';

// Config and alert state of the tests' own.
const home = mkdtempSync(path.join(os.tmpdir(), 'dbtop-cli-'));
after(() => rmSync(home, {recursive: true, force: true}));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version;

function run(...args: string[]) {
	// stdin and stdout are pipes here: not a terminal.
	const result = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(home)});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

// Loaded into the CLI through NODE_OPTIONS: prints the largest size V8's new space (the young
// generation, two semi-spaces) reached, sampled every 20 ms and at exit.
const HEAP_PROBE = `
import v8 from 'node:v8';
let largest = 0;
const sample = () => { largest = Math.max(largest, v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space').space_size); };
setInterval(sample, 20).unref();
process.on('exit', () => { sample(); process.stderr.write('new space ' + largest + '\\n'); });
`;

function largestNewSpace(command: string, args: readonly string[]): number {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-heap-'));
	try {
		const probe = path.join(dir, 'probe.mjs');
		writeFileSync(probe, HEAP_PROBE);
		const result = spawnSync(command, args, {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(home, {NODE_OPTIONS: `--import=${probe}`})});
		const size = /^new space (\d+)$/m.exec(result.stderr)?.[1];
		assert.ok(size, `no new space size from ${command} ${args.join(' ')}: ${result.stderr}`);
		return Number(size);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

test('the young generation stays within 2 MB semi-spaces started as the bin and as node dist/dbtop.js', () => {
	const limit = 2 * 2 * 1024 * 1024;
	// The probe sees growth: a program allocating as much without the limit grows past it.
	const churn = 'let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({i}); if (keep.length > 2e5) keep = []; }';
	assert.ok(largestNewSpace(process.execPath, ['-e', churn]) > limit, 'the probe does not see the new space grow');
	assert.ok(largestNewSpace(CLI, ['--once', '--interval', '300ms', ...NO_SERVERS]) <= limit, 'the bin');
	assert.ok(largestNewSpace(process.execPath, [CLI, '--once', '--interval', '300ms', ...NO_SERVERS]) <= limit, 'node dist/dbtop.js');
});

// Loaded into the CLI through NODE_OPTIONS: prints which of pg, dockerode and Node's http were
// loaded by exit (importing a CommonJS package enters it in require's cache; a built-in module is
// in process.moduleLoadList).
const MODULE_PROBE = `
import {createRequire} from 'node:module';
const {cache} = createRequire(import.meta.url);
process.on('exit', () => {
	const loaded = ['pg', 'dockerode'].filter(name => Object.keys(cache).some(file => file.includes('/node_modules/' + name + '/')));
	if (process.moduleLoadList.includes('NativeModule http')) loaded.push('node:http');
	process.stderr.write('loaded: ' + loaded.join(' ') + '\\n');
});
`;

function loadedModules(args: readonly string[]): string[] {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-modules-'));
	try {
		const probe = path.join(dir, 'probe.mjs');
		writeFileSync(probe, MODULE_PROBE);
		// Only stderr is read: stdout (every process on a busy host, megabytes) is not kept.
		const result = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'ignore', 'pipe'], env: pinnedEnv(home, {NODE_OPTIONS: `--import=${probe}`})});
		const loaded = /^loaded: (.*)$/m.exec(result.stderr)?.[1];
		assert.ok(loaded !== undefined, `no module list: ${result.stderr}`);
		return loaded.split(' ').filter(Boolean);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

test('pg and the engine\'s http client are not loaded while the Postgres and engine sockets are missing, and are once a socket is there; dockerode never is', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-sockets-'));
	try {
		const missing = loadedModules(['--json', '--interval', '200ms', '--pg', `host=${dir}/none`, '--docker', `${dir}/none.sock`]);
		assert.deepEqual(missing, []);
		// Files standing in for the sockets: connecting fails, but only after loading the client.
		writeFileSync(path.join(dir, '.s.PGSQL.5432'), '');
		writeFileSync(path.join(dir, 'docker.sock'), '');
		const present = loadedModules(['--json', '--interval', '200ms', '--pg', `host=${dir}`, '--docker', `${dir}/docker.sock`]);
		assert.deepEqual(present.sort(), ['node:http', 'pg']);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('--help prints usage and the flags, exit 0', () => {
	const {code, stdout} = run('--help');
	assert.equal(code, 0);
	for (const flag of ['--interval', '--once', '--json', '--no-color', '--version']) {
		assert.ok(stdout.includes(flag), flag);
	}
});

test('--version prints the package version', () => {
	const {code, stdout} = run('--version');
	assert.equal(code, 0);
	assert.equal(stdout.trim(), VERSION);
});

test('--once prints one text snapshot with the host and every process, no escape sequences', () => {
	const child = spawn('sleep', ['30']);
	try {
		const {code, stdout, stderr} = run('--once', '--interval', '300ms', ...NO_SERVERS);
		assert.equal(code, 0, stderr);
		assert.match(stdout, /^dbtop /m);
		assert.match(stdout, /^CPU {2}\[/m);
		assert.match(stdout, /PID USER +CPU%/);
		assert.match(stdout, new RegExp(`^ +${child.pid} root .* sleep 30$`, 'm'));
		assert.doesNotMatch(stdout, /\u001B/);
	} finally {
		child.kill();
	}
});

test('--json prints one JSON snapshot in base units', () => {
	const {code, stdout, stderr} = run('--json', '--interval', '300ms', ...NO_SERVERS);
	assert.equal(code, 0, stderr);
	const snapshot = JSON.parse(stdout) as Record<string, any>;
	assert.equal(snapshot['version'], VERSION);
	assert.ok(Math.abs(snapshot['time'] - Date.now()) < 60_000);
	const {host} = snapshot;
	for (const key of ['total', 'user', 'nice', 'system', 'iowait', 'irq', 'softirq', 'steal']) {
		assert.equal(typeof host.cpu[key], 'number', `host.cpu.${key}`);
	}

	assert.ok(Array.isArray(host.cpu.cores) && host.cpu.cores.length > 0);
	assert.equal(typeof host.load.one, 'number');
	assert.ok(host.memory.total > 1024 * 1024, 'memory in bytes');
	assert.equal(typeof host.swap.total, 'number');
	assert.equal(typeof host.disk.readBytesPerSec, 'number');
	assert.equal(typeof host.network.rxBytesPerSec, 'number');
	assert.ok(host.filesystems.every((fs: any) => typeof fs.mount === 'string' && fs.freePct >= 0 && fs.freePct <= 100));
	assert.ok(host.temperature === null || typeof host.temperature === 'number');
	assert.ok(host.uptime > 0);
	const self = snapshot['processes'].find((row: any) => row.pid === process.pid);
	assert.ok(self, 'the test runner itself is listed');
	for (const key of ['pid', 'ppid', 'cpuPct', 'memPct', 'rss', 'cpuTime', 'threads']) {
		assert.equal(typeof self[key], 'number', key);
	}

	assert.ok(self.rss > 1024 * 1024, 'rss in bytes');
	assert.equal(typeof self.user, 'string');
	assert.match(self.command, /node/);
});

test('an unknown flag: one line naming it, exit 2', () => {
	const {code, stdout, stderr} = run('--bogus');
	assert.equal(code, 2);
	assert.equal(stdout, '');
	assert.equal(stderr, 'dbtop: unknown flag --bogus (see dbtop --help)\n');
});

test('an unknown short flag is named as typed: -x, and the first of -xy', () => {
	for (const [flags, named] of [[['-x'], '-x'], [['-xy'], '-x'], [['-h'], '-h'], [['--once', '-i', '2'], '-i']] as const) {
		const {code, stdout, stderr} = run(...flags);
		assert.equal(code, 2, flags.join(' '));
		assert.equal(stdout, '');
		assert.equal(stderr, `dbtop: unknown flag ${named} (see dbtop --help)\n`);
	}
});

test('flags as typed: a wrong case is unknown, an on/off flag takes no value, a flag with no value or an empty one is named', () => {
	for (const [args, message] of [
		[['--JSON'], 'unknown flag --JSON (see dbtop --help)'],
		[['--json=1'], '--json: takes no value (give --json alone)'],
		[['--no-color=false', '--once'], '--no-color: takes no value (give --no-color alone)'],
		[['--once', '--docker'], '--docker: empty (accepted: a socket path, unix:///path, tcp://host:port)'],
		[['--once', '--docker', ''], '--docker: empty (accepted: a socket path, unix:///path, tcp://host:port)'],
		[['--once', '--user='], '--user: empty (accepted: a name)'],
		[['--once', '--interval'], '--interval: empty (accepted: a duration such as 2s, or collector=duration)'],
		[['--once', '--config', ''], '--config: empty (accepted: the path of a JSON file)'],
	] as const) {
		const {code, stdout, stderr} = run(...args);
		assert.equal(code, 2, args.join(' '));
		assert.equal(stdout, '');
		assert.equal(stderr, `dbtop: ${message}\n`);
	}
});

test('a bad value: one line naming the flag and the value, exit 2', () => {
	const {code, stderr} = run('--interval', 'soon', '--once');
	assert.equal(code, 2);
	assert.equal(stderr, 'dbtop: --interval: "soon" is not a duration (accepted: 500ms, 2s, 1.5s, 2)\n');
	const zero = run('--interval', '0', '--once');
	assert.equal(zero.code, 2);
	assert.equal(zero.stderr, 'dbtop: --interval: "0" is too short (the shortest is 100ms)\n');
});

test('a bad --pg: one line, exit 2, no stack trace and never the password', () => {
	const malformed = run('--once', '--pg', 'postgres://root:r%ZZ@host/db');
	assert.equal(malformed.code, 2);
	assert.equal(malformed.stderr, 'dbtop: --pg: the password in the URL has a malformed percent-encoding (a % must be followed by two hex digits: %25 for % itself)\n');
	const invalid = run('--once', '--pg', 'postgres://root:s3cret@db:port/db');
	assert.equal(invalid.code, 2);
	assert.equal(invalid.stderr, 'dbtop: --pg: "postgres://root:***@db:port/db" is not a valid URL (accepted: a postgres:// URL or key=value pairs with keys host, hostaddr, port, user, dbname, password, passfile, sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, options, service, target_session_attrs)\n');
	const keyValue = run('--once', '--pg', 'host=db password=s3cret oops');
	assert.equal(keyValue.code, 2);
	assert.doesNotMatch(keyValue.stderr, /s3cret/);
});

test('stdout not a terminal and neither --once nor --json: one line, exit 2', () => {
	const {code, stdout, stderr} = run();
	assert.equal(code, 2);
	assert.equal(stdout, '');
	assert.equal(stderr, 'dbtop: stdout is not a terminal: use --once for text or --json for JSON\n');
});

test('--print-config prints the effective config with the defaults filled in', () => {
	const missing = run('--print-config', '--config', '/dev/null/none.json');
	assert.equal(missing.code, 2, 'an explicit --config that cannot be read stops start-up');
	assert.equal(missing.stdout, '');
	assert.match(missing.stderr, /^dbtop: \/dev\/null\/none\.json: cannot read it: /);
	const result = spawnSync(process.execPath, [CLI, '--print-config'], {encoding: 'utf8', env: pinnedEnv(home, {XDG_CONFIG_HOME: '/nonexistent'})});
	assert.equal(result.status, 0, result.stderr);
	const config = JSON.parse(result.stdout) as {rules: Record<string, {warning: number; critical: number; for: number}>};
	assert.deepEqual([config.rules['cpu']!.warning, config.rules['cpu']!.critical, config.rules['cpu']!.for], [80, 95, 120]);
});

test('a --config that is not a regular file, or is over 1 MB, is refused at once: a FIFO, /dev/zero, a directory', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-cli-config-'));
	try {
		const fifo = path.join(dir, 'config.fifo');
		spawnSync('mkfifo', [fifo]);
		const big = path.join(dir, 'big.json');
		writeFileSync(big, `{"rules": {}}${' '.repeat(1024 * 1024)}`);
		for (const [file, reason] of [
			[fifo, 'a FIFO, not a regular file'],
			['/dev/zero', 'a character device, not a regular file'],
			[dir, 'a directory, not a regular file'],
			[big, 'larger than 1 MB'],
		] as const) {
			// Killed, not asked, were it stuck: a FIFO with no writer blocks the open.
			const result = spawnSync(process.execPath, [CLI, '--once', '--config', file], {encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: pinnedEnv(home)});
			assert.equal(result.status, 2, file);
			assert.equal(result.stderr, `dbtop: ${file}: cannot read it: ${reason}\n`);
		}
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('an invalid config: one line per problem naming the field, exit 2', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-cli-config-'));
	try {
		const file = path.join(dir, 'config.json');
		writeFileSync(file, JSON.stringify({rules: {cpu: {warning: 'high'}, memory: {for: 'soon'}}}));
		const {code, stderr} = run('--once', '--config', file);
		assert.equal(code, 2);
		assert.equal(
			stderr,
			`dbtop: ${file}: rules.cpu.warning: expected a number, or null to turn that level off\ndbtop: ${file}: rules.memory.for: expected a duration: seconds as a number, or "30s", "5m", "500ms"\n`,
		);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('a config error quoting control bytes from the file shows them made visible', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-cli-config-'));
	try {
		const file = path.join(dir, 'config.json');
		writeFileSync(file, JSON.stringify({rules: {'cpu\u001b]0;owned\u0007': {warning: 'x'}}}));
		const {code, stderr} = run('--once', '--config', file);
		assert.equal(code, 2);
		assert.doesNotMatch(stderr, /[\u0000-\u0009\u000b-\u001f]/, 'no control byte but the newlines');
		assert.match(stderr, /cpu\\x1b\]0;owned\\x07/);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('--json has each service check\'s reading, and a check that cannot read its log under errors', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-cli-checks-'));
	try {
		const file = path.join(dir, 'config.json');
		const missing = path.join(dir, 'missing.log');
		writeFileSync(file, JSON.stringify({checks: {node: {process: 'node'}, errors: {log: missing, pattern: 'ERROR'}}}));
		const {code, stdout, stderr} = run('--json', '--interval', '300ms', '--config', file, ...NO_SERVERS);
		assert.equal(code, 0, stderr);
		const snapshot = JSON.parse(stdout) as {checks: Array<{name: string; resource: string; value: number; detail: string}>; errors: Record<string, string>};
		assert.deepEqual(
			snapshot.checks.map(check => [check.name, check.resource]),
			[['node', 'node']],
		);
		assert.ok(snapshot.checks[0]!.value >= 1 && snapshot.checks[0]!.detail === `${snapshot.checks[0]!.value} running`);
		assert.equal(snapshot.errors['check:errors'], `${missing}: no such file`);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
