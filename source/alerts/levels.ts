// Colour levels, from the alert rules in force on a metric: a view holds no threshold of its own.
import {isInScope, levelOf, type Rule} from './engine.js';
import {sessionResource, type MetricId} from './metrics.js';
import {memoPerObject} from '../store/memo.js';
import type {State} from '../store/store.js';
import type {PgReplicationSlot, PgSession} from '../types.js';
import {sessionValues, slotValues} from './measure.js';

/** How a value should look: colour follows the level, never a threshold inside a view. */
export type Level = 'ok' | 'warn' | 'crit';

const ORDER: readonly Level[] = ['ok', 'warn', 'crit'];

/** The worse of some levels. */
export function worstLevel(...levels: Level[]): Level {
	return levels.reduce((worst, level) => (ORDER.indexOf(level) > ORDER.indexOf(worst) ? level : worst), 'ok');
}

/**
 * Level of a metric's value for one resource: the worst the enabled rules on that metric give it
 * within their scope, by their thresholds (and for a blocker, how many it holds up), so colours
 * follow the config; ok where no rule judges it, and for rules on any increase, which a single
 * value cannot show.
 */
export function metricLevel(rules: readonly Rule[], metric: MetricId, resource: string, value: number | null | undefined, heldUp?: number): Level {
	let level: Level = 'ok';
	if (value === null || value === undefined) return level;
	for (const rule of rules) {
		if (rule.metric !== metric || !rule.isEnabled || !isInScope(rule, resource)) continue;
		const severity = levelOf(rule, value, null, null, heldUp);
		if (severity === 'critical') return 'crit';
		if (severity === 'warning') level = 'warn';
	}

	return level;
}

const levels = memoPerObject(
	(sessions: readonly PgSession[], state: State): ReadonlyMap<number, Level> =>
		new Map(sessions.map(session => [session.pid, worstLevel(...sessionValues(state, session).map(({metric, value, heldUp}) => metricLevel(state.rules, metric, sessionResource(session), value, heldUp)))])),
	(a, b) => a.rules === b.rules && a.locks === b.locks && a.now === b.now,
);

const NO_LEVELS: ReadonlyMap<number, Level> = new Map();

/** Each session's level by pid, as the Postgres rules judge its values (those measure() gives them): waiting on a lock, blocking others, a long query, idle in a transaction, holding back vacuum. */
export function sessionLevels(state: State): ReadonlyMap<number, Level> {
	return state.postgres ? levels(state.postgres.sessions, state) : NO_LEVELS;
}

/** A replication slot's level: the worst the rules on its metrics give it (the WAL it retains, how long it has been inactive). */
export function slotLevel(rules: readonly Rule[], slot: PgReplicationSlot): Level {
	return worstLevel(...slotValues(slot).map(({metric, value}) => metricLevel(rules, metric, slot.name, value)));
}
