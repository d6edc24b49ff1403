// The engine's API client against a real engine (Podman's Docker-compatible API here); only the
// protocol's edges (an endless or malformed answer) against a small server of the test's own.
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {demuxLogs} from '../../collectors/container-parse.js';
import {containers} from '../../collectors/containers.js';
import {engineClient, MAX_BODY_BYTES, type EngineClient} from '../../collectors/engine-api.js';
import {resolveEngine} from '../../source/app/engine-settings.js';
import {ensureImage, removeContainers, runContainer, startEngine, type TestEngine} from '../helpers/containers.js';

const PREFIX = `dbtop-api${process.pid}-`;
const started = await startEngine();
const skip = 'skip' in started ? started.skip : false;

describe('the engine API on a real engine', {skip}, () => {
	const engine = started as TestEngine;
	let client: EngineClient;

	before(async () => {
		await ensureImage(engine.docker);
		client = engineClient(engine.target);
	});

	after(async () => {
		client?.close();
		await removeContainers(engine.docker, PREFIX);
		await engine.stop();
	});

	test('an id the engine does not know: the engine\'s own message and status, the id sent encoded', async () => {
		await assert.rejects(client.inspect('dbtop-none/../json?x=1'), (error: Error & {status?: number}) => {
			// Docker says "No such container: <id>", Podman names the id and then says it too.
			assert.match(error.message, /^engine answered 404: .*no such container/i);
			assert.ok(error.message.includes('dbtop-none/../json?x=1'), error.message);
			assert.equal(error.status, 404);
			return true;
		});
	});

	test('list, inspect, one-shot stats and top of a running container', async () => {
		const container = await runContainer(engine.docker, `${PREFIX}runner`, ['sleep', '300']);
		const listed = (await client.list()).find(entry => entry.Id === container.id);
		assert.equal(listed?.State, 'running');
		assert.ok(listed.Names?.some(name => name.endsWith(`${PREFIX}runner`)));
		const inspect = await client.inspect(container.id);
		assert.equal(inspect['Id'], container.id);
		const stats = await client.stats(container.id);
		assert.ok(typeof stats['memory_stats'] === 'object');
		const top = await client.top(container.id);
		assert.ok((top.Processes ?? []).some(row => row.join(' ').includes('sleep')));
	});

	test('the last lines of a container\'s log, stdout and stderr', async () => {
		const container = await runContainer(engine.docker, `${PREFIX}logger`, ['sh', '-c', 'for i in 1 2 3 4; do echo line $i; done; echo oops >&2']);
		await container.wait();
		const all = await client.logs(container.id, 50);
		assert.ok(Buffer.isBuffer(all));
		assert.deepEqual(demuxLogs(all, false), ['line 1', 'line 2', 'line 3', 'line 4', 'oops']);
		assert.deepEqual(demuxLogs(await client.logs(container.id, 2), false), ['line 4', 'oops']);
	});

	test('the events stream delivers a container\'s events as JSON lines, and close ends it', async () => {
		const events = await client.events();
		const name = `${PREFIX}eventful`;
		const seen = new Promise<Record<string, any>>(resolve => {
			let buffer = '';
			events.on('data', (chunk: Buffer) => {
				buffer += chunk.toString('utf8');
				for (const line of buffer.split('\n').slice(0, -1)) {
					const event = JSON.parse(line) as Record<string, any>;
					if (event['Actor']?.['Attributes']?.['name'] === name && event['Action'] === 'start') resolve(event);
				}

				buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
			});
		});
		const container = await runContainer(engine.docker, name, ['sleep', '300']);
		const event = await seen;
		assert.equal(event['Type'], 'container');
		assert.equal(event['Actor']['ID'], container.id);
		const closed = new Promise(resolve => events.once('close', resolve));
		client.close();
		await closed;
		// The client still answers after close: its next request opens a new connection.
		assert.ok(Array.isArray(await client.list()));
	});

	test('the collector\'s close ends its engine connections, the events stream\'s among them: nothing keeps quitting waiting', async () => {
		const collector = containers(engine.target);
		await collector.collect(new AbortController().signal);
		const handles = () => process.getActiveResourcesInfo().filter(kind => kind === 'PipeWrap').length;
		const open = handles();
		await collector.close?.();
		for (let i = 0; i < 100 && handles() >= open; i++) await new Promise(resolve => setImmediate(resolve));
		assert.ok(handles() < open, 'the engine connections are closed');
	});
});

test('an engine that refuses connections: the same line as ever', async () => {
	const collector = containers(resolveEngine('tcp://127.0.0.1:1', {}));
	await assert.rejects(collector.collect(new AbortController().signal), /^Error: the container engine at tcp:\/\/127\.0\.0\.1:1 refuses connections \(is it running\?\)$/);
});

describe('answers that are not the Docker API\'s (a server of the test\'s own on a socket)', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-engine-api-'));
	const socketPath = path.join(dir, 'engine.sock');
	const client = engineClient({options: {socketPath}, target: socketPath});
	let written = 0;
	const server = http.createServer((request, response) => {
		if (request.url?.startsWith('/containers/json')) {
			response.end('<html>not an engine</html>');
			return;
		}

		// An answer that never ends: only a bound on the client stops it.
		const chunk = Buffer.alloc(1024 * 1024, 'x');
		const write = () => {
			let isFlowing = true;
			while (!response.destroyed && isFlowing) {
				written += chunk.length;
				isFlowing = response.write(chunk);
			}
		};

		response.on('drain', write);
		write();
	});

	before(async () => {
		server.listen(socketPath);
		await once(server, 'listening');
	});

	after(async () => {
		client.close();
		server.closeAllConnections();
		server.close();
		rmSync(dir, {recursive: true, force: true});
	});

	test('a body that is not JSON is an error naming the request', async () => {
		await assert.rejects(client.list(), /^Error: engine answered something that is not JSON for \/containers\/json: <html>not an engine<\/html>$/);
	});

	test('a body larger than the bound is an error, not memory growth', async () => {
		await assert.rejects(client.logs('endless', 50), /^Error: engine answered more than 32 MB for \/containers\/endless\/logs$/);
		assert.ok(written >= MAX_BODY_BYTES && written < 4 * MAX_BODY_BYTES, `the server wrote ${written} bytes before the client hung up`);
	});
});
