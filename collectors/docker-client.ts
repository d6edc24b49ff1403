// The engine's client, made on first use: dockerode (and the ssh2 and native modules under it) is
// loaded only when a collector first reaches for the engine, and not at all while the engine's
// socket is missing, so start-up and a host without an engine do not pay for it.
import {existsSync} from 'node:fs';
import type Docker from 'dockerode';
import type {EngineTarget} from '../source/app/engine-settings.js';

let loading: Promise<typeof Docker> | undefined;

/** Returns a function resolving to the one client of `engine`; it throws ENOENT, as connecting would, while the socket is missing. */
export function dockerClient(engine: EngineTarget): () => Promise<Docker> {
	let client: Docker | undefined;
	return async () => {
		if (client) return client;
		const {socketPath} = engine.options;
		if (socketPath !== undefined && !existsSync(socketPath)) {
			throw Object.assign(new Error(`connect ENOENT ${socketPath}`), {code: 'ENOENT'});
		}

		loading ??= import('dockerode').then(module => module.default);
		const Client = await loading;
		client ??= new Client(engine.options);
		return client;
	};
}
