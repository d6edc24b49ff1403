// Copying a session's query to the clipboard in a real terminal: y sends it with OSC 52, which a
// tmux with `set-clipboard on` keeps as a paste buffer (and passes on to the terminal outside);
// the query keeps its lines, and an escape code in it arrives made visible, not as a code.
// --pg: a test server; --docker: none; XDG dirs and HOME: the test's own.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {CLI, pinnedEnv} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {openTerminal} from '../helpers/tmux.js';

const QUERY = 'SELECT 1 /* \u001B[31mred\u001B[0m */,\n\tpg_sleep(600) AS "待つ"';
const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-copy-'));
let server: TestServer;
let pid = 0;

before(async () => {
	server = await startPostgres(18);
	const client = await server.connect({application: 'copyme'});
	pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	void client.query(QUERY).catch(() => {});
});

after(async () => {
	await server.stop();
	rmSync(dir, {recursive: true, force: true});
});

test('y copies the selected session\'s whole query with OSC 52, its lines kept and its escape codes made visible; the status line says so', async () => {
	const term = openTerminal([process.execPath, CLI, '--pg', server.url(), '--docker', 'unix:///nonexistent/dbtop-test.sock', '--interval', '500ms'], {columns: 120, rows: 30, env: pinnedEnv(dir)});
	try {
		await term.waitFor(/PID USER.*COMMAND/);
		term.keys('3', '/');
		term.type('app:copyme');
		term.keys('Enter');
		await term.waitFor(new RegExp(`^> +${pid} `, 'm'));
		term.keys('y');
		await term.waitFor(new RegExp(`copied the query of ${pid} to the clipboard \\(${Array.from(QUERY).length} characters\\)`));
		assert.equal(term.clipboard(), 'SELECT 1 /* \\x1b[31mred\\x1b[0m */,\n\tpg_sleep(600) AS "待つ"');

		// From the session's detail too.
		term.keys('Enter');
		await term.waitFor(new RegExp(`Session ${pid}`));
		term.keys('y');
		await term.waitFor(/copied the query of/);
		term.keys('q');
		assert.equal(await term.exitStatus(), '0');
	} finally {
		term.close();
	}
});
