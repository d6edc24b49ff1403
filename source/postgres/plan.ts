// The plan of a session's query: which statement dbtop sends for it (EXPLAIN, never ANALYZE), or
// why it sends none. A query text is read the way the server's lexer reads it — string
// literals ('…', E'…' with its backslashes), quoted identifiers, dollar quotes, line and nested
// block comments — to find its leading keyword, its `$n` parameters and a second statement after
// a semicolon: a text of several statements is refused, as the simple-query protocol would run
// every one of them.

/** What a query text holds outside its literals and comments. */
export type QueryScan = {
	/** The words (keywords and identifiers), lower case, in order. */
	words: string[];
	/** Whether only `(` comes before the first word (`(SELECT …) UNION …`). */
	startsWithWord: boolean;
	/** Whether it has a `$1`-style parameter. */
	hasParameters: boolean;
	/** Whether something other than white space and comments follows a semicolon. */
	hasSecondStatement: boolean;
	/** Whether it ends inside a literal, a quoted identifier or a comment. */
	isUnterminated: boolean;
	/** The text up to its last character that is not white space, a comment or a trailing semicolon. */
	statement: string;
};

// White space as the server's lexer has it (a no-break space is part of a name there).
const isSpace = (char: string) => /[ \t\n\r\f\v]/.test(char);
const isWordStart = (char: string) => /[A-Za-z_\u0080-\uFFFF]/.test(char);
const isWordPart = (char: string) => /[\w$\u0080-\uFFFF]/.test(char);

// Where a literal or quoted identifier opened at `start` with `quote` ends (the index after it), or -1: a doubled quote is one quote, a backslash escapes in an E'…' string.
function quotedEnd(text: string, start: number, quote: string, hasBackslashEscapes: boolean): number {
	for (let index = start + 1; index < text.length; index++) {
		const char = text[index];
		if (hasBackslashEscapes && char === '\\') {
			index++;
		} else if (char === quote) {
			if (text[index + 1] !== quote) return index + 1;
			index++;
		}
	}

	return -1;
}

// Where a block comment opened at `start` ends (they nest), or -1.
function commentEnd(text: string, start: number): number {
	let depth = 0;
	for (let index = start; index < text.length - 1; index++) {
		if (text[index] === '/' && text[index + 1] === '*') {
			depth++;
			index++;
		} else if (text[index] === '*' && text[index + 1] === '/') {
			depth--;
			index++;
			if (depth === 0) return index + 1;
		}
	}

	return -1;
}

/** Reads a query text as the server's lexer does, for what planning it needs to know. */
export function scanQuery(text: string): QueryScan {
	const words: string[] = [];
	let startsWithWord = false;
	let isOnlyParentheses = true;
	let hasParameters = false;
	let hasSemicolon = false;
	let statementEnd = 0;
	let index = 0;
	const scan = (rest: Pick<QueryScan, 'hasSecondStatement' | 'isUnterminated'>): QueryScan => ({words, startsWithWord, hasParameters, ...rest, statement: text.slice(0, statementEnd)});
	while (index < text.length) {
		const char = text[index]!;
		if (isSpace(char)) {
			index++;
			continue;
		}

		if (char === '-' && text[index + 1] === '-') {
			const newline = text.indexOf('\n', index);
			index = newline === -1 ? text.length : newline + 1;
			continue;
		}

		if (char === '/' && text[index + 1] === '*') {
			const end = commentEnd(text, index);
			if (end === -1) return scan({hasSecondStatement: false, isUnterminated: true});
			index = end;
			continue;
		}

		if (hasSemicolon) return scan({hasSecondStatement: true, isUnterminated: false});
		if (char === ';') {
			hasSemicolon = true;
			index++;
			continue;
		}

		let end = index + 1;
		if (char === "'" || char === '"') {
			// E'…' (a word E right before the quote) takes backslash escapes.
			const isEscapeString = char === "'" && statementEnd === index && words.at(-1) === 'e' && /[eE]/.test(text[index - 1]!);
			if (isEscapeString) words.pop();
			end = quotedEnd(text, index, char, isEscapeString);
			if (end === -1) return scan({hasSecondStatement: false, isUnterminated: true});
		} else if (char === '$' && /\d/.test(text[index + 1] ?? '')) {
			hasParameters = true;
			while (end < text.length && /\d/.test(text[end]!)) end++;
		} else if (char === '$') {
			const tag = /^\$(?:[A-Za-z_\u0080-\uFFFF][\w\u0080-\uFFFF]*)?\$/.exec(text.slice(index, index + 64))?.[0];
			if (tag) {
				const close = text.indexOf(tag, index + tag.length);
				if (close === -1) return scan({hasSecondStatement: false, isUnterminated: true});
				end = close + tag.length;
			}
		} else if (isWordStart(char)) {
			while (end < text.length && isWordPart(text[end]!)) end++;
			if (words.length === 0) startsWithWord = isOnlyParentheses;
			words.push(text.slice(index, end).toLowerCase());
		}

		if (char !== '(') isOnlyParentheses = false;
		index = end;
		statementEnd = end;
	}

	return scan({hasSecondStatement: false, isUnterminated: false});
}

/** The statements EXPLAIN takes, by their first word. */
const EXPLAINABLE = new Set(['select', 'insert', 'update', 'delete', 'merge', 'values', 'table', 'with', 'declare', 'execute']);

/** What CREATE statements EXPLAIN takes: CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE … AS, CREATE MATERIALIZED VIEW. */
function isExplainableCreate(words: readonly string[]): boolean {
	const rest = words.slice(1).filter(word => !['global', 'local', 'temp', 'temporary', 'unlogged'].includes(word));
	if (rest[0] === 'materialized' && rest[1] === 'view') return true;
	return rest[0] === 'table' && rest.includes('as');
}

/** The first server version with EXPLAIN (GENERIC_PLAN), which plans a query with `$n` parameters. */
export const GENERIC_PLAN_VERSION = 160_000;

/** The statement to send for a query's plan, and whether it must go by the simple-query protocol (its `$n` are EXPLAIN's, not the protocol's); or why none is sent. */
export type PlanStatement = {sql: string; explain: 'EXPLAIN (GENERIC_PLAN)' | 'EXPLAIN'; isSimpleProtocol: boolean; refused?: undefined} | {refused: string};

/** What the server answered for a plan: its lines and the EXPLAIN that gave them, or why there are none (refused before sending anything, or the server's error). */
export type PlanResult = {lines: string[]; explain: string} | {refused: string} | {error: string};

/** Whether a query text from pg_stat_activity fills track_activity_query_size, so may have been cut (on a character boundary: up to 3 bytes short of it in UTF-8). */
export function isCutQuery(query: string, querySizeBytes: number): boolean {
	return querySizeBytes > 0 && Buffer.byteLength(query, 'utf8') >= querySizeBytes - 4;
}

/**
 * The EXPLAIN for a session's query on a server version (`server_version_num`), never with
 * ANALYZE: EXPLAIN (GENERIC_PLAN) from 16 on, plain EXPLAIN before, where a query with parameters
 * cannot be planned. Refused, with the reason, for no query, a text cut at
 * track_activity_query_size, several statements, a statement EXPLAIN does not take.
 */
export function planStatement(query: string, versionNum: number, querySizeBytes: number): PlanStatement {
	if (query.trim() === '') return {refused: 'the session has no query to plan'};
	if (isCutQuery(query, querySizeBytes)) {
		return {refused: `the query text may be cut: it fills track_activity_query_size (${querySizeBytes} bytes), so its plan could be another query's`};
	}

	const scan = scanQuery(query);
	if (scan.isUnterminated) return {refused: 'the query text ends inside a string, a quoted name or a comment'};
	if (scan.hasSecondStatement) return {refused: 'the text holds several statements: EXPLAIN takes one'};
	const first = scan.words[0] ?? '';
	if (!scan.startsWithWord || !(EXPLAINABLE.has(first) || (first === 'create' && isExplainableCreate(scan.words)))) {
		// Named by its first word, or two for a CREATE (CREATE INDEX).
		const named = scan.startsWithWord ? scan.words.slice(0, first === 'create' ? 2 : 1).join(' ').toUpperCase() : 'not a statement';
		return {refused: `a utility statement (${named}): EXPLAIN takes only SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE, WITH, DECLARE, EXECUTE, CREATE TABLE AS and CREATE MATERIALIZED VIEW`};
	}

	const isGeneric = versionNum >= GENERIC_PLAN_VERSION;
	if (scan.hasParameters && !isGeneric) return {refused: 'the query has parameters ($1…): Postgres before 16 cannot plan it without their values'};
	const explain = isGeneric ? 'EXPLAIN (GENERIC_PLAN)' : 'EXPLAIN';
	return {sql: `${explain} ${scan.statement}`, explain, isSimpleProtocol: scan.hasParameters};
}
