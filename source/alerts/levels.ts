// Colour levels, from the alert rules in force on a metric: a view holds no threshold of its own.
import {isInScope, levelOf, type Rule} from './engine.js';
import {sessionResource, type MetricId} from './metrics.js';
import type {PgSession} from '../types.js';

/** How a value should look: colour follows the level, never a threshold inside a view. */
export type Level = 'ok' | 'warn' | 'crit';

const ORDER: readonly Level[] = ['ok', 'warn', 'crit'];

/** The worse of some levels. */
export function worstLevel(...levels: Level[]): Level {
	return levels.reduce((worst, level) => (ORDER.indexOf(level) > ORDER.indexOf(worst) ? level : worst), 'ok');
}

/**
 * Level of a metric's value for one resource: the worst the enabled rules on that metric give it
 * within their scope, by their thresholds (so colours follow the config); ok where no rule
 * judges it, and for rules on any increase, which a single value cannot show.
 */
export function metricLevel(rules: readonly Rule[], metric: MetricId, resource: string, value: number | null | undefined): Level {
	let level: Level = 'ok';
	if (value === null || value === undefined) return level;
	for (const rule of rules) {
		if (rule.metric !== metric || !rule.isEnabled || !isInScope(rule, resource)) continue;
		const severity = levelOf(rule, value, null, null);
		if (severity === 'critical') return 'crit';
		if (severity === 'warning') level = 'warn';
	}

	return level;
}

/** Level of a session, as the Postgres rules judge it: waiting on a lock, a long query, idle in a transaction. */
export function sessionLevel(rules: readonly Rule[], session: PgSession): Level {
	const isClient = session.backendType === 'client backend';
	const resource = sessionResource(session);
	return worstLevel(
		session.waitEventType === 'Lock' ? metricLevel(rules, 'pg.lockWaitSec', resource, session.stateAgeSec) : 'ok',
		session.state === 'active' && isClient ? metricLevel(rules, 'pg.activeQuerySec', resource, session.queryAgeSec) : 'ok',
		session.state?.startsWith('idle in transaction') ? metricLevel(rules, 'pg.idleInTransactionSec', resource, session.stateAgeSec) : 'ok',
	);
}
