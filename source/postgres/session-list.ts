// The sessions pane's list: filtered by a small syntax, idle and background sessions shown on
// request, sorted by an age, state, user or database. Also the locks pane's lines and the
// selections of both, which must survive refreshes.
import {blockingGraph, buildLockTree, flattenLockTree, type LockLine} from './lock-tree.js';
import {selectionIndex} from '../store/selection.js';
import {memoPerObject} from '../store/memo.js';
import {sessionsByPid} from '../store/postgres.js';
import {compileUserPattern, type UserPattern} from '../user-pattern.js';
import type {SessionSort, Ui} from '../store/ui.js';
import type {State} from '../store/store.js';
import type {PgLocksSample, PgSession} from '../types.js';

/** A parsed filter: `db:NAME user:NAME app:NAME state:NAME` terms, the rest a regex (RE2: linear time) over the query. */
export type SessionFilter = {db?: string; user?: string; app?: string; state?: string; query?: UserPattern; error?: string};

/** The terms a filter can have before the text. */
export type FilterTerm = 'db' | 'user' | 'app' | 'state';

const TERMS: readonly FilterTerm[] = ['db', 'user', 'app', 'state'];

/** Parses the sessions filter (`app:"my app"` quotes a value with spaces), or another list's with fewer `terms`; an invalid regex gives `error` instead of throwing. */
export function parseSessionFilter(text: string, terms: readonly FilterTerm[] = TERMS): SessionFilter {
	const filter: SessionFilter = {};
	const rest: string[] = [];
	for (const match of text.matchAll(/(\w+):"([^"]*)"?|(\S+)/g)) {
		const [word, quotedTerm, quotedValue] = match;
		const colon = word.indexOf(':');
		const term = quotedTerm ?? word.slice(0, colon);
		if ((quotedTerm !== undefined || colon > 0) && (terms as readonly string[]).includes(term)) {
			filter[term as FilterTerm] = (quotedValue ?? word.slice(colon + 1)).toLowerCase();
		} else {
			rest.push(word);
		}
	}

	if (rest.length > 0) {
		const {pattern, error} = compileUserPattern(rest.join(' '), {ignoreCase: true});
		if (pattern) filter.query = pattern;
		else filter.error = error;
	}

	return filter;
}

/** Why the sessions filter does not work (an invalid regex), or null. */
export function sessionFilterError(state: State): string | null {
	const {filter} = state.ui.sessions;
	return filter === '' ? null : (parseSessionFilter(filter).error ?? null);
}

/** Does a session pass the filter (case-insensitive substrings for the terms)? */
export function matchesSession(session: PgSession, filter: SessionFilter): boolean {
	const has = (value: string | null, needle: string | undefined) => needle === undefined || (value ?? '').toLowerCase().includes(needle);
	return (
		has(session.database, filter.db) &&
		has(session.user, filter.user) &&
		has(session.application, filter.app) &&
		has(session.state, filter.state) &&
		(filter.query === undefined || filter.query.test(session.query))
	);
}

/** Sort orders the `s` key walks, with their titles. */
export const SESSION_SORTS: ReadonlyArray<{sort: SessionSort; title: string}> = [
	{sort: 'xact', title: 'XACT age'},
	{sort: 'query', title: 'QUERY age'},
	{sort: 'state-age', title: 'STATE age'},
	{sort: 'xmin', title: 'XMIN age'},
	{sort: 'state', title: 'STATE'},
	{sort: 'user', title: 'USER'},
	{sort: 'database', title: 'DB'},
];

const age = (value: number | null) => value ?? -1;
const text = (value: string | null) => value ?? '';
const COMPARE: Record<SessionSort, (a: PgSession, b: PgSession) => number> = {
	xact: (a, b) => age(b.xactAgeSec) - age(a.xactAgeSec),
	query: (a, b) => age(b.queryAgeSec) - age(a.queryAgeSec),
	'state-age': (a, b) => age(b.stateAgeSec) - age(a.stateAgeSec),
	xmin: (a, b) => age(b.xminAge) - age(a.xminAge),
	state: (a, b) => text(a.state).localeCompare(text(b.state)),
	user: (a, b) => text(a.user).localeCompare(text(b.user)),
	database: (a, b) => text(a.database).localeCompare(text(b.database)),
};

/** How the pane orders sessions by one sort: the oldest (or first by name) first, then by pid. */
export function sessionOrder(sort: SessionSort): (a: PgSession, b: PgSession) => number {
	return (a, b) => COMPARE[sort](a, b) || a.pid - b.pid;
}

const NONE: PgSession[] = [];
const listed = memoPerObject(
	(sessions: readonly PgSession[], {sort, filter, showIdle, showBackground}: Ui['sessions']): PgSession[] => {
		const parsed = parseSessionFilter(filter);
		return sessions
			.filter(session => (showBackground || session.backendType === 'client backend') && (showIdle || session.state !== 'idle') && matchesSession(session, parsed))
			.sort(sessionOrder(sort));
	},
	(a, b) => a.sort === b.sort && a.filter === b.filter && a.showIdle === b.showIdle && a.showBackground === b.showBackground,
);

/** The sessions the pane lists; worked out once per sample and view. */
export function visibleSessions(state: State): PgSession[] {
	const sessions = state.postgres?.sessions;
	return sessions ? listed(sessions, state.ui.sessions) : NONE;
}

const NO_LINES: LockLine[] = [];
const lines = memoPerObject(
	(locks: PgLocksSample, {sessions, now}: {sessions: readonly PgSession[]; now: number}) => flattenLockTree(buildLockTree(sessions, locks, now)),
	(a, b) => a.sessions === b.sessions,
);

/** The locks pane's lines: the blocking tree, flattened; worked out once per pair of samples. */
export function visibleLockLines(state: State): LockLine[] {
	if (!state.postgres || !state.locks) return NO_LINES;
	return lines(state.locks, {sessions: state.postgres.sessions, now: state.now});
}

/** Index of the locks pane's selection: the same line, else the same pid elsewhere in the tree, else its old place. */
export function selectedLockIndex(state: State, lines: readonly LockLine[] = visibleLockLines(state)): number {
	const {selected} = state.ui.locks;
	const keys = lines.map(line => line.key);
	if (typeof selected === 'string' && !keys.includes(selected)) {
		const pid = Number(selected.split('>').at(-1));
		const same = lines.findIndex(line => line.node.pid === pid);
		if (same >= 0) return same;
	}

	return selectionIndex(keys, state.ui.locks);
}

/** Sessions waiting on a lock, each counted once however often the tree shows it. */
export function waitingCount(state: State): number {
	return state.locks ? blockingGraph(state.locks.blockedBy).blockersOf.size : 0;
}

/** Backends by pid when the server runs on this host (so its pids are this host's processes), else null. */
export function localBackends(state: State): ReadonlyMap<number, PgSession> | null {
	const sample = state.postgres;
	return !sample || sample.localPostmasterPid === null ? null : sessionsByPid(state);
}

/** How a backend is labelled in the processes pane: `[pg alice@shop active]`. */
export function backendLabel(session: PgSession): string {
	return `[pg ${session.user ?? session.backendType}${session.database ? `@${session.database}` : ''}${session.state ? ` ${session.state}` : ''}]`;
}
