import type {LockLine} from '../../source/postgres/lock-tree.js';
import {sanitizeLine} from '../../source/sanitize.js';
import {AGE_WIDTH, formatAge, shortSessionState} from '../format.js';
import {textWidth} from '../text-width.js';
import type {Column} from './column.js';

/** Marks a session whose waiters are drawn under its first appearance only. */
export const REPEAT_MARK = '↑';

const pidText = (line: LockLine) => `${line.node.pid}${line.node.isRepeat ? REPEAT_MARK : ''}`;
const stateText = (line: LockLine) => (line.node.state === null ? '' : shortSessionState(line.node.state));
const applicationText = (line: LockLine) => line.node.application;
const age = (seconds: number | null) => (seconds === null ? '' : formatAge(seconds));

/** What a line shows as its lock: its mode, the kind of lock unless it is on a relation (transactionid, tuple, ...), and the relation when it has no column of its own. */
function lockText(line: LockLine, hasRelationColumn: boolean): string {
	const {node} = line;
	const kind = node.lockType && node.lockType !== 'relation' ? ` ${node.lockType}` : '';
	const relation = node.relation !== null && !hasRelationColumn ? ` ${node.relation}` : '';
	return `${node.mode ?? ''}${kind}${relation}`;
}

// As wide as its widest value on the lines as shown (or its title), at most `most`: the query keeps the rest.
const widest = (lines: readonly LockLine[], title: string, most: number, value: (line: LockLine) => string) =>
	Math.min(lines.reduce((width, line) => Math.max(width, textWidth(sanitizeLine(value(line)))), textWidth(title)), most);

/**
 * The lock tree's columns at a terminal width. At 80: pid, application, state, transaction age, wait,
 * query; from 120 the lock, with its relation; from 140 the user; from 160 the relation in a column of
 * its own. The application, state and lock columns are as wide as the lines need, up to a limit (states
 * in pg_activity's short forms, so they fit whole); the pid column as the deepest line needs, up to a
 * third of the screen: deeper lines lose the start of their branches, never the pid. Ages take
 * AGE_WIDTH, so they keep their unit.
 */
export function lockColumns(width: number, lines: readonly LockLine[]): Column<LockLine>[] {
	const deepest = lines.reduce((most, line) => Math.max(most, line.prefix.length + pidText(line).length), 8);
	const hasLock = width >= 120;
	const hasUser = width >= 140;
	const hasRelation = width >= 160;
	const lock = (line: LockLine) => lockText(line, hasRelation);
	const all: Array<Column<LockLine> | false> = [
		{id: 'pid', title: 'PID', width: Math.min(deepest, Math.max(16, Math.floor(width / 3))), cut: 'start', prefix: line => line.prefix, value: pidText},
		hasUser && {id: 'user', title: 'USER', width: hasRelation ? 10 : 8, value: line => line.node.user ?? ''},
		{id: 'application', title: 'APP', width: widest(lines, 'APP', hasLock ? 20 : 14, applicationText), value: applicationText},
		{id: 'state', title: 'STATE', width: widest(lines, 'STATE', 22, stateText), value: stateText},
		{id: 'xact', title: 'XACT', width: AGE_WIDTH, align: 'right', value: line => age(line.node.xactAgeSec)},
		{id: 'waited', title: 'WAITED', width: AGE_WIDTH, align: 'right', value: line => age(line.node.waitSec)},
		hasLock && {id: 'lock', title: hasRelation ? 'LOCK' : 'LOCK ON', width: hasRelation ? 24 : widest(lines, 'LOCK ON', 28, lock), value: lock},
		hasRelation && {id: 'relation', title: 'RELATION', width: 20, value: line => line.node.relation ?? ''},
		{id: 'query', title: 'QUERY', value: line => line.node.query},
	];
	return all.filter(column => column !== false);
}
