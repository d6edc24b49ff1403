// What the store keeps over time besides the host's sparklines: each container's CPU and memory
// for its drill-down charts, and the series the alert detail charts for Postgres, containers and
// the service checks. Through the reducer only, with sample actions.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {rulesOf, validateConfig} from '../../source/app/config.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {seriesKey, seriesPoints} from '../../source/store/alerts.js';
import {initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {ContainerRow, PgSession} from '../../source/types.js';
import {containerRow, hostSample, pgServer, pgSession, pgSessionsSample} from '../helpers/fixtures.js';

const TARGET = 'ops@db1:5432/shop';

const containers = (at: number, rows: ContainerRow[]): Action => ({type: 'sample', id: 'containers', at, value: {engine: '/run/podman/podman.sock', containers: rows}});
const sessions = (at: number, list: PgSession[], connections = 12): Action => ({type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(list, {server: pgServer({connections, maxConnections: 100})})});
const check = (name: string, at: number, resource: string, value: number): Action => ({type: 'sample', id: `check:${name}`, at, value: {resource, value, detail: `${value}`}});
const host = (at: number): Action => ({type: 'sample', id: 'host', at, value: hostSample()});

const apply = (state: State, ...actions: Action[]) => actions.reduce(reduce, state);
/** A series' points, or undefined when the store keeps none for that metric and resource. */
const points = (state: State, metric: string, resource: string) => {
	const series = state.series.get(seriesKey(metric, resource));
	return series ? seriesPoints(series) : undefined;
};

const alertsOf = (state: State) => state.alerts.alerts.map(alert => [alert.rule, alert.resource, alert.state]);

test('container history: CPU and memory of each container, a point per sample, for the drill-down charts', () => {
	const db = (cpuPct: number | null, memUsed: number | null) => containerRow({id: 'a'.repeat(64), name: 'db', cpuPct, memUsed});
	const pooler = (cpuPct: number) => containerRow({id: 'b'.repeat(64), name: 'pooler', cpuPct, memUsed: 1000});
	let state = apply(initialState(1000), containers(1000, [db(10, 100), pooler(1)]), containers(2000, [db(20, 200), pooler(2)]));
	assert.deepEqual(state.containerHistory.get('a'.repeat(64)), {cpu: [10, 20], memory: [100, 200]});
	assert.deepEqual(state.containerHistory.get('b'.repeat(64)), {cpu: [1, 2], memory: [1000, 1000]});
	// A reading without stats (the engine had none this tick, or the container stopped) adds no point.
	state = apply(state, containers(3000, [db(null, null), pooler(3)]));
	assert.deepEqual(state.containerHistory.get('a'.repeat(64)), {cpu: [10, 20], memory: [100, 200]});
	state = apply(state, containers(4000, [db(30, null), pooler(4)]));
	assert.deepEqual(state.containerHistory.get('a'.repeat(64)), {cpu: [10, 20, 30], memory: [100, 200]});
	// Other samples leave it alone.
	const kept = state.containerHistory;
	state = apply(state, host(5000), sessions(5000, []));
	assert.equal(state.containerHistory, kept);
	// A container gone from the list takes its history with it; one that comes back starts over.
	state = apply(state, containers(6000, [pooler(5)]));
	assert.deepEqual([...state.containerHistory.keys()], ['b'.repeat(64)]);
	state = apply(state, containers(7000, [db(40, 400), pooler(6)]));
	assert.deepEqual(state.containerHistory.get('a'.repeat(64)), {cpu: [40], memory: [400]});
});

test('container history is bounded: the newest points, in order, however long dbtop runs', () => {
	let state = initialState(1000);
	const samples = 1000;
	for (let i = 1; i <= samples; i++) {
		state = reduce(state, containers(i * 1000, [containerRow({id: 'c'.repeat(64), name: 'busy', cpuPct: i, memUsed: i * 10})]));
	}

	const {cpu, memory} = state.containerHistory.get('c'.repeat(64))!;
	assert.ok(cpu.length > 60 && cpu.length < samples, `a bounded history, long enough for a wide chart: ${cpu.length} points`);
	assert.equal(memory.length, cpu.length);
	assert.deepEqual(cpu, Array.from({length: cpu.length}, (_, i) => samples - cpu.length + 1 + i));
	assert.equal(memory.at(-1), samples * 10);
});

test('Postgres series: the server\'s and each session\'s metrics, a point a second, only from the sessions sample', () => {
	const idle = (pid: number, stateAgeSec: number) => pgSession({pid, user: 'app', database: 'shop', state: 'idle in transaction', stateAgeSec});
	let state = apply(initialState(1000), sessions(1000, [idle(7, 10)], 12));
	assert.deepEqual(points(state, 'pg.connectionsPct', TARGET), {at: [1000], values: [12]});
	assert.deepEqual(points(state, 'pg.idleInTransactionSec', '7 app@shop'), {at: [1000], values: [10]});
	assert.deepEqual(points(state, 'pg.userSessions', 'app'), {at: [1000], values: [1]});
	// Within the same second the last point is replaced; a second later one is added.
	state = apply(state, sessions(1400, [idle(7, 10.4)], 13), sessions(2000, [idle(7, 11)], 20));
	assert.deepEqual(points(state, 'pg.connectionsPct', TARGET), {at: [1000, 2000], values: [13, 20]});
	assert.deepEqual(points(state, 'pg.idleInTransactionSec', '7 app@shop'), {at: [1000, 2000], values: [10.4, 11]});
	// The host's and the containers' samples add nothing to Postgres series.
	state = apply(state, host(3000), containers(4000, []));
	assert.deepEqual(points(state, 'pg.connectionsPct', TARGET), {at: [1000, 2000], values: [13, 20]});
	assert.deepEqual(points(state, 'host.cpuPct', 'db1'), {at: [3000], values: [25]});
	// Nor do Postgres samples add to the host's.
	state = apply(state, sessions(5000, [idle(7, 14)], 20));
	assert.deepEqual(points(state, 'host.cpuPct', 'db1'), {at: [3000], values: [25]});
	assert.deepEqual(points(state, 'pg.connectionsPct', TARGET)?.at, [1000, 2000, 5000]);
});

test('Postgres series: a session gone takes its series with it, unless an alert about it is listed', () => {
	const idle = (pid: number, stateAgeSec: number) => pgSession({pid, user: 'app', database: 'shop', state: 'idle in transaction', stateAgeSec});
	let state = apply(initialState(1000, DEFAULT_RULES), sessions(1000, [idle(7, 400), idle(8, 20)]), sessions(2000, [idle(7, 401), idle(8, 21)]));
	assert.deepEqual(alertsOf(state), [['idle-in-transaction', '7 app@shop', 'firing']]);
	state = apply(state, sessions(3000, []));
	assert.deepEqual(points(state, 'pg.idleInTransactionSec', '7 app@shop'), {at: [1000, 2000], values: [400, 401]}, 'the alert detail can still chart it');
	assert.equal(points(state, 'pg.idleInTransactionSec', '8 app@shop'), undefined);
	assert.equal(points(state, 'pg.userSessions', 'app'), undefined);
});

test('Postgres down: the source-down series counts the seconds since the first failure, and goes once it is back', () => {
	let state = apply(initialState(1000), sessions(1000, []));
	state = apply(state, {type: 'collector-error', id: 'postgres-sessions', at: 2000, message: 'connection refused'}, {type: 'collector-error', id: 'postgres-sessions', at: 5000, message: 'connection refused'});
	assert.deepEqual(points(state, 'source.downSec', 'postgres-sessions'), {at: [2000, 5000], values: [0, 3]});
	// The containers failing is a series of its own.
	state = apply(state, {type: 'collector-error', id: 'containers', at: 6000, message: 'no engine'});
	assert.deepEqual(points(state, 'source.downSec', 'containers'), {at: [6000], values: [0]});
	assert.deepEqual(points(state, 'source.downSec', 'postgres-sessions')?.at, [2000, 5000]);
	state = apply(state, sessions(7000, []));
	assert.equal(points(state, 'source.downSec', 'postgres-sessions'), undefined);
	assert.deepEqual(points(state, 'source.downSec', 'containers')?.values, [0]);
});

test('container series: health, restarts and exit code by container name; a removed container keeps its series while its alert is listed', () => {
	const row = (name: string, fields: Partial<ContainerRow> = {}) => containerRow({id: name.padEnd(64, '0'), name, ...fields});
	let state = apply(initialState(1000, DEFAULT_RULES), containers(1000, [row('db'), row('migrate'), row('pooler', {health: 'unhealthy', restarts: 2})]));
	assert.deepEqual(points(state, 'container.unhealthy', 'pooler'), {at: [1000], values: [1]});
	assert.deepEqual(points(state, 'container.restarts', 'pooler'), {at: [1000], values: [2]});
	assert.deepEqual(points(state, 'container.exitCode', 'db'), {at: [1000], values: [0]});
	state = apply(state, containers(2000, [row('db'), row('migrate', {state: 'exited', exitCode: 1}), row('pooler', {restarts: 3})]));
	assert.deepEqual(points(state, 'container.exitCode', 'migrate'), {at: [1000, 2000], values: [0, 1]});
	assert.deepEqual(points(state, 'container.restarts', 'pooler'), {at: [1000, 2000], values: [2, 3]});
	assert.deepEqual(points(state, 'container.unhealthy', 'pooler'), {at: [1000, 2000], values: [1, 0]});
	assert.ok(alertsOf(state).some(([rule, resource]) => rule === 'container-failed' && resource === 'migrate'));
	// Postgres samples add nothing to them.
	state = apply(state, sessions(3000, []));
	assert.deepEqual(points(state, 'container.exitCode', 'db')?.at, [1000, 2000]);
	// migrate (its alert listed) and db (none) are removed.
	state = apply(state, containers(4000, [row('pooler', {restarts: 3})]));
	assert.deepEqual(points(state, 'container.exitCode', 'migrate'), {at: [1000, 2000], values: [0, 1]});
	assert.equal(points(state, 'container.exitCode', 'db'), undefined);
	assert.deepEqual(points(state, 'container.restarts', 'pooler')?.at, [1000, 2000, 4000]);
});

test('check series: each check\'s readings by its resource, from its own samples only; a check failing to read has a source-down series', () => {
	const config = validateConfig({checks: {'pg-port': {port: 5432}, errors: {log: '/var/log/app.log', pattern: 'ERROR'}}}, 'c.json');
	let state = apply(initialState(1000, rulesOf(config)), check('pg-port', 1000, ':5432', 1), check('errors', 1000, '/var/log/app.log', 0));
	state = apply(state, check('pg-port', 2000, ':5432', 0));
	assert.deepEqual(points(state, 'check.pg-port', ':5432'), {at: [1000, 2000], values: [1, 0]});
	assert.deepEqual(points(state, 'check.errors', '/var/log/app.log'), {at: [1000], values: [0]}, 'the other check\'s sample adds nothing to it');
	assert.deepEqual(alertsOf(state), [['pg-port', ':5432', 'firing']]);
	state = apply(state, host(3000), containers(3000, []), check('errors', 4000, '/var/log/app.log', 3));
	assert.deepEqual(points(state, 'check.pg-port', ':5432')?.at, [1000, 2000]);
	assert.deepEqual(points(state, 'check.errors', '/var/log/app.log'), {at: [1000, 4000], values: [0, 3]});
	state = apply(state, {type: 'collector-error', id: 'check:errors', at: 5000, message: 'EACCES'}, {type: 'collector-error', id: 'check:errors', at: 7000, message: 'EACCES'});
	assert.deepEqual(points(state, 'source.downSec', 'check:errors'), {at: [5000, 7000], values: [0, 2]});
	assert.equal(points(state, 'source.downSec', 'check:pg-port'), undefined);
});
