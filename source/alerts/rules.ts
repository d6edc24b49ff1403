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
	rule({id: 'cpu', title: 'CPU busy', source: 'host', metric: 'host.cpuPct', comparison: 'above', warning: 80, critical: 95, forSec: 120, hysteresis: 5, unit: '%'}),
	rule({id: 'memory', title: 'Memory available', source: 'host', metric: 'host.memAvailablePct', comparison: 'below', warning: 15, critical: 5, forSec: 60, hysteresis: 2, unit: '%'}),
	rule({id: 'filesystem', title: 'Filesystem free', source: 'host', metric: 'host.fsFreePct', comparison: 'below', warning: 15, critical: 5, forSec: 0, hysteresis: 1, unit: '%'}),
	rule({id: 'swap-growing', title: 'Swap in use and growing', source: 'host', metric: 'host.swapUsedBytes', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 300, unit: 'B'}),
	rule({id: 'load', title: 'Load per core', source: 'host', metric: 'host.loadPerCore', comparison: 'above', warning: 1, critical: 2, forSec: 300, hysteresis: 0.1, unit: ''}),
	rule({id: 'connections', title: 'Connections of max_connections', source: 'postgres', metric: 'pg.connectionsPct', comparison: 'above', warning: 80, critical: 95, forSec: 0, hysteresis: 2, unit: '%'}),
	rule({id: 'user-sessions', title: 'Sessions of one user', source: 'postgres', metric: 'pg.userSessions', comparison: 'above', warning: 80, critical: null, forSec: 0, hysteresis: 2, unit: ''}),
	rule({id: 'lock-wait', title: 'Waiting on a lock', source: 'postgres', metric: 'pg.lockWaitSec', comparison: 'above', warning: 30, critical: 300, forSec: 0, clearSec: 0, unit: 's'}),
	rule({id: 'long-query', title: 'Query running', source: 'postgres', metric: 'pg.activeQuerySec', comparison: 'above', warning: 300, critical: null, forSec: 0, clearSec: 0, unit: 's'}),
	rule({id: 'idle-in-transaction', title: 'Idle in transaction', source: 'postgres', metric: 'pg.idleInTransactionSec', comparison: 'above', warning: 300, critical: null, forSec: 0, clearSec: 0, unit: 's'}),
	rule({id: 'old-xmin', title: 'Oldest backend_xmin held for', source: 'postgres', metric: 'pg.xminHeldSec', comparison: 'above', warning: 3600, critical: null, forSec: 0, clearSec: 0, unit: 's'}),
	rule({id: 'replication-lag', title: 'Replication lag', source: 'postgres', metric: 'pg.replicationLagBytes', comparison: 'above', warning: 64 * 1024 ** 2, critical: 1024 ** 3, forSec: 60, unit: 'B'}),
	rule({id: 'deadlocks', title: 'Deadlocks', source: 'postgres', metric: 'pg.deadlocks', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 600, unit: ''}),
	rule({id: 'container-unhealthy', title: 'Container unhealthy', source: 'container', metric: 'container.unhealthy', comparison: 'above', warning: 0, critical: null, forSec: 0, unit: ''}),
	rule({id: 'container-restarting', title: 'Container restarts', source: 'container', metric: 'container.restarts', comparison: 'increases', warning: 0, critical: null, forSec: 0, clearSec: 300, unit: ''}),
	rule({id: 'container-failed', title: 'Container exited with an error', source: 'container', metric: 'container.exitCode', comparison: 'above', warning: 0, critical: null, forSec: 0, clearSec: 0, unit: ''}),
	rule({id: 'source-down', title: 'Source down', source: 'check', metric: 'source.downSec', comparison: 'above', warning: 60, critical: null, forSec: 0, clearSec: 0, unit: 's'}),
];
