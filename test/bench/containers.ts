// Containers load: dbtop's own CPU at a 1 s interval with 30 running containers, next to dbtop
// with an engine that holds none, both running at once over the same window. The second engine
// is a Podman service of the benchmark's own with a store of its own, so it is empty.
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {ensureImage, removeContainers, runContainer, startEngine, type TestEngine} from '../helpers/containers.js';
import {dbtopCommand} from './dbtop-command.js';
import {describeUsage, describeWindow, measureTogether, pct, startAll, stopAll, type Window} from './side-by-side.js';
import {COLUMNS, requireBuild, ROWS} from './terminal-harness.js';
import {findTool} from './tools.js';
import {htopSpec, ratioOf, verdict} from './budget.js';

const CONTAINERS = 30;
const WINDOW_MS = 30_000;
const WARM_UP_MS = 5000;
const NO_PG = 'postgres://nobody@127.0.0.1:1/none';

/** Runs both measurements and returns the lines for BENCHMARKS.md. */
export async function benchContainers(): Promise<string[]> {
	requireBuild();
	const engine = await startEngine();
	if ('skip' in engine) return [`skipped: ${engine.skip}`];
	const prefix = `dbtop-bench-${process.pid}-`;
	let empty: TestEngine | undefined;
	try {
		const started = await startEngine({isEmpty: true});
		if ('skip' in started) return [`skipped: no empty engine to compare with: ${started.skip}`];
		empty = started;
		await ensureImage(engine.docker);
		for (let i = 0; i < CONTAINERS; i++) await runContainer(engine.docker, `${prefix}${i}`, ['sleep', '3600']);
		const htop = await findTool('htop', 'htop');
		const programs = await startAll(
			[
				{
					label: `dbtop, ${CONTAINERS} running containers, on its Containers pane (list, changed inspects, one-shot stats every 2 s)`,
					command: dbtopCommand(['--docker', `unix://${engine.target.target}`, '--pg', NO_PG]),
					executable: 'node',
					ready: /PID USER/,
					keys: ['5'],
					shows: new RegExp(`Containers ${CONTAINERS} running`),
				},
				{
					label: 'dbtop, engine with no containers, on its Containers pane',
					command: dbtopCommand(['--docker', `unix://${empty.target.target}`, '--pg', NO_PG]),
					executable: 'node',
					ready: /PID USER/,
					keys: ['5'],
					shows: /Containers 0 running, 0 other/,
				},
				...(htop.path === null ? [] : [htopSpec(htop.path)]),
			],
			{columns: COLUMNS, rows: ROWS},
		);
		let window: Window;
		try {
			await sleep(WARM_UP_MS);
			const others: Record<string, number> = {};
			const [busy, idle] = [engine.servicePid?.(), empty.servicePid?.()];
			if (busy !== undefined && idle !== undefined) Object.assign(others, {busy, idle});
			window = await measureTogether(programs, WINDOW_MS, {others});
		} finally {
			await stopAll(programs);
		}

		const [many, none] = window.usage;
		const ratio = ratioOf(many.cpuSeconds, none.cpuSeconds);
		const yardstick = window.usage.find(usage => usage.label.startsWith('htop'));
		return [
			...(htop.path === null ? [htop.note] : []),
			`side by side at ${COLUMNS}x${ROWS}: ${describeWindow(window)}`,
			...window.usage.map(usage => `  ${describeUsage(usage, window)}`),
			...('busy' in window.others
				? [`the engines' own CPU (Podman services, apart from dbtop's): ${pct(window.others['busy']!, window.wallSeconds)} with the containers, ${pct(window.others['idle']!, window.wallSeconds)} empty`]
				: []),
			`ratio: ${ratio.toFixed(2)}x the dbtop with an empty engine · budget within 1.5x: ${verdict(ratio <= 1.5)}`,
			...(yardstick ? [`against htop in the same window: the dbtop with ${CONTAINERS} containers ${ratioOf(many.cpuSeconds, yardstick.cpuSeconds).toFixed(2)}x, the one with an empty engine ${ratioOf(none.cpuSeconds, yardstick.cpuSeconds).toFixed(2)}x`] : []),
			`method: Podman, ${CONTAINERS} busybox containers running sleep; the other dbtop points at a second Podman service (same binary and settings, a store of its own, so no containers); both dbtops and htop run at once, the dbtops each on its Containers pane (key 5, once it lists what its engine holds), each in a tmux server of its own, measured over the same ${WINDOW_MS / 1000} s window after ${WARM_UP_MS / 1000} s of warm-up, CPU of each process tree as in the overhead section`,
		];
	} finally {
		await removeContainers(engine.docker, prefix);
		await engine.stop();
		await empty?.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchContainers()) console.log(line);
}
