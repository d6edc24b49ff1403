// What the person sees of the screen model: the hint line of each screen names that screen's
// keys, and the help opened over a screen starts with the keys that work there.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {KEYS, renderApp} from '../helpers/render-view.js';
import {wideWorld} from '../helpers/world.js';

const statusLine = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';

test('each screen hints its own keys: processes, a process, host, sessions, a session, locks, containers, a container, alerts, an alert, the help', async () => {
	// Wide enough that no hint line is cut.
	const view = await renderApp(200, 50, wideWorld());
	const screens: Array<[name: string, keys: string[], hints: string]> = [
		['processes', [], '? help  tab pane  / filter  P cpu  M mem  t tree  enter detail  p pause  q quit'],
		['a process', [KEYS.enter], 'escape back  k kill  ? help  tab pane  p pause  q quit'],
		['host', [KEYS.escape, '2'], '? help  tab pane  p pause  + slower  - faster  q quit'],
		['sessions', ['3'], '? help  s sort  i idle  b workers  / filter  enter detail  c cancel  x terminate  space tag'],
		['a session', [KEYS.enter], 'escape back  down scroll  c cancel query  x terminate backend  e plan  ? help  q quit'],
		['locks', [KEYS.escape, '4'], '? help  tab pane  enter detail  c cancel  x terminate  p pause  q quit'],
		['containers', ['5'], '? help  tab pane  / filter  P cpu  M mem  a exited  enter detail  q quit'],
		['a container', [KEYS.enter], 'escape back  ? help  tab pane  p pause  q quit'],
		['alerts', [KEYS.escape, '6'], '? help  tab pane  a acknowledge  A all  / filter  enter detail  p pause  q quit'],
		['an alert', [KEYS.enter], 'escape back  a acknowledge  ? help  tab pane  p pause  q quit'],
		['the help', [KEYS.escape, '?'], 'escape close  pagedown next page  pageup previous page  q quit'],
	];
	for (const [name, keys, hints] of screens) {
		await view.press(...keys);
		assert.equal(statusLine(view.frame()), hints, name);
	}

	view.unmount();
});

test('the help opened over a screen lists that screen\'s keys first, marked, then the global ones, then the rest', async () => {
	const view = await renderApp(80, 24, wideWorld());
	await view.press('3', '?');
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /^Keys · Esc or \? closes · page 1\/\d, PgDn\/PgUp for more/);
	assert.match(lines[1]!, /^Sessions pane · this screen/);
	assert.match(lines[2]!, /^ {2}up k {10}Move the selection up/);
	assert.match(view.frame(), /(?:^| )Everywhere(?: |$)/m, 'the global keys follow on the first page');
	await view.press(KEYS.escape, '2', '?');
	assert.match(view.frame().split('\n')[1]!, /^Everywhere /, 'the host pane has no keys of its own: the global ones come first');
	view.unmount();
});
