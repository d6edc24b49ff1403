// The programs the benchmarks compare dbtop with. The benchmarks never install anything: a
// missing program is reported with the Debian package that provides it, and its comparison is skipped.
import {run} from './process-tree.js';

/** A program found on PATH, or the line that says why its comparison could not be made. */
export type Tool = {path: string; note: null} | {path: null; note: string};

/** Looks `command` up on PATH; `debianPackage` names what to install when it is missing. */
export async function findTool(command: string, debianPackage: string): Promise<Tool> {
	const found = (await run('sh', ['-c', `command -v ${command} || true`]).catch(() => '')).trim();
	return found
		? {path: found, note: null}
		: {path: null, note: `${command} is not installed, so the comparison with it could not be made (Debian: apt-get install ${debianPackage})`};
}
