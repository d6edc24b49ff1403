// Runs a command in a real terminal (a detached tmux server of its own) to type keys and read the screen.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

let sessions = 0;

export type Terminal = {
	/** Sends tmux key names (`Tab`, `Enter`, `Escape`, `Down`, `C-c`) or literal text with `literal`. */
	keys(...keys: string[]): void;
	type(text: string): void;
	/** The visible screen as text (with `escapes`, with colour and attribute sequences). */
	screen(options?: {escapes?: boolean}): string;
	/** Polls the screen until it matches, or throws with the last screen. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): void;
	/** A tmux format for the pane, e.g. `#{pane_title}`, `#{window_bell_flag}`. */
	format(format: string): string;
	/** Waits for the command to end; resolves to its exit status ('' if it has not ended in time). */
	exitStatus(timeoutMs?: number): Promise<string>;
	close(): void;
};

export function openTerminal(command: readonly string[], options: {columns: number; rows: number; env?: Record<string, string>}): Terminal {
	const socket = `dbtop-test-${process.pid}-${++sessions}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
	// Alerts are kept in a state directory of the terminal's own unless the test names one.
	const stateDir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-tmux-state-'));
	const env = Object.entries({TERM: 'xterm-256color', XDG_STATE_HOME: stateDir, ...options.env}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	// Through a shell that prints the command's exit status: tmux does not always keep a dead pane's status.
	const quoted = command.map(arg => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
	const script = `${quoted}; s=$?; echo "exited with $s"; exit $s`;
	tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns), '-y', String(options.rows), ...env, '--', 'sh', '-c', script);
	tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
	const screen = (screenOptions: {escapes?: boolean} = {}) => tmux('capture-pane', '-p', '-t', 'main', ...(screenOptions.escapes ? ['-e'] : []));
	return {
		keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
		type: text => void tmux('send-keys', '-t', 'main', '-l', text),
		screen,
		async waitFor(pattern, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			let last = '';
			while (Date.now() < deadline) {
				last = screen();
				if (pattern.test(last)) {
					return last;
				}

				await sleep(50);
			}

			throw new Error(`screen never matched ${pattern}:\n${last}`);
		},
		resize: (columns, rows) => void tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows)),
		format: format => tmux('display-message', '-p', '-t', 'main', format).trim(),
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
			rmSync(stateDir, {recursive: true, force: true});
		},
	};
}
