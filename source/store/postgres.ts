// The Postgres slice: the latest sessions and locks samples, and what the panes, the rules and
// the snapshot derive from them.
import {countUsers, type UserCounts} from '../postgres/users.js';
import type {PgLocksSample, PgServer, PgSession, PgSessionsSample} from '../types.js';
import {memoOf} from './memo.js';
import {keepTags} from './ui.js';
import type {SampleOf, State} from './store.js';

export type PostgresSlice = {
	postgres: PgSessionsSample | null;
	locks: PgLocksSample | null;
};

export const initialPostgres = (): PostgresSlice => ({postgres: null, locks: null});

/** The Postgres slice's reducer, for the sessions and locks samples: the tags of sessions gone are dropped. */
export function reducePostgres(state: State, action: SampleOf<'postgres-sessions' | 'postgres-locks'>): State {
	if (action.id === 'postgres-locks') return {...state, locks: action.value};
	const ui = keepTags(state.ui, action.value.sessions);
	return ui === state.ui ? {...state, postgres: action.value} : {...state, postgres: action.value, ui};
}

/** A backend terminated from dbtop: gone from the sessions at once, until the next sample says whether it has exited. */
export function withoutSession(state: State, pid: number): State {
	const {postgres} = state;
	if (!postgres?.sessions.some(session => session.pid === pid)) return state;
	return {...state, postgres: {...postgres, sessions: postgres.sessions.filter(session => session.pid !== pid)}};
}

/** Connections in use, % of max_connections (null when the server does not say). */
export function connectionsPct(server: PgServer): number | null {
	return server.maxConnections > 0 ? (server.connections / server.maxConnections) * 100 : null;
}

const byPid = memoOf((sessions: readonly PgSession[]): ReadonlyMap<number, PgSession> => new Map(sessions.map(session => [session.pid, session])));
const NO_SESSIONS: ReadonlyMap<number, PgSession> = new Map();

/** The latest sample's sessions by pid, worked out once per sample. */
export function sessionsByPid(state: State): ReadonlyMap<number, PgSession> {
	return state.postgres ? byPid(state.postgres.sessions) : NO_SESSIONS;
}

/** Who is connected: client sessions per user, and per user and database. */
export type UsersSummary = {users: UserCounts[]; perDatabase: UserCounts[]};

const NO_USERS: UsersSummary = {users: [], perDatabase: []};
const summaries = memoOf((sample: PgSessionsSample): UsersSummary => ({users: countUsers(sample.sessions), perDatabase: countUsers(sample.sessions, true)}));

/** The users summary of the latest sample, worked out once per sample. */
export function usersSummary(state: State): UsersSummary {
	return state.postgres ? summaries(state.postgres) : NO_USERS;
}
