import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
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

test('the README\'s layout names every source file where it is, and no file that is not there', () => {
	const built = readme.slice(readme.indexOf('## How it is built'));
	const block = built.slice(built.indexOf('```\n') + 4, built.indexOf('\n```', built.indexOf('```\n') + 4));
	const named = new Map<string, Set<string>>();
	let folder = '';
	for (const line of block.split('\n')) {
		const start = /^(\S+\/)\s/.exec(line);
		if (start) folder = start[1]!;
		const files = named.get(folder) ?? new Set<string>();
		for (const [name] of line.matchAll(/[\w.-]+\.tsx?\b/g)) files.add(name);
		named.set(folder, files);
	}

	const root = new URL('../../', import.meta.url);
	for (const folder of ['collectors/', 'source/app/', 'source/store/', 'source/alerts/', 'source/postgres/', 'source/ring/', 'source/']) {
		const present = readdirSync(new URL(folder, root)).filter(name => /\.tsx?$/.test(name));
		const listed = named.get(folder) ?? new Set();
		assert.deepEqual([...listed].filter(name => !present.includes(name)), [], `named under ${folder} but not there`);
		assert.deepEqual(present.filter(name => !listed.has(name)), [], `in ${folder} but not named in the README`);
	}
});
