import type {LockLine} from '../../source/postgres/lock-tree.js';
import {formatAge} from '../format.js';
import type {Column} from './column.js';

/** Marks a session whose waiters are drawn under its first appearance only. */
export const REPEAT_MARK = '↑';

const pidText = (line: LockLine) => `${line.node.pid}${line.node.isRepeat ? REPEAT_MARK : ''}`;

/** What a line shows as its lock: a relation lock by its mode, other kinds (transactionid, tuple, ...) with their type; relations inline when narrow. */
function lockText(line: LockLine, hasRelationColumn: boolean): string {
	const {node} = line;
	const mode = node.mode ?? '';
	if (node.relation === null) return node.lockType && node.lockType !== 'relation' ? `${mode} ${node.lockType}` : mode;
	return hasRelationColumn ? mode : `${mode} ${node.relation}`;
}

/** The lock tree's columns at a width: relations get their own column from 120 columns; the pid column is as wide as the deepest line needs, up to a third of the screen, and deeper lines lose the start of their branches, never the pid. */
export function lockColumns(width: number, lines: readonly LockLine[]): Column<LockLine>[] {
	const deepest = lines.reduce((most, line) => Math.max(most, line.prefix.length + pidText(line).length), 8);
	const isWide = width >= 120;
	return [
		{id: 'pid', title: 'PID', width: Math.min(deepest, Math.max(16, Math.floor(width / 3))), cut: 'start', prefix: line => line.prefix, value: pidText},
		{id: 'user', title: 'USER', width: isWide ? 10 : 8, value: line => line.node.user ?? ''},
		{id: 'state', title: 'STATE', width: isWide ? 11 : 10, value: line => line.node.state ?? ''},
		{id: 'waited', title: isWide ? 'WAITED' : 'WAIT', width: isWide ? 7 : 5, align: 'right', value: line => (line.node.waitSec === null ? '' : formatAge(line.node.waitSec))},
		{id: 'lock', title: isWide ? 'LOCK' : 'LOCK ON', width: 24, value: line => lockText(line, isWide)},
		...(isWide ? [{id: 'relation', title: 'RELATION', width: 20, value: (line: LockLine) => line.node.relation ?? ''}] : []),
		{id: 'query', title: 'QUERY', value: line => line.node.query},
	];
}
