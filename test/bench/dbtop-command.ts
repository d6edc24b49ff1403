// How the benchmarks launch the built dbtop: the one place to change when the build output moves.
import {CLI} from './terminal-harness.js';

/** The argv that runs the built dbtop through this node, with `args` after it. */
export function dbtopCommand(args: readonly string[] = []): string[] {
	return [process.execPath, CLI, ...args];
}

/** The same command as one shell word list, for `sh -c` and script(1). */
export function dbtopShellCommand(args: readonly string[] = []): string {
	return dbtopCommand(args)
		.map(arg => (/^[\w./=:@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
		.join(' ');
}
