// Output benchmark: bytes dbtop writes to a 160x50 terminal per second in steady state, next to
// what the same screen costs redrawn in full on every frame (and htop's, for scale), all three
// running at once over the same window.
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {dbtopShellCommand} from './dbtop-command.js';
import {loadAverage} from './process-tree.js';
import {COLUMNS, FRAME_START, requireBuild, ROOT, ROWS, spawnInPty} from './terminal-harness.js';
import {findTool} from './tools.js';

const WARM_UP_MS = 5000;
const WINDOW_MS = 30_000;
const HARNESS = path.join(ROOT, 'dist/test/bench/full-redraw.js');
const FRAME_END = Buffer.from('\u001B[?2026l');

type Measure = {bytesPerSec: number; framesPerSec: number; bytesPerFrame: number; firstFrameBytes: number | null; seconds: number};

// Runs every command in a pty of its own, all at once; after each has drawn its first frame and the
// warm-up has passed, counts every program's bytes and frames over the same window.
async function measureTogether(commands: readonly string[], windowMs: number): Promise<Measure[]> {
	const programs = commands.map(command => spawnInPty(command, {quitKeys: 'q', keep: true}));
	try {
		await Promise.all(programs.map(async program => program.when(Buffer.from('PID USER'))));
		await sleep(WARM_UP_MS);
		const before = programs.map(program => ({bytes: program.bytes(), frames: program.frames()}));
		const start = performance.now();
		await sleep(windowMs);
		const seconds = (performance.now() - start) / 1000;
		return programs.map((program, index) => {
			const windowBytes = program.bytes() - before[index].bytes;
			const windowFrames = program.frames() - before[index].frames;
			// The first frame: everything up to the end of the first synchronized-output block.
			const output = program.output();
			const first = output.indexOf(FRAME_START);
			const end = first >= 0 ? output.indexOf(FRAME_END, first) : -1;
			return {
				bytesPerSec: windowBytes / seconds,
				framesPerSec: windowFrames / seconds,
				bytesPerFrame: windowFrames > 0 ? windowBytes / windowFrames : 0,
				firstFrameBytes: end >= 0 ? end + FRAME_END.length : null,
				seconds,
			};
		});
	} finally {
		await Promise.all(programs.map(async program => program.stop()));
	}
}

const size = (bytes: number) => (bytes >= 10_240 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes)} B`);

/** Bytes per second dbtop writes to a 160x50 terminal in steady state, against a full redraw of every frame. */
export async function benchOutput(): Promise<string[]> {
	requireBuild(HARNESS);
	const lines: string[] = [];
	const load = await loadAverage();
	const htop = await findTool('htop', 'htop');
	const [dbtop, full, htopMeasure] = await measureTogether(
		[`exec ${dbtopShellCommand()}`, `exec node ${path.relative(ROOT, HARNESS)}`, ...(htop.path === null ? [] : [`exec ${htop.path} -d 10`])],
		WINDOW_MS,
	);
	const seconds = Math.round(dbtop.seconds);
	lines.push(
		`dbtop (incremental rendering): ${size(dbtop.bytesPerSec)}/s · ${dbtop.framesPerSec.toFixed(2)} frames/s · ${size(dbtop.bytesPerFrame)} per frame (${COLUMNS}x${ROWS}, interval 1 s, ${seconds} s after ${WARM_UP_MS / 1000} s of warm-up)`,
		`same screen redrawn in full every frame: ${size(full.bytesPerSec)}/s · ${full.framesPerSec.toFixed(2)} frames/s · ${size(full.bytesPerFrame)} per frame (measured: see method)`,
	);
	if (full.bytesPerFrame > 0) {
		const equivalent = dbtop.framesPerSec * full.bytesPerFrame;
		lines.push(
			`dbtop writes ${((dbtop.bytesPerSec / equivalent) * 100).toFixed(0)}% of what full redraws of its own frames would cost (${size(equivalent)}/s = its ${dbtop.framesPerSec.toFixed(2)} frames/s × ${size(full.bytesPerFrame)} per full frame) · target: well under a full redraw`,
		);
	}

	if (dbtop.firstFrameBytes !== null) {
		lines.push(`dbtop's first frame is ${size(dbtop.firstFrameBytes)}, drawn once the process list is in; the yardstick is the full redraw of later frames, which hold the host's meters and rates too`);
	}

	if (htop.path === null) {
		lines.push(htop.note);
	} else {
		lines.push(`htop -d 10, for scale: ${size(htopMeasure.bytesPerSec)}/s (same window)`);
	}

	lines.push(
		`load average before: ${load}`,
		`method: each program runs under \`script -qfec "stty cols ${COLUMNS} rows ${ROWS}; exec <program>" /dev/null\`, all at once; after each has drawn its first frame and ${WARM_UP_MS / 1000} s of warm-up, every byte of each script's stdout in the same window is counted; frames are counted by the synchronized-output mark (ESC[?2026h) Ink writes before each frame`,
		'the full-redraw figure comes from test/bench/full-redraw.ts: the built dbtop (same runtime, App and Ink options as source/app/app.tsx runLive) with only `incrementalRendering: false`, running alongside; Ink then erases and rewrites the whole frame on every render',
	);
	return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchOutput()) {
		console.log(line);
	}
}
