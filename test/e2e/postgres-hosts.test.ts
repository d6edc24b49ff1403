// Several hosts in --pg, against real servers: a writable primary, a primary whose transactions are
// read-only by default, and a hot standby (a server in recovery). dbtop --json takes the host
// target_session_attrs asks for; each server has a marker session that shows which one it read.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {createPgConnection} from '../../collectors/postgres-connection.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {CLI, NO_HOME, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';

// No container engine: this file is about Postgres.
const NO_ENGINE = ['--docker', 'unix:///nonexistent/dbtop-test.sock'];
// Ports nothing listens on (below 1024, so no test server is given one).
const DOWN = [1, 2] as const;
const home = mkdtempSync(path.join(os.tmpdir(), 'dbtop-pg-hosts-'));
let servers: {primary: TestServer; readOnly: TestServer; standby: TestServer};

before(async () => {
	servers = {
		primary: await startPostgres(18),
		readOnly: await startPostgres(18, {default_transaction_read_only: 'on'}),
		standby: await startPostgres(18, {}, {isStandby: true}),
	};
	for (const [name, server] of Object.entries(servers)) await server.connect({application: `marker-${name}`});
});

after(async () => {
	await Promise.all(Object.values(servers).map(async server => server.stop()));
	rmSync(home, {recursive: true, force: true});
});

type Snapshot = {postgres: {target: string; error?: string; sessions?: Array<{application: string}>}};

/** dbtop --json with `--pg "host=127.0.0.1,... port=P1,... <extra>"`. */
function snapshot(ports: readonly number[], extra: string): Snapshot['postgres'] {
	const pg = `host=${ports.map(() => '127.0.0.1').join(',')} port=${ports.join(',')} user=postgres password=dbtop-test dbname=postgres ${extra}`;
	const result = spawnSync(process.execPath, [CLI, '--json', '--pg', pg, ...NO_ENGINE, '--interval', '300ms'], {encoding: 'utf8', timeout: 30_000, env: pinnedEnv(home)});
	assert.equal(result.status, 0, `${result.signal ?? ''} ${result.error?.message ?? ''} ${result.stderr}`);
	return (JSON.parse(result.stdout) as Snapshot).postgres;
}

/** Which server a snapshot read, by its marker session. */
function markerOf(postgres: Snapshot['postgres']): string {
	assert.equal(postgres.error, undefined);
	return (postgres.sessions ?? []).map(session => session.application).find(application => application.startsWith('marker-')) ?? 'none';
}

test('target_session_attrs picks the first host that is what it asks for', () => {
	const {primary, readOnly, standby} = servers;
	const writable = snapshot([readOnly.port, standby.port, primary.port], 'target_session_attrs=read-write');
	assert.equal(markerOf(writable), 'marker-primary');
	assert.equal(writable.target, `postgres@127.0.0.1:${readOnly.port},127.0.0.1:${standby.port},127.0.0.1:${primary.port}/postgres`);
	assert.equal(markerOf(snapshot([primary.port, readOnly.port], 'target_session_attrs=read-only')), 'marker-readOnly');
	assert.equal(markerOf(snapshot([standby.port, readOnly.port], 'target_session_attrs=primary')), 'marker-readOnly', 'read-only transactions do not make a standby');
	assert.equal(markerOf(snapshot([primary.port, standby.port], 'target_session_attrs=standby')), 'marker-standby');
	assert.equal(markerOf(snapshot([primary.port, standby.port], 'target_session_attrs=prefer-standby')), 'marker-standby');
	assert.equal(markerOf(snapshot([readOnly.port, primary.port], 'target_session_attrs=prefer-standby')), 'marker-readOnly', 'no standby: the first server that answered');
	assert.equal(markerOf(snapshot([standby.port, primary.port], '')), 'marker-standby', 'any: the first host');
});

test('a host that is down is skipped; when none will do, one line names each host and why', () => {
	const {primary, readOnly, standby} = servers;
	assert.equal(markerOf(snapshot([DOWN[0], primary.port], '')), 'marker-primary');
	const down = snapshot(DOWN, '');
	assert.equal(down.error, `cannot connect to postgres@127.0.0.1:1,127.0.0.1:2/postgres: 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1; 127.0.0.1:2: connect ECONNREFUSED 127.0.0.1:2`);
	const unsuitable = snapshot([DOWN[0], readOnly.port, standby.port], 'target_session_attrs=read-write');
	assert.equal(unsuitable.error, `cannot connect to postgres@127.0.0.1:1,127.0.0.1:${readOnly.port},127.0.0.1:${standby.port}/postgres: 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1; 127.0.0.1:${readOnly.port}: server is read-only (target_session_attrs=read-write); 127.0.0.1:${standby.port}: server is read-only (target_session_attrs=read-write)`);
	assert.ok(!unsuitable.error.includes('dbtop-test'), 'never the password');
});

test('another database of the same server is read on the host the connection took, whatever that database is', async () => {
	const {primary, readOnly} = servers;
	// Read-only by default: target_session_attrs=read-write would turn this database's connection away.
	await primary.sql('CREATE DATABASE archive');
	await primary.sql('ALTER DATABASE archive SET default_transaction_read_only = on');
	const connection = createPgConnection(resolvePgTarget(`host=127.0.0.1,127.0.0.1 port=${readOnly.port},${primary.port} user=postgres password=dbtop-test target_session_attrs=read-write`, {env: {}, osUser: 'root', home: NO_HOME}));
	try {
		assert.deepEqual(await connection.query('SELECT current_setting(\'port\')::int AS port'), [{port: primary.port}]);
		assert.deepEqual(await connection.queryDatabase('archive', 'SELECT current_setting(\'port\')::int AS port, current_database() AS name'), [{port: primary.port, name: 'archive'}]);
	} finally {
		await connection.close();
	}
});
