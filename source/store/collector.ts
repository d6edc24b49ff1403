/** A source of samples: the scheduler calls `collect` on its own interval, never twice at once. */
export type Collector<T> = {
	id: string;
	/** Its own interval; undefined follows the refresh interval (`--interval`, `+`/`-`). */
	intervalMs?: number;
	/** How long one tick may take before it counts as failed. */
	timeoutMs?: number;
	/** Whether anything on screen needs its samples now; one that is not wanted skips its ticks until it is. */
	isWanted?(): boolean;
	/** One typed sample, or a throw: the scheduler turns a throw into an error for this collector only. */
	collect(signal: AbortSignal): Promise<T>;
	/** Releases long-lived resources (pools, streams) on exit. */
	close?(): Promise<void> | void;
};
