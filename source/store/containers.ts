// The containers slice: the latest containers sample, the open container's details and each
// container's history for the drill-down's charts.
import type {ContainerDetail, ContainerRow, ContainersSample, ProcessRow} from '../types.js';
import {appendBounded, PROCESS_HISTORY_POINTS} from './host.js';
import {memoOf, memoPerObject} from './memo.js';
import type {SampleOf, State} from './store.js';

/** CPU % and memory of a container since dbtop first saw it. */
export type ContainerHistory = {cpu: number[]; memory: number[]};

export type ContainersSlice = {
	containers: ContainersSample | null;
	containerDetail: ContainerDetail | null;
	containerHistory: ReadonlyMap<string, ContainerHistory>;
};

export const initialContainers = (): ContainersSlice => ({containers: null, containerDetail: null, containerHistory: new Map()});

function withContainers(state: State, sample: ContainersSample): State {
	const containerHistory = new Map<string, ContainerHistory>();
	for (const row of sample.containers) {
		const old = state.containerHistory.get(row.id);
		containerHistory.set(row.id, {
			cpu: row.cpuPct === null ? (old?.cpu ?? []) : appendBounded(old?.cpu ?? [], row.cpuPct, PROCESS_HISTORY_POINTS),
			memory: row.memUsed === null ? (old?.memory ?? []) : appendBounded(old?.memory ?? [], row.memUsed, PROCESS_HISTORY_POINTS),
		});
	}

	return {...state, containers: sample, containerHistory};
}

/** The containers slice's reducer, for the list and the open container's details. */
export function reduceContainers(state: State, action: SampleOf<'containers' | 'container-detail'>): State {
	return action.id === 'containers' ? withContainers(state, action.value) : {...state, containerDetail: action.value};
}

const names = memoOf((rows: readonly ContainerRow[]): ReadonlyMap<string, string> => new Map(rows.map(row => [row.id, row.name])));

/** Container names by id, for labelling the processes that run in them. */
export function containerNames(state: State): ReadonlyMap<string, string> | null {
	const rows = state.containers?.containers;
	return rows ? names(rows) : null;
}

/** How a process's container is named: its name, or the first 12 characters of its id where the engine does not list it. */
export function containerLabel(names: ReadonlyMap<string, string> | null, id: string): string {
	return names?.get(id) ?? id.slice(0, 12);
}

const processesIn = memoPerObject((rows: readonly ProcessRow[], id: string) => rows.filter(process => process.containerId === id));
const NO_PROCESSES: ProcessRow[] = [];

/** The host's processes that run in a container, worked out once per process sample. */
export function containerProcesses(state: State, id: string | null): ProcessRow[] {
	const rows = state.processes?.processes;
	return id === null || !rows ? NO_PROCESSES : processesIn(rows, id);
}
