import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {UsageError} from '../../source/app/usage-error.js';
import {mismatch} from '../../source/postgres/connect.js';
import {parseKeyValue, passwordFromFile, resolvePgTarget, type TargetSessionAttrs} from '../../source/postgres/settings.js';

test('no settings at all: the Debian socket as the operating-system user, like psql', () => {
	const {hosts, target} = resolvePgTarget(undefined, {env: {}, osUser: 'postgres', home: NO_HOME});
	const {config} = hosts[0]!;
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
	assert.equal(fromEnv.hosts[0]!.config.password, 's3cret');
	assert.deepEqual(fromEnv.hosts[0]!.config.ssl, {rejectUnauthorized: false, servername: 'db1'});
	const url = resolvePgTarget('postgres://alice:p%40ss@db2:5433/app?sslmode=disable', {env, osUser: 'root', home: NO_HOME});
	assert.equal(url.target, 'alice@db2:5433/app');
	assert.equal(url.hosts[0]!.config.password, 'p@ss');
	assert.equal(url.hosts[0]!.config.ssl, false);
	assert.ok(!url.target.includes('p@ss'));
	const kv = resolvePgTarget("host=/tmp dbname='my db' user=bob password='it\\'s'", {env: {}, osUser: 'root', home: NO_HOME});
	assert.equal(kv.target, 'bob@/tmp:5432/my db');
	assert.equal(kv.hosts[0]!.config.password, "it's");
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
		assert.equal(named.hosts[0]!.config.application_name, 'from-env', 'what the service leaves unset comes from the environment');
		const overridden = resolvePgTarget('service=shop dbname=other', {env: {}, osUser: 'root', home});
		assert.equal(overridden.target, 'svc@db3:6543/other');
		assert.equal(resolvePgTarget(undefined, {env: {PGSERVICE: 'other'}, osUser: 'root', home}).hosts[0]!.config.host, 'elsewhere');
		const file = path.join(home, 'services.conf');
		writeFileSync(file, '[shop]\nhost=from-file\n');
		assert.equal(resolvePgTarget('postgres:///?service=shop', {env: {PGSERVICEFILE: file}, osUser: 'root', home}).hosts[0]!.config.host, 'from-file');
		writeFileSync(path.join(home, 'pg_service.conf'), services);
		assert.equal(resolvePgTarget('service=shop', {env: {PGSERVICEFILE: path.join(home, 'none.conf'), PGSYSCONFDIR: home}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.host, 'db3', 'then the system-wide file');
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
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops', {env: {}, osUser: 'root', home}).hosts[0]!.config.password, 'first');
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops password=given', {env: {}, osUser: 'root', home}).hosts[0]!.config.password, 'given');
		const other = path.join(home, 'other.pgpass');
		writeFileSync(other, 'db1:5432:shop:ops:from-passfile\n', {mode: 0o600});
		assert.equal(resolvePgTarget(`host=db1 dbname=shop user=ops passfile=${other}`, {env: {}, osUser: 'root', home}).hosts[0]!.config.password, 'from-passfile');
		assert.equal(resolvePgTarget('host=db1 dbname=shop user=ops', {env: {PGPASSFILE: other}, osUser: 'root', home}).hosts[0]!.config.password, 'from-passfile');
		chmodSync(other, 0o644);
		assert.equal(passwordFromFile(other, {host: 'db1', port: 5432, database: 'shop', user: 'ops'}), undefined);
	});
});

test('TLS as libpq: verify-full and verify-ca need a root certificate, require checks one where there is one, client certificates are sent', () => {
	const certificate = '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n';
	withHome({'ca.crt': certificate, 'client.crt': 'client cert', 'client.key': 'client key'}, home => {
		const ca = path.join(home, 'ca.crt');
		const full = resolvePgTarget(`host=db.example sslmode=verify-full sslrootcert=${ca}`, {env: {}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.ssl as Record<string, unknown>;
		assert.deepEqual({...full}, {rejectUnauthorized: true, ca: certificate, servername: 'db.example'});
		const byCa = resolvePgTarget('host=db.example sslmode=verify-ca', {env: {PGSSLROOTCERT: ca}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.ssl as {checkServerIdentity: () => unknown; rejectUnauthorized: boolean};
		assert.equal(byCa.rejectUnauthorized, true);
		assert.equal(byCa.checkServerIdentity(), undefined, 'verify-ca does not check the host name');
		assert.throws(() => resolvePgTarget('host=db sslmode=verify-full', {env: {}, osUser: 'root', home: NO_HOME}), /--pg: sslmode verify-full needs a root certificate: set sslrootcert \(or put it at \/nonexistent\/dbtop-test-home\/\.postgresql\/root\.crt\)/);
		assert.deepEqual(resolvePgTarget('host=db sslmode=require', {env: {}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.ssl, {rejectUnauthorized: false, servername: 'db'});
		assert.equal((resolvePgTarget('host=db sslmode=verify-full sslrootcert=system', {env: {}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.ssl as {ca?: string}).ca, undefined, 'system: the system\'s CAs');
		const client = resolvePgTarget(`host=db sslmode=require sslcert=${path.join(home, 'client.crt')} sslkey=${path.join(home, 'client.key')}`, {env: {}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.ssl as {cert: string; key: string};
		assert.deepEqual([client.cert, client.key], ['client cert', 'client key']);
		assert.throws(() => resolvePgTarget('host=db sslmode=require sslcert=/nonexistent/x.crt sslkey=/nonexistent/x.key', {env: {}, osUser: 'root', home: NO_HOME}), /--pg: sslcert "\/nonexistent\/x\.crt" cannot be read \(ENOENT\)/);
	});
	withHome({'.postgresql/root.crt': certificate, '.postgresql/postgresql.crt': 'default cert', '.postgresql/postgresql.key': 'default key'}, home => {
		const ssl = resolvePgTarget('host=db sslmode=require', {env: {}, osUser: 'root', home}).hosts[0]!.config.ssl as {rejectUnauthorized: boolean; ca: string; cert: string; key: string};
		assert.equal(ssl.rejectUnauthorized, true, 'require with ~/.postgresql/root.crt checks the chain, as libpq does');
		assert.deepEqual([ssl.ca, ssl.cert, ssl.key], [certificate, 'default cert', 'default key']);
		assert.equal(resolvePgTarget('host=db sslmode=disable', {env: {}, osUser: 'root', home}).hosts[0]!.config.ssl, false);
	});
});

test('application_name, options and hostaddr, as keys, URL parameters and PG* variables', () => {
	const fromKeys = resolvePgTarget("host=db.example hostaddr=10.0.0.7 application_name=nightly options='-c statement_timeout=5s' sslmode=require", {env: {}, osUser: 'root', home: NO_HOME});
	assert.equal(fromKeys.hosts[0]!.config.host, '10.0.0.7', 'connects to hostaddr');
	assert.equal((fromKeys.hosts[0]!.config.ssl as {servername: string}).servername, 'db.example', 'and checks the host name');
	assert.equal(fromKeys.target, 'root@db.example (10.0.0.7):5432/root');
	assert.equal(fromKeys.hosts[0]!.config.application_name, 'nightly');
	assert.equal(fromKeys.hosts[0]!.config.options, '-c statement_timeout=5s');
	const fromUrl = resolvePgTarget('postgresql://ops@db.example/shop?hostaddr=10.0.0.8&application_name=url-app&options=-c%20work_mem%3D4MB&connect_timeout=3', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual([fromUrl.hosts[0]!.config.host, fromUrl.hosts[0]!.config.application_name, fromUrl.hosts[0]!.config.options, fromUrl.hosts[0]!.config.connectionTimeoutMillis], ['10.0.0.8', 'url-app', '-c work_mem=4MB', 3000]);
	const fromEnv = resolvePgTarget(undefined, {env: {PGHOST: 'db', PGHOSTADDR: '10.0.0.9', PGAPPNAME: 'env-app', PGOPTIONS: '-c search_path=x'}, osUser: 'root', home: NO_HOME});
	assert.deepEqual([fromEnv.hosts[0]!.config.host, fromEnv.hosts[0]!.config.application_name, fromEnv.hosts[0]!.config.options], ['10.0.0.9', 'env-app', '-c search_path=x']);
	assert.equal(resolvePgTarget(undefined, {env: {}, osUser: 'root', home: NO_HOME}).hosts[0]!.config.application_name, 'dbtop', 'dbtop names itself unless told');
});

test('several hosts: host, hostaddr and port lists as libpq pairs them, one port for all or one for each', () => {
	const each = resolvePgTarget('host=db1,db2,db3 port=5432,5433,5434 dbname=shop user=ops', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(each.hosts.map(({config}) => [config.host, config.port]), [['db1', 5432], ['db2', 5433], ['db3', 5434]]);
	assert.equal(each.target, 'ops@db1:5432,db2:5433,db3:5434/shop');
	assert.equal(each.targetSessionAttrs, 'any');
	const one = resolvePgTarget('host=db1,db2 port=6432', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(one.hosts.map(({config}) => config.port), [6432, 6432], 'one port serves every host');
	const defaults = resolvePgTarget('host=db1,,db3 port=,7000,', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(defaults.hosts.map(({name}) => name), ['db1:5432', '/var/run/postgresql:7000', 'db3:5432'], 'an empty entry is the default');
	const addressed = resolvePgTarget('host=a.example,b.example hostaddr=10.0.0.1,10.0.0.2 sslmode=require', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(addressed.hosts.map(({config}) => [config.host, (config.ssl as {servername: string}).servername]), [['10.0.0.1', 'a.example'], ['10.0.0.2', 'b.example']], 'each host connects to its address and checks its own name');
	assert.equal(addressed.target, 'root@a.example (10.0.0.1):5432,b.example (10.0.0.2):5432/root');
	const byAddress = resolvePgTarget('hostaddr=10.0.0.1,10.0.0.2 sslmode=require', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(byAddress.hosts.map(({config}) => [config.host, config.ssl]), [['10.0.0.1', {rejectUnauthorized: false}], ['10.0.0.2', {rejectUnauthorized: false}]], 'addresses alone: no server name (an address is checked as itself)');
	assert.equal(byAddress.target, 'root@10.0.0.1:5432,10.0.0.2:5432/root');
	const fromEnv = resolvePgTarget(undefined, {env: {PGHOST: 'db1,db2', PGPORT: '1,2', PGTARGETSESSIONATTRS: 'read-write'}, osUser: 'root', home: NO_HOME});
	assert.deepEqual([fromEnv.target, fromEnv.targetSessionAttrs], ['root@db1:1,db2:2/root', 'read-write']);
});

test('a URL with several hosts, and target_session_attrs as a key, a URL parameter and PGTARGETSESSIONATTRS', () => {
	const url = resolvePgTarget('postgres://ops:pw@db1:5432,[::1]:5433,db3/shop?target_session_attrs=prefer-standby', {env: {}, osUser: 'root', home: NO_HOME});
	assert.deepEqual(url.hosts.map(({config}) => [config.host, config.port, config.password, config.user, config.database]), [['db1', 5432, 'pw', 'ops', 'shop'], ['::1', 5433, 'pw', 'ops', 'shop'], ['db3', 5432, 'pw', 'ops', 'shop']]);
	assert.equal(url.target, 'ops@db1:5432,::1:5433,db3:5432/shop');
	assert.equal(url.targetSessionAttrs, 'prefer-standby');
	assert.equal(resolvePgTarget('postgresql://%2Ftmp%2Fpg,db2/x', {env: {}, osUser: 'root', home: NO_HOME}).target, 'root@/tmp/pg:5432,db2:5432/x');
	for (const attrs of ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']) {
		assert.equal(resolvePgTarget(`host=db target_session_attrs=${attrs}`, {env: {}, osUser: 'root', home: NO_HOME}).targetSessionAttrs, attrs);
	}

	assert.equal(resolvePgTarget('host=db target_session_attrs=primary', {env: {PGTARGETSESSIONATTRS: 'standby'}, osUser: 'root', home: NO_HOME}).targetSessionAttrs, 'primary', 'the string over the environment');
});

test('several hosts, bad input: one error naming the lists and what is accepted', () => {
	const cases: Array<[string, Record<string, string>, RegExp]> = [
		['host=db1,db2 port=5432,5433,5434', {}, /^--pg: port "5432,5433,5434" lists 3 ports for 2 hosts \("db1,db2"\): give one port for every host, or one for each$/],
		['postgres://db1:1,db2:2,db3:3/x?port=1,2', {}, /^--pg: port "1,2" lists 2 ports for 3 hosts \("db1,db2,db3"\)/],
		['', {PGHOST: 'db1,db2,db3', PGPORT: '1,2'}, /^--pg: port "1,2" lists 2 ports for 3 hosts \("db1,db2,db3"\)/],
		['host=db1,db2 hostaddr=10.0.0.1', {}, /^--pg: hostaddr "10.0.0.1" lists 1 addresses for the 2 hosts of host "db1,db2" \(give one address for each host\)$/],
		['host=db1,db2 port=5432,x', {}, /^--pg: port "5432,x" is not a port number \(accepted: 1 to 65535, one for every host or one for each, separated by commas\)$/],
		['host=db target_session_attrs=master', {}, /^--pg: target_session_attrs "master" is not one of any, read-write, read-only, primary, standby, prefer-standby$/],
		['postgres://u:s3cret@db1,db2:x/db', {}, /^--pg: "postgres:\/\/u:\*\*\*@db1,db2:x\/db" is not a valid URL/],
	];
	for (const [input, env, message] of cases) {
		assert.throws(() => resolvePgTarget(input || undefined, {env, osUser: 'root', home: NO_HOME}), (error: Error) => error instanceof UsageError && message.test(error.message), input);
	}
});

test('each host\'s password from its own line of the password file', () => {
	withHome({'.pgpass': 'db1:5432:shop:ops:one\ndb2:5433:shop:ops:two\n'}, home => {
		const {hosts} = resolvePgTarget('host=db1,db2,db3 port=5432,5433,5434 dbname=shop user=ops', {env: {}, osUser: 'root', home});
		assert.deepEqual(hosts.map(({config}) => config.password), ['one', 'two', undefined]);
		assert.deepEqual(resolvePgTarget('host=db1,db2 port=5432,5433 dbname=shop user=ops password=given', {env: {}, osUser: 'root', home}).hosts.map(({config}) => config.password), ['given', 'given']);
	});
});

test('target_session_attrs: which servers each value takes', () => {
	const primary = {isReadOnly: false, isStandby: false};
	const readOnlyPrimary = {isReadOnly: true, isStandby: false};
	const standby = {isReadOnly: true, isStandby: true};
	const takes = (attrs: TargetSessionAttrs) => [primary, readOnlyPrimary, standby].map(server => mismatch(attrs, server) === null);
	assert.deepEqual(takes('any'), [true, true, true]);
	assert.deepEqual(takes('read-write'), [true, false, false]);
	assert.deepEqual(takes('read-only'), [false, true, true]);
	assert.deepEqual(takes('primary'), [true, true, false]);
	assert.deepEqual(takes('standby'), [false, false, true]);
	assert.deepEqual(takes('prefer-standby'), [false, false, true], 'the first pass; any server in the second');
	assert.equal(mismatch('read-write', readOnlyPrimary), 'server is read-only (target_session_attrs=read-write)');
});
