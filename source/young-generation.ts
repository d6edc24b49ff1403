// Keeps V8's young generation small, however dbtop is started. A monitor allocates little per
// tick, and a small young generation halves its private memory (about 100 MB resident instead of
// 155 MB) for a little more garbage-collection time. The bin's shebang passes
// --max-semi-space-size=2, but `node dist/source/cli.js` drops it, and V8 sizes its heap before any
// JavaScript runs: setting that flag from here changes nothing (measured: the new space still grows
// to 32 MB). The growth factor is read whenever the new space would grow, so at 1 it stays at its
// initial 1 MB semi-spaces, within the 2 MB the flag allows. This module is imported first by
// cli.tsx, before anything that allocates much.
import v8 from 'node:v8';

const FLAG = /--max-semi-space-size\b/;

if (!process.execArgv.some(arg => FLAG.test(arg)) && !FLAG.test(process.env['NODE_OPTIONS'] ?? '')) {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
}
