import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {metricsMarkdown} from '../../source/alerts/metrics.js';
import {keymapMarkdown} from '../../source/app/keymap.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README key table is the key table', () => {
	assert.ok(readme.includes(keymapMarkdown()), 'regenerate the README keys from keymapMarkdown()');
});

test('the README metric table is the metric registry', () => {
	assert.ok(readme.includes(metricsMarkdown()), 'regenerate the README metrics from metricsMarkdown()');
});

test('the README holds the install-and-run and the test commands', () => {
	assert.match(readme, /```sh\nnpm install && npm start\n```/);
	assert.match(readme, /```sh\nnpm test\n```/);
});
