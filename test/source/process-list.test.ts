import assert from 'node:assert/strict';
import {test} from 'node:test';
import {listSelectionIndex} from '../../source/store/lists.js';
import {toTree, visibleProcesses} from '../../source/store/process-list.js';
import {initialState, reduce, type State} from '../../source/store/store.js';
import {processRow} from '../helpers/fixtures.js';

function withRows(rows: ReturnType<typeof processRow>[]): State {
	return reduce(initialState(1000), {type: 'sample', id: 'processes', at: 1, value: {processes: rows, detail: null}});
}

const rows = [
	processRow({pid: 1, ppid: 0, command: '/sbin/init', cpuPct: 0.5, rss: 10, cpuTime: 100}),
	processRow({pid: 20, ppid: 1, user: 'postgres', command: 'postgres -D /data', cpuPct: 40, rss: 500, cpuTime: 5}),
	processRow({pid: 21, ppid: 20, user: 'postgres', command: 'postgres: checkpointer', cpuPct: 1, rss: 900, cpuTime: 50}),
	processRow({pid: 30, ppid: 1, user: 'www', command: 'nginx', cpuPct: 10, rss: 100, cpuTime: 1}),
];

test('sorts by cpu, memory, pid and time', () => {
	let state = withRows(rows);
	assert.deepEqual(visibleProcesses(state).map(item => item.row.pid), [20, 30, 21, 1]);
	for (const [sort, order] of [['mem', [21, 20, 30, 1]], ['pid', [1, 20, 21, 30]], ['time', [1, 21, 20, 30]]] as const) {
		state = reduce(state, {type: 'set-sort', sort});
		assert.deepEqual(visibleProcesses(state).map(item => item.row.pid), order, sort);
	}
});

test('the filter matches a substring of the user or the command, any case', () => {
	let state = reduce(withRows(rows), {type: 'set-filter', list: 'processes', filter: 'POSTGRES'});
	assert.deepEqual(visibleProcesses(state).map(item => item.row.pid), [20, 21]);
	state = reduce(state, {type: 'set-filter', list: 'processes', filter: 'www'});
	assert.deepEqual(visibleProcesses(state).map(item => item.row.pid), [30]);
});

test('the tree nests children under parents with branch drawings', () => {
	const tree = toTree([...rows].sort((a, b) => a.pid - b.pid));
	assert.deepEqual(tree.map(item => `${item.prefix}${item.row.pid}`), ['1', '├─ 20', '│  └─ 21', '└─ 30']);
});

test('the selection stays on its pid when the order changes, and falls back to its place when the pid goes', () => {
	let state = reduce(withRows(rows), {type: 'select', list: 'processes', key: 21, index: 2});
	assert.equal(listSelectionIndex(state, 'processes'), 2);
	state = reduce(state, {type: 'set-sort', sort: 'mem'});
	assert.equal(visibleProcesses(state)[listSelectionIndex(state, 'processes')]?.row.pid, 21);
	state = reduce(state, {type: 'sample', id: 'processes', at: 2, value: {processes: rows.filter(row => row.pid !== 21), detail: null}});
	assert.equal(listSelectionIndex(state, 'processes'), 0);
});
