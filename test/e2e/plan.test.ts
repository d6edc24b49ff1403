// A session's plan in a real terminal, on Postgres 14 and 18: e in its detail shows the plan of the
// query it runs (a generic one of a query with $1 parameters on 18, refused on 14), and says why
// there is none for a text cut at track_activity_query_size or a utility statement — and the
// server's log (log_statement = 'all') shows that no EXPLAIN of those reached it, and no ANALYZE
// ever. With --read-only too. --pg: a test server; --docker: none; XDG dirs and HOME: the test's own.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {loggedBy} from '../helpers/ring.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

const APPLICATION = 'dbtop-plan-e2e';
const RUNNING = 'SELECT pg_sleep(600) FROM t WHERE id = 1';
const WITH_PARAMETERS = 'SELECT pg_sleep($1) FROM t WHERE id = $2';
// Longer than the 100 bytes of track_activity_query_size the server is started with.
const LONG = `SELECT pg_sleep(600) /* ${'long '.repeat(30)}*/`;
const UTILITY = 'DO $$BEGIN PERFORM pg_sleep(600); END$$';

for (const major of MAJORS) {
	describe(`plans in a real terminal, Postgres ${major}`, () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-plan-'));
		let server: TestServer;
		let log = '';
		const pids = new Map<string, number>();

		before(async () => {
			server = await startPostgres(major, {track_activity_query_size: '100', log_statement: 'all', log_line_prefix: '%a|'}, {onLog: text => (log += text)});
			await server.sql('CREATE DATABASE shop');
			await server.sql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g", 'shop');
			const run = async (application: string, query: (client: pg.Client) => Promise<unknown>) => {
				const client = await server.connect({database: 'shop', application});
				pids.set(application, Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
				void query(client).catch(() => {});
			};

			await run('plan-running', async client => client.query(RUNNING));
			// pg sends a query with values by the extended protocol: the server shows its $1 and $2.
			await run('plan-parameters', async client => client.query(WITH_PARAMETERS, [600, 1]));
			await run('plan-long', async client => client.query(LONG));
			await run('plan-utility', async client => client.query(UTILITY));
		});

		after(async () => {
			await server.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		const start = (...flags: string[]) =>
			openTerminal([process.execPath, CLI, ...flags, '--pg', `${server.url({database: 'postgres'})}?application_name=${APPLICATION}`, '--docker', 'unix:///nonexistent/dbtop-test.sock', '--interval', '500ms'], {columns: 120, rows: 32, env: pinnedEnv(dir)});

		/** Opens the detail of the session with an application name, from the Sessions pane with no filter. */
		const openSession = async (term: Terminal, application: string) => {
			term.keys('/');
			term.type(`app:${application}`);
			term.keys('Enter');
			await term.waitFor(new RegExp(`^> +${pids.get(application)} `, 'm'));
			term.keys('Enter');
			await term.waitFor(new RegExp(`^Session ${pids.get(application)} postgres@shop`, 'm'));
		};

		/** From a plan shown: Esc back to the query, Esc to the list, Esc clears the filter (a key at a time, each seen done). */
		const backToList = async (term: Terminal) => {
			term.keys('Escape');
			await term.waitFor(/^Query /m);
			term.keys('Escape');
			await term.waitFor(/^Sessions 1 shown · .* filter "/m);
			term.keys('Escape');
			await term.waitFor(/^Sessions \d+ shown · (?!.*filter ")/m);
		};

		test('e shows the plan of a running query, a generic plan of one with $1 from 16 on; a cut text and a utility statement say why there is none, and never reach the server', async () => {
			const from = log.length;
			const term = start();
			const explain = major >= 16 ? 'EXPLAIN \\(GENERIC_PLAN\\)' : 'EXPLAIN';
			try {
				await term.waitFor(/PID USER.*COMMAND/);
				term.keys('3');
				await term.waitFor(/^Sessions \d+ shown/m);
				await openSession(term, 'plan-running');
				term.keys('e');
				let screen = await term.waitFor(/Scan using t_pkey on t/);
				assert.match(screen, new RegExp(`^Plan ${explain}, not run · e or Esc back to the query$`, 'm'));
				assert.match(screen, /^ +Index Cond: \(id = 1\)$/m);
				assert.doesNotMatch(screen, /^Query /m);
				term.keys('e');
				await term.waitFor(/^Query SELECT pg_sleep\(600\) FROM t WHERE id = 1$/m);
				term.keys('e');
				await term.waitFor(/Scan using t_pkey on t/);
				await backToList(term);

				await openSession(term, 'plan-parameters');
				term.keys('e');
				screen = await term.waitFor(/^Plan (EXPLAIN|none)/m);
				if (major >= 16) {
					screen = await term.waitFor(/Index Cond: \(id = \$2\)/);
					assert.match(screen, /^Plan EXPLAIN \(GENERIC_PLAN\), not run/m);
				} else {
					screen = await term.waitFor(/^the query has parameters \(\$1…\): Postgres before 16 cannot plan it without their values$/m);
					assert.match(screen, /^Plan none: nothing was sent to the server/m);
				}

				await backToList(term);
				await openSession(term, 'plan-long');
				term.keys('e');
				await term.waitFor(/^the query text may be cut: it fills track_activity_query_size \(100 bytes\), so its plan could be another query's$/m);
				await backToList(term);
				await openSession(term, 'plan-utility');
				term.keys('e');
				screen = await term.waitFor(/^a utility statement \(DO\): EXPLAIN takes only SELECT/m);
				assert.match(screen, /^Plan none: nothing was sent to the server/m);
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}

			// A statement under the same name after dbtop quit: once it is in the log, all of dbtop's are.
			const marker = await server.connect({application: APPLICATION});
			await marker.query("SELECT 'marker'");
			await marker.end();
			while (!loggedBy(log.slice(from), APPLICATION).statements.includes("SELECT 'marker'")) await sleep(20);
			const explains = loggedBy(log.slice(from), APPLICATION).statements.filter(statement => /EXPLAIN/i.test(statement));
			const generic = major >= 16 ? 'EXPLAIN (GENERIC_PLAN)' : 'EXPLAIN';
			const expected = [`${generic} ${RUNNING}`, `${generic} ${RUNNING}`, ...(major >= 16 ? [`${generic} ${WITH_PARAMETERS}`] : [])];
			assert.deepEqual(explains, expected, 'only the plans shown were asked for: nothing of the cut text or the utility statement, no ANALYZE');
			const {rows} = await server.sql(`SELECT application_name, state FROM pg_stat_activity WHERE application_name LIKE 'plan-%' ORDER BY 1`);
			assert.deepEqual(rows.map(row => `${row.application_name} ${row.state}`), ['plan-long active', 'plan-parameters active', 'plan-running active', 'plan-utility active'], 'the sessions run on');
		});

		test('--read-only: e shows the plan too, and Space only says tagging is not available', async () => {
			const term = start('--read-only');
			try {
				await term.waitFor(/PID USER.*COMMAND/);
				term.keys('3', '/');
				term.type('app:plan-running');
				term.keys('Enter');
				await term.waitFor(new RegExp(`^> +${pids.get('plan-running')} `, 'm'));
				term.keys('Space');
				await term.waitFor(/read-only: tagging sessions is not available/);
				term.keys('Enter');
				await term.waitFor(new RegExp(`^Session ${pids.get('plan-running')} postgres@shop`, 'm'));
				term.keys('e');
				await term.waitFor(/Scan using t_pkey on t/);
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}
		});
	});
}
