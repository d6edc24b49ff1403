// Benchmark harness, run bundled (node dist/test/bench/full-redraw.js) by output.ts: dbtop's live
// monitor as the CLI starts it, but with incremental rendering off, so every frame is a full
// redraw. Not a test, not a bench.
import packageJson from '../../package.json' with {type: 'json'};

// As source/app/cli.tsx does before Ink loads; bundled by build.js like the command line, with React's production build.
delete process.env['CI'];
delete process.env['CONTINUOUS_INTEGRATION'];

const {runLive} = await import('../../source/app/app.js');
const {toOptions} = await import('../../source/app/options.js');
await runLive(toOptions({interval: process.argv.slice(2)}, process.env), packageJson.version, false);
process.exit(0);
