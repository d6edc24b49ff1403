// Renders a view inside a store provider with ink-testing-library, and waits for frames.
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {setTimeout as sleep} from 'node:timers/promises';
import type {ReadOnlyMode} from '../../source/app/keymap.js';
import type {PlanResult} from '../../source/postgres/plan.js';
import type {Scheduler} from '../../source/store/scheduler.js';
import {createStore, initialState, type Action, type Store} from '../../source/store/store.js';
import {App} from '../../views/App.js';
import {CommandContextValue, StoreContext} from '../../views/StoreContext.js';

export function renderView(element: ReactElement, actions: Action[] = [], store: Store = createStore(initialState(1000)), copied: string[] = []) {
	for (const action of actions) {
		store.dispatch(action);
	}

	let exited = false;
	const scheduler = {setPaused() {}, setRefresh() {}, wake() {}};
	const instance = render(
		<StoreContext.Provider value={store}>
			<CommandContextValue.Provider value={{scheduler, exit: () => (exited = true), user: 'tester', now: () => 9000, copy: text => copied.push(text)}}>{element}</CommandContextValue.Provider>
		</StoreContext.Provider>,
	);
	return {
		...instance,
		store,
		hasExited: () => exited,
		frame: () => instance.lastFrame() ?? '',
		/** Types keys one at a time, letting Ink process each. */
		async press(...keys: string[]) {
			for (const key of keys) {
				instance.stdin.write(key);
				await sleep(20);
			}
		},
	};
}

export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	backspace: '\u007F',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
} as const;

// eslint-disable-next-line no-control-regex
export const stripAnsi = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '');

/** The selected row of the list on screen, without its three-column gutter (`>` marks it, with or without colour); '' when none. */
export function selectedRow(frame: string): string {
	const line = stripAnsi(frame)
		.split('\n')
		.find(candidate => candidate.startsWith('>'));
	return line === undefined ? '' : line.slice(3);
}

/** A stand-in for the connection's cancel, terminate and explain: records what it was asked and answers as told (`answer` by pid, where it is a function). */
export function fakePostgres(answer: string | null | ((pid: number) => string | null) = null, plan: (database: string, query: string) => Promise<PlanResult> = async () => ({lines: ['Result  (cost=0.00..0.01 rows=1 width=4)'], explain: 'EXPLAIN (GENERIC_PLAN)'})) {
	const calls: string[] = [];
	const answerFor = (pid: number) => (typeof answer === 'function' ? answer(pid) : answer);
	return {
		calls,
		cancel: async (pid: number) => (calls.push(`cancel ${pid}`), answerFor(pid)),
		terminate: async (pid: number) => (calls.push(`terminate ${pid}`), answerFor(pid)),
		explain: async (database: string, query: string) => (calls.push(`explain ${database}: ${query}`), plan(database, query)),
	};
}

/** What the app runs its commands against besides the store: a scheduler that does nothing and no Postgres, unless given; and whether it is read-only. */
export type AppParts = {postgres?: ReturnType<typeof fakePostgres>; scheduler?: Pick<Scheduler, 'setPaused' | 'setRefresh' | 'wake'>; readOnly?: ReadOnlyMode};

/** The whole app at a terminal size after the actions, with cancel and terminate answered by `postgres` and `p`, `+`, `-` going to `scheduler`. */
export async function renderApp(columns: number, rows: number, actions: Action[], {postgres, scheduler = {setPaused() {}, setRefresh() {}, wake() {}}, readOnly}: AppParts = {}) {
	const context = {scheduler, exit() {}, user: 'tester', postgres};
	const view = renderView(
		<CommandContextValue.Provider value={context}>
			<App version="1" />
		</CommandContextValue.Provider>,
		actions,
		createStore(initialState(1000, undefined, undefined, readOnly ?? null)),
	);
	// ink-testing-library's terminal is 100 columns: make it the size under test.
	Object.defineProperty(view.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(view.stdout, 'rows', {value: rows, configurable: true});
	view.stdout.emit('resize');
	await sleep(30);
	return {...view, raw: view.frame, frame: () => stripAnsi(view.frame())};
}
