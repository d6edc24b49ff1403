// The containers collector against a real engine (Podman's Docker-compatible API here).
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import os from 'node:os';
import {after, before, describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {promisify} from 'node:util';
import {containerDetail} from '../../collectors/container-detail.js';
import {containers} from '../../collectors/containers.js';
import {resolveEngine} from '../../source/app/engine-settings.js';
import {processes} from '../../collectors/processes.js';
import type {ContainersSample} from '../../source/types.js';
import {CLI} from '../helpers/dbtop.js';
import {ensureImage, removeContainers, runContainer, startEngine, type TestEngine} from '../helpers/containers.js';

const signal = new AbortController().signal;
const PREFIX = `dbtop-t${process.pid}-`;
const started = await startEngine();
const skip = 'skip' in started ? started.skip : false;

describe('containers on a real engine', {skip}, () => {
	const engine = started as TestEngine;
	let collector: ReturnType<typeof containers>;
	const sample = async () => (await collector.collect(signal)) as ContainersSample;
	const row = (value: ContainersSample, name: string) => value.containers.find(container => container.name === PREFIX + name);

	before(async () => {
		await ensureImage(engine.docker);
		collector = containers(engine.target);
	});

	after(async () => {
		collector?.close?.();
		await removeContainers(engine.docker, PREFIX);
		await engine.stop();
	});

	test('running and exited containers, with state, exit code and start time', async () => {
		await runContainer(engine.docker, `${PREFIX}sleeper`, ['sleep', '300']);
		const failed = await runContainer(engine.docker, `${PREFIX}failed`, ['sh', '-c', 'exit 3']);
		await failed.wait();
		const value = await sample();
		assert.equal(value.engine, engine.target.target);
		const sleeper = row(value, 'sleeper');
		assert.equal(sleeper?.state, 'running');
		assert.ok(sleeper.startedAt !== null && Math.abs(sleeper.startedAt - Date.now()) < 60_000);
		assert.equal(sleeper.exitCode, null);
		assert.equal(sleeper.image.includes('dbtop-test'), true);
		const exited = row(value, 'failed');
		assert.equal(exited?.state, 'exited');
		assert.equal(exited.exitCode, 3);
		assert.equal(exited.cpuPct, null);
	});

	test('CPU and memory from the stats, rates from two readings', async () => {
		await runContainer(engine.docker, `${PREFIX}busy`, ['sh', '-c', 'while :; do :; done']);
		await sample();
		await sleep(1500);
		const busy = row(await sample(), 'busy');
		assert.ok(busy && busy.cpuPct !== null, 'CPU measured');
		// One busy core of all the host's: at least a third of it, allowing for a loaded machine.
		const cores = os.cpus().length;
		assert.ok(busy.cpuPct > 100 / cores / 3, `a busy loop is a large share of one of ${cores} cores: ${busy.cpuPct}%`);
		assert.ok((busy.memUsed ?? 0) > 0);
		assert.ok((busy.pids ?? 0) >= 1);
	});

	test('a container that dies and is removed between ticks still shows, with its exit code', async () => {
		await runContainer(engine.docker, `${PREFIX}brief`, ['sh', '-c', 'sleep 1; exit 7'], {HostConfig: {AutoRemove: true}});
		const before = row(await sample(), 'brief');
		assert.equal(before?.state, 'running');
		await sleep(3000);
		const after = row(await sample(), 'brief');
		assert.equal(after?.state, 'exited');
		assert.equal(after.exitCode, 7);
	});

	test('a health check going unhealthy', async () => {
		await runContainer(engine.docker, `${PREFIX}sick`, ['sleep', '300'], {Healthcheck: {Test: ['CMD-SHELL', 'cat /nonexistent'], Interval: 3_600_000_000_000, Retries: 1}});
		assert.equal(row(await sample(), 'sick')?.health, 'starting');
		// The engine here does not schedule checks by itself: run one as the issue describes.
		await promisify(execFile)('podman', ['healthcheck', 'run', `${PREFIX}sick`]).catch(() => {});
		// The engine's health_status event marks it for a fresh inspect; it arrives on its own time.
		let value = await sample();
		for (let i = 0; i < 30 && row(value, 'sick')?.health !== 'unhealthy'; i++) {
			await sleep(100);
			value = await sample();
		}

		assert.equal(row(value, 'sick')?.health, 'unhealthy');
	});

	test('--json lists the containers, and names the container of each process in one', async () => {
		const container = await runContainer(engine.docker, `${PREFIX}json`, ['sleep', '300']);
		const pid = (await container.inspect()).State.Pid;
		const {stdout} = await promisify(execFile)(process.execPath, [CLI, '--json', '--interval', '300ms', '--docker', `unix://${engine.target.target}`, '--pg', 'postgres://x@127.0.0.1:1/x']);
		const snapshot = JSON.parse(stdout) as {containers: Array<Record<string, unknown>>; processes: Array<{pid: number; container?: string}>; errors?: Record<string, string>};
		assert.equal(snapshot.errors?.['containers'], undefined);
		const listed = snapshot.containers.find(entry => entry['name'] === `${PREFIX}json`);
		assert.ok(listed, 'listed');
		for (const key of ['id', 'image', 'state', 'health', 'restarts', 'exitCode', 'cpuPct', 'memUsed', 'memLimit', 'netRxBytesPerSec', 'netTxBytesPerSec', 'blockReadBytesPerSec', 'blockWriteBytesPerSec', 'pids']) {
			assert.ok(key in listed, key);
		}

		assert.equal(snapshot.processes.find(entry => entry.pid === pid)?.container, `${PREFIX}json`);
	});

	test('the engine going away and coming back: a clear error, then the same collector samples again', {skip: engine.bounce ? false : 'the engine is not the tests\' own'}, async () => {
		await runContainer(engine.docker, `${PREFIX}survivor`, ['sleep', '300']);
		assert.ok(row(await sample(), 'survivor'));
		await engine.bounce!(async () => {
			await assert.rejects(sample(), /the container engine at .* refuses connections|no container engine at/);
		});
		let value: ContainersSample | null = null;
		for (let i = 0; i < 50 && value === null; i++) {
			value = await sample().catch(async () => {
				await sleep(100);
				return null;
			});
		}

		assert.ok(value && row(value, 'survivor'), 'listed again after the engine came back');
	});

	test('the drill-down: inspect details, the engine top, and the last log lines, escape bytes kept raw for the view', async () => {
		const container = await runContainer(engine.docker, `${PREFIX}talker`, ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; printf "\\033]0;x\\007evil\\n" >&2; sleep 300']);
		let focus: string | null = null;
		const detail = containerDetail(engine.target, {focus: () => focus});
		assert.equal(await detail.collect(signal), null, 'nothing open, nothing read');
		focus = container.id;
		await sleep(500);
		const value = await detail.collect(signal);
		assert.ok(value);
		assert.equal(value.name, `${PREFIX}talker`);
		assert.match(value.command, /^sh -c for i in 1 2 3/);
		assert.equal(value.restartPolicy, 'no');
		assert.deepEqual(value.logs.slice(0, 3), ['line 1', 'line 2', 'line 3']);
		assert.equal(value.logs[3], '\u001B]0;x\u0007evil', 'stderr is demultiplexed into the same lines');
		assert.ok(value.top.length >= 1, 'the engine top lists its processes');
		assert.ok(value.startedAt !== null);
	});

	test("a container's processes are mapped to it through their cgroup", async () => {
		const container = await runContainer(engine.docker, `${PREFIX}mapped`, ['sleep', '300']);
		const pid = (await container.inspect()).State.Pid;
		const scan = processes({focus: () => null});
		const process = (await scan.collect(signal)).processes.find(candidate => candidate.pid === pid);
		assert.equal(process?.containerId, container.id);
	});
});

test('no engine at all: one clear error naming the socket and the fix', async () => {
	const collector = containers(resolveEngine('/nonexistent/docker.sock', {}));
	await assert.rejects(collector.collect(signal), /no container engine at \/nonexistent\/docker\.sock \(start Docker or Podman, or set DOCKER_HOST\)/);
});

test('engine addresses: sockets, unix:// and tcp://; a bad one names itself', () => {
	assert.deepEqual(resolveEngine(undefined, {DOCKER_HOST: 'unix:///run/x.sock'}).options, {socketPath: '/run/x.sock'});
	assert.deepEqual(resolveEngine('tcp://10.0.0.1:2376', {}).options, {host: '10.0.0.1', port: 2376, protocol: 'http'});
	assert.equal(resolveEngine(undefined, {}, () => false).target, '/var/run/docker.sock');
	assert.equal(resolveEngine(undefined, {}, path => path === '/run/podman/podman.sock').target, '/run/podman/podman.sock');
	assert.throws(() => resolveEngine('ftp://x', {}), /--docker: "ftp:\/\/x" is not an engine address/);
});
