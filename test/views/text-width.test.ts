import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cutToWidth, fit, textWidth, wrapToWidth} from '../../views/text-width.js';

const graphemes = (text: string) => Array.from(new Intl.Segmenter(undefined, {granularity: 'grapheme'}).segment(text), part => part.segment);

test('widths are terminal columns: CJK and emoji take two, combining marks none', () => {
	assert.equal(textWidth('postgres'), 8);
	assert.equal(textWidth('数据库管理员'), 12);
	assert.equal(textWidth('👩‍💻'), 2, 'a ZWJ sequence is one glyph');
	assert.equal(textWidth('🇫🇷'), 2, 'a flag is one glyph');
	assert.equal(textWidth('e\u0301'), 1, 'a combining accent adds nothing');
	assert.equal(textWidth('│├└─·…▼'), 7);
});

test('a cell is exactly its width, cut between graphemes with an ellipsis, never inside one', () => {
	const values = ['root', '数据库管理员', 'α👩‍💻β🇫🇷γ', 'cafe\u0301 ☕ x', 'ｆｕｌｌ', 'a数b据c', ''];
	for (const value of values) {
		for (let width = 1; width <= 14; width++) {
			for (const align of ['left', 'right'] as const) {
				for (const cut of ['end', 'start'] as const) {
					const cell = fit(value, width, align, cut);
					assert.equal(textWidth(cell), width, `${JSON.stringify(value)} at ${width} ${align} ${cut}: ${JSON.stringify(cell)}`);
					assert.ok(!cell.includes('\uFFFD'));
					const whole = new Set(graphemes(value));
					for (const part of graphemes(cell)) assert.ok(whole.has(part) || part === '…' || part === ' ', `${JSON.stringify(part)} is a whole grapheme of ${JSON.stringify(value)}`);
				}
			}
		}
	}
});

test('a value that fits is padded on the side away from its alignment; one that does not keeps its start or its end', () => {
	assert.equal(fit('42', 5, 'right'), '   42');
	assert.equal(fit('数据', 6), '数据  ');
	assert.equal(fit('数据库管理员', 8), '数据库… ', 'the cut leaves one column a wide character cannot fill');
	assert.equal(fit('数据库管理员', 8, 'right'), ' 数据库…');
	assert.equal(fit('│  └─ 12345', 8, 'left', 'start'), '…─ 12345');
	assert.equal(fit('└─ 数据库', 6, 'left', 'start'), '…据库 ');
	assert.equal(fit('anything', 0), '');
	assert.deepEqual(cutToWidth('👩‍💻👩‍💻👩‍💻', 5), {text: '👩‍💻👩‍💻…', width: 5});
});

test('wrapping keeps every character but the spaces at a break, breaks at spaces, and cuts only what has none', () => {
	const texts = [
		'SELECT id, name FROM accounts WHERE balance > 0',
		'x'.repeat(200),
		'数据库管理员数据库管理员数据库管理员',
		'SELECT "数据库" FROM 表 WHERE 👩‍💻 = \'🇫🇷\' AND cafe\u0301 = 1',
		'    indented_identifier_that_is_far_longer_than_the_line_it_sits_on ok',
		'first line\n\nthird line after a blank one',
	];
	for (const text of texts) {
		for (let width = 1; width <= 30; width++) {
			const lines = wrapToWidth(text, width);
			for (const line of lines) assert.ok(textWidth(line) <= Math.max(width, 2), `${JSON.stringify(line)} fits ${width}`);
			assert.ok(!lines.join('').includes('\uFFFD'));
			assert.equal(lines.join('').replaceAll(' ', ''), text.replaceAll(/[ \n]/g, ''), `${JSON.stringify(text)} at ${width} loses nothing`);
		}
	}

	assert.deepEqual(wrapToWidth('SELECT id, name FROM accounts', 12), ['SELECT id,', 'name FROM', 'accounts']);
	assert.deepEqual(wrapToWidth('数据库管理员', 5), ['数据', '库管', '理员']);
	assert.deepEqual(wrapToWidth('a\n\nb', 10), ['a', '', 'b'], 'the text\'s own line breaks stay');
	assert.deepEqual(wrapToWidth('ab', 1), ['a', 'b']);
	assert.deepEqual(wrapToWidth('数', 1), ['数'], 'a character wider than the line gets a line of its own');
});
