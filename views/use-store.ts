import {useContext, useSyncExternalStore} from 'react';
import type {State, Store} from '../source/store/store.js';
import {StoreContext} from './StoreContext.js';

/** The store from context; a view outside a provider is a programming error. */
export function useStoreInstance(): Store {
	const store = useContext(StoreContext);
	if (!store) {
		throw new Error('views must be rendered inside a StoreContext provider');
	}

	return store;
}

/** Reads a slice of the state; the view re-renders when that slice changes (by reference). */
export function useStore<T>(select: (state: State) => T): T {
	const store = useStoreInstance();
	return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
