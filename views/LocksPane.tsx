import {Box, Text} from 'ink';
import {useRef} from 'react';
import {sanitizeLine} from '../source/sanitize.js';
import {selectionIndex} from '../source/selection.js';
import {visibleLockLines} from '../source/session-list.js';
import type {LockLine} from '../source/lock-tree.js';
import {cell, formatAge, rcell} from './format.js';
import {windowStart} from './ProcessesPane.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const WIDTHS = {pid: 14, user: 10, state: 11, waited: 7, lock: 24, relation: 16};

/** One line of the tree: who, how long, which lock on what, and the query. */
export function lockLine({node, prefix}: LockLine): string {
	// A relation lock is named by its relation; other kinds (transactionid, tuple, ...) by their type.
	const lock = node.relation === null && node.lockType ? `${node.mode ?? ''} ${node.lockType}` : (node.mode ?? '');
	return [
		cell(`${prefix}${node.pid}`, WIDTHS.pid),
		cell(sanitizeLine(node.user ?? ''), WIDTHS.user),
		cell(sanitizeLine(node.state ?? ''), WIDTHS.state),
		rcell(node.waitSec === null ? '' : formatAge(node.waitSec), WIDTHS.waited),
		cell(sanitizeLine(lock), WIDTHS.lock),
		cell(sanitizeLine(node.relation ?? ''), WIDTHS.relation),
		sanitizeLine(node.query),
	].join(' ');
}

type Props = {width: number; height: number};

/** Who blocks whom: each root blocker with the sessions waiting on it, to any depth. */
export function LocksPane({width, height}: Props) {
	const lines = useStore(visibleLockLines);
	const hasSample = useStore(state => state.locks !== null);
	const selection = useStore(state => state.ui.locks);
	const start = useRef(0);
	const rows = Math.max(height - 2, 1);
	const selected = selectionIndex(
		lines.map(line => line.node.pid),
		selection,
	);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, lines.length);
	const roots = lines.filter(line => line.prefix === '').length;
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Locks</Text>
				{hasSample ? ` ${roots} blocking ${roots === 1 ? 'chain' : 'chains'}, ${lines.length - roots} waiting ` : ' connecting… '}
				<Stale collectorId="postgres-locks" />
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(`${cell('PID', WIDTHS.pid)} ${cell('USER', WIDTHS.user)} ${cell('STATE', WIDTHS.state)} ${rcell('WAITED', WIDTHS.waited)} ${cell('LOCK', WIDTHS.lock)} ${cell('RELATION', WIDTHS.relation)} QUERY`, width)}
			</Text>
			{lines.length === 0 ? (
				<Text dimColor>{hasSample ? 'nobody waits on a lock' : ''}</Text>
			) : (
				lines.slice(start.current, start.current + rows).map((line, index) => {
					const isSelected = start.current + index === selected;
					return (
						<Text key={`${start.current + index}`} wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : line.prefix === '' ? 'red' : undefined}>
							{isSelected ? cell(lockLine(line), width) : lockLine(line)}
						</Text>
					);
				})
			)}
		</Box>
	);
}
