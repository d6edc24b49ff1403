// Tagging sessions and terminating them together in a real terminal, on Postgres 14 and 18, with
// dbtop connected as a role that is no superuser (pg_monitor, pg_signal_backend): T tags the
// three a filter shows, x asks once naming them, y terminates them and the server has them no
// more; Space tags one by one, and a superuser's backend (not this role's to terminate) and a
// backend that ended between the question and the answer are each named with their reason.
// --pg: a test server; --docker: none; XDG dirs and HOME: the test's own.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type pg from 'pg';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {MAJORS, startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

for (const major of MAJORS) {
	describe(`tagging and terminating in a real terminal, Postgres ${major}`, () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-tags-'));
		let server: TestServer;

		before(async () => {
			server = await startPostgres(major);
			await server.sql("CREATE ROLE ops LOGIN PASSWORD 'ops' IN ROLE pg_monitor, pg_signal_backend; CREATE ROLE app LOGIN PASSWORD 'app'");
		});

		after(async () => {
			await server.stop();
			rmSync(dir, {recursive: true, force: true});
		});

		/** A session idle in its transaction, and its pid. */
		const idleInTransaction = async (application: string, user?: {user: string; password: string}): Promise<{client: pg.Client; pid: number}> => {
			const client = await server.connect({...user, application});
			const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
			await client.query('BEGIN');
			await client.query(`SELECT '${application}'`);
			return {client, pid};
		};

		/** The pids the server still has of a list. */
		const alive = async (pids: readonly number[]) => (await server.sql(`SELECT pid FROM pg_stat_activity WHERE pid IN (${pids.join(', ')}) ORDER BY pid`)).rows.map(row => Number(row.pid));
		const untilGone = async (pids: readonly number[], left: readonly number[] = []) => {
			while ((await alive(pids)).join() !== [...left].sort((a, b) => a - b).join()) await sleep(50);
		};

		const start = () =>
			openTerminal([process.execPath, CLI, '--pg', server.url({user: 'ops', password: 'ops'}), '--docker', 'unix:///nonexistent/dbtop-test.sock', '--interval', '500ms'], {columns: 200, rows: 40, env: pinnedEnv(dir)});

		/** The Sessions pane filtered to an application, once it lists `count` sessions. */
		const filterTo = async (term: Terminal, application: string, count: number) => {
			await term.waitFor(/PID USER.*COMMAND/);
			term.keys('3');
			await term.waitFor(/^Sessions \d+ shown/m);
			term.keys('/');
			term.type(`app:${application}`);
			term.keys('Enter');
			await term.waitFor(new RegExp(`^Sessions ${count} shown · `, 'm'));
		};

		test('T tags the three sessions the filter shows, x asks once naming the three, y terminates them: 3 of 3, and the server has them no more', async () => {
			const victims = await Promise.all([1, 2, 3].map(async () => idleInTransaction('batch-victim', {user: 'app', password: 'app'})));
			const pids = victims.map(victim => victim.pid).sort((a, b) => a - b);
			const term = start();
			try {
				await filterTo(term, 'batch-victim', 3);
				term.keys('T');
				let screen = await term.waitFor(/^Sessions 3 shown · 3 tagged · /m);
				for (const pid of pids) assert.match(screen, new RegExp(`^[> ][! ]\\* +${pid} postgres +app +batch-victim .* idle in transaction `, 'm'));
				term.keys('x');
				screen = await term.waitFor(/^Terminate 3 tagged backends/m);
				assert.match(screen, new RegExp(`^Terminate 3 tagged backends \\(${pids.map(pid => `${pid} SELECT 'batch-victim'`).join(', ')}\\)\\? y/n$`, 'm'));
				term.keys('y');
				await term.waitFor(/^terminated 3 of 3 backends$/m);
				await untilGone(pids);
				await term.waitFor(/^Sessions 0 shown · /m);
				assert.doesNotMatch(term.screen(), /tagged/);
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}
		});

		test('Space tags one at a time; a superuser\'s backend and one that ended before y are named with their reasons, the other is terminated', async () => {
			const mine = await idleInTransaction('batch-mixed', {user: 'app', password: 'app'});
			const superuser = await idleInTransaction('batch-mixed');
			const ending = await idleInTransaction('batch-mixed', {user: 'app', password: 'app'});
			const pids = [mine.pid, superuser.pid, ending.pid];
			const term = start();
			try {
				await filterTo(term, 'batch-mixed', 3);
				term.keys('Space');
				await term.waitFor(/^Sessions 3 shown · 1 tagged · /m);
				term.keys('Space');
				await term.waitFor(/^Sessions 3 shown · 2 tagged · /m);
				term.keys('Space');
				await term.waitFor(/^Sessions 3 shown · 3 tagged · /m);
				term.keys('x');
				await term.waitFor(/^Terminate 3 tagged backends \(.*\)\? y\/n$/m);
				// Between the question and the answer, one of them ends.
				await ending.client.end();
				await untilGone([ending.pid]);
				term.keys('y');
				const screen = await term.waitFor(/^terminated 1 of 3 backends; /m);
				const status = screen.split('\n').find(line => line.startsWith('terminated'))!;
				assert.match(status, new RegExp(`; ${superuser.pid}: (permission denied to terminate process|must be a superuser to terminate superuser process)(;|$)`));
				assert.match(status, new RegExp(`; ${ending.pid}: no backend with pid ${ending.pid}(;|$)`));
				await untilGone(pids, [superuser.pid]);
				// The superuser's session stays tagged; the one that ended is untagged at the next sample.
				await term.waitFor(new RegExp(`^Sessions 1 shown · 1 tagged · [\\s\\S]*^[> ][! ]\\* +${superuser.pid} `, 'm'));
				term.keys('q');
				assert.equal(await term.exitStatus(), '0');
			} finally {
				term.close();
			}
		});
	});
}
