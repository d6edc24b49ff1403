import assert from 'node:assert/strict';
import {test} from 'node:test';
import {acknowledge, evaluate, hasNewCritical, initialAlerts, sortAlerts, type AlertsState, type Rule} from '../../source/alerts/engine.js';
import {alertMessage} from '../../source/alerts/message.js';

const cpu: Rule = {id: 'cpu', title: 'CPU busy', metric: 'host.cpuPct', comparison: 'above', warning: 80, critical: 95, forSec: 120, clearSec: 30, hysteresis: 5, isEnabled: true};

/** Feeds one value per second for a stretch of seconds, from `start`. */
function feed(state: AlertsState, rule: Rule, values: Array<[seconds: number, value: number]>, start = 0): AlertsState {
	let next = state;
	let t = start;
	for (const [seconds, value] of values) {
		for (let i = 0; i < seconds; i++, t++) next = evaluate([rule], {[rule.metric]: [{resource: 'host', value}]}, next, t * 1000);
	}

	return next;
}

test('fires only once the condition has held for `for`', () => {
	let state = feed(initialAlerts(), cpu, [[119, 90]]);
	assert.equal(state.alerts.length, 0, 'not yet: 119 s');
	state = feed(state, cpu, [[2, 90]], 119);
	assert.equal(state.alerts.length, 1);
	assert.equal(state.alerts[0]!.severity, 'warning');
	assert.equal(state.alerts[0]!.state, 'firing');
	assert.equal(state.alerts[0]!.firedAt, 120_000);
	assert.equal(alertMessage(state.alerts[0]!, [cpu]), 'CPU busy: 90% (warning above 80%)');
});

test('a dip below the threshold before `for` restarts the wait', () => {
	const state = feed(initialAlerts(), cpu, [[100, 90], [1, 50], [100, 90]]);
	assert.equal(state.alerts.length, 0);
});

test('severity rises to critical and falls back while open; a rise draws attention again after an acknowledgement', () => {
	let state = feed(initialAlerts(), cpu, [[121, 90]]);
	const {id} = state.alerts[0]!;
	state = acknowledge(state, [id], 'alice', 'looking', 121_000);
	assert.equal(state.alerts[0]!.state, 'acknowledged');
	assert.deepEqual([state.alerts[0]!.acknowledgedBy, state.alerts[0]!.note, state.alerts[0]!.acknowledgedAt], ['alice', 'looking', 121_000]);
	state = feed(state, cpu, [[1, 97]], 121);
	assert.equal(state.alerts.length, 1, 'the same alert, not a new one');
	assert.equal(state.alerts[0]!.severity, 'critical');
	assert.equal(state.alerts[0]!.state, 'firing', 'rising severity un-acknowledges');
	state = acknowledge(state, [id], 'bob', null, 123_000);
	state = feed(state, cpu, [[1, 85]], 123);
	assert.equal(state.alerts[0]!.severity, 'warning');
	assert.equal(state.alerts[0]!.state, 'acknowledged', 'falling severity keeps the acknowledgement');
});

test('hysteresis: hovering just under the threshold does not clear; it resolves after `clearSec` below it by the margin', () => {
	let state = feed(initialAlerts(), cpu, [[121, 90]]);
	state = feed(state, cpu, [[60, 78]], 121);
	assert.equal(state.alerts[0]!.state, 'firing', '78 is within 5 of 80');
	state = feed(state, cpu, [[29, 70]], 181);
	assert.equal(state.alerts[0]!.state, 'firing', 'not clear for 30 s yet');
	state = feed(state, cpu, [[2, 70]], 210);
	assert.equal(state.alerts[0]!.state, 'resolved');
	assert.equal(state.alerts[0]!.resolvedAt, 211_000, 'clear since 181 s, for 30 s');
});

test('firing again after resolving opens a new alert', () => {
	let state = feed(initialAlerts(), cpu, [[121, 90], [31, 10], [121, 90]]);
	assert.equal(state.alerts.length, 2);
	assert.deepEqual(sortAlerts(state.alerts).map(alert => alert.state), ['firing', 'resolved']);
	assert.notEqual(state.alerts[0]!.id, state.alerts[1]!.id);
});

test('two instances firing at the same moment give different alerts different ids (they may share a state file)', () => {
	const disk: Rule = {...cpu, id: 'fs', metric: 'host.fsFreePct', comparison: 'below', warning: 15, critical: 5, forSec: 0, clearSec: 0, hysteresis: 0};
	const one = evaluate([disk], {'host.fsFreePct': [{resource: '/data', value: 3}]}, initialAlerts(), 5000);
	const other = evaluate([disk], {'host.fsFreePct': [{resource: '/logs', value: 3}]}, initialAlerts(), 5000);
	assert.notEqual(one.alerts[0]!.id, other.alerts[0]!.id);
});

test('below-thresholds, counters that increase, scopes and resources that go away', () => {
	const disk: Rule = {...cpu, id: 'fs', metric: 'host.fsFreePct', comparison: 'below', warning: 15, critical: 5, forSec: 0, clearSec: 0, hysteresis: 0, scope: '/data'};
	let state = evaluate([disk], {'host.fsFreePct': [{resource: '/', value: 2}, {resource: '/data', value: 10}]}, initialAlerts(), 0);
	assert.deepEqual(state.alerts.map(alert => [alert.resource, alert.severity]), [['/data', 'warning']], 'only the scoped mount');
	state = evaluate([disk], {'host.fsFreePct': []}, state, 1000);
	assert.equal(state.alerts[0]!.state, 'resolved', 'a mount that is gone is clear');

	const deadlocks: Rule = {...cpu, id: 'deadlocks', title: 'Deadlocks', metric: 'pg.deadlocks', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 60, hysteresis: 0};
	state = evaluate([deadlocks], {'pg.deadlocks': [{resource: 'db1', value: 3}]}, initialAlerts(), 0);
	assert.equal(state.alerts.length, 0, 'the first reading is only a baseline');
	state = evaluate([deadlocks], {'pg.deadlocks': [{resource: 'db1', value: 4}]}, state, 1000);
	assert.equal(alertMessage(state.alerts[0]!, [deadlocks]), 'Deadlocks: now 4');
});

test('disabled rules never fire; acknowledging a resolved alert does nothing', () => {
	let state = feed(initialAlerts(), {...cpu, isEnabled: false}, [[300, 99]]);
	assert.equal(state.alerts.length, 0);
	state = feed(initialAlerts(), {...cpu, forSec: 0, clearSec: 0}, [[1, 99], [1, 0]]);
	const resolved = acknowledge(state, [state.alerts[0]!.id], 'alice', null, 5000);
	assert.equal(resolved.alerts[0]!.state, 'resolved');
	assert.equal(resolved.alerts[0]!.acknowledgedBy, null);
});

test('the bell: an alert becoming critical and unacknowledged rings once; a warning, an acknowledgement or no change does not', () => {
	const immediate = {...cpu, forSec: 0};
	const warning = feed(initialAlerts(), immediate, [[1, 90]]);
	assert.equal(hasNewCritical([], warning.alerts), false, 'a warning');
	const critical = feed(warning, immediate, [[1, 99]], 1);
	assert.equal(hasNewCritical(warning.alerts, critical.alerts), true, 'the severity rose');
	assert.equal(hasNewCritical(critical.alerts, feed(critical, immediate, [[1, 99]], 2).alerts), false, 'still critical');
	const taken = acknowledge(critical, [critical.alerts[0]!.id], 'ops', null, 3000);
	assert.equal(hasNewCritical(critical.alerts, taken.alerts), false, 'acknowledged');
	assert.equal(hasNewCritical([], feed(initialAlerts(), immediate, [[1, 99]]).alerts), true, 'a new critical alert');
});

test('a metric not measured at all (its source has not reported) leaves its alerts and timers alone; an empty one clears them', () => {
	const immediate = {...cpu, forSec: 0, clearSec: 0};
	const open = feed(initialAlerts(), immediate, [[1, 99]]);
	const unmeasured = evaluate([immediate], {}, open, 5000);
	assert.deepEqual(unmeasured.alerts, open.alerts);
	assert.deepEqual(unmeasured.tracking, open.tracking);
	const gone = evaluate([immediate], {[immediate.metric]: []}, open, 6000);
	assert.equal(gone.alerts[0]!.state, 'resolved');
});

test('an evaluation that changes no alert keeps the alerts array itself', () => {
	const immediate = {...cpu, forSec: 0};
	const open = feed(initialAlerts(), immediate, [[1, 99]]);
	const again = feed(open, immediate, [[1, 99]], 1);
	assert.equal(again.alerts, open.alerts);
	assert.notEqual(feed(again, immediate, [[1, 85]], 2).alerts, open.alerts, 'the severity fell');
});

test('an open alert keeps the value now and the value it fired with; a resolved one keeps its last; only alerts whose value moved are new objects', () => {
	const lockWait: Rule = {...cpu, id: 'lock-wait', title: 'Waiting on a lock', metric: 'pg.lockWaitSec', warning: 30, critical: 300, forSec: 0, clearSec: 0, hysteresis: 0};
	const at = (state: AlertsState, now: number, waits: Record<string, number>) => evaluate([lockWait], {'pg.lockWaitSec': Object.entries(waits).map(([resource, value]) => ({resource, value}))}, state, now);
	let state = at(initialAlerts(), 0, {'7 app@shop': 454.6, '8 app@shop': 40});
	const [seven, eight] = state.alerts;
	assert.deepEqual([seven!.value, seven!.valueAtFiring, seven!.severity], [454.6, 454.6, 'critical']);
	assert.equal(alertMessage(seven!, [lockWait]), 'Waiting on a lock: 7m34s (critical above 5m00s)');
	// 8's wait did not move: its record is the same object; 7's did.
	state = at(state, 160_000, {'7 app@shop': 614, '8 app@shop': 40});
	assert.equal(state.alerts[1], eight);
	assert.deepEqual([state.alerts[0]!.value, state.alerts[0]!.valueAtFiring, state.alerts[0]!.lastChangedAt], [614, 454.6, 0], 'a new value is not a change of the alert');
	assert.equal(alertMessage(state.alerts[0]!, [lockWait]), 'Waiting on a lock: 10m14s (critical above 5m00s)');
	const same = at(state, 161_000, {'7 app@shop': 614, '8 app@shop': 40});
	assert.equal(same.alerts, state.alerts, 'no value moved: the same array');
	// 7 gets its lock: gone from the waiters, it resolves with the last value it had.
	state = at(same, 162_000, {'8 app@shop': 41});
	assert.deepEqual([state.alerts[0]!.state, state.alerts[0]!.value], ['resolved', 614]);
	assert.equal(at(state, 163_000, {'8 app@shop': 42}).alerts[0], state.alerts[0], 'a resolved alert no longer follows');
});

test('criticalHeldUp: a value past a threshold is critical once the resource holds up that many; the message says which', () => {
	const blocker: Rule = {...cpu, id: 'blocker', title: 'Blocking others', metric: 'pg.blockingSec', warning: 30, critical: 300, criticalHeldUp: 10, forSec: 0, clearSec: 0, hysteresis: 0};
	const at = (state: AlertsState, now: number, value: number, heldUp: number) => evaluate([blocker], {'pg.blockingSec': [{resource: '7 app@shop', value, heldUp}]}, state, now);
	assert.equal(at(initialAlerts(), 0, 20, 50).alerts.length, 0, 'not blocking for long enough, however many wait');
	let state = at(initialAlerts(), 0, 45, 3);
	assert.deepEqual([state.alerts[0]!.severity, state.alerts[0]!.heldUp], ['warning', 3]);
	assert.equal(alertMessage(state.alerts[0]!, [blocker]), 'Blocking others: 45s, holding up 3 sessions (warning above 30s)');
	state = at(state, 1000, 46, 10);
	assert.deepEqual([state.alerts[0]!.severity, state.alerts[0]!.heldUp], ['critical', 10]);
	assert.equal(alertMessage(state.alerts[0]!, [blocker]), 'Blocking others: 46s, holding up 10 sessions (critical holding up 10 or more)');
	state = at(state, 2000, 47, 1);
	assert.equal(state.alerts[0]!.severity, 'warning', 'fewer held up: back to a warning');
	assert.equal(alertMessage(state.alerts[0]!, [blocker]), 'Blocking others: 47s, holding up 1 session (warning above 30s)');
	state = at(state, 3000, 301, 1);
	assert.equal(alertMessage(state.alerts[0]!, [blocker]), 'Blocking others: 5m01s, holding up 1 session (critical above 5m00s)');
	assert.equal(at(initialAlerts(), 0, 45, 50).alerts[0]!.severity, 'critical', 'fired critical at once');
	const {criticalHeldUp: _off, ...withoutCount} = blocker;
	assert.equal(evaluate([withoutCount], {'pg.blockingSec': [{resource: '7 app@shop', value: 45, heldUp: 50}]}, initialAlerts(), 0).alerts[0]!.severity, 'warning', 'without criticalHeldUp the count does not matter');
});
