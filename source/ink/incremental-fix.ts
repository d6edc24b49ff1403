// Ink 6.8's incremental renderer moves the cursor up one line too few when the previous frame
// ended with a newline (every frame shorter than the terminal does), so each redraw starts one
// line low and the top line is left behind as garbage. This wraps Ink's own log-update so that
// redraw starts where the previous frame did; everything else stays Ink's.
import {logUpdate} from './internals.js';

type LogOptions = {showCursor?: boolean; incremental?: boolean};
type Log = ((text: string) => boolean) & {
	clear(): void;
	done(): void;
	sync(text: string): void;
	setCursorPosition(position: unknown): void;
	isCursorDirty(): boolean;
	willRender(text: string): boolean;
};
type LogUpdate = {create(stream: NodeJS.WriteStream, options?: LogOptions): Log};

const CURSOR_UP = /^\u001B\[(\d+)A/;

/** Wraps a log so that an incremental redraw after a newline-terminated frame climbs one line more. */
export function fixIncrementalLog(create: LogUpdate['create']): LogUpdate['create'] {
	return (stream, options = {}) => {
		if (!options.incremental) {
			return create(stream, options);
		}

		let previousEndsWithNewline = false;
		let isRedrawing = false;
		const proxy = Object.create(stream) as NodeJS.WriteStream;
		proxy.write = ((chunk: unknown, ...rest: unknown[]) => {
			let text = chunk;
			if (isRedrawing && typeof chunk === 'string') {
				text = chunk.replace(CURSOR_UP, (_match, count: string) => `\u001B[${Number(count) + 1}A`);
			}

			isRedrawing = false;
			return (stream.write as (...args: unknown[]) => boolean)(text, ...rest);
		}) as NodeJS.WriteStream['write'];

		const log = create(proxy, options);
		const render = ((text: string) => {
			isRedrawing = previousEndsWithNewline;
			const hasWritten = log(text);
			isRedrawing = false;
			if (hasWritten) {
				previousEndsWithNewline = text.endsWith('\n');
			}

			return hasWritten;
		}) as Log;
		render.clear = () => {
			previousEndsWithNewline = false;
			log.clear();
		};

		render.done = () => {
			previousEndsWithNewline = false;
			log.done();
		};

		render.sync = text => {
			previousEndsWithNewline = text.endsWith('\n');
			log.sync(text);
		};

		render.setCursorPosition = position => log.setCursorPosition(position);
		render.isCursorDirty = () => log.isCursorDirty();
		render.willRender = text => log.willRender(text);
		return render;
	};
}

const installed = new WeakSet<LogUpdate['create']>();

/** Installs the fix (once) into the log-update module Ink uses; call before the first render. */
export function installIncrementalFix(): void {
	const module = logUpdate as unknown as LogUpdate;
	if (installed.has(module.create)) return;
	module.create = fixIncrementalLog(module.create);
	installed.add(module.create);
}
