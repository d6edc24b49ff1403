// The Statements pane's list: pg_stat_statements' entries filtered by `db:` `user:` and a regular
// expression over the query (the sessions filter's syntax), sorted by a rate over the interval or
// by database or user. Worked out once per sample and view.
import {memoOf, memoPerObject} from '../store/memo.js';
import type {State} from '../store/store.js';
import type {StatementSort, Ui} from '../store/ui.js';
import type {PgStatement} from '../types.js';
import {parseSessionFilter, type FilterTerm, type SessionFilter} from './session-list.js';

/** The terms the statements filter takes before its text. */
const STATEMENT_TERMS: readonly FilterTerm[] = ['db', 'user'];

/** Parses the statements filter: `db:NAME user:NAME`, the rest a regex (RE2: linear time) over the query. */
export function parseStatementFilter(text: string): SessionFilter {
	return parseSessionFilter(text, STATEMENT_TERMS);
}

/** Why the statements filter does not work (an invalid regex), or null. */
export function statementFilterError(state: State): string | null {
	const {filter} = state.ui.statements;
	return filter === '' ? null : (parseStatementFilter(filter).error ?? null);
}

/** Does a statement pass the filter (case-insensitive substrings for the terms)? */
export function matchesStatement(statement: PgStatement, filter: SessionFilter): boolean {
	const has = (value: string | null, needle: string | undefined) => needle === undefined || (value ?? '').toLowerCase().includes(needle);
	return has(statement.database, filter.db) && has(statement.user, filter.user) && (filter.query === undefined || filter.query.test(statement.query));
}

/** Sort orders the `s` key walks, with their titles. */
export const STATEMENT_SORTS: ReadonlyArray<{sort: StatementSort; title: string}> = [
	{sort: 'time', title: 'time/s'},
	{sort: 'calls', title: 'calls/s'},
	{sort: 'mean', title: 'mean time'},
	{sort: 'rows', title: 'rows/s'},
	{sort: 'hit', title: 'hit/s'},
	{sort: 'read', title: 'read/s'},
	{sort: 'temp', title: 'temp/s'},
	{sort: 'wal', title: 'WAL/s'},
	{sort: 'database', title: 'DB'},
	{sort: 'user', title: 'USER'},
];

// Not measured yet (the first sample) sorts last.
const rate = (value: number | null) => value ?? -1;
const text = (value: string | null) => value ?? '';
const COMPARE: Record<StatementSort, (a: PgStatement, b: PgStatement) => number> = {
	time: (a, b) => rate(b.totalMsPerSec) - rate(a.totalMsPerSec),
	calls: (a, b) => rate(b.callsPerSec) - rate(a.callsPerSec),
	mean: (a, b) => rate(b.meanMs) - rate(a.meanMs),
	rows: (a, b) => rate(b.rowsPerSec) - rate(a.rowsPerSec),
	hit: (a, b) => rate(b.sharedHitPerSec) - rate(a.sharedHitPerSec),
	read: (a, b) => rate(b.sharedReadPerSec) - rate(a.sharedReadPerSec),
	temp: (a, b) => rate(b.tempWrittenPerSec) - rate(a.tempWrittenPerSec),
	wal: (a, b) => rate(b.walBytesPerSec) - rate(a.walBytesPerSec),
	database: (a, b) => text(a.database).localeCompare(text(b.database)),
	user: (a, b) => text(a.user).localeCompare(text(b.user)),
};

/** How the pane orders statements by one sort: the most first (or first by name), then the time in the interval, then the time since the reset (the order while measuring). */
export function statementOrder(sort: StatementSort): (a: PgStatement, b: PgStatement) => number {
	return (a, b) => COMPARE[sort](a, b) || COMPARE.time(a, b) || b.totalMs - a.totalMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const NONE: PgStatement[] = [];
const listed = memoPerObject(
	(statements: readonly PgStatement[], {sort, filter}: Ui['statements']): PgStatement[] => {
		const parsed = parseStatementFilter(filter);
		return (filter === '' ? [...statements] : statements.filter(statement => matchesStatement(statement, parsed))).sort(statementOrder(sort));
	},
	(a, b) => a.sort === b.sort && a.filter === b.filter,
);

/** The statements the pane lists; worked out once per sample and view. */
export function visibleStatements(state: State): PgStatement[] {
	const statements = state.statements?.statements;
	return statements ? listed(statements, state.ui.statements) : NONE;
}

const byKey = memoOf((statements: readonly PgStatement[]): ReadonlyMap<string, PgStatement> => new Map(statements.map(statement => [statement.key, statement])));

/** A statement of the latest sample by its key, or null. */
export function statementByKey(state: State, key: string | null): PgStatement | null {
	const statements = state.statements?.statements;
	return key === null || !statements ? null : (byKey(statements).get(key) ?? null);
}

/** What the pane's title counts: the statements that ran in the interval, and the execution time per second of the top-level ones. */
export type StatementTotals = {ran: number; msPerSec: number};

/** The totals of a sample's statements, worked out once per sample. */
export const statementTotals = memoOf((statements: readonly PgStatement[]): StatementTotals => {
	let ran = 0;
	let msPerSec = 0;
	for (const statement of statements) {
		if ((statement.callsPerSec ?? 0) > 0) ran++;
		if (statement.isToplevel) msPerSec += statement.totalMsPerSec ?? 0;
	}

	return {ran, msPerSec};
});
