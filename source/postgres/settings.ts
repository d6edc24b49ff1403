// Where the Postgres server is, the way libpq finds it: `--pg` (a URL or key=value string), else
// the PG* environment variables, else the Unix socket in /var/run/postgresql as the operating
// system user, which is what psql does on Debian. Several hosts (`host=a,b`, `postgres://a,b/db`)
// are tried in order by connect.ts. A password comes from the input, PGPASSWORD or ~/.pgpass
// (looked up for each host) and is never part of the description.
import {existsSync, readFileSync, statSync} from 'node:fs';
import {isIP} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {ClientConfig} from 'pg';
import {UsageError} from '../app/usage-error.js';

/** What a server must be to be connected to, as libpq's target_session_attrs says. */
export const TARGET_SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;

/** One of TARGET_SESSION_ATTRS. */
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

/** One host of a connection: its client configuration and how an error names it (`host:port`, never a password). */
export type PgHost = {config: ClientConfig; name: string};

/**
 * A resolved connection: the hosts to try in order, what the one taken must be, and how to name
 * the connection on screen (`user@host:port/db`, or `user@h1:p1,h2:p2/db` for several hosts).
 */
export type PgTarget = {hosts: PgHost[]; targetSessionAttrs: TargetSessionAttrs; target: string; database: string};

/** The libpq keys understood, each with the environment variable that stands in for it. */
const ENV_OF = {
	host: 'PGHOST',
	hostaddr: 'PGHOSTADDR',
	port: 'PGPORT',
	user: 'PGUSER',
	dbname: 'PGDATABASE',
	password: 'PGPASSWORD',
	passfile: 'PGPASSFILE',
	sslmode: 'PGSSLMODE',
	sslrootcert: 'PGSSLROOTCERT',
	sslcert: 'PGSSLCERT',
	sslkey: 'PGSSLKEY',
	connect_timeout: 'PGCONNECT_TIMEOUT',
	application_name: 'PGAPPNAME',
	options: 'PGOPTIONS',
	service: 'PGSERVICE',
	target_session_attrs: 'PGTARGETSESSIONATTRS',
} as const;
type Key = keyof typeof ENV_OF;
const KEYS = Object.keys(ENV_OF) as Key[];
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
// Where libpq looks for the system-wide service file on Debian (PGSYSCONFDIR overrides it).
const DEFAULT_SYSCONF_DIR = '/etc/postgresql-common';

/** Where the settings come from besides the input: the environment and the home directory (tests set both). */
export type PgSources = {env: NodeJS.ProcessEnv; osUser: string; home?: string; flag?: string};

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
function decoded(value: string, part: string, flag: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		throw new UsageError(`${flag}: the ${part} in the URL has a malformed percent-encoding (a % must be followed by two hex digits: %25 for % itself)`);
	}
}

/** Parses a libpq key=value string (`host=db1 port=5432 password='a b\\'c'`). */
export function parseKeyValue(text: string, flag = '--pg'): Partial<Record<Key, string>> {
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
			throw new UsageError(`${flag}: "${withoutPassword(text)}" is not a connection string (accepted: ${accepted()})`);
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

			if (text[i] !== "'") throw new UsageError(`${flag}: unterminated quote in "${withoutPassword(text)}"`);
			i++;
		} else {
			while (i < text.length && !/\s/.test(text[i]!)) {
				if (text[i] === '\\' && i + 1 < text.length) i++;
				value += text[i++];
			}
		}

		if (!(KEYS as readonly string[]).includes(key)) {
			throw new UsageError(`${flag}: unknown key "${key}" (accepted: ${KEYS.join(', ')})`);
		}

		result[key as Key] = value;
		skipSpace();
	}

	return result;
}

/**
 * A URL's host list (`h1:5432,[::1]:5433,h3`), percent-decoded, as the comma-separated `host`
 * and `port` values libpq would take from key=value pairs; a host without a port leaves its
 * place in the port list empty (the default port).
 */
function parseUrlHosts(text: string, list: string, flag: string): {host?: string; port?: string} {
	if (list === '') return {};
	const hosts: string[] = [];
	const ports: string[] = [];
	for (const entry of list.split(',')) {
		const parts = /^(?:\[([^\]]*)\]|([^:[\]]*))(?::(\d*))?$/.exec(entry);
		if (!parts) throw new UsageError(`${flag}: "${withoutPassword(text)}" is not a valid URL (accepted: ${accepted()})`);
		hosts.push(decoded(parts[1] ?? parts[2]!, 'host', flag));
		ports.push(parts[3] ?? '');
	}

	return {host: hosts.join(','), ...(ports.some(port => port !== '') ? {port: ports.join(',')} : {})};
}

/** Parses a postgres:// or postgresql:// URL into the same keys; the authority may list several hosts. */
export function parseUrl(text: string, flag = '--pg'): Partial<Record<Key, string>> {
	// WHATWG URLs take one host: the host list is read here, and the URL parsed with a stand-in host.
	const authority = /^([a-z][a-z\d+.-]*:\/\/)(?:([^/?#]*)@)?([^/?#]*)(.*)$/is.exec(text);
	let url: URL;
	try {
		if (!authority) throw new Error('not a URL');
		url = new URL(`${authority[1]}${authority[2] === undefined ? '' : `${authority[2]}@`}host${authority[4]}`);
	} catch {
		throw new UsageError(`${flag}: "${withoutPassword(text)}" is not a valid URL (accepted: ${accepted()})`);
	}

	if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
		throw new UsageError(`${flag}: "${url.protocol}" is not a Postgres URL scheme (accepted: postgres://, postgresql://)`);
	}

	const result: Partial<Record<Key, string>> = parseUrlHosts(text, authority![3]!, flag);
	if (url.username) result.user = decoded(url.username, 'user', flag);
	if (url.password) result.password = decoded(url.password, 'password', flag);
	const database = decoded(url.pathname.replace(/^\//, ''), 'database name', flag);
	if (database) result.dbname = database;
	for (const [key, value] of url.searchParams) {
		if (!(KEYS as readonly string[]).includes(key)) {
			throw new UsageError(`${flag}: unknown parameter "${key}" in the URL (accepted: ${KEYS.join(', ')})`);
		}

		result[key as Key] = value;
	}

	return result;
}

/**
 * The settings of a service from a pg_service.conf (`[name]` then key=value lines); null when
 * the file or the service is not there. A key that is not a connection key is an error naming
 * the file and line.
 */
export function readService(file: string, name: string, flag = '--pg'): Partial<Record<Key, string>> | null {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return null;
	}

	let section: string | null = null;
	let found: Partial<Record<Key, string>> | null = null;
	for (const [index, raw] of text.split('\n').entries()) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const header = /^\[(.+)\]$/.exec(line);
		if (header) {
			section = header[1]!.trim();
			if (section === name) found ??= {};
			continue;
		}

		if (section !== name) continue;
		const at = line.indexOf('=');
		const key = at < 0 ? '' : line.slice(0, at).trim();
		if (key === 'service' || !(KEYS as readonly string[]).includes(key)) {
			throw new UsageError(`${flag}: ${file} line ${index + 1}: "${key || line}" is not a connection key a service can set (accepted: ${KEYS.filter(each => each !== 'service').join(', ')})`);
		}

		found![key as Key] = line.slice(at + 1).trim();
	}

	return found;
}

const unescapeField = (field: string) => field.replace(/\\(.)/g, '$1');

/**
 * The password for a connection from a .pgpass file (`host:port:database:user:password`, `*`
 * for any, `\\:` and `\\\\` escaped), as libpq looks it up: the first matching line; none when
 * the file is missing, or readable by group or others (libpq ignores such a file too).
 */
export function passwordFromFile(file: string, wanted: {host: string; port: number; database: string; user: string}): string | undefined {
	try {
		if ((statSync(file).mode & 0o077) !== 0) return undefined;
		// A Unix socket connection is `localhost` to the file, as to libpq.
		const host = wanted.host.startsWith('/') ? 'localhost' : wanted.host;
		for (const line of readFileSync(file, 'utf8').split('\n')) {
			if (line.trim() === '' || line.startsWith('#')) continue;
			const fields = line.replace(/\r$/, '').split(/(?<!\\):/);
			if (fields.length < 5) continue;
			const [fileHost, filePort, fileDatabase, fileUser] = fields.slice(0, 4).map(unescapeField);
			const matches = (field: string | undefined, value: string) => field === '*' || field === value;
			if (matches(fileHost, host) && matches(filePort, String(wanted.port)) && matches(fileDatabase, wanted.database) && matches(fileUser, wanted.user)) {
				return unescapeField(fields.slice(4).join(':'));
			}
		}
	} catch {
		// No file, or not readable: no password from it.
	}

	return undefined;
}

/** A file the TLS settings name, read; a missing one is an error naming the key and the path. */
function readTlsFile(file: string, key: string, flag: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new UsageError(`${flag}: ${key} "${file}" cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	}
}

/**
 * Resolves a connection string, the service it names, the PG* environment and libpq's defaults,
 * in libpq's order (the string, then the service, then the environment, then the defaults), into
 * a client configuration; throws UsageError on bad input, naming `flag`.
 */
export function resolvePgTarget(input: string | undefined, {env, osUser, home = os.homedir(), flag = '--pg'}: PgSources): PgTarget {
	const given = input === undefined ? {} : /^postgres(?:ql)?:\/\//.test(input.trim()) ? parseUrl(input.trim(), flag) : parseKeyValue(input, flag);
	const serviceName = given.service ?? env['PGSERVICE'];
	let service: Partial<Record<Key, string>> = {};
	if (serviceName !== undefined && serviceName !== '') {
		const files = [env['PGSERVICEFILE'] ?? path.join(home, '.pg_service.conf'), path.join(env['PGSYSCONFDIR'] ?? DEFAULT_SYSCONF_DIR, 'pg_service.conf')];
		const found = files.map(file => readService(file, serviceName, flag)).find(settings => settings !== null);
		if (!found) throw new UsageError(`${flag}: service "${serviceName}" is not defined in ${files.join(' or ')}`);
		service = found;
	}

	const setting = (key: Key): string | undefined => given[key] ?? service[key] ?? env[ENV_OF[key]];
	const user = setting('user') ?? osUser;
	const database = setting('dbname') ?? user;
	const sslmode = setting('sslmode') ?? 'prefer';
	if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
		throw new UsageError(`${flag}: sslmode "${sslmode}" is not one of ${SSL_MODES.join(', ')}`);
	}

	const targetSessionAttrs = setting('target_session_attrs') ?? 'any';
	if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(targetSessionAttrs)) {
		throw new UsageError(`${flag}: target_session_attrs "${targetSessionAttrs}" is not one of ${TARGET_SESSION_ATTRS.join(', ')}`);
	}

	const timeoutText = setting('connect_timeout') ?? '5';
	const connectTimeout = Number(timeoutText);
	if (!Number.isFinite(connectTimeout) || connectTimeout < 0) {
		throw new UsageError(`${flag}: connect_timeout "${timeoutText}" is not a number of seconds`);
	}

	const options = setting('options');
	const givenPassword = setting('password');
	const passfile = setting('passfile') ?? path.join(home, '.pgpass');
	const files = {rootcert: setting('sslrootcert'), cert: setting('sslcert'), key: setting('sslkey')};
	const hosts = hostList(setting('host'), setting('hostaddr'), setting('port'), flag).map(({host, hostaddr, port}): PgHost => {
		const password = givenPassword ?? passwordFromFile(passfile, {host, port, database, user});
		return {
			config: {
				host: hostaddr ?? host,
				port,
				user,
				database,
				...(password === undefined ? {} : {password}),
				ssl: tlsOptions(sslmode, host, files, home, flag),
				application_name: setting('application_name') ?? 'dbtop',
				...(options ? {options} : {}),
				connectionTimeoutMillis: connectTimeout * 1000 || 5000,
			},
			name: `${host}${hostaddr !== undefined && hostaddr !== host ? ` (${hostaddr})` : ''}:${port}`,
		};
	});
	return {
		hosts,
		targetSessionAttrs: targetSessionAttrs as TargetSessionAttrs,
		target: `${user}@${hosts.map(each => each.name).join(',')}/${database}`,
		database,
	};
}

/**
 * The hosts of comma-separated `host`, `hostaddr` and `port` lists, as libpq pairs them: host
 * and hostaddr name the same hosts (an empty entry: the other's, or the default socket), and
 * one port serves every host, or there is one for each (an empty entry: 5432). A host given
 * only by its address is named by it (also for ~/.pgpass and TLS, as libpq does).
 */
function hostList(hostText: string | undefined, hostaddrText: string | undefined, portText: string | undefined, flag: string): Array<{host: string; hostaddr?: string; port: number}> {
	const names = hostText?.split(',');
	const addresses = hostaddrText?.split(',');
	if (names && addresses && names.length !== addresses.length) {
		throw new UsageError(`${flag}: hostaddr "${hostaddrText}" lists ${addresses.length} addresses for the ${names.length} hosts of host "${hostText}" (give one address for each host)`);
	}

	const count = names?.length ?? addresses?.length ?? 1;
	const ports = (portText ?? '').split(',');
	if (ports.length !== 1 && ports.length !== count) {
		throw new UsageError(`${flag}: port "${portText}" lists ${ports.length} ports for ${count} hosts ("${hostText ?? hostaddrText}"): give one port for every host, or one for each`);
	}

	return Array.from({length: count}, (_, index) => {
		const portEntry = ports.length === 1 ? ports[0]! : ports[index]!;
		const port = portEntry === '' ? 5432 : Number(portEntry);
		if (!/^\d+$/.test(portEntry || '5432') || port < 1 || port > 65_535) {
			throw new UsageError(`${flag}: port "${portText}" is not a port number (accepted: 1 to 65535${count > 1 ? ', one for every host or one for each, separated by commas' : ''})`);
		}

		const hostaddr = addresses?.[index] || undefined;
		return {host: names?.[index] || hostaddr || DEFAULT_SOCKET_DIR, ...(hostaddr === undefined ? {} : {hostaddr}), port};
	});
}

/**
 * TLS as libpq does it. `require` encrypts without checking the server, unless a root
 * certificate is there (sslrootcert, else ~/.postgresql/root.crt), when it checks the chain as
 * `verify-ca` does; `verify-ca` checks the chain, `verify-full` the host name too (against `host`,
 * also when `hostaddr` says where to connect). `sslrootcert=system` trusts the system's CAs. A
 * client certificate and key (sslcert and sslkey, else ~/.postgresql/postgresql.crt and .key
 * where both exist) are presented. pg has no `prefer` or `allow`: like libpq without a
 * certificate to check, those connect in the clear.
 */
function tlsOptions(sslmode: string, host: string, files: {rootcert?: string; cert?: string; key?: string}, home: string, flag: string): ClientConfig['ssl'] {
	if (sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer') return false;
	const dir = path.join(home, '.postgresql');
	const rootcert = files.rootcert ?? path.join(dir, 'root.crt');
	const hasRoot = rootcert === 'system' || files.rootcert !== undefined || existsSync(rootcert);
	const verify = sslmode === 'verify-full' ? 'full' : sslmode === 'verify-ca' || hasRoot ? 'ca' : null;
	if (verify && !hasRoot) {
		throw new UsageError(`${flag}: sslmode ${sslmode} needs a root certificate: set sslrootcert (or put it at ${rootcert})`);
	}

	const cert = files.cert ?? path.join(dir, 'postgresql.crt');
	const key = files.key ?? path.join(dir, 'postgresql.key');
	const hasClientCert = files.cert !== undefined || files.key !== undefined || (existsSync(cert) && existsSync(key));
	return {
		rejectUnauthorized: verify !== null,
		...(verify && rootcert !== 'system' ? {ca: readTlsFile(rootcert, 'sslrootcert', flag)} : {}),
		...(hasClientCert ? {cert: readTlsFile(cert, 'sslcert', flag), key: readTlsFile(key, 'sslkey', flag)} : {}),
		// No server name for a socket, nor for an address (RFC 6066; Node warns): the address itself is checked.
		...(host.startsWith('/') || isIP(host) !== 0 ? {} : {servername: host}),
		// verify-ca checks the chain only: any host name is accepted.
		...(verify === 'ca' ? {checkServerIdentity: () => undefined} : {}),
	};
}
