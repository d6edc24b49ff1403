import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Alert} from '../../source/alerts/engine.js';
import {toSnapshot} from '../../source/app/snapshot.js';
import type {BlockingNode} from '../../source/postgres/lock-tree.js';
import {companionOf, cutText, MAX_ALERTS, MAX_CHAIN_SESSIONS, MAX_OTHER_SESSIONS, MAX_PROGRESS, MAX_QUERY_CHARS, MAX_TEXT_CHARS, MAX_TOP_PROCESSES} from '../../source/ring/companion.js';
import {initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {PgProgress, PgSession, PgSessionsSample} from '../../source/types.js';
import {containerRow, pgServer, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';

const AT = 1_700_000_100_000;
const stateAfter = (...actions: Action[]): State => actions.reduce(reduce, initialState(1000));
const sessionsSampled = (sessions: PgSession[], fields: Partial<PgSessionsSample> = {}): Action => ({type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample(sessions, fields)});
const locksSampled = (blockedBy: Record<number, number[]>): Action => ({type: 'sample', id: 'postgres-locks', at: AT, value: {blockedBy, locks: []}});
const range = (from: number, count: number) => Array.from({length: count}, (_, index) => from + index);
const byLongestXact = (a: PgSession, b: PgSession) => (b.xactAgeSec ?? -1) - (a.xactAgeSec ?? -1) || a.pid - b.pid;
const nodesOf = (roots: readonly BlockingNode[]): BlockingNode[] => roots.flatMap(node => [node, ...nodesOf(node.waiters)]);

// 500 sessions with queries far longer than kept: five root blockers (pids 1–5), each holding up
// five waiters (6–30); every transaction age different, every tenth of the rest idle outside one.
const LONG = 'x'.repeat(16 * MAX_QUERY_CHARS);
const crowd = range(1, 500).map(pid => {
	const isIdle = pid > 30 && pid % 10 === 0;
	return pgSession({pid, xactAgeSec: isIdle ? null : (pid * 7919) % 1000, state: isIdle ? 'idle' : 'active', query: `SELECT ${pid} /* ${LONG} */`});
});
const crowdBlockedBy = Object.fromEntries(range(6, 25).map(pid => [pid, [Math.floor((pid - 6) / 5) + 1]]));
const crowded = stateAfter(sessionsSampled(crowd), locksSampled(crowdBlockedBy));

test('ring companion: every session in a blocking chain is kept, in the tree\'s order, then the 100 longest-running of the rest, each query cut', () => {
	const {sessions, blocking} = companionOf(crowded, AT - 1000);
	const chain = range(1, 5).flatMap(root => [root, ...range(6 + (root - 1) * 5, 5)]);
	const longest = crowd
		.filter(session => session.pid > 30)
		.sort(byLongestXact)
		.slice(0, MAX_OTHER_SESSIONS)
		.map(session => session.pid);
	assert.deepEqual(
		sessions!.map(session => session.pid),
		[...chain, ...longest],
	);
	assert.ok(
		sessions!.every(session => session.query.length === MAX_QUERY_CHARS && crowd[session.pid - 1]!.query.startsWith(session.query)),
		'each query is its first MAX_QUERY_CHARS characters',
	);
	assert.deepEqual(Object.keys(sessions![0]!), Object.keys(toSnapshot(crowded, '1', AT).postgres.sessions![0]!), 'the fields the snapshot promises');

	assert.deepEqual(
		blocking!.map(root => [root.pid, root.waiters.map(waiter => waiter.pid)]),
		range(1, 5).map(root => [root, range(6 + (root - 1) * 5, 5)]),
	);
	assert.ok(nodesOf(blocking!).every(node => node.query.length === MAX_QUERY_CHARS));
});

test('ring companion: past MAX_CHAIN_SESSIONS sessions in chains, the first in the tree\'s order are kept, and the tree is cut to as many nodes', () => {
	const waiters = range(2, MAX_CHAIN_SESSIONS + 60);
	const others = range(waiters.at(-1)! + 1, 200).map(pid => pgSession({pid, xactAgeSec: pid}));
	const state = stateAfter(sessionsSampled([pgSession({pid: 1}), ...waiters.map(pid => pgSession({pid})), ...others]), locksSampled(Object.fromEntries(waiters.map(pid => [pid, [1]]))));
	const {sessions, blocking} = companionOf(state, AT - 1000);
	const longest = others
		.sort(byLongestXact)
		.slice(0, MAX_OTHER_SESSIONS)
		.map(session => session.pid);
	assert.deepEqual(
		sessions!.map(session => session.pid),
		[1, ...waiters.slice(0, MAX_CHAIN_SESSIONS - 1), ...longest],
	);
	assert.deepEqual(
		blocking!.map(root => [root.pid, root.waiters.map(waiter => waiter.pid)]),
		[[1, waiters.slice(0, MAX_CHAIN_SESSIONS - 1)]],
	);
});

test('ring companion: the users summary as the Sessions pane groups it, per user and per database', () => {
	const state = stateAfter(
		sessionsSampled([
			pgSession({pid: 1, user: 'alice', database: 'shop'}),
			pgSession({pid: 2, user: 'alice', database: 'crm', state: 'idle'}),
			pgSession({pid: 3, user: 'bob', database: 'shop', state: 'idle in transaction'}),
			pgSession({pid: 4, user: null, backendType: 'autovacuum launcher', database: null}),
		]),
	);
	const counts = {idleInTransactionAborted: 0, waitingOnLock: 0};
	assert.deepEqual(companionOf(state, 0).users, [
		{
			user: 'alice',
			total: 2,
			active: 1,
			idle: 1,
			idleInTransaction: 0,
			...counts,
			databases: [
				{database: 'crm', total: 1, active: 0, idle: 1, idleInTransaction: 0, ...counts},
				{database: 'shop', total: 1, active: 1, idle: 0, idleInTransaction: 0, ...counts},
			],
		},
		{user: 'bob', total: 1, active: 0, idle: 0, idleInTransaction: 1, ...counts, databases: [{database: 'shop', total: 1, active: 0, idle: 0, idleInTransaction: 1, ...counts}]},
	]);
});

test('ring companion: the top processes by CPU and by memory, each once, labelled by container and Postgres backend, command lines cut', () => {
	// CPU rises with the index, memory peaks at index 84: the two top lists share indexes 70–84.
	const id = 'c'.repeat(64);
	const rows = range(0, 100).map(index =>
		processRow({
			pid: 1000 + index,
			cpuPct: index,
			rss: ((index + 15) % 100) * 1024 ** 2,
			command: `/usr/bin/worker-${index} ${'a'.repeat(2 * MAX_TEXT_CHARS)}`,
			containerId: index === 99 ? id : index === 98 ? 'd'.repeat(64) : null,
		}),
	);
	const sampled: Action[] = [
		{type: 'sample', id: 'processes', at: AT, value: {processes: rows, detail: null}},
		{type: 'sample', id: 'containers', at: AT, value: {engine: '/run/docker.sock', containers: [containerRow({id, name: 'pg-primary'})]}},
	];
	const backend = pgSession({pid: 1097, user: 'alice', database: 'shop', state: 'active'});
	const processes = companionOf(stateAfter(...sampled, sessionsSampled([backend], {localPostmasterPid: 999})), 0).processes!;
	const byCpu = range(70, MAX_TOP_PROCESSES).reverse();
	assert.deepEqual(
		processes.map(row => row.pid - 1000),
		[...byCpu, ...range(55, 15).reverse()],
	);
	assert.ok(processes.every(row => row.command.length === MAX_TEXT_CHARS && rows[row.pid - 1000]!.command.startsWith(row.command)));
	const labels = processes.filter(row => row.container !== undefined || row.backend !== undefined).map(row => [row.pid, row.container, row.backend]);
	assert.deepEqual(labels, [
		[1099, 'pg-primary', undefined],
		[1098, 'dddddddddddd', undefined],
		[1097, undefined, '[pg alice@shop active]'],
	]);
	const snapshotRow = toSnapshot(stateAfter(...sampled), '1', AT).processes.find(row => row.pid === 1099)!;
	assert.deepEqual(processes[0], {...snapshotRow, command: snapshotRow.command.slice(0, MAX_TEXT_CHARS)}, 'the snapshot\'s fields and container name, the command cut');
	const remote = companionOf(stateAfter(...sampled, sessionsSampled([backend])), 0).processes!;
	assert.equal(remote.find(row => row.pid === 1097)!.backend, undefined, 'a remote server\'s pids are not this host\'s');
});

const alert = (id: string, fields: Partial<Alert> = {}): Alert => ({
	id,
	rule: 'cpu',
	severity: 'warning',
	state: 'firing',
	source: 'host',
	resource: 'db1',
	title: 'CPU busy',
	value: 92,
	valueAtFiring: 90,
	firedAt: 1000,
	lastChangedAt: 1000,
	acknowledgedBy: null,
	acknowledgedAt: null,
	note: null,
	resolvedAt: null,
	...fields,
});

test('ring companion: the alerts open now and those changed since the previous sample, critical first, with their acknowledgements and messages', () => {
	const since = 5000;
	const alerts = [
		alert('open-warning'),
		alert('open-critical', {severity: 'critical', firedAt: 2000, lastChangedAt: 2000}),
		alert('acked', {state: 'acknowledged', firedAt: 1500, lastChangedAt: 3000, acknowledgedBy: 'alice', acknowledgedAt: 3000, note: 'looking'}),
		alert('resolved-before', {state: 'resolved', lastChangedAt: 4000, resolvedAt: 4000}),
		alert('resolved-after', {state: 'resolved', lastChangedAt: 6000, resolvedAt: 6000}),
	];
	const state = reduce(initialState(1000, undefined, {alerts, tracking: {}, sequence: 0}), {type: 'acknowledge', ids: ['open-warning'], by: 'bob', note: 'x'.repeat(2 * MAX_TEXT_CHARS), at: 7000});
	const kept = companionOf(state, since).alerts;
	assert.deepEqual(
		kept.map(({id, state, acknowledgedBy, acknowledgedAt}) => [id, state, acknowledgedBy, acknowledgedAt]),
		[
			['open-critical', 'firing', null, null],
			['open-warning', 'acknowledged', 'bob', 7000],
			['acked', 'acknowledged', 'alice', 3000],
			['resolved-after', 'resolved', null, null],
		],
	);
	assert.equal(kept[1]!.note, 'x'.repeat(MAX_TEXT_CHARS));
	const messages = new Map(toSnapshot(state, '1', 7000).alerts.map(({id, message}) => [id, message]));
	assert.ok(kept.every(({id, message}) => message === messages.get(id)));
});

test('ring companion: at most MAX_ALERTS alerts, the critical ones first', () => {
	const alerts = range(0, MAX_ALERTS + 50).map(index => alert(`a${index}`, {severity: index % 4 === 0 ? 'critical' : 'warning', firedAt: index}));
	const kept = companionOf(initialState(1000, undefined, {alerts, tracking: {}, sequence: 0}), 0).alerts;
	const critical = alerts.filter(each => each.severity === 'critical').map(each => each.id);
	const warning = alerts.filter(each => each.severity === 'warning').map(each => each.id);
	assert.deepEqual(
		kept.map(each => each.id),
		[...critical, ...warning].slice(0, MAX_ALERTS),
	);
});

test('ring companion: a part is null until its source reports; the Postgres header says why it cannot be read', () => {
	assert.deepEqual(companionOf(initialState(1000), 0), {postgres: null, users: null, sessions: null, blocking: null, processes: null, alerts: []});
	const reason = 'cannot connect to ops@db1:5432/shop: connection refused';
	const failed: Action = {type: 'collector-error', id: 'postgres-sessions', at: AT + 1000, message: reason};
	const down = companionOf(stateAfter(failed), 0);
	assert.deepEqual(down.postgres, {target: null, server: null, error: reason});
	assert.equal(down.sessions, null);
	const stale = companionOf(stateAfter(sessionsSampled([pgSession({pid: 1})]), failed), 0);
	assert.deepEqual(stale.postgres, {target: 'ops@db1:5432/shop', server: pgServer(), error: reason, progress: []});
	assert.deepEqual(
		stale.sessions!.map(session => session.pid),
		[1],
	);
	assert.equal(stale.blocking, null, 'no tree before the locks are read');
});

test('ring companion: the long operations in progress ride in the Postgres header, at most MAX_PROGRESS, their strings cut; the slots in its server', () => {
	const operation = (pid: number): PgProgress => ({pid, operation: 'vacuum', command: 'VACUUM', phase: 'scanning heap', relation: `public.${'t'.repeat(2 * MAX_TEXT_CHARS)}`, database: 'shop', done: 10, total: 40, pct: 25, unit: 'blocks'});
	const slots = [{name: 'sub1', type: 'logical', database: 'shop', active: false, retainedBytes: 4096, walStatus: 'reserved', safeWalSize: null, inactiveSec: 90}];
	const {postgres} = companionOf(stateAfter(sessionsSampled([], {progress: range(1, MAX_PROGRESS + 20).map(operation), server: pgServer({slots})})), 0);
	assert.deepEqual(
		postgres!.progress!.map(each => each.pid),
		range(1, MAX_PROGRESS),
	);
	assert.deepEqual(postgres!.progress![0], {...operation(1), relation: cutText(operation(1).relation!, MAX_TEXT_CHARS)});
	assert.deepEqual(postgres!.server!.slots, slots);
});

test('cutText keeps at most the characters asked for and never splits a surrogate pair', () => {
	assert.equal(cutText('abc', 3), 'abc');
	assert.equal(cutText('abcd', 3), 'abc');
	assert.equal(cutText('ab😀', 3), 'ab');
});

test('ring companion: the 500-session case stays under the size its caps imply', () => {
	// A kept record holds its cut strings (a query, or a command line) and fields the fixtures keep
	// short: keys, numbers, nulls and names in well under FIELDS_BYTES. The text is ASCII, a byte a
	// character in JSON. Users are not capped: a row per user and per user and database.
	const FIELDS_BYTES = 1024;
	const sessionBytes = MAX_QUERY_CHARS + FIELDS_BYTES;
	const userRows = new Set(crowd.map(session => session.user)).size + new Set(crowd.map(session => `${session.user}@${session.database}`)).size;
	const bound =
		FIELDS_BYTES + // the Postgres header
		userRows * FIELDS_BYTES +
		(MAX_CHAIN_SESSIONS + MAX_OTHER_SESSIONS) * sessionBytes +
		MAX_CHAIN_SESSIONS * sessionBytes + // the blocking tree's nodes
		2 * MAX_TOP_PROCESSES * (MAX_TEXT_CHARS + FIELDS_BYTES) +
		MAX_ALERTS * FIELDS_BYTES;
	assert.ok(Buffer.byteLength(JSON.stringify(crowd)) > bound, 'the sessions uncut would not fit');
	assert.ok(Buffer.byteLength(JSON.stringify(companionOf(crowded, AT - 1000))) < bound);
});
