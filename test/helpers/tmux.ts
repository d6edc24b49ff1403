// Runs a command in a real terminal (a detached tmux server of its own) to type keys and read the screen.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {pinnedEnv} from './dbtop.js';

let sessions = 0;

export type Terminal = {
	/** Sends tmux key names (`Tab`, `Enter`, `Escape`, `Down`, `C-c`) or literal text with `literal`. */
	keys(...keys: string[]): void;
	type(text: string): void;
	/** The visible screen as text (with `escapes`, with colour and attribute sequences; with `history`, the lines scrolled off the top before it). */
	screen(options?: {escapes?: boolean; history?: boolean}): string;
	/** Polls the screen until it matches (a pattern, or a test of the whole screen), or throws with the last screen. */
	waitFor(pattern: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): void;
	/** A tmux format for the pane, e.g. `#{pane_title}`, `#{window_bell_flag}`. */
	format(format: string): string;
	/** The newest paste buffer: what the program put on the clipboard with OSC 52 (tmux keeps it, with `set-clipboard on`). */
	clipboard(): string;
	/** Waits for the command to end; resolves to its exit status ('' if it has not ended in time). */
	exitStatus(timeoutMs?: number): Promise<string>;
	close(): void;
};

export function openTerminal(command: readonly string[], options: {columns: number; rows: number; env?: Record<string, string>}): Terminal {
	const socket = `dbtop-test-${process.pid}-${++sessions}`;
	// Config and alert state in a directory of the terminal's own unless the test names them; the
	// tmux server, and the command under it, get no PG* or DOCKER_HOST the test did not give.
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-tmux-'));
	const env = pinnedEnv(dir, {TERM: 'xterm-256color', ...options.env});
	// The server takes its environment from the command that starts it, and its panes theirs from it.
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8', env});
	// Through a shell that prints the command's exit status: tmux does not always keep a dead pane's status.
	const quoted = command.map(arg => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
	const script = `${quoted}; s=$?; echo "exited with $s"; exit $s`;
	tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns), '-y', String(options.rows), '--', 'sh', '-c', script);
	tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
	// A program's OSC 52 becomes a paste buffer, as a user's tmux with `set-clipboard on` takes it.
	tmux('set-option', '-s', 'set-clipboard', 'on');
	const screen = (screenOptions: {escapes?: boolean; history?: boolean} = {}) => tmux('capture-pane', '-p', '-t', 'main', ...(screenOptions.escapes ? ['-e'] : []), ...(screenOptions.history ? ['-S', '-'] : []));
	return {
		keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
		// After --: a text that starts with a dash (`-30m`) is text, not a flag.
		type: text => void tmux('send-keys', '-t', 'main', '-l', '--', text),
		screen,
		// Generous: a loaded 2-core machine can take seconds to start a node process; a pass costs only its own time.
		async waitFor(pattern, timeoutMs = 30_000) {
			const matches = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text);
			const deadline = Date.now() + timeoutMs;
			let last = '';
			while (Date.now() < deadline) {
				last = screen();
				if (matches(last)) {
					return last;
				}

				await sleep(50);
			}

			throw new Error(`screen never matched ${pattern}:\n${last}`);
		},
		resize: (columns, rows) => void tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows)),
		format: format => tmux('display-message', '-p', '-t', 'main', format).trim(),
		clipboard: () => tmux('show-buffer'),
		async exitStatus(timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			let status = '';
			while (status === '' && Date.now() < deadline) {
				await sleep(50);
				status = /exited with (\d+)$/m.exec(screen())?.[1] ?? tmux('display-message', '-p', '-t', 'main', '#{pane_dead_status}').trim();
			}

			return status;
		},
		close() {
			try {
				tmux('kill-server');
			} catch {
				// Already gone.
			}

			rmSync(path.join(process.env['TMUX_TMPDIR'] ?? os.tmpdir(), `tmux-${process.getuid?.() ?? 0}`, socket), {force: true});
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
