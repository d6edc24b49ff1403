// "Who is connected": per user (and per user and database) the sessions by state, the count
// operators check by hand. Background workers are not users' sessions and are left out.
import type {PgSession} from '../types.js';

/** Sessions of one user (and database, when split by database) by state. */
export type UserCounts = {
	user: string;
	database: string | null;
	total: number;
	active: number;
	idle: number;
	idleInTransaction: number;
	idleInTransactionAborted: number;
	waitingOnLock: number;
};

const isClient = (session: PgSession) => session.user !== null && session.backendType === 'client backend';

/** Counts client sessions per user, or per user and database; most sessions first. */
export function countUsers(sessions: readonly PgSession[], byDatabase = false): UserCounts[] {
	const counts = new Map<string, UserCounts>();
	for (const session of sessions.filter(isClient)) {
		const database = byDatabase ? session.database : null;
		const key = `${session.user}\u0000${database ?? ''}`;
		const entry = counts.get(key) ?? {user: session.user!, database, total: 0, active: 0, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, waitingOnLock: 0};
		entry.total++;
		if (session.state === 'active') entry.active++;
		else if (session.state === 'idle') entry.idle++;
		else if (session.state === 'idle in transaction') entry.idleInTransaction++;
		else if (session.state === 'idle in transaction (aborted)') entry.idleInTransactionAborted++;
		if (session.waitEventType === 'Lock') entry.waitingOnLock++;
		counts.set(key, entry);
	}

	return [...counts.values()].sort((a, b) => b.total - a.total || a.user.localeCompare(b.user) || (a.database ?? '').localeCompare(b.database ?? ''));
}
