// The one store: the slices composed into one state and one pure reducer. Each slice (host and
// processes, postgres, containers, checks, alerts, ui) is a file beside this one with its part of
// the state, its reducer and its selectors; this file holds what they share: the clock, the
// health of each collector, and the order things happen in when a sample arrives.
import type {AlertsState, Rule} from '../alerts/engine.js';
import type {ReadOnlyMode} from '../app/keymap.js';
import type {CollectorId, SampleMap} from '../types.js';
import {initialAlertsSlice, reduceAlerts, withAlerts, type AlertsAction, type AlertsSlice} from './alerts.js';
import {initialChecks, reduceChecks, type ChecksSlice} from './checks.js';
import {initialContainers, reduceContainers, type ContainersSlice} from './containers.js';
import {initialHost, reduceHost, type HostSlice} from './host.js';
import {initialPostgres, reducePostgres, withoutSession, type PostgresSlice} from './postgres.js';
import {keepSelection} from './lists.js';
import {initialReplay, withMoment, type ReplayAction, type ReplaySlice} from './replay.js';
import {initialStatements, reduceStatements, type StatementsSlice} from './statements.js';
import {initialUi, reduceUi, type ListId, type Ui, type UiAction} from './ui.js';

/** Health of one collector: when it last succeeded and why it fails now (the scheduler counts the failures it backs off on). */
export type CollectorStatus = {
	lastOkAt: number | null;
	error: string | null;
	errorAt: number | null;
	/** When the current run of failures began (null while healthy). */
	downSince: number | null;
};

/** The whole application state: the slices, the clock and each collector's health. */
export type State = HostSlice &
	PostgresSlice &
	ContainersSlice &
	ChecksSlice &
	AlertsSlice &
	ReplaySlice &
	StatementsSlice & {
		/** Time of the latest sample or error (epoch ms): the clock ages are measured against. */
		now: number;
		status: Partial<Record<string, CollectorStatus>>;
		ui: Ui;
	};

type SampleAction = {[K in CollectorId]: {type: 'sample'; id: K; at: number; value: SampleMap[K]}}[CollectorId];

/** A sample of one of the collectors named. */
export type SampleOf<K extends CollectorId> = Extract<SampleAction, {id: K}>;

/** Everything that changes the state. */
export type Action = SampleAction | {type: 'collector-error'; id: string; at: number; message: string} | {type: 'backend-terminated'; pid: number} | AlertsAction | ReplayAction | UiAction;

/** The state before any sample arrives: rules from the config, alerts from the state file, and whether dbtop is read-only. */
export function initialState(refreshMs: number, rules?: readonly Rule[], alerts?: AlertsState, readOnly: ReadOnlyMode | null = null): State {
	return {
		...initialHost(),
		...initialPostgres(),
		...initialContainers(),
		...initialChecks(),
		...initialAlertsSlice(rules, alerts),
		...initialReplay(),
		...initialStatements(),
		now: 0,
		status: {},
		ui: initialUi(refreshMs, readOnly),
	};
}

const isSampleOf = <K extends CollectorId>(action: SampleAction, ...ids: K[]): action is SampleOf<K> => (ids as CollectorId[]).includes(action.id);

/** The lists each collector's samples feed: their selections are kept before a sample changes their rows. */
const LISTS_FED: Partial<Record<CollectorId, readonly ListId[]>> = {
	processes: ['processes'],
	'postgres-sessions': ['sessions', 'locks'],
	'postgres-locks': ['locks'],
	containers: ['containers'],
};

function withSample(before: State, action: SampleAction): State {
	const state = (LISTS_FED[action.id] ?? []).reduce(keepSelection, before);
	if (isSampleOf(action, 'host', 'processes')) return reduceHost(state, action);
	if (isSampleOf(action, 'postgres-sessions', 'postgres-locks')) return reducePostgres(state, action);
	if (isSampleOf(action, 'postgres-statements')) return reduceStatements(state, action);
	if (isSampleOf(action, 'containers', 'container-detail')) return reduceContainers(state, action);
	if (isSampleOf(action, 'replay')) return withMoment(state, action.value);
	if (isSampleOf(action, 'replay-nodes')) return state.replay ? {...state, replay: {...state.replay, nodes: action.value}} : state;
	return reduceChecks(state, action as SampleOf<`check:${string}`>);
}

// The rules read the state a sample or a failure left: alerts follow it, and the alerts list keeps its selection.
function withRules(state: State, source: string): State {
	const next = withAlerts(state, source);
	return next.alerts.alerts === state.alerts.alerts ? next : {...next, ui: keepSelection(state, 'alerts').ui};
}

function withStatus(state: State, id: string, status: CollectorStatus): State {
	return {...state, status: {...state.status, [id]: status}};
}

/** The one reducer: pure, no I/O, no clock. A sample goes to its slice, then the rules read the result. */
export function reduce(state: State, action: Action): State {
	switch (action.type) {
		case 'sample': {
			const next = withSample(state, action);
			// A replay's clock is the moment shown (withMoment sets it), and its alerts are those recorded: no rule runs.
			const sampled = withStatus({...next, now: state.replay ? next.now : Math.max(state.now, action.at)}, action.id, {lastOkAt: action.at, error: null, errorAt: null, downSince: null});
			// No rule reads the process list, the open container's details or the statements.
			return state.replay || action.id === 'processes' || action.id === 'container-detail' || action.id === 'postgres-statements' ? sampled : withRules(sampled, action.id);
		}

		case 'collector-error': {
			const old = state.status[action.id];
			const failed = withStatus({...state, now: state.replay ? state.now : Math.max(state.now, action.at)}, action.id, {
				lastOkAt: old?.lastOkAt ?? null,
				error: action.message,
				errorAt: action.at,
				downSince: old?.downSince ?? action.at,
			});
			return state.replay ? failed : withRules(failed, action.id);
		}

		case 'replay-seek':
			return state.replay ? {...state, replay: {...state.replay, cursor: action.cursor}} : state;

		case 'backend-terminated':
			return withoutSession(state, action.pid);
		case 'acknowledge':
		case 'merge-alerts':
			return reduceAlerts(state, action);
		default: {
			const ui = reduceUi(state.ui, action);
			return ui === state.ui ? state : {...state, ui};
		}
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
