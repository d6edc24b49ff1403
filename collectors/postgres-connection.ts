// One connection to the Postgres server, shared by the sessions and locks collectors. It is made
// on first use and again after it breaks (restart, network cut, dbtop's backend terminated):
// the failing tick throws, the scheduler backs off, and the next tick reconnects. pg itself is
// loaded on the first attempt to connect, and not at all while the server's Unix socket is missing
// (no Postgres on this host), so start-up and a host without Postgres do not pay for it. Which of
// several hosts is taken is source/postgres/connect.ts's business.
import {readFileSync} from 'node:fs';
import type pg from 'pg';
import {connectTarget, pgErrorMessage} from '../source/postgres/connect.js';
import {planStatement, type PlanResult} from '../source/postgres/plan.js';
import type {PgHost, PgTarget} from '../source/postgres/settings.js';
import {parsePidStat, startedAtMs} from './process-parse.js';
import {readBootTimeMs} from './processes.js';

type Pg = typeof pg;
let loading: Promise<Pg> | undefined;

/** pg, loaded once, on first use. */
async function loadPg(): Promise<Pg> {
	loading ??= import('pg').then(module => module.default);
	return loading;
}

/** Every sampling query's limit on the server. */
export const STATEMENT_TIMEOUT_MS = 2000;

// How long the server may take to plan a session's query.
const PLAN_TIMEOUT_MS = 2000;

/** What the collectors and the cancel/terminate commands use. */
export type PgConnection = {
	/** `user@host:port/db`, never with a password. */
	target: string;
	/** Runs a query, connecting first if needed; throws with a one-line reason. */
	query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
	/** Runs one query on another database of the same server (for names of its relations). */
	queryDatabase<Row extends Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<Row[]>;
	/** server_version_num of the current connection (after the first query). */
	versionNum(): number;
	/**
	 * The plan of a query on a database of the server (planStatement's EXPLAIN, never run), on a
	 * connection of its own in a read-only transaction with a short statement timeout; or why there
	 * is none. Never throws.
	 */
	explain(database: string, query: string): Promise<PlanResult>;
	/** The postmaster's pid when the server runs on this host, else null. */
	localPostmasterPid(): number | null;
	/** pg_cancel_backend: null when done, else why not. Never throws. */
	cancel(pid: number): Promise<string | null>;
	/** pg_terminate_backend: null when done, else why not. Never throws. */
	terminate(pid: number): Promise<string | null>;
	close(): Promise<void>;
};

/**
 * Is the server on this host? Only if dbtop's own backend is a local process whose parent is a
 * postgres process started when the server says its postmaster started: a remote server's pid
 * that happens to exist here fails that test.
 */
export function findLocalPostmaster(backendPid: number, postmasterStartMs: number): number | null {
	try {
		const stat = (pid: number) => parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
		const backend = stat(backendPid);
		const parent = backend && stat(backend.ppid);
		if (!backend || !parent) return null;
		const startedMs = startedAtMs(parent.starttime, readBootTimeMs());
		return /postgres|postmaster/.test(parent.comm) && Math.abs(startedMs - postmasterStartMs) < 2000 ? backend.ppid : null;
	} catch {
		return null;
	}
}

/** The reason cancel and terminate give on a read-only connection, which does not attempt them. */
export const READ_ONLY_REASON = 'dbtop is read-only';

/**
 * Creates the shared connection; nothing connects before the first query. A read-only one
 * (`--read-only`) makes every transaction of its sessions read-only and never cancels or terminates.
 */
export function createPgConnection(settings: PgTarget, {isReadOnly = false}: {isReadOnly?: boolean} = {}): PgConnection {
	let client: pg.Client | null = null;
	let connecting: Promise<pg.Client> | null = null;
	let versionNum = 0;
	// track_activity_query_size in bytes: a session's query text that fills it may have been cut.
	let querySize = 0;
	let localPid: number | null = null;
	// Why the connection died between queries (e.g. its backend was terminated): said once, by the next query.
	let lostReason: string | null = null;

	// The host of the last connection: another database of the same server is opened there.
	let connectedHost: PgHost | null = null;

	const open = async (database?: string, isSessionReadOnly = isReadOnly): Promise<pg.Client> => {
		const target = database === undefined || connectedHost === null ? settings : {...settings, hosts: [connectedHost], targetSessionAttrs: 'any' as const};
		const {client: next, host} = await connectTarget(target, loadPg, {...(database === undefined ? {} : {database}), statement_timeout: STATEMENT_TIMEOUT_MS});
		if (database === undefined) connectedHost = host;
		if (isSessionReadOnly) {
			try {
				await next.query('SET SESSION default_transaction_read_only = on');
			} catch (error) {
				await next.end().catch(() => {});
				throw error;
			}
		}

		// A broken connection emits 'error' outside any query: forget it, the next tick reconnects.
		next.on('error', error => {
			if (client === next) {
				client = null;
				lostReason = pgErrorMessage(error);
			}
		});
		next.on('end', () => {
			if (client === next) client = null;
		});
		return next;
	};

	const connected = async (): Promise<pg.Client> => {
		if (client) return client;
		connecting ??= (async () => {
			const fresh = await open();
			// Not a sampling query: these tell what kind of server this is, once per connection.
			const {rows} = await fresh.query<{version: string; pid: number; started: number; query_size: string}>(
				"SELECT current_setting('server_version_num') AS version, pg_backend_pid() AS pid, extract(epoch FROM pg_postmaster_start_time()) * 1000 AS started, (SELECT setting FROM pg_settings WHERE name = 'track_activity_query_size') AS query_size",
			);
			versionNum = Number(rows[0]!.version);
			querySize = Number(rows[0]!.query_size ?? 0);
			localPid = findLocalPostmaster(rows[0]!.pid, Number(rows[0]!.started));
			client = fresh;
			return fresh;
		})().finally(() => {
			connecting = null;
		});
		return connecting;
	};

	const run = async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> => {
		if (lostReason !== null) {
			const reason = lostReason;
			lostReason = null;
			throw new Error(`connection lost: ${reason}`);
		}

		const current = await connected().catch((error: unknown) => {
			throw new Error(`cannot connect to ${settings.target}: ${pgErrorMessage(error)}`);
		});
		try {
			return (await current.query<Row>(sql, params)).rows;
		} catch (error) {
			// A dead connection is dropped so the next tick makes a new one; a failed query keeps it.
			if (!(error instanceof (await loadPg()).DatabaseError) || /^(57P|08)/.test(error.code ?? '')) {
				if (client === current) client = null;
				await current.end().catch(() => {});
			}

			throw new Error(pgErrorMessage(error));
		}
	};

	// The collectors that share the connection take turns: pg runs one query at a time on a client
	// anyway, and warns on stderr (pg 9 refuses) when more than one is waiting.
	let turn: Promise<unknown> = Promise.resolve();
	const query = async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> => {
		const mine = turn.then(async () => run<Row>(sql, params));
		turn = mine.catch(() => {});
		return mine;
	};

	const signal = async (fn: 'pg_cancel_backend' | 'pg_terminate_backend', pid: number): Promise<string | null> => {
		if (isReadOnly) return READ_ONLY_REASON;
		try {
			const rows = await query<{done: boolean | null}>(`SELECT ${fn}($1) AS done`, [pid]);
			return rows[0]?.done ? null : `no backend with pid ${pid}`;
		} catch (error) {
			return pgErrorMessage(error);
		}
	};

	return {
		target: settings.target,
		query,
		async queryDatabase<Row extends Record<string, unknown>>(database: string, sql: string, params?: unknown[]) {
			const other = await open(database);
			try {
				return (await other.query<Row>(sql, params)).rows;
			} finally {
				await other.end().catch(() => {});
			}
		},
		versionNum: () => versionNum,
		async explain(database, query) {
			let other: pg.Client | null = null;
			try {
				// The server's version and track_activity_query_size, read once per connection.
				await connected();
				const statement = planStatement(query, versionNum, querySize);
				if (statement.refused !== undefined) return {refused: statement.refused};
				// Read-only twice over: the session's default and the transaction.
				other = await open(database, true);
				await other.query('BEGIN READ ONLY');
				await other.query(`SET LOCAL statement_timeout = ${PLAN_TIMEOUT_MS}`);
				// The extended protocol takes one statement only; EXPLAIN's own $1 need the simple one (planStatement checked it is one statement).
				// (pg takes queryMode; its types do not know it yet.)
				const extended: pg.QueryConfig & {queryMode: 'extended'} = {text: statement.sql, queryMode: 'extended'};
				const {rows} = await other.query<{'QUERY PLAN': string}>(statement.isSimpleProtocol ? statement.sql : extended);
				return {lines: rows.map(row => String(row['QUERY PLAN'])), explain: statement.explain};
			} catch (error) {
				return {error: pgErrorMessage(error)};
			} finally {
				await other?.query('ROLLBACK').catch(() => {});
				await other?.end().catch(() => {});
			}
		},
		localPostmasterPid: () => localPid,
		cancel: async pid => signal('pg_cancel_backend', pid),
		terminate: async pid => signal('pg_terminate_backend', pid),
		async close() {
			lostReason = null;
			const current = client;
			client = null;
			await current?.end().catch(() => {});
		},
	};
}
