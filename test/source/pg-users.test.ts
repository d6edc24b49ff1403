import assert from 'node:assert/strict';
import {test} from 'node:test';
import {countUsers} from '../../source/postgres/users.js';
import {pgSession} from '../helpers/fixtures.js';

const sessions = [
	pgSession({pid: 1, user: 'alice', state: 'active'}),
	pgSession({pid: 2, user: 'alice', state: 'idle'}),
	pgSession({pid: 3, user: 'alice', state: 'idle in transaction', database: 'hr'}),
	pgSession({pid: 4, user: 'bob', state: 'idle in transaction (aborted)'}),
	pgSession({pid: 5, user: 'bob', state: 'active', waitEventType: 'Lock', waitEvent: 'relation'}),
	pgSession({pid: 6, user: null, database: null, state: null, backendType: 'checkpointer'}),
	pgSession({pid: 7, user: 'postgres', database: null, state: null, backendType: 'logical replication launcher'}),
	pgSession({pid: 8, user: 'alice', state: 'active', backendType: 'parallel worker'}),
];

test('per user: the sessions by state, waiting on a lock besides; background workers left out', () => {
	assert.deepEqual(countUsers(sessions), [
		{user: 'alice', database: null, total: 3, active: 1, idle: 1, idleInTransaction: 1, idleInTransactionAborted: 0, waitingOnLock: 0},
		{user: 'bob', database: null, total: 2, active: 1, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 1, waitingOnLock: 1},
	]);
});

test('per user and database, most sessions first', () => {
	assert.deepEqual(
		countUsers(sessions, true).map(row => `${row.user}/${row.database}:${row.total}`),
		['alice/shop:2', 'bob/shop:2', 'alice/hr:1'],
	);
});

test('no sessions, no users', () => {
	assert.deepEqual(countUsers([]), []);
	assert.deepEqual(countUsers([pgSession({pid: 1, user: null, backendType: 'autovacuum launcher'})]), []);
});
