import assert from 'node:assert/strict';
import {test} from 'node:test';
import {keymap, keysOf, resolveKey, SCOPE_TITLES} from '../../source/app/keymap.js';

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
	assert.equal(resolveKey(['processes', 'global'], 'k'), 'move-up');
	assert.equal(resolveKey(['process-detail', 'global'], 'k'), 'kill');
	assert.equal(resolveKey(['processes', 'global'], 'q'), 'quit');
	assert.equal(resolveKey(['prompt'], 'q'), undefined);
	assert.equal(resolveKey(['prompt'], 'ctrl+c'), 'interrupt');
	assert.equal(resolveKey(['processes', 'global'], 'x'), undefined);
});

test('the sequences terminals send become key names', () => {
	assert.deepEqual(keysOf('\u001B[A'), ['up']);
	assert.deepEqual(keysOf('\u001BOA'), ['up'], 'in application cursor mode');
	assert.deepEqual(keysOf('\u001B[6~'), ['pagedown']);
	assert.deepEqual(keysOf('\u001B[5~'), ['pageup']);
	assert.deepEqual(keysOf('\u001B[H'), ['home']);
	assert.deepEqual(keysOf('\u001B[4~'), ['end']);
	assert.deepEqual(keysOf('\u001B[Z'), ['shift+tab']);
	assert.deepEqual(keysOf('\u0003'), ['ctrl+c']);
	assert.deepEqual(keysOf('\u007F'), ['backspace']);
	assert.deepEqual(keysOf('\r'), ['enter']);
	assert.deepEqual(keysOf('\u001B'), ['escape']);
	assert.deepEqual(keysOf('G'), ['G']);
	assert.deepEqual(keysOf('/'), ['/']);
	assert.deepEqual(keysOf('\u001B[1;5C'), [], 'a function key with modifiers that nothing binds');
});

test('a read of several characters is that many keys, in order; Escape and the key behind it are two', () => {
	assert.deepEqual(keysOf('/kdamond\r'), ['/', 'k', 'd', 'a', 'm', 'o', 'n', 'd', 'enter']);
	assert.deepEqual(keysOf('MM'), ['M', 'M']);
	assert.deepEqual(keysOf('a\tb\u007F\u0003'), ['a', 'tab', 'b', 'backspace', 'ctrl+c']);
	assert.deepEqual(keysOf('数据👩\u200D💻'), ['数', '据', '👩', '\u200D', '💻'], 'typed into a prompt one after the other, the text is whole again');
	assert.deepEqual(keysOf('\u001B/'), ['escape', '/']);
	assert.deepEqual(keysOf('\u001Bq'), ['escape', 'q']);
	assert.deepEqual(keysOf('\u001B\r'), ['escape', 'enter']);
});
