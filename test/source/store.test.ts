import assert from 'node:assert/strict';
import {test} from 'node:test';
import {appendBounded, HISTORY_POINTS, PROCESS_HISTORY_POINTS} from '../../source/store/host.js';
import {createStore, initialState, reduce} from '../../source/store/store.js';
import {SERIES_POINTS, seriesKey, seriesPoints} from '../../source/store/alerts.js';
import {hostSample, processRow} from '../helpers/fixtures.js';

test('a host sample is kept, its metrics appended to bounded histories', () => {
	let state = initialState(1000);
	for (let i = 0; i < HISTORY_POINTS + 10; i++) {
		state = reduce(state, {type: 'sample', id: 'host', at: i, value: hostSample({cpu: {...hostSample().cpu, total: i}})});
	}

	assert.equal(state.history.cpu.length, HISTORY_POINTS);
	assert.equal(state.history.cpu.at(-1), HISTORY_POINTS + 9);
	assert.equal(state.history.cpu[0], 10);
	assert.equal(state.history.memory.at(-1), 25);
	assert.equal(state.now, HISTORY_POINTS + 9);
	assert.equal(state.status['host']?.lastOkAt, HISTORY_POINTS + 9);
});

test('the reducer is pure: the old state and its arrays are left as they were', () => {
	const before = reduce(initialState(1000), {type: 'sample', id: 'host', at: 1, value: hostSample()});
	const cpu = before.history.cpu;
	const after = reduce(before, {type: 'sample', id: 'host', at: 2, value: hostSample()});
	assert.equal(before.history.cpu.length, 1);
	assert.notEqual(after.history.cpu, cpu);
	assert.equal(after.history.cpu.length, 2);
});

test('appendBounded keeps the newest points', () => {
	assert.deepEqual(appendBounded([1, 2, 3], 4, 3), [2, 3, 4]);
	assert.deepEqual(appendBounded([], 1, 3), [1]);
});

test('process history follows a pid and starts over when the pid is reused', () => {
	let state = initialState(1000);
	const sample = (cpuPct: number, startedAt: number) => ({processes: [processRow({pid: 7, cpuPct, startedAt})], detail: null});
	state = reduce(state, {type: 'sample', id: 'processes', at: 1, value: sample(5, 100)});
	state = reduce(state, {type: 'sample', id: 'processes', at: 2, value: sample(9, 100)});
	assert.deepEqual(state.processHistory.get(7)?.cpu, [5, 9]);
	state = reduce(state, {type: 'sample', id: 'processes', at: 3, value: sample(1, 200)});
	assert.deepEqual(state.processHistory.get(7)?.cpu, [1]);
	state = reduce(state, {type: 'sample', id: 'processes', at: 4, value: {processes: [], detail: null}});
	assert.equal(state.processHistory.has(7), false);
	for (let i = 0; i < PROCESS_HISTORY_POINTS + 5; i++) {
		state = reduce(state, {type: 'sample', id: 'processes', at: 10 + i, value: sample(i, 300)});
	}

	assert.equal(state.processHistory.get(7)?.cpu.length, PROCESS_HISTORY_POINTS);
});

test('an error marks only its collector, keeps the last good time and since when it is down', () => {
	let state = reduce(initialState(1000), {type: 'sample', id: 'host', at: 10, value: hostSample()});
	state = reduce(state, {type: 'collector-error', id: 'processes', at: 20, message: 'EACCES'});
	state = reduce(state, {type: 'collector-error', id: 'processes', at: 30, message: 'EACCES'});
	assert.deepEqual(state.status['processes'], {lastOkAt: null, error: 'EACCES', errorAt: 30, downSince: 20});
	assert.equal(state.status['host']?.error, null);
	assert.notEqual(state.host, null);
	state = reduce(state, {type: 'sample', id: 'processes', at: 40, value: {processes: [], detail: null}});
	assert.deepEqual(state.status['processes'], {lastOkAt: 40, error: null, errorAt: null, downSince: null});
});

test('store instances are independent and notify their subscribers once per dispatch', () => {
	const a = createStore(initialState(1000));
	const b = createStore(initialState(1000));
	let calls = 0;
	const unsubscribe = a.subscribe(() => calls++);
	a.dispatch({type: 'set-pane', pane: 'host'});
	assert.equal(calls, 1);
	assert.equal(a.getState().ui.pane, 'host');
	assert.equal(b.getState().ui.pane, 'processes');
	unsubscribe();
	a.dispatch({type: 'set-pane', pane: 'processes'});
	assert.equal(calls, 1);
});

test('a Postgres outage keeps the last sample and leaves sort, filter and selection as the user set them', () => {
	let state = initialState(1000);
	state = reduce(state, {type: 'set-session-sort', sort: 'user'});
	state = reduce(state, {type: 'set-filter', list: 'sessions', filter: 'db:shop'});
	state = reduce(state, {type: 'select', list: 'sessions', key: 42, index: 3});
	const ui = state.ui;
	state = reduce(state, {type: 'collector-error', id: 'postgres-sessions', at: 5000, message: 'connection lost: terminating connection due to administrator command'});
	assert.equal(state.ui, ui);
	assert.equal(state.status['postgres-sessions']?.error, 'connection lost: terminating connection due to administrator command');
	assert.deepEqual([state.ui.sessions.sort, state.ui.sessions.filter, state.ui.sessions.selected], ['user', 'db:shop', 42]);
});

test('the rules run with every sample: an alert fires in the store and can be acknowledged', async () => {
	const {DEFAULT_RULES} = await import('../../source/alerts/rules.js');
	let state = initialState(1000, DEFAULT_RULES);
	state = reduce(state, {type: 'sample', id: 'host', at: 5000, value: hostSample({filesystems: [{mount: '/data', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 97, freePct: 3}]})});
	const [alert] = state.alerts.alerts;
	assert.deepEqual([alert?.rule, alert?.severity, alert?.resource, alert?.state, alert?.firedAt], ['filesystem', 'critical', '/data', 'firing', 5000]);
	state = reduce(state, {type: 'acknowledge', ids: [alert!.id], by: 'alice', note: 'growing the volume', at: 6000});
	assert.deepEqual([state.alerts.alerts[0]!.state, state.alerts.alerts[0]!.acknowledgedBy, state.alerts.alerts[0]!.note], ['acknowledged', 'alice', 'growing the volume']);
	state = reduce(state, {type: 'sample', id: 'host', at: 7000, value: hostSample()});
	assert.equal(state.alerts.alerts[0]!.state, 'acknowledged', 'clear, but not for the rule\'s 30 s yet');
	state = reduce(state, {type: 'sample', id: 'host', at: 37_000, value: hostSample()});
	assert.equal(state.alerts.alerts[0]!.state, 'resolved');
	assert.equal(state.alerts.alerts[0]!.resolvedAt, 37_000);
});

test('the series the rules read: a point a second, bounded, and kept for a listed alert after its resource is gone', () => {
	const disks = (mounts: Array<[string, number]>) => hostSample({filesystems: mounts.map(([mount, freePct]) => ({mount, device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 100 - freePct, freePct}))});
	let state = initialState(1000);
	state = reduce(state, {type: 'sample', id: 'host', at: 1000, value: disks([['/data', 20], ['/scratch', 50]])});
	// Measured again within the same second: the last point is replaced, not added.
	state = reduce(state, {type: 'sample', id: 'host', at: 1500, value: disks([['/data', 10], ['/scratch', 50]])});
	state = reduce(state, {type: 'sample', id: 'host', at: 2000, value: disks([['/data', 3], ['/scratch', 50]])});
	const data = () => seriesPoints(state.series.get(seriesKey('host.fsFreePct', '/data'))!);
	assert.deepEqual(data(), {at: [1000, 2000], values: [10, 3]});
	// Both mounts go away: the one with an alert keeps its series, the other is forgotten.
	state = reduce(state, {type: 'sample', id: 'host', at: 3000, value: disks([])});
	assert.deepEqual(data(), {at: [1000, 2000], values: [10, 3]});
	assert.equal(state.series.has(seriesKey('host.fsFreePct', '/scratch')), false);
	for (let at = 4000; at < 4000 + (SERIES_POINTS + 5) * 1000; at += 1000) {
		state = reduce(state, {type: 'sample', id: 'host', at, value: hostSample({cpu: {...hostSample().cpu, total: at / 1000}})});
	}

	const cpu = seriesPoints(state.series.get(seriesKey('host.cpuPct', 'db1'))!);
	assert.equal(cpu.values.length, SERIES_POINTS);
	assert.equal(cpu.values.at(-1), 3 + SERIES_POINTS + 5);
	assert.ok(state.series.get(seriesKey('host.cpuPct', 'db1'))!.at.length <= 2 * SERIES_POINTS, 'the shared arrays stay bounded');
});

test('states share a series\' arrays without seeing each other\'s points, even when one state is reduced twice', () => {
	const cpu = (total: number) => hostSample({cpu: {...hostSample().cpu, total}});
	const base = reduce(reduce(initialState(1000), {type: 'sample', id: 'host', at: 1000, value: cpu(1)}), {type: 'sample', id: 'host', at: 2000, value: cpu(2)});
	const left = reduce(base, {type: 'sample', id: 'host', at: 3000, value: cpu(30)});
	const right = reduce(base, {type: 'sample', id: 'host', at: 3000, value: cpu(40)});
	const values = (state: typeof base) => seriesPoints(state.series.get(seriesKey('host.cpuPct', 'db1'))!).values;
	assert.deepEqual(values(base), [1, 2]);
	assert.deepEqual(values(left), [1, 2, 30]);
	assert.deepEqual(values(right), [1, 2, 40]);
	assert.deepEqual(values(reduce(left, {type: 'sample', id: 'host', at: 3500, value: cpu(35)})), [1, 2, 35], 'a point within the same second replaces the last');
	assert.deepEqual(values(left), [1, 2, 30]);
});

test('process history is kept for the rows in view and the process drilled into, not for every process', () => {
	const rows = Array.from({length: 40}, (_, i) => processRow({pid: i + 1, cpuPct: 40 - i}));
	let state = reduce(initialState(1000), {type: 'set-page-size', list: 'processes', rows: 5});
	state = reduce(state, {type: 'open-detail', list: 'processes', pid: 30});
	state = reduce(state, {type: 'close-detail', list: 'processes'});
	const tick = (at: number) => (state = reduce(state, {type: 'sample', id: 'processes', at, value: {processes: rows, detail: null}}));
	tick(1);
	tick(2);
	assert.deepEqual([...state.processHistory.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5], 'the five rows in view');
	assert.deepEqual(state.processHistory.get(1)?.cpu, [40, 40]);
	state = reduce(state, {type: 'open-detail', list: 'processes', pid: 30});
	tick(3);
	assert.deepEqual(state.processHistory.get(30)?.cpu, [11], 'the open process, from when it was opened');
	state = reduce(state, {type: 'select', list: 'processes', key: 10, index: 9});
	tick(4);
	assert.ok(state.processHistory.has(10) && !state.processHistory.has(1), 'the window followed the selection');
});
