import {Box, Text} from 'ink';
import {alertMarks} from '../source/alert-list.js';
import {useRef} from 'react';
import type {Rule} from '../source/alert-engine.js';
import {ruleLevel, sessionLevel, type Level} from '../source/levels.js';
import {countUsers, type UserCounts} from '../source/pg-users.js';
import {sanitizeLine} from '../source/sanitize.js';
import {SESSION_SORTS, selectedSessionIndex, sessionFilterError, visibleSessions} from '../source/session-list.js';
import type {SessionSort, State} from '../source/store.js';
import type {PgServer, PgSession} from '../source/types.js';
import {cell, formatAge, formatBytes, formatCount, formatPerSec, levelColor, markCell, rcell} from './format.js';
import {PgUnavailable} from './PgUnavailable.js';
import {windowStart} from './ProcessesPane.js';
import {staleText} from './Stale.js';
import {useStore} from './use-store.js';

const age = (seconds: number | null) => (seconds === null ? '' : formatAge(seconds));

/** A piece of a line with the level that colours it. */
export type Segment = {text: string; level?: Level};

/** The server in two lines (version, uptime, connections, rates, what holds vacuum back), standbys where they fit, then probes switched off. */
export function serverLines(server: PgServer, now: number, width: number, disabledProbes: Record<string, string> = {}, rules: readonly Rule[] = []): Segment[][] {
	const connectionsPct = server.maxConnections > 0 ? (server.connections / server.maxConnections) * 100 : null;
	const first: Segment[] = [
		{text: `${width >= 100 ? 'Postgres' : 'PG'} ${sanitizeLine(server.version)} · up ${formatAge(Math.max((now - server.startedAt) / 1000, 0))} · `},
		{text: `conn ${server.connections}/${server.maxConnections}`, level: ruleLevel(rules, 'connections', connectionsPct)},
		{
			text: ` · xact ${formatPerSec(server.xactPerSec)} · hit ${server.cacheHitPct === null ? '—' : `${server.cacheHitPct.toFixed(1)}%`} · tup r ${formatPerSec(server.tuplesReadPerSec)} w ${formatPerSec(server.tuplesWrittenPerSec)}`,
		},
	];
	const second: Segment[] = [
		{
			text: `deadlocks ${server.deadlocks} · temp ${server.tempFiles} files ${formatBytes(server.tempBytes)} · longest xact ${server.longestXactSec === null ? '—' : formatAge(server.longestXactSec)} · oldest xmin ${server.oldestXminAge === null ? '—' : `${formatCount(server.oldestXminAge)} xids`}`,
		},
	];
	const standbys = server.standbys.flatMap((standby, index): Segment[] => [
		{text: `${index === 0 ? 'standbys ' : ', '}${sanitizeLine(standby.application || standby.client || '?')} `},
		{
			text: `${standby.lagBytes === null ? '?' : formatBytes(standby.lagBytes)} behind${standby.replayLagSec === null ? '' : ` (${formatAge(standby.replayLagSec)})`}`,
			level: ruleLevel(rules, 'replication-lag', standby.lagBytes),
		},
	]);
	const length = (segments: readonly Segment[]) => segments.reduce((sum, segment) => sum + segment.text.length, 0);
	// Standbys go on their own line when the second line has no room left for them.
	const isStandbysInline = standbys.length > 0 && length(second) + 3 + length(standbys) <= width;
	const off = Object.entries(disabledProbes).map(([probe, reason]) => `${sanitizeLine(probe)} off: ${sanitizeLine(reason)}`);
	return [
		first,
		isStandbysInline ? [...second, {text: ' · '}, ...standbys] : second,
		...(standbys.length > 0 && !isStandbysInline ? [standbys] : []),
		...(off.length > 0 ? [[{text: off.join(' · '), level: 'warn' as const}]] : []),
	];
}

type Column = {title: string; width: number; sort?: SessionSort; isRight?: boolean; value: (session: PgSession) => string};

/** The list's columns at a terminal width: more of them as there is room; at 80 the sorted age stays in view. */
export function sessionColumns(width: number, sort: SessionSort): Column[] {
	const isWide = width >= 180;
	const hasWait = width >= 100;
	const hasOrigin = width >= 140;
	const narrowAge: SessionSort = sort === 'state-age' || sort === 'xmin' ? sort : 'query';
	const hasAge = (which: SessionSort) => hasWait || which === 'xact' || which === narrowAge;
	const all: Array<Column | false> = [
		{title: 'PID', width: 7, isRight: true, value: session => String(session.pid)},
		{title: 'DB', width: isWide ? 14 : 8, sort: 'database', value: session => session.database ?? ''},
		{title: 'USER', width: isWide ? 14 : 8, sort: 'user', value: session => session.user ?? ''},
		hasOrigin && {title: 'APP', width: isWide ? 16 : 12, value: session => session.application},
		hasOrigin && {title: 'CLIENT', width: 15, value: session => session.client ?? ''},
		isWide && {title: 'TYPE', width: 14, value: session => session.backendType},
		{title: 'STATE', width: isWide ? 19 : 11, sort: 'state', value: session => session.state ?? session.backendType},
		hasWait && {title: 'WAIT', width: isWide ? 22 : hasOrigin ? 18 : 14, value: session => (session.waitEventType ? `${session.waitEventType}:${session.waitEvent ?? ''}` : '')},
		hasAge('xact') && {title: 'XACT', width: 6, sort: 'xact', isRight: true, value: session => age(session.xactAgeSec)},
		hasAge('query') && {title: 'QRY', width: 6, sort: 'query', isRight: true, value: session => age(session.queryAgeSec)},
		hasAge('state-age') && {title: 'SINCE', width: 6, sort: 'state-age', isRight: true, value: session => age(session.stateAgeSec)},
		hasAge('xmin') && {title: 'XMIN', width: 6, sort: 'xmin', isRight: true, value: session => (session.xminAge === null ? '' : formatCount(session.xminAge))},
	];
	return all.filter(column => column !== false);
}

/** One session as a line of cells, the query last, on one line. */
export function sessionLine(session: PgSession, columns: readonly Column[]): string {
	const cells = columns.map(column => (column.isRight ? rcell : cell)(sanitizeLine(column.value(session)), column.width));
	return [...cells, sanitizeLine(session.query)].join(' ');
}

function headerLine(columns: readonly Column[], sort: SessionSort): string {
	const title = (column: Column) => (column.sort === sort ? `${column.title}▼` : column.title);
	return [...columns.map(column => (column.isRight ? rcell : cell)(title(column), column.width)), 'QUERY'].join(' ');
}

const USER_WIDTHS = {user: 12, total: 5, active: 6, idle: 5, inXact: 7, aborted: 7, onLock: 7};

function userLine(user: UserCounts, databases: string): string {
	const w = USER_WIDTHS;
	return [
		cell(sanitizeLine(user.user), w.user),
		rcell(String(user.total), w.total),
		rcell(String(user.active), w.active),
		rcell(String(user.idle), w.idle),
		rcell(String(user.idleInTransaction), w.inXact),
		rcell(String(user.idleInTransactionAborted), w.aborted),
		rcell(String(user.waitingOnLock), w.onLock),
		` ${databases}`,
	].join(' ');
}

const USERS_HEADER = [
	cell('USER', USER_WIDTHS.user),
	rcell('TOTAL', USER_WIDTHS.total),
	rcell('ACTIVE', USER_WIDTHS.active),
	rcell('IDLE', USER_WIDTHS.idle),
	rcell('IN XACT', USER_WIDTHS.inXact),
	rcell('ABORTED', USER_WIDTHS.aborted),
	rcell('ON LOCK', USER_WIDTHS.onLock),
	' BY DATABASE',
].join(' ');

/** The users summary's lines for the room there is: one per user, the rest folded into one line. */
export function usersLines(sessions: readonly PgSession[], room: number): string[] {
	const users = countUsers(sessions);
	if (users.length === 0) return ['no client sessions'];
	const perDatabase = countUsers(sessions, true);
	const databasesOf = (user: string) =>
		perDatabase
			.filter(entry => entry.user === user)
			.map(entry => `${sanitizeLine(entry.database ?? '?')} ${entry.total}`)
			.join(', ');
	const fits = users.length <= room;
	const shown = fits ? users : users.slice(0, Math.max(room - 1, 0));
	const rest = users.slice(shown.length);
	return [
		USERS_HEADER,
		...shown.map(user => userLine(user, databasesOf(user.user))),
		...(rest.length > 0 ? [`+${rest.length} more: ${rest.map(user => `${sanitizeLine(user.user)} ${user.total}`).join(', ')}`] : []),
	];
}

/** Users shown at a pane height: few at 80x24 so the session list keeps its room, more on tall terminals. */
export function userRoom(height: number): number {
	return Math.min(Math.max(Math.floor((height - 8) / 3), 1), 10);
}

const selectRules = (state: State) => state.rules;

type Props = {width: number; height: number};

/** Who is on the database: the server, the users summary, then one line per session. */
export function SessionsPane({width, height}: Props) {
	const sample = useStore(state => state.postgres);
	const now = useStore(state => state.now);
	const list = useStore(visibleSessions);
	const selected = useStore(state => selectedSessionIndex(state));
	const ui = useStore(state => state.ui.sessions);
	const filterError = useStore(sessionFilterError);
	const rules = useStore(selectRules);
	const marks = useStore(alertMarks);
	const stale = useStore(state => staleText(state.status['postgres-sessions'], state.now));
	const start = useRef(0);

	if (!sample) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Sessions</Text>
				<PgUnavailable />
			</Box>
		);
	}

	const header = serverLines(sample.server, now, width, sample.disabledProbes, rules);
	const users = usersLines(sample.sessions, userRoom(height));
	// A stale sample gets a line of its own: the reason must not be cut off the end of the title.
	const rows = Math.max(height - (stale ? 1 : 0) - header.length - users.length - 2, 1);
	const columns = sessionColumns(width - 2, ui.sort);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, list.length);
	const shown = list.slice(start.current, start.current + rows);
	const sortTitle = SESSION_SORTS.find(entry => entry.sort === ui.sort)?.title ?? ui.sort;

	return (
		<Box flexDirection="column" height={height} width={width}>
			{stale ? (
				<Text color="yellow" wrap="truncate-end">
					{stale}
				</Text>
			) : null}
			{header.map((segments, index) => (
				<Text key={`server-${index}`} wrap="truncate-end">
					{segments.map((segment, at) => (
						<Text key={at} color={segment.level ? levelColor(segment.level) : undefined}>
							{segment.text}
						</Text>
					))}
				</Text>
			))}
			{users.map((line, index) => (
				<Text key={`user-${index}`} wrap="truncate-end" bold={index === 0 && users.length > 1} dimColor={users.length === 1}>
					{line}
				</Text>
			))}
			<Text wrap="truncate-end">
				<Text bold>Sessions</Text>
				{` ${list.length} shown · ${sanitizeLine(sample.target)} · sort ${sortTitle}${ui.showIdle ? '' : ' · idle hidden'}${ui.showBackground ? ' · workers shown' : ''}`}
				{ui.filter ? <Text color={filterError ? 'red' : 'cyan'}>{` · filter "${sanitizeLine(ui.filter)}"${filterError ? ` ${sanitizeLine(filterError)}` : ''}`}</Text> : null}
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(`  ${headerLine(columns, ui.sort)}`, width)}
			</Text>
			{shown.length === 0 ? (
				<Text dimColor>{sample.sessions.length === 0 ? 'no sessions' : 'no session matches'}</Text>
			) : (
				shown.map((session, index) => {
					const isSelected = start.current + index === selected;
					const line = markCell(marks.pids.get(session.pid)) + sessionLine(session, columns);
					return (
						<Text key={session.pid} wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : levelColor(sessionLevel(rules, session))}>
							{isSelected ? cell(line, width) : line}
						</Text>
					);
				})
			)}
		</Box>
	);
}
