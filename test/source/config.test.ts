import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alert-rules.js';
import {ConfigError, defaultConfigPath, loadConfig, printableConfig, validateConfig} from '../../source/config.js';

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
				'data-disk': {title: 'Data disk', source: 'host', metric: 'host.fsFreePct', comparison: 'below', warning: 25, critical: 10, scope: '/data', clear: 60, unit: '%'},
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
			'c.json: colour: unknown field (accepted: rules)',
			'c.json: rules.cpu.warning: expected a number, or null to turn that level off',
			'c.json: rules.cpu.for: expected a duration: seconds as a number, or "30s", "5m", "500ms"',
			'c.json: rules.cpu.enabled: expected true or false',
			'c.json: rules.cpu.bogus: unknown field (accepted: title, source, metric, comparison, warning, critical, for, clear, hysteresis, scope, unit, enabled)',
			'c.json: rules.mine.title: required for a new rule',
			'c.json: rules.mine.source: required for a new rule',
			'c.json: rules.mine.metric: required for a new rule',
			'c.json: rules.mine.comparison: required for a new rule',
		]);
	}
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
