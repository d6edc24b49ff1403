// The containers collector: Docker or Podman (its Docker-compatible API) through engine-api.ts.
// A tick lists the containers, reads `inspect` only for new ones and those the event stream says
// changed, and takes one one-shot stats reading per running container (never the plain request,
// which makes the engine wait for two samples), a few at a time; rates come from dbtop's own deltas.
import type {IncomingMessage} from 'node:http';
import os from 'node:os';
import type {Collector} from '../source/store/collector.js';
import type {EngineTarget} from '../source/app/engine-settings.js';
import type {ContainerRow, ContainersSample} from '../source/types.js';
import {engineClient, type ContainerSummary} from './engine-api.js';
import {containerName, inspectFacts, NO_COUNTERS, parseStats, statsRates, type InspectFacts, type StatsCounters} from './container-parse.js';

/** How many requests to the engine run at once. */
const CONCURRENCY = 4;
/** How long a container removed right after it died stays listed with its exit code. */
const DEAD_KEEP_MS = 60_000;

/** Why the engine could not be reached, with what to do about it. */
export function engineErrorMessage(error: unknown, target: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return `no container engine at ${target} (start Docker or Podman, or set DOCKER_HOST)`;
	if (code === 'EACCES') return `permission denied on ${target} (add your user to the docker group, or run as root)`;
	if (code === 'ECONNREFUSED') return `the container engine at ${target} refuses connections (is it running?)`;
	const text = error instanceof Error ? error.message : String(error);
	return `container engine at ${target}: ${text.split('\n')[0]}`;
}

async function eachLimited<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({length: Math.min(CONCURRENCY, items.length)}, async () => {
			while (next < items.length) await run(items[next++]!);
		}),
	);
}

type Dead = {row: ContainerRow; at: number};

/** Collects the containers every tick; the event stream marks which need a fresh `inspect`. */
export const containers = (engine: EngineTarget): Collector<ContainersSample> => {
	const client = engineClient(engine);
	const hostCores = os.cpus().length;
	const facts = new Map<string, InspectFacts>();
	const counters = new Map<string, StatsCounters>();
	const dirty = new Set<string>();
	const dead = new Map<string, Dead>();
	let events: IncomingMessage | null = null;
	let lastRows = new Map<string, ContainerRow>();

	const watchEvents = async () => {
		if (events) return;
		const stream = await client.events();
		events = stream;
		let buffer = '';
		stream.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('utf8');
			let newline = buffer.indexOf('\n');
			while (newline >= 0) {
				const line = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 1);
				newline = buffer.indexOf('\n');
				try {
					const event = JSON.parse(line) as {id?: string; Actor?: {ID?: string; Attributes?: Record<string, string>}; status?: string; Action?: string};
					const id = event.Actor?.ID ?? event.id;
					if (!id) continue;
					dirty.add(id);
					const action = event.Action ?? event.status ?? '';
					const known = lastRows.get(id);
					if (action === 'die' && known) {
						const exitCode = Number(event.Actor?.Attributes?.['exitCode']);
						dead.set(id, {row: {...known, state: 'exited', exitCode: Number.isFinite(exitCode) ? exitCode : known.exitCode, cpuPct: null, cpuOfLimitPct: null, startedAt: null}, at: Date.now()});
					}
				} catch {
					// A partial or foreign line: the next tick lists the truth anyway.
				}
			}
		});
		const forget = () => {
			if (events === stream) events = null;
		};

		stream.on('error', forget);
		stream.on('close', forget);
	};

	return {
		id: 'containers',
		intervalMs: 2000,
		async collect(signal) {
			let list: ContainerSummary[];
			try {
				list = await client.list(signal);
				await watchEvents();
			} catch (error) {
				facts.clear();
				counters.clear();
				throw new Error(engineErrorMessage(error, engine.target));
			}

			signal.throwIfAborted();
			const listed = new Set(list.map(info => info.Id));
			const needInspect = list.filter(info => !facts.has(info.Id) || dirty.has(info.Id));
			await eachLimited(needInspect, async info => {
				dirty.delete(info.Id);
				try {
					facts.set(info.Id, inspectFacts(await client.inspect(info.Id, signal)));
				} catch {
					// Removed between list and inspect: gone from the next list.
				}
			});

			const now = Date.now();
			const readings = new Map<string, ReturnType<typeof parseStats>>();
			await eachLimited(
				list.filter(info => info.State === 'running'),
				async info => {
					try {
						readings.set(info.Id, parseStats(await client.stats(info.Id, signal), now));
					} catch {
						// Stopped between list and stats: shown without numbers this tick.
					}
				},
			);
			signal.throwIfAborted();

			const rows: ContainerRow[] = list.map(info => {
				const fact = facts.get(info.Id);
				const reading = readings.get(info.Id);
				const rates = reading ? statsRates(counters.get(info.Id), reading.counters, hostCores, fact?.limitCores ?? null) : statsRates(undefined, NO_COUNTERS, hostCores, null);
				if (reading) counters.set(info.Id, reading.counters);
				else counters.delete(info.Id);
				return {
					id: info.Id,
					name: containerName(info.Names, info.Id),
					image: info.Image,
					state: info.State,
					health: fact?.health ?? 'none',
					restarts: fact?.restarts ?? 0,
					startedAt: fact?.startedAt ?? null,
					exitCode: fact?.exitCode ?? null,
					...rates,
					memUsed: reading?.memUsed ?? null,
					memLimit: reading?.memLimit ?? null,
					memRss: reading?.memRss ?? null,
					memCache: reading?.memCache ?? null,
					pids: reading?.pids ?? null,
				};
			});

			// Containers that died and were removed since the last tick stay a while with their exit code.
			for (const [id, entry] of dead) {
				if (listed.has(id) || now - entry.at > DEAD_KEEP_MS) {
					if (now - entry.at > DEAD_KEEP_MS) dead.delete(id);
					continue;
				}

				rows.push(entry.row);
			}

			for (const id of facts.keys()) {
				if (!listed.has(id)) facts.delete(id);
			}

			lastRows = new Map(rows.map(row => [row.id, row]));
			return {engine: engine.target, containers: rows};
		},
		close() {
			events?.destroy();
			events = null;
			client.close();
		},
	};
};
