// Connecting to a PgTarget the way libpq does: its hosts in order, skipping one that cannot be
// reached or is not what target_session_attrs asks for, and, when none will do, one error that
// says why for each. Everything that connects with `--pg`-style settings comes through here.
import {existsSync} from 'node:fs';
import type pg from 'pg';
import type {PgHost, PgTarget, TargetSessionAttrs} from './settings.js';

type Pg = typeof pg;

/** A connected client and the host it is connected to. */
export type Connected = {client: pg.Client; host: PgHost};

/** What target_session_attrs looks at in a server: read-only (a standby always is), in recovery. */
export type ServerKind = {isReadOnly: boolean; isStandby: boolean};

/** One line saying why a query or connection failed. */
export function pgErrorMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return (text.split('\n')[0] || 'unknown error').trim();
}

/** Why a server is not what `attrs` asks for, or null when it is (prefer-standby asks for a standby first). */
export function mismatch(attrs: TargetSessionAttrs, server: ServerKind): string | null {
	const asked = `target_session_attrs=${attrs}`;
	switch (attrs) {
		case 'read-write':
			return server.isReadOnly ? `server is read-only (${asked})` : null;
		case 'read-only':
			return server.isReadOnly ? null : `server is not read-only (${asked})`;
		case 'primary':
			return server.isStandby ? `server is a standby (${asked})` : null;
		case 'standby':
		case 'prefer-standby':
			return server.isStandby ? null : `server is not a standby (${asked})`;
		case 'any':
			return null;
	}
}

/** The error connecting to a Unix socket that does not exist gives, without loading pg to get it. */
function missingSocket(config: pg.ClientConfig): Error | null {
	const {host, port} = config;
	if (typeof host !== 'string' || !host.startsWith('/')) return null;
	const socket = `${host}/.s.PGSQL.${port ?? 5432}`;
	if (existsSync(socket)) return null;
	return Object.assign(new Error(`connect ENOENT ${socket}`), {code: 'ENOENT'});
}

/** A client connected to one host, `overrides` on top of its configuration; pg is loaded only to connect. */
async function connectHost(host: PgHost, loadPg: () => Promise<Pg>, overrides: pg.ClientConfig): Promise<pg.Client> {
	const missing = missingSocket(host.config);
	if (missing) throw missing;
	const {Client} = await loadPg();
	const client = new Client({...host.config, ...overrides});
	// A connection that breaks outside a query emits 'error'; whoever keeps the client listens too.
	client.on('error', () => {});
	try {
		await client.connect();
	} catch (error) {
		await client.end().catch(() => {});
		throw error;
	}

	return client;
}

/** Whether a connected server is read-only and whether it is a standby, as libpq asks it. */
async function serverKind(client: pg.Client): Promise<ServerKind> {
	const {rows} = await client.query<{readOnly: string; inRecovery: boolean}>(
		"SELECT current_setting('transaction_read_only') AS \"readOnly\", pg_is_in_recovery() AS \"inRecovery\"",
	);
	return {isReadOnly: rows[0]!.readOnly === 'on' || rows[0]!.inRecovery, isStandby: rows[0]!.inRecovery};
}

/**
 * Connects to the first host of `target` that answers and is what its target_session_attrs asks
 * for (prefer-standby: the first standby, else the first server that answered); `overrides` go
 * on top of each host's configuration (another database, a statement timeout). Throws with the
 * reason; for several hosts, one line naming each host tried and why it was not taken.
 */
export async function connectTarget(target: PgTarget, loadPg: () => Promise<Pg>, overrides: pg.ClientConfig = {}): Promise<Connected> {
	const attrs = target.targetSessionAttrs;
	// Why each host tried was not taken.
	const failures: Array<{host: PgHost; reason: string}> = [];
	// prefer-standby's second choice, kept open rather than connected to again.
	let fallback: Connected | null = null;
	for (const host of target.hosts) {
		let client: pg.Client;
		try {
			client = await connectHost(host, loadPg, overrides);
		} catch (error) {
			if (target.hosts.length === 1) throw error;
			failures.push({host, reason: pgErrorMessage(error)});
			continue;
		}

		try {
			const why = attrs === 'any' ? null : mismatch(attrs, await serverKind(client));
			if (why === null) {
				await fallback?.client.end().catch(() => {});
				return {client, host};
			}

			failures.push({host, reason: why});
			if (attrs === 'prefer-standby' && fallback === null) {
				fallback = {client, host};
				continue;
			}
		} catch (error) {
			failures.push({host, reason: pgErrorMessage(error)});
		}

		await client.end().catch(() => {});
	}

	if (fallback) return fallback;
	throw new Error(target.hosts.length === 1 ? failures[0]!.reason : failures.map(({host, reason}) => `${host.name}: ${reason}`).join('; '));
}
