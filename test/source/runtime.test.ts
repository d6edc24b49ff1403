// The runtime's wiring between what is open on screen and what the collectors read: the
// processes collector reads the I/O and open files of the process drilled into (or of the open
// session's backend when the server is local), the container-detail collector reads the open
// container, and the process scan runs only while something on screen shows processes. Real
// collectors in a runtime as dbtop builds it; the screen is driven through the store's actions.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {after, before, describe, test} from 'node:test';
import {createRuntime, type Runtime} from '../../source/app/app.js';
import {toOptions} from '../../source/app/options.js';
import type {State, Store} from '../../source/store/store.js';
import {pgSession, pgSessionsSample} from '../helpers/fixtures.js';
import {ensureImage, removeContainers, runContainer, startEngine, type TestEngine} from '../helpers/containers.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';

/** A Postgres server where nothing listens, and a container engine socket that does not exist. */
const NO_PG = 'postgres://nobody@127.0.0.1:1/none';
const NO_ENGINE = '/nonexistent/dbtop-runtime-test.sock';

function runtimeOf(flags: {pg?: string; docker?: string; interval?: string[]} = {}): Runtime {
	return createRuntime(toOptions({pg: NO_PG, docker: NO_ENGINE, ...flags}, {}, 'tester'));
}

/** Resolves once the store's state passes the check; rejects with `what` after `timeoutMs`. */
async function until(store: Store, check: (state: State) => boolean, what: string, timeoutMs = 5000): Promise<State> {
	return new Promise((resolve, reject) => {
		const done = (error?: Error) => {
			clearTimeout(timer);
			unsubscribe();
			if (error) reject(error);
			else resolve(store.getState());
		};

		const timer = setTimeout(() => done(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
		const unsubscribe = store.subscribe(() => {
			if (check(store.getState())) done();
		});
		if (check(store.getState())) done();
	});
}

let child: ChildProcess;
let pid: number;

before(() => {
	// A process with three more descriptors open than its standard ones.
	child = spawn('sleep', ['600'], {stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', 'pipe']});
	pid = child.pid!;
});

after(() => {
	child.kill('SIGKILL');
});

test('a process drilled into: the processes collector reads its open files and cgroup, and stops once it is closed', async () => {
	const runtime = runtimeOf();
	const {store, scheduler} = runtime;
	try {
		await scheduler.tickAll();
		assert.ok(store.getState().processes, 'the list is scanned');
		assert.equal(store.getState().processes?.detail, null, 'nothing open, no detail read');
		store.dispatch({type: 'open-detail', list: 'processes', pid});
		await scheduler.tickAll();
		const detail = store.getState().processes?.detail;
		assert.equal(detail?.pid, pid);
		assert.equal(detail.fdCount, readdirSync(`/proc/${pid}/fd`).length);
		assert.ok(detail.fdCount! >= 6, 'its own descriptors, not ours');
		assert.equal(detail.cgroup, readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim());
		assert.equal(detail.ioError, null);
		store.dispatch({type: 'close-detail', list: 'processes'});
		await scheduler.tickAll();
		assert.equal(store.getState().processes?.detail, null);
	} finally {
		await scheduler.stop();
	}
});

test('a detail left open on another pane is not read: the process and the container are followed while their detail is on screen', async () => {
	const runtime = runtimeOf();
	const {store, scheduler} = runtime;
	try {
		await scheduler.tickAll();
		store.dispatch({type: 'open-detail', list: 'processes', pid});
		await scheduler.tickAll();
		assert.equal(store.getState().processes?.detail?.pid, pid);
		// The container drill-down lists the container's processes, so the scan goes on under it.
		store.dispatch({type: 'set-pane', pane: 'containers'});
		store.dispatch({type: 'open-container', id: 'f'.repeat(64)});
		await scheduler.tickAll();
		assert.equal(store.getState().processes?.detail, null, 'the process detail is on another pane');
		assert.match(store.getState().status['container-detail']?.error ?? '', /no container engine/);
		store.dispatch({type: 'set-pane', pane: 'processes'});
		await scheduler.tickAll();
		assert.equal(store.getState().processes?.detail?.pid, pid, 'back on its pane, read again');
		assert.equal(store.getState().status['container-detail']?.error, null, 'the container detail is on another pane: the engine is not asked');
	} finally {
		await scheduler.stop();
	}
});

test('an open session on a server of another host: its pid is not a process here, so none is read', async () => {
	const runtime = runtimeOf();
	const {store, scheduler} = runtime;
	try {
		// A sample as a remote server gives it (no postmaster on this host), holding a session whose pid happens to be a process here.
		store.dispatch({type: 'sample', id: 'postgres-sessions', at: Date.now(), value: pgSessionsSample([pgSession({pid})], {localPostmasterPid: null})});
		store.dispatch({type: 'set-pane', pane: 'sessions'});
		store.dispatch({type: 'open-detail', list: 'sessions', pid});
		await scheduler.tickAll();
		assert.equal(store.getState().ui.sessions.detailPid, pid);
		assert.equal(store.getState().processes?.detail, null);
		// The same session on a server of this host: its backend is read.
		store.dispatch({type: 'sample', id: 'postgres-sessions', at: Date.now(), value: pgSessionsSample([pgSession({pid})], {localPostmasterPid: 1})});
		await scheduler.tickAll();
		assert.equal(store.getState().processes?.detail?.pid, pid);
	} finally {
		await scheduler.stop();
	}
});

describe('on a local Postgres server', () => {
	let server: TestServer;
	let backendPid: number;

	before(async () => {
		server = await startPostgres(18);
		const client = await server.connect({application: 'focused'});
		backendPid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
	});

	after(async () => {
		await server?.stop();
	});

	test('an open session: the processes collector reads its backend process', async () => {
		const runtime = runtimeOf({pg: server.url()});
		const {store, scheduler} = runtime;
		try {
			await scheduler.tickAll();
			assert.notEqual(store.getState().postgres?.localPostmasterPid ?? null, null, 'the server runs on this host');
			assert.ok(store.getState().postgres?.sessions.some(session => session.pid === backendPid));
			store.dispatch({type: 'set-pane', pane: 'sessions'});
			store.dispatch({type: 'open-detail', list: 'sessions', pid: backendPid});
			await scheduler.tickAll();
			const detail = store.getState().processes?.detail;
			assert.equal(detail?.pid, backendPid);
			assert.equal(detail.fdCount, readdirSync(`/proc/${backendPid}/fd`).length);
			store.dispatch({type: 'close-detail', list: 'sessions'});
			await scheduler.tickAll();
			assert.equal(store.getState().processes?.detail, null);
		} finally {
			await scheduler.stop();
		}
	});

	test('the statements are read only while their pane is shown: at once when it is, not while another is', async () => {
		// The host and the statements on the same 200 ms grid: the host's ticks are the statements' missed ones.
		const runtime = runtimeOf({pg: server.url(), interval: ['200ms', 'postgres-statements=200ms']});
		const {store, scheduler} = runtime;
		const hostTicks = (state: State) => state.status['host']?.lastOkAt ?? 0;
		// Counts the host's ticks until there are three.
		const threeTicks = async (what: string) => {
			let seen = 0;
			let last = hostTicks(store.getState());
			await until(
				store,
				state => {
					if (hostTicks(state) !== last) {
						last = hostTicks(state);
						seen++;
					}

					return seen >= 3;
				},
				what,
			);
		};

		try {
			scheduler.start();
			await threeTicks('three host ticks on the processes pane');
			assert.equal(store.getState().statements, null, 'not read off their pane');
			store.dispatch({type: 'set-pane', pane: 'statements'});
			const shown = await until(store, state => state.statements !== null, 'the statements read on showing their pane');
			assert.match(shown.statements!.error ?? '', /CREATE EXTENSION pg_stat_statements/, 'this server has no pg_stat_statements');
			store.dispatch({type: 'set-pane', pane: 'sessions'});
			const away = store.getState().statements;
			await threeTicks('three host ticks on the sessions pane');
			assert.equal(store.getState().statements, away, 'not read while another pane is shown');
		} finally {
			await scheduler.stop();
		}
	});
});

test('an open container with no engine: closed, the container-detail collector reads nothing; open, it tries the engine and says why it cannot', async () => {
	const runtime = runtimeOf();
	const {store, scheduler} = runtime;
	try {
		await scheduler.tickAll();
		assert.equal(store.getState().status['container-detail']?.error, null, 'nothing open: the engine is not asked');
		assert.equal(store.getState().containerDetail, null);
		store.dispatch({type: 'set-pane', pane: 'containers'});
		store.dispatch({type: 'open-container', id: 'f'.repeat(64)});
		await scheduler.tickAll();
		assert.match(store.getState().status['container-detail']?.error ?? '', /no container engine at \/nonexistent\/dbtop-runtime-test\.sock/);
		store.dispatch({type: 'open-container', id: null});
		await scheduler.tickAll();
		assert.equal(store.getState().status['container-detail']?.error, null);
		assert.equal(store.getState().containerDetail, null);
	} finally {
		await scheduler.stop();
	}
});

const started = await startEngine();

describe('on a real container engine', {skip: 'skip' in started ? started.skip : false}, () => {
	const engine = started as TestEngine;
	const prefix = `dbtop-rt${process.pid}-`;

	before(async () => {
		await ensureImage(engine.docker);
	});

	after(async () => {
		await removeContainers(engine.docker, prefix);
		await engine.stop();
	});

	test('an open container: the container-detail collector reads that container, follows the one opened next, and stops once it is closed', async () => {
		const first = await runContainer(engine.docker, `${prefix}first`, ['sleep', '300']);
		const second = await runContainer(engine.docker, `${prefix}second`, ['sleep', '300']);
		const runtime = runtimeOf({docker: `unix://${engine.target.target}`});
		const {store, scheduler} = runtime;
		try {
			await scheduler.tickAll();
			assert.equal(store.getState().containerDetail, null, 'nothing open, nothing read');
			store.dispatch({type: 'set-pane', pane: 'containers'});
			store.dispatch({type: 'open-container', id: first.id});
			await scheduler.tickAll();
			assert.deepEqual([store.getState().containerDetail?.id, store.getState().containerDetail?.name], [first.id, `${prefix}first`]);
			assert.equal(store.getState().containerDetail?.command, 'sleep 300');
			store.dispatch({type: 'open-container', id: second.id});
			await scheduler.tickAll();
			assert.deepEqual([store.getState().containerDetail?.id, store.getState().containerDetail?.name], [second.id, `${prefix}second`]);
			store.dispatch({type: 'open-container', id: null});
			await scheduler.tickAll();
			assert.equal(store.getState().containerDetail, null);
		} finally {
			await scheduler.stop();
		}
	});
});

test('the process scan runs at once when processes come back on screen: the processes pane, or a container opened', async () => {
	// Every collector each 200 ms but the process scan, every minute: a scan within seconds comes from the screen.
	const runtime = runtimeOf({interval: ['200ms', 'processes=60s']});
	const {store, scheduler} = runtime;
	const hostTicks = (state: State) => state.status['host']?.lastOkAt ?? 0;
	try {
		scheduler.start();
		await until(store, state => state.processes !== null && hostTicks(state) > 0, 'the first scan');
		store.dispatch({type: 'set-pane', pane: 'host'});
		const away = store.getState().processes;
		store.dispatch({type: 'set-pane', pane: 'processes'});
		await until(store, state => state.processes !== away, 'a scan on coming back to the processes pane');
		// A container opened on the containers pane lists the container's processes: a scan at once.
		store.dispatch({type: 'set-pane', pane: 'containers'});
		const closed = store.getState().processes;
		store.dispatch({type: 'open-container', id: 'f'.repeat(64)});
		await until(store, state => state.processes !== closed, 'a scan on opening a container');
	} finally {
		await scheduler.stop();
	}
});

test('the process scan skips its ticks while nothing on screen shows processes', async () => {
	// Every collector on the same 200 ms grid: the host's ticks are the scan's missed ones.
	const runtime = runtimeOf({interval: ['200ms']});
	const {store, scheduler} = runtime;
	const hostTicks = (state: State) => state.status['host']?.lastOkAt ?? 0;
	try {
		scheduler.start();
		await until(store, state => state.processes !== null && hostTicks(state) > 0, 'the first scan');
		store.dispatch({type: 'set-pane', pane: 'host'});
		const away = store.getState().processes;
		let seen = 0;
		let last = hostTicks(store.getState());
		await until(
			store,
			state => {
				if (hostTicks(state) !== last) {
					last = hostTicks(state);
					seen++;
				}

				return seen >= 3;
			},
			'three host ticks',
		);
		assert.equal(store.getState().processes, away, 'no scan while the host pane is shown');
	} finally {
		await scheduler.stop();
	}
});
