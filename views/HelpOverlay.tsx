import {Box, Text} from 'ink';
import {keymap, SCOPE_TITLES, type Scope} from '../source/keymap.js';
import {cell} from './format.js';

const KEY_WIDTH = 13;

/** The help as lines: a title per scope, then one line per binding, all from the key table. */
export function helpLines(): Array<{text: string; isTitle: boolean}> {
	const lines: Array<{text: string; isTitle: boolean}> = [];
	for (const scope of Object.keys(SCOPE_TITLES) as Scope[]) {
		lines.push({text: SCOPE_TITLES[scope], isTitle: true});
		for (const binding of keymap.filter(b => b.scope === scope)) {
			lines.push({text: `  ${cell(binding.keys.join(' '), KEY_WIDTH)}${binding.help}`, isTitle: false});
		}
	}

	return lines;
}

type Props = {width: number; height: number};

/** The `?` overlay: every key, by where it applies, in as many columns as the height needs. */
export function HelpOverlay({width, height}: Props) {
	const lines = helpLines();
	const rows = Math.max(height - 1, 1);
	const columns = Math.ceil(lines.length / rows);
	const columnWidth = Math.floor(width / columns);
	const chunks = Array.from({length: columns}, (_, index) => lines.slice(index * rows, (index + 1) * rows));
	return (
		<Box flexDirection="column" height={height}>
			<Text bold color="cyan">
				Keys · Esc or ? closes
			</Text>
			<Box>
				{chunks.map((chunk, index) => (
					<Box key={index} flexDirection="column" width={columnWidth} paddingRight={1}>
						{chunk.map((line, lineIndex) => (
							<Text key={lineIndex} bold={line.isTitle} wrap="truncate-end">
								{line.text}
							</Text>
						))}
					</Box>
				))}
			</Box>
		</Box>
	);
}
