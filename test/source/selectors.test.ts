import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Rule} from '../../source/alerts/engine.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {checkStatuses} from '../../source/store/checks.js';
import {containerProcesses} from '../../source/store/containers.js';
import {memoryUsedPct, parentChain, processByPid} from '../../source/store/host.js';
import {connectionsPct, usersSummary} from '../../source/store/postgres.js';
import {initialState, reduce, type State} from '../../source/store/store.js';
import {containerRow, hostSample, pgServer, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';

const sessions = [
	pgSession({pid: 1, user: 'app', database: 'shop', state: 'active'}),
	pgSession({pid: 2, user: 'app', database: 'billing', state: 'idle'}),
	pgSession({pid: 3, user: 'report', database: 'shop', state: 'idle in transaction'}),
	pgSession({pid: 4, user: null, backendType: 'autovacuum launcher', state: null}),
];

const withSessions = (state: State, at: number) => reduce(state, {type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(sessions, {server: pgServer({connections: 30, maxConnections: 120})})});

test('the users summary is worked out once per sample: the same value until the next sample, whatever else changes', () => {
	let state = withSessions(initialState(1000), 1);
	const summary = usersSummary(state);
	assert.deepEqual(
		summary.users.map(user => `${user.user} ${user.total}`),
		['app 2', 'report 1'],
	);
	assert.deepEqual(
		summary.perDatabase.map(user => `${user.user}/${user.database} ${user.total}`),
		['app/billing 1', 'app/shop 1', 'report/shop 1'],
	);
	state = reduce(state, {type: 'set-pane', pane: 'sessions'});
	state = reduce(state, {type: 'sample', id: 'host', at: 2, value: hostSample()});
	assert.equal(usersSummary(state), summary, 'a pane change and a host sample keep the summary');
	state = withSessions(state, 3);
	assert.notEqual(usersSummary(state), summary, 'a new sample counts again');
	assert.deepEqual(usersSummary(initialState(1000)), {users: [], perDatabase: []});
});

test('connections and memory in use are one percentage each, as the rules, panes and charts read them', () => {
	assert.equal(connectionsPct(pgServer({connections: 30, maxConnections: 120})), 25);
	assert.equal(connectionsPct(pgServer({connections: 3, maxConnections: 0})), null);
	const host = hostSample();
	const state = reduce(initialState(1000), {type: 'sample', id: 'host', at: 1, value: host});
	assert.equal(state.history.memory.at(-1), memoryUsedPct(host));
	assert.equal(memoryUsedPct(hostSample({memory: {...host.memory, total: 0}})), 0);
});

test('a process\'s parent chain, nearest first, stops at the root and at a loop; the same array until the next sample', () => {
	const rows = [processRow({pid: 1, ppid: 0}), processRow({pid: 10, ppid: 1}), processRow({pid: 11, ppid: 10}), processRow({pid: 50, ppid: 51}), processRow({pid: 51, ppid: 50})];
	let state = reduce(initialState(1000), {type: 'sample', id: 'processes', at: 1, value: {processes: rows, detail: null}});
	assert.deepEqual(
		parentChain(state, 11).map(row => row.pid),
		[10, 1],
	);
	assert.equal(parentChain(state, 11), parentChain(state, 11));
	assert.ok(parentChain(state, 50).length <= 64, 'a loop of parents ends');
	assert.deepEqual(parentChain(state, 999), []);
	assert.equal(processByPid(state, 10)?.pid, 10);
	assert.equal(processByPid(state, null), null);
	state = reduce(state, {type: 'select', list: 'processes', key: 10, index: 1});
	assert.deepEqual(
		parentChain(state, 11).map(row => row.pid),
		[10, 1],
	);
});

test('a container\'s processes are the host processes that run in it, worked out once per process sample', () => {
	const rows = [processRow({pid: 1}), processRow({pid: 20, containerId: 'aaa'}), processRow({pid: 21, containerId: 'aaa'}), processRow({pid: 30, containerId: 'bbb'})];
	let state = reduce(initialState(1000), {type: 'sample', id: 'processes', at: 1, value: {processes: rows, detail: null}});
	state = reduce(state, {type: 'sample', id: 'containers', at: 1, value: {engine: '/run/podman/podman.sock', containers: [containerRow({id: 'aaa', name: 'web'})]}});
	assert.deepEqual(
		containerProcesses(state, 'aaa').map(row => row.pid),
		[20, 21],
	);
	assert.equal(containerProcesses(state, 'aaa'), containerProcesses(state, 'aaa'));
	assert.deepEqual(containerProcesses(state, null), []);
});

test('check statuses are kept until a reading, a source\'s health or the alerts change', () => {
	const rule: Rule = {...DEFAULT_RULES[0]!, id: 'disk-log', title: 'log errors', metric: 'check.disk-log', comparison: 'above', warning: 0, critical: null, forSec: 0, clearSec: 0, hysteresis: 0, isEnabled: true};
	let state = initialState(1000, [rule]);
	const before = checkStatuses(state);
	assert.deepEqual(before, [{name: 'disk-log', text: 'disk-log …', isBad: false}]);
	state = reduce(state, {type: 'set-pane', pane: 'alerts'});
	assert.equal(checkStatuses(state), before, 'a pane change keeps them');
	state = reduce(state, {type: 'sample', id: 'check:disk-log', at: 1, value: {resource: '/var/log/x', value: 0, detail: '0 errors'}});
	assert.deepEqual(checkStatuses(state), [{name: 'disk-log', text: 'disk-log 0 errors', isBad: false}]);
	state = reduce(state, {type: 'collector-error', id: 'check:disk-log', at: 2, message: 'EACCES'});
	assert.deepEqual(checkStatuses(state), [{name: 'disk-log', text: 'disk-log: EACCES', isBad: true}]);
});
