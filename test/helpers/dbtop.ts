// How the tests run the built dbtop, and the world they pin it to. A test names every server it
// means dbtop to reach; nothing else of the machine it runs on (a local PostgreSQL on the default
// socket, a Docker engine, PG* or DOCKER_HOST in the environment, the user's config and alert
// state) reaches it, so the suite passes the same on a laptop, a CI runner and a database server.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The built dbtop. */
export const CLI = fileURLToPath(new URL('../../dist/dbtop.js', import.meta.url));

/** No Postgres and no container engine: both named, and neither there (dbtop says so and goes on). */
export const NO_SERVERS = ['--pg', 'host=/nonexistent/dbtop-test', '--docker', 'unix:///nonexistent/dbtop-test.sock'] as const;

/** A home directory with nothing in it (no ~/.pgpass, ~/.pg_service.conf or ~/.postgresql/), for resolving connection settings. */
export const NO_HOME = '/nonexistent/dbtop-test-home';

// What libpq and the container engines read from the environment.
const isServerVariable = (name: string) => name.startsWith('PG') || name === 'DOCKER_HOST' || name === 'CONTAINER_HOST';

/**
 * The environment for a dbtop under test: this process's without what would reach a server the
 * test did not name, its home, config and alert state under `dir` (the test's own, which it
 * removes), and `extra` on top.
 */
export function pinnedEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
	const kept = Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !isServerVariable(entry[0]));
	// HOME too: ~/.pgpass, ~/.pg_service.conf and ~/.postgresql/ of whoever runs the tests stay out.
	return {...Object.fromEntries(kept), HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_STATE_HOME: path.join(dir, 'state'), ...extra};
}
