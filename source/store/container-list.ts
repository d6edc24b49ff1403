// The containers pane's list: exited ones shown on request, filtered by name or image, sorted.
import type {ContainerRow} from '../types.js';
import {memoPerObject} from './memo.js';
import type {State} from './store.js';
import type {ContainerSort} from './ui.js';

const COMPARE: Record<ContainerSort, (a: ContainerRow, b: ContainerRow) => number> = {
	cpu: (a, b) => (b.cpuPct ?? -1) - (a.cpuPct ?? -1),
	mem: (a, b) => (b.memUsed ?? -1) - (a.memUsed ?? -1),
	name: (a, b) => a.name.localeCompare(b.name),
};

const listed = memoPerObject((rows: readonly ContainerRow[], view: State['ui']['containers']): ContainerRow[] => {
	const {sort, filter, showExited} = view;
	const needle = filter.toLowerCase();
	return rows
		.filter(row => (showExited || row.state === 'running') && (needle === '' || row.name.toLowerCase().includes(needle) || row.image.toLowerCase().includes(needle)))
		.sort((a, b) => COMPARE[sort](a, b) || a.name.localeCompare(b.name));
}, (a, b) => a.sort === b.sort && a.filter === b.filter && a.showExited === b.showExited);

const NO_CONTAINERS: ContainerRow[] = [];

/** The containers the pane lists: exited ones shown on request, filtered by name or image, sorted. */
export function visibleContainers(state: State): ContainerRow[] {
	const rows = state.containers?.containers;
	return rows ? listed(rows, state.ui.containers) : NO_CONTAINERS;
}
