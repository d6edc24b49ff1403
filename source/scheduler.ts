import type {Collector} from './collector.js';
import type {Action} from './store.js';

/** Longest wait between tries of a failing collector. */
export const MAX_BACKOFF_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Runs collectors on their intervals and turns what they return or throw into actions. */
export type Scheduler = {
	start(): void;
	/** Stops ticking and closes every collector. */
	stop(): Promise<void>;
	setPaused(isPaused: boolean): void;
	/** Changes the interval of every collector that follows the refresh interval. */
	setRefresh(refreshMs: number): void;
	/** Runs one tick of every collector now and resolves when all have reported. */
	tickAll(): Promise<void>;
};

export type SchedulerOptions = {
	collectors: ReadonlyArray<Collector<unknown>>;
	dispatch: (action: Action) => void;
	refreshMs: number;
	/** Fixed intervals by collector id (configuration), over each collector's own default. */
	intervals?: Readonly<Record<string, number>>;
	now?: () => number;
};

/** Delay before the next try after `failures` failures in a row: doubling, capped. */
export function backoffMs(intervalMs: number, failures: number): number {
	return failures === 0 ? intervalMs : Math.min(Math.max(intervalMs, 1000) * 2 ** (failures - 1), MAX_BACKOFF_MS);
}

/** Why a tick failed, in one line. */
export function errorMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0] || 'unknown error';
}

/** Creates a scheduler; nothing runs before start() or tickAll(). */
export function createScheduler(options: SchedulerOptions): Scheduler {
	const now = options.now ?? Date.now;
	let refreshMs = options.refreshMs;
	let isPaused = false;
	let isStopped = false;

	const loops = options.collectors.map(collector => {
		const fixedMs = options.intervals?.[collector.id] ?? collector.intervalMs;
		const loop = {
			collector,
			timer: undefined as NodeJS.Timeout | undefined,
			running: undefined as Promise<void> | undefined,
			failures: 0,
			intervalMs: () => fixedMs ?? refreshMs,
		};
		return loop;
	});

	type Loop = (typeof loops)[number];

	// One tick: never two at once for a collector; a timeout reports the failure right away,
	// but the next tick still waits for the slow one to settle.
	const tick = async (loop: Loop): Promise<void> => {
		if (loop.running) {
			return loop.running;
		}

		const {collector} = loop;
		const controller = new AbortController();
		const timeoutMs = collector.timeoutMs ?? Math.max(DEFAULT_TIMEOUT_MS, loop.intervalMs());
		let hasReported = false;
		const report = (action: Action) => {
			if (!hasReported && !isStopped) {
				hasReported = true;
				options.dispatch(action);
			}
		};

		const timeout = setTimeout(() => {
			const reason = new Error(`timed out after ${timeoutMs / 1000}s`);
			controller.abort(reason);
			loop.failures++;
			report({type: 'collector-error', id: collector.id, at: now(), message: reason.message});
		}, timeoutMs);

		const run = (async () => {
			try {
				const value: unknown = await collector.collect(controller.signal);
				if (!controller.signal.aborted) {
					loop.failures = 0;
					report({type: 'sample', id: collector.id, at: now(), value} as Action);
				}
			} catch (error) {
				if (!controller.signal.aborted) {
					loop.failures++;
					report({type: 'collector-error', id: collector.id, at: now(), message: errorMessage(error)});
				}
			} finally {
				clearTimeout(timeout);
			}
		})();
		loop.running = run;
		await run;
		loop.running = undefined;
	};

	const schedule = (loop: Loop) => {
		clearTimeout(loop.timer);
		if (isStopped || isPaused) {
			return;
		}

		loop.timer = setTimeout(async () => {
			await tick(loop);
			schedule(loop);
		}, backoffMs(loop.intervalMs(), loop.failures));
	};

	const runAndSchedule = async (loop: Loop) => {
		await tick(loop);
		schedule(loop);
	};

	return {
		start() {
			for (const loop of loops) {
				void runAndSchedule(loop);
			}
		},
		async stop() {
			isStopped = true;
			for (const loop of loops) {
				clearTimeout(loop.timer);
			}

			await Promise.all(loops.map(async loop => loop.collector.close?.()));
		},
		setPaused(paused) {
			isPaused = paused;
			for (const loop of loops) {
				if (paused) {
					clearTimeout(loop.timer);
				} else if (!loop.running) {
					void runAndSchedule(loop);
				}
			}
		},
		setRefresh(ms) {
			refreshMs = ms;
			for (const loop of loops) {
				if (!loop.running) {
					schedule(loop);
				}
			}
		},
		async tickAll() {
			await Promise.all(loops.map(async loop => tick(loop)));
		},
	};
}
