import assert from 'node:assert/strict';
import {test} from 'node:test';
import {evaluate, initialAlerts} from '../../source/alerts/engine.js';
import {measure} from '../../source/alerts/measure.js';
import {collectorOf, METRICS, type MetricId} from '../../source/alerts/metrics.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {rulesOf, validateConfig} from '../../source/app/config.js';
import {initialState, reduce, type Action} from '../../source/store/store.js';
import {containerRow, hostSample, pgLock, pgServer, pgSession, pgSessionsSample} from '../helpers/fixtures.js';

test('the metrics come from the store in base units, one value per resource', () => {
	let state = reduce(initialState(1000), {type: 'sample', id: 'host', at: 1000, value: hostSample({filesystems: [{mount: '/data', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 97, freePct: 3}]})});
	state = reduce(state, {
		type: 'sample',
		id: 'postgres-sessions',
		at: 2000,
		value: {
			target: 'ops@db1:5432/shop',
			server: pgServer({connections: 90, maxConnections: 100}),
			sessions: [pgSession({pid: 7, user: 'alice', waitEventType: 'Lock', stateAgeSec: 45}), pgSession({pid: 8, user: 'alice', state: 'idle in transaction', stateAgeSec: 400, xminAge: 10, xactAgeSec: 4000})],
			progress: [],
			localPostmasterPid: null,
			disabledProbes: {},
		},
	});
	const metrics = measure(state);
	assert.deepEqual(metrics['host.cpuPct'], [{resource: 'db1', value: 25}]);
	assert.deepEqual(metrics['host.memAvailablePct'], [{resource: 'db1', value: 75}]);
	assert.deepEqual(metrics['host.fsFreePct'], [{resource: '/data', value: 3}]);
	assert.deepEqual(metrics['pg.connectionsPct'], [{resource: 'ops@db1:5432/shop', value: 90}]);
	assert.deepEqual(metrics['pg.userSessions'], [{resource: 'alice', value: 2}]);
	assert.deepEqual(metrics['pg.lockWaitSec'], [{resource: '7 alice@shop', value: 45}]);
	assert.deepEqual(metrics['pg.idleInTransactionSec'], [{resource: '8 alice@shop', value: 400}]);
	assert.deepEqual(metrics['pg.xminHeldSec'], [{resource: '8 alice@shop', value: 4000}]);

	// The defaults turn these into alerts: a filesystem at 3 % free, connections at 90 %, a lock wait, an idle transaction, an old snapshot.
	const alerts = evaluate(DEFAULT_RULES, metrics, initialAlerts(), 2000).alerts;
	assert.deepEqual(
		alerts.map(alert => `${alert.rule}:${alert.severity}:${alert.resource}`).sort(),
		['connections:warning:ops@db1:5432/shop', 'filesystem:critical:/data', 'idle-in-transaction:warning:8 alice@shop', 'lock-wait:warning:7 alice@shop', 'old-xmin:warning:8 alice@shop'],
	);
});

test('replication slots: the WAL each retains; how long one has been inactive only while it retains some', () => {
	const slot = {type: 'logical', database: 'shop', walStatus: 'reserved', safeWalSize: null} as const;
	const state = reduce(initialState(1000), {
		type: 'sample',
		id: 'postgres-sessions',
		at: 1000,
		value: pgSessionsSample([], {
			server: pgServer({
				slots: [
					{...slot, name: 'idle', active: false, retainedBytes: 2 * 1024 ** 3, inactiveSec: 700},
					{...slot, name: 'used', active: true, retainedBytes: 1024, inactiveSec: null},
					{...slot, name: 'caught-up', active: false, retainedBytes: 0, inactiveSec: 900},
					{...slot, name: 'unreserved', type: 'physical', active: false, retainedBytes: null, walStatus: null, inactiveSec: 900},
				],
			}),
		}),
	});
	const metrics = measure(state);
	assert.deepEqual(metrics['pg.slotRetainedBytes'], [
		{resource: 'idle', value: 2 * 1024 ** 3},
		{resource: 'used', value: 1024},
		{resource: 'caught-up', value: 0},
	]);
	assert.deepEqual(metrics['pg.slotInactiveSec'], [{resource: 'idle', value: 700}], 'an active slot, and one that retains nothing, are not measured');
	const fired = evaluate(state.rules, metrics, initialAlerts(), 1000).alerts.map(alert => `${alert.rule}:${alert.severity}:${alert.resource}`);
	assert.deepEqual(fired, ['slot-inactive:warning:idle'], 'slot-retained waits for its minute; the inactive slot is past 5 minutes');
});

test('a source that stays down is measured from its first failure', () => {
	let state = reduce(initialState(1000), {type: 'collector-error', id: 'postgres-sessions', at: 10_000, message: 'ECONNREFUSED'});
	state = reduce(state, {type: 'collector-error', id: 'postgres-sessions', at: 100_000, message: 'ECONNREFUSED'});
	assert.deepEqual(measure(state)['source.downSec'], [{resource: 'postgres-sessions', value: 90}]);
});

// A sample of each collector some metric comes from, with a resource for every metric of it:
// swap in use, a session in each state a rule reads, a standby and a slot, who blocks whom, a container,
// a check's reading.
const SAMPLES: Readonly<Record<string, Action>> = {
	host: {type: 'sample', id: 'host', at: 1000, value: hostSample({swap: {total: 1024 ** 3, used: 1024 ** 2, free: 1023 * 1024 ** 2}})},
	'postgres-sessions': {
		type: 'sample',
		id: 'postgres-sessions',
		at: 1000,
		value: pgSessionsSample(
			[
				pgSession({pid: 7, waitEventType: 'Lock', state: 'active', xminAge: 3}),
				pgSession({pid: 8, state: 'idle in transaction'}),
			],
			{
				server: pgServer({
					standbys: [{application: 'replica', client: '10.0.0.9', state: 'streaming', lagBytes: 4096, replayLagSec: 1}],
					slots: [{name: 'sub1', type: 'logical', database: 'shop', active: false, retainedBytes: 4096, walStatus: 'reserved', safeWalSize: null, inactiveSec: 60}],
				}),
			},
		),
	},
	'postgres-locks': {type: 'sample', id: 'postgres-locks', at: 1000, value: {blockedBy: {7: [8]}, locks: [pgLock({pid: 7, granted: false, waitStartAt: 500})]}},
	containers: {type: 'sample', id: 'containers', at: 1000, value: {engine: '/var/run/docker.sock', containers: [containerRow({id: 'c1', name: 'db'})]}},
	'check:pg-port': {type: 'sample', id: 'check:pg-port', at: 1000, value: {resource: ':5432', value: 1, detail: 'listening'}},
};

const stateOf = (actions: readonly Action[]) => actions.reduce(reduce, initialState(1000));
// Who blocks whom names its sessions as the sessions sample has them.
const BUILDS_ON: Readonly<Record<string, readonly string[]>> = {'postgres-locks': ['postgres-sessions']};

test('every metric a rule can name is measured from a sample of the collector the registry names, and from no other', () => {
	const config = validateConfig({checks: {'pg-port': {port: 5432}}}, 'c.json');
	// What the config accepts for a rule's metric: the registry's ids, `check.<name>` for its checks.
	const accepted = Object.keys(METRICS).map(id => (id === 'check.<name>' ? 'check.pg-port' : id));
	assert.deepEqual(validateConfig({rules: Object.fromEntries(accepted.map(metric => [metric, {title: metric, metric, comparison: 'above', warning: 1}])), checks: {'pg-port': {port: 5432}}}, 'c.json').rules.slice(-accepted.length).map(rule => rule.metric), accepted);
	const named = new Set([...DEFAULT_RULES, ...rulesOf(config)].map(rule => rule.metric).concat(accepted as MetricId[]));
	named.delete('source.downSec'); // measured from a failure, not a sample: the next test
	for (const metric of named) {
		const collector = collectorOf(metric, '')!;
		const sample = SAMPLES[collector];
		assert.ok(sample, `${metric}: no sample of ${collector}`);
		assert.notEqual(measure(stateOf([...(BUILDS_ON[collector] ?? []).map(id => SAMPLES[id]!), sample]))[metric]?.length ?? 0, 0, `${metric} from ${collector}`);
		const others = stateOf(Object.entries(SAMPLES).flatMap(([id, action]) => (id === collector ? [] : [action])));
		assert.equal(measure(others)[metric]?.length ?? 0, 0, `${metric} from a collector other than ${collector}`);
	}
});

test('a source down is measured for the source its resource names: Postgres, the container engine and the service checks', () => {
	const watched = new Set(['postgres-sessions', 'containers', 'check:pg-port']);
	for (const id of ['host', 'processes', 'postgres-sessions', 'postgres-locks', 'containers', 'container-detail', 'check:pg-port']) {
		const down = measure(stateOf([{type: 'collector-error', id, at: 1000, message: 'refused'}]))['source.downSec'];
		assert.deepEqual(down, watched.has(id) ? [{resource: id, value: 0}] : undefined, id);
		assert.equal(collectorOf('source.downSec', id), id);
	}
});

test('only sources that have reported have metrics: a restored Postgres alert is not resolved before the first sessions sample', () => {
	assert.deepEqual(measure(initialState(1000)), {});
	const hostOnly = measure(reduce(initialState(1000), {type: 'sample', id: 'host', at: 1000, value: hostSample()}));
	assert.deepEqual(hostOnly['host.swapUsedBytes'], [], 'no swap in use: measured, with no resource');
	assert.equal(hostOnly['pg.lockWaitSec'], undefined);
	const down = measure(reduce(initialState(1000), {type: 'collector-error', id: 'postgres-sessions', at: 1000, message: 'refused'}));
	assert.equal(down['pg.lockWaitSec'], undefined);
	assert.deepEqual(down['source.downSec'], [{resource: 'postgres-sessions', value: 0}]);
});
