// The blocker rule on real lock chains: sessions of a real server hold each other up, the
// collectors sample them, and the metric, the default rule and `dbtop check` read the samples.
import {NO_HOME} from '../helpers/dbtop.js';
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {check} from '../../source/alerts/check.js';
import {evaluate, initialAlerts} from '../../source/alerts/engine.js';
import {measure} from '../../source/alerts/measure.js';
import {alertMessage} from '../../source/alerts/message.js';
import {sessionResource} from '../../source/alerts/metrics.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {initialState, reduce, type State} from '../../source/store/store.js';
import type {PgLocksSample, PgSessionsSample} from '../../source/types.js';
import {lockChain, MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';

const signal = new AbortController().signal;

for (const major of MAJORS) {
	describe(`Postgres ${major}`, () => {
		let server: TestServer;
		let connection: PgConnection;
		const opened: pg.Client[] = [];
		const client = async () => {
			const connected = await server.connect();
			opened.push(connected);
			return connected;
		};

		const pidOf = async (x: pg.Client) => Number((await x.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);

		/** The store after a sessions and a locks sample of the server, once `isReady` holds for the locks (polled, bounded). */
		async function sampled(isReady: (locks: PgLocksSample) => boolean): Promise<State> {
			const sessions = postgresSessions(connection);
			const locks = postgresLocks(connection);
			let lockSample = (await locks.collect(signal)) as PgLocksSample;
			for (let i = 0; i < 100 && !isReady(lockSample); i++) {
				await sleep(100);
				lockSample = (await locks.collect(signal)) as PgLocksSample;
			}

			assert.ok(isReady(lockSample), 'the chain is in pg_locks');
			const sessionSample = (await sessions.collect(signal)) as PgSessionsSample;
			const at = Date.now();
			return reduce(reduce(initialState(1000), {type: 'sample', id: 'postgres-sessions', at, value: sessionSample}), {type: 'sample', id: 'postgres-locks', at, value: lockSample});
		}

		/** The state as it would be `seconds` later with the same samples: the waits have grown by that much. */
		const later = (state: State, seconds: number): State => ({...state, now: state.now + seconds * 1000});
		const blockerAlerts = (state: State) => evaluate(DEFAULT_RULES, measure(state), initialAlerts(), state.now).alerts.filter(alert => alert.rule === 'blocker');
		const resourceOf = (state: State, pid: number) => sessionResource(state.postgres!.sessions.find(session => session.pid === pid)!);

		before(async () => {
			server = await startPostgres(major);
			await server.sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
			await server.sql('INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 10) g');
			connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
		});

		after(async () => {
			await Promise.all(opened.map(async c => c.end().catch(() => {})));
			await connection?.close();
			await server?.stop();
		});

		test('a chain: the root blocker is measured, holding up the waiters directly or not, for the longest of their waits; the default rule warns past 30 s, is critical past 5 min', async () => {
			const [a, b, c] = [await client(), await client(), await client()];
			const [pa, pb, pc] = [await pidOf(a), await pidOf(b), await pidOf(c)];
			const waits = await lockChain(a, b, c);
			try {
				const state = await sampled(locks => pb in locks.blockedBy && pc in locks.blockedBy);
				const blocking = measure(state)['pg.blockingSec'];
				assert.equal(blocking?.length, 1, 'only the root: B holds C up but waits itself');
				const [measured] = blocking!;
				assert.equal(measured!.resource, resourceOf(state, pa));
				assert.equal(measured!.heldUp, 2, 'B directly, C through B');
				// B has waited longest (C started after it).
				const waits = measure(state)['pg.lockWaitSec']!;
				const longest = Math.max(...waits.filter(wait => wait.resource === resourceOf(state, pb) || wait.resource === resourceOf(state, pc)).map(wait => wait.value));
				assert.equal(measured!.value, longest);
				assert.equal(longest, waits.find(wait => wait.resource === resourceOf(state, pb))!.value);

				assert.deepEqual(blockerAlerts(state), [], 'a few seconds: no alert');
				const warned = blockerAlerts(later(state, 31));
				assert.deepEqual(
					warned.map(alert => [alert.severity, alert.resource, alert.heldUp]),
					[['warning', resourceOf(state, pa), 2]],
				);
				assert.match(alertMessage(warned[0]!, DEFAULT_RULES), /^Blocking others: \d+s, holding up 2 sessions \(warning above 30s\)$/);
				assert.deepEqual(blockerAlerts(later(state, 301)).map(alert => alert.severity), ['critical']);
			} finally {
				await Promise.all([a, b, c].map(async x => x.query('ROLLBACK').catch(() => {})));
				await Promise.all(waits);
			}
		});

		test('ten sessions waiting on one blocker: critical once it has held them up past the warning; dbtop check names it and how many', async () => {
			const holder = await client();
			const holderPid = await pidOf(holder);
			await holder.query('BEGIN');
			await holder.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
			const waiters = await Promise.all(Array.from({length: 10}, async () => client()));
			const waiterPids = await Promise.all(waiters.map(pidOf));
			const waits = waiters.map(async waiter => waiter.query('SELECT count(*) FROM accounts').catch(() => {}));
			try {
				const state = await sampled(locks => waiterPids.every(pid => pid in locks.blockedBy));
				assert.deepEqual(measure(state)['pg.blockingSec']?.map(blocking => [blocking.resource, blocking.heldUp]), [[resourceOf(state, holderPid), 10]]);
				assert.deepEqual(blockerAlerts(state), [], 'not yet past the warning');
				const alerts = blockerAlerts(later(state, 31));
				assert.deepEqual(alerts.map(alert => alert.severity), ['critical']);
				assert.match(alertMessage(alerts[0]!, DEFAULT_RULES), /^Blocking others: \d+s, holding up 10 sessions \(critical holding up 10 or more\)$/);
				const result = check(later(state, 31), DEFAULT_RULES, ['postgres-sessions']);
				assert.equal(result.exitCode, 2);
				const line = result.lines.find(candidate => candidate.includes(' blocker '));
				assert.match(line ?? '', new RegExp(`^CRITICAL blocker ${holderPid} postgres@postgres: Blocking others: \\d+s, holding up 10 sessions \\(critical holding up 10 or more\\)$`));
			} finally {
				await holder.query('ROLLBACK');
				await Promise.all(waits);
			}
		});
	});
}
