import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {rulesOf, validateConfig} from '../../source/app/config.js';
import {createStore, initialState} from '../../source/store/store.js';
import type {Action} from '../../source/store/store.js';
import type {PgLocksSample} from '../../source/types.js';
import {AlertsPane} from '../../views/AlertsPane.js';
import {App} from '../../views/App.js';
import {formatTimestamp} from '../../views/format.js';
import {hostSample, pgLock, pgSession, pgSessionsSample} from '../helpers/fixtures.js';
import {KEYS, renderView} from '../helpers/render-view.js';

const fullDisks = hostSample({
	filesystems: [
		{mount: '/data', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 97, freePct: 3},
		{mount: '/logs', device: 'sdc', type: 'xfs', sizeBytes: 100, usedBytes: 90, freePct: 10},
	],
});

function start() {
	return renderView(<App version="1" />, [{type: 'sample', id: 'host', at: 5000, value: fullDisks}, {type: 'set-pane', pane: 'alerts'}], createStore(initialState(1000, DEFAULT_RULES)));
}

test('the alerts pane: critical first, then warnings; the header counts them', () => {
	const view = start();
	const frame = view.frame();
	assert.match(frame, /^Alerts 2 open, 0 resolved/m);
	const lines = frame.split('\n').filter(line => /^[> ] {2}(CRIT|WARN) /.test(line));
	assert.match(lines[0]!, /^> {2}CRIT firing +0s +host:\/data +Filesystem free: 3% \(critical below 5%\)/);
	assert.match(lines[1]!, /^ {3}WARN firing +0s +host:\/logs +Filesystem free: 10% \(warning below 15%\)/);
	assert.match(frame.split('\n')[0]!, /every 1s 1 crit {2}1 warn$/);
	// The pane the alerts point at is marked in the tabs.
	assert.match(frame, /^ 1 Processes {2}2 Host! 3 Sessions {2}4 Locks {2}5 Containers {2}6 Alerts {2}7 Statements$/m);
	view.unmount();
});

test('a asks for a note and acknowledges as the user; the header stops counting it', async () => {
	const view = start();
	await view.press('a');
	assert.match(view.frame(), /Note \(optional\): /);
	await view.press(...'growing the volume', KEYS.enter);
	assert.match(view.frame(), /acknowledged 1 alert as tester/);
	assert.match(view.frame(), /^> {2}CRIT acknowledged .* · ack t/m);
	const alert = view.store.getState().alerts.alerts.find(candidate => candidate.resource === '/data')!;
	assert.deepEqual([alert.acknowledgedBy, alert.acknowledgedAt, alert.note], ['tester', 9000, 'growing the volume']);
	assert.doesNotMatch(view.frame().split('\n')[0]!, /crit/);
	// Still marked for the unacknowledged warning on /logs.
	assert.match(view.frame(), / 2 Host! /);
	await view.press('A', 'y');
	assert.match(view.frame(), / 2 Host {2}3 Sessions /, 'acknowledged alerts mark nothing');
	view.unmount();
});

test('A acknowledges every listed alert after a question; the filter narrows what is listed', async () => {
	const view = start();
	await view.press('/', ...'sev:warn', KEYS.enter);
	assert.match(view.frame(), /^Alerts 1 open/m);
	await view.press(KEYS.escape, 'A');
	assert.match(view.frame(), /Acknowledge all 2 unacknowledged alerts in the list\? y\/n/);
	await view.press('y');
	assert.ok(view.store.getState().alerts.alerts.every(alert => alert.state === 'acknowledged' && alert.note === null));
	view.unmount();
});

test('Enter opens the detail: the message, times, rule, acknowledgement and the value charted with where it fired', async () => {
	const withDataFree = (freePct: number) => hostSample({filesystems: [{mount: '/data', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 100 - freePct, freePct}]});
	const samples = [40, 30, 20, 12, 8, 4, 3].map((freePct, index) => ({type: 'sample' as const, id: 'host' as const, at: 1000 * (index + 1), value: withDataFree(freePct)}));
	const view = renderView(<App version="1" />, [...samples, {type: 'set-pane', pane: 'alerts'}], createStore(initialState(1000, DEFAULT_RULES)));
	await view.press(KEYS.enter);
	const frame = view.frame();
	assert.match(frame, /^CRITICAL Filesystem free · firing · Esc back · a acknowledge$/m);
	// The message has the value now; the value it fired with (as a warning) is kept beside when.
	assert.match(frame, /^Message +Filesystem free: 3% \(critical below 5%\)$/m);
	assert.match(frame, new RegExp(`^Fired +${formatTimestamp(4000)} \\(3s ago\\) · value 12%$`, 'm'));
	assert.match(frame, /^Source +host · \/data$/m);
	assert.match(frame, /^Rule +filesystem: host\.fsFreePct below · warning 15% · critical 5%\n +for 0s · clear after 30s · hysteresis 1%$/m);
	assert.match(frame, /^Acknowledged +no$/m);
	assert.match(frame, /^Value: now 3% · since /m);
	// It fired (as a warning) at the fourth sample: the caret is under the fourth point of the chart.
	const lines = frame.split('\n');
	const marker = lines.find(line => line.includes('^ fired'))!;
	const axis = lines.find(line => /^ +40% ┼/.test(line))!.indexOf('┼');
	assert.equal(marker.indexOf('^'), axis + 3);
	await view.press('a', ...'on it', KEYS.enter);
	assert.match(view.frame(), new RegExp(`^Acknowledged +by tester at ${formatTimestamp(9000)} \\(0s ago\\) · note: on it$`, 'm'));
	assert.match(view.frame(), /^CRITICAL Filesystem free · acknowledged · Esc back$/m);
	await view.press(KEYS.escape);
	assert.match(view.frame(), /^Alerts 1 open/m);
	view.unmount();
});

test('the service checks: a line with each reading, and an alert when one is down', () => {
	const config = validateConfig({checks: {'pg-port': {port: 5432}, postgres: {process: 'postgres'}, errors: {log: '/var/log/pg.log', pattern: 'ERROR'}}}, 'c.json');
	const view = renderView(
		<App version="1" />,
		[
			{type: 'sample', id: 'check:pg-port', at: 1000, value: {resource: ':5432', value: 0, detail: 'not listening'}},
			{type: 'sample', id: 'check:postgres', at: 1000, value: {resource: 'postgres', value: 3, detail: '3 running'}},
			{type: 'collector-error', id: 'check:errors', at: 1000, message: '/var/log/pg.log: no such file'},
			{type: 'set-pane', pane: 'alerts'},
		],
		createStore(initialState(1000, rulesOf(config))),
	);
	const frame = view.frame();
	assert.match(frame, /^Checks · pg-port not listening · postgres 3 running · errors: \/var\/log\/pg\.log: no such file$/m);
	assert.match(frame, /^> {2}CRIT firing +0s +check::5432 +TCP port 5432 listening: 0 \(critical below 1\)$/m);
	view.unmount();
});

test('the list gives each open alert\'s value now, as the panes give durations; a resolved one its last', () => {
	const AT = 1_000_000;
	// 7 waits on 8, idle in its transaction, since 454.6 s before AT.
	const sessions = [pgSession({pid: 7, waitEventType: 'Lock', waitEvent: 'transactionid'}), pgSession({pid: 8, state: 'idle in transaction'})];
	const waiting: PgLocksSample = {blockedBy: {7: [8]}, locks: [pgLock({pid: 7, lockType: 'transactionid', relation: null, granted: false, waitStartAt: AT - 454_600})]};
	const sampled = (at: number, locks: PgLocksSample, list = sessions): Action[] => [
		{type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(list)},
		{type: 'sample', id: 'postgres-locks', at, value: locks},
	];
	const open = renderView(<AlertsPane width={160} height={8} />, [...sampled(AT, waiting), ...sampled(AT + 159_400, waiting)]);
	const rows = open.frame().split('\n').filter(line => /^[> ] {2}(CRIT|WARN) /.test(line));
	assert.match(rows[0]!, /CRIT firing +2m39s +postgres:7 alice@shop +Waiting on a lock: 10m14s \(critical above 5m00s\)$/);
	assert.match(rows[1]!, /CRIT firing +2m39s +postgres:8 alice@shop +Blocking others: 10m14s, holding up 1 session \(critical above 5m00s\)$/);
	open.unmount();
	// 7 gets its lock: both resolve, each keeping the last value it had.
	const resolved = renderView(<AlertsPane width={160} height={8} />, sampled(AT + 161_000, {blockedBy: {}, locks: []}, [pgSession({pid: 7}), sessions[1]!]), open.store);
	assert.match(resolved.frame(), /^Alerts 0 open, 2 resolved/m);
	assert.match(resolved.frame(), /resolved +2m41s +postgres:7 alice@shop +Waiting on a lock: 10m14s \(critical above 5m00s\)$/m);
	resolved.unmount();
});
