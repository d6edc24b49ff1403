/** Parses `500ms`, `2s`, `1.5s`, `1m` or a bare number of seconds (0 included) into milliseconds; null when it is not one. */
export function parseDuration(text: string): number | null {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
	if (!match) {
		return null;
	}

	const value = Number(match[1]);
	const unit = match[2] ?? 's';
	const ms = unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000;
	return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** Formats milliseconds the way they are typed: `500ms`, `2s`, `1.5s`. */
export function formatDuration(ms: number): string {
	return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(2))}s`;
}
