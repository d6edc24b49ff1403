#!/usr/bin/env node
// First: V8's memory settings (see there), however dbtop is started.
import './v8-settings.js';
import {parseArgs} from 'node:util';
import packageJson from '../../package.json' with {type: 'json'};
import {ConfigError, loadConfig, printableConfig, rulesOf} from './config.js';
import os from 'node:os';
import {toOptions, toRecordOptions, toReplayOptions} from './options.js';
import {sanitize} from '../sanitize.js';
import {UsageError} from './usage-error.js';

// Flags are parsed with Node's own parseArgs: it costs nothing to load, where a flag library
// with package.json normalisation cost about 40 ms of CPU before anything else could start.
const HELP = `
	Usage
	  $ dbtop [options]
	  $ dbtop check [--json] [options]   Evaluate the alert rules once; exit 0 OK,
	                                      1 warning, 2 critical, 3 a source unreadable
	  $ dbtop record --ring <conninfo> [recording options] [options]
	                                      Headless: write this host's samples into the
	                                      Postgres ring buffer; one log line per event
	                                      on stderr; stops on SIGTERM or SIGINT
	  $ dbtop --ring <conninfo> [--ring <conninfo> ...] [replay options]
	                                      Replay what was recorded: read-only, every
	                                      node of the rings, any moment (--json: print it)

	Options
	  --interval <duration>     Refresh interval: 500ms, 2s, 1.5s or 2 (seconds). Default 1s.
	  --interval <id>=<dur>     A fixed interval for one collector (host, processes,
	                            postgres-sessions, postgres-locks, postgres-statements,
	                            containers); repeatable.
	  --pg <conninfo>           The Postgres server: a postgres:// URL or key=value string.
	                            Default: libpq's PG* variables, else the local socket.
	  --docker <socket|url>     The container engine (Docker or Podman): a socket path,
	                            unix:///path or tcp://host:port. Default: DOCKER_HOST,
	                            else /var/run/docker.sock, else /run/podman/podman.sock.
	  --once                    Print one text snapshot on stdout and exit.
	  --json                    Print one JSON snapshot on stdout and exit (see the README).
	  --config <file>           The config file (alert rules, service checks). Default:
	                            $XDG_CONFIG_HOME/dbtop/config.json or ~/.config/dbtop/config.json.
	  --print-config            Print the effective config, defaults filled in, and exit.
	  --user <name>             Who acknowledges alerts (default: the operating-system user).
	  --bell                    Ring the terminal bell when an alert becomes critical.
	  --read-only               Change nothing: no kill, cancel, terminate or acknowledge,
	                            and a read-only Postgres session.
	  --record <conninfo>       Record into the ring buffer while you watch (the live monitor).
	  --no-color                No colours (NO_COLOR or TERM=dumb in the environment do the same).
	  --help                    Show this help.
	  --version                 Show the version.

	Replay options (dbtop --ring)
	  --ring <conninfo>         A ring's server; give it again for rings read together.
	  --table <name>            The ring table. Default: monitor_samples_ring.
	  --node <name>             The node shown first. Default: the node picker, or the one
	                            node; with --json, the master, else the node written last.
	  --at <time>               The moment: 14:05, 2026-11-30 03:12 (local), an ISO time
	                            with zone, or -2h, -30m, -90s. Default: the newest.
	  --json                    Print that moment as JSON, in the shape of the live --json.

	Recording options (dbtop record, and --record)
	  --ring <conninfo>         The ring's server (dbtop record): a URL or key=value string,
	                            with libpq's PG* variables, service files and ~/.pgpass.
	  --node <name>             This host's name in the ring. Default: the host name.
	  --master                  Mark this node's rows as the master's.
	  --table <name>            The ring table (name or schema.name). Default: monitor_samples_ring.
	  --capacity <rows>         Resize the ring to this many rows (created with 10000).
	  --buffer <duration>       How long samples wait in memory while the ring is down. Default: 10m.

	Keys: press ? in dbtop for the key table.

	Examples
	  $ dbtop --interval 2s
	  $ dbtop --json | jq '.processes | length'
	  $ dbtop record --ring service=ring --interval 2s
`;

const {values: given, positionals: input, tokens} = parseArgs({
	args: process.argv.slice(2),
	strict: false,
	allowPositionals: true,
	// Each flag as it was typed (`-x` or `--x`), for the error that names it.
	tokens: true,
	options: {
		interval: {type: 'string', multiple: true},
		once: {type: 'boolean'},
		json: {type: 'boolean'},
		color: {type: 'boolean'},
		'no-color': {type: 'boolean'},
		pg: {type: 'string'},
		docker: {type: 'string'},
		config: {type: 'string'},
		user: {type: 'string'},
		'print-config': {type: 'boolean'},
		printConfig: {type: 'boolean'},
		bell: {type: 'boolean'},
		'read-only': {type: 'boolean'},
		record: {type: 'string'},
		ring: {type: 'string', multiple: true},
		node: {type: 'string'},
		master: {type: 'boolean'},
		table: {type: 'string'},
		capacity: {type: 'string'},
		buffer: {type: 'string'},
		at: {type: 'string'},
		help: {type: 'boolean'},
		version: {type: 'boolean'},
	},
});

/** A string flag's value; a string flag given without one is empty, for the check that names it. */
const text = (value: unknown): string | undefined => (value === undefined ? undefined : typeof value === 'string' ? value : '');

const flags = {
	interval: ((given['interval'] ?? []) as unknown[]).map(value => text(value)!),
	once: given['once'] === true,
	json: given['json'] === true,
	color: given['no-color'] !== true && given['color'] !== false,
	pg: text(given['pg']),
	docker: text(given['docker']),
	config: text(given['config']),
	user: text(given['user']),
	printConfig: given['print-config'] === true || given['printConfig'] === true,
	bell: given['bell'] === true,
	readOnly: given['read-only'] === true,
	record: text(given['record']),
	at: text(given['at']),
	rings: ((given['ring'] ?? []) as unknown[]).map(value => text(value)!),
	recording: {ring: text((given['ring'] as unknown[] | undefined)?.[0]), node: text(given['node']), master: given['master'] === true, table: text(given['table']), capacity: text(given['capacity']), buffer: text(given['buffer'])},
};

// As `ps` and top show it: "dbtop", not "node".
process.title = 'dbtop';

// The flags that take a value; every other known flag is on or off.
const STRING_FLAGS = new Set(['interval', 'pg', 'docker', 'config', 'user', 'record', 'ring', 'node', 'table', 'capacity', 'buffer', 'at']);
// The flags that say how to record: only with `dbtop record` or `--record`.
const RECORDING_FLAGS = ['ring', 'node', 'master', 'table', 'capacity', 'buffer'];
const KNOWN_FLAGS = new Set(['interval', 'once', 'json', 'color', 'no-color', 'pg', 'docker', 'config', 'print-config', 'printConfig', 'user', 'bell', 'read-only', 'help', 'version', 'record', 'at', ...RECORDING_FLAGS]);
// The flags a replay (`dbtop --ring <conninfo>`) takes besides --ring.
const REPLAY_FLAGS = ['node', 'table', 'at'];
// The flags about this host, its sources and what is done to them: not in a replay.
const LIVE_ONLY_FLAGS = ['pg', 'docker', 'user', 'bell', 'read-only'];

/**
 * Writes to stdout and resolves once all of it is written: exiting sooner drops what a slow pipe
 * (a reader over SSH) has not taken yet. A reader that has gone (`dbtop --json | head -c 600`)
 * ends dbtop quietly with status 0, as it does other Unix tools.
 */
function print(text: string): Promise<void> {
	return new Promise((resolve, reject) => {
		process.stdout.write(text, error => {
			if (!error) resolve();
			else if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
			else reject(error);
		});
	});
}

// Messages quote what was given (flags, config fields, file names): made visible, never interpreted by the terminal.
function fail(message: string): never {
	process.stderr.write(`dbtop: ${sanitize(message)}\n`);
	process.exit(2);
}

try {
	const unknown = tokens.flatMap(token => (token.kind === 'option' && !KNOWN_FLAGS.has(token.name) ? [token.rawName] : []));
	if (unknown.length > 0) {
		fail(`unknown flag ${unknown[0]} (see dbtop --help)`);
	}

	// `--json=1`, `--no-color=false`: a flag that is on or off takes no value.
	const valued = tokens.find(token => token.kind === 'option' && !STRING_FLAGS.has(token.name) && token.value !== undefined);
	if (valued?.kind === 'option') {
		fail(`${valued.rawName}: takes no value (give ${valued.rawName} alone)`);
	}

	if (given['help'] === true) {
		await print(`\n  ${packageJson.description}\n\n${HELP.replace(/^\n+|\s+$/g, '').replaceAll(/^\t/gm, '  ')}\n\n`);
		process.exit(0);
	}

	if (given['version'] === true) {
		await print(`${packageJson.version}\n`);
		process.exit(0);
	}

	const isCheck = input[0] === 'check';
	const isRecord = input[0] === 'record';
	const hasCommand = isCheck || isRecord;
	if (input.length > (hasCommand ? 1 : 0)) {
		fail(`unknown command "${input[hasCommand ? 1 : 0]}" (see dbtop --help)`);
	}

	// `dbtop --ring <conninfo> --json`: a recorded moment read back from the ring, as JSON.
	if (isRecord && flags.rings.length > 1) fail('--ring: given more than once; dbtop record writes into one ring');

	// `dbtop --ring <conninfo> ...`: the replay of what was recorded, on screen or as JSON.
	const isReplay = !isRecord && flags.rings.length > 0;
	if (isReplay) {
		if (isCheck) fail('--ring: not with dbtop check (a replay shows what was recorded: dbtop --ring <conninfo>)');
		if (flags.record !== undefined) fail('--ring: not with --record (--ring reads a ring back; --record writes one while you watch)');
		if (flags.once) fail('--ring: not with --once (a replay is the screen, or JSON with --json)');
		// What reads this host has no place in a replay: it reads the rings only.
		const other = tokens.find(token => token.kind === 'option' && (LIVE_ONLY_FLAGS.includes(token.name) || (RECORDING_FLAGS.includes(token.name) && token.name !== 'ring' && !REPLAY_FLAGS.includes(token.name))));
		if (other?.kind === 'option') fail(`${other.rawName}: not with --ring (a replay takes --table, --node, --at, --json, --interval, --config and --no-color)`);
		const perCollector = flags.interval.find(value => value.includes('='));
		if (perCollector !== undefined) fail(`--interval: "${perCollector}" names a collector of this host; a replay reads the ring only (give --interval <duration>)`);
		const replay = toReplayOptions({rings: flags.rings, node: flags.recording.node, table: flags.recording.table, at: flags.at}, process.env, os.userInfo().username, Date.now());
		if (flags.json) {
			const {runReplayJson} = await import('../ring/replay-json.js');
			await print(await runReplayJson(replay, packageJson.version));
			process.exit(0);
		}
	}

	if (flags.at !== undefined && !isReplay) fail('--at: only with --ring <conninfo> (a replay of the ring)');

	const recordingFlag = tokens.find(token => token.kind === 'option' && RECORDING_FLAGS.includes(token.name));
	if (recordingFlag?.kind === 'option' && !isReplay) {
		if (!isRecord && flags.record === undefined) fail(`${recordingFlag.rawName}: only with dbtop record or --record`);
	}

	if (isRecord && (flags.record !== undefined || flags.once || flags.json)) {
		fail(`${flags.record !== undefined ? '--record' : flags.once ? '--once' : '--json'}: not with dbtop record (it is headless and writes only to the ring, named with --ring)`);
	}

	if (flags.record !== undefined && (flags.once || flags.json || isCheck)) {
		fail(`--record: only with the live monitor (not with ${isCheck ? 'dbtop check' : flags.once ? '--once' : '--json'})`);
	}

	if (flags.readOnly && (isRecord || flags.record !== undefined)) {
		fail(`--read-only: not with ${isRecord ? 'dbtop record' : '--record'}, which writes to the ring`);
	}

	const config = loadConfig(flags.config, process.env);
	const parsed = toOptions(flags, process.env);
	const ringFlag = isRecord ? '--ring' : flags.record === undefined ? null : '--record';
	const record = ringFlag === null ? undefined : toRecordOptions({...flags.recording, ring: isRecord ? flags.recording.ring : flags.record}, ringFlag, process.env, os.userInfo().username);
	// A dumb terminal gets no colour, as with NO_COLOR.
	const options = {...parsed, hasColor: parsed.hasColor && process.env['TERM'] !== 'dumb', rules: rulesOf(config), checks: config.checks, ...(record ? {record} : {})};
	if (flags.printConfig) {
		await print(`${JSON.stringify(printableConfig(config), null, 2)}\n`);
		process.exit(0);
	}

	// Before Ink loads: Ink's chalk ignores NO_COLOR. The live monitor keeps chalk's inverse and
	// bold, which mark the selection and the active tab, and takes the colours out of what it
	// writes (source/ink/no-colour.ts); the text of --once has none of either. (React's production
	// build is chosen when the command line is bundled: see build.js.)
	if (!options.hasColor) {
		process.env['FORCE_COLOR'] = options.mode === 'live' ? '1' : '0';
	}

	if (isRecord) {
		const app = await import('./app.js');
		process.exit(await app.runRecord(options, record!));
	}

	if (options.mode === 'live') {
		// Ink draws only the last frame when it thinks it runs in CI; a live monitor has a person at a terminal.
		delete process.env['CI'];
		delete process.env['CONTINUOUS_INTEGRATION'];
	}

	if (options.mode === 'live' && !process.stdout.isTTY && !isCheck) {
		fail('stdout is not a terminal: use --once for text or --json for JSON');
	}

	if (options.mode === 'live' && !process.stdin.isTTY && !isCheck) {
		fail('stdin is not a terminal: the live monitor reads keys; use --once or --json');
	}

	if (isReplay) {
		// The rings are opened and read while the screen's code loads: pg first, so that its
		// connections are on their way before the rest is evaluated.
		const {openReplay} = await import('../../collectors/ring-replay.js');
		await import('pg');
		const starting = openReplay(toReplayOptions({rings: flags.rings, node: flags.recording.node, table: flags.recording.table, at: flags.at}, process.env, os.userInfo().username, Date.now()));
		starting.catch(() => {});
		await new Promise(resolve => setImmediate(resolve));
		const app = await import('./app.js');
		await app.runReplay(options, await starting, packageJson.version);
		process.exit(0);
	}

	const app = await import('./app.js');
	if (isCheck) {
		// A source counts as unreadable only where it is expected: the host always, Postgres and
		// the container engine when they were named (flag or environment).
		const sources = ['host', 'processes'];
		if (flags.pg !== undefined || process.env['PGHOST'] || process.env['PGDATABASE'] || process.env['PGUSER']) sources.push('postgres-sessions');
		if (flags.docker !== undefined || process.env['DOCKER_HOST']) sources.push('containers');
		for (const serviceCheck of config.checks) if (serviceCheck.rule.isEnabled) sources.push(`check:${serviceCheck.name}`);
		const {text, exitCode} = await app.runCheck(options, sources);
		await print(text);
		process.exit(exitCode);
	}

	if (options.mode === 'live') await app.runLive(options, packageJson.version);
	else await print(await app.runSnapshot(options, packageJson.version));
	process.exit(0);
} catch (error) {
	if (error instanceof UsageError) {
		fail(error.message);
	}

	if (error instanceof ConfigError) {
		for (const problem of error.problems) process.stderr.write(`dbtop: ${sanitize(problem)}\n`);
		process.exit(2);
	}

	process.stderr.write(`dbtop: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
}
