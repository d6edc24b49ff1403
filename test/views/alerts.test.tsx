import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DEFAULT_RULES} from '../../source/alert-rules.js';
import {createStore, initialState} from '../../source/store.js';
import {App} from '../../views/App.js';
import {hostSample} from '../helpers/fixtures.js';
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
	const lines = frame.split('\n').filter(line => /^(CRIT|WARN) /.test(line));
	assert.match(lines[0]!, /^CRIT firing +0s +host:\/data +Filesystem free: 3% \(critical below 5%\)/);
	assert.match(lines[1]!, /^WARN firing +0s +host:\/logs +Filesystem free: 10% \(warning below 15%\)/);
	assert.match(frame.split('\n')[0]!, /every 1s 1 crit {2}1 warn$/);
	view.unmount();
});

test('a asks for a note and acknowledges as the user; the header stops counting it', async () => {
	const view = start();
	await view.press('a');
	assert.match(view.frame(), /Note \(optional\): /);
	await view.press(...'growing the volume', KEYS.enter);
	assert.match(view.frame(), /acknowledged 1 alert as tester/);
	assert.match(view.frame(), /^CRIT acknowledged .* · ack test/m);
	const alert = view.store.getState().alerts.alerts.find(candidate => candidate.resource === '/data')!;
	assert.deepEqual([alert.acknowledgedBy, alert.acknowledgedAt, alert.note], ['tester', 9000, 'growing the volume']);
	assert.doesNotMatch(view.frame().split('\n')[0]!, /crit/);
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
