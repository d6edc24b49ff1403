// Containers load: dbtop's own CPU at a 1 s interval with 30 running containers, next to the
// same run with no containers, on a Podman engine of the benchmark's own.
import {pathToFileURL} from 'node:url';
import {ensureImage, removeContainers, runContainer, startEngine} from '../helpers/containers.js';
import {describe, measure} from './overhead.js';
import {requireBuild} from './startup.js';

const CONTAINERS = 30;
const WINDOW_MS = 30_000;

/** Runs both measurements and returns the lines for BENCHMARKS.md. */
export async function benchContainers(): Promise<string[]> {
	requireBuild();
	const engine = await startEngine();
	if ('skip' in engine) return [`skipped: ${engine.skip}`];
	const prefix = `dbtop-bench-${process.pid}-`;
	try {
		await ensureImage(engine.docker);
		const cli = ['dist/source/cli.js', '--docker', `unix://${engine.target.target}`, '--pg', 'postgres://nobody@127.0.0.1:1/none'];
		const none = await measure(cli, 'node', WINDOW_MS);
		for (let i = 0; i < CONTAINERS; i++) await runContainer(engine.docker, `${prefix}${i}`, ['sleep', '3600']);
		const many = await measure(cli, 'node', WINDOW_MS);
		return [
			describe('dbtop, engine with no containers', none),
			describe(`dbtop, ${CONTAINERS} running containers (list, changed inspects, one-shot stats every 2 s)`, many),
			`ratio: ${(many.cpuSeconds / Math.max(none.cpuSeconds, 0.01)).toFixed(2)}x (budget: within 1.5x)`,
			`method: Podman ${CONTAINERS} busybox containers running sleep; CPU as in the overhead section over ${WINDOW_MS / 1000} s each, the same engine for both runs`,
		];
	} finally {
		await removeContainers(engine.docker, prefix);
		await engine.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchContainers()) console.log(line);
}
