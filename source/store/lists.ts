// The lists a pane shows rows of, by id: their rows' keys in screen order and where the
// selection is among them. The reducer, the commands and the list view all ask here.
import {visibleAlerts} from '../alerts/list.js';
import {visibleContainers} from './container-list.js';
import {visibleProcesses} from './process-list.js';
import {selectionIndex} from './selection.js';
import {selectedLockIndex, visibleLockLines, visibleSessions} from '../postgres/session-list.js';
import type {ListId, RowKey, State} from './store.js';

// The keys of a list's rows, worked out once per list of rows (each list is memoized by its
// selector): the list view asks on every change of the store, the reducer on every sample.
const keysCache = new WeakMap<readonly unknown[], RowKey[]>();

function keysOf<T>(rows: readonly T[], keyOf: (row: T) => RowKey): RowKey[] {
	let keys = keysCache.get(rows);
	if (!keys) {
		keys = rows.map(keyOf);
		keysCache.set(rows, keys);
	}

	return keys;
}

/** The keys of a list's rows (pids, lock-tree paths, container and alert ids) in the order it shows them. */
export function listKeys(state: State, list: ListId): readonly RowKey[] {
	switch (list) {
		case 'processes':
			return keysOf(visibleProcesses(state), item => item.row.pid);
		case 'sessions':
			return keysOf(visibleSessions(state), session => session.pid);
		case 'locks':
			// A session can show under several blockers: the line's path in the tree names it.
			return keysOf(visibleLockLines(state), line => line.key);
		case 'containers':
			return keysOf(visibleContainers(state), row => row.id);
		case 'alerts':
			return keysOf(visibleAlerts(state), alert => alert.id);
	}
}

/** Where a list's selection is among its rows (-1 when the list is empty). */
export function listSelectionIndex(state: State, list: ListId, keys: readonly RowKey[] = listKeys(state, list)): number {
	return list === 'locks' ? selectedLockIndex(state) : selectionIndex(keys, state.ui[list]);
}

/** The key of the row the selection is on in a list, or null when the list is empty. */
export function selectedKey(state: State, list: ListId): RowKey | null {
	const keys = listKeys(state, list);
	return keys[listSelectionIndex(state, list, keys)] ?? null;
}
