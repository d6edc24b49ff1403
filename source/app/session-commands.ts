// What keys do to sessions beyond the one selected: tagging them, cancelling or terminating every
// tagged backend after one question, and the plan of the open session's query, asked of the
// server as a request of its own (not a collector's tick) whose answer lands in the store.
import type {PlanResult} from '../postgres/plan.js';
import {visibleSessions} from '../postgres/session-list.js';
import {sessionsByPid} from '../store/postgres.js';
import type {Store} from '../store/store.js';
import type {Confirm} from '../store/ui.js';
import type {CommandContext} from './commands.js';

const notice = (store: Store, text: string, level: 'info' | 'error' = 'info') => store.dispatch({type: 'notice', notice: {text, level}});

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Tags the session at `pid`, or untags it when it is tagged. */
export function toggleTag(store: Store, pid: number | null): void {
	const state = store.getState();
	const session = pid === null ? undefined : sessionsByPid(state).get(pid);
	if (pid === null || !session) {
		notice(store, 'no session selected', 'error');
		return;
	}

	const tagged = new Map(state.ui.sessions.tagged);
	if (tagged.has(pid)) tagged.delete(pid);
	else tagged.set(pid, session.backendStartAt);
	store.dispatch({type: 'set-tags', tagged});
}

/** Tags every session the list shows; when all of them are tagged already, untags every session (those the list hides too). */
export function tagShown(store: Store): void {
	const state = store.getState();
	const shown = visibleSessions(state);
	const {tagged} = state.ui.sessions;
	if (shown.length === 0) {
		notice(store, 'no session shown to tag', 'error');
		return;
	}

	if (shown.every(session => tagged.has(session.pid))) {
		store.dispatch({type: 'set-tags', tagged: new Map()});
		notice(store, `untagged ${plural(tagged.size, 'session')}`);
		return;
	}

	store.dispatch({type: 'set-tags', tagged: new Map([...tagged, ...shown.map(session => [session.pid, session.backendStartAt] as const)])});
	notice(store, `tagged the ${plural(shown.length, 'session')} shown`);
}

/** Asks about cancelling or terminating every tagged session, listing them by pid; false when none is tagged. */
export function askAboutTagged(store: Store, kind: 'cancel' | 'terminate'): boolean {
	const state = store.getState();
	const sessions = sessionsByPid(state);
	const backends = [...state.ui.sessions.tagged.keys()]
		.sort((a, b) => a - b)
		.flatMap(pid => {
			const session = sessions.get(pid);
			return session ? [{pid, query: session.query}] : [];
		});
	if (backends.length === 0) return false;
	store.dispatch({type: 'set-confirm', confirm: {kind: kind === 'cancel' ? 'cancel-tagged' : 'terminate-tagged', backends}});
	return true;
}

/** Cancels a backend's query or terminates it: null when done, else why not. */
export async function signalOne(postgres: NonNullable<CommandContext['postgres']>, kind: 'cancel' | 'terminate', pid: number): Promise<string | null> {
	try {
		return await (kind === 'cancel' ? postgres.cancel(pid) : postgres.terminate(pid));
	} catch (error) {
		// The contract is to resolve with a reason; a rejection still ends up on screen, not as a crash.
		return error instanceof Error ? error.message : String(error);
	}
}

/** A backend the server did not cancel or terminate, and why. */
export type SignalFailure = {pid: number; reason: string};

/** What a batch did, for the status line: `terminated 2 of 3 backends; 104: no backend with pid 104`, the backends that failed for one reason together. */
export function batchSummary(kind: 'cancel' | 'terminate', total: number, failures: readonly SignalFailure[]): string {
	const done = total - failures.length;
	const head = kind === 'cancel' ? `cancelled the queries of ${done} of ${plural(total, 'backend')}` : `terminated ${done} of ${plural(total, 'backend')}`;
	const byReason = new Map<string, number[]>();
	for (const {pid, reason} of failures) byReason.set(reason, [...(byReason.get(reason) ?? []), pid]);
	return [head, ...[...byReason].map(([reason, pids]) => `${pids.join(', ')}: ${reason}`)].join('; ');
}

/** Cancels or terminates the backends the question listed, one after the other; says how many were and why the others were not, and untags those done. */
export async function signalTagged(context: CommandContext, confirm: Extract<Confirm, {kind: 'cancel-tagged' | 'terminate-tagged'}>): Promise<void> {
	const {store, postgres} = context;
	const kind = confirm.kind === 'cancel-tagged' ? 'cancel' : 'terminate';
	if (!postgres) {
		notice(store, `cannot ${kind}: no database connected`, 'error');
		return;
	}

	const failures: SignalFailure[] = [];
	for (const {pid} of confirm.backends) {
		const failure = await signalOne(postgres, kind, pid);
		if (failure) failures.push({pid, reason: failure});
	}

	const done = confirm.backends.map(backend => backend.pid).filter(pid => !failures.some(failure => failure.pid === pid));
	const tagged = new Map(store.getState().ui.sessions.tagged);
	for (const pid of done) tagged.delete(pid);
	store.dispatchAll([
		{type: 'set-tags', tagged},
		// The screen shows at once what was done; a fresh sample says what the server now has.
		...(kind === 'terminate' ? done.map(pid => ({type: 'backend-terminated' as const, pid})) : []),
		{type: 'notice', notice: {text: batchSummary(kind, confirm.backends.length, failures), level: failures.length > 0 ? 'error' : 'info'}},
	]);
	if (done.length > 0) context.scheduler.wake('postgres-sessions');
}

/** Shows the plan of the open session's query in place of it (asked of the server now), or the query again when the plan is shown. */
export async function togglePlan(context: CommandContext): Promise<void> {
	const {store, postgres} = context;
	const state = store.getState();
	if (state.ui.sessions.plan) {
		store.dispatch({type: 'close-plan'});
		return;
	}

	const pid = state.ui.sessions.detailPid;
	const session = pid === null ? undefined : sessionsByPid(state).get(pid);
	if (pid === null || !session) {
		notice(store, 'no session to plan', 'error');
		return;
	}

	const {query, database} = session;
	store.dispatch({type: 'request-plan', pid, query});
	let result: PlanResult;
	if (!postgres?.explain) {
		result = {error: 'no database connected'};
	} else if (database === null) {
		result = {refused: 'the session is on no database'};
	} else {
		try {
			result = await postgres.explain(database, query);
		} catch (error) {
			result = {error: error instanceof Error ? error.message : String(error)};
		}
	}

	store.dispatch({type: 'plan-result', pid, query, result});
}
