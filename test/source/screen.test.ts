// The screen model: every screen it can produce, the keys in force on each and what follows
// from it. The key-conflict check walks the screens the model makes, not a list kept by hand.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CHANGING_COMMANDS, keymap, resolveKey, SCOPE_TITLES, type ReadOnlyMode, type Scope} from '../../source/app/keymap.js';
import {runCommand} from '../../source/app/commands.js';
import {SCREENS, screenOf, type Screen} from '../../source/store/screen.js';
import {createStore, initialState, reduce, type Action, type State} from '../../source/store/store.js';
import {PANES, type PaneId} from '../../source/store/ui.js';

const name = (screen: Screen) => `${screen.pane}/${screen.detail ?? '-'}/${screen.modal ?? '-'}/${screen.readOnly ?? '-'}`;

// The actions that open each pane's drill-down, and each modal.
const OPEN_DETAIL: Partial<Record<PaneId, Action>> = {
	processes: {type: 'open-detail', list: 'processes', pid: 20},
	sessions: {type: 'open-detail', list: 'sessions', pid: 101},
	containers: {type: 'open-container', id: 'abc'},
	alerts: {type: 'open-alert', id: 'rule:host:/'},
	statements: {type: 'open-statement', key: '5/10/42/true'},
};
const OPEN_MODAL: readonly Action[] = [
	{type: 'set-input', input: {kind: 'filter', list: 'processes', text: '', previous: ''}},
	{type: 'set-confirm', confirm: {kind: 'kill', pid: 20, command: 'postgres'}},
	{type: 'set-help', isOpen: true},
];
const OPEN_PICKER: Action = {type: 'set-picker', isOpen: true};

/** A state for every pane, with and without a drill-down, under each modal and none (and the actions that made it). */
function everyState(): Array<{state: State; steps: string}> {
	const states: Array<{state: State; steps: string}> = [];
	for (const pane of PANES) for (const readOnly of [null, 'live', 'replay'] as const) {
		const base = reduce(initialState(1000, undefined, undefined, readOnly), {type: 'set-pane', pane});
		const detail = OPEN_DETAIL[pane];
		for (const withDetail of detail ? [base, reduce(base, detail)] : [base]) {
			// The node picker is a replay's.
			for (const modal of [null, ...OPEN_MODAL, ...(readOnly === 'replay' ? [OPEN_PICKER] : [])]) {
				states.push({state: modal ? reduce(withDetail, modal) : withDetail, steps: `${pane}${readOnly ? ` (${readOnly})` : ''}${withDetail === base ? '' : ' + detail'}${modal ? ` + ${modal.type}` : ''}`});
			}
		}
	}

	return states;
}

test('every screen the model can produce is reached from a state, and the same screen is the same object', () => {
	const reached = new Set<Screen>();
	for (const {state, steps} of everyState()) {
		const screen = screenOf(state);
		assert.ok(SCREENS.includes(screen), `${steps} gives a screen of the model`);
		assert.equal(screenOf({...state, ui: {...state.ui, notice: {text: 'x', level: 'info'}}}), screen, `${steps}: a change that is not the screen keeps it`);
		reached.add(screen);
	}

	assert.deepEqual(SCREENS.filter(screen => !reached.has(screen)).map(name), [], 'screens no state shows');
	assert.equal(new Set(SCREENS.map(name)).size, SCREENS.length, 'each screen once');
});

test('on every screen, no key the help shows is bound twice in the scopes in force, each runs what the help says, and every scope of the key table is in force somewhere', () => {
	for (const screen of SCREENS) {
		const owner = new Map<string, string>();
		for (const binding of screen.bindings.filter(b => screen.scopes.includes(b.scope))) {
			for (const key of binding.keys) {
				assert.ok(!owner.has(key), `on ${name(screen)}, ${key} is bound to ${owner.get(key)} and ${binding.command} (scopes ${screen.scopes.join(', ')})`);
				owner.set(key, binding.command);
				assert.equal(resolveKey(screen.scopes, key), binding.command, `on ${name(screen)}, ${key}`);
			}
		}
	}

	const inForce = new Set(SCREENS.flatMap(screen => screen.scopes));
	assert.deepEqual(
		(Object.keys(SCOPE_TITLES) as Scope[]).filter(scope => !inForce.has(scope)),
		[],
		'scopes no screen puts in force',
	);
});

test('every key the hint line names runs its command on that screen, and each screen hints keys of its own', () => {
	for (const screen of SCREENS) {
		for (const hint of screen.hints) {
			assert.equal(resolveKey(screen.scopes, hint.key), hint.command, `on ${name(screen)}, "${hint.key} ${hint.word}"`);
		}

		const own = screen.scopes[0];
		if (screen.modal === 'prompt' || screen.modal === 'confirm') {
			assert.deepEqual(screen.hints, [], `${name(screen)}: the status line shows the prompt or the question`);
		} else if (own !== 'global') {
			const ownCommands = new Set(keymap.filter(b => b.scope === own).map(b => b.command as string));
			assert.ok(screen.hints.some(hint => ownCommands.has(hint.command)), `${name(screen)} hints keys of ${own}`);
		}
	}
});

test('the keys in force: the modal first, then the detail or the pane, then the global keys', () => {
	const screen = (pane: PaneId, ...actions: Action[]) => screenOf(actions.reduce(reduce, reduce(initialState(1000), {type: 'set-pane', pane})));
	assert.deepEqual(screen('processes').scopes, ['processes', 'global']);
	assert.deepEqual(screen('host').scopes, ['global']);
	assert.deepEqual(screen('processes', OPEN_DETAIL.processes!).scopes, ['process-detail', 'global']);
	assert.deepEqual(screen('alerts', OPEN_DETAIL.alerts!).scopes, ['alert-detail', 'global']);
	assert.deepEqual(screen('sessions', OPEN_DETAIL.sessions!, ...OPEN_MODAL).scopes, ['prompt'], 'a prompt takes every key');
	assert.deepEqual(screen('sessions', OPEN_DETAIL.sessions!, ...OPEN_MODAL.slice(1)).scopes, ['confirm', 'global'], 'a question is answered before the help');
	const help = screen('containers', OPEN_DETAIL.containers!, OPEN_MODAL[2]!);
	assert.deepEqual(help.scopes, ['help', 'global']);
	assert.deepEqual(help.viewScopes, ['container-detail', 'global'], 'the help knows what it was opened over');
});

test('the list the keys move in and the list the filter applies to are the pane\'s, while no drill-down covers it', () => {
	const screen = (pane: PaneId, ...actions: Action[]) => screenOf(actions.reduce(reduce, reduce(initialState(1000), {type: 'set-pane', pane})));
	for (const pane of ['processes', 'sessions', 'containers', 'alerts'] as const) {
		assert.equal(screen(pane).list, pane);
		assert.equal(screen(pane).filterList, pane);
		assert.equal(screen(pane, OPEN_DETAIL[pane]!).list, null, `${pane} detail`);
		assert.equal(screen(pane, OPEN_DETAIL[pane]!).filterList, null, `${pane} detail`);
	}

	assert.equal(screen('locks').list, 'locks');
	assert.equal(screen('locks').filterList, null, 'the lock tree has no filter');
	assert.equal(screen('host').list, null);
	assert.equal(screen('processes', OPEN_MODAL[0]!).list, 'processes', 'the list stays under the filter prompt');
});

test('processes are on screen in their list and the drill-downs that read them, not on the other panes nor under the help', () => {
	const screen = (pane: PaneId, ...actions: Action[]) => screenOf(actions.reduce(reduce, reduce(initialState(1000), {type: 'set-pane', pane})));
	assert.equal(screen('processes').isShowingProcesses, true);
	assert.equal(screen('processes', OPEN_DETAIL.processes!).isShowingProcesses, true, 'a process');
	assert.equal(screen('processes', OPEN_MODAL[0]!).isShowingProcesses, true, 'the list under the filter prompt');
	for (const pane of ['host', 'sessions', 'locks', 'containers', 'alerts'] as const) {
		assert.equal(screen(pane).isShowingProcesses, false, pane);
	}

	assert.equal(screen('sessions', OPEN_DETAIL.sessions!).isShowingProcesses, true, "a session's backend");
	assert.equal(screen('containers', OPEN_DETAIL.containers!).isShowingProcesses, true, "a container's processes");
	assert.equal(screen('alerts', OPEN_DETAIL.alerts!).isShowingProcesses, false, 'an alert');
	assert.equal(screen('processes', OPEN_MODAL[2]!).isShowingProcesses, false, 'the help takes the whole frame');
});

test('read-only, the commands that change something are absent from the key table the help shows and from the hints; otherwise present', () => {
	const changing = new Set<string>(Object.keys(CHANGING_COMMANDS));
	assert.deepEqual([...changing].sort(), ['acknowledge', 'acknowledge-all', 'cancel-backend', 'kill', 'tag-shown', 'terminate-backend', 'toggle-tag']);
	for (const screen of SCREENS) {
		const shown = new Set<string>([...screen.bindings.map(binding => binding.command), ...screen.hints.map(hint => hint.command)]);
		const present = [...changing].filter(command => shown.has(command));
		if (screen.readOnly) {
			assert.deepEqual(present, [], `${name(screen)} offers no changing command`);
		} else {
			assert.deepEqual(screen.bindings, keymap.filter(binding => binding.scope !== 'replay' && binding.scope !== 'nodes'), `${name(screen)}: the whole key table but the replay's`);
		}

		const replayKeys = screen.bindings.filter(binding => binding.scope === 'replay' || binding.scope === 'nodes');
		assert.equal(replayKeys.length > 0, screen.readOnly === 'replay', `${name(screen)}: time travel and the node picker only in a replay`);
		// A plan asks the live server: there with --read-only, not in a replay.
		assert.equal(shown.has('show-plan'), screen.readOnly !== 'replay', `${name(screen)}: the plan key`);
	}

	// The screens that hint a change when not read-only, and the same screens read-only.
	const screen = (pane: PaneId, readOnly: ReadOnlyMode | null, ...actions: Action[]) => screenOf(actions.reduce(reduce, reduce(initialState(1000, undefined, undefined, readOnly), {type: 'set-pane', pane})));
	const hinted = (found: Screen) => found.hints.map(hint => hint.word);
	assert.ok(hinted(screen('sessions', null)).includes('terminate'));
	assert.ok(hinted(screen('sessions', null)).includes('tag'));
	assert.ok(!hinted(screen('sessions', 'live')).includes('tag'));
	const sessionDetail: Action = {type: 'open-detail', list: 'sessions', pid: 101};
	assert.deepEqual(hinted(screen('sessions', 'live', sessionDetail)), ['back', 'scroll', 'plan', 'help', 'quit'], 'the plan only reads');
	assert.ok(!hinted(screen('sessions', 'replay', sessionDetail)).includes('plan'), 'a replay has no server to plan on');
	assert.ok(hinted(screen('alerts', null)).includes('acknowledge'));
	assert.ok(hinted(screen('processes', null, {type: 'open-detail', list: 'processes', pid: 20})).includes('kill'));
	assert.deepEqual(hinted(screen('processes', 'live', {type: 'open-detail', list: 'processes', pid: 20})), ['back', 'help', 'pane', 'pause', 'quit']);
	assert.deepEqual(hinted(screen('processes', 'replay', {type: 'open-detail', list: 'processes', pid: 20})).slice(0, 3), ['help', 'back', 'earlier'], 'in a replay, Esc back before the time travel');
	assert.deepEqual(hinted(screen('alerts', 'replay')), ['help', 'pane', 'earlier', 'later', '-1h', 'time', 'newest', 'nodes', 'quit', 'filter', 'detail', 'pause']);
});

test('read-only, a key for a changing command says it is not available, in the words of the mode, and asks nothing', () => {
	const scheduler = {setPaused() {}, setRefresh() {}, wake() {}};
	const noticeOf = (readOnly: ReadOnlyMode | null, pane: PaneId, command: Parameters<typeof runCommand>[0], ...actions: Action[]) => {
		const store = createStore(actions.reduce(reduce, reduce(initialState(1000, undefined, undefined, readOnly), {type: 'set-pane', pane})));
		runCommand(command, {store, scheduler, exit() {}, user: 'tester'});
		return {notice: store.getState().ui.notice?.text, confirm: store.getState().ui.confirm, input: store.getState().ui.input};
	};

	const detail: Action = {type: 'open-detail', list: 'processes', pid: 20};
	assert.deepEqual(noticeOf('live', 'processes', 'kill', detail), {notice: 'read-only: signalling a process is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('live', 'sessions', 'cancel-backend'), {notice: 'read-only: cancelling a query is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('live', 'locks', 'terminate-backend'), {notice: 'read-only: terminating a backend is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('replay', 'alerts', 'acknowledge'), {notice: 'read-only replay: acknowledging an alert is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('replay', 'alerts', 'acknowledge-all'), {notice: 'read-only replay: acknowledging alerts is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('live', 'sessions', 'toggle-tag'), {notice: 'read-only: tagging sessions is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('replay', 'sessions', 'tag-shown'), {notice: 'read-only replay: tagging sessions is not available', confirm: null, input: null});
	assert.deepEqual(noticeOf('replay', 'sessions', 'show-plan', {type: 'open-detail', list: 'sessions', pid: 101}), {notice: 'read-only replay: showing a plan needs a live server', confirm: null, input: null});
	// Not read-only, the same key goes on to its command (here: nothing is selected to act on).
	assert.equal(noticeOf(null, 'sessions', 'cancel-backend').notice, 'no session selected');
});
