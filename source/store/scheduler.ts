import type {Collector} from './collector.js';
import type {Action} from './store.js';

/** Longest wait between tries of a failing collector. */
export const MAX_BACKOFF_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** How long stopping waits for the collectors to close their clients. */
export const CLOSE_WAIT_MS = 300;
// How long finished ticks' results may wait for the ticks that started with them, so that
// collectors ticking together reach the screen in one frame.
const BATCH_WAIT_MS = 100;

/** Runs collectors on their intervals and turns what they return or throw into actions. */
export type Scheduler = {
	start(): void;
	/** Stops ticking and closes every collector, waiting at most CLOSE_WAIT_MS for them. */
	stop(): Promise<void>;
	setPaused(isPaused: boolean): void;
	/** Changes the interval of every collector that follows the refresh interval. */
	setRefresh(refreshMs: number): void;
	/** Runs one tick of every collector now and resolves when all have reported. */
	tickAll(): Promise<void>;
	/** Ticks one collector now (it became wanted), unless it is paused, running or failing. */
	wake(id: string): void;
};

export type SchedulerOptions = {
	collectors: ReadonlyArray<Collector<unknown>>;
	/** Receives the results of ticks that ran together, as one batch: one store commit, one frame. */
	dispatch: (actions: readonly Action[]) => void;
	refreshMs: number;
	/** Fixed intervals by collector id (configuration), over each collector's own default. */
	intervals?: Readonly<Record<string, number>>;
	now?: () => number;
};

/** Delay before the next try after `failures` failures in a row: 1 s doubling to 30 s. */
export function backoffMs(intervalMs: number, failures: number): number {
	return failures === 0 ? intervalMs : Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
}

/** Why a tick failed, in one line. */
export function errorMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0] || 'unknown error';
}

type Loop = {
	collector: Collector<unknown>;
	intervalMs: () => number;
	running: Promise<void> | undefined;
	failures: number;
	/** The back-off timer of a failing collector; healthy ones tick on their interval's grid. */
	retry: NodeJS.Timeout | undefined;
	hasReported: boolean;
};

/**
 * Creates a scheduler; nothing runs before start() or tickAll(). Healthy collectors with the
 * same interval tick at the same instants (one timer per interval) and their results are
 * dispatched together; a failing collector leaves the grid and retries with back-off.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
	const now = options.now ?? Date.now;
	let refreshMs = options.refreshMs;
	let isPaused = false;
	let isStarted = false;
	let isStopped = false;
	const origin = now();
	const grids = new Map<number, NodeJS.Timeout>();
	let batch: Action[] = [];
	let flushTimer: NodeJS.Timeout | undefined;
	let running = 0;

	const loops: Loop[] = options.collectors.map(collector => {
		const fixedMs = options.intervals?.[collector.id] ?? collector.intervalMs;
		return {collector, intervalMs: () => fixedMs ?? refreshMs, running: undefined, failures: 0, retry: undefined, hasReported: false};
	});

	const flush = () => {
		clearTimeout(flushTimer);
		flushTimer = undefined;
		if (batch.length > 0 && !isStopped) {
			const actions = batch;
			batch = [];
			options.dispatch(actions);
		}
	};

	// A collector's first report is not held back for slower ones: the first frame shows what is
	// ready (the process list) without waiting for the rest.
	const enqueue = (action: Action, isFirst: boolean) => {
		if (isStopped) return;
		batch.push(action);
		if (running === 0 || isFirst) flush();
		else flushTimer ??= setTimeout(flush, BATCH_WAIT_MS);
	};

	const isActive = () => isStarted && !isStopped && !isPaused;
	const isWanted = (loop: Loop) => loop.collector.isWanted?.() !== false;

	const scheduleRetry = (loop: Loop) => {
		clearTimeout(loop.retry);
		loop.retry = undefined;
		if (isActive() && loop.failures > 0) {
			loop.retry = setTimeout(() => {
				loop.retry = undefined;
				void tick(loop);
			}, backoffMs(loop.intervalMs(), loop.failures));
		}
	};

	// One tick: never two at once for a collector; a timeout reports the failure right away,
	// but the next tick still waits for the slow one to settle.
	const tick = async (loop: Loop): Promise<void> => {
		if (loop.running) return loop.running;
		const {collector} = loop;
		const controller = new AbortController();
		const timeoutMs = collector.timeoutMs ?? Math.max(DEFAULT_TIMEOUT_MS, loop.intervalMs());
		let hasReported = false;
		const report = (action: Action) => {
			if (!hasReported) {
				hasReported = true;
				enqueue(action, !loop.hasReported);
				loop.hasReported = true;
			}
		};

		const timeout = setTimeout(() => {
			const reason = new Error(`timed out after ${timeoutMs / 1000}s`);
			controller.abort(reason);
			loop.failures++;
			report({type: 'collector-error', id: collector.id, at: now(), message: reason.message});
		}, timeoutMs);

		running++;
		loop.running = (async () => {
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
				running--;
				if (running === 0) flush();
			}
		})();
		await loop.running;
		loop.running = undefined;
		scheduleRetry(loop);
	};

	// One timer per interval, firing at origin + k × interval for every healthy collector on it.
	const armGrid = (intervalMs: number) => {
		if (!isActive() || grids.has(intervalMs)) return;
		grids.set(
			intervalMs,
			setTimeout(() => {
				grids.delete(intervalMs);
				const due = loops.filter(loop => loop.intervalMs() === intervalMs && loop.failures === 0 && !loop.running && isWanted(loop));
				for (const loop of due) void tick(loop);
				armGrid(intervalMs);
			}, intervalMs - ((now() - origin) % intervalMs)),
		);
	};

	const armAll = () => {
		for (const timer of grids.values()) clearTimeout(timer);
		grids.clear();
		for (const loop of loops) armGrid(loop.intervalMs());
	};

	return {
		start() {
			isStarted = true;
			for (const loop of loops) if (isWanted(loop)) void tick(loop);
			armAll();
		},
		async stop() {
			isStopped = true;
			for (const timer of grids.values()) clearTimeout(timer);
			for (const loop of loops) clearTimeout(loop.retry);
			clearTimeout(flushTimer);
			// Quitting never waits on a client that does not close (a connection stuck on a dead
			// server): past the bound, dbtop leaves without it.
			let bound: NodeJS.Timeout | undefined;
			await Promise.race([
				Promise.all(loops.map(async loop => loop.collector.close?.())),
				new Promise(resolve => {
					bound = setTimeout(resolve, CLOSE_WAIT_MS);
				}),
			]);
			clearTimeout(bound);
		},
		setPaused(paused) {
			isPaused = paused;
			if (paused) {
				for (const timer of grids.values()) clearTimeout(timer);
				grids.clear();
				for (const loop of loops) clearTimeout(loop.retry);
				return;
			}

			for (const loop of loops) {
				if (!loop.running && isWanted(loop)) void tick(loop);
			}

			armAll();
		},
		setRefresh(ms) {
			refreshMs = ms;
			armAll();
		},
		async tickAll() {
			await Promise.all(loops.map(async loop => tick(loop)));
			flush();
		},
		wake(id) {
			const loop = loops.find(candidate => candidate.collector.id === id);
			if (loop && isActive() && loop.failures === 0 && !loop.running) void tick(loop);
		},
	};
}
