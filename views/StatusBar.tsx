import {Text} from 'ink';
import {sanitizeLine} from '../source/sanitize.js';
import {sessionFilterError} from '../source/postgres/session-list.js';
import {screenOf, type Screen} from '../source/store/screen.js';
import type {Confirm, Ui} from '../source/store/ui.js';
import {useStore} from './use-store.js';

/** The key hint line of a screen: each key as the key table names it, and a word for what it does. */
export const hintText = (screen: Screen) => screen.hints.map(hint => `${hint.key} ${hint.word}`).join('  ');

/** Each prompt's label, and the hint after what is typed. */
const PROMPTS: Record<NonNullable<Ui['input']>['kind'], {label: string; hint: string}> = {
	filter: {label: 'Filter: ', hint: '  Enter keeps · Esc undoes'},
	note: {label: 'Note (optional): ', hint: '  Enter acknowledges · Esc leaves it'},
	at: {label: 'Go to: ', hint: '  14:05 · 2026-11-30 03:12 · -2h · Enter goes · Esc stays'},
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
	const screen = useStore(screenOf);

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
				<Text bold color="cyan">{PROMPTS[input.kind].label}</Text>
				{sanitizeLine(input.text)}
				<Text inverse> </Text>
				{filterError ? <Text color="red">{`  ${sanitizeLine(filterError)}`}</Text> : <Text dimColor>{PROMPTS[input.kind].hint}</Text>}
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
			{hintText(screen)}
		</Text>
	);
}
