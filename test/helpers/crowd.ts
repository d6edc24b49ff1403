// A crowd of idle processes with long command lines, for what a busy host costs dbtop: `count`
// sleeps, each with `args` more arguments (`sleep 600 0 0 0 …`: sleep adds them up), under one
// shell of their own, ended together.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';

export type Crowd = {count(): number; stop(): void};

/** Starts the crowd and resolves once all of it is running (within 60 s, or throws). */
export async function startCrowd(count: number, args: number): Promise<Crowd> {
	const script = `args=$(printf '0 %.0s' $(seq ${args})); i=0; while [ $i -lt ${count} ]; do sleep 600 $args & i=$((i+1)); done; wait`;
	const shell = spawn('sh', ['-c', script], {detached: true, stdio: 'ignore'});
	const pid = shell.pid!;
	const crowd: Crowd = {
		count: () => {
			try {
				return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).length;
			} catch {
				return 0;
			}
		},
		stop() {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
		},
	};
	const deadline = Date.now() + 60_000;
	while (crowd.count() < count) {
		if (Date.now() > deadline) {
			crowd.stop();
			throw new Error(`only ${crowd.count()} of ${count} processes started within 60 s`);
		}

		await sleep(100);
	}

	return crowd;
}
