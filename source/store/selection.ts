import type {RowKey, Selection} from './ui.js';

/** Index of a selection in a list of keys: its row if still there, else its old place, clamped. */
export function selectionIndex(keys: readonly RowKey[], selection: Selection): number {
	if (keys.length === 0) {
		return -1;
	}

	const found = selection.selected === null ? -1 : keys.indexOf(selection.selected);
	return found >= 0 ? found : Math.min(Math.max(selection.selectedIndex, 0), keys.length - 1);
}

/** First visible row: keeps the selection in view, moving the window only when it must; `total` clamps it to the end of the list. */
export function windowStart(previous: number, selected: number, height: number, total = Number.POSITIVE_INFINITY): number {
	const maxStart = Math.max(total - height, 0);
	let start = Math.min(Math.max(previous, 0), maxStart);
	if (selected < start) start = selected;
	if (selected >= start + height) start = selected - height + 1;
	return Math.min(Math.max(start, 0), maxStart);
}

/** A list's selection moved to a row: the window follows it only as far as it must. */
export function selectAt<S extends Selection>(selection: S, key: RowKey | null, index: number): S {
	const top = windowStart(selection.top, Math.max(index, 0), selection.pageSize);
	if (key === selection.selected && index === selection.selectedIndex && top === selection.top) return selection;
	return {...selection, selected: key, selectedIndex: index, top};
}
