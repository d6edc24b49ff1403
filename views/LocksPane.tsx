import {Box, Text} from 'ink';
import {alertMarks} from '../source/alert-list.js';
import {useRef} from 'react';
import type {Rule} from '../source/alert-engine.js';
import {ruleLevel, type Level} from '../source/levels.js';
import type {LockLine} from '../source/lock-tree.js';
import {sanitizeLine} from '../source/sanitize.js';
import {selectedLockIndex, visibleLockLines, waitingCount} from '../source/session-list.js';
import type {State} from '../source/store.js';
import {cell, formatAge, levelColor, markCell, rcell} from './format.js';
import {PgUnavailable} from './PgUnavailable.js';
import {windowStart} from './ProcessesPane.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

/** Marks a session whose waiters are drawn under its first appearance only. */
const REPEAT_MARK = '↑';

const pidText = (line: LockLine) => `${line.prefix}${line.node.pid}${line.node.isRepeat ? REPEAT_MARK : ''}`;

/** The branch drawing and the pid; when too deep, the branches are cut on the left, never the pid. */
function pidCell(line: LockLine, width: number): string {
	const text = pidText(line);
	return text.length > width ? `…${text.slice(text.length - width + 1)}` : text.padEnd(width, ' ');
}

/** Column widths at a terminal width: relations get their own column from 120 columns. */
export function lockColumns(width: number, lines: readonly LockLine[]) {
	// As wide as the deepest line needs, up to a third of the screen; deeper lines lose the start of their branches.
	const deepest = lines.reduce((most, line) => Math.max(most, pidText(line).length), 8);
	const pid = Math.min(deepest, Math.max(16, Math.floor(width / 3)));
	return width >= 120 ? {pid, user: 10, state: 11, waited: 7, lock: 24, relation: 20} : {pid, user: 8, state: 10, waited: 5, lock: 24, relation: 0};
}

/** What a line shows as its lock: a relation lock by its mode, other kinds (transactionid, tuple, ...) with their type; relations inline when narrow. */
function lockCell(line: LockLine, hasRelationColumn: boolean): string {
	const {node} = line;
	const mode = node.mode ?? '';
	if (node.relation === null) return node.lockType && node.lockType !== 'relation' ? `${mode} ${node.lockType}` : mode;
	return hasRelationColumn ? mode : `${mode} ${sanitizeLine(node.relation)}`;
}

/** One line of the tree: who, how long, which lock on what, and the query. */
export function lockLine(line: LockLine, columns: ReturnType<typeof lockColumns>): string {
	const {node} = line;
	const hasRelationColumn = columns.relation > 0;
	return [
		pidCell(line, columns.pid),
		cell(sanitizeLine(node.user ?? ''), columns.user),
		cell(sanitizeLine(node.state ?? ''), columns.state),
		rcell(node.waitSec === null ? '' : formatAge(node.waitSec), columns.waited),
		cell(sanitizeLine(lockCell(line, hasRelationColumn)), columns.lock),
		...(hasRelationColumn ? [cell(sanitizeLine(node.relation ?? ''), columns.relation)] : []),
		sanitizeLine(node.query),
	].join(' ');
}

function headerLine(columns: ReturnType<typeof lockColumns>): string {
	return [
		cell('PID', columns.pid),
		cell('USER', columns.user),
		cell('STATE', columns.state),
		rcell(columns.waited >= 6 ? 'WAITED' : 'WAIT', columns.waited),
		cell(columns.relation > 0 ? 'LOCK' : 'LOCK ON', columns.lock),
		...(columns.relation > 0 ? [cell('RELATION', columns.relation)] : []),
		'QUERY',
	].join(' ');
}

/** A root blocks: red; a waiter's colour follows how long it has waited, by the lock-wait rule. */
function lineLevel(line: LockLine, rules: readonly Rule[]): Level {
	return line.depth === 0 ? 'crit' : ruleLevel(rules, 'lock-wait', line.node.waitSec);
}

const selectRules = (state: State) => state.rules;

type Props = {width: number; height: number};

/** Who blocks whom: each root blocker with the sessions waiting on it, to any depth. */
export function LocksPane({width, height}: Props) {
	const lines = useStore(visibleLockLines);
	const selected = useStore(state => selectedLockIndex(state));
	const hasSessions = useStore(state => state.postgres !== null);
	const hasLocks = useStore(state => state.locks !== null);
	const waiting = useStore(waitingCount);
	const rules = useStore(selectRules);
	const marks = useStore(alertMarks);
	const start = useRef(0);

	if (!hasSessions) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Locks connecting…</Text>
				<PgUnavailable />
			</Box>
		);
	}

	const rows = Math.max(height - 2, 1);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, lines.length);
	const shown = lines.slice(start.current, start.current + rows);
	const columns = lockColumns(width - 2, lines);
	const roots = lines.filter(line => line.depth === 0).length;
	const hasRepeats = lines.some(line => line.node.isRepeat);
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Locks</Text>
				{hasLocks ? ` ${roots} blocking ${roots === 1 ? 'chain' : 'chains'}, ${waiting} waiting` : ' reading…'}
				{hasRepeats ? ` · ${REPEAT_MARK} its waiters are shown above` : ''}{' '}
				<Stale collectorId="postgres-locks" />
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(`  ${headerLine(columns)}`, width)}
			</Text>
			{shown.length === 0 ? (
				<Text dimColor>{hasLocks ? 'nobody waits on a lock' : ''}</Text>
			) : (
				shown.map((line, index) => {
					const isSelected = start.current + index === selected;
					const text = markCell(marks.pids.get(line.node.pid)) + lockLine(line, columns);
					return (
						<Text key={line.key} wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : levelColor(lineLevel(line, rules))}>
							{isSelected ? cell(text, width) : text}
						</Text>
					);
				})
			)}
		</Box>
	);
}
