// Pure formatting helpers for the views: units, ages, bars. Values arrive in base units.
import type {Level} from '../source/alerts/levels.js';
import type {Unit} from '../source/alerts/metrics.js';

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'] as const;

/** Bytes in binary units, at most 5 characters: `0B`, `512B`, `1.5K`, `12M`, `1.2G`. */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) {
		return '—';
	}

	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) {
		return `${Math.round(value)}B`;
	}

	return `${value < 10 ? value.toFixed(1) : Math.round(value)}${UNITS[unit]}`;
}

/** A rate in bytes per second: `1.5M/s`. */
export function formatRate(bytesPerSec: number): string {
	return `${formatBytes(bytesPerSec)}/s`;
}

/** A metric's value in its unit, as the panes show such values: `10m14s` as an age, bytes scaled, a percentage, a plain number. */
export function formatMetric(value: number, unit: Unit): string {
	if (unit === 'seconds') return formatAge(value);
	if (unit === 'bytes') return formatBytes(value);
	return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit === 'percent' ? '%' : ''}`;
}

/** A number with `digits` decimals, or `—` for a value not known (a replay's NULL). */
export function formatFixed(value: number, digits: number): string {
	return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** A count per second, short: `12/s`, `1.5k/s`. */
export function formatPerSec(count: number): string {
	if (!Number.isFinite(count)) return '—';
	if (count >= 10_000) return `${Math.round(count / 1000)}k/s`;
	if (count >= 1000) return `${(count / 1000).toFixed(1)}k/s`;
	return `${count >= 10 || Number.isInteger(count) ? Math.round(count) : count.toFixed(1)}/s`;
}

/** A percentage with one decimal: `12.3%`. */
export function formatPct(pct: number): string {
	return Number.isFinite(pct) ? `${pct.toFixed(1)}%` : '—';
}

// Past 99999 days (273 years: a clock gone wrong) an age shows as that many, so it keeps its unit.
const MAX_AGE_DAYS = 99_999;

/** A duration in seconds as a short age, never wider than AGE_WIDTH: `45s`, `12m00s`, `3h05m`, `2d04h`, `365d`. */
export function formatAge(seconds: number): string {
	if (Number.isNaN(seconds)) return '—';
	const s = Math.max(0, Math.floor(seconds));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
	const days = Math.min(Math.floor(s / 86_400), MAX_AGE_DAYS);
	return days < 100 ? `${days}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h` : `${days}d`;
}

/** The widest age formatAge gives (`12m00s`, `99d23h`, `99999d`): the width of every column of ages, so none loses its unit. */
export const AGE_WIDTH = 6;

/** CPU time the way top shows TIME+: `m:ss.hh` below an hour, then `h:mm:ss`. */
export function formatCpuTime(seconds: number): string {
	const hundredths = Math.floor(seconds * 100);
	const totalSeconds = Math.floor(hundredths / 100);
	const minutes = Math.floor(totalSeconds / 60);
	if (minutes < 60) {
		return `${minutes}:${String(totalSeconds % 60).padStart(2, '0')}.${String(hundredths % 100).padStart(2, '0')}`;
	}

	const hours = Math.floor(minutes / 60);
	return `${hours}:${String(minutes % 60).padStart(2, '0')}:${String(totalSeconds % 60).padStart(2, '0')}`;
}

/** Uptime as `3d 4h 12m`. */
export function formatUptime(seconds: number): string {
	if (!Number.isFinite(seconds)) return '—';
	const days = Math.floor(seconds / 86_400);
	const hours = Math.floor((seconds % 86_400) / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	return days > 0 ? `${days}d ${hours}h ${minutes}m` : `${hours}h ${minutes}m`;
}

/** A local timestamp `YYYY-MM-DD HH:MM:SS` for an epoch ms. */
export function formatTimestamp(epochMs: number): string {
	if (!Number.isFinite(epochMs)) return '—';
	const d = new Date(epochMs);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A meter like htop's: `[|||||      23.4%]` exactly `width` characters wide. */
export function meter(pct: number, width: number): string {
	const inner = Math.max(width - 2, 1);
	const label = formatPct(Math.min(Math.max(pct, 0), 999.9));
	const filled = Number.isFinite(pct) ? Math.round((Math.min(Math.max(pct, 0), 100) / 100) * inner) : 0;
	const bar = '|'.repeat(filled).padEnd(inner, ' ');
	const text = label.length < inner ? bar.slice(0, inner - label.length) + label : bar;
	return `[${text}]`;
}

/** Terminal colour for a level (undefined leaves the default colour). */
export function levelColor(level: Level): string | undefined {
	switch (level) {
		case 'crit':
			return 'red';
		case 'warn':
			return 'yellow';
		case 'ok':
			return undefined;
	}
}

/** Full state names for the one-letter kernel states. */
export const STATE_NAMES: Readonly<Record<string, string>> = {
	R: 'running',
	S: 'sleeping',
	D: 'disk sleep',
	Z: 'zombie',
	T: 'stopped',
	t: 'tracing stop',
	X: 'dead',
	I: 'idle',
	P: 'parked',
	W: 'paging',
	K: 'wakekill',
};

const SHORT_STATES: Readonly<Record<string, string>> = {
	'idle in transaction': 'idle in trans',
	'idle in transaction (aborted)': 'idle in trans (a)',
};

/** A session state as pg_activity shortens it (`idle in trans`, `idle in trans (a)`), so that it fits whole in a narrow column. */
export function shortSessionState(state: string): string {
	return SHORT_STATES[state] ?? state;
}

/** A count in at most 5 characters: `950`, `12345`, `123k`, `1.2M`, `2.1G` (transaction ids, tuples). */
export function formatCount(count: number): string {
	if (!Number.isFinite(count)) return '—';
	if (count < 100_000) return String(Math.round(count));
	if (count < 1_000_000) return `${Math.round(count / 1000)}k`;
	if (count < 1_000_000_000) return `${(count / 1_000_000).toFixed(count < 10_000_000 ? 1 : 0)}M`;
	return `${(count / 1_000_000_000).toFixed(1)}G`;
}

/** A rate or a time with no unit of its own, at most 5 characters: `0`, `0.05`, `12.5`, `850`, `12345`, `123k`, `1.2M`. */
export function formatAmount(value: number): string {
	if (!Number.isFinite(value)) return '—';
	if (value === 0) return '0';
	if (value < 1) return value.toFixed(2);
	if (value < 100) return value.toFixed(1);
	return formatCount(value);
}
