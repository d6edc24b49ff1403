import assert from 'node:assert/strict';
import {test} from 'node:test';
import {acknowledge, evaluate, hasNewCritical, initialAlerts, sortAlerts, type AlertsState, type Rule} from '../../source/alerts/engine.js';

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
	assert.equal(state.alerts[0]!.message, 'CPU busy: 90% (warning above 80%)');
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

test('below-thresholds, counters that increase, scopes and resources that go away', () => {
	const disk: Rule = {...cpu, id: 'fs', metric: 'host.fsFreePct', comparison: 'below', warning: 15, critical: 5, forSec: 0, clearSec: 0, hysteresis: 0, scope: '/data'};
	let state = evaluate([disk], {'host.fsFreePct': [{resource: '/', value: 2}, {resource: '/data', value: 10}]}, initialAlerts(), 0);
	assert.deepEqual(state.alerts.map(alert => [alert.resource, alert.severity]), [['/data', 'warning']], 'only the scoped mount');
	state = evaluate([disk], {'host.fsFreePct': []}, state, 1000);
	assert.equal(state.alerts[0]!.state, 'resolved', 'a mount that is gone is clear');

	const deadlocks: Rule = {...cpu, id: 'deadlocks', metric: 'pg.deadlocks', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 60, hysteresis: 0};
	state = evaluate([deadlocks], {'pg.deadlocks': [{resource: 'db1', value: 3}]}, initialAlerts(), 0);
	assert.equal(state.alerts.length, 0, 'the first reading is only a baseline');
	state = evaluate([deadlocks], {'pg.deadlocks': [{resource: 'db1', value: 4}]}, state, 1000);
	assert.equal(state.alerts[0]!.message, 'CPU busy: now 4');
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
