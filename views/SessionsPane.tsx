import {Box, Text} from 'ink';
import {alertMarks} from '../source/alerts/list.js';
import {useMemo} from 'react';
import type {Rule} from '../source/alerts/engine.js';
import {metricLevel, sessionLevels, slotLevel, type Level} from '../source/alerts/levels.js';
import {standbyResource} from '../source/alerts/metrics.js';
import {sanitizeLine} from '../source/sanitize.js';
import {SESSION_SORTS, sessionFilterError, visibleSessions} from '../source/postgres/session-list.js';
import {connectionsPct, usersSummary, type UsersSummary} from '../source/store/postgres.js';
import type {State} from '../source/store/store.js';
import type {PgReplicationSlot, PgSession, PgSessionsSample} from '../source/types.js';
import {sessionColumns} from './columns/sessions.js';
import {columnWidths, headerText, rowText} from './columns/column.js';
import {USER_COLUMNS} from './columns/users.js';
import {formatAge, formatBytes, formatCount, formatPerSec, levelColor} from './format.js';
import {List} from './List.js';
import {PgUnavailable} from './PgUnavailable.js';
import {progressLines} from './progress.js';
import {staleText} from './Stale.js';
import {useStore} from './use-store.js';

/** A piece of a line with the level that colours it. */
export type Segment = {text: string; level?: Level};

/** The server in two lines (version, uptime, connections, rates, what holds vacuum back), standbys where they fit, then probes switched off. */
export function serverLines({server, target, disabledProbes}: PgSessionsSample, now: number, width: number, rules: readonly Rule[]): Segment[][] {
	const first: Segment[] = [
		{text: `${width >= 100 ? 'Postgres' : 'PG'} ${sanitizeLine(server.version)} · up ${formatAge(Math.max((now - server.startedAt) / 1000, 0))} · `},
		{text: `conn ${server.connections}/${server.maxConnections}`, level: metricLevel(rules, 'pg.connectionsPct', target, connectionsPct(server))},
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
		{text: `${index === 0 ? 'standbys ' : ', '}${sanitizeLine(standbyResource(standby))} `},
		{
			text: `${standby.lagBytes === null ? '?' : formatBytes(standby.lagBytes)} behind${standby.replayLagSec === null ? '' : ` (${formatAge(standby.replayLagSec)})`}`,
			level: metricLevel(rules, 'pg.replicationLagBytes', standbyResource(standby), standby.lagBytes),
		},
	]);
	const slots = slotSegments(server.slots, rules);
	const length = (segments: readonly Segment[]) => segments.reduce((sum, segment) => sum + segment.text.length, 0);
	// Standbys, then slots, go on the second line while it has room for them, else on a line of their own.
	const own: Segment[][] = [];
	let inline = second;
	for (const part of [standbys, slots]) {
		if (part.length === 0) continue;
		if (own.length === 0 && length(inline) + 3 + length(part) <= width) inline = [...inline, {text: ' · '}, ...part];
		else own.push(part);
	}

	const off = Object.entries(disabledProbes).map(([probe, reason]) => `${sanitizeLine(probe)} off: ${sanitizeLine(reason)}`);
	return [first, inline, ...own, ...(off.length > 0 ? [[{text: off.join(' · '), level: 'warn' as const}]] : [])];
}

/** The replication slots folded into one line, the worst first: `slots sub1 logical inactive 12m00s 1.2G, r1 physical active 16M`. */
function slotSegments(slots: readonly PgReplicationSlot[], rules: readonly Rule[]): Segment[] {
	const rank: Record<Level, number> = {crit: 0, warn: 1, ok: 2};
	const leveled = slots.map(slot => ({slot, level: slotLevel(rules, slot)}));
	leveled.sort((a, b) => rank[a.level] - rank[b.level] || (b.slot.retainedBytes ?? -1) - (a.slot.retainedBytes ?? -1));
	return leveled.flatMap(({slot, level}, index): Segment[] => [
		{text: `${index === 0 ? 'slots ' : ', '}${sanitizeLine(slot.name)} `},
		{
			text: [
				sanitizeLine(slot.type),
				slot.active ? 'active' : `inactive${slot.inactiveSec === null ? '' : ` ${formatAge(slot.inactiveSec)}`}`,
				slot.retainedBytes === null ? '?' : formatBytes(slot.retainedBytes),
				...(slot.walStatus === null || slot.walStatus === 'reserved' ? [] : [`wal ${sanitizeLine(slot.walStatus)}`]),
				...(slot.safeWalSize === null ? [] : [`safe ${formatBytes(slot.safeWalSize)}`]),
			].join(' '),
			level,
		},
	]);
}

/** The users summary's lines for the room there is, `width` columns wide: one per user, the rest folded into one line. */
export function usersLines({users, perDatabase}: UsersSummary, room: number, width: number): string[] {
	if (users.length === 0) return ['no client sessions'];
	const databasesOf = (user: string) =>
		perDatabase
			.filter(entry => entry.user === user)
			.map(entry => `${entry.database ?? '?'} ${entry.total}`)
			.join(', ');
	const fits = users.length <= room;
	const shown = fits ? users : users.slice(0, Math.max(room - 1, 0));
	const rest = users.slice(shown.length);
	const widths = columnWidths(USER_COLUMNS, width);
	return [
		headerText(USER_COLUMNS, widths, width),
		...shown.map(user => rowText(USER_COLUMNS, widths, {...user, databases: databasesOf(user.user)}, width)),
		...(rest.length > 0 ? [`+${rest.length} more: ${rest.map(user => `${sanitizeLine(user.user)} ${user.total}`).join(', ')}`] : []),
	];
}

/** Users shown at a pane height: few at 80x24 so the session list keeps its room, more on tall terminals. */
export function userRoom(height: number): number {
	return Math.min(Math.max(Math.floor((height - 8) / 3), 1), 10);
}

const selectRules = (state: State) => state.rules;
const keyOf = (session: PgSession) => session.pid;

type Props = {width: number; height: number};

/** Who is on the database: the server, the users summary, the long operations in progress, then one line per session. */
export function SessionsPane({width, height}: Props) {
	const sample = useStore(state => state.postgres);
	const now = useStore(state => state.now);
	const list = useStore(visibleSessions);
	const ui = useStore(state => state.ui.sessions);
	const filterError = useStore(sessionFilterError);
	const rules = useStore(selectRules);
	const marks = useStore(alertMarks);
	const summary = useStore(usersSummary);
	const stale = useStore(state => staleText(state.status['postgres-sessions'], state.now));
	const columns = useMemo(() => sessionColumns(width - 2, ui.sort), [width, ui.sort]);
	const markOf = (session: PgSession) => marks.pids.get(session.pid);
	const tagOf = (session: PgSession) => ui.tagged.has(session.pid);
	const levels = useStore(sessionLevels);
	const styleOf = (session: PgSession) => ({color: levelColor(levels.get(session.pid) ?? 'ok')});

	if (!sample) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Sessions</Text>
				<PgUnavailable />
			</Box>
		);
	}

	const header = serverLines(sample, now, width, rules);
	const users = usersLines(summary, userRoom(height), width);
	const progress = progressLines(sample.progress, userRoom(height));
	// A stale sample gets a line of its own: the reason must not be cut off the end of the title.
	const listHeight = Math.max(height - (stale ? 1 : 0) - header.length - users.length - progress.length - 1, 2);
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
			{progress.map((line, index) => (
				<Text key={`progress-${index}`} wrap="truncate-end" color="cyan">
					{line}
				</Text>
			))}
			<Text wrap="truncate-end">
				<Text bold>Sessions</Text>
				{` ${list.length} shown${ui.tagged.size > 0 ? ` · ${ui.tagged.size} tagged` : ''} · ${sanitizeLine(sample.target)} · sort ${sortTitle}${ui.showIdle ? '' : ' · idle hidden'}${ui.showBackground ? ' · workers shown' : ''}`}
				{ui.filter ? <Text color={filterError ? 'red' : 'cyan'}>{` · filter "${sanitizeLine(ui.filter)}"${filterError ? ` ${sanitizeLine(filterError)}` : ''}`}</Text> : null}
			</Text>
			<List
				id="sessions"
				rows={list}
				keyOf={keyOf}
				columns={columns}
				width={width}
				height={listHeight}
				sort={ui.sort}
				empty={sample.sessions.length === 0 ? 'no sessions' : 'no session matches'}
				markOf={markOf}
				tagOf={tagOf}
				styleOf={styleOf}
			/>
		</Box>
	);
}
