// What a recorded sample and the JSON snapshot carry of the statements: the top by execution time
// of the latest interval, each query cut in the companion; nothing while measuring; the reason when
// pg_stat_statements cannot be read.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {toSnapshot} from '../../source/app/snapshot.js';
import {companionOf, MAX_QUERY_CHARS, MAX_STATEMENTS} from '../../source/ring/companion.js';
import {initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {PgStatement} from '../../source/types.js';
import {pgServer, pgSessionsSample, pgStatement, pgStatementsSample} from '../helpers/fixtures.js';

const AT = 1_700_000_100_000;
const stateAfter = (...actions: Action[]): State => actions.reduce(reduce, initialState(1000));
const sessions: Action = {type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample([], {server: pgServer()})};
const statementsSampled = (statements: PgStatement[], fields: Parameters<typeof pgStatementsSample>[1] = {}): Action => ({type: 'sample', id: 'postgres-statements', at: AT, value: pgStatementsSample(statements, fields)});

// 50 that ran, by rising time, the longest query far past what is kept; and 10 that did not run.
const ran = Array.from({length: 50}, (_, index) => pgStatement({queryId: String(index), totalMsPerSec: index, callsPerSec: 1, query: `SELECT ${index} /* ${'x'.repeat(index === 49 ? 5000 : 10)} */`}));
const idle = Array.from({length: 10}, (_, index) => pgStatement({queryId: String(100 + index), totalMsPerSec: 0, callsPerSec: 0}));

test('a recorded sample keeps the top statements by execution time of the interval, each query cut; the JSON gives all that ran, whole', () => {
	const state = stateAfter(sessions, statementsSampled([...idle, ...ran]));
	const postgres = companionOf(state, AT - 1000).postgres!;
	assert.equal(postgres.statements!.length, MAX_STATEMENTS);
	assert.deepEqual(
		postgres.statements!.map(statement => statement.queryId),
		Array.from({length: MAX_STATEMENTS}, (_, index) => String(49 - index)),
	);
	assert.equal(postgres.statements![0]!.query.length, MAX_QUERY_CHARS);
	assert.equal(postgres.statementsIntervalSec, 2);
	assert.equal(postgres.statementsError, undefined);

	const snapshot = toSnapshot(state, '1', AT).postgres;
	assert.equal(snapshot.statements!.length, 50, 'those that ran, not the idle ones');
	assert.equal(snapshot.statements![0]!.query.length, ran[49]!.query.length);
	assert.equal(snapshot.statementsIntervalSec, 2);
});

test('while measuring nothing is recorded or given; without pg_stat_statements, why', () => {
	const measuring = stateAfter(sessions, statementsSampled(ran, {intervalSec: null}));
	assert.equal('statements' in companionOf(measuring, AT).postgres!, false);
	assert.equal('statements' in toSnapshot(measuring, '1', AT).postgres, false);

	const error = 'pg_stat_statements is not installed in database "shop": run CREATE EXTENSION pg_stat_statements in database "shop"';
	const missing = stateAfter(sessions, statementsSampled([], {error, intervalSec: null}));
	assert.equal(companionOf(missing, AT).postgres!.statementsError, error);
	assert.deepEqual(toSnapshot(missing, '1', AT).postgres.statementsError, error);
	assert.equal('statements' in toSnapshot(missing, '1', AT).postgres, false);
});
