// string-width for Ink's widest-line, which Ink's render walk calls for every text node on every
// frame, uncached: build.js routes widest-line's import of string-width here, in the bundle.
// A plain line (plain-text.ts) is as wide as it is long; string-width would segment it into
// graphemes whenever it holds one character beyond ASCII (`…`, `·`, `—`, box drawing), which
// most rows do, and that was a quarter of dbtop's CPU on the Sessions pane at 200x50.
import stringWidth from 'string-width';
import {isPlainText} from './plain-text.js';

/** The terminal width of a text, as string-width gives it. */
export default function plainStringWidth(text: string): number {
	return isPlainText(text, stringWidth) ? text.length : stringWidth(text);
}
