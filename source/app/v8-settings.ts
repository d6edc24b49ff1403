// V8's settings for a monitor that stays up for hours, however dbtop is started (the bin,
// `node dist/dbtop.js`, `npm start`). This module is imported first by cli.tsx, before
// anything that allocates much. Both settings were measured side by side against the defaults.
// - A small young generation: a monitor allocates little per tick. V8 sizes its heap before any
//   JavaScript runs, so --max-semi-space-size set from here changes nothing (the new space still
//   grows to 32 MB); a growth factor of 1 does take effect, and keeps the semi-spaces at their
//   initial 1 MB. On the command line, as a shebang, a heap flag cost about 25 ms more CPU at
//   start-up (Node's code cache for its built-in modules seems not to be used then). An explicit
//   --max-semi-space-size (command line or NODE_OPTIONS) is left to decide.
// - --optimize-for-size: on the Sessions pane with a database, resident memory stayed flat where
//   with the default it kept drifting up, for a quarter less CPU (given on the command line
//   instead, the same flag cost 15% more CPU). The memory soak in BENCHMARKS.md has the figures.
import v8 from 'node:v8';

const FLAG = /--max-semi-space-size\b/;

if (!process.execArgv.some(arg => FLAG.test(arg)) && !FLAG.test(process.env['NODE_OPTIONS'] ?? '')) {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
}

v8.setFlagsFromString('--optimize-for-size');
