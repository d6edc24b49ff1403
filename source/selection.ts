import type {RowKey, Selection} from './store.js';

/** Index of a selection in a list of keys: its row if still there, else its old place, clamped. */
export function selectionIndex(keys: readonly RowKey[], selection: Selection): number {
	if (keys.length === 0) {
		return -1;
	}

	const found = selection.selected === null ? -1 : keys.indexOf(selection.selected);
	return found >= 0 ? found : Math.min(Math.max(selection.selectedIndex, 0), keys.length - 1);
}
