// Which text is plain: every character one terminal column wide, its own grapheme whatever
// stands next to it, and no escape. A plain line is as wide as it is long, so the costly width
// functions (grapheme segmentation, emoji and East Asian width tables) can be skipped for it.
// Both the row-based output (output-fix.ts) and the width Ink's render walk measures
// (plain-string-width.ts) ask here.

// One entry per UTF-16 code unit below U+3000: 1 if that character is one column wide, is its own
// grapheme next to any other such character and carries no escape, 2 if not, 0 if not yet known.
// Beyond U+3000 (CJK, surrogates, half-width forms) nothing is treated as plain.
const PLAIN_LIMIT = 0x30_00;
const plainTable = new Uint8Array(PLAIN_LIMIT);
const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
const NOT_PLAIN = /[\p{M}\p{C}\p{Zl}\p{Zp}]/u;

function graphemeCount(text: string): number {
	let count = 0;
	for (const _ of segmenter.segment(text)) count++;
	return count;
}

function classify(code: number, stringWidth: (text: string) => number): number {
	const character = String.fromCharCode(code);
	const isPlain =
		stringWidth(character) === 1 &&
		!NOT_PLAIN.test(character) &&
		// Joins with nothing around it: not a mark, a prepend, a Hangul jamo or a spacing vowel.
		graphemeCount(`a${character}`) === 2 &&
		graphemeCount(`${character}a`) === 2 &&
		graphemeCount(character + character) === 2;
	return isPlain ? 1 : 2;
}

/** True when every character of `text` is plain: one column, its own grapheme, no escape. */
export function isPlainText(text: string, stringWidth: (text: string) => number): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x20 && code < 0x7f) continue;
		if (code < 0xa0 || code >= PLAIN_LIMIT) return false;
		let kind = plainTable[code]!;
		if (kind === 0) {
			kind = classify(code, stringWidth);
			plainTable[code] = kind;
		}

		if (kind !== 1) return false;
	}

	return true;
}
