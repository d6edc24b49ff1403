// `--at` for the replay: the moment to show, as a person types it, to epoch seconds.
import {UsageError} from '../app/usage-error.js';

/** The forms `--at` accepts, for the error that lists them. */
export const AT_FORMS = '14:05 (today, local time), 2026-11-30 03:12 (local time), an ISO time with its zone (2026-11-30T03:12:00Z), or -2h, -30m, -90s (before now)';

const UNIT_SECONDS: Record<string, number> = {h: 3600, m: 60, s: 1};

/** A local time on a date, in epoch seconds, or null where the fields name no such time (25:00, Feb 30). */
function localTime(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): number | null {
	const date = new Date(year, month - 1, day, hours, minutes, seconds);
	const isSame = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day && date.getHours() === hours && date.getMinutes() === minutes;
	return isSame ? date.getTime() / 1000 : null;
}

/** `--at` as epoch seconds, relative to `now` (epoch ms). Throws UsageError naming the accepted forms. */
export function parseAt(text: string, now: number): number {
	const value = text.trim();
	const relative = /^-(\d+)([hms])$/.exec(value);
	if (relative) return Math.floor(now / 1000) - Number(relative[1]) * UNIT_SECONDS[relative[2]!]!;

	const clock = /^(\d{1,2}):(\d\d)$/.exec(value);
	if (clock) {
		const today = new Date(now);
		const time = localTime(today.getFullYear(), today.getMonth() + 1, today.getDate(), Number(clock[1]), Number(clock[2]), 0);
		if (time !== null) return time;
	}

	const local = /^(\d{4})-(\d\d)-(\d\d)[ T](\d{1,2}):(\d\d)(?::(\d\d))?$/.exec(value);
	if (local) {
		const [year, month, day, hours, minutes, seconds] = local.slice(1).map(field => Number(field ?? 0)) as [number, number, number, number, number, number];
		const time = localTime(year, month, day, hours, minutes, seconds);
		if (time !== null) return time;
	}

	if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/.test(value)) {
		const time = Date.parse(value);
		if (Number.isFinite(time)) return time / 1000;
	}

	throw new UsageError(`--at: "${text}" is not a time (accepted: ${AT_FORMS})`);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A moment as dbtop names it: local time, to the second (`2026-11-30 03:12:05`). */
export function localTimeText(epochSeconds: number): string {
	const date = new Date(epochSeconds * 1000);
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The same moment in UTC, the time of day only (`01:12:05 UTC`). */
export function utcClockText(epochSeconds: number): string {
	const date = new Date(epochSeconds * 1000);
	return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}
