import {localTimeText} from '../../source/ring/replay-at.js';
import type {PickerNode} from '../../source/store/node-list.js';
import {AGE_WIDTH, formatAge, formatFixed} from '../format.js';
import type {Column} from './column.js';

/** Memory in use, % of the total, where the node row holds both. */
function memoryPct(node: PickerNode): number {
	const {total, available} = node.newest.memory;
	return total !== null && available !== null && total > 0 ? ((total - available) / total) * 100 : Number.NaN;
}

/** The node picker's columns: the ring only where several are read; the ring's address takes the rest on wide terminals. */
export function nodeColumns(width: number, hasRings: boolean): Column<PickerNode>[] {
	const all: Array<Column<PickerNode> | false> = [
		{id: 'name', title: 'NODE', width: width >= 120 ? 24 : 16, value: node => node.name},
		{id: 'master', title: 'M', width: 1, value: node => (node.newest.isMaster ? '*' : '')},
		{id: 'newest', title: 'NEWEST SAMPLE', width: 19, value: node => localTimeText(node.newest.sampleTime)},
		{id: 'ago', title: 'AGO', width: AGE_WIDTH, align: 'right', value: node => formatAge(node.agoSec)},
		{id: 'writing', title: 'WRITING', width: 7, value: node => (node.isStopped ? 'STOPPED' : 'yes')},
		{id: 'containers', title: 'CTRS', width: 4, align: 'right', value: node => String(node.containerCount)},
		{id: 'companion', title: 'DBTOP', width: 5, value: node => (node.hasCompanion ? 'yes' : 'no')},
		{id: 'cpu', title: 'CPU%', width: 5, align: 'right', value: node => formatFixed(node.newest.cpu.total ?? Number.NaN, 1)},
		{id: 'mem', title: 'MEM%', width: 5, align: 'right', value: node => formatFixed(memoryPct(node), 1)},
		{id: 'load', title: 'LOAD', width: 5, align: 'right', value: node => formatFixed(node.newest.load.one ?? Number.NaN, 2)},
		(hasRings || width >= 120) && {id: 'ring', title: 'RING', value: node => node.ringLabel},
	];
	return all.filter(column => column !== false);
}
