// TLS to a real server, as libpq does it: a PostgreSQL 18 with a certificate from a CA the test
// makes (openssl), reached by `dbtop --json --pg` with sslmode verify-full and verify-ca, with the
// right CA, with another CA and with none. No container engine; home, config and state the test's own.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';

const NO_ENGINE = ['--docker', 'unix:///nonexistent/dbtop-test.sock'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-tls-'));
const file = (name: string) => path.join(dir, name);
let server: TestServer;

/** A CA and, unless `isCaOnly`, a certificate it signs for localhost. */
function makeCertificates(name: string, isCaOnly = false): void {
	const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=dbtop test ${name} CA`, '-keyout', `${name}-ca.key`, '-out', `${name}-ca.crt`);
	if (isCaOnly) return;
	writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost\n');
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
	openssl('x509', '-req', '-in', 'server.csr', '-CA', `${name}-ca.crt`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
}

before(async () => {
	makeCertificates('right');
	makeCertificates('other', true);
	// The server refuses a key others can read, or one not its own (as root, it runs as `postgres`,
	// which must be able to reach the files).
	if (process.getuid?.() === 0) {
		chmodSync(dir, 0o755);
		const uid = Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).trim());
		for (const name of ['server.key', 'server.crt']) chownSync(file(name), uid, 0);
	}

	server = await startPostgres(18, {ssl: 'on', ssl_cert_file: file('server.crt'), ssl_key_file: file('server.key')});
});

after(async () => {
	await server?.stop();
	rmSync(dir, {recursive: true, force: true});
});

/** `dbtop --json` against the server at `host` with the TLS settings given; its exit status, the Postgres part of its JSON (if any) and its stderr. */
function snapshot(host: string, tls: string): {status: number | null; postgres: {server?: {versionNum: number}; error?: string} | null; stderr: string} {
	const conninfo = `host=${host} port=${server.port} user=${server.user} password=${server.password} dbname=postgres ${tls}`;
	const result = spawnSync(process.execPath, [CLI, '--json', '--pg', conninfo, ...NO_ENGINE, '--interval', '300ms'], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(dir)});
	const json = result.status === 0 ? (JSON.parse(result.stdout) as {postgres: {server?: {versionNum: number}; error?: string}}) : null;
	return {status: result.status, postgres: json?.postgres ?? null, stderr: result.stderr};
}

test('verify-full with the CA that signed the server certificate: connected over TLS', () => {
	const {status, postgres} = snapshot('localhost', `sslmode=verify-full sslrootcert=${file('right-ca.crt')}`);
	assert.equal(status, 0);
	assert.ok((postgres?.server?.versionNum ?? 0) >= 180_000, JSON.stringify(postgres));
});

test('verify-full with another CA: the certificate is refused, and the snapshot says so', () => {
	const {status, postgres} = snapshot('localhost', `sslmode=verify-full sslrootcert=${file('other-ca.crt')}`);
	assert.equal(status, 0);
	assert.equal(postgres?.server, undefined);
	assert.match(postgres?.error ?? '', /certificate/i);
});

test('verify-full with no CA at all: one line, exit 2, before connecting', () => {
	const {status, stderr} = snapshot('localhost', 'sslmode=verify-full');
	assert.equal(status, 2);
	assert.match(stderr.trim(), /^dbtop: --pg: sslmode verify-full needs a root certificate: set sslrootcert \(or put it at .*\/\.postgresql\/root\.crt\)$/);
	assert.doesNotMatch(stderr, new RegExp(server.password));
});

test('by address: verify-full refuses a name the certificate does not hold, verify-ca checks the chain only, hostaddr keeps the name', () => {
	const byAddress = snapshot('127.0.0.1', `sslmode=verify-full sslrootcert=${file('right-ca.crt')}`);
	assert.equal(byAddress.postgres?.server, undefined);
	assert.match(byAddress.postgres?.error ?? '', /127\.0\.0\.1|altnames|host ?name/i);
	const chainOnly = snapshot('127.0.0.1', `sslmode=verify-ca sslrootcert=${file('right-ca.crt')}`);
	assert.ok(chainOnly.postgres?.server, JSON.stringify(chainOnly.postgres));
	const named = snapshot('localhost', `hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=${file('right-ca.crt')}`);
	assert.ok(named.postgres?.server, JSON.stringify(named.postgres));
});
