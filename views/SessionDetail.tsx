import {Box, Text} from 'ink';
import {sanitize, sanitizeLine} from '../source/sanitize.js';
import type {State} from '../source/store.js';
import {formatAge, formatBytes, formatRate, formatTimestamp} from './format.js';
import {useStore} from './use-store.js';

const selectSession = (state: State) => state.postgres?.sessions.find(session => session.pid === state.ui.sessions.detailPid) ?? null;
const age = (seconds: number | null) => (seconds === null ? '—' : formatAge(seconds));

type Props = {width: number; height: number};

/** Drill-down of one session: its query, every column, its locks, who it waits on and who waits on it, its process. */
export function SessionDetail({width, height}: Props) {
	const pid = useStore(state => state.ui.sessions.detailPid);
	const session = useStore(selectSession);
	const locks = useStore(state => state.locks);
	const isLocal = useStore(state => Boolean(state.postgres && state.postgres.localPostmasterPid !== null));
	const process = useStore(state => state.processes?.processes.find(row => row.pid === pid) ?? null);
	const detail = useStore(state => (state.processes?.detail?.pid === pid ? state.processes.detail : null));

	if (!session || pid === null) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Session {pid}</Text>
				<Text color="yellow">The session is gone. Esc goes back to the list.</Text>
			</Box>
		);
	}

	const blockers = locks?.blockedBy[pid] ?? [];
	const blocks = Object.entries(locks?.blockedBy ?? {})
		.filter(([, by]) => by.includes(pid))
		.map(([waiter]) => waiter);
	const own = (locks?.locks ?? []).filter(lock => lock.pid === pid);
	const lockText = own.length === 0 ? 'none that matter' : own.map(lock => `${lock.granted ? 'holds' : 'WAITS FOR'} ${lock.mode} on ${lock.relation === null ? lock.lockType : sanitizeLine(lock.relation)}`).join('; ');
	let host = 'unavailable: the server is not on this host, so its processes cannot be read here';
	if (isLocal) {
		host = process
			? `CPU ${process.cpuPct.toFixed(1)}% · RSS ${formatBytes(process.rss)}${detail?.readBytesPerSec === null || !detail ? '' : ` · I/O read ${formatRate(detail.readBytesPerSec)} write ${formatRate(detail.writeBytesPerSec ?? 0)}`}`
			: 'its process is not in the process list (yet)';
	}

	const query = sanitize(session.query.replace(/\s+/g, ' '));
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text wrap="truncate-end">
				<Text bold color="cyan">{`Session ${pid}`}</Text>
				{` ${sanitizeLine(session.user ?? session.backendType)}@${sanitizeLine(session.database ?? '')} · Esc back · c cancel · x terminate`}
			</Text>
			<Text wrap="truncate-end">{`State ${sanitizeLine(session.state ?? '—')} · wait ${sanitizeLine(session.waitEventType ?? '—')}:${sanitizeLine(session.waitEvent ?? '—')} · ${sanitizeLine(session.backendType)} · app ${sanitizeLine(session.application) || '—'} · client ${sanitizeLine(session.client ?? '—')}`}</Text>
			<Text wrap="truncate-end">{`Ages: xact ${age(session.xactAgeSec)} · query ${age(session.queryAgeSec)} · state ${age(session.stateAgeSec)} · xmin ${session.xminAge ?? '—'} xids · started ${formatTimestamp(session.backendStartAt)}${session.leaderPid ? ` · leader ${session.leaderPid}` : ''}${session.queryId ? ` · query id ${session.queryId}` : ''}`}</Text>
			<Text wrap="truncate-end">{`Locks: ${lockText}`}</Text>
			<Text wrap="truncate-end">{`Waits on: ${blockers.length > 0 ? blockers.join(', ') : 'nobody'} · blocks: ${blocks.length > 0 ? blocks.join(', ') : 'nobody'}`}</Text>
			<Text wrap="truncate-end">{`Process: ${host}`}</Text>
			<Box height={Math.max(height - 6, 1)} overflow="hidden">
				<Text wrap="wrap">
					<Text bold>Query </Text>
					{query}
				</Text>
			</Box>
		</Box>
	);
}
