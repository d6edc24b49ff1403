import type {Selection} from './store.js';

/** Index of a selection in a list of pids: its pid if still there, else its old place, clamped. */
export function selectionIndex(pids: readonly number[], selection: Selection): number {
	if (pids.length === 0) {
		return -1;
	}

	const found = selection.selectedPid === null ? -1 : pids.indexOf(selection.selectedPid);
	return found >= 0 ? found : Math.min(Math.max(selection.selectedIndex, 0), pids.length - 1);
}
