// The lists a pane shows rows of, by id: their rows' keys in screen order and where the
// selection is among them. The reducer, the commands and the list view all ask here.
import type {Alert} from '../alerts/engine.js';
import {visibleAlerts} from '../alerts/list.js';
import {visibleContainers} from './container-list.js';
import {visibleProcesses, type VisibleProcess} from './process-list.js';
import {memoOf} from './memo.js';
import {selectAt, selectionIndex} from './selection.js';
import type {LockLine} from '../postgres/lock-tree.js';
import {selectedLockIndex, visibleLockLines, visibleSessions} from '../postgres/session-list.js';
import {visibleNodes, type PickerNode} from './node-list.js';
import {visibleStatements} from '../postgres/statement-list.js';
import type {ListId, RowKey} from './ui.js';
import type {State} from './store.js';
import type {ContainerRow, PgSession, PgStatement} from '../types.js';

// The keys of a list's rows, worked out once per list of rows (each list is memoized by its
// selector): the list view asks on every change of the store, the reducer on every sample.
const KEYS_OF = {
	processes: memoOf((rows: readonly VisibleProcess[]): RowKey[] => rows.map(item => item.row.pid)),
	sessions: memoOf((rows: readonly PgSession[]): RowKey[] => rows.map(session => session.pid)),
	// A session can show under several blockers: the line's path in the tree names it.
	locks: memoOf((rows: readonly LockLine[]): RowKey[] => rows.map(line => line.key)),
	containers: memoOf((rows: readonly ContainerRow[]): RowKey[] => rows.map(row => row.id)),
	alerts: memoOf((rows: readonly Alert[]): RowKey[] => rows.map(alert => alert.id)),
	nodes: memoOf((rows: readonly PickerNode[]): RowKey[] => rows.map(node => node.key)),
	statements: memoOf((rows: readonly PgStatement[]): RowKey[] => rows.map(statement => statement.key)),
};

/** The keys of a list's rows (pids, lock-tree paths, container and alert ids) in the order it shows them. */
export function listKeys(state: State, list: ListId): readonly RowKey[] {
	switch (list) {
		case 'processes':
			return KEYS_OF.processes(visibleProcesses(state));
		case 'sessions':
			return KEYS_OF.sessions(visibleSessions(state));
		case 'locks':
			return KEYS_OF.locks(visibleLockLines(state));
		case 'containers':
			return KEYS_OF.containers(visibleContainers(state));
		case 'alerts':
			return KEYS_OF.alerts(visibleAlerts(state));
		case 'nodes':
			return KEYS_OF.nodes(visibleNodes(state));
		case 'statements':
			return KEYS_OF.statements(visibleStatements(state));
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

/**
 * Where a list's selection is on screen now, before its rows change: a row gone in the next
 * sample leaves the selection where it was seen, not where it was when last moved. The store
 * calls this for the lists a sample feeds before the sample goes to its slice.
 */
export function keepSelection(state: State, list: ListId): State {
	const index = listSelectionIndex(state, list);
	if (index < 0) return state;
	const selection = selectAt(state.ui[list], state.ui[list].selected, index);
	return selection === state.ui[list] ? state : {...state, ui: {...state.ui, [list]: selection}};
}
