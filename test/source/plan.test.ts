// The EXPLAIN dbtop sends for a session's query, or why it sends none: the query text read as the
// server's lexer reads it (literals, quoted names, dollar quotes, comments), so that a semicolon,
// a `$1` or a keyword inside one of them counts for nothing.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {isCutQuery, planStatement, scanQuery} from '../../source/postgres/plan.js';

const PG18 = 180_004;
const PG14 = 140_023;
const SIZE = 1024;

test('a query EXPLAIN takes: EXPLAIN (GENERIC_PLAN) from 16 on, plain EXPLAIN before; never ANALYZE; the trailing semicolon and comments left out', () => {
	assert.deepEqual(planStatement('SELECT pg_sleep(60) FROM t WHERE id = 1', PG18, SIZE), {sql: 'EXPLAIN (GENERIC_PLAN) SELECT pg_sleep(60) FROM t WHERE id = 1', explain: 'EXPLAIN (GENERIC_PLAN)', isSimpleProtocol: false});
	assert.deepEqual(planStatement('SELECT pg_sleep(60) FROM t WHERE id = 1', PG14, SIZE), {sql: 'EXPLAIN SELECT pg_sleep(60) FROM t WHERE id = 1', explain: 'EXPLAIN', isSimpleProtocol: false});
	assert.deepEqual(planStatement('  /* app */ UPDATE t SET v = 1 ;  -- done\n', PG14, SIZE), {sql: 'EXPLAIN   /* app */ UPDATE t SET v = 1', explain: 'EXPLAIN', isSimpleProtocol: false});
	for (const query of ['select 1', 'INSERT INTO t VALUES (1)', 'DELETE FROM t', 'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE', 'VALUES (1)', 'TABLE t', 'WITH x AS (SELECT 1) SELECT * FROM x', 'DECLARE c CURSOR FOR SELECT 1', 'EXECUTE stmt(1)', '((SELECT 1) UNION (SELECT 2))', 'CREATE TABLE x AS SELECT 1', 'CREATE TEMP TABLE x AS SELECT 1', 'CREATE UNLOGGED TABLE x AS SELECT 1', 'CREATE MATERIALIZED VIEW m AS SELECT 1', 'SELECT 1 INTO x']) {
		assert.equal(planStatement(query, PG18, SIZE).refused, undefined, query);
	}
});

test('a query with $1 parameters: planned generic from 16 on, by the simple protocol (EXPLAIN\'s own $1); refused before 16', () => {
	assert.deepEqual(planStatement('SELECT * FROM t WHERE id = $1 AND v = $2', PG18, SIZE), {sql: 'EXPLAIN (GENERIC_PLAN) SELECT * FROM t WHERE id = $1 AND v = $2', explain: 'EXPLAIN (GENERIC_PLAN)', isSimpleProtocol: true});
	assert.deepEqual(planStatement('SELECT * FROM t WHERE id = $1', PG14, SIZE), {refused: 'the query has parameters ($1…): Postgres before 16 cannot plan it without their values'});
	// A $1 in a literal, a comment, a dollar quote or a name is no parameter.
	for (const query of ["SELECT '$1'", 'SELECT 1 /* $1 */', 'SELECT $$ $1 $$', 'SELECT $a$ $1 $a$', 'SELECT a$1 FROM t', 'SELECT "$1" FROM t', 'SELECT 1 -- $1']) {
		assert.equal(scanQuery(query).hasParameters, false, query);
		assert.equal(planStatement(query, PG14, SIZE).refused, undefined, query);
	}
});

test('several statements in one text are refused: the simple protocol would run them all; a semicolon in a literal, name, comment or dollar quote is not one', () => {
	const several = 'the text holds several statements: EXPLAIN takes one';
	for (const query of ['SELECT 1; SELECT 2', 'SELECT 1;DELETE FROM t', "SELECT 'a'; COMMIT; DELETE FROM t", 'SELECT 1; /* c */ SELECT 2', "SELECT E'\\''; DELETE FROM t", 'SELECT $1; SELECT 2', 'SELECT 1;;']) {
		assert.deepEqual(planStatement(query, PG18, SIZE), {refused: several}, query);
	}

	for (const query of ["SELECT 'a;b'", 'SELECT "a;b" FROM t', 'SELECT 1 /* ; DELETE */', 'SELECT 1 /* nested /* ; */ ; */', "SELECT $fn$ ; DELETE FROM t $fn$", 'SELECT 1 -- ; DELETE\n', "SELECT E'it\\'s; fine'", "SELECT 'it''s; fine'", 'SELECT 1;', 'SELECT 1 ; -- end']) {
		assert.equal(planStatement(query, PG18, SIZE).refused, undefined, query);
	}
});

test('a text that ends inside a literal, name or comment is refused', () => {
	for (const query of ["SELECT 'abc", 'SELECT "abc', 'SELECT 1 /* abc', 'SELECT $q$ abc', "SELECT E'abc\\'"]) {
		assert.deepEqual(planStatement(query, PG18, SIZE), {refused: 'the query text ends inside a string, a quoted name or a comment'}, query);
	}
});

test('a statement EXPLAIN does not take is refused by its first word, named', () => {
	const refusal = (query: string) => planStatement(query, PG18, SIZE).refused ?? '';
	assert.match(refusal('VACUUM t'), /^a utility statement \(VACUUM\): EXPLAIN takes only SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE, WITH, DECLARE, EXECUTE, CREATE TABLE AS and CREATE MATERIALIZED VIEW$/);
	assert.match(refusal('-- comment\n/* another */ COPY t TO STDOUT'), /\(COPY\)/);
	assert.match(refusal('EXPLAIN ANALYZE SELECT 1'), /\(EXPLAIN\)/, 'an EXPLAIN is never run again, ANALYZE least of all');
	assert.match(refusal('CREATE TABLE x (id int)'), /\(CREATE TABLE\)/);
	assert.match(refusal('CREATE INDEX ON t (v)'), /\(CREATE INDEX\)/);
	assert.match(refusal('SET work_mem = 1'), /\(SET\)/);
	assert.match(refusal('COMMIT'), /\(COMMIT\)/);
	assert.match(refusal('(VACUUM)'), /\(VACUUM\)/);
	assert.match(refusal('+1'), /\(not a statement\)/);
});

test('no query, or a text that fills track_activity_query_size (cut on a character boundary, up to 3 bytes short), is refused', () => {
	assert.deepEqual(planStatement('', PG18, SIZE), {refused: 'the session has no query to plan'});
	assert.deepEqual(planStatement('  \n', PG18, SIZE), {refused: 'the session has no query to plan'});
	const cut = `SELECT ${'x'.repeat(99 - 7)}`;
	assert.equal(Buffer.byteLength(cut), 99);
	assert.deepEqual(planStatement(cut, PG18, 100), {refused: 'the query text may be cut: it fills track_activity_query_size (100 bytes), so its plan could be another query\'s'});
	// 96 bytes: a 4-byte character would not have fit in the 99 there were.
	assert.equal(isCutQuery(`SELECT ${'😀'.repeat(22)} `, 100), true);
	assert.equal(isCutQuery(`SELECT ${'x'.repeat(88)}`, 100), false);
	assert.equal(isCutQuery('SELECT 1', 0), false, 'the size not read (yet): nothing is taken for cut');
});

test('the scan: words in lower case, a leading parenthesis, E strings and dollar quotes', () => {
	const scan = scanQuery("( Select e'\\'' AS \"Quoted\", $x$ body $x$, naïve_name FROM t)");
	assert.deepEqual(scan.words, ['select', 'as', 'naïve_name', 'from', 't']);
	assert.equal(scan.startsWithWord, true);
	assert.equal(scan.hasSecondStatement, false);
	assert.equal(scanQuery('1 SELECT').startsWithWord, false);
	// A no-break space is part of a name to the server, not white space.
	assert.deepEqual(scanQuery('SELECT a\u00a0b').words, ['select', 'a\u00a0b']);
});
