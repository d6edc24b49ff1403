import type {StatementSort} from '../../source/store/ui.js';
import type {PgStatement} from '../../source/types.js';
import {formatAmount, formatBytes} from '../format.js';
import type {Column} from './column.js';

// A rate not measured yet (the first sample) is left blank: the title says the pane is measuring.
const amount = (value: number | null) => (value === null ? '' : formatAmount(value));

// The calls and the mean are a column wider than their titles: a title takes `▼` while the list is sorted by it.

/** The statements list's columns at a width: the calls, time, mean and share at every width, then more as there is room (the sorted one always); the query takes the rest. */
export function statementColumns(width: number, sort: StatementSort, hasWal: boolean): Column<PgStatement>[] {
	const shows = (which: StatementSort, from: number) => width >= from || sort === which;
	const nameWidth = width >= 200 ? 16 : 10;
	const all: Array<Column<PgStatement> | false> = [
		{id: 'calls', title: 'CALLS/s', width: 8, align: 'right', sort: 'calls', value: statement => amount(statement.callsPerSec)},
		{id: 'time', title: 'ms/s', width: 7, align: 'right', sort: 'time', value: statement => amount(statement.totalMsPerSec)},
		{id: 'mean', title: 'MEAN ms', width: 8, align: 'right', sort: 'mean', value: statement => amount(statement.meanMs)},
		{id: 'pct', title: '%TIME', width: 5, align: 'right', value: statement => (statement.timePct === null ? '' : statement.timePct.toFixed(1))},
		shows('rows', 120) && {id: 'rows', title: 'ROWS/s', width: 7, align: 'right', sort: 'rows', value: statement => amount(statement.rowsPerSec)},
		shows('hit', 160) && {id: 'hit', title: 'HIT/s', width: 7, align: 'right', sort: 'hit', value: statement => amount(statement.sharedHitPerSec)},
		shows('read', 120) && {id: 'read', title: 'READ/s', width: 7, align: 'right', sort: 'read', value: statement => amount(statement.sharedReadPerSec)},
		shows('temp', 160) && {id: 'temp', title: 'TEMP/s', width: 7, align: 'right', sort: 'temp', value: statement => amount(statement.tempWrittenPerSec)},
		hasWal && shows('wal', 160) && {id: 'wal', title: 'WAL/s', width: 6, align: 'right', sort: 'wal', value: statement => (statement.walBytesPerSec === null ? '' : formatBytes(statement.walBytesPerSec))},
		{id: 'database', title: 'DB', width: nameWidth, sort: 'database', value: statement => statement.database ?? ''},
		shows('user', 100) && {id: 'user', title: 'USER', width: nameWidth, sort: 'user', value: statement => statement.user ?? ''},
		{id: 'query', title: 'QUERY', value: statement => statement.query},
	];
	return all.filter(column => column !== false);
}
