import {isChanging, liveServerNotice, needsLiveServer, readOnlyNotice, type Command} from './keymap.js';
import {formatDuration} from '../duration.js';
import type {Scheduler} from '../store/scheduler.js';
import {listKeys, listSelectionIndex, selectedKey} from '../store/lists.js';
import {selectedLockIndex, SESSION_SORTS, sessionFilterError, visibleLockLines} from '../postgres/session-list.js';
import {STATEMENT_SORTS, statementByKey, statementFilterError} from '../postgres/statement-list.js';
import {visibleAlerts} from '../alerts/list.js';
import {screenOf} from '../store/screen.js';
import {PANES, type Confirm, type ContainerSort, type FilteredListId, type PaneId, type ProcessSort} from '../store/ui.js';
import {processByPid} from '../store/host.js';
import {sessionsByPid} from '../store/postgres.js';
import type {State, Store} from '../store/store.js';
import {signalProcess} from './signal-process.js';
import {sanitizeKeepingLines} from '../sanitize.js';
import {goToTime, runReplayCommand} from './replay-commands.js';
import {askAboutTagged, signalOne, signalTagged, tagShown, toggleTag, togglePlan} from './session-commands.js';
import type {PlanResult} from '../postgres/plan.js';

/** Refresh intervals `+` and `-` step through. */
export const REFRESH_STEPS_MS = [250, 500, 1000, 2000, 3000, 5000, 10_000, 30_000, 60_000] as const;

/** What commands act on besides the store. */
export type CommandContext = {
	store: Store;
	scheduler: Pick<Scheduler, 'setPaused' | 'setRefresh' | 'wake'>;
	exit: () => void;
	/** Cancels and terminates backends (each resolves to null when done or the reason it was not) and plans a query on a database (never rejects). */
	postgres?: {cancel(pid: number): Promise<string | null>; terminate(pid: number): Promise<string | null>; explain?(database: string, query: string): Promise<PlanResult>};
	/** Who acknowledges alerts: `--user`, else the operating-system user. */
	user: string;
	/** Puts a text on the terminal's clipboard (OSC 52); absent where there is no terminal. */
	copy?: (text: string) => void;
	/** The clock acknowledgements are stamped with (tests set it). */
	now?: () => number;
};

/** The next step of the refresh interval in a direction, from any current value. */
export function stepRefresh(currentMs: number, direction: 1 | -1): number {
	if (direction > 0) {
		return REFRESH_STEPS_MS.find(step => step > currentMs) ?? REFRESH_STEPS_MS.at(-1)!;
	}

	return [...REFRESH_STEPS_MS].reverse().find(step => step < currentMs) ?? REFRESH_STEPS_MS[0];
}

const SORTS: Partial<Record<Command, ProcessSort>> = {
	'sort-cpu': 'cpu',
	'sort-mem': 'mem',
	'sort-pid': 'pid',
	'sort-time': 'time',
};

// Moves what the screen shows: the open session's query, else the selection of the list on
// screen. `to` gets the current place, the last one and a page's size.
function move(context: CommandContext, to: (index: number, last: number, page: number) => number): void {
	const {store} = context;
	const state = store.getState();
	const {list, detail} = screenOf(state);
	if (detail === 'session' || detail === 'statement') {
		const queryList = detail === 'session' ? 'sessions' : 'statements';
		const {top, last, page} = state.ui[queryList].query;
		store.dispatch({type: 'scroll-query', list: queryList, top: to(top, last, page)});
		return;
	}

	if (!list) return;
	const keys = listKeys(state, list);
	if (keys.length === 0) return;
	const index = Math.min(Math.max(to(listSelectionIndex(state, list, keys), keys.length - 1, state.ui[list].pageSize), 0), keys.length - 1);
	store.dispatch({type: 'select', list, key: keys[index]!, index});
}

/** The backend a cancel or terminate acts on: the open session, else the selected one. */
function targetBackend(state: State): number | null {
	const {detail, list} = screenOf(state);
	if (detail === 'session') return state.ui.sessions.detailPid;
	if (list === 'locks') {
		const lines = visibleLockLines(state);
		return lines[selectedLockIndex(state, lines)]?.node.pid ?? null;
	}

	const key = list === 'sessions' ? selectedKey(state, list) : null;
	return typeof key === 'number' ? key : null;
}

function askAboutBackend(store: Store, kind: 'cancel' | 'terminate'): void {
	const state = store.getState();
	// From a list, every tagged session when there are some; a session's detail acts on that session.
	if (screenOf(state).detail !== 'session' && askAboutTagged(store, kind)) return;
	const pid = targetBackend(state);
	const session = pid === null ? undefined : sessionsByPid(state).get(pid);
	if (pid === null || !session) {
		store.dispatch({type: 'notice', notice: {text: 'no session selected', level: 'error'}});
		return;
	}

	store.dispatch({type: 'set-confirm', confirm: {kind, pid, command: `${session.user ?? '?'}: ${session.query}`}});
}

async function signalBackend(context: CommandContext, confirm: Extract<Confirm, {kind: 'cancel' | 'terminate'}>): Promise<void> {
	const {store, postgres} = context;
	const verb = confirm.kind === 'cancel' ? 'cancel' : 'terminate';
	if (!postgres) {
		store.dispatch({type: 'notice', notice: {text: `cannot ${verb} ${confirm.pid}: no database connected`, level: 'error'}});
		return;
	}

	const failure = await signalOne(postgres, confirm.kind, confirm.pid);
	store.dispatch({
		type: 'notice',
		notice: failure ? {text: `${verb} ${confirm.pid} failed: ${failure}`, level: 'error'} : {text: `${verb === 'cancel' ? 'cancelled the query of' : 'terminated'} ${confirm.pid}`, level: 'info'},
	});
	if (!failure) {
		// The screen shows at once what was done; a fresh sample says what the server now has.
		if (confirm.kind === 'terminate') store.dispatch({type: 'backend-terminated', pid: confirm.pid});
		context.scheduler.wake('postgres-sessions');
	}
}

const PANE_COMMANDS: Partial<Record<Command, PaneId>> = {
	'show-processes': 'processes',
	'show-host': 'host',
	'show-sessions': 'sessions',
	'show-locks': 'locks',
	'show-containers': 'containers',
	'show-alerts': 'alerts',
	'show-statements': 'statements',
};

/** Why a list's filter does not work, for the lists whose filter holds a regular expression. */
const FILTER_ERRORS: Partial<Record<FilteredListId, (state: State) => string | null>> = {sessions: sessionFilterError, statements: statementFilterError};

const CONTAINER_SORTS: Partial<Record<Command, ContainerSort>> = {
	'sort-container-cpu': 'cpu',
	'sort-container-mem': 'mem',
	'sort-container-name': 'name',
};

/** Runs one command from the key table. Side effects (signals, quitting) happen here, not in views. */
export function runCommand(command: Command, context: CommandContext): void {
	const {store, scheduler} = context;
	const state = store.getState();
	const {ui} = state;
	if (ui.readOnly && isChanging(command)) {
		// Not asked about, not attempted: the help and the hints do not offer it either.
		store.dispatch({type: 'notice', notice: {text: readOnlyNotice(ui.readOnly, command), level: 'error'}});
		return;
	}

	if (ui.readOnly === 'replay' && needsLiveServer(command)) {
		store.dispatch({type: 'notice', notice: {text: liveServerNotice(command), level: 'error'}});
		return;
	}

	if (runReplayCommand(command, context)) return;
	const sort = SORTS[command];
	if (sort) {
		store.dispatch({type: 'set-sort', sort});
		return;
	}

	const pane = PANE_COMMANDS[command];
	if (pane) {
		store.dispatch({type: 'set-pane', pane});
		return;
	}

	const containerSort = CONTAINER_SORTS[command];
	if (containerSort) {
		store.dispatch({type: 'set-container-sort', sort: containerSort});
		return;
	}

	switch (command) {
		case 'quit':
		case 'interrupt':
			context.exit();
			return;
		case 'next-pane':
		case 'previous-pane': {
			const step = command === 'next-pane' ? 1 : PANES.length - 1;
			store.dispatch({type: 'set-pane', pane: PANES[(PANES.indexOf(ui.pane) + step) % PANES.length]!});
			return;
		}

		case 'acknowledge': {
			const id = ui.alerts.detailId ?? selectedKey(state, 'alerts');
			const alert = state.alerts.alerts.find(candidate => candidate.id === id);
			if (alert?.state !== 'firing') {
				store.dispatch({type: 'notice', notice: {text: 'no unacknowledged alert selected', level: 'error'}});
				return;
			}

			store.dispatch({type: 'set-input', input: {kind: 'note', alertIds: [alert.id], text: ''}});
			return;
		}

		case 'acknowledge-all': {
			const ids = visibleAlerts(state)
				.filter(alert => alert.state === 'firing')
				.map(alert => alert.id);
			if (ids.length === 0) {
				store.dispatch({type: 'notice', notice: {text: 'no unacknowledged alert in the list', level: 'info'}});
				return;
			}

			store.dispatch({type: 'set-confirm', confirm: {kind: 'acknowledge-all', alertIds: ids}});
			return;
		}
		case 'toggle-exited':
			store.dispatch({type: 'toggle-exited'});
			return;
		case 'toggle-pause':
			scheduler.setPaused(!ui.isPaused);
			store.dispatch({type: 'set-paused', isPaused: !ui.isPaused});
			return;
		case 'slower':
		case 'faster': {
			const refreshMs = stepRefresh(ui.refreshMs, command === 'slower' ? 1 : -1);
			scheduler.setRefresh(refreshMs);
			store.dispatch({type: 'set-refresh', refreshMs});
			store.dispatch({type: 'notice', notice: {text: `refresh every ${formatDuration(refreshMs)}`, level: 'info'}});
			return;
		}

		case 'toggle-help':
			store.dispatch({type: 'set-help', isOpen: !ui.isHelpOpen});
			return;
		case 'close-help':
			store.dispatch({type: 'set-help', isOpen: false});
			return;
		case 'next-help-page':
		case 'previous-help-page':
			// The overlay clamps the page to the pages there are at the current size.
			store.dispatch({type: 'set-help-page', page: ui.helpPage + (command === 'next-help-page' ? 1 : -1)});
			return;
		case 'move-up':
			move(context, index => index - 1);
			return;
		case 'move-down':
			move(context, index => index + 1);
			return;
		case 'page-up':
			move(context, (index, _last, page) => index - page);
			return;
		case 'page-down':
			move(context, (index, _last, page) => index + page);
			return;
		case 'move-first':
			move(context, () => 0);
			return;
		case 'move-last':
			move(context, (_index, last) => last);
			return;
		case 'toggle-tree':
			store.dispatch({type: 'toggle-tree'});
			return;
		case 'cycle-sort':
		case 'cycle-sort-back': {
			const forward = command === 'cycle-sort';
			if (ui.pane === 'statements') {
				// WAL bytes only where the server counts them (13+).
				const sorts = STATEMENT_SORTS.filter(entry => entry.sort !== 'wal' || (state.statements?.hasWal ?? true));
				store.dispatch({type: 'set-statement-sort', sort: cycled(sorts, ui.statements.sort, forward)});
			} else {
				store.dispatch({type: 'set-session-sort', sort: cycled(SESSION_SORTS, ui.sessions.sort, forward)});
			}

			return;
		}

		case 'toggle-idle':
			store.dispatch({type: 'toggle-idle'});
			return;
		case 'toggle-background':
			store.dispatch({type: 'toggle-background'});
			return;
		case 'open-filter': {
			const list = screenOf(state).filterList;
			if (list) {
				store.dispatch({type: 'set-input', input: {kind: 'filter', list, text: ui[list].filter, previous: ui[list].filter}});
			}

			return;
		}

		case 'clear-filter': {
			const list = screenOf(state).filterList;
			if (list) store.dispatch({type: 'set-filter', list, filter: ''});
			return;
		}

		case 'open-detail': {
			const {list} = screenOf(state);
			const key = list ? selectedKey(state, list) : null;
			if (list === null || key === null) return;
			store.dispatch({type: 'select', list, key, index: listSelectionIndex(state, list, listKeys(state, list))});
			if (list === 'locks') {
				// A line of the lock tree opens that session's detail; Esc comes back to the tree.
				const pid = targetBackend(state);
				if (pid === null) return;
				store.dispatch({type: 'set-pane', pane: 'sessions'});
				store.dispatch({type: 'open-detail', list: 'sessions', pid, from: 'locks'});
				return;
			}

			if (list === 'statements') {
				store.dispatch({type: 'open-statement', key: String(key)});
				return;
			}

			if (list === 'containers' || list === 'alerts') {
				store.dispatch(list === 'containers' ? {type: 'open-container', id: String(key)} : {type: 'open-alert', id: String(key)});
				return;
			}

			store.dispatch({type: 'open-detail', list: list === 'processes' ? 'processes' : 'sessions', pid: Number(key)});
			return;
		}

		case 'close-detail': {
			const {detail} = screenOf(state);
			if (detail === 'session' && ui.sessions.plan) {
				// Esc over a plan goes back to the query first.
				store.dispatch({type: 'close-plan'});
			} else if (detail === 'container') {
				store.dispatch({type: 'open-container', id: null});
			} else if (detail === 'alert') {
				store.dispatch({type: 'open-alert', id: null});
			} else if (detail === 'statement') {
				store.dispatch({type: 'open-statement', key: null});
			} else if (detail) {
				store.dispatch({type: 'close-detail', list: detail === 'session' ? 'sessions' : 'processes'});
				if (detail === 'session' && ui.sessions.detailFrom === 'locks') store.dispatch({type: 'set-pane', pane: 'locks'});
			}

			return;
		}

		case 'kill': {
			const pid = ui.processes.detailPid;
			const row = processByPid(state, pid);
			if (pid === null || !row) {
				store.dispatch({type: 'notice', notice: {text: `process ${pid ?? ''} is gone`, level: 'error'}});
				return;
			}

			store.dispatch({type: 'set-confirm', confirm: {kind: 'kill', pid, command: row.command}});
			return;
		}

		case 'copy-query': {
			if (ui.pane === 'statements') {
				copyStatement(context);
				return;
			}

			const pid = targetBackend(state);
			const session = pid === null ? undefined : sessionsByPid(state).get(pid);
			copyQuery(context, session ? {query: session.query, of: String(pid)} : null, 'no session selected');
			return;
		}

		case 'show-plan':
			void togglePlan(context);
			return;
		case 'toggle-tag':
			toggleTag(store, targetBackend(state));
			move(context, index => index + 1);
			return;
		case 'tag-shown':
			tagShown(store);
			return;
		case 'cancel-backend':
			askAboutBackend(store, 'cancel');
			return;
		case 'terminate-backend':
			askAboutBackend(store, 'terminate');
			return;
		case 'confirm-yes': {
			const {confirm} = ui;
			store.dispatch({type: 'set-confirm', confirm: null});
			if (confirm?.kind === 'kill') {
				const failure = signalProcess(confirm.pid, 'SIGTERM');
				store.dispatch({
					type: 'notice',
					notice: failure ? {text: `SIGTERM to ${confirm.pid} failed: ${failure}`, level: 'error'} : {text: `SIGTERM sent to ${confirm.pid}`, level: 'info'},
				});
			} else if (confirm?.kind === 'acknowledge-all') {
				acknowledgeAlerts(context, confirm.alertIds, null);
			} else if (confirm && (confirm.kind === 'cancel-tagged' || confirm.kind === 'terminate-tagged')) {
				void signalTagged(context, confirm);
			} else if (confirm) {
				void signalBackend(context, confirm);
			}

			return;
		}

		case 'confirm-no':
			store.dispatch({type: 'set-confirm', confirm: null});
			store.dispatch({type: 'notice', notice: {text: 'cancelled', level: 'info'}});
			return;
		case 'commit-prompt': {
			store.dispatch({type: 'set-input', input: null});
			const filterError = ui.input?.kind === 'filter' ? (FILTER_ERRORS[ui.input.list]?.(state) ?? null) : null;
			if (filterError) store.dispatch({type: 'notice', notice: {text: `filter: ${filterError}`, level: 'error'}});
			if (ui.input?.kind === 'note') {
				acknowledgeAlerts(context, ui.input.alertIds, ui.input.text.trim() || null);
			}

			if (ui.input?.kind === 'at' && ui.input.text.trim() !== '') goToTime(context, ui.input.text);

			return;
		}

		case 'cancel-prompt':
			if (ui.input?.kind === 'filter') {
				store.dispatch({type: 'set-filter', list: ui.input.list, filter: ui.input.previous});
			}

			store.dispatch({type: 'set-input', input: null});
			return;
		case 'erase-char':
			if (ui.input) {
				typeIntoPrompt(store, ui.input.text.slice(0, -1));
			}

			return;
	}
}

/** The sort after (or before) `current` in a list of sorts, round. */
function cycled<S>(sorts: ReadonlyArray<{sort: S}>, current: S, forward: boolean): S {
	const at = sorts.findIndex(entry => entry.sort === current);
	return sorts[(at + (forward ? 1 : sorts.length - 1)) % sorts.length]!.sort;
}

/** `y` on the Statements pane: the open statement's query, else the selected one's. */
function copyStatement(context: CommandContext): void {
	const state = context.store.getState();
	const key = state.ui.statements.detailKey ?? selectedKey(state, 'statements');
	const statement = statementByKey(state, typeof key === 'string' ? key : null);
	copyQuery(context, statement ? {query: statement.query, of: `statement ${statement.queryId}`} : null, 'no statement selected');
}

/** Puts a query on the clipboard, sanitized, and says so; or says why not (`none`: nothing selected). */
function copyQuery(context: CommandContext, target: {query: string; of: string} | null, none: string): void {
	const {store} = context;
	if (!target || !context.copy) {
		store.dispatch({type: 'notice', notice: {text: target ? 'no terminal to copy to' : none, level: 'error'}});
		return;
	}

	context.copy(sanitizeKeepingLines(target.query));
	store.dispatch({type: 'notice', notice: {text: `copied the query of ${target.of} to the clipboard (${Array.from(target.query).length} characters)`, level: 'info'}});
}

/** Replaces the prompt's text; the filter follows as the user types. */
export function typeIntoPrompt(store: Store, text: string): void {
	const {input} = store.getState().ui;
	if (!input) {
		return;
	}

	store.dispatch({type: 'set-input', input: {...input, text}});
	if (input.kind === 'filter') {
		store.dispatch({type: 'set-filter', list: input.list, filter: text});
	}
}

function acknowledgeAlerts(context: CommandContext, ids: readonly string[], note: string | null): void {
	context.store.dispatch({type: 'acknowledge', ids, by: context.user, note, at: context.now?.() ?? Date.now()});
	context.store.dispatch({type: 'notice', notice: {text: `acknowledged ${ids.length} alert${ids.length === 1 ? '' : 's'} as ${context.user}`, level: 'info'}});
}
