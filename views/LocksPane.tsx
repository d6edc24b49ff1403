import {Box, Text} from 'ink';
import {alertMarks} from '../source/alerts/list.js';
import {useMemo} from 'react';
import type {Rule} from '../source/alerts/engine.js';
import {metricLevel, type Level} from '../source/alerts/levels.js';
import {rootBlocking, type Blocking} from '../source/alerts/measure.js';
import {sessionResource} from '../source/alerts/metrics.js';
import type {LockLine} from '../source/postgres/lock-tree.js';
import {visibleLockLines, waitingCount} from '../source/postgres/session-list.js';
import {sessionsByPid} from '../source/store/postgres.js';
import type {State} from '../source/store/store.js';
import type {PgSession} from '../source/types.js';
import {lockColumns, REPEAT_MARK} from './columns/locks.js';
import {levelColor} from './format.js';
import {List} from './List.js';
import {PgUnavailable} from './PgUnavailable.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

/** A root blocker's colour follows how long it has held others up and how many, by the blocker rules on its session; a waiter's (a deadlock's too) how long it has waited, by the lock-wait rules. */
function lineLevel(line: LockLine, rules: readonly Rule[], session: PgSession | undefined, blocking: Blocking | undefined): Level {
	const resource = session ? sessionResource(session) : '';
	return blocking ? metricLevel(rules, 'pg.blockingSec', resource, blocking.sec, blocking.heldUp) : metricLevel(rules, 'pg.lockWaitSec', resource, line.node.waitSec);
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
	const columns = useMemo(() => lockColumns(width, lines), [width, lines]);
	const sessions = useStore(sessionsByPid);
	const blocking = useStore(rootBlocking);
	const markOf = (line: LockLine) => marks.pids.get(line.node.pid);
	const tagged = useStore(state => state.ui.sessions.tagged);
	const tagOf = (line: LockLine) => tagged.has(line.node.pid);
	const styleOf = (line: LockLine) => ({color: levelColor(lineLevel(line, rules, sessions.get(line.node.pid), blocking.get(line.node.pid)))});

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
				{hasRepeats ? ` · ${REPEAT_MARK} its waiters are shown above` : ''}
				{tagged.size > 0 ? ` · ${tagged.size} tagged` : ''}{' '}
				<Stale collectorId="postgres-locks" />
			</Text>
			<List id="locks" rows={lines} keyOf={keyOf} columns={columns} width={width} height={height - 1} empty={hasLocks ? 'nobody waits on a lock' : ''} markOf={markOf} tagOf={tagOf} styleOf={styleOf} />
		</Box>
	);
}
