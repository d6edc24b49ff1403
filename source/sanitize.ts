// Every string from outside (command lines, user names, queries, lock modes, log lines, ring
// rows) reaches the terminal through `sanitize`, or through `sanitizeLine`, which folds it onto
// one line first, so nothing external can move the cursor, retitle the window, clear the screen
// or reorder text.

// C0 controls, DEL, C1 controls, and the invisible format characters that reorder or hide text.
// The zero-width joiner and non-joiner pass: they join emoji sequences (👩‍💻) and shape Persian
// and Indic script, and hide nothing a terminal would not show.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

const escape = (char: string): string => {
	const code = char.charCodeAt(0);
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Makes control characters and escape sequences visible (`\x1b`, `\x07`, `\u202e`) instead of emitting them. */
export function sanitize(text: string): string {
	return text.replace(UNSAFE, escape);
}

// White space a one-line cell folds: anything but a single space.
const FOLDED = /[\t\n\r\v\f]| {2}/;
const WHITE_RUN = /[\t\n\r\v\f ]+/;

/**
 * Sanitizes and folds every run of white space (newlines, tabs) into one space, for one-line
 * cells. A text with nothing to fold (single spaces only: most command lines and queries) is
 * not rewritten: a replace over thousands of spaces cost ~0.25 ms a cell, on every frame.
 */
export function sanitizeLine(text: string): string {
	return sanitize((FOLDED.test(text) ? text.split(WHITE_RUN).join(' ') : text).trim());
}

/** Sanitizes a text of several lines, keeping its line breaks and tabs (a query copied to the clipboard). */
export function sanitizeKeepingLines(text: string): string {
	return text.replace(UNSAFE, char => (char === '\n' || char === '\t' ? char : escape(char)));
}
