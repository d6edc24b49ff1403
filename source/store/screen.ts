// What is on screen, said once: the pane, the drill-down open over its list and the modal that
// takes the keys first. The keys in force, the list the moves and the filter act on, whether
// processes are shown (the process scan runs only then) and the key hint line all follow from
// it, so input, commands, collectors and views cannot disagree about what is showing.
import {isChanging, keymap, needsLiveServer, type Binding, type Command, type ReadOnlyMode, type Scope} from '../app/keymap.js';
import {PANES, type FilteredListId, type ListId, type PaneId, type Ui} from './ui.js';
import type {State} from './store.js';

/** A drill-down open over a pane's list. */
export type Detail = 'process' | 'session' | 'container' | 'alert' | 'statement';

/** What takes the keys before the pane: a prompt being typed into, a y/n question, the help, a replay's node picker. */
export type Modal = 'prompt' | 'confirm' | 'help' | 'nodes';

/** One screen dbtop can show, and everything that follows from it. */
export type Screen = {
	pane: PaneId;
	/** Whether dbtop changes nothing here (`--read-only`, a replay): the changing commands are then absent from the bindings and the hints. */
	readOnly: ReadOnlyMode | null;
	detail: Detail | null;
	modal: Modal | null;
	/** The key scopes in force, the first that binds a key wins. */
	scopes: readonly Scope[];
	/** The scopes of the pane or detail drawn under any modal (the help lists them first). */
	viewScopes: readonly Scope[];
	/** The list the moves, Enter and the backend commands act on: the pane's, when no detail covers it. */
	list: ListId | null;
	/** The list `/` filters. */
	filterList: FilteredListId | null;
	/** Whether processes are drawn: their list, or a drill-down that reads them (a local session's backend, a container's processes). */
	isShowingProcesses: boolean;
	/** The key table as the help shows it: the live keys, without the changing commands when read-only, with the time travel in a replay. */
	bindings: readonly Binding[];
	/** The keys the hint line names, the most used first (none under a prompt or a question, which the status line shows instead). */
	hints: readonly KeyHint[];
};

/** A key of the hint line: the key as the key table names it, the command it runs here, and a word for it. */
export type KeyHint = {key: string; command: Command; word: string};

/** What each pane lists, the scope of its list and the drill-down it opens. */
const PANE_VIEWS: Record<PaneId, {list: ListId | null; scope: Scope | null; detail: Detail | null}> = {
	processes: {list: 'processes', scope: 'processes', detail: 'process'},
	host: {list: null, scope: null, detail: null},
	sessions: {list: 'sessions', scope: 'sessions', detail: 'session'},
	locks: {list: 'locks', scope: 'locks', detail: null},
	containers: {list: 'containers', scope: 'containers', detail: 'container'},
	alerts: {list: 'alerts', scope: 'alerts', detail: 'alert'},
	statements: {list: 'statements', scope: 'statements', detail: 'statement'},
};

const DETAIL_SCOPES: Record<Detail, Scope> = {process: 'process-detail', session: 'session-detail', container: 'container-detail', alert: 'alert-detail', statement: 'statement-detail'};

const MODALS: readonly Modal[] = ['prompt', 'confirm', 'help', 'nodes'];

type Hint = readonly [Command, string];

const help: Hint = ['toggle-help', 'help'];
const pane: Hint = ['next-pane', 'pane'];
const pause: Hint = ['toggle-pause', 'pause'];
const quit: Hint = ['quit', 'quit'];
const filter: Hint = ['open-filter', 'filter'];
const detail: Hint = ['open-detail', 'detail'];
const back: Hint = ['close-detail', 'back'];

/** The hints of each screen, by its first scope, the most used first: the line is cut at the terminal's width. */
const HINTS: Record<Exclude<Scope, 'prompt' | 'confirm'>, readonly Hint[]> = {
	global: [help, pane, pause, ['slower', 'slower'], ['faster', 'faster'], quit],
	processes: [help, pane, filter, ['sort-cpu', 'cpu'], ['sort-mem', 'mem'], ['toggle-tree', 'tree'], detail, pause, quit],
	'process-detail': [back, ['kill', 'kill'], help, pane, pause, quit],
	sessions: [help, ['cycle-sort', 'sort'], ['toggle-idle', 'idle'], ['toggle-background', 'workers'], filter, detail, ['cancel-backend', 'cancel'], ['terminate-backend', 'terminate'], ['toggle-tag', 'tag']],
	'session-detail': [back, ['move-down', 'scroll'], ['cancel-backend', 'cancel query'], ['terminate-backend', 'terminate backend'], ['show-plan', 'plan'], help, quit],
	locks: [help, pane, detail, ['cancel-backend', 'cancel'], ['terminate-backend', 'terminate'], pause, quit],
	containers: [help, pane, filter, ['sort-container-cpu', 'cpu'], ['sort-container-mem', 'mem'], ['toggle-exited', 'exited'], detail, quit],
	'container-detail': [back, help, pane, pause, quit],
	alerts: [help, pane, ['acknowledge', 'acknowledge'], ['acknowledge-all', 'all'], filter, detail, pause, quit],
	'alert-detail': [back, ['acknowledge', 'acknowledge'], help, pane, pause, quit],
	statements: [help, ['cycle-sort', 'sort'], filter, detail, ['copy-query', 'copy'], pane, pause, quit],
	'statement-detail': [back, ['move-down', 'scroll'], ['copy-query', 'copy'], help, pane, quit],
	help: [['close-help', 'close'], ['next-help-page', 'next page'], ['previous-help-page', 'previous page'], quit],
	replay: [help, ['step-back', 'earlier'], ['step-forward', 'later'], ['hour-back', '-1h'], ['go-to-time', 'time'], ['follow-newest', 'newest'], ['open-nodes', 'nodes'], quit],
	nodes: [['pick-node', 'show'], ['close-nodes', 'back'], help, quit],
};

// The first key the table binds to a command in a stack of scopes ('' if none does: a test checks every hint's key runs its command).
function keyFor(command: Command, scopes: readonly Scope[]): string {
	for (const scope of scopes) {
		const binding = keymap.find(candidate => candidate.scope === scope && candidate.command === command);
		if (binding) return binding.keys[0];
	}

	return '';
}

// A replay's hints: the pane's most used key first (Esc back, in a detail), then the time travel's, then the pane's others.
function replayHints(pane: keyof typeof HINTS): readonly Hint[] {
	const [first, ...rest] = HINTS[pane].filter(([command]) => !HINTS.replay.some(([said]) => said === command));
	const [helpHint, ...travel] = HINTS.replay;
	return [helpHint!, ...(first ? [first] : []), ...travel, ...rest];
}

function hintsOf(scopes: readonly Scope[], readOnly: ReadOnlyMode | null): readonly KeyHint[] {
	const own = scopes[0]!;
	if (own === 'prompt' || own === 'confirm') return [];
	const hints = own === 'replay' ? replayHints(scopes[1] as keyof typeof HINTS) : HINTS[own];
	return hints.filter(([command]) => !(readOnly && isChanging(command)) && !(readOnly === 'replay' && needsLiveServer(command))).map(([command, word]) => ({key: keyFor(command, scopes), command, word}));
}

/** The scopes only a replay has. */
const REPLAY_SCOPES: ReadonlySet<Scope> = new Set(['replay', 'nodes']);
/** The keys a replay's time travel takes before the pane's (End). */
const REPLAY_KEYS: ReadonlySet<string> = new Set(keymap.filter(binding => binding.scope === 'replay').flatMap(binding => binding.keys as readonly string[]));

const LIVE_BINDINGS: readonly Binding[] = keymap.filter(binding => !REPLAY_SCOPES.has(binding.scope));
const READ_ONLY_BINDINGS: readonly Binding[] = LIVE_BINDINGS.filter(binding => !isChanging(binding.command));
// In a replay a pane's binding loses the keys the time travel takes first (a list's End: G is left), and those that ask the live server go.
const REPLAY_BINDINGS: readonly Binding[] = (keymap as readonly Binding[])
	.filter(binding => !isChanging(binding.command) && !needsLiveServer(binding.command))
	.map(binding => (REPLAY_SCOPES.has(binding.scope) || binding.scope === 'global' || binding.scope === 'help' ? binding : {...binding, keys: (binding.keys as readonly string[]).filter(key => !REPLAY_KEYS.has(key))}))
	.filter(binding => binding.keys.length > 0);

const BINDINGS: Record<ReadOnlyMode | 'none', readonly Binding[]> = {none: LIVE_BINDINGS, live: READ_ONLY_BINDINGS, replay: REPLAY_BINDINGS};

function makeScreen(pane: PaneId, detail: Detail | null, modal: Modal | null, readOnly: ReadOnlyMode | null): Screen {
	const view = PANE_VIEWS[pane];
	const own = detail ? DETAIL_SCOPES[detail] : view.scope;
	// A replay's time travel comes before the pane's keys.
	const viewScopes: readonly Scope[] = [...(readOnly === 'replay' ? (['replay'] as const) : []), ...(own ? [own] : []), 'global'];
	// A prompt takes every key but Ctrl+C, which its own scope binds; the other modals leave the global keys in force.
	const scopes: readonly Scope[] = modal === 'prompt' ? ['prompt'] : modal ? [modal, 'global'] : viewScopes;
	const list = modal === 'nodes' ? 'nodes' : detail ? null : view.list;
	return {
		pane,
		readOnly,
		detail,
		modal,
		scopes,
		viewScopes,
		list,
		filterList: list === 'locks' || list === 'nodes' ? null : list,
		// The help takes the whole frame.
		isShowingProcesses: modal !== 'help' && (list === 'processes' || detail === 'process' || detail === 'session' || detail === 'container'),
		bindings: BINDINGS[readOnly ?? 'none'],
		hints: hintsOf(scopes, readOnly),
	};
}

const nameOf = (pane: PaneId, detail: Detail | null, modal: Modal | null, readOnly: ReadOnlyMode | null) => `${pane}/${detail ?? ''}/${modal ?? ''}/${readOnly ?? ''}`;

const READ_ONLY_MODES: ReadonlyArray<ReadOnlyMode | null> = [null, 'live', 'replay'];

/** Every screen there is: each pane, with and without its drill-down, under each modal and none, read-only or not. */
export const SCREENS: readonly Screen[] = READ_ONLY_MODES.flatMap(readOnly =>
	PANES.flatMap(pane =>
		[null, PANE_VIEWS[pane].detail]
			.filter((detail, index) => index === 0 || detail !== null)
			.flatMap(detail => [null, ...MODALS.filter(modal => modal !== 'nodes' || readOnly === 'replay')].map(modal => makeScreen(pane, detail, modal, readOnly))),
	),
);

const byName = new Map(SCREENS.map(screen => [nameOf(screen.pane, screen.detail, screen.modal, screen.readOnly), screen]));

function detailOf(ui: Ui): Detail | null {
	switch (ui.pane) {
		case 'processes':
			return ui.processes.detailPid === null ? null : 'process';
		case 'sessions':
			return ui.sessions.detailPid === null ? null : 'session';
		case 'containers':
			return ui.containers.detailId === null ? null : 'container';
		case 'alerts':
			return ui.alerts.detailId === null ? null : 'alert';
		case 'statements':
			return ui.statements.detailKey === null ? null : 'statement';
		default:
			return null;
	}
}

// A prompt is answered before a question, a question before the help is read.
const modalOf = (ui: Ui): Modal | null => (ui.input ? 'prompt' : ui.confirm ? 'confirm' : ui.isHelpOpen ? 'help' : ui.isPickerOpen ? 'nodes' : null);

/** What the state shows: one of SCREENS, the same object for as long as the screen stays the same. */
export function screenOf(state: State): Screen {
	const {ui} = state;
	return byName.get(nameOf(ui.pane, detailOf(ui), modalOf(ui), ui.readOnly))!;
}
