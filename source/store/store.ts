import {acknowledge, evaluate, initialAlerts, type Alert, type AlertsState, type Measurement, type Rule} from '../alerts/engine.js';
import {measure} from '../alerts/measure.js';
import {collectorOf} from '../alerts/metrics.js';
import {DEFAULT_RULES} from '../alerts/rules.js';
import {listSelectionIndex} from './lists.js';
import {visibleProcesses} from './process-list.js';
import {selectAt, windowStart} from './selection.js';
import type {CheckValue, CollectorId, ContainerDetail, ContainersSample, HostSample, PgLocksSample, PgSessionsSample, ProcessRow, ProcessSample, SampleMap} from '../types.js';

/** Points kept per host metric: five minutes at a 1 s interval, wider than any terminal. */
export const HISTORY_POINTS = 300;
/** Points kept per process for the drill-down sparklines. */
export const PROCESS_HISTORY_POINTS = 120;

/** Points kept per alert metric and resource: one a second, five minutes. */
export const SERIES_POINTS = 300;

/**
 * A metric's values for one resource, one point a second at most, for the alert detail's chart:
 * the first `count` entries of `at` and `values`, the newest last (read them with seriesPoints).
 * States share the arrays: a new point is pushed onto them, and a state never reads past its own
 * count, so a tick costs one point and not a copy of five minutes of them.
 */
export type Series = {at: number[]; values: number[]; count: number};

/** A series' points, the oldest first, at most SERIES_POINTS. */
export function seriesPoints(series: Series): {at: number[]; values: number[]} {
	const from = Math.max(series.count - SERIES_POINTS, 0);
	return {at: series.at.slice(from, series.count), values: series.values.slice(from, series.count)};
}

// A point added to a series (or its last point replaced). The point is pushed onto the arrays
// the series shares with earlier states unless a later state already pushed onto them (a state
// reduced twice), the last point changes, or they hold twice the bound: then the newest points
// are copied into new arrays.
function withPoint(old: Series | undefined, at: number, value: number, replacesLast: boolean): Series {
	if (!old) return {at: [at], values: [value], count: 1};
	const keep = replacesLast ? old.count - 1 : old.count;
	const isShared = !replacesLast && old.at.length === old.count && old.count < 2 * SERIES_POINTS;
	const from = Math.max(keep - SERIES_POINTS + 1, 0);
	const times = isShared ? old.at : old.at.slice(from, keep);
	const values = isShared ? old.values : old.values.slice(from, keep);
	times.push(at);
	values.push(value);
	return {at: times, values, count: times.length};
}

/** The key of a metric's series for one resource. */
export const seriesKey = (metric: string, resource: string) => `${metric}\u0000${resource}`;

/** Host metrics that keep a history for sparklines. */
export type HostMetric = 'cpu' | 'memory' | 'diskRead' | 'diskWrite' | 'netRx' | 'netTx';

/** Health of one collector: when it last succeeded and why it fails now. */
export type CollectorStatus = {
	lastOkAt: number | null;
	error: string | null;
	errorAt: number | null;
	/** When the current run of failures began (null while healthy). */
	downSince: number | null;
	failures: number;
};

/** The main panes, in the order Tab and the number keys walk them. */
export const PANES = ['processes', 'host', 'sessions', 'locks', 'containers', 'alerts'] as const;
export type PaneId = (typeof PANES)[number];

export type ProcessSort = 'cpu' | 'mem' | 'pid' | 'time';
export type SessionSort = 'xact' | 'query' | 'state-age' | 'xmin' | 'state' | 'user' | 'database';

/** The lists with a selection that moves with the arrow keys. */
export type ListId = 'processes' | 'sessions' | 'locks' | 'containers' | 'alerts';
/** The lists with a drill-down. */
export type DetailListId = 'processes' | 'sessions';
/** The lists with a filter. */
export type FilteredListId = DetailListId | 'containers' | 'alerts';
export type ContainerSort = 'cpu' | 'mem' | 'name';

/** What identifies a row of a list: a pid, or a container id. */
export type RowKey = number | string;

/** Where a list's selection is: its row's key, its place for when that row goes away, the first row in view and how many rows a page shows. */
export type Selection = {selected: RowKey | null; selectedIndex: number; top: number; pageSize: number};

/** A question the user must answer with y or n before a destructive action. */
export type Confirm =
	| {kind: 'kill'; pid: number; command: string}
	| {kind: 'cancel' | 'terminate'; pid: number; command: string}
	| {kind: 'acknowledge-all'; alertIds: string[]};

/** A line of feedback in the status bar (a signal sent, a failure, a mode change). */
export type Notice = {text: string; level: 'info' | 'error'};

/** What the user is looking at and how: pane, sort, filter, selection. */
export type Ui = {
	pane: PaneId;
	isPaused: boolean;
	refreshMs: number;
	isHelpOpen: boolean;
	/** Which page of the help is shown on a terminal too small for all of it. */
	helpPage: number;
	/** Text being typed into a prompt (the filter), or null when no prompt is open. */
	input: {kind: 'filter'; list: FilteredListId; text: string; previous: string} | {kind: 'note'; alertIds: string[]; text: string} | null;
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
	};
	locks: Selection;
	containers: Selection & {sort: ContainerSort; filter: string; showExited: boolean; detailId: string | null};
	alerts: Selection & {filter: string; detailId: string | null};
};

/** Per-process history of a process on screen, tied to the start time so a reused pid starts over. */
export type ProcessHistory = {startedAt: number; cpu: number[]; rss: number[]};

/** The whole application state: latest samples, histories, collector health and the UI. */
export type State = {
	/** Time of the latest sample or error (epoch ms): the clock ages are measured against. */
	now: number;
	host: HostSample | null;
	processes: ProcessSample | null;
	postgres: PgSessionsSample | null;
	locks: PgLocksSample | null;
	containers: ContainersSample | null;
	containerDetail: ContainerDetail | null;
	/** The service checks' latest readings, by check name. */
	checks: Readonly<Record<string, CheckValue>>;
	/** CPU % and memory of each container since dbtop first saw it, for the drill-down's charts. */
	containerHistory: ReadonlyMap<string, {cpu: number[]; memory: number[]}>;
	/** The alert rules in force (defaults merged with the config file). */
	rules: readonly Rule[];
	/** Open and recently resolved alerts, and what the rules remember between samples. */
	alerts: AlertsState;
	/** Every measured series the rules read, and those of listed alerts whose resource is gone. */
	series: ReadonlyMap<string, Series>;
	status: Partial<Record<string, CollectorStatus>>;
	history: Record<HostMetric, number[]>;
	processHistory: ReadonlyMap<number, ProcessHistory>;
	ui: Ui;
};

type SampleAction = {[K in CollectorId]: {type: 'sample'; id: K; at: number; value: SampleMap[K]}}[CollectorId];

/** Everything that changes the state. */
export type Action =
	| SampleAction
	| {type: 'collector-error'; id: string; at: number; message: string}
	| {type: 'set-pane'; pane: PaneId}
	| {type: 'set-paused'; isPaused: boolean}
	| {type: 'set-refresh'; refreshMs: number}
	| {type: 'set-help'; isOpen: boolean}
	| {type: 'set-help-page'; page: number}
	| {type: 'set-sort'; sort: ProcessSort}
	| {type: 'toggle-tree'}
	| {type: 'select'; list: ListId; key: RowKey | null; index: number}
	| {type: 'set-page-size'; list: ListId; rows: number}
	| {type: 'open-container'; id: string | null}
	| {type: 'open-alert'; id: string | null}
	| {type: 'open-detail'; list: DetailListId; pid: number; from?: PaneId}
	| {type: 'close-detail'; list: DetailListId}
	| {type: 'set-input'; input: Ui['input']}
	| {type: 'set-filter'; list: FilteredListId; filter: string}
	| {type: 'set-session-sort'; sort: SessionSort}
	| {type: 'toggle-idle'}
	| {type: 'toggle-background'}
	| {type: 'set-container-sort'; sort: ContainerSort}
	| {type: 'toggle-exited'}
	| {type: 'set-confirm'; confirm: Confirm | null}
	| {type: 'acknowledge'; id: string; by: string; note: string | null; at: number}
	| {type: 'notice'; notice: Notice | null};

// A list before it is drawn: the first row selected; the page size is the list view's to say.
const FIRST_ROW: Selection = {selected: null, selectedIndex: 0, top: 0, pageSize: 10};

/** The state before any sample arrives: rules from the config, alerts from the state file. */
export function initialState(refreshMs: number, rules: readonly Rule[] = DEFAULT_RULES, alerts: AlertsState = initialAlerts()): State {
	return {
		rules,
		alerts,
		series: new Map(),
		now: 0,
		host: null,
		processes: null,
		postgres: null,
		locks: null,
		containers: null,
		containerDetail: null,
		checks: {},
		containerHistory: new Map(),
		status: {},
		history: {cpu: [], memory: [], diskRead: [], diskWrite: [], netRx: [], netTx: []},
		processHistory: new Map(),
		ui: {
			pane: 'processes',
			isPaused: false,
			refreshMs,
			isHelpOpen: false,
			helpPage: 0,
			input: null,
			confirm: null,
			notice: null,
			processes: {...FIRST_ROW, sort: 'cpu', filter: '', isTree: false, detailPid: null},
			sessions: {...FIRST_ROW, sort: 'xact', filter: '', showIdle: true, showBackground: false, detailPid: null, detailFrom: null},
			locks: FIRST_ROW,
			containers: {...FIRST_ROW, sort: 'cpu', filter: '', showExited: true, detailId: null},
			alerts: {...FIRST_ROW, filter: '', detailId: null},
		},
	};
}

/** Appends to a bounded history, returning a new array. */
export function appendBounded(points: readonly number[], value: number, max: number): number[] {
	const next = points.slice(points.length >= max ? points.length - max + 1 : 0);
	next.push(value);
	return next;
}

function withHost(state: State, host: HostSample): State {
	const {history} = state;
	const memoryPct = host.memory.total > 0 ? (host.memory.used / host.memory.total) * 100 : 0;
	return {
		...state,
		host,
		history: {
			cpu: appendBounded(history.cpu, host.cpu.total, HISTORY_POINTS),
			memory: appendBounded(history.memory, memoryPct, HISTORY_POINTS),
			diskRead: appendBounded(history.diskRead, host.disk.readBytesPerSec, HISTORY_POINTS),
			diskWrite: appendBounded(history.diskWrite, host.disk.writeBytesPerSec, HISTORY_POINTS),
			netRx: appendBounded(history.netRx, host.network.rxBytesPerSec, HISTORY_POINTS),
			netTx: appendBounded(history.netTx, host.network.txBytesPerSec, HISTORY_POINTS),
		},
	};
}

// Per-process history is kept for the processes on screen (the rows of the list in view and the
// one drilled into), the ones a person can open: keeping it for every process cost about 9 ms
// and most of the garbage of a tick with 1,600 processes.
function withProcesses(state: State, sample: ProcessSample): State {
	const next = {...keepSelection(state, 'processes'), processes: sample};
	const previous = state.processHistory;
	const processHistory = new Map<number, ProcessHistory>();
	const record = (row: ProcessRow) => {
		const old = previous.get(row.pid);
		const isSameProcess = old !== undefined && old.startedAt === row.startedAt;
		processHistory.set(row.pid, {
			startedAt: row.startedAt,
			cpu: appendBounded(isSameProcess ? old.cpu : [], row.cpuPct, PROCESS_HISTORY_POINTS),
			rss: appendBounded(isSameProcess ? old.rss : [], row.rss, PROCESS_HISTORY_POINTS),
		});
	};

	const list = visibleProcesses(next);
	const {top, pageSize, detailPid} = next.ui.processes;
	const start = windowStart(top, Math.max(listSelectionIndex(next, 'processes'), 0), pageSize, list.length);
	for (const item of list.slice(start, start + pageSize)) record(item.row);
	const detail = detailPid === null || processHistory.has(detailPid) ? undefined : sample.processes.find(row => row.pid === detailPid);
	if (detail) record(detail);
	return {...next, processHistory};
}

// Where a list's selection is on screen now, before its rows change: a row gone in the next
// sample leaves the selection where it was seen, not where it was when last moved.
function keepSelection(state: State, list: ListId): State {
	const index = listSelectionIndex(state, list);
	if (index < 0) return state;
	const selection = selectAt(state.ui[list], state.ui[list].selected, index);
	return selection === state.ui[list] ? state : withUi(state, {[list]: selection});
}

function withContainers(state: State, sample: ContainersSample): State {
	const containerHistory = new Map<string, {cpu: number[]; memory: number[]}>();
	for (const row of sample.containers) {
		const old = state.containerHistory.get(row.id);
		containerHistory.set(row.id, {
			cpu: row.cpuPct === null ? (old?.cpu ?? []) : appendBounded(old?.cpu ?? [], row.cpuPct, PROCESS_HISTORY_POINTS),
			memory: row.memUsed === null ? (old?.memory ?? []) : appendBounded(old?.memory ?? [], row.memUsed, PROCESS_HISTORY_POINTS),
		});
	}

	return {...keepSelection(state, 'containers'), containers: sample, containerHistory};
}

// The collector whose samples a metric's values come from, as the registry says (a source-down series: that source's own).
function sourceOf(metric: string, resource: string): string {
	return collectorOf(metric, resource) ?? '';
}

// When a collector reports, the values measured from it join their series (a value measured
// again within the same second replaces the last point); its series not measured now are
// dropped, unless a listed alert is about them. Other sources' series are left as they are, so
// a tick costs what its own source measures.
function nextSeries(state: State, measurements: Readonly<Record<string, readonly Measurement[]>>, alerts: readonly Alert[], source: string): ReadonlyMap<string, Series> {
	const series = new Map(state.series);
	const {now} = state;
	const measured = new Set<string>();
	for (const [metric, values] of Object.entries(measurements)) {
		for (const {resource, value} of values) {
			if (sourceOf(metric, resource) !== source) continue;
			const key = seriesKey(metric, resource);
			measured.add(key);
			const old = state.series.get(key);
			const last = old ? old.at[old.count - 1]! : Number.NEGATIVE_INFINITY;
			series.set(key, now - last < 1000 ? withPoint(old, last, value, true) : withPoint(old, now, value, false));
		}
	}

	const listed = new Set(alerts.map(alert => seriesKey(state.rules.find(rule => rule.id === alert.rule)?.metric ?? '', alert.resource)));
	for (const key of state.series.keys()) {
		const [metric = '', resource = ''] = key.split('\u0000');
		if (sourceOf(metric, resource) === source && !measured.has(key) && !listed.has(key)) series.delete(key);
	}

	return series;
}

// The rules run after every sample and every failure: they read the state, so alerts follow it.
function withAlerts(state: State, source: string): State {
	const measurements = measure(state);
	const alerts = evaluate(state.rules, measurements, state.alerts, state.now);
	const kept = alerts.alerts === state.alerts.alerts ? state : keepSelection(state, 'alerts');
	return {...kept, alerts, series: nextSeries(state, measurements, alerts.alerts, source)};
}

function withUi(state: State, ui: Partial<Ui>): State {
	return {...state, ui: {...state.ui, ...ui}};
}

function withListUi<L extends ListId>(state: State, list: L, fields: Partial<Ui[L]>): State {
	return withUi(state, {[list]: {...state.ui[list], ...fields}});
}

function withStatus(state: State, id: string, status: CollectorStatus): State {
	return {...state, status: {...state.status, [id]: status}};
}

function withSample(state: State, action: SampleAction): State {
	switch (action.id) {
		case 'host':
			return withHost(state, action.value);
		case 'processes':
			return withProcesses(state, action.value);
		case 'postgres-sessions':
			return {...keepSelection(keepSelection(state, 'sessions'), 'locks'), postgres: action.value};
		case 'postgres-locks':
			return {...keepSelection(state, 'locks'), locks: action.value};
		case 'containers':
			return withContainers(state, action.value);
		case 'container-detail':
			return {...state, containerDetail: action.value};
		default:
			return {...state, checks: {...state.checks, [action.id.slice('check:'.length)]: action.value}};
	}
}

/** The one reducer: pure, no I/O, no clock. */
export function reduce(state: State, action: Action): State {
	switch (action.type) {
		case 'sample': {
			const sampled = withStatus({...withSample(state, action), now: Math.max(state.now, action.at)}, action.id, {
				lastOkAt: action.at,
				error: null,
				errorAt: null,
				downSince: null,
				failures: 0,
			});
			// No rule reads the process list or the open container's details.
			return action.id === 'processes' || action.id === 'container-detail' ? sampled : withAlerts(sampled, action.id);
		}

		case 'collector-error': {
			const old = state.status[action.id];
			const failed = withStatus({...state, now: Math.max(state.now, action.at)}, action.id, {
				lastOkAt: old?.lastOkAt ?? null,
				error: action.message,
				errorAt: action.at,
				downSince: old?.downSince ?? action.at,
				failures: (old?.failures ?? 0) + 1,
			});
			return withAlerts(failed, action.id);
		}

		case 'acknowledge':
			return {...state, alerts: acknowledge(state.alerts, action.id, action.by, action.note, action.at)};
		case 'set-pane':
			return withUi(state, {pane: action.pane});
		case 'set-paused':
			return withUi(state, {isPaused: action.isPaused});
		case 'set-refresh':
			return withUi(state, {refreshMs: action.refreshMs});
		case 'set-help':
			return withUi(state, {isHelpOpen: action.isOpen, helpPage: 0});
		case 'set-help-page':
			return withUi(state, {helpPage: Math.max(action.page, 0)});
		case 'set-input':
			return withUi(state, {input: action.input});
		case 'set-confirm':
			return withUi(state, {confirm: action.confirm});
		case 'notice':
			return withUi(state, {notice: action.notice});
		case 'set-sort':
			return withListUi(state, 'processes', {sort: action.sort});
		case 'toggle-tree':
			return withListUi(state, 'processes', {isTree: !state.ui.processes.isTree});
		case 'set-session-sort':
			return withListUi(state, 'sessions', {sort: action.sort});
		case 'toggle-idle':
			return withListUi(state, 'sessions', {showIdle: !state.ui.sessions.showIdle});
		case 'toggle-background':
			return withListUi(state, 'sessions', {showBackground: !state.ui.sessions.showBackground});
		case 'select':
			return withUi(state, {[action.list]: selectAt(state.ui[action.list], action.key, action.index)});
		case 'set-page-size': {
			const selection = state.ui[action.list];
			const pageSize = Math.max(action.rows, 1);
			if (pageSize === selection.pageSize) return state;
			return withListUi(state, action.list, {pageSize, top: windowStart(selection.top, selection.selectedIndex, pageSize)});
		}

		case 'open-container':
			return withUi(state, {containers: {...state.ui.containers, detailId: action.id}});
		case 'open-alert':
			return withListUi(state, 'alerts', {detailId: action.id});
		case 'open-detail':
			return action.list === 'sessions' ? withListUi(state, 'sessions', {detailPid: action.pid, detailFrom: action.from ?? null}) : withListUi(state, action.list, {detailPid: action.pid});
		case 'close-detail':
			return withListUi(state, action.list, {detailPid: null});
		case 'set-filter':
			return withListUi(state, action.list, {filter: action.filter, selectedIndex: 0});
		case 'set-container-sort':
			return withUi(state, {containers: {...state.ui.containers, sort: action.sort}});
		case 'toggle-exited':
			return withUi(state, {containers: {...state.ui.containers, showExited: !state.ui.containers.showExited}});
	}
}

/** A store instance: one per app (and one per test), never a module global. */
export type Store = {
	getState(): State;
	dispatch(action: Action): void;
	/** Applies several actions as one commit: listeners run once. */
	dispatchAll(actions: readonly Action[]): void;
	subscribe(listener: () => void): () => void;
};

/** Creates a store around the reducer; listeners run once per dispatch. */
export function createStore(state: State): Store {
	let current = state;
	const listeners = new Set<() => void>();
	const dispatchAll = (actions: readonly Action[]) => {
		const next = actions.reduce(reduce, current);
		if (next === current) {
			return;
		}

		current = next;
		for (const listener of listeners) {
			listener();
		}
	};

	return {
		getState: () => current,
		dispatch: action => dispatchAll([action]),
		dispatchAll,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
