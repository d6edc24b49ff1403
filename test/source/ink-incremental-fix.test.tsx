// Ink's incremental renderer, with the fix, writing to a terminal-like stream.
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {installIncrementalFix} from '../../source/ink/incremental-fix.js';

// Ink draws only the last frame where CI is set; this test needs every frame, as a terminal gets them.
delete process.env['CI'];
delete process.env['CONTINUOUS_INTEGRATION'];
const {Box, render, Text} = await import('ink');

function fakeTerminal(rows: number) {
	const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
	Object.assign(stream, {isTTY: true, rows, columns: 40});
	const writes: string[] = [];
	stream.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')));
	return {stream, writes};
}

function Frame({tick}: {tick: number}) {
	return (
		<Box flexDirection="column" height={5}>
			<Text>title</Text>
			<Text>tick {tick}</Text>
		</Box>
	);
}

test('a redraw of a 5-line frame on a 10-line terminal climbs back to its first line', async () => {
	installIncrementalFix();
	const {stream, writes} = fakeTerminal(10);
	const instance = render(<Frame tick={1} />, {stdout: stream, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false});
	await sleep(50);
	writes.length = 0;
	instance.rerender(<Frame tick={2} />);
	await sleep(100);
	const redraw = writes.join('');
	// The frame is 5 lines and a newline, so the cursor sits on line 6: up 5 reaches line 1.
	assert.match(redraw, /\u001B\[5A/);
	assert.doesNotMatch(redraw, /\u001B\[4A/);
	assert.match(redraw, /tick 2/);
	assert.doesNotMatch(redraw, /title/, 'unchanged lines are not rewritten');
	instance.unmount();
});
