import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {formatDuration} from '../source/duration.js';
import {STATEMENT_SORTS, statementFilterError, statementTotals, visibleStatements} from '../source/postgres/statement-list.js';
import {notRecorded} from '../source/store/replay.js';
import type {State} from '../source/store/store.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {PgStatement, PgStatementsSample} from '../source/types.js';
import {statementColumns} from './columns/statements.js';
import {formatAmount, formatCount} from './format.js';
import {List} from './List.js';
import {PgUnavailable} from './PgUnavailable.js';
import {staleText} from './Stale.js';
import {useStore} from './use-store.js';

const keyOf = (statement: PgStatement) => statement.key;

/** What the title says of a sample after the count: measuring, or what ran over the interval and how much time it took, and what happened to the view. */
export function statementsSummary(sample: PgStatementsSample, isReplay: boolean): string {
	if (sample.intervalSec === null) return 'measuring: rates from the next sample';
	const interval = formatDuration(Math.round(sample.intervalSec * 1000));
	if (isReplay) return `the most time over ${interval}, as recorded`;
	const {ran, msPerSec} = statementTotals(sample.statements);
	const evicted = sample.evicted ? ` · ${formatCount(sample.evicted)} evicted (pg_stat_statements.max ${sample.max ?? '?'})` : '';
	return `${formatCount(ran)} ran in ${interval} · ${formatAmount(msPerSec)} ms/s in all${sample.wasReset ? ' · statistics reset' : ''}${evicted}`;
}

const selectStale = (state: State) => staleText(state.status['postgres-statements'], state.now);

type Props = {width: number; height: number};

/** What eats the server: pg_stat_statements' entries, each with its rates over the last interval. */
export function StatementsPane({width, height}: Props) {
	const sample = useStore(state => state.statements);
	const hasServer = useStore(state => state.postgres !== null);
	const list = useStore(visibleStatements);
	const ui = useStore(state => state.ui.statements);
	const filterError = useStore(statementFilterError);
	const stale = useStore(selectStale);
	const gap = useStore(state => notRecorded(state, 'statements'));
	const isReplay = useStore(state => state.replay !== null);
	const columns = useMemo(() => statementColumns(width, ui.sort, sample?.hasWal ?? false), [width, ui.sort, sample?.hasWal]);

	if (!sample || sample.error) {
		let body = <Text dimColor>reading pg_stat_statements…</Text>;
		if (!hasServer) body = <PgUnavailable />;
		if (sample?.error) body = <Text color="yellow">{sanitizeLine(sample.error)}</Text>;
		if (gap) body = <Text dimColor wrap="truncate-end">{sanitizeLine(gap)}</Text>;
		return (
			<Box flexDirection="column" height={height} width={width}>
				<Text bold>Statements</Text>
				{stale && hasServer ? (
					<Text color="yellow" wrap="truncate-end">
						{stale}
					</Text>
				) : null}
				{body}
			</Box>
		);
	}

	const sortTitle = STATEMENT_SORTS.find(entry => entry.sort === ui.sort)?.title ?? ui.sort;
	const count = ui.filter ? `${formatCount(list.length)} shown of ${formatCount(sample.statements.length)}` : formatCount(sample.statements.length);
	return (
		<Box flexDirection="column" height={height} width={width}>
			{stale ? (
				<Text color="yellow" wrap="truncate-end">
					{stale}
				</Text>
			) : null}
			<Text wrap="truncate-end">
				<Text bold>Statements</Text>
				{` ${count} · sort ${sortTitle} · ${statementsSummary(sample, isReplay)}`}
				{ui.filter ? <Text color={filterError ? 'red' : 'cyan'}>{` · filter "${sanitizeLine(ui.filter)}"${filterError ? ` ${sanitizeLine(filterError)}` : ''}`}</Text> : null}
			</Text>
			<List
				id="statements"
				rows={list}
				keyOf={keyOf}
				columns={columns}
				width={width}
				height={Math.max(height - 1 - (stale ? 1 : 0), 2)}
				sort={ui.sort}
				empty={sample.statements.length === 0 ? 'no statements yet' : 'no statement matches'}
			/>
		</Box>
	);
}
