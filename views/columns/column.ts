// The column model every list shares: a pane declares its columns and gets rows as one
// sanitized string of exactly the terminal's width, cut and padded cell by cell.
import {sanitizeLine} from '../../source/sanitize.js';
import {fit, type Align, type Cut} from '../text-width.js';

/** One column of a list: its title, its room, and how a row's value is shown in it. */
export type Column<T> = {
	id: string;
	title: string;
	/** Terminal columns; a column without one takes what the others leave (the query, the command). */
	width?: number;
	align?: Align;
	/** Which end of a value too wide for the cell gives way; the end by default. */
	cut?: Cut;
	/** The text of a row's cell, as it comes (it is sanitized here, once). */
	value: (row: T) => string;
	/** dbtop's own drawing before the value, kept as it is (a tree's branches). */
	prefix?: (row: T) => string;
	/** The sort this column's title is marked with (`▼`) while it is in force. */
	sort?: string;
};

/** Each column's width at a terminal width: the flexible column takes the rest (none left: zero). */
export function columnWidths<T>(columns: readonly Column<T>[], width: number): number[] {
	const fixed = columns.reduce((sum, column) => sum + (column.width ?? 0), 0) + Math.max(columns.length - 1, 0);
	return columns.map(column => column.width ?? Math.max(width - fixed, 0));
}

// Cells joined by one space, then made exactly `width` columns: padded, or cut where the fixed
// columns alone are wider than the terminal.
function line(cells: readonly string[], widths: readonly number[], width: number): string {
	const text = cells.join(' ');
	const used = widths.reduce((sum, cellWidth) => sum + cellWidth, 0) + Math.max(cells.length - 1, 0);
	return used === width ? text : used < width ? text + ' '.repeat(width - used) : fit(text, width);
}

/** One row as a line of exactly `width` columns. */
export function rowText<T>(columns: readonly Column<T>[], widths: readonly number[], row: T, width: number): string {
	const cells = columns.map((column, index) => fit((column.prefix?.(row) ?? '') + sanitizeLine(column.value(row)), widths[index]!, column.align, column.cut));
	return line(cells, widths, width);
}

/** The title line of a list: the column in force for the sort marked with `▼`. */
export function headerText<T>(columns: readonly Column<T>[], widths: readonly number[], width: number, sort?: string): string {
	const cells = columns.map((column, index) => fit(column.sort !== undefined && column.sort === sort ? `${column.title}▼` : column.title, widths[index]!, column.align));
	return line(cells, widths, width);
}
