import type {FilesystemUse} from '../../source/types.js';
import {formatBytes} from '../format.js';
import type {Column} from './column.js';

/** The Host pane's filesystem table. */
export const FILESYSTEM_COLUMNS: readonly Column<FilesystemUse>[] = [
	{id: 'mount', title: 'MOUNT', width: 24, value: fs => fs.mount},
	{id: 'type', title: 'TYPE', width: 8, value: fs => fs.type},
	{id: 'size', title: 'SIZE', width: 6, align: 'right', value: fs => formatBytes(fs.sizeBytes)},
	{id: 'used', title: 'USED', width: 6, align: 'right', value: fs => formatBytes(fs.usedBytes)},
	{id: 'free', title: 'FREE%', width: 6, align: 'right', value: fs => fs.freePct.toFixed(1)},
];
