// `npm run build`: bundles the command line into one ESM file, dist/dbtop.js, so that
// start-up reads one file instead of resolving and loading a hundred-odd packages (type checking
// is `tsc --noEmit`, run first by the same script in package.json).
//
// - React, Ink's reconciler and the scheduler are bundled as their production builds:
//   process.env.NODE_ENV is "production" at bundle time, so the development builds are not even
//   in the file.
// - pg stays in node_modules: dbtop imports it only when it first needs it (a Postgres
//   connection). The container engine is reached with Node's own http (collectors/engine-api.ts).
// - Ink's internal modules that dbtop patches are imported by path (source/ink/internals.ts), so
//   the bundle holds one instance of each, shared by Ink and the patch.
// - Three small patches, each explained below: Ink's devtools stay out, yoga decodes its wasm
//   itself, widest-line counts plain lines by their length.
import {chmodSync, rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

// Ink imports its devtools module (which imports ws and the optional react-devtools-core) only
// when DEV=true: it stays out of the bundle, and such an import finds react-devtools-core in
// node_modules or fails the way Ink reports.
const withoutInkDevtools = {
	name: 'without-ink-devtools',
	setup(build) {
		build.onResolve({filter: /^\.\/devtools\.js$/}, args => (/[/\\]node_modules[/\\]ink[/\\]/.test(args.importer) ? {path: 'react-devtools-core', external: true} : undefined));
	},
};

// yoga-layout's Emscripten loader reads its embedded wasm (a base64 data: URL) with fetch()
// whenever fetch exists, and the first fetch() loads Node's undici: 35–75 ms measured here, on
// the way to the first frame. Its own synchronous base64 decoding is used instead.
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(build) {
		build.onLoad({filter: /[/\\]yoga-layout[/\\].*yoga-wasm-base64-esm\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			const check = '"function"!=typeof fetch?Promise.resolve()';
			if (!text.includes(check)) throw new Error(`${args.path}: "${check}" not found: see build.js`);
			return {contents: text.replace(check, 'true?Promise.resolve()'), loader: 'js'};
		});
	},
};

// Ink's render walk measures the widest line of every text node on every frame with string-width,
// uncached; for a row holding one character beyond ASCII (`…`, `·`, box drawing) string-width
// segments it into graphemes, which was a quarter of dbtop's CPU on the Sessions pane at 200x50.
// widest-line gets a string-width that counts a plain line by its length
// (source/ink/plain-string-width.ts, the same widths: tested there).
const plainWidthForWidestLine = {
	name: 'plain-width-for-widest-line',
	setup(build) {
		build.onResolve({filter: /^string-width$/}, args =>
			/[/\\]node_modules[/\\]widest-line[/\\]/.test(args.importer) ? {path: fileURLToPath(new URL('source/ink/plain-string-width.ts', import.meta.url))} : undefined,
		);
	},
};

const shared = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	// Only what dbtop imports itself, lazily.
	external: ['pg'],
	plugins: [withoutInkDevtools, yogaWithoutFetch, plainWidthForWidestLine],
	define: {'process.env.NODE_ENV': '"production"'},
	// The CommonJS packages in the bundle call require() for Node's built-in modules.
	banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
	legalComments: 'none',
	logLevel: 'warning',
};

rmSync('dist', {recursive: true, force: true});
await build({...shared, entryPoints: {dbtop: 'source/app/cli.tsx', 'test/bench/full-redraw': 'test/bench/full-redraw.ts'}, outdir: 'dist'});
chmodSync('dist/dbtop.js', 0o755);
