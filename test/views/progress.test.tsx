// The long operations in progress and the replication slots on the Sessions pane and in a
// session's detail, at 80 columns (and 80x24 for the whole screen).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {companionParts} from '../../collectors/ring-replay.js';
import {companionOf} from '../../source/ring/companion.js';
import {hostOfRow} from '../../source/ring/replay-parse.js';
import type {ReplayCursor} from '../../source/store/replay.js';
import {createStore, initialState, reduce, type Action} from '../../source/store/store.js';
import type {PgProgress, PgReplicationSlot} from '../../source/types.js';
import {progressAmount, progressLines, progressText} from '../../views/progress.js';
import {hostSample, pgServer, pgSession, pgSessionsSample} from '../helpers/fixtures.js';
import {ringRow} from '../helpers/ring.js';

// Colour on, before Ink loads, so that the slots' levels can be seen in the frames.
process.env['FORCE_COLOR'] = '1';
const {SessionsPane} = await import('../../views/SessionsPane.js');
const {SessionDetail} = await import('../../views/SessionDetail.js');
const {renderApp, renderView, stripAnsi} = await import('../helpers/render-view.js');

const AT = 50_000;

const operation = (fields: Partial<PgProgress> & {pid: number}): PgProgress => ({
	operation: 'vacuum',
	command: 'VACUUM',
	phase: 'scanning heap',
	relation: 'public.big',
	database: 'shop',
	done: 12_345,
	total: 50_000,
	pct: 24.69,
	unit: 'blocks',
	...fields,
});

const vacuum = operation({pid: 201});
const index = operation({pid: 202, operation: 'create index', command: 'CREATE INDEX CONCURRENTLY', phase: 'waiting for writers before build', relation: 'public.orders', done: 0, total: 1, pct: 0, unit: 'lockers'});
const copy = operation({pid: 203, operation: 'copy', command: 'COPY FROM', phase: 'pipe', done: 5000, total: null, pct: null, unit: 'tuples'});
const backup = operation({pid: 204, operation: 'basebackup', command: 'BASE_BACKUP', phase: 'streaming database files', relation: null, database: null, done: 1.5 * 1024 ** 3, total: 6 * 1024 ** 3, pct: 25, unit: 'bytes'});

const sessions = [pgSession({pid: 201, user: 'alice', query: 'VACUUM big'}), pgSession({pid: 202, user: 'bob', query: 'CREATE INDEX CONCURRENTLY orders_id ON orders (id)'}), pgSession({pid: 203}), pgSession({pid: 205})];
const sampled = (progress: PgProgress[], slots: PgReplicationSlot[] = []): Action => ({
	type: 'sample',
	id: 'postgres-sessions',
	at: AT,
	value: pgSessionsSample(sessions, {progress, server: pgServer({startedAt: AT - 3600_000, slots})}),
});

test('an operation on one line: its pid, command, relation, phase and how far, in its unit', () => {
	assert.equal(progressText(vacuum), 'pid 201 VACUUM public.big · scanning heap · 12,345/50,000 blocks 24.7%');
	assert.equal(progressText(index), 'pid 202 CREATE INDEX CONCURRENTLY public.orders · waiting for writers before build · 0/1 lockers 0.0%');
	assert.equal(progressText(copy), 'pid 203 COPY FROM public.big · pipe · 5,000 tuples', 'no total: no percentage');
	assert.equal(progressText(backup), 'pid 204 BASE_BACKUP · streaming database files · 1.5G/6.0G 25.0%');
	assert.equal(progressText(backup, false), 'BASE_BACKUP · streaming database files · 1.5G/6.0G 25.0%', "a session's detail leaves the pid out");
	assert.equal(progressAmount({done: null, total: null, pct: null, unit: 'blocks'}), '', 'no count given (another role): nothing');
	assert.equal(progressText(operation({pid: 9, relation: 'x\u001B[2J', phase: 'a\nb'})).includes('\u001B'), false, 'escapes made visible');
	assert.deepEqual(progressLines([vacuum, index, copy], 2), [progressText(vacuum), '+2 more: 202 CREATE INDEX CONCURRENTLY, 203 COPY FROM']);
	assert.deepEqual(progressLines([vacuum, index], 2), [progressText(vacuum), progressText(index)]);
});

test('at 80x24 the operations sit above the session list, those that do not fit folded into one line', async () => {
	const view = await renderApp(80, 24, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sampled([vacuum, index, copy, backup]), {type: 'set-pane', pane: 'sessions'}]);
	// A loaded machine may draw the resize a little later.
	for (let tries = 0; tries < 100 && !/^pid 201 [^\n]*\n\+3 more/m.test(view.frame()); tries++) await sleep(20);
	const lines = view.frame().split('\n');
	const first = lines.findIndex(line => line.startsWith('pid 201 '));
	assert.ok(first > 0, view.frame());
	assert.deepEqual(lines.slice(first, first + 3), ['pid 201 VACUUM public.big · scanning heap · 12,345/50,000 blocks 24.7%', '+3 more: 202 CREATE INDEX CONCURRENTLY, 203 COPY FROM, 204 BASE_BACKUP', lines[first + 2]]);
	assert.match(lines[first + 2]!, /^Sessions 4 shown/);
	assert.match(view.frame(), /^> +201 shop +alice/m, 'the sessions are still listed');
	assert.ok(lines.every(line => line.length <= 80));
	view.unmount();
	// Without operations, no line for them.
	const idle = await renderApp(80, 24, [{type: 'sample', id: 'host', at: AT, value: hostSample()}, sampled([]), {type: 'set-pane', pane: 'sessions'}]);
	assert.doesNotMatch(idle.frame(), /^pid /m);
	idle.unmount();
});

test("a session's detail shows the operations it runs", () => {
	const detail = (pid: number) => renderView(<SessionDetail width={80} height={16} />, [sampled([vacuum, index]), {type: 'open-detail', list: 'sessions', pid}]);
	const vacuuming = detail(201);
	const lines = stripAnsi(vacuuming.frame()).split('\n');
	assert.match(lines[6]!, /^Process /);
	assert.equal(lines[7], 'Progress VACUUM public.big · scanning heap · 12,345/50,000 blocks 24.7%');
	assert.match(lines[8]!, /^Query VACUUM big/);
	vacuuming.unmount();
	const other = detail(205);
	assert.doesNotMatch(stripAnsi(other.frame()), /Progress/, 'a session that runs none has no such line');
	other.unmount();
});

const slot = (fields: Partial<PgReplicationSlot> & {name: string}): PgReplicationSlot => ({type: 'logical', database: 'shop', active: true, retainedBytes: 16 * 1024 ** 2, walStatus: 'reserved', safeWalSize: null, inactiveSec: null, ...fields});

test('the replication slots on one line, the worst first, each coloured by the slot rules', () => {
	const slots = [
		slot({name: 'r1', type: 'physical', database: null}),
		slot({name: 'sub1', active: false, inactiveSec: 600, retainedBytes: 2 * 1024 ** 3}),
		slot({name: 'gone', type: 'physical', database: null, active: false, inactiveSec: 3600, retainedBytes: 20 * 1024 ** 3, walStatus: 'lost', safeWalSize: 0}),
	];
	const view = renderView(<SessionsPane width={80} height={20} />, [sampled([], slots)]);
	const lines = view.frame().split('\n');
	const line = lines.find(candidate => stripAnsi(candidate).startsWith('slots '));
	assert.ok(line, stripAnsi(view.frame()));
	assert.match(stripAnsi(line), /^slots gone physical inactive 1h00m 20G wal lost safe 0B, sub1 logical inactive…?/);
	assert.ok(stripAnsi(line).length <= 80);
	assert.match(line, /\u001B\[31mphysical inactive 1h00m 20G/, 'past the critical thresholds: red');
	assert.match(line, /\u001B\[33mlogical inactive/, 'past the warnings: yellow');
	assert.equal(stripAnsi(lines[1]!), 'deadlocks 2 · temp 3 files 10M · longest xact 1m15s · oldest xmin 1234 xids', 'a line of their own where the second line has no room');
	view.unmount();
	const wide = renderView(<SessionsPane width={200} height={20} />, [sampled([], slots)]);
	assert.match(stripAnsi(wide.frame()).split('\n')[1]!, / · oldest xmin 1234 xids · slots gone physical inactive 1h00m 20G wal lost safe 0B, sub1 logical inactive 10m00s 2\.0G, r1 physical active 16M$/);
	wide.unmount();
});

test('a replay shows the operations and slots recorded with the moment; a companion written before they were recorded shows none, and nothing breaks', () => {
	const slots = [slot({name: 'sub1', active: false, inactiveSec: 600, retainedBytes: 2 * 1024 ** 3})];
	// What dbtop record writes with a node row, read back from its JSON as the replay's reader does.
	const recorded = JSON.parse(JSON.stringify(companionOf(reduce(initialState(1000), sampled([vacuum, index], slots)), 0))) as {postgres: {progress?: unknown; server: {slots?: unknown}}};
	const cursor: ReplayCursor = {ring: 0, node: 'db1', at: 1_800_000_000, steps: 0};
	const replayed = (companion: Record<string, unknown>) => {
		const initial = initialState(1000, undefined, undefined, 'replay');
		const store = createStore({...initial, replay: {rings: ['ring.example:5432/metrics/monitor_samples_ring'], table: 'monitor_samples_ring', cursor, startAt: null, moment: null, nodes: null, missingColumns: []}});
		const host = hostOfRow({slot: 1, ...ringRow({sample_time: 1_800_000_000, node_name: 'db1'})})!;
		const moment = {cursor, host, history: [], oldestTime: host.sampleTime, newestTime: host.sampleTime, containers: [], openContainer: null, containerHistory: [], companion: companionParts(companion), companionMissing: null};
		return renderView(<SessionsPane width={80} height={20} />, [{type: 'sample', id: 'replay', at: AT, value: moment}], store);
	};

	const view = replayed(recorded);
	const frame = stripAnsi(view.frame());
	assert.match(frame, /^pid 201 VACUUM public\.big · scanning heap · 12,345\/50,000 blocks 24\.7%$/m);
	assert.match(frame, /^pid 202 CREATE INDEX CONCURRENTLY public\.orders · waiting for writers before bu…$/m, 'cut at 80 columns');
	assert.match(frame, /^slots sub1 logical inactive 10m00s 2\.0G$/m);
	view.unmount();
	delete recorded.postgres.progress;
	delete recorded.postgres.server.slots;
	const old = replayed(recorded);
	const oldFrame = stripAnsi(old.frame());
	assert.match(oldFrame, /^Sessions 4 shown/m, 'the sessions as ever');
	assert.doesNotMatch(oldFrame, /^pid |^slots /m);
	old.unmount();
});
