/** Sends a signal; returns null on success or why it failed, in words, for the status bar. */
export function signalProcess(pid: number, signal: NodeJS.Signals): string | null {
	try {
		process.kill(pid, signal);
		return null;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ESRCH') {
			return 'the process is gone (ESRCH)';
		}

		if (code === 'EPERM') {
			return 'no permission (EPERM): it belongs to another user';
		}

		return error instanceof Error ? error.message : String(error);
	}
}
