// The Postgres slice: the latest sessions and locks samples, and what the panes, the rules and
// the snapshot derive from them.
import {countUsers, type UserCounts} from '../postgres/users.js';
import type {PgLocksSample, PgServer, PgSessionsSample} from '../types.js';
import {memoOf} from './memo.js';
import type {SampleOf, State} from './store.js';
import {keepSelection} from './ui.js';

export type PostgresSlice = {
	postgres: PgSessionsSample | null;
	locks: PgLocksSample | null;
};

export const initialPostgres = (): PostgresSlice => ({postgres: null, locks: null});

/** The Postgres slice's reducer: a new sample keeps the selections of the lists that show it. */
export function reducePostgres(state: State, action: SampleOf<'postgres-sessions' | 'postgres-locks'>): State {
	if (action.id === 'postgres-locks') return {...keepSelection(state, 'locks'), locks: action.value};
	return {...keepSelection(keepSelection(state, 'sessions'), 'locks'), postgres: action.value};
}

/** Connections in use, % of max_connections (null when the server does not say). */
export function connectionsPct(server: PgServer): number | null {
	return server.maxConnections > 0 ? (server.connections / server.maxConnections) * 100 : null;
}

/** Who is connected: client sessions per user, and per user and database. */
export type UsersSummary = {users: UserCounts[]; perDatabase: UserCounts[]};

const NO_USERS: UsersSummary = {users: [], perDatabase: []};
const summaries = memoOf((sample: PgSessionsSample): UsersSummary => ({users: countUsers(sample.sessions), perDatabase: countUsers(sample.sessions, true)}));

/** The users summary of the latest sample, worked out once per sample. */
export function usersSummary(state: State): UsersSummary {
	return state.postgres ? summaries(state.postgres) : NO_USERS;
}
