import assert from 'node:assert/strict';
import {test} from 'node:test';
import {keyName, keymap, resolveKey, SCOPE_TITLES, splitKeys} from '../../source/app/keymap.js';

test('every command is bound once per scope and described', () => {
	const seen = new Set<string>();
	for (const binding of keymap) {
		const id = `${binding.scope}:${binding.command}`;
		assert.ok(!seen.has(id), `${id} is bound twice`);
		seen.add(id);
		assert.ok(binding.help.length > 3, `${id} has no description`);
		assert.ok(binding.keys.length > 0, `${id} has no key`);
		assert.ok(binding.scope in SCOPE_TITLES, `${id} has an unknown scope`);
	}
});

test('keys resolve through the active scopes, the first scope first', () => {
	assert.equal(resolveKey(['processes', 'global'], 'k'), 'select-up');
	assert.equal(resolveKey(['process-detail', 'global'], 'k'), 'kill');
	assert.equal(resolveKey(['processes', 'global'], 'q'), 'quit');
	assert.equal(resolveKey(['prompt'], 'q'), undefined);
	assert.equal(resolveKey(['prompt'], 'ctrl+c'), 'interrupt');
	assert.equal(resolveKey(['processes', 'global'], 'x'), undefined);
});

test('Ink key presses become key names', () => {
	assert.equal(keyName('', {upArrow: true}), 'up');
	assert.equal(keyName('', {pageDown: true}), 'pagedown');
	assert.equal(keyName('', {tab: true, shift: true}), 'shift+tab');
	assert.equal(keyName('c', {ctrl: true}), 'ctrl+c');
	assert.equal(keyName('', {delete: true}), 'backspace');
	assert.equal(keyName('\r', {return: true}), 'enter');
	assert.equal(keyName('G', {shift: true}), 'G');
	assert.equal(keyName('/', {}), '/');
});

test('a read of several plain characters is that many keys, in order; a single key or an escape sequence stays whole', () => {
	const names = (input: string, key = {}) => splitKeys(input, key).map(([char, press]) => keyName(char, press));
	assert.deepEqual(names('/kdamond\r'), ['/', 'k', 'd', 'a', 'm', 'o', 'n', 'd', 'enter']);
	assert.deepEqual(names('MM'), ['M', 'M']);
	assert.deepEqual(names('a\tb\u007f\u0003'), ['a', 'tab', 'b', 'backspace', 'ctrl+c']);
	assert.deepEqual(names('数据👩\u200d💻'), ['数', '据', '👩', '\u200d', '💻'], 'typed into a prompt one after the other, the text is whole again');
	assert.deepEqual(names('q'), ['q']);
	assert.deepEqual(names('', {pageDown: true}), ['pagedown']);
	assert.deepEqual(names('x', {meta: true}), ['meta+x']);
});
