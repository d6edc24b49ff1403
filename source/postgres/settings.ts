// Where the Postgres server is, the way libpq finds it: `--pg` (a URL or key=value string), else
// the PG* environment variables, else the Unix socket in /var/run/postgresql as the operating
// system user, which is what psql does on Debian. A password comes from the input, PGPASSWORD
// or ~/.pgpass (read by pg itself when none is given) and is never part of the description.
import type {ClientConfig} from 'pg';
import {UsageError} from '../app/usage-error.js';

/** A resolved connection: the client configuration and how to name it on screen. */
export type PgTarget = {config: ClientConfig; target: string; database: string};

const KEYS = ['host', 'port', 'user', 'dbname', 'password', 'sslmode', 'connect_timeout'] as const;
type Key = (typeof KEYS)[number];
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';

function accepted(): string {
	return `a postgres:// URL or key=value pairs with keys ${KEYS.join(', ')}`;
}

/**
 * A connection string as an error may quote it: the password of a URL's user information and
 * every `password=` value (key=value pairs, URL parameters) replaced by `***`.
 */
export function withoutPassword(text: string): string {
	return text
		.replace(/^([a-z][a-z\d+.-]*:\/\/[^:@/?#]*:)[^/?#]*@/i, '$1***@')
		.replace(/(\bpassword\s*=\s*)('(?:\\.|[^'\\])*'?|[^\s&]*)/gi, '$1***');
}

/** A percent-decoded part of a URL; malformed encoding (`%ZZ`) is a UsageError naming the part, not its value. */
function decoded(value: string, part: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		throw new UsageError(`--pg: the ${part} in the URL has a malformed percent-encoding (a % must be followed by two hex digits: %25 for % itself)`);
	}
}

/** Parses a libpq key=value string (`host=db1 port=5432 password='a b\\'c'`). */
export function parseKeyValue(text: string): Partial<Record<Key, string>> {
	const result: Partial<Record<Key, string>> = {};
	let i = 0;
	const skipSpace = () => {
		while (i < text.length && /\s/.test(text[i]!)) i++;
	};

	skipSpace();
	while (i < text.length) {
		const keyStart = i;
		while (i < text.length && /[a-z_]/i.test(text[i]!)) i++;
		const key = text.slice(keyStart, i);
		skipSpace();
		if (key === '' || text[i] !== '=') {
			throw new UsageError(`--pg: "${withoutPassword(text)}" is not a connection string (accepted: ${accepted()})`);
		}

		i++;
		skipSpace();
		let value = '';
		if (text[i] === "'") {
			i++;
			while (i < text.length && text[i] !== "'") {
				if (text[i] === '\\' && i + 1 < text.length) i++;
				value += text[i++];
			}

			if (text[i] !== "'") throw new UsageError(`--pg: unterminated quote in "${withoutPassword(text)}"`);
			i++;
		} else {
			while (i < text.length && !/\s/.test(text[i]!)) {
				if (text[i] === '\\' && i + 1 < text.length) i++;
				value += text[i++];
			}
		}

		if (!(KEYS as readonly string[]).includes(key)) {
			throw new UsageError(`--pg: unknown key "${key}" (accepted: ${KEYS.join(', ')})`);
		}

		result[key as Key] = value;
		skipSpace();
	}

	return result;
}

/** Parses a postgres:// or postgresql:// URL into the same keys. */
export function parseUrl(text: string): Partial<Record<Key, string>> {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`--pg: "${withoutPassword(text)}" is not a valid URL (accepted: ${accepted()})`);
	}

	if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
		throw new UsageError(`--pg: "${url.protocol}" is not a Postgres URL scheme (accepted: postgres://, postgresql://)`);
	}

	const result: Partial<Record<Key, string>> = {};
	if (url.hostname) result.host = decoded(url.hostname.replace(/^\[|\]$/g, ''), 'host');
	if (url.port) result.port = url.port;
	if (url.username) result.user = decoded(url.username, 'user');
	if (url.password) result.password = decoded(url.password, 'password');
	const database = decoded(url.pathname.replace(/^\//, ''), 'database name');
	if (database) result.dbname = database;
	for (const [key, value] of url.searchParams) {
		if (!(KEYS as readonly string[]).includes(key)) {
			throw new UsageError(`--pg: unknown parameter "${key}" in the URL (accepted: ${KEYS.join(', ')})`);
		}

		result[key as Key] = value;
	}

	return result;
}

/** Resolves `--pg`, the PG* environment and libpq's defaults into a client configuration; throws UsageError on bad input. */
export function resolvePgTarget(input: string | undefined, env: NodeJS.ProcessEnv, osUser: string): PgTarget {
	const given = input === undefined ? {} : /^postgres(?:ql)?:\/\//.test(input.trim()) ? parseUrl(input.trim()) : parseKeyValue(input);
	const host = given.host ?? env['PGHOST'] ?? DEFAULT_SOCKET_DIR;
	const portText = given.port ?? env['PGPORT'] ?? '5432';
	const port = Number(portText);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) {
		throw new UsageError(`--pg: port "${portText}" is not a port number (accepted: 1 to 65535)`);
	}

	const user = given.user ?? env['PGUSER'] ?? osUser;
	const database = given.dbname ?? env['PGDATABASE'] ?? user;
	const sslmode = given.sslmode ?? env['PGSSLMODE'] ?? 'prefer';
	if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
		throw new UsageError(`--pg: sslmode "${sslmode}" is not one of ${SSL_MODES.join(', ')}`);
	}

	const timeoutText = given.connect_timeout ?? env['PGCONNECT_TIMEOUT'] ?? '5';
	const connectTimeout = Number(timeoutText);
	if (!Number.isFinite(connectTimeout) || connectTimeout < 0) {
		throw new UsageError(`--pg: connect_timeout "${timeoutText}" is not a number of seconds`);
	}

	// pg has no "prefer": like libpq without a server certificate to check, it connects in the clear.
	const ssl = sslmode === 'require' ? {rejectUnauthorized: false} : sslmode.startsWith('verify') ? {rejectUnauthorized: true} : false;
	const password = given.password ?? env['PGPASSWORD'];
	return {
		config: {
			host,
			port,
			user,
			database,
			...(password === undefined ? {} : {password}),
			ssl,
			application_name: 'dbtop',
			connectionTimeoutMillis: connectTimeout * 1000 || 5000,
		},
		target: `${user}@${host}:${port}/${database}`,
		database,
	};
}
