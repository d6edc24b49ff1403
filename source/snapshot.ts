import type {State} from './store.js';
import type {ProcessRow} from './types.js';

/** The process fields the snapshot promises. */
type SnapshotProcess = Pick<ProcessRow, 'pid' | 'ppid' | 'user' | 'cpuPct' | 'memPct' | 'rss' | 'state' | 'cpuTime' | 'threads' | 'command'>;

/** The `--json` document: a contract for scripts, documented in the README. Base units throughout. */
export type Snapshot = {
	version: string;
	time: number;
	host: State['host'];
	processes: SnapshotProcess[];
	/** Why a source could not be read, by collector id; absent when all were read. */
	errors?: Record<string, string>;
};

/** Builds the JSON snapshot from the state. Strings are raw (JSON escapes them), not sanitized. */
export function toSnapshot(state: State, version: string, time: number): Snapshot {
	const errors: Record<string, string> = {};
	for (const [id, status] of Object.entries(state.status)) {
		if (status?.error) {
			errors[id] = status.error;
		}
	}

	return {
		version,
		time,
		host: state.host,
		processes: (state.processes?.processes ?? []).map(row => ({
			pid: row.pid,
			ppid: row.ppid,
			user: row.user,
			cpuPct: row.cpuPct,
			memPct: row.memPct,
			rss: row.rss,
			state: row.state,
			cpuTime: row.cpuTime,
			threads: row.threads,
			command: row.command,
		})),
		...(Object.keys(errors).length > 0 ? {errors} : {}),
	};
}
