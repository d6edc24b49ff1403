// The ui slice: what the user looks at and how (pane, sorts, filters, selections, prompts).
import type {ReadOnlyMode} from '../app/keymap.js';
import type {PlanResult} from '../postgres/plan.js';
import {selectAt, windowStart} from './selection.js';

/** The main panes, in the order Tab and the number keys walk them. */
export const PANES = ['processes', 'host', 'sessions', 'locks', 'containers', 'alerts', 'statements'] as const;
export type PaneId = (typeof PANES)[number];

export type ProcessSort = 'cpu' | 'mem' | 'pid' | 'time';
export type SessionSort = 'xact' | 'query' | 'state-age' | 'xmin' | 'state' | 'user' | 'database';
export type ContainerSort = 'cpu' | 'mem' | 'name';
/** The Statements pane's sorts: each rate over the interval, or the database or user. */
export type StatementSort = 'time' | 'calls' | 'mean' | 'rows' | 'hit' | 'read' | 'temp' | 'wal' | 'database' | 'user';

/** The lists with a selection that moves with the arrow keys. */
export type ListId = 'processes' | 'sessions' | 'locks' | 'containers' | 'alerts' | 'nodes' | 'statements';
/** The lists with a drill-down by pid. */
export type DetailListId = 'processes' | 'sessions';
/** The lists with a filter. */
export type FilteredListId = DetailListId | 'containers' | 'alerts' | 'statements';
/** The lists whose drill-down shows a query that scrolls. */
export type QueryListId = 'sessions' | 'statements';

/** What identifies a row of a list: a pid, or a container id. */
export type RowKey = number | string;

/** Where a list's selection is: its row's key, its place for when that row goes away, the first row in view and how many rows a page shows. */
export type Selection = {selected: RowKey | null; selectedIndex: number; top: number; pageSize: number};

/** A question the user must answer with y or n before a destructive action. */
export type Confirm =
	| {kind: 'kill'; pid: number; command: string}
	| {kind: 'cancel' | 'terminate'; pid: number; command: string}
	| {kind: 'acknowledge-all'; alertIds: string[]}
	| {kind: 'cancel-tagged'; backends: TaggedBackend[]}
	| {kind: 'terminate-tagged'; backends: TaggedBackend[]};

/** A tagged backend as the question about it names it. */
export type TaggedBackend = {pid: number; query: string};

/** The plan of the open session's query, asked for with its pid and query text: `result` is null until the answer comes. */
export type SessionPlan = {pid: number; query: string; result: PlanResult | null};

/** A line of feedback in the status bar (a signal sent, a failure, a mode change). */
export type Notice = {text: string; level: 'info' | 'error'};

/** Where a text taller than its area is scrolled to: the first line shown, how many a page shows, and the highest first line (0 when it all fits). */
export type QueryScroll = {top: number; page: number; last: number};

/** What the user is looking at and how: pane, sort, filter, selection. */
export type Ui = {
	/** Whether dbtop changes nothing, and why (`--read-only`, a replay); fixed at start. */
	readOnly: ReadOnlyMode | null;
	pane: PaneId;
	isPaused: boolean;
	refreshMs: number;
	isHelpOpen: boolean;
	/** Which page of the help is shown on a terminal too small for all of it. */
	helpPage: number;
	/** Text being typed into a prompt (the filter, an acknowledgement's note, a replay's time), or null when no prompt is open. */
	input: {kind: 'filter'; list: FilteredListId; text: string; previous: string} | {kind: 'note'; alertIds: string[]; text: string} | {kind: 'at'; text: string} | null;
	/** Whether a replay's node picker is open over the pane. */
	isPickerOpen: boolean;
	confirm: Confirm | null;
	notice: Notice | null;
	processes: Selection & {
		sort: ProcessSort;
		filter: string;
		isTree: boolean;
		/** The process whose drill-down is open. */
		detailPid: number | null;
	};
	sessions: Selection & {
		sort: SessionSort;
		filter: string;
		showIdle: boolean;
		showBackground: boolean;
		detailPid: number | null;
		/** The pane the open session was opened from (the locks tree), where Esc goes back to. */
		detailFrom: PaneId | null;
		/** The open session's query (or its plan, when shown) as scrolled: its first line in view, the lines a page shows and the last first line there is (the view says the last two). */
		query: QueryScroll;
		/** The plan shown in place of the open session's query, or null when the query is shown. */
		plan: SessionPlan | null;
		/** The tagged sessions, by pid, with when each backend started (a pid taken again by a new backend is not the one tagged). */
		tagged: ReadonlyMap<number, number>;
	};
	locks: Selection;
	containers: Selection & {sort: ContainerSort; filter: string; showExited: boolean; detailId: string | null};
	alerts: Selection & {filter: string; detailId: string | null};
	/** The Statements pane's list, keyed by the entry's key; its drill-down's query scrolls as a session's does. */
	statements: Selection & {sort: StatementSort; filter: string; detailKey: string | null; query: QueryScroll};
	/** The node picker's list: a ring's node, keyed `ring/name`. */
	nodes: Selection;
};

/** What the user does to the view. */
export type UiAction =
	| {type: 'set-pane'; pane: PaneId}
	| {type: 'set-paused'; isPaused: boolean}
	| {type: 'set-refresh'; refreshMs: number}
	| {type: 'set-help'; isOpen: boolean}
	| {type: 'set-help-page'; page: number}
	| {type: 'set-picker'; isOpen: boolean}
	| {type: 'set-sort'; sort: ProcessSort}
	| {type: 'toggle-tree'}
	| {type: 'select'; list: ListId; key: RowKey | null; index: number}
	| {type: 'set-page-size'; list: ListId; rows: number}
	| {type: 'open-container'; id: string | null}
	| {type: 'open-alert'; id: string | null}
	| {type: 'open-detail'; list: DetailListId; pid: number; from?: PaneId}
	| {type: 'close-detail'; list: DetailListId}
	| {type: 'scroll-query'; top: number; list: QueryListId}
	| {type: 'set-query-view'; page: number; last: number; list: QueryListId}
	| {type: 'request-plan'; pid: number; query: string}
	| {type: 'plan-result'; pid: number; query: string; result: PlanResult}
	| {type: 'close-plan'}
	| {type: 'set-tags'; tagged: ReadonlyMap<number, number>}
	| {type: 'set-input'; input: Ui['input']}
	| {type: 'set-filter'; list: FilteredListId; filter: string}
	| {type: 'set-session-sort'; sort: SessionSort}
	| {type: 'toggle-idle'}
	| {type: 'toggle-background'}
	| {type: 'set-container-sort'; sort: ContainerSort}
	| {type: 'toggle-exited'}
	| {type: 'set-statement-sort'; sort: StatementSort}
	| {type: 'open-statement'; key: string | null}
	| {type: 'set-confirm'; confirm: Confirm | null}
	| {type: 'notice'; notice: Notice | null};

const NO_TAGS: ReadonlyMap<number, number> = new Map();

// A list before it is drawn: the first row selected; the page size is the list view's to say.
const FIRST_ROW: Selection = {selected: null, selectedIndex: 0, top: 0, pageSize: 10};

/** The view at start: the Processes pane, every list at its first row. */
export function initialUi(refreshMs: number, readOnly: ReadOnlyMode | null = null): Ui {
	return {
		readOnly,
		pane: 'processes',
		isPaused: false,
		refreshMs,
		isHelpOpen: false,
		helpPage: 0,
		input: null,
		isPickerOpen: false,
		confirm: null,
		notice: null,
		processes: {...FIRST_ROW, sort: 'cpu', filter: '', isTree: false, detailPid: null},
		sessions: {...FIRST_ROW, sort: 'xact', filter: '', showIdle: true, showBackground: false, detailPid: null, detailFrom: null, query: {top: 0, page: 1, last: 0}, plan: null, tagged: NO_TAGS},
		locks: FIRST_ROW,
		containers: {...FIRST_ROW, sort: 'cpu', filter: '', showExited: true, detailId: null},
		alerts: {...FIRST_ROW, filter: '', detailId: null},
		nodes: FIRST_ROW,
		statements: {...FIRST_ROW, sort: 'time', filter: '', detailKey: null, query: {top: 0, page: 1, last: 0}},
	};
}

/** The tags of the sessions still there, the same backend (its start time) at each pid: the same map when none is gone. */
export function keepTags(ui: Ui, sessions: ReadonlyArray<{pid: number; backendStartAt: number}>): Ui {
	const {tagged} = ui.sessions;
	if (tagged.size === 0) return ui;
	const started = new Map(sessions.map(session => [session.pid, session.backendStartAt]));
	const kept = new Map([...tagged].filter(([pid, at]) => started.get(pid) === at));
	return kept.size === tagged.size ? ui : withList(ui, 'sessions', {tagged: kept});
}

function withList<L extends ListId>(ui: Ui, list: L, fields: Partial<Ui[L]>): Ui {
	return {...ui, [list]: {...ui[list], ...fields}};
}

/** The ui slice's reducer: pure, and about the view only. */
export function reduceUi(ui: Ui, action: UiAction): Ui {
	switch (action.type) {
		case 'set-pane':
			return {...ui, pane: action.pane};
		case 'set-paused':
			return {...ui, isPaused: action.isPaused};
		case 'set-refresh':
			return {...ui, refreshMs: action.refreshMs};
		case 'set-help':
			return {...ui, isHelpOpen: action.isOpen, helpPage: 0};
		case 'set-help-page':
			return {...ui, helpPage: Math.max(action.page, 0)};
		case 'set-input':
			return {...ui, input: action.input};
		case 'set-picker':
			return {...ui, isPickerOpen: action.isOpen};
		case 'set-confirm':
			return {...ui, confirm: action.confirm};
		case 'notice':
			return {...ui, notice: action.notice};
		case 'set-sort':
			return withList(ui, 'processes', {sort: action.sort});
		case 'toggle-tree':
			return withList(ui, 'processes', {isTree: !ui.processes.isTree});
		case 'set-session-sort':
			return withList(ui, 'sessions', {sort: action.sort});
		case 'toggle-idle':
			return withList(ui, 'sessions', {showIdle: !ui.sessions.showIdle});
		case 'toggle-background':
			return withList(ui, 'sessions', {showBackground: !ui.sessions.showBackground});
		case 'select':
			return {...ui, [action.list]: selectAt(ui[action.list], action.key, action.index)};
		case 'set-page-size': {
			const selection = ui[action.list];
			const pageSize = Math.max(action.rows, 1);
			if (pageSize === selection.pageSize) return ui;
			return withList(ui, action.list, {pageSize, top: windowStart(selection.top, selection.selectedIndex, pageSize)});
		}

		case 'open-container':
			return withList(ui, 'containers', {detailId: action.id});
		case 'open-alert':
			return withList(ui, 'alerts', {detailId: action.id});
		case 'open-detail':
			return action.list === 'sessions'
				? withList(ui, 'sessions', {detailPid: action.pid, detailFrom: action.from ?? null, query: {...ui.sessions.query, top: 0}, plan: null})
				: withList(ui, action.list, {detailPid: action.pid});
		case 'close-detail':
			return withList(ui, action.list, action.list === 'sessions' ? {detailPid: null, plan: null} : {detailPid: null});
		case 'request-plan':
			return withList(ui, 'sessions', {plan: {pid: action.pid, query: action.query, result: null}, query: {...ui.sessions.query, top: 0}});
		case 'plan-result': {
			// An answer to a request since closed or replaced is dropped.
			const {plan} = ui.sessions;
			if (plan?.pid !== action.pid || plan.query !== action.query || plan.result !== null) return ui;
			return withList(ui, 'sessions', {plan: {...plan, result: action.result}});
		}

		case 'close-plan':
			return ui.sessions.plan === null ? ui : withList(ui, 'sessions', {plan: null, query: {...ui.sessions.query, top: 0}});
		case 'set-tags':
			return withList(ui, 'sessions', {tagged: action.tagged});
		case 'scroll-query': {
			const {list} = action;
			const {query} = ui[list];
			const top = Math.min(Math.max(action.top, 0), query.last);
			return top === query.top ? ui : withList(ui, list, {query: {...query, top}});
		}

		case 'set-query-view': {
			const {list} = action;
			const {query} = ui[list];
			if (action.page === query.page && action.last === query.last) return ui;
			// A query that got shorter (the session ran another) is not left scrolled past its end.
			return withList(ui, list, {query: {page: action.page, last: action.last, top: Math.min(query.top, action.last)}});
		}
		case 'set-filter':
			return withList(ui, action.list, {filter: action.filter, selectedIndex: 0});
		case 'set-container-sort':
			return withList(ui, 'containers', {sort: action.sort});
		case 'toggle-exited':
			return withList(ui, 'containers', {showExited: !ui.containers.showExited});
		case 'set-statement-sort':
			return withList(ui, 'statements', {sort: action.sort});
		case 'open-statement':
			return withList(ui, 'statements', {detailKey: action.key, query: {...ui.statements.query, top: 0}});
	}
}
