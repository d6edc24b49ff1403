// Renders a view inside a store provider with ink-testing-library, and waits for frames.
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {setTimeout as sleep} from 'node:timers/promises';
import {createStore, initialState, type Action, type Store} from '../../source/store.js';
import {CommandContextValue, StoreContext} from '../../views/StoreContext.js';

export function renderView(element: ReactElement, actions: Action[] = [], store: Store = createStore(initialState(1000))) {
	for (const action of actions) {
		store.dispatch(action);
	}

	let exited = false;
	const scheduler = {setPaused() {}, setRefresh() {}};
	const instance = render(
		<StoreContext.Provider value={store}>
			<CommandContextValue.Provider value={{scheduler, exit: () => (exited = true), user: 'tester', now: () => 9000}}>{element}</CommandContextValue.Provider>
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
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
} as const;
