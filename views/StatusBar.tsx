import {Text} from 'ink';
import {sanitizeLine} from '../source/sanitize.js';
import {sessionFilterError} from '../source/postgres/session-list.js';
import {screenOf, type Screen} from '../source/store/screen.js';
import type {Confirm, TaggedBackend, Ui} from '../source/store/ui.js';
import {cutToWidth, textWidth} from './text-width.js';
import {useStore} from './use-store.js';
import {useTerminalSize} from './use-terminal-size.js';

/** The key hint line of a screen: each key as the key table names it, and a word for what it does. */
export const hintText = (screen: Screen) => screen.hints.map(hint => `${hint.key} ${hint.word}`).join('  ');

/** Each prompt's label, and the hint after what is typed. */
const PROMPTS: Record<NonNullable<Ui['input']>['kind'], {label: string; hint: string}> = {
	filter: {label: 'Filter: ', hint: '  Enter keeps · Esc undoes'},
	note: {label: 'Note (optional): ', hint: '  Enter acknowledges · Esc leaves it'},
	at: {label: 'Go to: ', hint: '  14:05 · 2026-11-30 03:12 · -2h · Enter goes · Esc stays'},
};

const CONFIRM_VERBS = {kill: 'Send SIGTERM to', cancel: 'Cancel the query of', terminate: 'Terminate the backend'} as const;

// The most tagged backends a question names; the rest are counted.
const MOST_NAMED = 5;
// The fewest columns of a backend's query that make naming it worth it.
const LEAST_QUERY = 8;

// Each text's share of `room` columns: the short ones whole, the rest of the room split evenly between the long ones.
function shares(widths: readonly number[], room: number): number[] {
	const result = [...widths];
	let left = room;
	const open = widths.map((_, index) => index).sort((a, b) => widths[a]! - widths[b]!);
	while (open.length > 0) {
		const share = Math.floor(left / open.length);
		if (widths[open[0]!]! > share) {
			for (const index of open) result[index] = share;
			break;
		}

		left -= widths[open.shift()!]!;
	}

	return result;
}

/**
 * The question about every tagged backend, `width` columns at most: how many, then as many of
 * them as fit (pid and the start of the query, at most five), the others counted:
 * `Terminate 12 tagged backends (101 SELECT…, 102 UPDATE…, +10 more)? y/n`.
 */
export function taggedQuestion(kind: 'cancel' | 'terminate', backends: readonly TaggedBackend[], width: number): string {
	const count = backends.length;
	const head = kind === 'cancel' ? `Cancel the queries of ${count} tagged backend${count === 1 ? '' : 's'}` : `Terminate ${count} tagged backend${count === 1 ? '' : 's'}`;
	const entries = backends.map(backend => `${backend.pid} ${sanitizeLine(backend.query) || '—'}`);
	// A backend cut short still shows its pid and the start of its query, and `…`.
	const least = (index: number) => Math.min(textWidth(entries[index]!), String(backends[index]!.pid).length + 1 + LEAST_QUERY + 1);
	for (let named = Math.min(count, MOST_NAMED); named > 0; named--) {
		const more = count > named ? [`+${count - named} more`] : [];
		const shown = entries.slice(0, named);
		const room = width - textWidth(`${head} ()? y/n`) - 2 * (shown.length + more.length - 1) - more.reduce((sum, part) => sum + textWidth(part), 0);
		const widths = shares(shown.map(entry => textWidth(entry)), room);
		if (widths.every((share, index) => share >= least(index))) {
			return `${head} (${[...shown.map((entry, index) => cutToWidth(entry, widths[index]!).text), ...more].join(', ')})? y/n`;
		}
	}

	return `${head}? y/n`;
}

function question(confirm: Confirm, width: number): string {
	if (confirm.kind === 'acknowledge-all') {
		return `Acknowledge all ${confirm.alertIds.length} unacknowledged alerts in the list? y/n`;
	}

	if (confirm.kind === 'cancel-tagged' || confirm.kind === 'terminate-tagged') {
		return taggedQuestion(confirm.kind === 'cancel-tagged' ? 'cancel' : 'terminate', confirm.backends, width);
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
	const {columns} = useTerminalSize();

	if (confirm) {
		return (
			<Text wrap="truncate-end" color="yellow" bold>
				{question(confirm, columns)}
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
