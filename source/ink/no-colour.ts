// Without colour (NO_COLOR, --no-color, TERM=dumb) the selected row and the active tab still
// have to show: they are drawn in inverse video and bold, which are not colours. Chalk at its
// lowest level drops those too, so the live monitor keeps chalk at its 16 colours and takes the
// colours out of what it writes, in this one place: every view draws the same either way.
const SGR = /\u001B\[([\d;]*)m/g;

// The parameters of a select-graphic-rendition sequence that set a colour: foreground and
// background, the 8 and the bright 8, their defaults, and the 256-colour and RGB forms.
function isColour(code: number): boolean {
	return (code >= 30 && code <= 39) || (code >= 40 && code <= 49) || (code >= 90 && code <= 97) || (code >= 100 && code <= 107);
}

function withoutColourParameters(parameters: string): string {
	const codes = parameters.split(';');
	const kept: string[] = [];
	for (let index = 0; index < codes.length; index++) {
		const code = Number(codes[index]);
		if (code === 38 || code === 48) {
			// 38;5;n or 38;2;r;g;b: the colour's own parameters go with it.
			index += codes[index + 1] === '5' ? 2 : codes[index + 1] === '2' ? 4 : 0;
		} else if (!isColour(code)) {
			kept.push(codes[index]!);
		}
	}

	return kept.join(';');
}

/** The text with every colour taken out of its SGR sequences; inverse, bold, dim and the rest stay. */
export function withoutColour(text: string): string {
	if (!text.includes('\u001B[')) return text;
	return text.replace(SGR, (sequence, parameters: string) => {
		// `ESC[m` is a reset: it stays.
		if (parameters === '') return sequence;
		const kept = withoutColourParameters(parameters);
		return kept === '' ? '' : `\u001B[${kept}m`;
	});
}

/** A stream that writes to `stream` without colour; everything else (size, events, TTY) is the stream's. */
export function colourlessStream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	const proxy = Object.create(stream) as NodeJS.WriteStream;
	proxy.write = ((chunk: unknown, ...rest: unknown[]) =>
		(stream.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? withoutColour(chunk) : chunk, ...rest)) as NodeJS.WriteStream['write'];
	return proxy;
}
