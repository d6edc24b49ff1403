import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {UsageError} from '../../source/app/usage-error.js';
import {parseKeyValue, passwordFromFile, resolvePgTarget} from '../../source/postgres/settings.js';

test('no settings at all: the Debian socket as the operating-system user, like psql', () => {
	const {config, target} = resolvePgTarget(undefined, {env: {}, osUser: 'postgres', home: NO_HOME});
	assert.equal(config.host, '/var/run/postgresql');
	assert.equal(config.port, 5432);
	assert.equal(config.user, 'postgres');
	assert.equal(config.database, 'postgres');
	assert.equal(config.application_name, 'dbtop');
	assert.equal(config.password, undefined, 'pg then reads ~/.pgpass');
	assert.equal(target, 'postgres@/var/run/postgresql:5432/postgres');
});

test('PG* variables, then --pg over them; the password never in the description', () => {
	const env = {PGHOST: 'db1', PGPORT: '6432', PGUSER: 'ops', PGDATABASE: 'shop', PGPASSWORD: 's3cret', PGSSLMODE: 'require'};
	const fromEnv = resolvePgTarget(undefined, {env, osUser: 'root', home: NO_HOME});
	assert.equal(fromEnv.target, 'ops@db1:6432/shop');
	assert.equal(fromEnv.config.password, 's3cret');
	assert.deepEqual(fromEnv.config.ssl, {rejectUnauthorized: false, servername: 'db1'});
	const url = resolvePgTarget('postgres://alice:p%40ss@db2:5433/app?sslmode=disable', {env, osUser: 'root', home: NO_HOME});
	assert.equal(url.target, 'alice@db2:5433/app');
	assert.equal(url.config.password, 'p@ss');
	assert.equal(url.config.ssl, false);
	assert.ok(!url.target.includes('p@ss'));
	const kv = resolvePgTarget("host=/tmp dbname='my db' user=bob password='it\\'s'", {env: {}, osUser: 'root', home: NO_HOME});
	assert.equal(kv.target, 'bob@/tmp:5432/my db');
	assert.equal(kv.config.password, "it's");
});

test('key=value parsing follows libpq quoting', () => {
	assert.deepEqual(parseKeyValue("host = db  port=5432 password='a b\\'c'"), {host: 'db', port: '5432', password: "a b'c"});
});

test('bad input: one error naming it and what is accepted', () => {
	const cases: Array<[string, RegExp]> = [
		['host=db bogus=1', /unknown key "bogus"/],
		['postgres://db:notaport/x', /not a valid URL|port/],
		['postgres://db/x?color=red', /unknown parameter "color"/],
		['mysql://db/x', /not a connection string|scheme/],
		['host=db port=99999', /port "99999" is not a port number/],
		['host=db sslmode=maybe', /sslmode "maybe" is not one of disable/],
		["password='open", /unterminated quote/],
		['just words', /is not a connection string/],
	];
	for (const [input, message] of cases) {
		assert.throws(() => resolvePgTarget(input, {env: {}, osUser: 'root', home: NO_HOME}), (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'), input);
	}
});

test('a URL with malformed percent-encoding: a UsageError naming the part, not a URIError', () => {
	for (const [input, part] of [
		['postgres://root:r%ZZ@host/db', 'password'],
		['postgres://r%ZZ@host/db', 'user'],
		['postgres://host/d%ZZb', 'database name'],
	] as const) {
		assert.throws(
			() => resolvePgTarget(input, {env: {}, osUser: 'root', home: NO_HOME}),
			(error: Error) => error instanceof UsageError && error.message === `--pg: the ${part} in the URL has a malformed percent-encoding (a % must be followed by two hex digits: %25 for % itself)`,
			input,
		);
	}
});

test('an error quoting the connection string never quotes its password', () => {
	for (const input of ['postgres://root:s3cret@[bad/db', 'postgres://root:s3cr@t@db:x/db', 'postgres://db:x/db?password=s3cret', 'host=db password=s3cret junk', "host=db password='s3 cret' 'open", 'password=s3cret host']) {
		assert.throws(
			() => resolvePgTarget(input, {env: {}, osUser: 'root', home: NO_HOME}),
			(error: Error) => error instanceof UsageError && !/s3/.test(error.message) && error.message.includes('***'),
			input,
		);
	}
});

/** A home directory of the test's own, with files in it (paths relative to it), removed after `run`. */
function withHome(files: Record<string, string>, run: (home: string) => void): void {
	const home = mkdtempSync(path.join(os.tmpdir(), 'dbtop-pg-home-'));
	try {
		for (const [name, text] of Object.entries(files)) {
			mkdirSync(path.dirname(path.join(home, name)), {recursive: true});
			writeFileSync(path.join(home, name), text, {mode: 0o600});
		}

		run(home);
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
}

test('a service from pg_service.conf: the string over the service, the service over the environment', () => {
	const services = '# shared settings\n[shop]\nhost=db3\nport = 6543\ndbname=shop\nuser=svc\n\n[other]\nhost=elsewhere\n';
	withHome({'.pg_service.conf': services}, home => {
		const named = resolvePgTarget('service=shop', {env: {PGHOST: 'envhost', PGDATABASE: 'envdb', PGAPPNAME: 'from-env'}, osUser: 'root', home});
		assert.equal(named.target, 'svc@db3:6543/shop');
		assert.equal(named.config.application_name, 'from-env', 'what the service leaves unset comes from the environment');
		const overridden = resolvePgTarget('service=shop dbname=other', {env: {}, osUser: 'root', home});
		assert.equal(overridden.target, 'svc@db3:6543/other');
		assert.equal(resolvePgTarget(undefined, {env: {PGSERVICE: 'other'}, osUser: 'root', home}).config.host, 'elsewhere');
		const file = path.join(home, 'services.conf');
		writeFileSync(file, '[shop]\nhost=from-file\n');
		assert.equal(resolvePgTarget('postgres:///?service=shop', {env: {PGSERVICEFILE: file}, osUser: 'root', home}).config.host, 'from-file');
		writeFileSync(path.join(home, 'pg_service.conf'), services);
		assert.equal(resolvePgTarget('service=shop', {env: {PGSERVICEFILE: path.join(home, 'none.conf'), PGSYSCONFDIR: home}, osUser: 'root', home: NO_HOME}).config.host, 'db3', 'then the system-wide file');
		assert.throws(() => resolvePgTarget('service=nope', {env: {PGSYSCONFDIR: path.join(home, 'etc')}, osUser: 'root', home}), /--pg: service "nope" is not defined in .*\.pg_service\.conf or .*pg_service\.conf$/);
		writeFileSync(file, '[bad]\nhost=x\ncolour=red\n');
		assert.throws(() => resolvePgTarget('service=bad', {env: {PGSERVICEFILE: file}, osUser: 'root', home}), /services\.conf line 3: "colour" is not a connection key a service can set/);
	});
});

test('the password file: the first matching line, wildcards and escapes; a file others can read is ignored', () => {
	const lines = '# comment\ndb1:5432:shop:ops:first\n*:*:*:ops:any\\:thing\\\\\nlocalhost:5432:*:root:socket\n';
	withHome({'.pgpass': lines}, home => {
		const file = path.join(home, '.pgpass');
		assert.equal(passwordFromFile(file, {host: 'db1', port: 5432, database: 'shop', user: 'ops'}), 'first');
		assert.equal(passwordFromFile(file, {host: 'db9', port: 6432, database: 'x', user: 'ops'}), 'any:thing\\');
		assert.equal(passwordFromFile(file, {host: '/var/run/postgresql', port: 5432, database: 'root', user: 'root'}), 'socket', 'localhost stands for the default socket');
		assert.equal(passwordFromFile(file, {host: 'db1', port: 5432, database: 'shop', user: 'nobody'}), undefined);
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops', {env: {}, osUser: 'root', home}).config.password, 'first');
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops password=given', {env: {}, osUser: 'root', home}).config.password, 'given');
		const other = path.join(home, 'other.pgpass');
		writeFileSync(other, 'db1:5432:shop:ops:from-passfile\n', {mode: 0o600});
		assert.equal(resolvePgTarget(`host=db1 dbname=shop user=ops passfile=${other}`, {env: {}, osUser: 'root', home}).config.password, 'from-passfile');
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops', {env: {PGPASSFILE: other}, osUser: 'root', home}).config.password, 'from-passfile');
		chmodSync(other, 0o644);
		assert.equal(passwordFromFile(other, {host: 'db1', port: 5432, database: 'shop', user: 'ops'}), undefined);
	});
});

test('TLS as libpq: verify-full and verify-ca need a root certificate, require checks one where there is one, client certificates are sent', () => {
	const certificate = '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n';
	withHome({'ca.crt': certificate, 'client.crt': 'client cert', 'client.key': 'client key'}, home => {
		const ca = path.join(home, 'ca.crt');
		const full = resolvePgTarget(`host=db.example sslmode=verify-full sslrootcert=${ca}`, {env: {}, osUser: 'root', home: NO_HOME}).config.ssl as Record<string, unknown>;
		assert.deepEqual({...full}, {rejectUnauthorized: true, ca: certificate, servername: 'db.example'});
		const byCa = resolvePgTarget('host=db.example sslmode=verify-ca', {env: {PGSSLROOTCERT: ca}, osUser: 'root', home: NO_HOME}).config.ssl as {checkServerIdentity: () => unknown; rejectUnauthorized: boolean};
		assert.equal(byCa.rejectUnauthorized, true);
		assert.equal(byCa.checkServerIdentity(), undefined, 'verify-ca does not check the host name');
		assert.throws(() => resolvePgTarget('host=db sslmode=verify-full', {env: {}, osUser: 'root', home: NO_HOME}), /--pg: sslmode verify-full needs a root certificate: set sslrootcert \(or put it at \/nonexistent\/dbtop-test-home\/\.postgresql\/root\.crt\)/);
		assert.deepEqual(resolvePgTarget('host=db sslmode=require', {env: {}, osUser: 'root', home: NO_HOME}).config.ssl, {rejectUnauthorized: false, servername: 'db'});
		assert.equal((resolvePgTarget('host=db sslmode=verify-full sslrootcert=system', {env: {}, osUser: 'root', home: NO_HOME}).config.ssl as {ca?: string}).ca, undefined, 'system: the system\'s CAs');
		const client = resolvePgTarget(`host=db sslmode=require sslcert=${path.join(home, 'client.crt')} sslkey=${path.join(home, 'client.key')}`, {env: {}, osUser: 'root', home: NO_HOME}).config.ssl as {cert: string; key: string};
		assert.deepEqual([client.cert, client.key], ['client cert', 'client key']);
		assert.throws(() => resolvePgTarget('host=db sslmode=require sslcert=/nonexistent/x.crt sslkey=/nonexistent/x.key', {env: {}, osUser: 'root', home: NO_HOME}), /--pg: sslcert "\/nonexistent\/x\.crt" cannot be read \(ENOENT\)/);
	});
	withHome({'.postgresql/root.crt': certificate, '.postgresql/postgresql.crt': 'default cert', '.postgresql/postgresql.key': 'default key'}, home => {
		const ssl = resolvePgTarget('host=db sslmode=require', {env: {}, osUser: 'root', home}).config.ssl as {rejectUnauthorized: boolean; ca: string; cert: string; key: string};
		assert.equal(ssl.rejectUnauthorized, true, 'require with ~/.postgresql/root.crt checks the chain, as libpq does');
		assert.deepEqual([ssl.ca, ssl.cert, ssl.key], [certificate, 'default cert', 'default key']);
		assert.equal(resolvePgTarget('host=db sslmode=disable', {env: {}, osUser: 'root', home}).config.ssl, false);
	});
});

test('application_name, options and hostaddr, as keys, URL parameters and PG* variables', () => {
	const fromKeys = resolvePgTarget("host=db.example hostaddr=10.0.0.7 application_name=nightly options='-c statement_timeout=5s' sslmode=require", {env: {}, osUser: 'root', home: NO_HOME});
	assert.equal(fromKeys.config.host, '10.0.0.7', 'connects to hostaddr');
	assert.equal((fromKeys.config.ssl as {servername: string}).servername, 'db.example', 'and checks the host name');
	assert.equal(fromKeys.target, 'root@db.example (10.0.0.7):5432/root');
	assert.equal(fromKeys.config.application_name, 'nightly');
	assert.equal(fromKeys.config.options, '-c statement_timeout=5s');
	const fromUrl = resolvePgTarget('postgresql://ops@db.example/shop?hostaddr=10.0.0.8&application_name=url-app&options=-c%20work_mem%3D4MB&connect_timeout=3', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual([fromUrl.config.host, fromUrl.config.application_name, fromUrl.config.options, fromUrl.config.connectionTimeoutMillis], ['10.0.0.8', 'url-app', '-c work_mem=4MB', 3000]);
	const fromEnv = resolvePgTarget(undefined, {env: {PGHOST: 'db', PGHOSTADDR: '10.0.0.9', PGAPPNAME: 'env-app', PGOPTIONS: '-c search_path=x'}, osUser: 'root', home: NO_HOME});
	assert.deepEqual([fromEnv.config.host, fromEnv.config.application_name, fromEnv.config.options], ['10.0.0.9', 'env-app', '-c search_path=x']);
	assert.equal(resolvePgTarget(undefined, {env: {}, osUser: 'root', home: NO_HOME}).config.application_name, 'dbtop', 'dbtop names itself unless told');
});
