import {Box, Text} from 'ink';
import {keymap, SCOPE_TITLES, type Scope} from '../source/app/keymap.js';
import {screenOf} from '../source/store/screen.js';
import {fit} from './text-width.js';
import {useStore} from './use-store.js';

const KEY_WIDTH = 13;

/**
 * The help as lines: a title per scope, then one line per binding, all from the key table. The
 * scopes of the screen the help was opened over come first, its own pane's or detail's marked,
 * so the keys that work there are on the first page even where the help takes several.
 */
export function helpLines(first: readonly Scope[] = []): Array<{text: string; isTitle: boolean}> {
	const lines: Array<{text: string; isTitle: boolean}> = [];
	const rest = (Object.keys(SCOPE_TITLES) as Scope[]).filter(scope => !first.includes(scope));
	for (const scope of [...first, ...rest]) {
		const isHere = scope === first[0] && scope !== 'global';
		lines.push({text: isHere ? `${SCOPE_TITLES[scope]} · this screen` : SCOPE_TITLES[scope], isTitle: true});
		for (const binding of keymap.filter(b => b.scope === scope)) {
			lines.push({text: `  ${fit(binding.keys.join(' '), KEY_WIDTH)}${binding.help}`, isTitle: false});
		}
	}

	return lines;
}

const MIN_COLUMN = 40;

/** Splits the help into pages of columns at least 40 wide that fit the size, the scopes in `first` first. */
export function helpPages(width: number, height: number, first: readonly Scope[] = []) {
	const lines = helpLines(first);
	const rows = Math.max(height - 1, 1);
	const columns = Math.max(Math.floor(width / MIN_COLUMN), 1);
	const perPage = rows * columns;
	const pages = Math.max(Math.ceil(lines.length / perPage), 1);
	return {lines, rows, columns, perPage, pages};
}

type Props = {width: number; height: number};

/** The `?` overlay: every key, by where it applies, in columns, paged where the terminal is small. */
export function HelpOverlay({width, height}: Props) {
	const requested = useStore(state => state.ui.helpPage);
	const {viewScopes} = useStore(screenOf);
	const {lines, rows, columns, perPage, pages} = helpPages(width, height, viewScopes);
	const page = Math.min(requested, pages - 1);
	const onPage = lines.slice(page * perPage, (page + 1) * perPage);
	const columnWidth = Math.floor(width / columns);
	const chunks = Array.from({length: columns}, (_, index) => onPage.slice(index * rows, (index + 1) * rows));
	return (
		<Box flexDirection="column" height={height}>
			<Text bold color="cyan">
				{`Keys · Esc or ? closes${pages > 1 ? ` · page ${page + 1}/${pages}, PgDn/PgUp for more` : ''}`}
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
