// The node picker's list: every node of the rings read, those that stopped writing first.
import type {RingNode} from '../ring/reader.js';
import {memoPerObject} from './memo.js';
import type {ReplayNode, ReplayNodes} from './replay.js';
import type {State} from './store.js';

/** A node as the picker lists it: whether it stopped writing, and how long ago it last wrote (seconds, as of the list's reading). */
export type PickerNode = ReplayNode & {key: string; agoSec: number; isStopped: boolean; ringLabel: string};

/** A node stopped writing when its newest row is older than five of its intervals, and at least a minute. */
export function isStopped(node: RingNode, readAtSec: number): boolean {
	return readAtSec - node.newest.sampleTime > Math.max(60, 5 * (node.newest.intervalSeconds ?? 1));
}

const pickerNodes = memoPerObject((read: ReplayNodes, rings: readonly string[]): PickerNode[] => {
	const readAtSec = read.readAt / 1000;
	const rows = read.nodes.map(node => ({
		...node,
		key: `${node.ring}/${node.name}`,
		agoSec: Math.max(readAtSec - node.newest.sampleTime, 0),
		isStopped: isStopped(node, readAtSec),
		ringLabel: rings[node.ring] ?? '',
	}));
	// Nodes that stopped writing first, the longest silent at the top; then the others by name.
	return rows.sort((a, b) => Number(b.isStopped) - Number(a.isStopped) || (a.isStopped ? b.agoSec - a.agoSec : 0) || a.name.localeCompare(b.name) || a.ring - b.ring);
});

const NO_NODES: PickerNode[] = [];

/** The node picker's rows, in the order it shows them. */
export function visibleNodes(state: State): PickerNode[] {
	return state.replay?.nodes ? pickerNodes(state.replay.nodes, state.replay.rings) : NO_NODES;
}
