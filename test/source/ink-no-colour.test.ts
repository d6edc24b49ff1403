import assert from 'node:assert/strict';
import {test} from 'node:test';
import {withoutColour} from '../../source/ink/no-colour.js';

test('colours are taken out of SGR sequences; inverse, bold, dim and resets stay', () => {
	assert.equal(withoutColour('\u001B[36m\u001B[7m> 1\u001B[27m\u001B[39m'), '\u001B[7m> 1\u001B[27m');
	assert.equal(withoutColour('\u001B[1;31;42mx\u001B[0m'), '\u001B[1mx\u001B[0m');
	assert.equal(withoutColour('\u001B[38;5;208;2mx\u001B[48;2;1;2;3mx\u001B[m'), '\u001B[2mxx\u001B[m');
	assert.equal(withoutColour('\u001B[91m\u001B[103mx\u001B[49m'), 'x');
	// Cursor movement and other sequences are not SGR: untouched.
	assert.equal(withoutColour('\u001B[2K\u001B[1A\u001B[?25l plain'), '\u001B[2K\u001B[1A\u001B[?25l plain');
});
