import assert from 'node:assert/strict';
import {test} from 'node:test';
import {check} from '../../source/alerts/check.js';
import {metricLevel, sessionLevels} from '../../source/alerts/levels.js';
import {alertMarks, matchesAlert} from '../../source/alerts/list.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {validateConfig} from '../../source/app/config.js';
import {initialState, reduce, type Action} from '../../source/store/store.js';
import type {Rule} from '../../source/alerts/engine.js';
import type {PgLocksSample, PgSession} from '../../source/types.js';
import {containerRow, hostSample, pgLock, pgSession, pgSessionsSample} from '../helpers/fixtures.js';

const down = (id: string, at: number): Action => ({type: 'collector-error', id, at, message: 'refused'});
const stateOf = (actions: readonly Action[], rules = DEFAULT_RULES) => actions.reduce(reduce, initialState(1000, rules));

test('a source down for a minute is an alert of that source: Postgres, the container engine, a service check', () => {
	const config = validateConfig({checks: {'pg-errors': {log: '/var/log/pg.log', pattern: 'ERROR'}}}, 'c.json');
	const rules = [...config.rules, ...config.checks.map(check => check.rule)];
	const state = stateOf(['postgres-sessions', 'containers', 'check:pg-errors'].flatMap(id => [down(id, 1000), down(id, 62_000)]), rules);
	const sources = state.alerts.alerts.map(alert => `${alert.rule} ${alert.source}:${alert.resource}`);
	assert.deepEqual(sources, ['source-down postgres:postgres-sessions', 'source-down container:containers', 'source-down check:check:pg-errors']);
	const postgresDown = state.alerts.alerts[0]!;
	assert.ok(matchesAlert(postgresDown, 'src:postgres', rules), 'src:postgres finds Postgres down');
	assert.ok(!matchesAlert(postgresDown, 'src:check', rules));
	// The Alerts pane lists every alert, so a check's points at no tab.
	assert.deepEqual(alertMarks(state).panes, {sessions: 'warning', containers: 'warning'});
});

test('what a firing alert points at follows its metric: the pane, the session by pid, the container by name', () => {
	const state = stateOf([
		{type: 'sample', id: 'postgres-sessions', at: 1000, value: pgSessionsSample([pgSession({pid: 7, waitEventType: 'Lock', stateAgeSec: 400}), pgSession({pid: 8, state: 'idle in transaction', stateAgeSec: 400})])},
		{type: 'sample', id: 'postgres-locks', at: 1000, value: {blockedBy: {7: [8]}, locks: [pgLock({pid: 7, granted: false}), pgLock({pid: 8, mode: 'AccessExclusiveLock'})]}},
		{type: 'sample', id: 'containers', at: 1000, value: {engine: 'docker', containers: [containerRow({id: 'c1', name: 'db', state: 'exited', exitCode: 1})]}},
	]);
	const marks = alertMarks(state);
	assert.deepEqual(marks.panes, {locks: 'critical', sessions: 'warning', containers: 'warning'});
	// 8, idle in its transaction, has held 7 up for 400 s: the blocker rule's critical, on 8.
	assert.deepEqual([...marks.pids], [[7, 'critical'], [8, 'critical']]);
	assert.deepEqual([...marks.containers], [['db', 'warning']]);
});

test('colour levels are the rules in force on a metric: their thresholds, each within its scope, the worst of them', () => {
	const {rules} = validateConfig({rules: {filesystem: {warning: 30}, 'data-disk': {title: 'Data disk', metric: 'host.fsFreePct', comparison: 'below', warning: 50, critical: 40, scope: '/data'}}}, 'c.json');
	assert.equal(metricLevel(rules, 'host.fsFreePct', '/', 45), 'ok');
	assert.equal(metricLevel(rules, 'host.fsFreePct', '/', 25), 'warn', 'the configured warning, not 15 %');
	assert.equal(metricLevel(rules, 'host.fsFreePct', '/data', 45), 'warn', 'the scoped rule');
	assert.equal(metricLevel(rules, 'host.fsFreePct', '/data', 4), 'crit');
	assert.equal(metricLevel(rules, 'host.fsFreePct', '/data', null), 'ok');
	// Memory is judged by what is available, as its rule has it: 82 % used is 18 % available.
	assert.equal(metricLevel(DEFAULT_RULES, 'host.memAvailablePct', 'db1', 18), 'ok');
	assert.equal(metricLevel(DEFAULT_RULES, 'host.memAvailablePct', 'db1', 10), 'warn');
	// A rule on any increase cannot judge one value; a disabled rule judges nothing.
	assert.equal(metricLevel(DEFAULT_RULES, 'host.swapUsedBytes', 'db1', 1024 ** 3), 'ok');
	assert.equal(metricLevel(DEFAULT_RULES.map(rule => ({...rule, isEnabled: false})), 'host.cpuPct', 'db1', 99), 'ok');
	// A session by its resource, `<pid> <user>@<database>`, so a rule scoped to a database colours only its sessions.
	const {rules: scoped} = validateConfig({rules: {'long-query': {scope: '@shop'}}}, 'c.json');
	const levelsOf = (rules: readonly Rule[], sessions: PgSession[], locks?: PgLocksSample) => {
		let state = reduce(initialState(1000, rules), {type: 'sample', id: 'postgres-sessions', at: 1_000_000, value: pgSessionsSample(sessions)});
		if (locks) state = reduce(state, {type: 'sample', id: 'postgres-locks', at: 1_000_000, value: locks});
		return sessionLevels(state);
	};

	assert.equal(levelsOf(scoped, [pgSession({pid: 7, state: 'active', queryAgeSec: 600})]).get(7), 'warn');
	assert.equal(levelsOf(scoped, [pgSession({pid: 7, state: 'active', database: 'crm', queryAgeSec: 600})]).get(7), 'ok');
	// A lock wait is judged from the lock's wait start, as its rule measures it, not from the session's last change of state.
	const waiter = pgSession({pid: 9, state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', stateAgeSec: 1, queryAgeSec: 1});
	const locks: PgLocksSample = {locks: [pgLock({pid: 9, granted: false, waitStartAt: 1_000_000 - 400_000})], blockedBy: {9: [8]}};
	assert.equal(metricLevel(DEFAULT_RULES, 'pg.lockWaitSec', '9 app@shop', 400), levelsOf(DEFAULT_RULES, [waiter], locks).get(9));
	assert.notEqual(levelsOf(DEFAULT_RULES, [waiter], locks).get(9), 'ok');
	assert.equal(levelsOf(DEFAULT_RULES, [waiter]).get(9), 'ok', 'without the lock, the 1 s since its last change of state');
});

test('dbtop check is unknown when a source a metric comes from cannot be read, not for the process list no rule reads', () => {
	const host: Action = {type: 'sample', id: 'host', at: 1000, value: hostSample()};
	const sources = ['host', 'processes', 'postgres-sessions'];
	const processesDown = stateOf([host, down('processes', 1000), {type: 'sample', id: 'postgres-sessions', at: 1000, value: pgSessionsSample([])}]);
	assert.deepEqual([check(processesDown, DEFAULT_RULES, sources).status, check(processesDown, DEFAULT_RULES, sources).unreadable], ['OK', {}]);
	const postgresDown = stateOf([host, {type: 'sample', id: 'processes', at: 1000, value: {processes: [], detail: null}}, down('postgres-sessions', 1000)]);
	assert.deepEqual([check(postgresDown, DEFAULT_RULES, sources).status, check(postgresDown, DEFAULT_RULES, sources).unreadable], ['UNKNOWN', {'postgres-sessions': 'refused'}]);
});
