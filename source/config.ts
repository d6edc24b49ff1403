// The config file: `--config FILE`, else $XDG_CONFIG_HOME/dbtop/config.json, else
// ~/.config/dbtop/config.json (a missing default file is fine; a missing --config file is not).
// Every problem is reported at once, each naming its field path and what is accepted.
import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Rule} from './alert-engine.js';
import {DEFAULT_RULES} from './alert-rules.js';
import {parseDuration} from './duration.js';

/** The effective configuration: the rules with the defaults filled in. */
export type Config = {rules: Rule[]};

/** A config that cannot be used: one line per problem. */
export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(problems.join('\n'));
	}
}

const COMPARISONS = ['above', 'below', 'increases'] as const;
const SOURCES = ['host', 'process', 'postgres', 'container', 'check'] as const;
const RULE_KEYS = ['title', 'source', 'metric', 'comparison', 'warning', 'critical', 'for', 'clear', 'hysteresis', 'scope', 'unit', 'enabled'] as const;

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
		if (key !== 'rules') problem(key, 'unknown field (accepted: rules)');
	}

	const rules = new Map(DEFAULT_RULES.map(rule => [rule.id, {...rule}]));
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
				for (const needed of ['title', 'source', 'metric', 'comparison'] as const) {
					if (!(needed in fields)) problem(`${at}.${needed}`, 'required for a new rule');
				}
			}

			const rule: Rule = base ?? {id, title: id, source: 'check', metric: '', comparison: 'above', warning: null, critical: null, forSec: 0, clearSec: 0, hysteresis: 0, unit: '', isEnabled: true};
			for (const [key, value] of Object.entries(fields)) {
				const field = `${at}.${key}`;
				switch (key as (typeof RULE_KEYS)[number]) {
					case 'title':
					case 'metric':
					case 'scope':
					case 'unit':
						if (typeof value === 'string' && (key !== 'metric' || value !== '')) rule[key as 'title'] = value;
						else problem(field, 'expected a string');
						break;
					case 'source':
						if ((SOURCES as readonly unknown[]).includes(value)) rule.source = value as Rule['source'];
						else problem(field, `expected one of ${SOURCES.join(', ')}`);
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
					case 'for':
					case 'clear': {
						const ms = typeof value === 'number' ? (value >= 0 ? value * 1000 : null) : typeof value === 'string' ? (value.trim() === '0' ? 0 : parseDuration(value)) : null;
						if (ms === null) problem(field, 'expected a duration: seconds as a number, or "30s", "5m", "500ms"');
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

			rules.set(id, rule);
		}
	}

	if (problems.length > 0) throw new ConfigError(problems);
	return {rules: [...rules.values()]};
}

/** Reads and validates the config file; the defaults alone when the default file does not exist. */
export function loadConfig(explicit: string | undefined, env: NodeJS.ProcessEnv): Config & {file: string | null} {
	const file = explicit ?? defaultConfigPath(env);
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {...validateConfig({}, file), file: null};
		}

		throw new ConfigError([`${file}: cannot read it: ${error instanceof Error ? error.message : String(error)}`]);
	}

	let json: unknown;
	try {
		json = JSON.parse(text);
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
					source: rule.source,
					metric: rule.metric,
					comparison: rule.comparison,
					warning: rule.warning,
					critical: rule.critical,
					for: rule.forSec,
					clear: rule.clearSec,
					hysteresis: rule.hysteresis,
					...(rule.scope === undefined ? {} : {scope: rule.scope}),
					unit: rule.unit,
					enabled: rule.isEnabled,
				},
			]),
		),
	};
}
