import type {UserCounts} from '../../source/postgres/users.js';
import type {Column} from './column.js';

/** A user's session counts with the databases they are on (`shop 2, hr 1`). */
export type UserLine = UserCounts & {databases: string};

/** The users summary's columns: the counts by state, then the databases take the rest. */
export const USER_COLUMNS: readonly Column<UserLine>[] = [
	{id: 'user', title: 'USER', width: 12, value: user => user.user},
	{id: 'total', title: 'TOTAL', width: 5, align: 'right', value: user => String(user.total)},
	{id: 'active', title: 'ACTIVE', width: 6, align: 'right', value: user => String(user.active)},
	{id: 'idle', title: 'IDLE', width: 5, align: 'right', value: user => String(user.idle)},
	{id: 'in-xact', title: 'IN-XACT', width: 7, align: 'right', value: user => String(user.idleInTransaction)},
	{id: 'aborted', title: 'ABORTED', width: 7, align: 'right', value: user => String(user.idleInTransactionAborted)},
	{id: 'on-lock', title: 'ON-LOCK', width: 7, align: 'right', value: user => String(user.waitingOnLock)},
	{id: 'databases', title: 'BY DATABASE', value: user => user.databases},
];
