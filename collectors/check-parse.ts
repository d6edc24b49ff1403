// Pure parts of the service checks: which TCP ports listen, and a log tail's window of counts.

/** The local TCP ports in LISTEN state, from the text of /proc/net/tcp or /proc/net/tcp6. */
export function listeningPorts(text: string): Set<number> {
	const ports = new Set<number>();
	for (const line of text.split('\n').slice(1)) {
		// sl local_address rem_address st ...: "0: 0100007F:1538 00000000:0000 0A ..."
		const fields = line.trim().split(/\s+/);
		const local = fields[1];
		if (fields[3] !== '0A' || !local) continue;
		const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
		if (Number.isInteger(port)) ports.add(port);
	}

	return ports;
}

/** Counts of matching lines by the time they were read; the sum over the last `windowMs`. */
export type CountWindow = {buckets: Array<{at: number; count: number}>; windowMs: number};

/** Adds a count read at `at`, forgets counts older than the window, and returns the sum in it. */
export function addToWindow(window: CountWindow, at: number, count: number): number {
	if (count > 0) window.buckets.push({at, count});
	while (window.buckets.length > 0 && window.buckets[0]!.at <= at - window.windowMs) window.buckets.shift();
	return window.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
}
