// Benchmark harness, run compiled (node dist/test/bench/full-redraw.js) by output.ts: dbtop's live
// monitor exactly as source/app.tsx runLive starts it (same runtime, same App, same Ink options)
// except `incrementalRendering: false`, so every frame is a full redraw. Not a test, not a bench.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {ROOT} from './startup.js';

process.env['NODE_ENV'] ??= 'production';
delete process.env['CI'];
delete process.env['CONTINUOUS_INTEGRATION'];

// Loaded after NODE_ENV is set, as source/cli.tsx does: React's development build costs CPU.
const {createElement} = await import('react');
const {render} = await import('ink');
const {createRuntime} = await import('../../source/app.js');
const {installIncrementalFix} = await import('../../source/ink-incremental-fix.js');
const {toOptions} = await import('../../source/options.js');
const {App} = await import('../../views/App.js');
const {CommandContextValue, StoreContext} = await import('../../views/StoreContext.js');

const {version} = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {version: string};
const options = toOptions({interval: process.argv.slice(2)}, process.env);
// As runLive does; the fix only touches incremental rendering, so this is a no-op here.
await installIncrementalFix();
const {store, scheduler} = createRuntime(options);
let instance: ReturnType<typeof render> | undefined;
let isExiting = false;
const exit = () => {
	if (!isExiting) {
		isExiting = true;
		instance?.unmount();
	}
};

process.stdout.write('\u001B[?1049h');
const restore = () => process.stdout.write('\u001B[?1049l');
process.once('exit', restore);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
	process.once(signal, exit);
}

instance = render(
	createElement(
		StoreContext.Provider,
		{value: store},
		createElement(CommandContextValue.Provider, {value: {scheduler, exit}}, createElement(App, {version})),
	),
	{exitOnCtrlC: false, incrementalRendering: false, patchConsole: true, maxFps: 10},
);
scheduler.start();
try {
	await instance.waitUntilExit();
} finally {
	await scheduler.stop();
}

process.exit(0);
