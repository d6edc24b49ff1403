// The statements slice: the latest pg_stat_statements sample, and the per-interval history of the
// statements a person can open. Keeping 120 points for each of 5,000 entries would cost more than
// the rest of the store: like the processes', a statement's history is kept while it is on screen
// (a row of the list in view, or the one drilled into), from when it came into view, and only
// while the pane is shown.
import {visibleStatements} from '../postgres/statement-list.js';
import type {PgStatement, PgStatementsSample} from '../types.js';
import {appendBounded, PROCESS_HISTORY_POINTS} from './host.js';
import {keepSelection, listSelectionIndex} from './lists.js';
import {windowStart} from './selection.js';
import type {SampleOf, State} from './store.js';

/** A statement's rates interval by interval: calls/s, mean ms (NaN for an interval without calls) and execution ms/s. */
export type StatementHistory = {calls: number[]; meanMs: number[]; totalMs: number[]};

export type StatementsSlice = {
	statements: PgStatementsSample | null;
	statementHistory: ReadonlyMap<string, StatementHistory>;
};

export const initialStatements = (): StatementsSlice => ({statements: null, statementHistory: new Map()});

const NO_HISTORY: StatementHistory = {calls: [], meanMs: [], totalMs: []};
const NO_HISTORIES: ReadonlyMap<string, StatementHistory> = new Map();

/**
 * The statements slice's reducer: the sample, and a point more for each statement on screen (none
 * while measuring). Off the Statements pane nothing is on screen: the list is not sorted, and the
 * selection is kept as it was (a row gone leaves it where it was when the pane was left).
 */
export function reduceStatements(before: State, action: SampleOf<'postgres-statements'>): State {
	const sample = action.value;
	if (before.ui.pane !== 'statements') return {...before, statements: sample, statementHistory: NO_HISTORIES};
	const state = keepSelection(before, 'statements');
	const next = {...state, statements: sample};
	if (sample.intervalSec === null) return {...next, statementHistory: NO_HISTORIES};
	const previous = state.statementHistory;
	const statementHistory = new Map<string, StatementHistory>();
	const record = (statement: PgStatement) => {
		const old = previous.get(statement.key) ?? NO_HISTORY;
		statementHistory.set(statement.key, {
			calls: appendBounded(old.calls, statement.callsPerSec ?? 0, PROCESS_HISTORY_POINTS),
			meanMs: appendBounded(old.meanMs, statement.meanMs ?? Number.NaN, PROCESS_HISTORY_POINTS),
			totalMs: appendBounded(old.totalMs, statement.totalMsPerSec ?? 0, PROCESS_HISTORY_POINTS),
		});
	};

	const list = visibleStatements(next);
	const {top, pageSize, detailKey} = next.ui.statements;
	const start = windowStart(top, Math.max(listSelectionIndex(next, 'statements'), 0), pageSize, list.length);
	for (const statement of list.slice(start, start + pageSize)) record(statement);
	const open = detailKey === null || statementHistory.has(detailKey) ? undefined : sample.statements.find(statement => statement.key === detailKey);
	if (open) record(open);
	return {...next, statementHistory};
}
