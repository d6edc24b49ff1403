import {Text} from 'ink';
import {keymap, type Command} from '../source/app/keymap.js';
import {sanitizeLine} from '../source/sanitize.js';
import {sessionFilterError} from '../source/postgres/session-list.js';
import type {Confirm} from '../source/store/ui.js';
import type {State} from '../source/store/store.js';
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

/** Hints of the database panes, where other keys matter most. */
const DATABASE_HINTS = {
	sessions: [
		hint('toggle-help', 'help'),
		hint('cycle-sort', 'sort'),
		hint('toggle-idle', 'idle'),
		hint('toggle-background', 'workers'),
		hint('open-filter', 'filter'),
		hint('open-detail', 'detail'),
		hint('cancel-backend', 'cancel'),
		hint('terminate-backend', 'terminate'),
	].join('  '),
	'session-detail': [hint('close-detail', 'back'), hint('cancel-backend', 'cancel query'), hint('terminate-backend', 'terminate backend'), hint('toggle-help', 'help'), hint('quit', 'quit')].join('  '),
	locks: [hint('toggle-help', 'help'), hint('next-pane', 'pane'), hint('open-detail', 'detail'), hint('cancel-backend', 'cancel'), hint('terminate-backend', 'terminate'), hint('toggle-pause', 'pause'), hint('quit', 'quit')].join('  '),
} as const;

const selectDatabaseHints = (state: State): string | null => {
	const {pane, sessions} = state.ui;
	if (pane === 'sessions') return sessions.detailPid === null ? DATABASE_HINTS.sessions : DATABASE_HINTS['session-detail'];
	return pane === 'locks' ? DATABASE_HINTS.locks : null;
};

const CONFIRM_VERBS = {kill: 'Send SIGTERM to', cancel: 'Cancel the query of', terminate: 'Terminate the backend'} as const;

function question(confirm: Confirm): string {
	if (confirm.kind === 'acknowledge-all') {
		return `Acknowledge all ${confirm.alertIds.length} unacknowledged alerts in the list? y/n`;
	}

	return `${CONFIRM_VERBS[confirm.kind]} ${confirm.pid} (${sanitizeLine(confirm.command)})? y/n`;
}

/** The bottom line: a prompt or a question when one is open, else the latest notice, else key hints. */
export function StatusBar() {
	const input = useStore(state => state.ui.input);
	const confirm = useStore(state => state.ui.confirm);
	const notice = useStore(state => state.ui.notice);
	const filterError = useStore(state => (state.ui.input?.kind === 'filter' && state.ui.input.list === 'sessions' ? sessionFilterError(state) : null));
	const databaseHints = useStore(selectDatabaseHints);

	if (confirm) {
		return (
			<Text wrap="truncate-end" color="yellow" bold>
				{question(confirm)}
			</Text>
		);
	}

	if (input) {
		return (
			<Text wrap="truncate-end">
				<Text bold color="cyan">{input.kind === 'note' ? 'Note (optional): ' : 'Filter: '}</Text>
				{sanitizeLine(input.text)}
				<Text inverse> </Text>
				{filterError ? <Text color="red">{`  ${sanitizeLine(filterError)}`}</Text> : <Text dimColor>{input.kind === 'note' ? '  Enter acknowledges · Esc leaves it' : '  Enter keeps · Esc undoes'}</Text>}
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
			{databaseHints ?? HINTS}
		</Text>
	);
}
