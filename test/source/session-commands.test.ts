// Tags, the batch of cancels or terminates they lead to, and the plan's place in the store: what
// the keys dispatch and what the reducer keeps, without a screen.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runCommand, type CommandContext} from '../../source/app/commands.js';
import {batchSummary} from '../../source/app/session-commands.js';
import {createStore, initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {PgSession} from '../../source/types.js';
import {pgSession, pgSessionsSample} from '../helpers/fixtures.js';

const sessions: PgSession[] = [101, 102, 103].map(pid => pgSession({pid, xactAgeSec: 1000 - pid, backendStartAt: pid * 1000}));
const sample = (list: PgSession[], at = 1000): Action => ({type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(list)});
const onSessions = (...actions: Action[]) => createStore([sample(sessions), {type: 'set-pane', pane: 'sessions'} as Action, ...actions].reduce(reduce, initialState(1000)));
const tagsOf = (state: State) => [...state.ui.sessions.tagged.keys()].sort((a, b) => a - b);

function context(store: ReturnType<typeof createStore>, answers: Record<number, string> = {}): CommandContext & {calls: string[]; woken: string[]} {
	const calls: string[] = [];
	const woken: string[] = [];
	return {
		store,
		calls,
		woken,
		scheduler: {setPaused() {}, setRefresh() {}, wake: id => void woken.push(id)},
		exit() {},
		user: 'tester',
		postgres: {
			cancel: async pid => (calls.push(`cancel ${pid}`), answers[pid] ?? null),
			terminate: async pid => (calls.push(`terminate ${pid}`), answers[pid] ?? null),
		},
	};
}

test('Space toggles the selected session\'s tag and moves the selection on; T tags all shown, and with all shown tagged untags every one', () => {
	const store = onSessions();
	const run = context(store);
	runCommand('toggle-tag', run);
	assert.deepEqual(tagsOf(store.getState()), [101]);
	assert.equal(store.getState().ui.sessions.selected, 102);
	runCommand('move-up', run);
	runCommand('toggle-tag', run);
	assert.deepEqual(tagsOf(store.getState()), []);
	runCommand('tag-shown', run);
	assert.deepEqual(tagsOf(store.getState()), [101, 102, 103]);
	assert.equal(store.getState().ui.notice?.text, 'tagged the 3 sessions shown');
	// Filtered to one: T tags it (already tagged: all shown are), so T untags every session.
	store.dispatch({type: 'set-filter', list: 'sessions', filter: 'SELECT 102'});
	runCommand('tag-shown', run);
	assert.deepEqual(tagsOf(store.getState()), []);
	assert.equal(store.getState().ui.notice?.text, 'untagged 3 sessions');
	runCommand('tag-shown', run);
	assert.deepEqual(tagsOf(store.getState()), [102]);
	store.dispatch({type: 'set-filter', list: 'sessions', filter: 'nothing matches this'});
	runCommand('tag-shown', run);
	assert.equal(store.getState().ui.notice?.text, 'no session shown to tag');
	assert.deepEqual(tagsOf(store.getState()), [102]);
});

test('a sample keeps the tags of the sessions still there, by pid and backend start; the same map when none is gone', () => {
	const store = onSessions({type: 'set-tags', tagged: new Map([[101, 101_000], [102, 102_000], [103, 103_000]])});
	const before = store.getState().ui;
	store.dispatch(sample(sessions, 2000));
	assert.equal(store.getState().ui, before, 'nothing gone: the ui is the same object');
	store.dispatch(sample([sessions[0]!, {...sessions[2]!, backendStartAt: 999}], 3000));
	assert.deepEqual(tagsOf(store.getState()), [101]);
});

test('c and x with sessions tagged ask one question listing them by pid, in order; with none tagged, about the selected one', () => {
	const store = onSessions({type: 'set-tags', tagged: new Map([[103, 103_000], [101, 101_000]])});
	runCommand('terminate-backend', context(store));
	assert.deepEqual(store.getState().ui.confirm, {kind: 'terminate-tagged', backends: [{pid: 101, query: 'SELECT 101'}, {pid: 103, query: 'SELECT 103'}]});
	const untagged = onSessions();
	runCommand('cancel-backend', context(untagged));
	assert.deepEqual(untagged.getState().ui.confirm, {kind: 'cancel', pid: 101, command: 'alice: SELECT 101'});
});

test('y runs the batch one backend after the other: those done leave the list and their tags, the others stay tagged, the status line says it all', async () => {
	const store = onSessions({type: 'set-tags', tagged: new Map([[101, 101_000], [102, 102_000], [103, 103_000]])});
	const run = context(store, {102: 'permission denied to terminate process'});
	runCommand('terminate-backend', run);
	runCommand('confirm-yes', run);
	await new Promise(resolve => setImmediate(resolve));
	assert.deepEqual(run.calls, ['terminate 101', 'terminate 102', 'terminate 103']);
	const state = store.getState();
	assert.equal(state.ui.notice?.text, 'terminated 2 of 3 backends; 102: permission denied to terminate process');
	assert.equal(state.ui.notice?.level, 'error');
	assert.deepEqual(tagsOf(state), [102]);
	assert.deepEqual(state.postgres?.sessions.map(session => session.pid), [102]);
	assert.deepEqual(run.woken, ['postgres-sessions']);
});

test('the summary: how many of how many, then each reason once with the pids it holds for', () => {
	assert.equal(batchSummary('terminate', 12, []), 'terminated 12 of 12 backends');
	assert.equal(batchSummary('terminate', 1, []), 'terminated 1 of 1 backend');
	assert.equal(batchSummary('terminate', 12, [{pid: 104, reason: 'no backend with pid 104'}]), 'terminated 11 of 12 backends; 104: no backend with pid 104');
	assert.equal(
		batchSummary('cancel', 4, [
			{pid: 102, reason: 'permission denied'},
			{pid: 104, reason: 'no backend with pid 104'},
			{pid: 103, reason: 'permission denied'},
		]),
		'cancelled the queries of 1 of 4 backends; 102, 103: permission denied; 104: no backend with pid 104',
	);
});

test('the plan in the store: asked for with pid and query, its answer kept only while that request is open; opening or closing the detail, or e, drops it', () => {
	const open = (...actions: Action[]) => [{type: 'open-detail', list: 'sessions', pid: 101} as Action, ...actions].reduce(reduce, onSessions().getState());
	const requested: Action = {type: 'request-plan', pid: 101, query: 'SELECT 101'};
	const answer = (query = 'SELECT 101'): Action => ({type: 'plan-result', pid: 101, query, result: {explain: 'EXPLAIN', lines: ['Result']}});
	assert.deepEqual(open(requested).ui.sessions.plan, {pid: 101, query: 'SELECT 101', result: null});
	assert.deepEqual(open(requested, answer()).ui.sessions.plan?.result, {explain: 'EXPLAIN', lines: ['Result']});
	assert.equal(open(requested, answer('SELECT 2')).ui.sessions.plan?.result, null, 'an answer for another query is dropped');
	assert.equal(open(requested, {type: 'close-plan'}, answer()).ui.sessions.plan, null, 'an answer after the plan was closed is dropped');
	assert.equal(open(requested, {type: 'close-detail', list: 'sessions'}).ui.sessions.plan, null);
	assert.equal(open(requested, {type: 'open-detail', list: 'sessions', pid: 102}).ui.sessions.plan, null);
	// Scrolled in the query, the plan starts at its top.
	const scrolled = open({type: 'set-query-view', list: 'sessions', page: 5, last: 20}, {type: 'scroll-query', list: 'sessions', top: 7});
	assert.equal(scrolled.ui.sessions.query.top, 7);
	assert.equal(reduce(scrolled, requested).ui.sessions.query.top, 0);
});

test('e asks the connection for the plan of the open session\'s query on its database, and stores the answer', async () => {
	const store = onSessions({type: 'open-detail', list: 'sessions', pid: 102});
	const asked: string[] = [];
	const run = {...context(store), postgres: {cancel: async () => null, terminate: async () => null, explain: async (database: string, query: string) => (asked.push(`${database}: ${query}`), {explain: 'EXPLAIN' as const, lines: ['Result']})}};
	runCommand('show-plan', run);
	assert.deepEqual(store.getState().ui.sessions.plan, {pid: 102, query: 'SELECT 102', result: null});
	await new Promise(resolve => setImmediate(resolve));
	assert.deepEqual(asked, ['shop: SELECT 102']);
	assert.deepEqual(store.getState().ui.sessions.plan?.result, {explain: 'EXPLAIN', lines: ['Result']});
	runCommand('show-plan', run);
	assert.equal(store.getState().ui.sessions.plan, null, 'e again: back to the query');
	// A background worker is on no database: nothing is asked.
	const worker = createStore(reduce(store.getState(), sample([...sessions, pgSession({pid: 105, database: null, backendType: 'checkpointer', query: ''})])));
	worker.dispatch({type: 'open-detail', list: 'sessions', pid: 105});
	runCommand('show-plan', {...run, store: worker});
	await new Promise(resolve => setImmediate(resolve));
	assert.deepEqual(worker.getState().ui.sessions.plan?.result, {refused: 'the session is on no database'});
	assert.equal(asked.length, 1);
});
