// Ink 6.8 turns every frame into a string by building a grid of one object per cell, tokenizing
// every styled line, slicing every line a box clips and measuring every non-ASCII character: at
// 200x50 that is most of dbtop's CPU, spent again on lines that did not change. This replaces
// Output.get() with one that builds the frame row by row: a row whose writes are the same as in
// the previous frame keeps its string, a row of plain one-column text is built by concatenation,
// a line that fits its clip is not sliced, and every other row goes through exactly the steps
// stock Ink takes (the same tokenizer, the same width function, the same cell semantics), so the
// bytes are the same. Ink's own text caches, which never forget, are bounded here too.
import * as ink from './internals.js';
import {isPlainText} from './plain-text.js';

type Clip = {x1?: number; x2?: number; y1?: number; y2?: number};
type Transformer = (line: string, index: number) => string;
type Operation =
	| {type: 'write'; x: number; y: number; text: string; transformers: Transformer[]}
	| {type: 'clip'; clip: Clip}
	| {type: 'unclip'};

/** The parts of Ink's Output instance that get() reads. */
export type OutputState = {width: number; height: number; operations: Operation[]};
/** What Output.get() returns: the frame and its height in rows. */
export type Frame = {output: string; height: number};
type AnsiCode = {type: 'ansi'; code: string; endCode: string};
type StyledChar = {type: 'char'; value: string; fullWidth: boolean; styles: AnsiCode[]};
type Token = {type: string};

/** The functions stock Output.get() uses, taken from the very modules Ink imports. */
export type TextLibraries = {
	sliceAnsi: (text: string, start: number, end?: number) => string;
	stringWidth: (text: string) => number;
	tokenize: (text: string) => Token[];
	styledCharsFromTokens: (tokens: Token[]) => StyledChar[];
	styledCharsToString: (chars: StyledChar[]) => string;
	reduceAnsiCodesIncremental: (codes: AnsiCode[], newCodes: AnsiCode[]) => AnsiCode[];
	diffAnsiCodes: (from: AnsiCode[], to: AnsiCode[]) => AnsiCode[];
	ansiCodesToString: (codes: AnsiCode[]) => string;
};

/** Output's class as far as the fix touches it. */
export type OutputClass = {prototype: {get(this: OutputState): Frame}};

/**
 * How many entries a text cache may hold before it is emptied: several frames' worth of texts (a
 * 200x50 frame has a few hundred text nodes). Unbounded, Ink's measure-text cache keeps every text
 * it ever measured: each process row whose numbers moved is a new one, about 40 a second at 200x50.
 */
export const CACHE_LIMIT = 2000;
// Distinct frame sizes whose rows are kept (a resize, the static output, a second instance).
const SIZES_KEPT = 4;
// The versions of Ink whose Output.get(), measure-text and wrap-text this was checked against;
// on any other, Ink is left as it is (the test of the fix then fails, asking for a new check).
const VERIFIED_INK = new Set(['6.8.0']);

/** A Map that empties itself when it would grow past `limit` entries. */
function boundedMap<K, V>(limit: number) {
	const map = new Map<K, V>();
	return {
		get: (key: K) => map.get(key),
		set(key: K, value: V) {
			if (map.size >= limit) map.clear();
			map.set(key, value);
		},
		get size() {
			return map.size;
		},
	};
}

// The writes that landed in one row, in order: their columns and their final (clipped and
// transformed) text, and the row's string built from them.
type Row = {xs: number[]; lines: string[]; text: string};

const BLANK: StyledChar = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) as unknown as AnsiCode[]}) as StyledChar;
const ESC = 0x1b;

// Where the SGR sequence starting at `index` (an ESC) ends, as ansi-tokenize reads one: `ESC [`,
// digits and semicolons, `m`. -1 when it is not one.
function sgrEnd(text: string, index: number): number {
	if (text.charCodeAt(index + 1) !== 0x5b) return -1;
	for (let at = index + 2; at < text.length; at++) {
		const code = text.charCodeAt(at);
		if (code === 0x6d) return at + 1;
		if (code !== 0x3b && (code < 0x30 || code > 0x39)) return -1;
	}

	return -1;
}

const sameStyles = (a: AnsiCode[], b: AnsiCode[]): boolean => {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let index = 0; index < a.length; index++) {
		if (a[index]!.code !== b[index]!.code || a[index]!.endCode !== b[index]!.endCode) return false;
	}

	return true;
};

function sameWrites(row: Row, xs: number[], lines: string[]): boolean {
	if (row.xs.length !== xs.length) return false;
	for (let index = 0; index < xs.length; index++) {
		if (row.xs[index] !== xs[index] || row.lines[index] !== lines[index]) return false;
	}

	return true;
}

/** Sizes of the caches a frame renderer keeps, for tests and the benchmark. */
export type CacheSizes = {sizes: number; rows: number; widths: number; slices: number; graphemes: number};

/** A replacement for Output.get(): returns the same frame, reusing the rows that did not change. */
export function createFrameRenderer(libraries: TextLibraries) {
	const {sliceAnsi, stringWidth, tokenize, styledCharsFromTokens, reduceAnsiCodesIncremental, diffAnsiCodes, ansiCodesToString} = libraries;
	const sgrCodes = boundedMap<string, AnsiCode[]>(CACHE_LIMIT);
	const rowsBySize = new Map<string, Array<Row | undefined>>();
	const lineWidths = boundedMap<string, number>(CACHE_LIMIT);
	const graphemeWidths = boundedMap<string, number>(CACHE_LIMIT);
	const slices = boundedMap<string, {from: number; to: number; text: string}>(CACHE_LIMIT);
	const blanks: string[] = [];

	const widthOf = (line: string): number => {
		if (isPlainText(line, stringWidth)) return line.length;
		let width = lineWidths.get(line);
		if (width === undefined) {
			width = stringWidth(line);
			lineWidths.set(line, width);
		}

		return width;
	};

	const graphemeWidth = (value: string): number => {
		let width = graphemeWidths.get(value);
		if (width === undefined) {
			width = stringWidth(value);
			graphemeWidths.set(value, width);
		}

		return width;
	};

	// Stock slices every line of a clipped write with slice-ansi; a plain line that fits is
	// returned as it is and a plain line that does not is cut by index, which is what slice-ansi
	// returns for such text (one column and one grapheme per character, no escapes).
	const clipLine = (line: string, from: number, to: number, width: number): string => {
		const isPlain = isPlainText(line, stringWidth);
		if (isPlain && from === 0 && to === width) return line;
		if (isPlain && Number.isInteger(from) && Number.isInteger(to)) return line.slice(from, to);
		const cached = slices.get(line);
		if (cached !== undefined && cached.from === from && cached.to === to) return cached.text;
		const text = sliceAnsi(line, from, to);
		slices.set(line, {from, to, text});
		return text;
	};

	const blank = (width: number): string => (blanks[width] ??= ' '.repeat(width));

	// A row of plain writes that all lie inside it: characters replace blanks one for one.
	const plainRow = (width: number, xs: number[], lines: string[]): string | undefined => {
		let text = blank(width);
		for (let index = 0; index < xs.length; index++) {
			const x = xs[index]!;
			const line = lines[index]!;
			if (!Number.isInteger(x) || x < 0 || x + line.length > width || !isPlainText(line, stringWidth)) return undefined;
			if (line.length > 0) text = text.slice(0, x) + line + text.slice(x + line.length);
		}

		return text.trimEnd();
	};

	// ansi-tokenize's styled characters for a line of plain characters and SGR sequences, without
	// its grapheme segmenter: each plain character is a grapheme of its own, and its styles are the
	// sequences before it reduced the way ansi-tokenize reduces them. Undefined for any other line.
	const plainStyledChars = (line: string): StyledChar[] | undefined => {
		const characters: StyledChar[] = [];
		let styles: AnsiCode[] = [];
		for (let index = 0; index < line.length; index++) {
			const code = line.charCodeAt(index);
			if (code === ESC) {
				const end = sgrEnd(line, index);
				if (end === -1) return undefined;
				const sequence = line.slice(index, end);
				let codes = sgrCodes.get(sequence);
				if (codes === undefined) {
					codes = tokenize(sequence) as AnsiCode[];
					sgrCodes.set(sequence, codes);
				}

				styles = reduceAnsiCodesIncremental(styles, codes);
				index = end - 1;
				continue;
			}

			if (!((code >= 0x20 && code < 0x7f) || isPlainText(line[index]!, stringWidth))) return undefined;
			characters.push({type: 'char', value: line[index]!, fullWidth: false, styles});
		}

		return characters;
	};

	// styledCharsToString, which diffs the styles of every pair of neighbours: neighbours with the
	// same styles need no codes between them, so they are not diffed.
	const serialize = (cells: StyledChar[]): string => {
		let text = '';
		for (let index = 0; index < cells.length; index++) {
			const cell = cells[index]!;
			if (index === 0) text += ansiCodesToString(cell.styles);
			else {
				const previous = cells[index - 1]!.styles;
				if (!sameStyles(previous, cell.styles)) text += ansiCodesToString(diffAnsiCodes(previous, cell.styles));
			}

			text += cell.value;
			if (index === cells.length - 1 && cell.styles.length > 0) text += ansiCodesToString(diffAnsiCodes(cell.styles, []));
		}

		return text;
	};

	// Any other row: the cells stock Ink fills, filled the same way, then serialized the same way.
	const cellRow = (width: number, xs: number[], lines: string[]): string => {
		const cells: StyledChar[] = [];
		for (let x = 0; x < width; x++) cells.push(BLANK);
		for (let index = 0; index < xs.length; index++) {
			let offsetX = xs[index]!;
			const line = lines[index]!;
			for (const character of plainStyledChars(line) ?? styledCharsFromTokens(tokenize(line))) {
				cells[offsetX] = character;
				const characterWidth = Math.max(1, graphemeWidth(character.value));
				for (let cell = 1; cell < characterWidth; cell++) {
					cells[offsetX + cell] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
				}

				offsetX += characterWidth;
			}
		}

		return serialize(cells.filter(cell => cell !== undefined)).trimEnd();
	};

	const rowsFor = (width: number, height: number): Array<Row | undefined> => {
		const key = `${width}x${height}`;
		let rows = rowsBySize.get(key);
		if (rows === undefined) {
			if (rowsBySize.size >= SIZES_KEPT) rowsBySize.delete(rowsBySize.keys().next().value!);
			rows = [];
			rowsBySize.set(key, rows);
		}

		return rows;
	};

	function get(this: OutputState): Frame {
		// Stock's grid has as many rows and cells as its loops `for (i = 0; i < size; i++)` make.
		const height = this.height > 0 ? Math.ceil(this.height) : 0;
		const width = this.width > 0 ? Math.ceil(this.width) : 0;
		const writtenXs: number[][] = [];
		const writtenLines: string[][] = [];
		for (let y = 0; y < height; y++) {
			writtenXs.push([]);
			writtenLines.push([]);
		}

		const clips: Clip[] = [];
		for (const operation of this.operations) {
			if (operation.type === 'clip') clips.push(operation.clip);
			if (operation.type === 'unclip') clips.pop();
			if (operation.type !== 'write') continue;
			const {text, transformers} = operation;
			let {x, y} = operation;
			let lines = text.split('\n');
			let tos: number[] | undefined;
			let widths: number[] | undefined;
			let from = 0;
			const clip = clips.at(-1);
			if (clip) {
				const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
				const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
				if (clipHorizontally) {
					widths = lines.map(widthOf);
					let widest = 0;
					for (const lineWidth of widths) widest = Math.max(widest, lineWidth);
					if (x + widest < clip.x1! || x > clip.x2!) continue;
				}

				if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
				if (clipHorizontally) {
					from = x < clip.x1! ? clip.x1! - x : 0;
					tos = widths!.map(lineWidth => (x + lineWidth > clip.x2! ? clip.x2! - x : lineWidth));
					if (x < clip.x1!) x = clip.x1!;
				}

				if (clipVertically) {
					const first = y < clip.y1! ? clip.y1! - y : 0;
					const count = lines.length;
					const end = y + count > clip.y2! ? clip.y2! - y : count;
					lines = lines.slice(first, end);
					tos = tos?.slice(first, end);
					widths = widths?.slice(first, end);
					if (y < clip.y1!) y = clip.y1!;
				}
			}

			// Stock skips a line whose row does not exist without moving on to the next row, so
			// a write that starts outside the grid writes nothing at all.
			if (!Number.isInteger(y) || y < 0 || y >= height) continue;
			for (let index = 0; index < lines.length && y + index < height; index++) {
				let line = tos ? clipLine(lines[index]!, from, tos[index]!, widths![index]!) : lines[index]!;
				for (const transformer of transformers) line = transformer(line, index);
				writtenXs[y + index]!.push(x);
				writtenLines[y + index]!.push(line);
			}
		}

		const rows = rowsFor(width, height);
		let output = '';
		for (let y = 0; y < height; y++) {
			const xs = writtenXs[y]!;
			const lines = writtenLines[y]!;
			let row = rows[y];
			if (row === undefined || !sameWrites(row, xs, lines)) {
				row = {xs, lines, text: plainRow(width, xs, lines) ?? cellRow(width, xs, lines)};
				rows[y] = row;
			}

			output += y === 0 ? row.text : `\n${row.text}`;
		}

		return {output, height};
	}

	const cacheSizes = (): CacheSizes => {
		let rows = 0;
		for (const kept of rowsBySize.values()) rows += kept.length;
		return {sizes: rowsBySize.size, rows, widths: lineWidths.size, slices: slices.size, graphemes: graphemeWidths.size};
	};

	return {get, cacheSizes};
}

/** Ink's module-level text caches, reached once so that they can be emptied when they grow. */
export type InkCaches = {measureText?: Map<string, unknown>; wrapText?: Record<string, string>};

// measure-text.js and wrap-text.js keep their caches in module variables nobody else can see. One
// call with a key nobody else uses, while Map.prototype.get (measure) or an Object.prototype
// accessor (wrap) notes who is asked for that key, hands over the cache objects themselves.
function findInkCaches(
	measureText: (text: string) => unknown,
	wrapText: (text: string, maxWidth: number, wrapType: string) => string,
): InkCaches {
	const caches: InkCaches = {};
	const probe = `\u0000dbtop-cache-probe-${process.pid}-${Date.now()}`;
	const mapGet = Map.prototype.get;
	Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
		if (key === probe) caches.measureText = this as Map<string, unknown>;
		return mapGet.call(this, key);
	};

	try {
		measureText(probe);
	} finally {
		Map.prototype.get = mapGet;
	}

	caches.measureText?.delete(probe);
	const wrapKey = `${probe}1wrap`;
	Object.defineProperty(Object.prototype, wrapKey, {
		configurable: true,
		get(this: Record<string, string>) {
			caches.wrapText = this;
			return undefined;
		},
		set() {},
	});
	try {
		wrapText(probe, 1, 'wrap');
	} finally {
		delete (Object.prototype as Record<string, unknown>)[wrapKey];
	}

	if (caches.wrapText) delete caches.wrapText[wrapKey];
	return caches;
}

/** Empties Ink's text caches that grew past their limits; wrap-text's keys are counted every 64th call. */
export function createCacheBound(caches: InkCaches, limits = {measure: CACHE_LIMIT, wrap: CACHE_LIMIT}) {
	let calls = 0;
	return () => {
		const {measureText, wrapText} = caches;
		if (measureText && measureText.size > limits.measure) measureText.clear();
		if (wrapText && calls++ % 64 === 0) {
			const keys = Object.keys(wrapText);
			if (keys.length > limits.wrap) {
				for (const key of keys) delete wrapText[key];
			}
		}
	};
}

/** Ink's Output class, its stock get(), the libraries it uses and its text caches, from the copy of Ink this program runs. */
export function loadInkOutput() {
	const Output = ink.Output as unknown as OutputClass;
	const libraries: TextLibraries = {
		sliceAnsi: ink.sliceAnsi,
		stringWidth: ink.stringWidth,
		tokenize: ink.tokenize,
		styledCharsFromTokens: ink.styledCharsFromTokens as unknown as TextLibraries['styledCharsFromTokens'],
		styledCharsToString: ink.styledCharsToString as unknown as TextLibraries['styledCharsToString'],
		reduceAnsiCodesIncremental: ink.reduceAnsiCodesIncremental,
		diffAnsiCodes: ink.diffAnsiCodes,
		ansiCodesToString: ink.ansiCodesToString,
	};
	const stock = (STOCK_GET in Output.prototype ? (Output.prototype as Record<symbol, unknown>)[STOCK_GET] : Output.prototype.get) as OutputClass['prototype']['get'];
	return {
		version: ink.inkPackage.version,
		isVerified: VERIFIED_INK.has(ink.inkPackage.version),
		Output,
		stockGet: stock,
		libraries,
		findCaches: () => findInkCaches(ink.measureText, ink.wrapText as (text: string, maxWidth: number, wrapType: string) => string),
	};
}

const STOCK_GET = Symbol.for('dbtop.stock-output-get');

/** Installs the row-based Output.get() into Ink (only the Ink versions it was verified against); true when installed. */
export function installOutputFix(): boolean {
	const loaded = loadInkOutput();
	if (!loaded.isVerified) return false;
	const prototype = loaded.Output.prototype as OutputClass['prototype'] & Record<symbol, unknown>;
	if (STOCK_GET in prototype) return true;
	const renderer = createFrameRenderer(loaded.libraries);
	const bound = createCacheBound(loaded.findCaches());
	prototype[STOCK_GET] = prototype.get;
	prototype.get = function (this: OutputState) {
		bound();
		return renderer.get.call(this);
	};
	return true;
}
