// Terminal widths of text, and cells cut and padded to an exact width. A CJK character or an
// emoji takes two columns, a combining mark none; text is cut between graphemes, never inside
// one (an emoji cut in half is U+FFFD on screen). Widths agree with Ink's own (string-width),
// so a row this makes exactly `width` columns wide is never cut or wrapped again by Ink.
import stringWidth from 'string-width';
import plainStringWidth from '../source/ink/plain-string-width.js';
import {isPlainText} from '../source/ink/plain-text.js';

// Plain text (every character one column and its own grapheme: ASCII, `…`, `·`, box drawing) is
// as wide as it is long and can be cut anywhere: the case of nearly every cell.
const isPlain = (text: string) => isPlainText(text, stringWidth);

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Columns a string takes on a terminal (string-width's answer, counted by length for plain text). */
export const textWidth = plainStringWidth;

/** How a value too wide for its cell is cut: its end gives way (`abc…`), or its start (`…xyz`, deep tree branches). */
export type Cut = 'end' | 'start';

/** Which side of its cell a value keeps to. */
export type Align = 'left' | 'right';

// The longest run of whole graphemes at one end of the text that fits in `room` columns.
function take(text: string, room: number, keep: 'start' | 'end'): {text: string; width: number} {
	const parts = Array.from(graphemes.segment(text), part => part.segment);
	if (keep === 'end') parts.reverse();
	let width = 0;
	let count = 0;
	for (const part of parts) {
		const partWidth = stringWidth(part);
		if (width + partWidth > room) break;
		width += partWidth;
		count++;
	}

	const kept = parts.slice(0, count);
	return {text: (keep === 'end' ? kept.reverse() : kept).join(''), width};
}

/** A value cut to at most `width` columns with `…` where it was cut, and its width. */
export function cutToWidth(text: string, width: number, cut: Cut = 'end'): {text: string; width: number} {
	if (width <= 0) return {text: '', width: 0};
	const full = textWidth(text);
	if (full <= width) return {text, width: full};
	if (isPlain(text)) {
		return {text: cut === 'end' ? `${text.slice(0, width - 1)}…` : `…${text.slice(text.length - width + 1)}`, width};
	}

	const kept = take(text, width - 1, cut === 'end' ? 'start' : 'end');
	return {text: cut === 'end' ? `${kept.text}…` : `…${kept.text}`, width: kept.width + 1};
}

/** A value as a cell of exactly `width` columns: cut on a grapheme boundary with `…`, padded with spaces on the side away from its alignment. */
export function fit(text: string, width: number, align: Align = 'left', cut: Cut = 'end'): string {
	if (width <= 0) return '';
	if (isPlain(text)) {
		if (text.length > width) return cut === 'end' ? `${text.slice(0, width - 1)}…` : `…${text.slice(text.length - width + 1)}`;
		return align === 'left' ? text.padEnd(width, ' ') : text.padStart(width, ' ');
	}

	const kept = cutToWidth(text, width, cut);
	const padding = ' '.repeat(width - kept.width);
	return align === 'left' ? kept.text + padding : padding + kept.text;
}

/**
 * Text as lines of at most `width` columns: broken at a space where the line has one after some
 * text, else between graphemes (a CJK run, a long identifier), trailing spaces dropped and the
 * spaces at a break swallowed. The text's own line breaks are kept. Each paragraph is split into
 * graphemes once, so a 10 KB query in any script wraps in one pass.
 */
export function wrapToWidth(text: string, width: number): string[] {
	const room = Math.max(width, 1);
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		const whole = paragraph.trimEnd();
		if (textWidth(whole) <= room) {
			lines.push(whole);
			continue;
		}

		const plain = isPlain(whole);
		const parts = plain ? Array.from(whole) : Array.from(graphemes.segment(whole), part => part.segment);
		const widthAt = (index: number) => (plain ? 1 : stringWidth(parts[index]!));
		let start = 0;
		while (start < parts.length) {
			let used = 0;
			let end = start;
			let space = -1;
			let hasText = false;
			// A grapheme wider than the whole line still goes on a line of its own.
			while (end < parts.length && (used + widthAt(end) <= room || end === start)) {
				if (parts[end] === ' ') {
					if (hasText) space = end;
				} else {
					hasText = true;
				}

				used += widthAt(end);
				end++;
			}

			const cut = end < parts.length && parts[end] !== ' ' && space > start ? space : end;
			lines.push(parts.slice(start, cut).join('').trimEnd());
			start = cut;
			while (start < parts.length && parts[start] === ' ') start++;
		}
	}

	return lines;
}
