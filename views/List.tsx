import {Box, Text} from 'ink';
import {memo, useEffect, useMemo} from 'react';
import type {Severity} from '../source/alerts/engine.js';
import {listSelectionIndex} from '../source/store/lists.js';
import {windowStart} from '../source/store/selection.js';
import type {ListId, RowKey} from '../source/store/ui.js';
import {columnWidths, headerText, rowText, type Column} from './columns/column.js';
import {useStore, useStoreInstance} from './use-store.js';

/** How a row is drawn when it is not selected. */
export type RowStyle = {color?: string; isDim?: boolean};

// The columns before every row: `>` on the selected row, so it shows without colour, `!` where
// a firing alert points at the row, and `*` on a tagged row (else a space).
const GUTTER = 3;

type RowProps = {text: string; isSelected: boolean; color?: string; isDim?: boolean};

// One row, one string, one Text: a row whose text and style did not change is not rendered again.
const Row = memo(function Row({text, isSelected, color, isDim}: RowProps) {
	return (
		<Text wrap="truncate-end" inverse={isSelected} color={isSelected ? 'cyan' : color} dimColor={!isSelected && isDim}>
			{text}
		</Text>
	);
});

const Header = memo(function Header({text}: {text: string}) {
	return (
		<Text inverse wrap="truncate-end">
			{text}
		</Text>
	);
});

type Props<T> = {
	id: ListId;
	/** The rows in the order shown, filtered and sorted. */
	rows: readonly T[];
	keyOf: (row: T) => RowKey;
	columns: readonly Column<T>[];
	width: number;
	/** Lines for the column titles and the rows. */
	height: number;
	/** The sort in force, marked in its column's title. */
	sort?: string;
	/** What the list says when it has no rows. */
	empty: string;
	markOf?: (row: T) => Severity | undefined;
	/** Whether a row is tagged (a session the next cancel or terminate acts on). */
	tagOf?: (row: T) => boolean;
	styleOf?: (row: T) => RowStyle;
};

/** A list of rows under column titles: windowing, selection and the page size are the list's, its state in the store. */
export function List<T>({id, rows, keyOf, columns, width, height, sort, empty, markOf, tagOf, styleOf}: Props<T>) {
	const store = useStoreInstance();
	const selected = useStore(state => listSelectionIndex(state, id));
	const top = useStore(state => state.ui[id].top);
	const storedPageSize = useStore(state => state.ui[id].pageSize);
	const pageSize = Math.max(height - 1, 1);
	useEffect(() => {
		if (storedPageSize !== pageSize) store.dispatch({type: 'set-page-size', list: id, rows: pageSize});
	}, [store, id, pageSize, storedPageSize]);
	const widths = useMemo(() => columnWidths(columns, width - GUTTER), [columns, width]);
	const start = windowStart(top, Math.max(selected, 0), pageSize, rows.length);
	const shown = rows.slice(start, start + pageSize);
	return (
		<Box flexDirection="column" height={height}>
			<Header text={' '.repeat(GUTTER) + headerText(columns, widths, width - GUTTER, sort)} />
			{shown.length === 0 ? (
				<Text dimColor wrap="truncate-end">
					{empty}
				</Text>
			) : (
				shown.map((row, index) => {
					const isSelected = start + index === selected;
					const style = styleOf?.(row);
					const gutter = `${isSelected ? '>' : ' '}${markOf?.(row) ? '!' : ' '}${tagOf?.(row) ? '*' : ' '}`;
					return <Row key={keyOf(row)} text={gutter + rowText(columns, widths, row, width - GUTTER)} isSelected={isSelected} color={style?.color} isDim={style?.isDim} />;
				})
			)}
		</Box>
	);
}
