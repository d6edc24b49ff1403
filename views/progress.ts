// The long operations in progress as lines: `pid 1234 VACUUM public.big · scanning heap ·
// 12,345/50,000 blocks 24.7%`, on the Sessions pane (as many as there is room for) and in a
// session's detail. Pure: the pane decides the room.
import {sanitizeLine} from '../source/sanitize.js';
import type {PgProgress} from '../source/types.js';
import {formatBytes, formatPct} from './format.js';

/** A whole count with its thousands grouped: `12,345`. */
function grouped(count: number): string {
	return Number.isFinite(count) ? Math.round(count).toLocaleString('en-US') : '—';
}

/** How far an operation is: `12,345/50,000 blocks 24.7%`, `1.2G/4.0G 30.0%`, `5,000 tuples` (no total), '' where the server gives no count. */
export function progressAmount({done, total, pct, unit}: Pick<PgProgress, 'done' | 'total' | 'pct' | 'unit'>): string {
	if (done === null) return '';
	const amount = (count: number) => (unit === 'bytes' ? formatBytes(count) : grouped(count));
	const counted = total === null || total <= 0 ? amount(done) : `${amount(done)}/${amount(total)}`;
	return `${counted}${unit === 'bytes' ? '' : ` ${unit}`}${pct === null ? '' : ` ${formatPct(pct)}`}`;
}

/** One operation on one line, sanitized: its pid (unless `hasPid` is false: a session's detail), command, relation, phase and how far it is. */
export function progressText(progress: PgProgress, hasPid = true): string {
	const what = [...(hasPid ? [`pid ${progress.pid}`] : []), progress.command, progress.relation].filter(part => part !== null && part !== '').join(' ');
	const parts = [what, progress.phase, progressAmount(progress)].filter(part => part !== '');
	return sanitizeLine(parts.join(' · '));
}

/** The operations' lines for the room there is: one per operation, the rest folded into one `+N more` line. */
export function progressLines(progress: readonly PgProgress[], room: number): string[] {
	const line = (operation: PgProgress) => progressText(operation);
	if (progress.length <= room) return progress.map(line);
	const shown = progress.slice(0, Math.max(room - 1, 0));
	const rest = progress.slice(shown.length);
	return [...shown.map(line), sanitizeLine(`+${rest.length} more: ${rest.map(operation => `${operation.pid} ${operation.command}`).join(', ')}`)];
}
