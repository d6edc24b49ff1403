// The built-in rules, each overridable or disabled in the config file (by its id).
import type {Rule} from './engine.js';

const rule = (fields: Omit<Rule, 'isEnabled' | 'hysteresis' | 'clearSec'> & Partial<Pick<Rule, 'hysteresis' | 'clearSec'>>): Rule => ({
	hysteresis: 0,
	clearSec: 30,
	isEnabled: true,
	...fields,
});

/** The default rules: what operators of database servers watch by hand. */
export const DEFAULT_RULES: readonly Rule[] = [
	rule({id: 'cpu', title: 'CPU busy', metric: 'host.cpuPct', comparison: 'above', warning: 80, critical: 95, forSec: 120, hysteresis: 5}),
	rule({id: 'memory', title: 'Memory available', metric: 'host.memAvailablePct', comparison: 'below', warning: 15, critical: 5, forSec: 60, hysteresis: 2}),
	rule({id: 'filesystem', title: 'Filesystem free', metric: 'host.fsFreePct', comparison: 'below', warning: 15, critical: 5, forSec: 0, hysteresis: 1}),
	rule({id: 'swap-growing', title: 'Swap in use and growing', metric: 'host.swapUsedBytes', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 300}),
	rule({id: 'load', title: 'Load per core', metric: 'host.loadPerCore', comparison: 'above', warning: 1, critical: 2, forSec: 300, hysteresis: 0.1}),
	rule({id: 'connections', title: 'Connections of max_connections', metric: 'pg.connectionsPct', comparison: 'above', warning: 80, critical: 95, forSec: 0, hysteresis: 2}),
	rule({id: 'user-sessions', title: 'Sessions of one user', metric: 'pg.userSessions', comparison: 'above', warning: 80, critical: null, forSec: 0, hysteresis: 2}),
	rule({id: 'lock-wait', title: 'Waiting on a lock', metric: 'pg.lockWaitSec', comparison: 'above', warning: 30, critical: 300, forSec: 0, clearSec: 0}),
	// The session the waiters wait for, directly or not: how long it has held them up, and how many.
	rule({id: 'blocker', title: 'Blocking others', metric: 'pg.blockingSec', comparison: 'above', warning: 30, critical: 300, criticalHeldUp: 10, forSec: 0, clearSec: 0}),
	rule({id: 'long-query', title: 'Query running', metric: 'pg.activeQuerySec', comparison: 'above', warning: 300, critical: null, forSec: 0, clearSec: 0}),
	rule({id: 'idle-in-transaction', title: 'Idle in transaction', metric: 'pg.idleInTransactionSec', comparison: 'above', warning: 300, critical: null, forSec: 0, clearSec: 0}),
	rule({id: 'old-xmin', title: 'Oldest backend_xmin held for', metric: 'pg.xminHeldSec', comparison: 'above', warning: 3600, critical: null, forSec: 0, clearSec: 0}),
	rule({id: 'replication-lag', title: 'Replication lag', metric: 'pg.replicationLagBytes', comparison: 'above', warning: 64 * 1024 ** 2, critical: 1024 ** 3, forSec: 60}),
	// A slot nobody reads keeps every WAL segment from its restart point: the disk fills.
	rule({id: 'slot-inactive', title: 'Replication slot inactive', metric: 'pg.slotInactiveSec', comparison: 'above', warning: 300, critical: 1800, forSec: 0, clearSec: 0}),
	rule({id: 'slot-retained', title: 'WAL retained by a slot', metric: 'pg.slotRetainedBytes', comparison: 'above', warning: 1024 ** 3, critical: 10 * 1024 ** 3, forSec: 60}),
	rule({id: 'deadlocks', title: 'Deadlocks', metric: 'pg.deadlocks', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 600}),
	rule({id: 'container-unhealthy', title: 'Container unhealthy', metric: 'container.unhealthy', comparison: 'above', warning: 0, critical: null, forSec: 0}),
	rule({id: 'container-restarting', title: 'Container restarts', metric: 'container.restarts', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 300}),
	rule({id: 'container-failed', title: 'Container exited with an error', metric: 'container.exitCode', comparison: 'above', warning: 0, critical: null, forSec: 0, clearSec: 0}),
	rule({id: 'source-down', title: 'Source down', metric: 'source.downSec', comparison: 'above', warning: 60, critical: null, forSec: 0, clearSec: 0}),
];
