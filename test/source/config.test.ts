import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {ConfigError, defaultConfigPath, loadConfig, printableConfig, rulesOf, validateConfig} from '../../source/app/config.js';

test('no file: the defaults; the default path follows XDG_CONFIG_HOME, else ~/.config', () => {
	assert.equal(defaultConfigPath({XDG_CONFIG_HOME: '/x'}), '/x/dbtop/config.json');
	assert.equal(defaultConfigPath({HOME: '/home/ops'}), '/home/ops/.config/dbtop/config.json');
	const config = loadConfig(undefined, {XDG_CONFIG_HOME: '/nonexistent'});
	assert.equal(config.file, null);
	assert.deepEqual(config.rules, DEFAULT_RULES);
});

test('overrides, a disabled rule, a scoped new rule, durations in words or seconds', () => {
	const config = validateConfig(
		{
			rules: {
				cpu: {warning: 70, for: '5m'},
				load: {enabled: false},
				'data-disk': {title: 'Data disk', metric: 'host.fsFreePct', comparison: 'below', warning: 25, critical: 10, scope: '/data', clear: 60},
			},
		},
		'c.json',
	);
	const cpu = config.rules.find(rule => rule.id === 'cpu')!;
	assert.deepEqual([cpu.warning, cpu.critical, cpu.forSec], [70, 95, 300]);
	assert.equal(config.rules.find(rule => rule.id === 'load')!.isEnabled, false);
	const disk = config.rules.find(rule => rule.id === 'data-disk')!;
	assert.deepEqual([disk.scope, disk.warning, disk.clearSec, disk.comparison], ['/data', 25, 60, 'below']);
	assert.equal(printableConfig(config)['rules'] !== undefined, true);
	assert.deepEqual((printableConfig(config)['rules'] as Record<string, {for: number}>)['cpu']!.for, 300);
});

test('a bad file: one error per problem, each naming its field and what is accepted', () => {
	try {
		validateConfig({colour: 'red', rules: {cpu: {warning: 'high', for: 'soon', enabled: 'yes', bogus: 1}, mine: {warning: 1}}}, 'c.json');
		assert.fail('should not validate');
	} catch (error) {
		assert.ok(error instanceof ConfigError);
		assert.deepEqual(error.problems, [
			'c.json: colour: unknown field (accepted: rules, checks)',
			'c.json: rules.cpu.warning: expected a number, or null to turn that level off',
			'c.json: rules.cpu.for: expected a duration: seconds as a number, or "30s", "5m", "500ms"',
			'c.json: rules.cpu.enabled: expected true or false',
			'c.json: rules.cpu.bogus: unknown field (accepted: title, metric, comparison, warning, critical, criticalHeldUp, for, clear, hysteresis, scope, enabled)',
			'c.json: rules.mine.title: required for a new rule',
			'c.json: rules.mine.metric: required for a new rule',
			'c.json: rules.mine.comparison: required for a new rule',
		]);
	}
});

test('a rule names a metric of the registry, or the reading of a service check the file has', () => {
	const metric = (value: unknown, checks = {}) => validateConfig({rules: {mine: {title: 'Mine', metric: value, comparison: 'above', warning: 1}}, checks}, 'c.json');
	for (const id of ['host.cpuPct', 'pg.lockWaitSec', 'container.exitCode', 'source.downSec']) assert.equal(metric(id).rules.at(-1)!.metric, id);
	assert.equal(metric('check.pg-port', {'pg-port': {port: 5432}}).rules.at(-1)!.metric, 'check.pg-port');
	assert.throws(() => metric('host.cpu'), (error: Error) => error instanceof ConfigError && /^c\.json: rules\.mine\.metric: expected one of host\.cpuPct, host\.memAvailablePct, .*, check\.<name>, source\.downSec$/.test(error.message));
	assert.throws(() => metric(''), /rules\.mine\.metric: expected one of host\.cpuPct/);
	assert.throws(() => metric('check.pg-port'), /^Error: c\.json: rules\.mine\.metric: no service check is named pg-port$/);
});

test('source and unit, once fields of a rule, are the metric\'s: a file that still has them reads as before', () => {
	const config = validateConfig({rules: {cpu: {source: 'host', unit: '%', warning: 70}, 'source-down': {source: 'check', unit: 's'}, 'data-disk': {title: 'Data disk', source: 'host', metric: 'host.fsFreePct', comparison: 'below', warning: 25, unit: '%'}}}, 'c.json');
	assert.equal(config.rules.find(rule => rule.id === 'cpu')!.warning, 70);
	assert.deepEqual(config.rules.find(rule => rule.id === 'source-down'), DEFAULT_RULES.find(rule => rule.id === 'source-down'));
	assert.equal(config.rules.find(rule => rule.id === 'data-disk')!.metric, 'host.fsFreePct');
	assert.ok(!('source' in (printableConfig(config)['rules'] as Record<string, object>)['cpu']!), '--print-config leaves them out');
});

test('criticalHeldUp: the blocker rule\'s count of sessions held up, changed or turned off, only on a metric that counts them', () => {
	const blockerOf = (config: ReturnType<typeof validateConfig>) => config.rules.find(rule => rule.id === 'blocker')!;
	assert.equal(blockerOf(validateConfig({}, 'c.json')).criticalHeldUp, 10);
	assert.equal(blockerOf(validateConfig({rules: {blocker: {criticalHeldUp: 25}}}, 'c.json')).criticalHeldUp, 25);
	const off = validateConfig({rules: {blocker: {criticalHeldUp: null}}}, 'c.json');
	assert.equal(blockerOf(off).criticalHeldUp, undefined);
	// --print-config writes it, null when off, so the file reads back to the same rule.
	assert.equal((printableConfig(off)['rules'] as Record<string, {criticalHeldUp?: unknown}>)['blocker']!.criticalHeldUp, null);
	assert.deepEqual(validateConfig(JSON.parse(JSON.stringify(printableConfig(off))), 'p.json').rules, off.rules);
	assert.ok(!('criticalHeldUp' in (printableConfig(off)['rules'] as Record<string, object>)['cpu']!), 'a rule on a metric that counts nobody has none');
	const problems = (rules: Record<string, unknown>) => {
		try {
			validateConfig({rules}, 'c.json');
			return [];
		} catch (error) {
			return (error as ConfigError).problems;
		}
	};

	assert.deepEqual(problems({blocker: {criticalHeldUp: 0}, 'lock-wait': {criticalHeldUp: 'many'}}), [
		'c.json: rules.blocker.criticalHeldUp: expected a number of sessions (1 or more), or null to turn it off',
		'c.json: rules.lock-wait.criticalHeldUp: expected a number of sessions (1 or more), or null to turn it off',
	]);
	assert.deepEqual(problems({'lock-wait': {criticalHeldUp: 3}}), ['c.json: rules.lock-wait.criticalHeldUp: only for a rule on pg.blockingSec']);
	// The blocker rule moved to another metric drops the count it had by default.
	assert.equal(validateConfig({rules: {blocker: {metric: 'pg.lockWaitSec'}}}, 'c.json').rules.find(rule => rule.id === 'blocker')!.criticalHeldUp, undefined);
});

test('files: not JSON, unreadable --config, and a good one', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-config-'));
	try {
		const bad = path.join(dir, 'bad.json');
		writeFileSync(bad, '{"rules": ');
		assert.throws(() => loadConfig(bad, {}), (error: Error) => error instanceof ConfigError && /bad\.json: not valid JSON/.test(error.message));
		assert.throws(() => loadConfig(path.join(dir, 'missing.json'), {}), /missing\.json: cannot read it/);
		const good = path.join(dir, 'good.json');
		writeFileSync(good, JSON.stringify({rules: {cpu: {critical: null}}}));
		const config = loadConfig(good, {});
		assert.equal(config.file, good);
		assert.equal(config.rules.find(rule => rule.id === 'cpu')!.critical, null);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('a file that starts with a UTF-8 byte order mark reads like one without; an empty --config is named', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-config-'));
	try {
		const file = path.join(dir, 'bom.json');
		writeFileSync(file, `\ufeff${JSON.stringify({rules: {cpu: {critical: null}}})}`);
		assert.equal(loadConfig(file, {}).rules.find(rule => rule.id === 'cpu')!.critical, null);
		assert.throws(() => loadConfig('', {}), (error: Error) => error instanceof ConfigError && error.message === '--config: empty (accepted: the path of a JSON file)');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('service checks: a process, a port and a log, each with its own interval and a rule named like it', () => {
	const config = validateConfig(
		{
			checks: {
				'postgres-running': {process: 'postgres', interval: '30s'},
				'pg-port': {port: 5432, severity: 'warning', for: '1m'},
				'pg-errors': {log: '/var/log/postgresql/main.log', pattern: 'ERROR|FATAL|PANIC', window: '10m', critical: 20},
			},
		},
		'c.json',
	);
	assert.deepEqual(
		config.checks.map(check => [check.name, check.intervalMs, check.target]),
		[
			['postgres-running', 30_000, {kind: 'process', process: 'postgres'}],
			['pg-port', 10_000, {kind: 'port', port: 5432}],
			['pg-errors', 10_000, {kind: 'log', path: '/var/log/postgresql/main.log', pattern: 'ERROR|FATAL|PANIC', windowMs: 600_000}],
		],
	);
	const [running, port, errors] = config.checks.map(check => check.rule);
	assert.deepEqual([running!.metric, running!.comparison, running!.warning, running!.critical, running!.title], ['check.postgres-running', 'below', null, 1, 'Process postgres running']);
	assert.deepEqual([port!.warning, port!.critical, port!.forSec], [1, null, 60]);
	// A log check warns on any matching line unless thresholds are given.
	assert.deepEqual([errors!.comparison, errors!.warning, errors!.critical], ['above', null, 20]);
	assert.equal(validateConfig({checks: {x: {log: '/l', pattern: 'E'}}}, 'c.json').checks[0]!.rule.warning, 0);
	assert.deepEqual(rulesOf(config).slice(-3), [running, port, errors]);
	// --print-config gives a file that reads back to the same checks.
	assert.deepEqual(validateConfig(JSON.parse(JSON.stringify(printableConfig(config))), 'p.json'), config);
});

test('service checks: every problem named by its field path', () => {
	assert.throws(
		() =>
			validateConfig(
				{
					checks: {
						cpu: {process: 'x'},
						none: {interval: 5},
						both: {process: 'a', port: 1},
						path: {process: '/usr/bin/x'},
						port: {port: 70_000, pattern: 'x'},
						log: {log: 'relative.log', pattern: '(', severity: 'critical', interval: '50ms', bogus: true},
						nolog: {log: '/x.log', warning: 'many'},
						flag: {port: 22, severity: 'fatal', enabled: 1},
						quiet: {log: '/q.log', pattern: 'x', warning: null},
					},
				},
				'c.json',
			),
		(error: Error) => {
			assert.ok(error instanceof ConfigError);
			assert.deepEqual(error.problems, [
				'c.json: checks.cpu: a rule has this name; choose another',
				'c.json: checks.none: needs one of process, port or log',
				'c.json: checks.both: has process and port: choose one',
				'c.json: checks.path.process: expected a process name, as ps -e shows it (e.g. "postgres")',
				'c.json: checks.port.port: expected a TCP port number, 1 to 65535',
				'c.json: checks.port.pattern: only for log checks',
				'c.json: checks.log.bogus: unknown field (accepted: process, port, log, pattern, window, interval, severity, warning, critical, for, clear, title, enabled)',
				'c.json: checks.log.log: expected the absolute path of a log file',
				'c.json: checks.log.pattern: not a regular expression: missing closing )',
				'c.json: checks.log.severity: only for process and port checks',
				'c.json: checks.log.interval: too short (the shortest is 100ms)',
				'c.json: checks.nolog.pattern: required for a log check: a regular expression, e.g. "ERROR|FATAL|PANIC"',
				'c.json: checks.nolog.warning: expected a number of lines, or null to turn that level off',
				'c.json: checks.flag.severity: expected warning or critical',
				'c.json: checks.flag.enabled: expected true or false',
				'c.json: checks.quiet: has neither a warning nor a critical threshold',
			]);
			return true;
		},
	);
	assert.throws(() => validateConfig({checks: []}, 'c.json'), /c\.json: checks: expected an object of checks by name/);
});
