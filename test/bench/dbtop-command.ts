// How the benchmarks launch the built dbtop: the one place to change when the build output moves.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {ROOT} from './startup.js';

/** The built command line, as package.json's `bin` names it. */
export const DBTOP_CLI = path.join(ROOT, 'dist/source/cli.js');

// The bin's shebang carries node flags (`#!/usr/bin/env -S node --max-semi-space-size=2`) that
// change dbtop's memory use; run through `node` directly, they must be passed on its command line.
function shebangFlags(file: string): string[] {
	const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
	const match = /^#!\S*env\s+(?:-S\s+)?node\s*(.*)$/.exec(first) ?? /^#!\S*node\s*(.*)$/.exec(first);
	return match ? match[1]!.split(/\s+/).filter(Boolean) : [];
}

/** The argv that runs the built dbtop through this node, with the flags its shebang gives node and `args` after it. */
export function dbtopCommand(args: readonly string[] = []): string[] {
	return [process.execPath, ...shebangFlags(DBTOP_CLI), DBTOP_CLI, ...args];
}

/** The same command as one shell word list, for `sh -c` and script(1). */
export function dbtopShellCommand(args: readonly string[] = []): string {
	return dbtopCommand(args)
		.map(arg => (/^[\w./=:@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
		.join(' ');
}
