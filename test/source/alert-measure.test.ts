import assert from 'node:assert/strict';
import {test} from 'node:test';
import {evaluate, initialAlerts} from '../../source/alerts/engine.js';
import {measure} from '../../source/alerts/measure.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {initialState, reduce} from '../../source/store/store.js';
import {hostSample, pgServer, pgSession} from '../helpers/fixtures.js';

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

test('a source that stays down is measured from its first failure', () => {
	let state = reduce(initialState(1000), {type: 'collector-error', id: 'postgres-sessions', at: 10_000, message: 'ECONNREFUSED'});
	state = reduce(state, {type: 'collector-error', id: 'postgres-sessions', at: 100_000, message: 'ECONNREFUSED'});
	assert.deepEqual(measure(state)['source.downSec'], [{resource: 'postgres-sessions', value: 90}]);
});

test('every default rule has a unique id and a metric that measure() provides', () => {
	const ids = DEFAULT_RULES.map(rule => rule.id);
	assert.equal(new Set(ids).size, ids.length);
	const known = ['host.cpuPct', 'host.memAvailablePct', 'host.fsFreePct', 'host.swapUsedBytes', 'host.loadPerCore', 'pg.connectionsPct', 'pg.userSessions', 'pg.lockWaitSec', 'pg.activeQuerySec', 'pg.idleInTransactionSec', 'pg.xminHeldSec', 'pg.replicationLagBytes', 'pg.deadlocks', 'container.unhealthy', 'container.restarts', 'container.exitCode', 'source.downSec'];
	for (const rule of DEFAULT_RULES) assert.ok(known.includes(rule.metric), rule.metric);
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
