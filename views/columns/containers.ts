import type {ContainerRow} from '../../source/types.js';
import {formatAge, formatBytes, formatRate} from '../format.js';
import type {Column} from './column.js';

/** Uptime for a running container, the exit code for one that stopped. */
function upOrExit(row: ContainerRow, now: number): string {
	if (row.state === 'running') return row.startedAt === null ? 'up' : `up ${formatAge((now - row.startedAt) / 1000)}`;
	return row.exitCode === null ? row.state : `exit ${row.exitCode}`;
}

const orDash = (value: number | null, format: (value: number) => string) => (value === null ? '—' : format(value));

/** The containers list's columns at a width: rates and the share of the CPU limit only from 140 columns; the image takes the rest. */
export function containerColumns(width: number, now: number): Column<ContainerRow>[] {
	const isWide = width >= 140;
	const all: Array<Column<ContainerRow> | false> = [
		{id: 'name', title: 'NAME', width: 16, sort: 'name', value: row => row.name},
		{id: 'state', title: 'STATE', width: 8, value: row => row.state},
		{id: 'health', title: 'HEALTH', width: 9, value: row => (row.health === 'none' ? '' : row.health)},
		{id: 'restarts', title: 'RST', width: 3, align: 'right', value: row => (Number.isFinite(row.restarts) ? String(row.restarts) : '—')},
		{id: 'up', title: 'UP/EXIT', width: 10, value: row => upOrExit(row, now)},
		{id: 'cpu', title: 'CPU%', width: 6, align: 'right', sort: 'cpu', value: row => orDash(row.cpuPct, value => value.toFixed(1))},
		isWide && {id: 'cpu-limit', title: 'LIM%', width: 5, align: 'right', value: row => orDash(row.cpuOfLimitPct, value => value.toFixed(0))},
		{id: 'memory', title: 'MEM/LIMIT', width: 11, align: 'right', sort: 'mem', value: row => `${orDash(row.memUsed, formatBytes)}/${orDash(row.memLimit, formatBytes)}`},
		isWide && {id: 'net', title: 'NET rx tx', width: 15, align: 'right', value: row => `${orDash(row.netRxBytesPerSec, formatRate)} ${orDash(row.netTxBytesPerSec, formatRate)}`},
		isWide && {id: 'block', title: 'BLK r w', width: 15, align: 'right', value: row => `${orDash(row.blockReadBytesPerSec, formatRate)} ${orDash(row.blockWriteBytesPerSec, formatRate)}`},
		{id: 'pids', title: 'PIDS', width: 4, align: 'right', value: row => orDash(row.pids, String)},
		{id: 'image', title: 'IMAGE', value: row => row.image},
	];
	return all.filter(column => column !== false);
}
