import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import plainStringWidth from '../../source/ink/plain-string-width.js';

test('the width widest-line is given is string-width\'s, for plain rows and for every other kind of text', () => {
	const texts = [
		'',
		'   PID USER      CPU%▼  MEM%    RSS S     TIME+  THR COMMAND',
		'>     2041 postgres   40.0   6.1   500M R   1:05.50    3 postgres -D /var/lib/postgresql/15/main…',
		'dbtop 0.1.0 · db1 · up 3d 4h 0m — │  ├─ └─ 12',
		'数据库管理员 idle',
		'dev 👩\u200d💻 🇫🇷 ❤️ 1️⃣',
		'cafe\u0301 n\u0303',
		'\u001B[31mred\u001B[39m …',
		'한국어 ㄱㅏ',
		'tab\there',
	];
	for (const text of texts) assert.equal(plainStringWidth(text), stringWidth(text), JSON.stringify(text));
	// Every character below U+3000, alone and next to plain ones.
	for (let code = 0; code < 0x30_00; code++) {
		const character = String.fromCharCode(code);
		for (const text of [character, `a${character}…`]) assert.equal(plainStringWidth(text), stringWidth(text), `U+${code.toString(16)}`);
	}
});
