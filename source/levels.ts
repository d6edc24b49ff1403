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
