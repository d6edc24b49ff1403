// The containers pane's list: exited ones shown on request, filtered by name or image, sorted.
import type {ContainerSort, State} from './store.js';
import type {ContainerRow} from '../types.js';

const COMPARE: Record<ContainerSort, (a: ContainerRow, b: ContainerRow) => number> = {
	cpu: (a, b) => (b.cpuPct ?? -1) - (a.cpuPct ?? -1),
	mem: (a, b) => (b.memUsed ?? -1) - (a.memUsed ?? -1),
	name: (a, b) => a.name.localeCompare(b.name),
};

const NONE: ContainerRow[] = [];
const cache = new WeakMap<readonly ContainerRow[], {key: string; value: ContainerRow[]}>();

/** The containers the pane lists; memoized per sample and view. */
export function visibleContainers(state: State): ContainerRow[] {
	const rows = state.containers?.containers;
	if (!rows) return NONE;
	const {sort, filter, showExited} = state.ui.containers;
	const key = `${sort}\u0000${filter}\u0000${showExited}`;
	const cached = cache.get(rows);
	if (cached?.key === key) return cached.value;
	const needle = filter.toLowerCase();
	const value = rows
		.filter(row => (showExited || row.state === 'running') && (needle === '' || row.name.toLowerCase().includes(needle) || row.image.toLowerCase().includes(needle)))
		.sort((a, b) => COMPARE[sort](a, b) || a.name.localeCompare(b.name));
	cache.set(rows, {key, value});
	return value;
}

const namesCache = new WeakMap<readonly ContainerRow[], ReadonlyMap<string, string>>();

/** Container names by id, for labelling the processes that run in them. */
export function containerNames(state: State): ReadonlyMap<string, string> | null {
	const rows = state.containers?.containers;
	if (!rows) return null;
	let names = namesCache.get(rows);
	if (!names) {
		names = new Map(rows.map(row => [row.id, row.name]));
		namesCache.set(rows, names);
	}

	return names;
}
