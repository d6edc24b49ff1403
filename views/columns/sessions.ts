import type {SessionSort} from '../../source/store/ui.js';
import type {PgSession} from '../../source/types.js';
import {AGE_WIDTH, formatAge, formatCount, shortSessionState} from '../format.js';
import type {Column} from './column.js';

const age = (seconds: number | null) => (seconds === null ? '' : formatAge(seconds));

/** The sessions list's columns at a width: more of them as there is room; at 80 the sorted age stays in view; the query takes the rest. */
export function sessionColumns(width: number, sort: SessionSort): Column<PgSession>[] {
	const isWide = width >= 180;
	const hasWait = width >= 100;
	const hasOrigin = width >= 140;
	const narrowAge: SessionSort = sort === 'state-age' || sort === 'xmin' ? sort : 'query';
	const hasAge = (which: SessionSort) => hasWait || which === 'xact' || which === narrowAge;
	const all: Array<Column<PgSession> | false> = [
		{id: 'pid', title: 'PID', width: 7, align: 'right', value: session => String(session.pid)},
		{id: 'database', title: 'DB', width: isWide ? 14 : 8, sort: 'database', value: session => session.database ?? ''},
		{id: 'user', title: 'USER', width: isWide ? 14 : 8, sort: 'user', value: session => session.user ?? ''},
		hasOrigin && {id: 'application', title: 'APP', width: isWide ? 16 : 12, value: session => session.application},
		hasOrigin && {id: 'client', title: 'CLIENT', width: 15, value: session => session.client ?? ''},
		isWide && {id: 'type', title: 'TYPE', width: 14, value: session => session.backendType},
		// Whole at every width: pg_activity's short forms where the column is narrow.
		{id: 'state', title: 'STATE', width: isWide ? 19 : 13, sort: 'state', value: session => (isWide ? session.state : session.state && shortSessionState(session.state)) ?? session.backendType},
		hasWait && {id: 'wait', title: 'WAIT', width: isWide ? 22 : hasOrigin ? 18 : 14, value: session => (session.waitEventType ? `${session.waitEventType}:${session.waitEvent ?? ''}` : '')},
		hasAge('xact') && {id: 'xact', title: 'XACT', width: AGE_WIDTH, sort: 'xact', align: 'right', value: session => age(session.xactAgeSec)},
		hasAge('query') && {id: 'query-age', title: 'QRY', width: AGE_WIDTH, sort: 'query', align: 'right', value: session => age(session.queryAgeSec)},
		hasAge('state-age') && {id: 'state-age', title: 'SINCE', width: AGE_WIDTH, sort: 'state-age', align: 'right', value: session => age(session.stateAgeSec)},
		hasAge('xmin') && {id: 'xmin', title: 'XMIN', width: 6, sort: 'xmin', align: 'right', value: session => (session.xminAge === null ? '' : formatCount(session.xminAge))},
		{id: 'query', title: 'QUERY', value: session => session.query},
	];
	return all.filter(column => column !== false);
}
