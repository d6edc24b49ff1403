import {Box, Text} from 'ink';
import {useEffect} from 'react';
import type {QueryListId} from '../source/store/ui.js';
import {useStore, useStoreInstance} from './use-store.js';

/** A line of a scrolled text (a query, a plan) and its colour. */
export type AreaLine = {text: string; color?: string};

type Props = {
	/** The list whose drill-down shows the text: where its scroll is kept. */
	list: QueryListId;
	/** The lines, already wrapped to the width; the first starts with the label. */
	lines: readonly AreaLine[];
	/** The word the first line starts with, drawn bold. */
	label: string;
	/** The rows the text has. */
	rows: number;
};

/**
 * A text in the rows it has, scrolled where the list's query scroll says: a text taller than its
 * area gives its last row to which lines are shown. The scroll learns the page and the last first
 * line from here, so the moves stop at the end.
 */
export function ScrolledText({list, lines, label, rows}: Props) {
	const stored = useStore(state => state.ui[list].query);
	const store = useStoreInstance();
	const fits = lines.length <= rows;
	const page = fits ? rows : Math.max(rows - 1, 1);
	const last = fits ? 0 : lines.length - page;
	useEffect(() => {
		if (stored.page !== page || stored.last !== last) store.dispatch({type: 'set-query-view', list, page, last});
	}, [store, list, page, last, stored]);
	const top = Math.min(stored.top, last);
	return (
		<Box flexDirection="column" height={rows} overflow="hidden">
			{lines.slice(top, top + page).map((line, index) =>
				top + index === 0 ? (
					<Text key={index} wrap="truncate-end">
						<Text bold>{label}</Text>
						{line.text.slice(label.length)}
					</Text>
				) : (
					<Text key={index} wrap="truncate-end" color={line.color}>
						{line.text}
					</Text>
				),
			)}
			{fits || rows < 2 ? null : (
				<Text dimColor wrap="truncate-end">
					{`lines ${top + 1}–${Math.min(top + page, lines.length)} of ${lines.length} · ↑↓ PgUp PgDn Home End scroll`}
				</Text>
			)}
		</Box>
	);
}
