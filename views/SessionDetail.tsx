import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {sanitize, sanitizeLine} from '../source/sanitize.js';
import {sessionBlocking} from '../source/postgres/lock-tree.js';
import {processByPid} from '../source/store/host.js';
import {sessionsByPid} from '../source/store/postgres.js';
import type {State} from '../source/store/store.js';
import type {SessionPlan} from '../source/store/ui.js';
import type {PgLock, PgSession, ProcessDetail, ProcessRow} from '../source/types.js';
import {formatAge, formatBytes, formatCount, formatRate, formatTimestamp} from './format.js';
import {PgUnavailable} from './PgUnavailable.js';
import {ScrolledText, type AreaLine} from './ScrolledText.js';
import {progressText} from './progress.js';
import {Stale} from './Stale.js';
import {wrapToWidth} from './text-width.js';
import {useStore} from './use-store.js';

const selectSession = (state: State) => (state.ui.sessions.detailPid === null ? null : (sessionsByPid(state).get(state.ui.sessions.detailPid) ?? null));
const age = (seconds: number | null) => (seconds === null ? '—' : formatAge(seconds));

/** A lock as a person reads it, sanitized: `holds RowExclusiveLock on public.accounts`, `WAITS FOR ShareLock on transactionid`. */
export function lockText(lock: PgLock, now: number): string {
	const target = lock.relation === null ? lock.lockType : `${lock.relation}${lock.lockType === 'relation' ? '' : ` (${lock.lockType})`}`;
	const waited = !lock.granted && lock.waitStartAt !== null ? ` for ${formatAge((now - lock.waitStartAt) / 1000)}` : '';
	return sanitizeLine(`${lock.granted ? 'holds' : 'WAITS FOR'} ${lock.mode} on ${target}${waited}`);
}

/** Other sessions named by pid, with who they are: `101 alice (idle in transaction)`. */
function whoText(pids: readonly number[], sessions: ReadonlyMap<number, PgSession>): string {
	if (pids.length === 0) return 'nobody';
	return pids
		.map(pid => {
			const other = sessions.get(pid);
			return other ? `${pid} ${sanitizeLine(other.user ?? other.backendType)} (${sanitizeLine(other.state ?? '—')})` : String(pid);
		})
		.join(', ');
}

/** The backend's process on this host, or why it is not shown. */
export function hostProcessText(isLocal: boolean, process: ProcessRow | null, detail: ProcessDetail | null): string {
	if (!isLocal) return 'not shown: the server is remote (not on this host), so its backends\u2019 CPU, memory and I/O cannot be read here';
	if (!process) return 'not in this host\u2019s process list (yet)';
	let io = 'I/O reading…';
	if (detail) io = detail.readBytesPerSec === null ? `I/O not readable: ${sanitizeLine(detail.ioError ?? 'unknown')}` : `I/O read ${formatRate(detail.readBytesPerSec)} write ${formatRate(detail.writeBytesPerSec ?? 0)}`;
	return `CPU ${process.cpuPct.toFixed(1)}% · RSS ${formatBytes(process.rss)} · ${io}`;
}

/**
 * A query as lines of at most `width` columns behind its `Query ` label: its own line breaks
 * kept (runs of blank lines as one), tabs as spaces, every character sanitized.
 */
export function queryLines(query: string, width: number): string[] {
	const text = query
		.trim()
		.split(/\r\n|[\n\r]/)
		.map(line => sanitize(line.replaceAll('\t', '    ')).trimEnd())
		.filter((line, index, all) => line !== '' || all[index - 1] !== '')
		.join('\n');
	return wrapToWidth(`Query ${text || '—'}`, width);
}

/**
 * The plan shown in place of the query, as lines of at most `width` columns behind its `Plan `
 * label: the EXPLAIN that gave it (or that it is being asked for, or why there is none), whether
 * the session has moved on to another query since, then the plan, every line sanitized.
 */
export function planLines(plan: SessionPlan, hasMovedOn: boolean, width: number): AreaLine[] {
	const {result} = plan;
	const wrapped = (text: string, color?: string) => wrapToWidth(text, width).map(line => (color ? {text: line, color} : {text: line}));
	let head = 'asking the server…';
	if (result && 'lines' in result) head = `${result.explain}, not run`;
	else if (result && 'error' in result) head = 'EXPLAIN failed';
	else if (result) head = 'none: nothing was sent to the server';
	const lines = wrapped(`Plan ${head} · e or Esc back to the query`);
	if (hasMovedOn) lines.push(...wrapped('The session has moved on to another query: e, then e again, plans that one.', 'yellow'));
	if (result && 'lines' in result) lines.push(...result.lines.flatMap(line => wrapped(sanitize(line))));
	else if (result && 'error' in result) lines.push(...wrapped(`the server said: ${sanitizeLine(result.error)}`, 'red'));
	else if (result) lines.push(...wrapped(sanitizeLine(result.refused), 'yellow'));
	return lines;
}

// The lines of the detail above the query (and a line per operation it runs, under the process).
const HEAD_LINES = 7;

type Props = {width: number; height: number};

/** Drill-down of one session: every column, its locks, who it waits on and who waits on it, its process, the operations it runs, the whole query. */
export function SessionDetail({width, height}: Props) {
	const pid = useStore(state => state.ui.sessions.detailPid);
	const session = useStore(selectSession);
	const hasSample = useStore(state => state.postgres !== null);
	const sessions = useStore(sessionsByPid);
	const locks = useStore(state => state.locks);
	const now = useStore(state => state.now);
	const isLocal = useStore(state => Boolean(state.postgres && state.postgres.localPostmasterPid !== null));
	// Only a local server's pids are this host's processes: a remote backend's pid may name any process here.
	const process = useStore(state => (isLocal ? processByPid(state, pid) : null));
	const detail = useStore(state => (isLocal && state.processes?.detail?.pid === pid ? state.processes.detail : null));
	const readOnly = useStore(state => state.ui.readOnly);
	const plan = useStore(state => state.ui.sessions.plan);
	const allProgress = useStore(state => state.postgres?.progress);
	const progress = (allProgress ?? []).filter(operation => operation.pid === pid).map(operation => progressText(operation, false));
	const text = session?.query ?? '';
	const shownPlan = plan?.pid === pid ? plan : null;
	const hasMovedOn = shownPlan !== null && session !== null && session.query !== shownPlan.query;
	// Wrapped once per query (or plan) and width, not on every sample.
	const lines = useMemo(() => (shownPlan ? planLines(shownPlan, hasMovedOn, width) : queryLines(text, width).map((line): AreaLine => ({text: line}))), [shownPlan, hasMovedOn, text, width]);

	if (!hasSample) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>{`Session ${pid ?? ''}`}</Text>
				<PgUnavailable />
			</Box>
		);
	}

	if (!session || pid === null) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>{`Session ${pid ?? ''}`}</Text>
				<Text color="yellow">The session is gone: it ended or was terminated. Esc goes back.</Text>
			</Box>
		);
	}

	const blocking = sessionBlocking(locks, pid);
	const own = (locks?.locks ?? []).filter(lock => lock.pid === pid).sort((a, b) => Number(a.granted) - Number(b.granted));
	let lockLine = own.length === 0 ? 'none that block or wait' : own.map(lock => lockText(lock, now)).join('; ');
	if (!locks) lockLine = 'not read yet';
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold color="cyan">{`Session ${pid}`}</Text>
				{` ${sanitizeLine(session.user ?? session.backendType)}@${sanitizeLine(session.database ?? '—')} · Esc back${readOnly === 'replay' ? '' : ' · e plan'}${readOnly ? '' : ' · c cancel · x terminate'} `}
				<Stale collectorId="postgres-sessions" />
			</Text>
			<Text wrap="truncate-end">
				<Text bold>State </Text>
				{`${sanitizeLine(session.state ?? '—')} · wait ${session.waitEventType ? `${sanitizeLine(session.waitEventType)}:${sanitizeLine(session.waitEvent ?? '')}` : '—'} · ${sanitizeLine(session.backendType)} · app ${sanitizeLine(session.application) || '—'} · client ${sanitizeLine(session.client ?? '—')}`}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Ages </Text>
				{`xact ${age(session.xactAgeSec)} · query ${age(session.queryAgeSec)} · state ${age(session.stateAgeSec)} · xmin ${session.xminAge === null ? '—' : `${formatCount(session.xminAge)} xids`} · started ${formatTimestamp(session.backendStartAt)}${session.leaderPid ? ` · leader ${session.leaderPid}` : ''}${session.queryId ? ` · query id ${sanitizeLine(session.queryId)}` : ''}`}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Locks </Text>
				{lockLine}
			</Text>
			<Text wrap="truncate-end" color={blocking.waitsOn.length > 0 ? 'yellow' : undefined}>
				<Text bold>Waits on </Text>
				{whoText(blocking.waitsOn, sessions)}
			</Text>
			<Text wrap="truncate-end" color={blocking.blocks.length > 0 ? 'red' : undefined}>
				<Text bold>Blocks </Text>
				{whoText(blocking.blocks, sessions)}
				{blocking.heldUp > blocking.blocks.length ? ` · holds up ${blocking.heldUp} in all` : ''}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Process </Text>
				{hostProcessText(isLocal, process, detail)}
			</Text>
			{progress.map((line, index) => (
				<Text key={`progress-${index}`} wrap="truncate-end" color="cyan">
					<Text bold>Progress </Text>
					{line}
				</Text>
			))}
			<ScrolledText list="sessions" lines={lines} label={shownPlan ? 'Plan' : 'Query'} rows={Math.max(height - HEAD_LINES - progress.length, 1)} />
		</Box>
	);
}
