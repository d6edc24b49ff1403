// Output benchmark: bytes dbtop writes to a 160x50 terminal per second in steady state, next to
// what the same screen costs redrawn in full on every frame (and htop's, for scale).
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import {COLUMNS, findHtop, FRAME_START, loadAverage, requireBuild, ROOT, ROWS, spawnInPty} from './startup.js';

const WARM_UP_MS = 5000;
const WINDOW_MS = 30_000;
const HTOP_WINDOW_MS = 10_000;
const HARNESS = path.join(ROOT, 'dist/test/bench/full-redraw.js');
const FRAME_END = Buffer.from('\u001B[?2026l');

type Measure = {bytesPerSec: number; framesPerSec: number; bytesPerFrame: number; firstFrameBytes: number | null; seconds: number};

// Runs `command` in a pty, waits for its first frame and the warm-up, then counts bytes and frames over the window.
async function measure(command: string, windowMs: number, quitKeys = 'q'): Promise<Measure> {
	const program = spawnInPty(command, {quitKeys, keep: true});
	try {
		await program.when(Buffer.from('PID USER'));
		await sleep(WARM_UP_MS);
		const bytes = program.bytes();
		const frames = program.frames();
		const start = performance.now();
		await sleep(windowMs);
		const seconds = (performance.now() - start) / 1000;
		const windowBytes = program.bytes() - bytes;
		const windowFrames = program.frames() - frames;
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
	} finally {
		await program.stop();
	}
}

const size = (bytes: number) => (bytes >= 10_240 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes)} B`);

/** Bytes per second dbtop writes to a 160x50 terminal in steady state, against a full redraw of every frame. */
export async function benchOutput(): Promise<string[]> {
	requireBuild(HARNESS);
	const lines: string[] = [];
	const load = await loadAverage();
	const dbtop = await measure('exec dist/source/cli.js', WINDOW_MS);
	const full = await measure(`exec node ${path.relative(ROOT, HARNESS)}`, WINDOW_MS);
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
		lines.push(`dbtop's first frame is ${size(dbtop.firstFrameBytes)}, but it is drawn before any sample (mostly "collecting…"): too small to stand for a full frame, so it is not used as the yardstick`);
	}

	const {path: htopPath, notes} = await findHtop();
	lines.push(...notes);
	if (htopPath) {
		const htop = await measure(`exec ${htopPath} -d 10`, HTOP_WINDOW_MS);
		lines.push(`htop -d 10, for scale: ${size(htop.bytesPerSec)}/s (${Math.round(htop.seconds)} s after ${WARM_UP_MS / 1000} s of warm-up)`);
	}

	lines.push(
		`load average before: ${load}`,
		'method: each program runs under `script -qfec "stty cols 160 rows 50; exec <program>" /dev/null`; every byte of script\'s stdout in the window is counted; frames are counted by the synchronized-output mark (ESC[?2026h) Ink writes before each frame',
		'the full-redraw figure comes from test/bench/full-redraw.ts: the built dbtop (same runtime, App and Ink options as source/app.tsx runLive) with only `incrementalRendering: false`, run the same way right after; Ink then erases and rewrites the whole frame on every render',
	);
	return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchOutput()) {
		console.log(line);
	}
}
