// The config file: `--config FILE`, else $XDG_CONFIG_HOME/dbtop/config.json, else
// ~/.config/dbtop/config.json (a missing default file is fine; a missing --config file is not).
// Every problem is reported at once, each naming its field path and what is accepted.
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Rule} from '../alerts/engine.js';
import {isMetricId, metricOf, METRICS} from '../alerts/metrics.js';
import {DEFAULT_RULES} from '../alerts/rules.js';
import {parseDuration} from '../duration.js';
import {fileKind} from '../file-kind.js';
import {compileUserPattern} from '../user-pattern.js';

/** What a service check watches: a process by name, a listening TCP port, or a log file's matching lines. */
export type CheckTarget = {kind: 'process'; process: string} | {kind: 'port'; port: number} | {kind: 'log'; path: string; pattern: string; windowMs: number};

/** A check operators run by hand, on its own interval, with the rule its value is judged by. */
export type ServiceCheck = {name: string; intervalMs: number; target: CheckTarget; rule: Rule};

/** The effective configuration: the rules with the defaults filled in, and the service checks. */
export type Config = {rules: Rule[]; checks: ServiceCheck[]};

/** Every rule in force: the configured rules and one per service check. */
export function rulesOf(config: Config): Rule[] {
	return [...config.rules, ...config.checks.map(check => check.rule)];
}

/** A config that cannot be used: one line per problem. */
export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(problems.join('\n'));
	}
}

const COMPARISONS = ['above', 'below', 'increases'] as const;
const RULE_KEYS = ['title', 'metric', 'comparison', 'warning', 'critical', 'criticalHeldUp', 'for', 'clear', 'hysteresis', 'scope', 'enabled'] as const;
// The metrics whose measurements count the sessions a resource holds up: the rules criticalHeldUp is for.
const HELD_UP_METRICS = Object.keys(METRICS).filter(id => metricOf(id)?.hasHeldUp);
const hasHeldUp = (rule: Rule) => metricOf(rule.metric)?.hasHeldUp === true;
// A rule's source and unit are its metric's; files written when they were fields still hold them.
const FORMER_RULE_KEYS = ['source', 'unit'];
const CHECK_KEYS = ['process', 'port', 'log', 'pattern', 'window', 'interval', 'severity', 'warning', 'critical', 'for', 'clear', 'title', 'enabled'] as const;
const DEFAULT_CHECK_INTERVAL_MS = 10_000;
const DEFAULT_LOG_WINDOW_MS = 5 * 60_000;
const DURATION_ACCEPTED = 'expected a duration: seconds as a number, or "30s", "5m", "500ms"';

/** A duration given as seconds or as text, in ms; null when it is not one. */
function durationMs(value: unknown): number | null {
	return typeof value === 'number' ? (value >= 0 && Number.isFinite(value) ? value * 1000 : null) : typeof value === 'string' ? parseDuration(value) : null;
}

/** Where the config is read from when --config is not given. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
	const base = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
	return path.join(base, 'dbtop', 'config.json');
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a parsed config and merges it over the defaults; throws ConfigError with every problem. */
export function validateConfig(json: unknown, file: string): Config {
	const problems: string[] = [];
	const problem = (field: string, message: string) => problems.push(`${file}: ${field}: ${message}`);
	if (!isObject(json)) {
		throw new ConfigError([`${file}: expected a JSON object at the top`]);
	}

	for (const key of Object.keys(json)) {
		if (key !== 'rules' && key !== 'checks') problem(key, 'unknown field (accepted: rules, checks)');
	}

	const rules = new Map(DEFAULT_RULES.map(rule => [rule.id, {...rule}]));
	const checkNames = new Set(isObject(json['checks']) ? Object.keys(json['checks']) : []);
	const given = json['rules'] ?? {};
	if (!isObject(given)) {
		problem('rules', 'expected an object of rules by id');
	} else {
		for (const [id, fields] of Object.entries(given)) {
			const at = `rules.${id}`;
			if (!isObject(fields)) {
				problem(at, 'expected an object');
				continue;
			}

			const base = rules.get(id);
			if (!base) {
				for (const needed of ['title', 'metric', 'comparison'] as const) {
					if (!(needed in fields)) problem(`${at}.${needed}`, 'required for a new rule');
				}
			}

			// A new rule without a metric is a problem reported above, so its placeholder is never used.
			const rule: Rule = base ?? {id, title: id, metric: '' as Rule['metric'], comparison: 'above', warning: null, critical: null, forSec: 0, clearSec: 0, hysteresis: 0, isEnabled: true};
			for (const [key, value] of Object.entries(fields)) {
				const field = `${at}.${key}`;
				if (FORMER_RULE_KEYS.includes(key)) continue;
				switch (key as (typeof RULE_KEYS)[number]) {
					case 'title':
					case 'scope':
						if (typeof value === 'string') rule[key as 'title'] = value;
						else problem(field, 'expected a string');
						break;
					case 'metric':
						if (typeof value === 'string' && isMetricId(value, checkNames)) rule.metric = value;
						else if (typeof value === 'string' && value.startsWith('check.')) problem(field, `no service check is named ${value.slice('check.'.length)}`);
						else problem(field, `expected one of ${Object.keys(METRICS).join(', ')}`);
						break;
					case 'comparison':
						if ((COMPARISONS as readonly unknown[]).includes(value)) rule.comparison = value as Rule['comparison'];
						else problem(field, `expected one of ${COMPARISONS.join(', ')}`);
						break;
					case 'warning':
					case 'critical':
					case 'hysteresis':
						if (value === null && key !== 'hysteresis') rule[key as 'warning'] = null;
						else if (typeof value === 'number' && Number.isFinite(value)) rule[key as 'warning'] = value;
						else problem(field, key === 'hysteresis' ? 'expected a number' : 'expected a number, or null to turn that level off');
						break;
					case 'criticalHeldUp':
						if (value === null) delete rule.criticalHeldUp;
						else if (typeof value === 'number' && Number.isInteger(value) && value >= 1) rule.criticalHeldUp = value;
						else problem(field, 'expected a number of sessions (1 or more), or null to turn it off');
						break;
					case 'for':
					case 'clear': {
						const ms = durationMs(value);
						if (ms === null) problem(field, DURATION_ACCEPTED);
						else rule[key === 'for' ? 'forSec' : 'clearSec'] = ms / 1000;
						break;
					}

					case 'enabled':
						if (typeof value === 'boolean') rule.isEnabled = value;
						else problem(field, 'expected true or false');
						break;
					default:
						problem(field, `unknown field (accepted: ${RULE_KEYS.join(', ')})`);
				}
			}

			if (rule.warning === null && rule.critical === null && rule.comparison !== 'increases') {
				problem(at, 'has neither a warning nor a critical threshold');
			}

			// A rule moved to a metric that counts nobody held up drops the count it had by default.
			if (rule.criticalHeldUp !== undefined && !hasHeldUp(rule)) {
				if ('criticalHeldUp' in fields) problem(`${at}.criticalHeldUp`, `only for a rule on ${HELD_UP_METRICS.join(', ')}`);
				delete rule.criticalHeldUp;
			}

			rules.set(id, rule);
		}
	}

	const checks = validateChecks(json['checks'] ?? {}, new Set(rules.keys()), problem);
	if (problems.length > 0) throw new ConfigError(problems);
	return {rules: [...rules.values()], checks};
}

/** The `checks` section: each check becomes a collector on its own interval and a rule named like it. */
function validateChecks(given: unknown, ruleIds: ReadonlySet<string>, problem: (field: string, message: string) => void): ServiceCheck[] {
	if (!isObject(given)) {
		problem('checks', 'expected an object of checks by name');
		return [];
	}

	const checks: ServiceCheck[] = [];
	for (const [name, fields] of Object.entries(given)) {
		const at = `checks.${name}`;
		if (!isObject(fields)) {
			problem(at, 'expected an object with one of process, port or log');
			continue;
		}

		if (ruleIds.has(name)) problem(at, 'a rule has this name; choose another');
		for (const key of Object.keys(fields)) {
			if (!(CHECK_KEYS as readonly string[]).includes(key)) problem(`${at}.${key}`, `unknown field (accepted: ${CHECK_KEYS.join(', ')})`);
		}

		const kinds = (['process', 'port', 'log'] as const).filter(kind => kind in fields);
		if (kinds.length !== 1) {
			problem(at, kinds.length === 0 ? 'needs one of process, port or log' : `has ${kinds.join(' and ')}: choose one`);
			continue;
		}

		const kind = kinds[0]!;
		const field = (key: string) => `${at}.${key}`;
		const duration = (key: string, fallback: number): number => {
			if (!(key in fields)) return fallback;
			const ms = durationMs(fields[key]);
			if (ms === null) problem(field(key), DURATION_ACCEPTED);
			return ms ?? fallback;
		};

		let target: CheckTarget | null = null;
		let title = '';
		if (kind === 'process') {
			const process = fields['process'];
			if (typeof process === 'string' && process !== '' && !process.includes('/')) {
				target = {kind, process};
				title = `Process ${process} running`;
			} else problem(field('process'), 'expected a process name, as ps -e shows it (e.g. "postgres")');
		} else if (kind === 'port') {
			const port = fields['port'];
			if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65_535) {
				target = {kind, port};
				title = `TCP port ${port} listening`;
			} else problem(field('port'), 'expected a TCP port number, 1 to 65535');
		} else {
			const file = fields['log'];
			const pattern = fields['pattern'];
			let isValid = true;
			if (typeof file !== 'string' || !path.isAbsolute(file)) {
				problem(field('log'), 'expected the absolute path of a log file');
				isValid = false;
			}

			if (typeof pattern !== 'string' || pattern === '') {
				problem(field('pattern'), 'required for a log check: a regular expression, e.g. "ERROR|FATAL|PANIC"');
				isValid = false;
			} else {
				const {error} = compileUserPattern(pattern);
				if (error !== undefined) {
					problem(field('pattern'), error);
					isValid = false;
				}
			}

			const windowMs = duration('window', DEFAULT_LOG_WINDOW_MS);
			if (isValid) {
				target = {kind, path: file as string, pattern: pattern as string, windowMs};
				title = `Lines matching ${pattern as string} in ${windowMs / 60_000}m`;
			}
		}

		for (const key of kind === 'log' ? ['severity'] : ['pattern', 'window', 'warning', 'critical']) {
			if (key in fields) problem(field(key), `only for ${key === 'severity' ? 'process and port checks' : 'log checks'}`);
		}

		// A process or port check is down below 1 (at the given severity); a log check is judged by its count.
		const rule: Rule = {id: name, title, metric: `check.${name}`, comparison: kind === 'log' ? 'above' : 'below', warning: null, critical: null, forSec: duration('for', 0) / 1000, clearSec: duration('clear', 0) / 1000, hysteresis: 0, isEnabled: true};
		if (kind === 'log') {
			let isLevelValid = true;
			for (const level of ['warning', 'critical'] as const) {
				const value = fields[level];
				if (value === undefined) continue;
				if (value === null || (typeof value === 'number' && Number.isFinite(value))) rule[level] = value;
				else {
					problem(field(level), 'expected a number of lines, or null to turn that level off');
					isLevelValid = false;
				}
			}

			if (!('warning' in fields) && !('critical' in fields)) rule.warning = 0;
			if (isLevelValid && rule.warning === null && rule.critical === null) problem(at, 'has neither a warning nor a critical threshold');
		} else {
			const severity = fields['severity'] ?? 'critical';
			if (severity === 'warning' || severity === 'critical') rule[severity] = 1;
			else problem(field('severity'), 'expected warning or critical');
		}

		if (fields['title'] !== undefined) {
			if (typeof fields['title'] === 'string' && fields['title'] !== '') rule.title = fields['title'];
			else problem(field('title'), 'expected a string');
		}

		if (fields['enabled'] !== undefined) {
			if (typeof fields['enabled'] === 'boolean') rule.isEnabled = fields['enabled'];
			else problem(field('enabled'), 'expected true or false');
		}

		const intervalMs = duration('interval', DEFAULT_CHECK_INTERVAL_MS);
		if (intervalMs < 100) problem(field('interval'), 'too short (the shortest is 100ms)');
		if (target) checks.push({name, intervalMs, target, rule});
	}

	return checks;
}

/** The largest config file read: far above any real one, and what a mistaken `--config /dev/zero` stops at. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A config file's text. Opened without blocking (a FIFO with no writer would wait for ever) and
 * refused unless it is a regular file of at most MAX_CONFIG_BYTES; throws the reason otherwise.
 */
function readConfigText(file: string): string {
	const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		const stats = fstatSync(fd);
		if (!stats.isFile()) throw new Error(`${fileKind(stats)}, not a regular file`);
		if (stats.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB`);
		const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
		let length = 0;
		for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
		if (length > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB`);
		return buffer.toString('utf8', 0, length);
	} finally {
		closeSync(fd);
	}
}

/** Reads and validates the config file; the defaults alone when the default file does not exist. */
export function loadConfig(explicit: string | undefined, env: NodeJS.ProcessEnv): Config & {file: string | null} {
	if (explicit?.trim() === '') throw new ConfigError(['--config: empty (accepted: the path of a JSON file)']);
	const file = explicit ?? defaultConfigPath(env);
	let text: string;
	try {
		text = readConfigText(file);
	} catch (error) {
		if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {...validateConfig({}, file), file: null};
		}

		throw new ConfigError([`${file}: cannot read it: ${error instanceof Error ? error.message : String(error)}`]);
	}

	let json: unknown;
	try {
		// A byte order mark, as some Windows editors write, is not part of the JSON.
		json = JSON.parse(text.replace(/^\ufeff/, ''));
	} catch (error) {
		throw new ConfigError([`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
	}

	return {...validateConfig(json, file), file};
}

/** The effective config as the file would write it, for `--print-config`. */
export function printableConfig(config: Config): Json {
	return {
		rules: Object.fromEntries(
			config.rules.map(rule => [
				rule.id,
				{
					title: rule.title,
					metric: rule.metric,
					comparison: rule.comparison,
					warning: rule.warning,
					critical: rule.critical,
					...(hasHeldUp(rule) ? {criticalHeldUp: rule.criticalHeldUp ?? null} : {}),
					for: rule.forSec,
					clear: rule.clearSec,
					hysteresis: rule.hysteresis,
					...(rule.scope === undefined ? {} : {scope: rule.scope}),
					enabled: rule.isEnabled,
				},
			]),
		),
		checks: Object.fromEntries(
			config.checks.map(({name, intervalMs, target, rule}) => [
				name,
				{
					...(target.kind === 'process' ? {process: target.process} : target.kind === 'port' ? {port: target.port} : {log: target.path, pattern: target.pattern, window: target.windowMs / 1000}),
					interval: intervalMs / 1000,
					...(target.kind === 'log' ? {warning: rule.warning, critical: rule.critical} : {severity: rule.critical === null ? 'warning' : 'critical'}),
					for: rule.forSec,
					clear: rule.clearSec,
					title: rule.title,
					enabled: rule.isEnabled,
				},
			]),
		),
	};
}
