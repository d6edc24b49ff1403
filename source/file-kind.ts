// What a path that should be a regular file is instead, for the errors that refuse it (a config
// file, a log check's log): reading a FIFO or a device would block or never end.
import type {Stats} from 'node:fs';

/** Names what a non-regular file is: "a directory", "a FIFO", "a character device"… */
export function fileKind(stats: Stats): string {
	return stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : stats.isSocket() ? 'a socket' : stats.isCharacterDevice() ? 'a character device' : stats.isBlockDevice() ? 'a block device' : 'a regular file';
}
