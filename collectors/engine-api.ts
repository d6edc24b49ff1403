// The container engine's API (Docker's, or Podman's Docker-compatible one) on Node's own http:
// dbtop only makes a few plain GET requests, so no client library. The http module is loaded on
// the first request, and not at all while the engine's socket is missing.
import {existsSync} from 'node:fs';
import type {Agent, IncomingMessage} from 'node:http';
import type {EngineOptions, EngineTarget} from '../source/app/engine-settings.js';

/** The largest answer read into memory; a larger one is an error. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** An answer the engine gave with a status other than 2xx, carrying that status. */
type EngineError = Error & {status: number};

/** What the engine's list says of one container, as far as dbtop reads it. */
export type ContainerSummary = {Id: string; Names?: string[]; Image: string; State: string};

/** The requests dbtop makes to one engine, on one keep-alive agent. */
export type EngineClient = {
	/** Every container, running or not (`/containers/json?all=true`). */
	list(signal?: AbortSignal): Promise<ContainerSummary[]>;
	inspect(id: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
	/** One stats reading, without the engine waiting for a second sample. */
	stats(id: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
	top(id: string, signal?: AbortSignal): Promise<{Titles?: string[]; Processes?: unknown[][]}>;
	/** The last `tail` lines of stdout and stderr, as the engine sends them (multiplexed unless a TTY). */
	logs(id: string, tail: number, signal?: AbortSignal): Promise<Buffer>;
	/** The container events as they happen: a stream of JSON objects, one a line. */
	events(): Promise<IncomingMessage>;
	/** Ends the agent's sockets, the events stream's among them. */
	close(): void;
};

type Transport = {request: typeof import('node:http').request; agent: Agent};

/** The path and query of a request, every value URL-encoded. */
function requestPath(path: string, query: Record<string, string | number | boolean> = {}): string {
	const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)])).toString();
	return search ? `${path}?${search}` : path;
}

/** The error for a non-2xx answer: the engine's own `message` when its body has one. */
function answerError(status: number, body: Buffer): EngineError {
	const text = body.toString('utf8');
	let message = text.trim().split('\n')[0] ?? '';
	try {
		const parsed = JSON.parse(text) as {message?: unknown};
		if (typeof parsed.message === 'string') message = parsed.message;
	} catch {
		// Not JSON: its first line is the message.
	}

	return Object.assign(new Error(`engine answered ${status}${message ? `: ${message}` : ''}`), {status});
}

const isSuccess = (response: IncomingMessage) => (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) <= 299;

/** The whole body of an answer, up to MAX_BODY_BYTES. */
async function bodyOf(response: IncomingMessage, path: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of response as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) {
			response.destroy();
			throw new Error(`engine answered more than ${MAX_BODY_BYTES / 1024 / 1024} MB for ${path.split('?')[0]}`);
		}

		chunks.push(chunk);
	}

	return Buffer.concat(chunks);
}

async function loadTransport(options: EngineOptions): Promise<Transport> {
	const module = options.protocol === 'https' ? await import('node:https') : await import('node:http');
	return {request: module.request, agent: new module.Agent({keepAlive: true})};
}

/** The client of `engine`; every request throws ENOENT, as connecting would, while its socket is missing. */
export function engineClient(engine: EngineTarget): EngineClient {
	const {options} = engine;
	let transport: Promise<Transport> | undefined;

	const send = async (path: string, signal?: AbortSignal): Promise<IncomingMessage> => {
		if (options.socketPath !== undefined && !existsSync(options.socketPath)) {
			throw Object.assign(new Error(`connect ENOENT ${options.socketPath}`), {code: 'ENOENT'});
		}

		transport ??= loadTransport(options);
		const {request, agent} = await transport;
		signal?.throwIfAborted();
		const where = options.socketPath === undefined ? {host: options.host, port: options.port} : {socketPath: options.socketPath};
		return new Promise((resolve, reject) => {
			const outgoing = request({...where, path, method: 'GET', agent, signal, headers: {accept: 'application/json'}}, resolve);
			outgoing.on('error', reject);
			outgoing.end();
		});
	};

	const read = async (path: string, signal?: AbortSignal): Promise<Buffer> => {
		const response = await send(path, signal);
		const body = await bodyOf(response, path);
		if (!isSuccess(response)) throw answerError(response.statusCode ?? 0, body);
		return body;
	};

	const readJson = async <T>(path: string, signal?: AbortSignal): Promise<T> => {
		const body = await read(path, signal);
		try {
			return JSON.parse(body.toString('utf8')) as T;
		} catch {
			throw new Error(`engine answered something that is not JSON for ${path.split('?')[0]}: ${body.toString('utf8', 0, 80).split('\n')[0]}`);
		}
	};

	const container = (id: string, what: string) => `/containers/${encodeURIComponent(id)}/${what}`;
	return {
		list: signal => readJson(requestPath('/containers/json', {all: true}), signal),
		inspect: (id, signal) => readJson(container(id, 'json'), signal),
		stats: (id, signal) => readJson(requestPath(container(id, 'stats'), {stream: false, 'one-shot': true}), signal),
		top: (id, signal) => readJson(container(id, 'top'), signal),
		logs: (id, tail, signal) => read(requestPath(container(id, 'logs'), {stdout: true, stderr: true, tail, follow: false}), signal),
		async events() {
			const path = requestPath('/events', {filters: JSON.stringify({type: ['container']})});
			const response = await send(path);
			if (isSuccess(response)) return response;
			throw answerError(response.statusCode ?? 0, await bodyOf(response, path));
		},
		close() {
			void transport?.then(({agent}) => agent.destroy());
		},
	};
}
