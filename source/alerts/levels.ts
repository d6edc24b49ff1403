import type {Rule} from './engine.js';
import type {PgSession} from '../types.js';

/** How a value should look: colour follows the level, never a threshold inside a view. */
export type Level = 'ok' | 'warn' | 'crit' | 'stale';

/** Level of a usage percentage (CPU, memory, filesystem used), matching the default alert thresholds. */
export function usageLevel(pct: number): Level {
	return pct >= 95 ? 'crit' : pct >= 80 ? 'warn' : 'ok';
}

/** Level of a filesystem by its free percentage (below 15 % warns, below 5 % is critical). */
export function freeLevel(freePct: number): Level {
	return freePct < 5 ? 'crit' : freePct < 15 ? 'warn' : 'ok';
}

const ORDER: readonly Level[] = ['ok', 'stale', 'warn', 'crit'];

/** The worse of some levels. */
export function worstLevel(...levels: Level[]): Level {
	return levels.reduce((worst, level) => (ORDER.indexOf(level) > ORDER.indexOf(worst) ? level : worst), 'ok');
}

/** Level of a value by the thresholds of one rule in force (so colours follow the config); ok when the rule is off or absent. */
export function ruleLevel(rules: readonly Rule[], id: string, value: number | null | undefined): Level {
	const rule = rules.find(candidate => candidate.id === id);
	if (!rule?.isEnabled || value === null || value === undefined || rule.comparison === 'increases') return 'ok';
	const isPast = (threshold: number | null) => threshold !== null && (rule.comparison === 'above' ? value > threshold : value < threshold);
	return isPast(rule.critical) ? 'crit' : isPast(rule.warning) ? 'warn' : 'ok';
}

/** Level of a session, as the Postgres rules judge it: waiting on a lock, a long query, idle in a transaction. */
export function sessionLevel(rules: readonly Rule[], session: PgSession): Level {
	const isClient = session.backendType === 'client backend';
	return worstLevel(
		session.waitEventType === 'Lock' ? ruleLevel(rules, 'lock-wait', session.stateAgeSec) : 'ok',
		session.state === 'active' && isClient ? ruleLevel(rules, 'long-query', session.queryAgeSec) : 'ok',
		session.state?.startsWith('idle in transaction') ? ruleLevel(rules, 'idle-in-transaction', session.stateAgeSec) : 'ok',
	);
}
