import assert from 'node:assert/strict';
import {test} from 'node:test';
import {sanitize, sanitizeLine} from '../../source/sanitize.js';

test('escape sequences are shown, never emitted', () => {
	const title = '\u001B]0;x\u0007';
	const clear = '\u001B[2J';
	const out = sanitize(`a${title}b${clear}c`);
	assert.equal(out, 'a\\x1b]0;x\\x07b\\x1b[2Jc');
	assert.doesNotMatch(out, /[\u0000-\u001F\u007F-\u009F]/);
});

test('C1 controls, DEL and text-reordering characters are shown as code points', () => {
	assert.equal(sanitize('\u009B31m'), '\\x9b31m');
	assert.equal(sanitize('x\u007F'), 'x\\x7f');
	assert.equal(sanitize('evil\u202Etxt.exe'), 'evil\\u202etxt.exe');
	assert.equal(sanitize('nul\u0000'), 'nul\\x00');
});

test('printable text, including wide characters and emoji sequences, passes unchanged', () => {
	assert.equal(sanitize('postgres: checkpointer 日本語 ü'), 'postgres: checkpointer 日本語 ü');
	assert.equal(sanitize('dev 👩\u200d💻 🇫🇷 می\u200cخواهم'), 'dev 👩\u200d💻 🇫🇷 می\u200cخواهم');
	assert.equal(sanitize('a\u200bb\u200fc'), 'a\\u200bb\\u200fc', 'a zero-width space and a direction mark are shown');
});

test('sanitizeLine folds white space into one line', () => {
	assert.equal(sanitizeLine('  SELECT *\n\tFROM  t\r\n'), 'SELECT * FROM t');
	assert.equal(sanitizeLine('a\u001B[31mb'), 'a\\x1b[31mb');
	assert.equal(sanitizeLine(' sleep 600 0 0 '), 'sleep 600 0 0', 'single spaces stay, the ends are trimmed');
	assert.equal(sanitizeLine('a  b'), 'a b');
	assert.equal(sanitizeLine('a \u000B\f b'), 'a b');
	assert.equal(sanitizeLine('\t\n'), '');
});
