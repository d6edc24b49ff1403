/** Where a binding applies: a pane, a detail view, or a modal that takes the keys first. */
export type Scope = 'global' | 'replay' | 'nodes' | 'processes' | 'process-detail' | 'sessions' | 'session-detail' | 'locks' | 'containers' | 'container-detail' | 'alerts' | 'alert-detail' | 'statements' | 'statement-detail' | 'help' | 'prompt' | 'confirm';

/** One row of the key table: what keys run which command, and the line the help shows. */
export type Binding = {
	scope: Scope;
	keys: readonly string[];
	command: string;
	help: string;
};

/** What the moves do where they are bound: the selection of a list, or the lines of a text. */
type MoveHelp = {up: string; down: string; pageUp: string; pageDown: string; first: string; last: string};

const selectionMoves = (first: string, last: string): MoveHelp => ({up: 'Move the selection up', down: 'Move the selection down', pageUp: 'One page up', pageDown: 'One page down', first, last});

/** The moves of a drill-down whose query scrolls (a session's, a statement's). */
const QUERY_MOVES: MoveHelp = {up: 'Scroll the query up a line', down: 'Scroll the query down a line', pageUp: 'Scroll the query up a page', pageDown: 'Scroll the query down a page', first: 'Start of the query', last: 'End of the query'};

/** The moves, bound the same way in every scope that has them. */
const moves = <S extends Scope>(scope: S, help: MoveHelp) =>
	[
		{scope, keys: ['up', 'k'], command: 'move-up', help: help.up},
		{scope, keys: ['down', 'j'], command: 'move-down', help: help.down},
		{scope, keys: ['pageup'], command: 'page-up', help: help.pageUp},
		{scope, keys: ['pagedown'], command: 'page-down', help: help.pageDown},
		{scope, keys: ['home', 'g'], command: 'move-first', help: help.first},
		{scope, keys: ['end', 'G'], command: 'move-last', help: help.last},
	] as const;

/** What a backend can be asked to do from every place that shows one, and its query copied. */
const backendActions = <S extends Scope>(scope: S) =>
	[
		{scope, keys: ['c'], command: 'cancel-backend', help: 'Cancel its query (y/n)'},
		{scope, keys: ['x'], command: 'terminate-backend', help: 'Terminate it (y/n)'},
		{scope, keys: ['y'], command: 'copy-query', help: 'Copy its query (OSC 52)'},
	] as const;

/** The one key table: input handling, the help overlay and the README are all made from it. */
export const keymap = [
	{scope: 'global', keys: ['q'], command: 'quit', help: 'Quit'},
	{scope: 'global', keys: ['ctrl+c'], command: 'interrupt', help: 'Quit, from anywhere'},
	{scope: 'global', keys: ['tab'], command: 'next-pane', help: 'Next pane'},
	{scope: 'global', keys: ['shift+tab'], command: 'previous-pane', help: 'Previous pane'},
	{scope: 'global', keys: ['1'], command: 'show-processes', help: 'Processes pane'},
	{scope: 'global', keys: ['2'], command: 'show-host', help: 'Host pane: charts, cores'},
	{scope: 'global', keys: ['3'], command: 'show-sessions', help: 'Sessions: who is on the DB'},
	{scope: 'global', keys: ['4'], command: 'show-locks', help: 'Locks: who blocks whom'},
	{scope: 'global', keys: ['5'], command: 'show-containers', help: 'Containers pane'},
	{scope: 'global', keys: ['6'], command: 'show-alerts', help: 'Alerts pane'},
	{scope: 'global', keys: ['7'], command: 'show-statements', help: 'Statements: what eats the server'},
	{scope: 'global', keys: ['p'], command: 'toggle-pause', help: 'Pause or resume'},
	{scope: 'global', keys: ['+', '='], command: 'slower', help: 'Longer refresh interval'},
	{scope: 'global', keys: ['-'], command: 'faster', help: 'Shorter refresh interval'},
	{scope: 'global', keys: ['?'], command: 'toggle-help', help: 'Show or hide this help'},

	// A replay's time travel, before the keys of the pane (End follows the newest sample there; G still goes to a list's last row).
	{scope: 'replay', keys: ['left'], command: 'step-back', help: 'One sample back'},
	{scope: 'replay', keys: ['right'], command: 'step-forward', help: 'One sample on'},
	{scope: 'replay', keys: ['['], command: 'minute-back', help: 'A minute back'},
	{scope: 'replay', keys: [']'], command: 'minute-forward', help: 'A minute on'},
	{scope: 'replay', keys: ['{'], command: 'hour-back', help: 'An hour back'},
	{scope: 'replay', keys: ['}'], command: 'hour-forward', help: 'An hour on'},
	{scope: 'replay', keys: ['@'], command: 'go-to-time', help: 'Go to a time: 14:05, 2026-11-30 03:12, -2h'},
	{scope: 'replay', keys: ['end'], command: 'follow-newest', help: 'Follow the newest sample as it is written'},
	{scope: 'replay', keys: ['n'], command: 'open-nodes', help: 'Node picker: every node of the rings'},

	...moves('nodes', selectionMoves('First node', 'Last node')),
	{scope: 'nodes', keys: ['enter'], command: 'pick-node', help: 'Show this node, at the same moment'},
	{scope: 'nodes', keys: ['escape', 'n'], command: 'close-nodes', help: 'Back, on the same node'},

	...moves('processes', selectionMoves('First process', 'Last process')),
	{scope: 'processes', keys: ['P'], command: 'sort-cpu', help: 'Sort by CPU %'},
	{scope: 'processes', keys: ['M'], command: 'sort-mem', help: 'Sort by memory'},
	{scope: 'processes', keys: ['N'], command: 'sort-pid', help: 'Sort by pid'},
	{scope: 'processes', keys: ['T'], command: 'sort-time', help: 'Sort by CPU time'},
	{scope: 'processes', keys: ['t'], command: 'toggle-tree', help: 'Tree view by parent pid'},
	{scope: 'processes', keys: ['/'], command: 'open-filter', help: 'Filter: user or command'},
	{scope: 'processes', keys: ['escape'], command: 'clear-filter', help: 'Clear the filter'},
	{scope: 'processes', keys: ['enter'], command: 'open-detail', help: 'Drill into the process'},

	{scope: 'process-detail', keys: ['escape'], command: 'close-detail', help: 'Back to the list'},
	{scope: 'process-detail', keys: ['k'], command: 'kill', help: 'SIGTERM (asks y/n first)'},

	...moves('sessions', selectionMoves('First session', 'Last session')),
	{scope: 'sessions', keys: ['s'], command: 'cycle-sort', help: 'Next sort: ages, state, user, db'},
	{scope: 'sessions', keys: ['S'], command: 'cycle-sort-back', help: 'Previous sort'},
	{scope: 'sessions', keys: ['i'], command: 'toggle-idle', help: 'Show/hide idle sessions'},
	{scope: 'sessions', keys: ['b'], command: 'toggle-background', help: 'Show/hide bg workers'},
	{scope: 'sessions', keys: ['/'], command: 'open-filter', help: 'Filter: db: user: app: state: regex'},
	{scope: 'sessions', keys: ['escape'], command: 'clear-filter', help: 'Clear the filter'},
	{scope: 'sessions', keys: ['enter'], command: 'open-detail', help: 'Drill into the session'},
	...backendActions('sessions'),
	{scope: 'sessions', keys: ['space'], command: 'toggle-tag', help: 'Tag or untag it'},
	{scope: 'sessions', keys: ['T'], command: 'tag-shown', help: 'Tag all shown (or none)'},

	{scope: 'session-detail', keys: ['escape'], command: 'close-detail', help: 'Back to the list'},
	...moves('session-detail', QUERY_MOVES),
	...backendActions('session-detail'),
	{scope: 'session-detail', keys: ['e'], command: 'show-plan', help: 'Show its plan (EXPLAIN, never runs it)'},

	...moves('locks', selectionMoves('First line', 'Last line')),
	{scope: 'locks', keys: ['enter'], command: 'open-detail', help: 'Drill into the session'},
	...backendActions('locks'),
	{scope: 'locks', keys: ['space'], command: 'toggle-tag', help: 'Tag or untag its session'},

	...moves('containers', selectionMoves('First container', 'Last container')),
	{scope: 'containers', keys: ['P'], command: 'sort-container-cpu', help: 'Sort by CPU %'},
	{scope: 'containers', keys: ['M'], command: 'sort-container-mem', help: 'Sort by memory'},
	{scope: 'containers', keys: ['N'], command: 'sort-container-name', help: 'Sort by name'},
	{scope: 'containers', keys: ['a'], command: 'toggle-exited', help: 'Show or hide exited containers'},
	{scope: 'containers', keys: ['/'], command: 'open-filter', help: 'Filter by name or image'},
	{scope: 'containers', keys: ['escape'], command: 'clear-filter', help: 'Clear the filter'},
	{scope: 'containers', keys: ['enter'], command: 'open-detail', help: 'Drill into the container'},

	{scope: 'container-detail', keys: ['escape'], command: 'close-detail', help: 'Back to the list'},

	...moves('alerts', selectionMoves('First alert', 'Last alert')),
	{scope: 'alerts', keys: ['a'], command: 'acknowledge', help: 'Acknowledge, with a note'},
	{scope: 'alerts', keys: ['A'], command: 'acknowledge-all', help: 'Acknowledge all listed (asks)'},
	{scope: 'alerts', keys: ['/'], command: 'open-filter', help: 'Filter: sev: src: ack:yes|no text'},
	{scope: 'alerts', keys: ['escape'], command: 'clear-filter', help: 'Clear the filter'},
	{scope: 'alerts', keys: ['enter'], command: 'open-detail', help: 'Its history, rule and acknowledgement'},

	{scope: 'alert-detail', keys: ['escape'], command: 'close-detail', help: 'Back to the list'},
	{scope: 'alert-detail', keys: ['a'], command: 'acknowledge', help: 'Acknowledge, with a note'},

	...moves('statements', selectionMoves('First statement', 'Last statement')),
	{scope: 'statements', keys: ['s'], command: 'cycle-sort', help: 'Next sort: time, calls, mean, rows, I/O'},
	{scope: 'statements', keys: ['S'], command: 'cycle-sort-back', help: 'Previous sort'},
	{scope: 'statements', keys: ['/'], command: 'open-filter', help: 'Filter: db: user: regex'},
	{scope: 'statements', keys: ['escape'], command: 'clear-filter', help: 'Clear the filter'},
	{scope: 'statements', keys: ['enter'], command: 'open-detail', help: 'Drill into the statement'},
	{scope: 'statements', keys: ['y'], command: 'copy-query', help: 'Copy its query (OSC 52)'},

	{scope: 'statement-detail', keys: ['escape'], command: 'close-detail', help: 'Back to the list'},
	...moves('statement-detail', QUERY_MOVES),
	{scope: 'statement-detail', keys: ['y'], command: 'copy-query', help: 'Copy its query (OSC 52)'},

	{scope: 'help', keys: ['escape'], command: 'close-help', help: 'Close the help'},
	{scope: 'help', keys: ['pagedown', 'down'], command: 'next-help-page', help: 'Next page of the help'},
	{scope: 'help', keys: ['pageup', 'up'], command: 'previous-help-page', help: 'Previous page'},

	{scope: 'prompt', keys: ['enter'], command: 'commit-prompt', help: 'Keep what was typed'},
	{scope: 'prompt', keys: ['escape'], command: 'cancel-prompt', help: 'Undo what was typed'},
	{scope: 'prompt', keys: ['backspace'], command: 'erase-char', help: 'Erase a character'},
	{scope: 'prompt', keys: ['ctrl+c'], command: 'interrupt', help: 'Quit'},

	{scope: 'confirm', keys: ['y'], command: 'confirm-yes', help: 'Yes, do it'},
	{scope: 'confirm', keys: ['n', 'escape'], command: 'confirm-no', help: 'No, leave it'},
] as const satisfies readonly Binding[];

/** A command name from the table. */
export type Command = (typeof keymap)[number]['command'];

/** The commands that change something outside dbtop's own view, and what each does, for the notice that says it is not available. */
export const CHANGING_COMMANDS: Partial<Record<Command, string>> = {
	kill: 'signalling a process',
	'cancel-backend': 'cancelling a query',
	'terminate-backend': 'terminating a backend',
	acknowledge: 'acknowledging an alert',
	'acknowledge-all': 'acknowledging alerts',
	'toggle-tag': 'tagging sessions',
	'tag-shown': 'tagging sessions',
};

/** The commands that ask the live server something, and what each does, for the notice a replay gives: it has no server to ask. */
export const LIVE_SERVER_COMMANDS: Partial<Record<Command, string>> = {
	'show-plan': 'showing a plan',
};

/** Why dbtop changes nothing: the live monitor run with `--read-only`, or a replay of recorded samples. */
export type ReadOnlyMode = 'live' | 'replay';

/** What the header and the notices call each read-only mode. */
export const READ_ONLY_WORDS: Record<ReadOnlyMode, {badge: string; notice: string}> = {
	live: {badge: 'READ-ONLY', notice: 'read-only'},
	replay: {badge: 'REPLAY', notice: 'read-only replay'},
};

/** Whether a command changes something, and so is absent from the keys in force when dbtop is read-only. */
export const isChanging = (command: string): boolean => command in CHANGING_COMMANDS;

/** The notice a key for a changing command gets in a read-only mode: `read-only: signalling a process is not available`. */
export const readOnlyNotice = (mode: ReadOnlyMode, command: Command): string => `${READ_ONLY_WORDS[mode].notice}: ${CHANGING_COMMANDS[command] ?? command} is not available`;

/** Whether a command asks the live server, and so is absent from a replay's keys. */
export const needsLiveServer = (command: string): boolean => command in LIVE_SERVER_COMMANDS;

/** The notice such a command's key gets in a replay: `read-only replay: showing a plan needs a live server`. */
export const liveServerNotice = (command: Command): string => `${READ_ONLY_WORDS.replay.notice}: ${LIVE_SERVER_COMMANDS[command] ?? command} needs a live server`;

/** Titles of the scopes, in the order the help shows them. */
export const SCOPE_TITLES: Record<Scope, string> = {
	global: 'Everywhere',
	replay: 'Replay (time travel)',
	nodes: 'Node picker',
	processes: 'Processes pane',
	'process-detail': 'Process detail',
	sessions: 'Sessions pane',
	'session-detail': 'Session detail',
	locks: 'Locks pane',
	containers: 'Containers pane',
	'container-detail': 'Container detail',
	alerts: 'Alerts pane',
	'alert-detail': 'Alert detail',
	statements: 'Statements pane',
	'statement-detail': 'Statement detail',
	help: 'Help',
	prompt: 'Prompts (filter, note, time)',
	confirm: 'Confirmation',
};

/** The character a key types into a prompt, or null for a key that types none (Enter, a function key). */
export function typedChar(key: string): string | null {
	if (key === 'space') return ' ';
	return Array.from(key).length === 1 && !/[\u0000-\u001f\u007f]/.test(key) ? key : null;
}

/** Finds the command a key runs in a stack of scopes, or undefined. */
export function resolveKey(scopes: readonly Scope[], key: string): Command | undefined {
	for (const scope of scopes) {
		const binding = keymap.find(b => b.scope === scope && (b.keys as readonly string[]).includes(key));
		if (binding) {
			return binding.command;
		}
	}

	return undefined;
}

// The function keys by the sequences terminals send for them (CSI and SS3 forms, as xterm, tmux,
// screen, rxvt and the Linux console send them).
const FUNCTION_KEYS: Readonly<Record<string, string>> = {
	'\u001B[A': 'up', '\u001BOA': 'up', '\u001B[B': 'down', '\u001BOB': 'down',
	'\u001B[C': 'right', '\u001BOC': 'right', '\u001B[D': 'left', '\u001BOD': 'left',
	'\u001B[5~': 'pageup', '\u001B[[5~': 'pageup', '\u001B[6~': 'pagedown', '\u001B[[6~': 'pagedown',
	'\u001B[H': 'home', '\u001BOH': 'home', '\u001B[1~': 'home', '\u001B[7~': 'home',
	'\u001B[F': 'end', '\u001BOF': 'end', '\u001B[4~': 'end', '\u001B[8~': 'end',
	'\u001B[Z': 'shift+tab',
	// Delete: the prompt has no cursor, so it erases as Backspace does.
	'\u001B[3~': 'backspace',
};

/** A key of one character: Enter, Tab, Space, Backspace (DEL or BS), Ctrl with a letter, or the character itself. */
function charKey(char: string): string {
	if (char === '\r' || char === '\n') return 'enter';
	if (char === '\t') return 'tab';
	if (char === ' ') return 'space';
	if (char === '\u007F' || char === '\b') return 'backspace';
	const code = char.codePointAt(0)!;
	return code < 0x20 ? `ctrl+${String.fromCodePoint(code + 0x60)}` : char;
}

/**
 * The keys, named as the key table names them, in one input event: Ink's reader splits each read
 * of the terminal into escape sequences and runs of plain text. A run typed fast, pasted or sent
 * over a laggy link (`/kdamond`, `MM`) is a key per character, in order. Escape and the key
 * after it in one read (ESC then `/`) are two keys, as they were typed: dbtop binds no Alt keys,
 * which terminals send the same way. A function key it does not bind is no key.
 */
export function keysOf(sequence: string): string[] {
	const named = FUNCTION_KEYS[sequence];
	if (named) return [named];
	if (sequence === '\u001B' || sequence === '\u001B\u001B') return ['escape'];
	if (sequence.startsWith('\u001B[') || sequence.startsWith('\u001BO')) return [];
	if (sequence.startsWith('\u001B')) return ['escape', ...keysOf(sequence.slice(1))];
	return Array.from(sequence, charKey);
}

/** The key table as Markdown, one section per scope, for the README (a test keeps the two equal). */
export function keymapMarkdown(): string {
	const sections = (Object.keys(SCOPE_TITLES) as Scope[]).map(scope => {
		const rows = keymap
			.filter(binding => binding.scope === scope)
			.map(binding => `| ${binding.keys.map(key => `\`${key}\``).join(' ')} | ${binding.help} |`);
		return [`**${SCOPE_TITLES[scope]}**`, '', '| keys | what it does |', '| --- | --- |', ...rows].join('\n');
	});
	return sections.join('\n\n');
}
