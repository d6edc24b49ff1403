import type {Command} from './keymap.js';
import {formatDuration} from './duration.js';
import {selectedIndex, visibleProcesses} from './process-list.js';
import type {Scheduler} from './scheduler.js';
import {PANES, type ProcessSort, type Store} from './store.js';
import {signalProcess} from './signal-process.js';

/** Refresh intervals `+` and `-` step through. */
export const REFRESH_STEPS_MS = [250, 500, 1000, 2000, 3000, 5000, 10_000, 30_000, 60_000] as const;

/** What commands act on besides the store. */
export type CommandContext = {
	store: Store;
	scheduler: Pick<Scheduler, 'setPaused' | 'setRefresh'>;
	exit: () => void;
	/** Cancels and terminates backends; each resolves to null when done or the reason it was not. */
	postgres?: {cancel(pid: number): Promise<string | null>; terminate(pid: number): Promise<string | null>};
	/** Rows the processes list shows at once, for page up and down. */
	pageRows: number;
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

function moveSelection(context: CommandContext, to: (index: number, last: number) => number): void {
	const {store} = context;
	const state = store.getState();
	const list = visibleProcesses(state);
	if (list.length === 0) {
		return;
	}

	const index = Math.min(Math.max(to(selectedIndex(state, list), list.length - 1), 0), list.length - 1);
	store.dispatch({type: 'select-process', pid: list[index]!.row.pid, index});
}

/** Runs one command from the key table. Side effects (signals, quitting) happen here, not in views. */
export function runCommand(command: Command, context: CommandContext): void {
	const {store, scheduler} = context;
	const state = store.getState();
	const {ui} = state;
	const page = Math.max(context.pageRows - 1, 1);
	const sort = SORTS[command];
	if (sort) {
		store.dispatch({type: 'set-sort', sort});
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

		case 'show-processes':
			store.dispatch({type: 'set-pane', pane: 'processes'});
			return;
		case 'show-host':
			store.dispatch({type: 'set-pane', pane: 'host'});
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
		case 'select-up':
			moveSelection(context, index => index - 1);
			return;
		case 'select-down':
			moveSelection(context, index => index + 1);
			return;
		case 'page-up':
			moveSelection(context, index => index - page);
			return;
		case 'page-down':
			moveSelection(context, index => index + page);
			return;
		case 'select-first':
			moveSelection(context, () => 0);
			return;
		case 'select-last':
			moveSelection(context, (_index, last) => last);
			return;
		case 'toggle-tree':
			store.dispatch({type: 'toggle-tree'});
			return;
		case 'open-filter':
			store.dispatch({type: 'set-input', input: {kind: 'filter', text: ui.processes.filter, previous: ui.processes.filter}});
			return;
		case 'clear-filter':
			store.dispatch({type: 'set-filter', filter: ''});
			return;
		case 'open-detail': {
			const list = visibleProcesses(state);
			const item = list[selectedIndex(state, list)];
			if (item) {
				store.dispatch({type: 'select-process', pid: item.row.pid, index: selectedIndex(state, list)});
				store.dispatch({type: 'open-detail', pid: item.row.pid});
			}

			return;
		}

		case 'close-detail':
			store.dispatch({type: 'close-detail'});
			return;
		case 'kill': {
			const pid = ui.processes.detailPid;
			const row = state.processes?.processes.find(process => process.pid === pid);
			if (pid === null || !row) {
				store.dispatch({type: 'notice', notice: {text: `process ${pid ?? ''} is gone`, level: 'error'}});
				return;
			}

			store.dispatch({type: 'set-confirm', confirm: {kind: 'kill', pid, command: row.command}});
			return;
		}

		case 'confirm-yes': {
			const {confirm} = ui;
			store.dispatch({type: 'set-confirm', confirm: null});
			if (confirm?.kind === 'kill') {
				const failure = signalProcess(confirm.pid, 'SIGTERM');
				store.dispatch({
					type: 'notice',
					notice: failure
						? {text: `SIGTERM to ${confirm.pid} failed: ${failure}`, level: 'error'}
						: {text: `SIGTERM sent to ${confirm.pid}`, level: 'info'},
				});
			}

			return;
		}

		case 'confirm-no':
			store.dispatch({type: 'set-confirm', confirm: null});
			store.dispatch({type: 'notice', notice: {text: 'cancelled', level: 'info'}});
			return;
		case 'commit-prompt':
			store.dispatch({type: 'set-input', input: null});
			return;
		case 'cancel-prompt':
			if (ui.input) {
				store.dispatch({type: 'set-filter', filter: ui.input.previous});
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

/** Replaces the prompt's text; the filter follows as the user types. */
export function typeIntoPrompt(store: Store, text: string): void {
	const {input} = store.getState().ui;
	if (!input) {
		return;
	}

	store.dispatch({type: 'set-input', input: {...input, text}});
	store.dispatch({type: 'set-filter', filter: text});
}
