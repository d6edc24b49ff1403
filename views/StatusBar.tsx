import {Text} from 'ink';
import {keymap, type Command} from '../source/keymap.js';
import {sanitizeLine} from '../source/sanitize.js';
import {useStore} from './use-store.js';

const hint = (command: Command, word: string) => `${keymap.find(binding => binding.command === command)?.keys[0] ?? '?'} ${word}`;

/** The most used keys, named from the key table so the hints cannot drift from it. */
export const HINTS = [
	hint('toggle-help', 'help'),
	hint('next-pane', 'pane'),
	hint('open-filter', 'filter'),
	hint('sort-cpu', 'cpu'),
	hint('sort-mem', 'mem'),
	hint('toggle-tree', 'tree'),
	hint('open-detail', 'detail'),
	hint('toggle-pause', 'pause'),
	hint('quit', 'quit'),
].join('  ');

const CONFIRM_VERBS = {kill: 'Send SIGTERM to', cancel: 'Cancel the query of', terminate: 'Terminate the backend'} as const;

/** The bottom line: a prompt or a question when one is open, else the latest notice, else key hints. */
export function StatusBar() {
	const input = useStore(state => state.ui.input);
	const confirm = useStore(state => state.ui.confirm);
	const notice = useStore(state => state.ui.notice);

	if (confirm) {
		return (
			<Text wrap="truncate-end" color="yellow" bold>
				{`${CONFIRM_VERBS[confirm.kind]} ${confirm.pid} (${sanitizeLine(confirm.command)})? y/n`}
			</Text>
		);
	}

	if (input) {
		return (
			<Text wrap="truncate-end">
				<Text bold color="cyan">Filter: </Text>
				{sanitizeLine(input.text)}
				<Text inverse> </Text>
				<Text dimColor>  Enter keeps · Esc undoes</Text>
			</Text>
		);
	}

	if (notice) {
		return (
			<Text wrap="truncate-end" color={notice.level === 'error' ? 'red' : 'green'}>
				{sanitizeLine(notice.text)}
			</Text>
		);
	}

	return (
		<Text wrap="truncate-end" dimColor>
			{HINTS}
		</Text>
	);
}
