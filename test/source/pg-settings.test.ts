import assert from 'node:assert/strict';
import {test} from 'node:test';
import {UsageError} from '../../source/app/usage-error.js';
import {parseKeyValue, resolvePgTarget} from '../../source/postgres/settings.js';

test('no settings at all: the Debian socket as the operating-system user, like psql', () => {
	const {config, target} = resolvePgTarget(undefined, {}, 'postgres');
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
	const fromEnv = resolvePgTarget(undefined, env, 'root');
	assert.equal(fromEnv.target, 'ops@db1:6432/shop');
	assert.equal(fromEnv.config.password, 's3cret');
	assert.deepEqual(fromEnv.config.ssl, {rejectUnauthorized: false});
	const url = resolvePgTarget('postgres://alice:p%40ss@db2:5433/app?sslmode=disable', env, 'root');
	assert.equal(url.target, 'alice@db2:5433/app');
	assert.equal(url.config.password, 'p@ss');
	assert.equal(url.config.ssl, false);
	assert.ok(!url.target.includes('p@ss'));
	const kv = resolvePgTarget("host=/tmp dbname='my db' user=bob password='it\\'s'", {}, 'root');
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
		assert.throws(() => resolvePgTarget(input, {}, 'root'), (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'), input);
	}
});

test('a URL with malformed percent-encoding: a UsageError naming the part, not a URIError', () => {
	for (const [input, part] of [
		['postgres://root:r%ZZ@host/db', 'password'],
		['postgres://r%ZZ@host/db', 'user'],
		['postgres://host/d%ZZb', 'database name'],
	] as const) {
		assert.throws(
			() => resolvePgTarget(input, {}, 'root'),
			(error: Error) => error instanceof UsageError && error.message === `--pg: the ${part} in the URL has a malformed percent-encoding (a % must be followed by two hex digits: %25 for % itself)`,
			input,
		);
	}
});

test('an error quoting the connection string never quotes its password', () => {
	for (const input of ['postgres://root:s3cret@[bad/db', 'postgres://root:s3cr@t@db:x/db', 'postgres://db:x/db?password=s3cret', 'host=db password=s3cret junk', "host=db password='s3 cret' 'open", 'password=s3cret host']) {
		assert.throws(
			() => resolvePgTarget(input, {}, 'root'),
			(error: Error) => error instanceof UsageError && !/s3/.test(error.message) && error.message.includes('***'),
			input,
		);
	}
});
