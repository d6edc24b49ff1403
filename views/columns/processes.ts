import type {VisibleProcess} from '../../source/store/process-list.js';
import {backendLabel} from '../../source/postgres/session-list.js';
import type {PgSession} from '../../source/types.js';
import {formatBytes, formatCpuTime, formatFixed} from '../format.js';
import type {Column} from './column.js';

/** Labels before a command: the container it runs in, a local Postgres backend's session. */
export type ProcessLabels = {backend?: PgSession; container?: string};

/** The processes list's columns at a terminal width: the user column grows on wide terminals, the command takes the rest. */
export function processColumns(width: number, labelsOf: (item: VisibleProcess) => ProcessLabels = () => ({})): Column<VisibleProcess>[] {
	return [
		{id: 'pid', title: 'PID', width: 7, align: 'right', sort: 'pid', value: ({row}) => String(row.pid)},
		{id: 'user', title: 'USER', width: width >= 120 ? 12 : 8, value: ({row}) => row.user},
		{id: 'cpu', title: 'CPU%', width: 6, align: 'right', sort: 'cpu', value: ({row}) => formatFixed(row.cpuPct, 1)},
		{id: 'mem', title: 'MEM%', width: 5, align: 'right', value: ({row}) => formatFixed(row.memPct, 1)},
		{id: 'rss', title: 'RSS', width: 6, align: 'right', sort: 'mem', value: ({row}) => formatBytes(row.rss)},
		{id: 'state', title: 'S', width: 1, value: ({row}) => row.state},
		{id: 'time', title: 'TIME+', width: 9, align: 'right', sort: 'time', value: ({row}) => formatCpuTime(row.cpuTime)},
		{id: 'threads', title: 'THR', width: 4, align: 'right', value: ({row}) => String(row.threads)},
		{
			id: 'command',
			title: 'COMMAND',
			prefix: item => item.prefix,
			value(item) {
				const {backend, container} = labelsOf(item);
				return `${container ? `[${container}] ` : ''}${backend ? `${backendLabel(backend)} ` : ''}${item.row.command}`;
			},
		},
	];
}
