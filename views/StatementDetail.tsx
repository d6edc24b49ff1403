import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {statementByKey} from '../source/postgres/statement-list.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {State} from '../source/store/store.js';
import type {PgSession, PgStatement} from '../source/types.js';
import {plotChart} from './chart.js';
import {formatAge, formatAmount, formatBytes, formatCount} from './format.js';
import {ScrolledText} from './ScrolledText.js';
import {queryLines} from './SessionDetail.js';
import {Stale} from './Stale.js';
import {useStore} from './use-store.js';

const NO_HISTORY = {calls: [] as number[], meanMs: [] as number[], totalMs: [] as number[]};
const NO_SESSIONS: PgSession[] = [];

const selectStatement = (state: State) => statementByKey(state, state.ui.statements.detailKey);

/** The statement's rates over the interval in one line, or that they are being measured. */
export function ratesText(statement: PgStatement): string {
	if (statement.callsPerSec === null) return 'measuring: rates from the next sample';
	const rate = (value: number | null) => (value === null ? '—' : formatAmount(value));
	return [
		`calls ${rate(statement.callsPerSec)}/s`,
		`time ${rate(statement.totalMsPerSec)} ms/s (${statement.timePct === null ? '—' : statement.timePct.toFixed(1)}% of all)`,
		`mean ${rate(statement.meanMs)} ms`,
		`rows ${rate(statement.rowsPerSec)}/s`,
		`blocks hit ${rate(statement.sharedHitPerSec)}/s read ${rate(statement.sharedReadPerSec)}/s temp ${rate(statement.tempWrittenPerSec)}/s`,
		...(statement.walBytesPerSec === null ? [] : [`WAL ${formatBytes(statement.walBytesPerSec)}/s`]),
	].join(' · ');
}

/** Who runs the statement now (pg_stat_activity.query_id: 14+, with compute_query_id), in one line. */
export function runningText(sessions: readonly PgSession[], queryId: string, versionNum: number | null): string {
	if (versionNum !== null && versionNum < 140_000) return 'not known: sessions show their query id from PostgreSQL 14 on';
	if (sessions.length > 0 && sessions.every(session => session.queryId === null)) return 'not known: no session shows a query id (compute_query_id is off)';
	const its = sessions.filter(session => session.queryId === queryId);
	const active = its.filter(session => session.state === 'active');
	const shown = active.map(session => `${session.pid} ${sanitizeLine(session.user ?? session.backendType)} ${session.queryAgeSec === null ? '' : formatAge(session.queryAgeSec)}`.trimEnd());
	const idle = its.length - active.length;
	return `${active.length === 0 ? 'none' : `${active.length}: ${shown.join(', ')}`}${idle > 0 ? ` · ${idle} more ran it last` : ''}`;
}

// The lines above the charts, and between the charts and the query.
const HEAD_LINES = 3;
const MIDDLE_LINES = 2;

type Props = {width: number; height: number};

/** Drill-down of one statement: its rates now, charts of them interval by interval, the sessions running it, its whole query. */
export function StatementDetail({width, height}: Props) {
	const key = useStore(state => state.ui.statements.detailKey);
	const statement = useStore(selectStatement);
	const history = useStore(state => (key === null ? undefined : state.statementHistory.get(key))) ?? NO_HISTORY;
	const sessions = useStore(state => state.postgres?.sessions) ?? NO_SESSIONS;
	const versionNum = useStore(state => state.postgres?.server.versionNum ?? null);
	const isReplay = useStore(state => state.replay !== null);
	const text = statement?.query ?? '';
	const lines = useMemo(() => queryLines(text, width).map(line => ({text: line})), [text, width]);
	const chartRows = Math.min(Math.max(Math.floor((height - HEAD_LINES - MIDDLE_LINES) / 3), 2), 6);

	if (!statement) {
		return (
			<Box flexDirection="column" height={height}>
				<Text bold>Statement</Text>
				<Text color="yellow">The statement is gone from pg_stat_statements: evicted, or the statistics were reset. Esc goes back.</Text>
			</Box>
		);
	}

	const chartWidth = Math.max(Math.floor(width / 3) - 1, 12);
	const charts = [
		{title: `Calls/s ${statement.callsPerSec === null ? '—' : formatAmount(statement.callsPerSec)}`, values: history.calls},
		{title: `Mean ms ${statement.meanMs === null ? '—' : formatAmount(statement.meanMs)}`, values: history.meanMs},
		{title: `Time ms/s ${statement.totalMsPerSec === null ? '—' : formatAmount(statement.totalMsPerSec)}`, values: history.totalMs},
	];
	return (
		<Box flexDirection="column" height={height} width={width} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold color="cyan">{`Statement ${sanitizeLine(statement.queryId)}`}</Text>
				{` ${sanitizeLine(statement.user ?? '?')}@${sanitizeLine(statement.database ?? '?')}${statement.isToplevel ? '' : ' (nested)'} · Esc back · y copy `}
				<Stale collectorId="postgres-statements" />
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Now </Text>
				{ratesText(statement)}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Since reset </Text>
				{isReplay ? 'not recorded' : `${formatCount(statement.calls)} calls · mean ${statement.calls > 0 ? formatAmount(statement.totalMs / statement.calls) : '—'} ms · ${formatAmount(statement.totalMs / 1000)} s in all`}
			</Text>
			<Box height={chartRows + 1}>
				{charts.map(chart => (
					<Box key={chart.title} flexDirection="column" width={chartWidth + 1}>
						<Text dimColor wrap="truncate-end">
							{chart.title}
						</Text>
						<Text>{isReplay ? 'not in the ring' : plotChart(chart.values, {width: chartWidth, rows: chartRows, format: formatAmount, min: 0}).join('\n')}</Text>
					</Box>
				))}
			</Box>
			<Text wrap="truncate-end">
				<Text bold>Running </Text>
				{isReplay ? 'not in the ring' : runningText(sessions, statement.queryId, versionNum)}
			</Text>
			<ScrolledText list="statements" lines={lines} label="Query" rows={Math.max(height - HEAD_LINES - MIDDLE_LINES - chartRows, 1)} />
		</Box>
	);
}
