// collectors → scheduler → store → views runs one way: no module imports, at run time, one that
// imports it back (type-only imports do not count: they are gone once compiled).
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(folder: string): string[] {
	return readdirSync(path.join(ROOT, folder), {withFileTypes: true}).flatMap(entry =>
		entry.isDirectory() ? sourceFiles(path.join(folder, entry.name)) : /\.tsx?$/.test(entry.name) ? [path.join(folder, entry.name)] : [],
	);
}

/** Each file's run-time imports of the project's own files. */
function importGraph(): Map<string, string[]> {
	const files = ['source', 'views', 'collectors'].flatMap(sourceFiles);
	const byStem = new Map(files.map(file => [file.replace(/\.tsx?$/, ''), file]));
	return new Map(
		files.map(file => {
			const text = readFileSync(path.join(ROOT, file), 'utf8');
			const imports = [...text.matchAll(/^import (?!type )[^'"]*?from '(\.[^']+)'/gm)].flatMap(([, spec]) => {
				const target = byStem.get(path.join(path.dirname(file), spec!).replace(/\.js$/, ''));
				return target ? [target] : [];
			});
			return [file, imports];
		}),
	);
}

test('no import cycle among the source files', () => {
	const graph = importGraph();
	assert.ok(graph.size > 50, 'the files are found');
	const cycles: string[] = [];
	const done = new Set<string>();
	const walk = (file: string, trail: string[]) => {
		const at = trail.indexOf(file);
		if (at >= 0) {
			cycles.push([...trail.slice(at), file].join(' → '));
			return;
		}

		if (done.has(file)) return;
		for (const next of graph.get(file) ?? []) walk(next, [...trail, file]);
		done.add(file);
	};

	for (const file of graph.keys()) walk(file, []);
	assert.deepEqual(cycles, []);
});
