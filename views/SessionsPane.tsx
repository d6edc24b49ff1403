import {Box, Text} from 'ink';
import {useRef} from 'react';
import {countUsers} from '../source/pg-users.js';
import {sanitizeLine} from '../source/sanitize.js';
import {selectionIndex} from '../source/selection.js';
import {parseSessionFilter, SESSION_SORTS, visibleSessions} from '../source/session-list.js';
import type {State} from '../source/store.js';
import type {PgServer, PgSession} from '../source/types.js';
import {cell, formatAge, formatBytes, formatUptime, rcell} from './format.js';
import {windowStart} from './ProcessesPane.js';
import {Stale, staleText} from './Stale.js';
import {useStore} from './use-store.js';

const age = (seconds: number | null) => (seconds === null ? '' : formatAge(seconds));

/** The server in two lines (version, uptime, connections, rates, what holds vacuum back), and probes switched off. */
export function serverLines(server: PgServer, now: number, disabledProbes: Record<string, string> = {}): string[] {
	const off = Object.entries(disabledProbes).map(([probe, reason]) => `${probe} off: ${sanitizeLine(reason)}`).join(' · ');
	const standbys = server.standbys.map(standby => `${sanitizeLine(standby.application || standby.client || '?')} ${standby.lagBytes === null ? '?' : formatBytes(standby.lagBytes)} behind`).join(', ');
	return [
		`Postgres ${sanitizeLine(server.version)} · up ${formatUptime(Math.max((now - server.startedAt) / 1000, 0))} · conn ${server.connections}/${server.maxConnections} · ${server.xactPerSec.toFixed(0)} xact/s · hit ${server.cacheHitPct === null ? '—' : `${server.cacheHitPct.toFixed(1)}%`} · tup r ${server.tuplesReadPerSec.toFixed(0)}/s w ${server.tuplesWrittenPerSec.toFixed(0)}/s`,
		`deadlocks ${server.deadlocks} · temp ${server.tempFiles} files ${formatBytes(server.tempBytes)} · longest xact ${server.longestXactSec === null ? '—' : formatAge(server.longestXactSec)} · oldest xmin ${server.oldestXminAge ?? '—'} xids${standbys ? ` · standbys ${standbys}` : ''}`,
		...(off ? [off] : []),
	];
}

/** Column widths at a terminal width (0 leaves a column out); the query takes the rest. */
function columns(width: number) {
	const isWide = width >= 180;
	const isNarrow = width < 100;
	return {
		pid: 7,
		database: isWide ? 12 : 8,
		user: isWide ? 12 : 8,
		application: isWide ? 14 : 0,
		client: isWide ? 15 : 0,
		backendType: isWide ? 14 : 0,
		state: isWide ? 19 : 11,
		wait: isNarrow ? 0 : isWide ? 20 : 12,
		age: 7,
		extraAges: !isNarrow,
	};
}

type Column = {title: string; width: number; isRight?: boolean; value: (session: PgSession) => string};

function columnList(width: number): Column[] {
	const c = columns(width);
	const all: Column[] = [
		{title: 'PID', width: c.pid, isRight: true, value: session => String(session.pid)},
		{title: 'DB', width: c.database, value: session => session.database ?? ''},
		{title: 'USER', width: c.user, value: session => session.user ?? ''},
		{title: 'APP', width: c.application, value: session => session.application},
		{title: 'CLIENT', width: c.client, value: session => session.client ?? ''},
		{title: 'TYPE', width: c.backendType, value: session => session.backendType},
		{title: 'STATE', width: c.state, value: session => session.state ?? session.backendType},
		{title: 'WAIT', width: c.wait, value: session => (session.waitEventType ? `${session.waitEventType}:${session.waitEvent ?? ''}` : '')},
		{title: 'XACT', width: c.age, isRight: true, value: session => age(session.xactAgeSec)},
		{title: 'QUERY', width: c.age, isRight: true, value: session => age(session.queryAgeSec)},
		{title: 'STATE', width: c.extraAges ? c.age : 0, isRight: true, value: session => age(session.stateAgeSec)},
		{title: 'XMIN', width: c.extraAges ? c.age : 0, isRight: true, value: session => (session.xminAge === null ? '' : String(session.xminAge))},
	];
	return all.filter(column => column.width > 0);
}

/** One session as a line of cells, the query last. */
export function sessionLine(session: PgSession, width: number): string {
	const cells = columnList(width).map(column => (column.isRight ? rcell : cell)(sanitizeLine(column.value(session)), column.width));
	return [...cells, sanitizeLine(session.query)].join(' ');
}

function headerLine(width: number): string {
	return [...columnList(width).map(column => (column.isRight ? rcell : cell)(column.title, column.width)), 'QUERY'].join(' ');
}

const selectUsers = (state: State) => state.postgres?.sessions;

type Props = {width: number; height: number};

/** Who is on the database: the server, the users summary, then one line per session. */
export function SessionsPane({width, height}: Props) {
	const sample = useStore(state => state.postgres);
	const now = useStore(state => state.now);
	const stale = useStore(state => staleText(state.status['postgres-sessions'], state.now));
	const list = useStore(visibleSessions);
	const ui = useStore(state => state.ui.sessions);
	const sessions = useStore(selectUsers);
	const start = useRef(0);

	if (!sample) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Sessions</Text>
				<Text color={stale ? 'yellow' : undefined} dimColor={!stale} wrap="wrap">
					{stale ?? 'connecting…'}
				</Text>
			</Box>
		);
	}

	const users = countUsers(sessions ?? []);
	const perDatabase = countUsers(sessions ?? [], true);
	const databasesOf = (user: string) =>
		perDatabase
			.filter(entry => entry.user === user)
			.map(entry => `${sanitizeLine(entry.database ?? '?')} ${entry.total}`)
			.join(', ');
	const userRows = Math.min(users.length, Math.max(Math.floor((height - 6) / 4), 1));
	const filterError = parseSessionFilter(ui.filter).error;
	const header = serverLines(sample.server, now, sample.disabledProbes);
	const rows = Math.max(height - header.length - 3 - userRows, 1);
	const selected = selectionIndex(
		list.map(session => session.pid),
		ui,
	);
	start.current = windowStart(start.current, Math.max(selected, 0), rows, list.length);
	const shown = list.slice(start.current, start.current + rows);
	const sortTitle = SESSION_SORTS.find(entry => entry.sort === ui.sort)?.title ?? ui.sort;

	return (
		<Box flexDirection="column" height={height} width={width}>
			{header.map(line => (
				<Text key={line.slice(0, 12)} wrap="truncate-end">
					{line}
				</Text>
			))}
			{users.slice(0, userRows).map(user => (
				<Text key={user.user} wrap="truncate-end">
					<Text bold>{cell(sanitizeLine(user.user), 12)}</Text>
					{` ${user.total} sessions: ${user.active} active, ${user.idle} idle, ${user.idleInTransaction} in xact, ${user.idleInTransactionAborted} aborted, ${user.waitingOnLock} waiting · ${databasesOf(user.user)}`}
				</Text>
			))}
			<Text wrap="truncate-end">
				<Text bold>Sessions</Text>
				{` ${list.length} shown · ${sanitizeLine(sample.target)} · sort ${sortTitle}${ui.showIdle ? '' : ' · idle hidden'}${ui.showBackground ? ' · workers shown' : ''}`}
				{ui.filter ? <Text color={filterError ? 'red' : 'cyan'}>{` · filter "${sanitizeLine(ui.filter)}"${filterError ? ` ${filterError}` : ''}`}</Text> : null}{' '}
				<Stale collectorId="postgres-sessions" />
			</Text>
			<Text inverse wrap="truncate-end">
				{cell(headerLine(width), width)}
			</Text>
			{shown.length === 0 ? (
				<Text dimColor>no session matches</Text>
			) : (
				shown.map((session, index) => {
					const isSelected = start.current + index === selected;
					return (
						<Text key={session.pid} wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : session.waitEventType === 'Lock' ? 'yellow' : undefined}>
							{isSelected ? cell(sessionLine(session, width), width) : sessionLine(session, width)}
						</Text>
					);
				})
			)}
		</Box>
	);
}
