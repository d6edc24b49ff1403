// The one list layer: every list keeps its columns aligned whatever the names hold, a row is
// exactly the terminal's width, the selection is marked without colour, a list pages by its own
// height.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {listKeys} from '../../source/store/lists.js';
import type {Action, State} from '../../source/store/store.js';
import type {ListId, PaneId, RowKey} from '../../source/store/ui.js';
import {columnWidths, headerText, rowText} from '../../views/columns/column.js';
import {sessionColumns} from '../../views/columns/sessions.js';
import {textWidth} from '../../views/text-width.js';
import {KEYS, renderApp, selectedRow} from '../helpers/render-view.js';
import {containerRow} from '../helpers/fixtures.js';
import {WIDE_USER, WORLD_AT, wideWorld} from '../helpers/world.js';

/** The terminal column where `needle` starts in a line. */
const columnOf = (line: string, needle: string) => textWidth(line.slice(0, line.indexOf(needle)));

// For each list: the row that holds wide characters, a plain row, and a value that starts at the same column in both.
const PANES: ReadonlyArray<{pane: PaneId; key: string; wide: RegExp; plain: RegExp; column: (line: string) => number}> = [
	{pane: 'processes', key: '1', wide: / 20 数据库/, plain: / www-data /, column: line => columnOf(line, ' S ')},
	{pane: 'sessions', key: '3', wide: / 101 shop /, plain: / 102 shop /, column: line => columnOf(line, 'UPDATE')},
	// The user from 140 columns; the application at every width.
	{pane: 'locks', key: '4', wide: / 101 +(数据\S* +)?billing-😀 /, plain: / 102 +(alice +)?web-1 /, column: line => columnOf(line, 'UPDATE')},
	{pane: 'containers', key: '5', wide: /容器/, plain: / pooler /, column: line => columnOf(line, 'running')},
	{pane: 'alerts', key: '6', wide: /host:\/数据/, plain: /host:\/logs/, column: line => columnOf(line, 'Filesystem free')},
];

for (const [columns, rows] of [
	[80, 24],
	[200, 50],
] as const) {
	for (const {pane, key, wide, plain, column} of PANES) {
		test(`${pane} at ${columns}x${rows}: wide characters keep the columns aligned and within the terminal's width`, async () => {
			const view = await renderApp(columns, rows, wideWorld());
			await view.press(key);
			const lines = view.frame().split('\n');
			assert.ok(
				lines.every(line => textWidth(line) <= columns),
				`no line is wider than the terminal:\n${lines.filter(line => textWidth(line) > columns).join('\n')}`,
			);
			const listRows = lines.filter(line => /^[> ][! ] /.test(line));
			assert.ok(listRows.length >= 2, view.frame());
			const wideRow = listRows.find(line => wide.test(line));
			const plainRow = listRows.find(line => plain.test(line));
			assert.ok(wideRow && plainRow, view.frame());
			assert.equal(column(wideRow), column(plainRow), `aligned:\n${wideRow}\n${plainRow}`);
			assert.ok(!view.raw().includes('\u001B]0;x') && !view.raw().includes('\u001B[31mstaff'), 'escapes from outside never reach the terminal');
			assert.ok(!view.frame().includes('\uFFFD'), 'no character was cut in half');
			view.unmount();
		});
	}
}

test('the sessions pane shows the wide user name cut by terminal width, not by characters', async () => {
	const view = await renderApp(200, 50, wideWorld());
	await view.press('3');
	// At 200 columns the user column is 14 wide: the six characters (12 columns) fit whole.
	assert.match(view.frame(), new RegExp(`101 shop {11}${WIDE_USER}  `));
	view.unmount();
});

test('a row of the column model is exactly its width, whatever its cells hold', () => {
	const sessions = wideWorld().flatMap(action => (action.type === 'sample' && action.id === 'postgres-sessions' ? action.value.sessions : []));
	for (const width of [40, 78, 80, 120, 197, 200]) {
		const columns = sessionColumns(width, 'xact');
		const widths = columnWidths(columns, width);
		for (const session of sessions) assert.equal(textWidth(rowText(columns, widths, session, width)), width, `${session.pid} at ${width}`);
		assert.equal(textWidth(headerText(columns, widths, width, 'xact')), width);
	}
});

// Forty containers, so that the containers list has pages to move through.
const manyContainers: Action = {
	type: 'sample',
	id: 'containers',
	at: WORLD_AT,
	value: {engine: '/run/docker.sock', containers: Array.from({length: 40}, (_, i) => containerRow({id: String(i).padStart(64, '0'), name: `box-${String(i).padStart(2, '0')}`, cpuPct: 40 - i}))},
};

// Each list, the key that shows it, and what its rows start with for a row key.
const PAGED: ReadonlyArray<{list: ListId; key: string; label: (state: State, key: RowKey) => string}> = [
	{list: 'processes', key: '1', label: (_state, key) => String(key)},
	{list: 'sessions', key: '3', label: (_state, key) => String(key)},
	{list: 'containers', key: '5', label: (state, key) => state.containers?.containers.find(row => row.id === key)?.name ?? ''},
];

test('PgDn and PgUp move by the page of the list in focus, and the selection is marked with > without colour', async () => {
	const view = await renderApp(80, 24, [...wideWorld(), manyContainers]);
	const pages = new Map<ListId, number>();
	for (const {list, key, label} of PAGED) {
		await view.press(key);
		const state = view.store.getState();
		const labels = listKeys(state, list).map(rowKey => label(state, rowKey));
		// Which row of the list a line of the frame (its gutter cut off) is, -1 for none.
		const rowOf = (text: string) => labels.findIndex(name => new RegExp(`^ *${name} `).test(text));
		const selected = () => rowOf(selectedRow(view.frame()));
		const shown = view.frame().split('\n').filter(line => /^[> ][! ] /.test(line) && rowOf(line.slice(3)) >= 0);
		const page = state.ui[list].pageSize;
		assert.equal(shown.length, page, `the ${list} list says how many rows it shows`);
		assert.ok(labels.length > 2 * page, `${list}: more than two pages`);
		pages.set(list, page);
		assert.equal(selected(), 0, `${list}: the first row`);
		await view.press(KEYS.pageDown);
		assert.equal(selected(), page, `${list}: one page down`);
		assert.equal(view.frame().split('\n').filter(line => line.startsWith('>')).length, 1, 'one row is marked');
		await view.press(KEYS.pageDown);
		assert.equal(selected(), 2 * page, `${list}: two pages down`);
		await view.press(KEYS.pageUp);
		assert.equal(selected(), page, `${list}: and one up`);
		await view.press(KEYS.pageUp, KEYS.pageUp);
		assert.equal(selected(), 0, `${list}: back at the top, and no further`);
	}

	assert.notEqual(pages.get('sessions'), pages.get('processes'), 'the lists have pages of their own');
	view.unmount();
});
