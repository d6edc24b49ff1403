import {memoPerObject} from './memo.js';
import type {State} from './store.js';
import type {ProcessSort} from './ui.js';
import type {ProcessRow} from '../types.js';

/** A row as the processes pane lists it: the process and, in tree view, its branch drawing. */
export type VisibleProcess = {row: ProcessRow; prefix: string};

/** The orders the processes pane sorts by (the busiest, biggest or oldest first, or by pid); the ring companion picks its top processes by them. */
export const PROCESS_ORDER: Record<ProcessSort, (a: ProcessRow, b: ProcessRow) => number> = {
	cpu: (a, b) => b.cpuPct - a.cpuPct || b.cpuTime - a.cpuTime || a.pid - b.pid,
	mem: (a, b) => b.rss - a.rss || a.pid - b.pid,
	pid: (a, b) => a.pid - b.pid,
	time: (a, b) => b.cpuTime - a.cpuTime || a.pid - b.pid,
};

/** Does a process match the filter: a case-insensitive substring of its user or command. */
export function matchesFilter(row: ProcessRow, filter: string): boolean {
	if (filter === '') {
		return true;
	}

	const needle = filter.toLowerCase();
	return row.user.toLowerCase().includes(needle) || row.command.toLowerCase().includes(needle);
}

/** Orders processes as a tree by parent pid; siblings keep the sort order; orphans are roots. */
export function toTree(rows: readonly ProcessRow[]): VisibleProcess[] {
	const pids = new Set(rows.map(row => row.pid));
	const children = new Map<number, ProcessRow[]>();
	const roots: ProcessRow[] = [];
	for (const row of rows) {
		if (row.ppid !== row.pid && pids.has(row.ppid)) {
			const siblings = children.get(row.ppid);
			if (siblings) {
				siblings.push(row);
			} else {
				children.set(row.ppid, [row]);
			}
		} else {
			roots.push(row);
		}
	}

	const result: VisibleProcess[] = [];
	const walk = (row: ProcessRow, indent: string, branch: string) => {
		result.push({row, prefix: indent + branch});
		const kids = children.get(row.pid) ?? [];
		const childIndent = indent + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
		kids.forEach((kid, index) => walk(kid, childIndent, index === kids.length - 1 ? '└─ ' : '├─ '));
	};

	for (const root of roots) {
		walk(root, '', '');
	}

	return result;
}

const NONE: VisibleProcess[] = [];
const listed = memoPerObject(
	(rows: readonly ProcessRow[], view: State['ui']['processes']): VisibleProcess[] => {
		const sorted = rows.filter(row => matchesFilter(row, view.filter)).sort(PROCESS_ORDER[view.sort]);
		return view.isTree ? toTree(sorted) : sorted.map(row => ({row, prefix: ''}));
	},
	(a, b) => a.sort === b.sort && a.filter === b.filter && a.isTree === b.isTree,
);

/** The processes the pane lists, filtered, sorted and maybe treed; worked out once per sample and view. */
export function visibleProcesses(state: State): VisibleProcess[] {
	const rows = state.processes?.processes;
	return rows ? listed(rows, state.ui.processes) : NONE;
}
