// The open container's drill-down: its inspect details, the engine's `top` and the last 50
// lines of its log. Read only while a container is open, so closed ones cost nothing.
import type {Collector} from '../source/store/collector.js';
import type {EngineTarget} from '../source/app/engine-settings.js';
import type {ContainerDetail} from '../source/types.js';
import {engineClient} from './engine-api.js';
import {containerName, demuxLogs, mountsOf, portsOf} from './container-parse.js';
import {engineErrorMessage} from './containers.js';

/** What the collector needs to know: the id of the open container, if any. */
export type ContainerDetailOptions = {focus: () => string | null};

const LOG_LINES = 50;

/** Collects the detail of the open container every 2 s; null when none is open. */
export const containerDetail = (engine: EngineTarget, {focus}: ContainerDetailOptions): Collector<ContainerDetail | null> => {
	const client = engineClient(engine);
	return {
		id: 'container-detail',
		intervalMs: 2000,
		async collect(signal) {
			const id = focus();
			if (id === null) return null;
			try {
				const inspect = (await client.inspect(id, signal)) as Record<string, any>;
				signal.throwIfAborted();
				const isRunning = inspect['State']?.['Running'] === true;
				const top = isRunning ? await client.top(id, signal).catch(() => ({Processes: []})) : {Processes: []};
				const logs = await client.logs(id, LOG_LINES, signal);
				const created = Date.parse(String(inspect['Created'] ?? ''));
				const started = Date.parse(String(inspect['State']?.['StartedAt'] ?? ''));
				const restart = inspect['HostConfig']?.['RestartPolicy'] as {Name?: string; MaximumRetryCount?: number} | undefined;
				const health = (inspect['State']?.['Health']?.['Log'] ?? inspect['State']?.['Healthcheck']?.['Log'] ?? []) as Array<{Output?: string; ExitCode?: number}>;
				return {
					id,
					name: containerName([inspect['Name']], id),
					image: String(inspect['Config']?.['Image'] ?? inspect['ImageName'] ?? ''),
					command: [...((inspect['Config']?.['Entrypoint'] as string[] | null) ?? []), ...((inspect['Config']?.['Cmd'] as string[] | null) ?? [])].join(' '),
					createdAt: Number.isFinite(created) ? created : null,
					startedAt: isRunning && Number.isFinite(started) ? started : null,
					ports: portsOf(inspect),
					mounts: mountsOf(inspect),
					restartPolicy: restart?.Name ? `${restart.Name}${restart.MaximumRetryCount ? ` (max ${restart.MaximumRetryCount})` : ''}` : 'no',
					healthLog: health.map(entry => `exit ${entry.ExitCode ?? '?'}: ${String(entry.Output ?? '').trim()}`),
					top: ((top.Processes ?? []) as unknown[][]).map(row => row.map(String)),
					logs: demuxLogs(logs, inspect['Config']?.['Tty'] === true).slice(-LOG_LINES),
				};
			} catch (error) {
				throw new Error(engineErrorMessage(error, engine.target));
			}
		},
		close() {
			client.close();
		},
	};
};
