// Where the container engine is, the way Docker's own tools find it. Pure: nothing connects
// until the collector starts.
import {existsSync} from 'node:fs';
import {UsageError} from './usage-error.js';

/** How to reach the engine: its socket, or a host and port over http or https. */
export type EngineOptions = {socketPath: string; host?: undefined; port?: undefined; protocol?: undefined} | {socketPath?: undefined; host: string; port: number; protocol: 'http' | 'https'};

/** Where the engine is: how to reach it and how to name it. */
export type EngineTarget = {options: EngineOptions; target: string};

/** `--docker`, else DOCKER_HOST, else the Docker socket, else rootful Podman's. Throws UsageError on bad input. */
export function resolveEngine(flag: string | undefined, env: NodeJS.ProcessEnv, exists = existsSync): EngineTarget {
	const given = flag ?? env['DOCKER_HOST'];
	if (given === undefined || given === '') {
		const socketPath = ['/var/run/docker.sock', '/run/podman/podman.sock'].find(path => exists(path)) ?? '/var/run/docker.sock';
		return {options: {socketPath}, target: socketPath};
	}

	if (given.startsWith('/')) return {options: {socketPath: given}, target: given};
	if (given.startsWith('unix://')) return {options: {socketPath: given.slice('unix://'.length)}, target: given.slice('unix://'.length)};
	const match = /^(tcp|http|https):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(given);
	if (!match) {
		throw new UsageError(`--docker: "${given}" is not an engine address (accepted: a socket path, unix:///path, tcp://host:port)`);
	}

	const protocol = match[1] === 'https' ? 'https' : 'http';
	return {options: {host: match[2]!, port: Number(match[3] ?? 2375), protocol}, target: given};
}

