// The metrics the rules read, taken from the store: one value per resource, in base units.
import type {Measurement} from './alert-engine.js';
import type {State} from './store.js';

/** Every metric the built-in rules can use, from the current state. */
export function measure(state: State): Record<string, Measurement[]> {
	const out: Record<string, Measurement[]> = {};
	const add = (metric: string, resource: string, value: number | null | undefined) => {
		if (value !== null && value !== undefined && Number.isFinite(value)) (out[metric] ??= []).push({resource, value});
	};

	const {host, postgres, containers} = state;
	if (host) {
		add('host.cpuPct', host.hostname, host.cpu.total);
		add('host.memAvailablePct', host.hostname, host.memory.total > 0 ? (host.memory.available / host.memory.total) * 100 : null);
		for (const fs of host.filesystems) add('host.fsFreePct', fs.mount, fs.freePct);
		if (host.swap.used > 0) add('host.swapUsedBytes', host.hostname, host.swap.used);
		add('host.loadPerCore', host.hostname, host.cpu.cores.length > 0 ? host.load.one / host.cpu.cores.length : null);
	}

	if (postgres) {
		const {server, sessions, target} = postgres;
		add('pg.connectionsPct', target, server.maxConnections > 0 ? (server.connections / server.maxConnections) * 100 : null);
		add('pg.deadlocks', target, server.deadlocks);
		const perUser = new Map<string, number>();
		for (const session of sessions) {
			if (session.user !== null && session.backendType === 'client backend') perUser.set(session.user, (perUser.get(session.user) ?? 0) + 1);
			const name = `${session.pid} ${session.user ?? session.backendType}@${session.database ?? ''}`;
			if (session.waitEventType === 'Lock') add('pg.lockWaitSec', name, session.stateAgeSec);
			if (session.state === 'active' && session.backendType === 'client backend') add('pg.activeQuerySec', name, session.queryAgeSec);
			if (session.state === 'idle in transaction' || session.state === 'idle in transaction (aborted)') add('pg.idleInTransactionSec', name, session.stateAgeSec);
			// The session holding back vacuum: how long its snapshot has been open.
			if (session.xminAge !== null) add('pg.xminHeldSec', name, session.xactAgeSec ?? session.queryAgeSec);
		}

		for (const [user, count] of perUser) add('pg.userSessions', user, count);
		for (const standby of server.standbys) add('pg.replicationLagBytes', standby.application || standby.client || '?', standby.lagBytes);
	}

	for (const row of containers?.containers ?? []) {
		add('container.unhealthy', row.name, row.health === 'unhealthy' ? 1 : 0);
		add('container.restarts', row.name, row.restarts);
		add('container.exitCode', row.name, row.state === 'running' ? 0 : row.exitCode);
	}

	for (const [name, check] of Object.entries(state.checks)) add(`check.${name}`, check.resource, check.value);

	// A source that keeps failing: how long it has been down.
	for (const [id, status] of Object.entries(state.status)) {
		if (status?.error && (id === 'postgres-sessions' || id === 'containers' || id.startsWith('check:'))) {
			add('source.downSec', id, (state.now - (status.downSince ?? state.now)) / 1000);
		}
	}

	return out;
}
