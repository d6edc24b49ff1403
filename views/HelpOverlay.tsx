import {Box, Text} from 'ink';
import {keymap, SCOPE_TITLES, type Binding, type Scope} from '../source/app/keymap.js';
import {screenOf} from '../source/store/screen.js';
import {wrapToWidth} from './text-width.js';
import {useStore} from './use-store.js';

/** One line of the help: a scope's title, or a binding (or the rest of its description). */
export type HelpLine = {text: string; isTitle: boolean};

/** The keys column: as wide as the longest keys, and a space, so keys never run into their description. */
const KEY_COLUMN = Math.max(...keymap.map(binding => binding.keys.join(' ').length)) + 1;
const INDENT = '  ';
const MIN_COLUMN = 40;

/**
 * The help in sections, one per scope, all from the key table: a title, then a line per binding,
 * its description continued under itself where the column is narrow, never cut. The scopes of
 * the screen the help was opened over come first, its own pane's or detail's marked, so the keys
 * that work there are on the first page even where the help takes several.
 */
export function helpSections(textWidth: number, first: readonly Scope[] = [], bindings: readonly Binding[] = keymap): HelpLine[][] {
	const rest = (Object.keys(SCOPE_TITLES) as Scope[]).filter(scope => !first.includes(scope));
	const descriptionWidth = Math.max(textWidth - INDENT.length - KEY_COLUMN, 10);
	// A scope with no keys here (the replay's, in the live monitor) has no section.
	return [...first, ...rest].filter(scope => bindings.some(binding => binding.scope === scope)).map(scope => {
		const isHere = scope === first[0] && scope !== 'global';
		const lines: HelpLine[] = [{text: isHere ? `${SCOPE_TITLES[scope]} · this screen` : SCOPE_TITLES[scope], isTitle: true}];
		for (const binding of bindings.filter(b => b.scope === scope)) {
			const [head = '', ...tail] = wrapToWidth(binding.help, descriptionWidth);
			lines.push({text: `${INDENT}${binding.keys.join(' ').padEnd(KEY_COLUMN)}${head}`, isTitle: false});
			for (const more of tail) lines.push({text: `${INDENT}${' '.repeat(KEY_COLUMN)}${more}`, isTitle: false});
		}

		return lines;
	});
}

/**
 * The help laid out for a size: pages of columns at least 40 wide, each a column of whole
 * sections. A section goes to the next column, or the next page, rather than being split; only
 * one taller than a whole column is split, its title repeated where it goes on.
 */
export function helpPages(width: number, height: number, first: readonly Scope[] = [], bindings: readonly Binding[] = keymap) {
	const rows = Math.max(height - 1, 2);
	const columns = Math.max(Math.floor(width / MIN_COLUMN), 1);
	const columnWidth = Math.floor(width / columns);
	const pages: HelpLine[][][] = [[[]]];
	const column = () => pages.at(-1)!.at(-1)!;
	const nextColumn = () => {
		if (pages.at(-1)!.length < columns) pages.at(-1)!.push([]);
		else pages.push([[]]);
	};

	// A column's last character is left blank, between it and the next.
	for (const section of helpSections(columnWidth - 1, first, bindings)) {
		if (column().length > 0 && column().length + section.length > rows) nextColumn();
		let [title, ...lines] = section;
		column().push(title!);
		while (lines.length > 0) {
			const room = rows - column().length;
			column().push(...lines.slice(0, room));
			lines = lines.slice(room);
			if (lines.length > 0) {
				nextColumn();
				column().push({text: `${title!.text} (continued)`, isTitle: true});
			}
		}
	}

	return {pages, columnWidth};
}

type Props = {width: number; height: number};

/** The `?` overlay: every key, by where it applies, in columns, paged where the terminal is small. */
export function HelpOverlay({width, height}: Props) {
	const requested = useStore(state => state.ui.helpPage);
	const {viewScopes, bindings} = useStore(screenOf);
	const {pages, columnWidth} = helpPages(width, height, viewScopes, bindings);
	const page = Math.min(requested, pages.length - 1);
	return (
		<Box flexDirection="column" height={height}>
			<Text bold color="cyan">
				{`Keys · Esc or ? closes${pages.length > 1 ? ` · page ${page + 1}/${pages.length}, PgDn/PgUp for more` : ''}`}
			</Text>
			<Box>
				{pages[page]!.map((lines, index) => (
					<Box key={index} flexDirection="column" width={columnWidth} paddingRight={1}>
						{lines.map((line, lineIndex) => (
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
