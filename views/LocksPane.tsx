import {Box, Text} from 'ink';
import {alertMarks} from '../source/alerts/list.js';
import {useMemo} from 'react';
import type {Rule} from '../source/alerts/engine.js';
import {ruleLevel, type Level} from '../source/alerts/levels.js';
import type {LockLine} from '../source/postgres/lock-tree.js';
import {visibleLockLines, waitingCount} from '../source/postgres/session-list.js';
import type {State} from '../source/store/store.js';
import {lockColumns, REPEAT_MARK} from './columns/locks.js';
import {levelColor} from './format.js';
import {List} from './List.js';
import {PgUnavailable} from './PgUnavailable.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

/** A root blocks: red; a waiter's colour follows how long it has waited, by the lock-wait rule. */
function lineLevel(line: LockLine, rules: readonly Rule[]): Level {
	return line.depth === 0 ? 'crit' : ruleLevel(rules, 'lock-wait', line.node.waitSec);
}

const selectRules = (state: State) => state.rules;
const keyOf = (line: LockLine) => line.key;

type Props = {width: number; height: number};

/** Who blocks whom: each root blocker with the sessions waiting on it, to any depth. */
export function LocksPane({width, height}: Props) {
	const lines = useStore(visibleLockLines);
	const hasSessions = useStore(state => state.postgres !== null);
	const hasLocks = useStore(state => state.locks !== null);
	const waiting = useStore(waitingCount);
	const rules = useStore(selectRules);
	const marks = useStore(alertMarks);
	const columns = useMemo(() => lockColumns(width - 2, lines), [width, lines]);
	const markOf = (line: LockLine) => marks.pids.get(line.node.pid);
	const styleOf = (line: LockLine) => ({color: levelColor(lineLevel(line, rules))});

	if (!hasSessions) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Locks connecting…</Text>
				<PgUnavailable />
			</Box>
		);
	}

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
			<List id="locks" rows={lines} keyOf={keyOf} columns={columns} width={width} height={height - 1} empty={hasLocks ? 'nobody waits on a lock' : ''} markOf={markOf} styleOf={styleOf} />
		</Box>
	);
}
