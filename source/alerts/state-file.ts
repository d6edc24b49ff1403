// Open alerts and their acknowledgements survive a restart: a state file under
// $XDG_STATE_HOME/dbtop/ (else ~/.local/state/dbtop/), written atomically — a temporary file in
// the same directory, flushed, then renamed over the old one — so a crash mid-write never
// leaves a torn file. A corrupt file is set aside with a reason, never fatal.
import {closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {TailPosition} from '../../collectors/checks.js';
import {RESOLVED_KEPT, type Alert} from './engine.js';

const VERSION = 1;

/** dbtop's state directory: $XDG_STATE_HOME/dbtop, else ~/.local/state/dbtop. */
export function stateDir(env: NodeJS.ProcessEnv): string {
	return path.join(env['XDG_STATE_HOME'] || path.join(env['HOME'] || os.homedir(), '.local', 'state'), 'dbtop');
}

/** Where the alert state lives. */
export function alertStatePath(env: NodeJS.ProcessEnv): string {
	return path.join(stateDir(env), 'alerts.json');
}

const SEVERITIES = new Set(['warning', 'critical']);
const STATES = new Set(['firing', 'acknowledged', 'resolved']);

/**
 * Whether a parsed value is an alert record (the file may have been edited or damaged). A record
 * saved before alerts kept their values has a `message` and no values: loadAlerts gives it null ones.
 */
export function isAlert(value: unknown): value is Alert {
	if (typeof value !== 'object' || value === null) return false;
	const a = value as Record<string, unknown>;
	const isText = (key: string) => typeof a[key] === 'string';
	const isTime = (key: string) => typeof a[key] === 'number' && Number.isFinite(a[key]);
	const isOptional = (key: string, check: (key: string) => boolean) => a[key] === null || check(key);
	const isAbsentOr = (key: string, check: (key: string) => boolean) => a[key] === undefined || check(key);
	return (
		['id', 'rule', 'source', 'resource', 'title'].every(isText) &&
		isAbsentOr('message', isText) &&
		isAbsentOr('value', key => isOptional(key, isTime)) &&
		isAbsentOr('valueAtFiring', key => isOptional(key, isTime)) &&
		isAbsentOr('heldUp', isTime) &&
		SEVERITIES.has(a['severity'] as string) &&
		STATES.has(a['state'] as string) &&
		isTime('firedAt') &&
		isTime('lastChangedAt') &&
		isOptional('acknowledgedBy', isText) &&
		isOptional('acknowledgedAt', isTime) &&
		isOptional('note', isText) &&
		isOptional('resolvedAt', isTime)
	);
}

const isDirectory = (dir: string) => {
	try {
		return statSync(dir).isDirectory();
	} catch {
		return false;
	}
};

/**
 * Creates a directory and its missing parents, or throws. Node's recursive mkdir loops forever
 * where a parent cannot be created (under /proc, for one); this one goes up at most once per level.
 */
export function makeDirectory(dir: string): void {
	try {
		mkdirSync(dir);
		return;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST' && isDirectory(dir)) return;
		if (code === 'EEXIST') throw new Error(`${dir} is not a directory`);
		if (code !== 'ENOENT' || path.dirname(dir) === dir) throw error;
	}

	makeDirectory(path.dirname(dir));
	try {
		mkdirSync(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(dir)) throw error;
	}
}

const isRunning = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/** Removes the temporaries of `file` that a process no longer running left behind (it was killed mid-write). */
function removeStaleTemporaries(file: string): void {
	const prefix = `${path.basename(file)}.`;
	for (const name of readdirSync(path.dirname(file))) {
		const pid = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
		if (pid !== undefined && !isRunning(Number(pid))) rmSync(path.join(path.dirname(file), name), {force: true});
	}
}

/**
 * Writes a state file atomically: a temporary file beside it, flushed, then renamed over it. A
 * failed write removes its temporary, and each write removes those of writers that were killed.
 */
export function writeAtomically(file: string, text: string): void {
	makeDirectory(path.dirname(file));
	removeStaleTemporaries(file);
	const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
	try {
		const fd = openSync(temporary, 'w', 0o600);
		try {
			writeSync(fd, text);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}

		renameSync(temporary, file);
	} catch (error) {
		rmSync(temporary, {force: true});
		throw error;
	}
}

// An open alert's value (and a blocker's count) moves with every sample.
const MOVING: ReadonlySet<string> = new Set(['value', 'heldUp']);
const isSameBesidesValues = (a: Alert, b: Alert) => a === b || Object.keys({...a, ...b}).every(key => MOVING.has(key) || a[key as keyof Alert] === b[key as keyof Alert]);

/**
 * Is there more to save than new values (an alert fired, changed severity, was acknowledged or
 * resolved)? Values alone are not worth a write on every sample: the next change saves them, and
 * an open alert reads its value again at the first sample after a restart.
 */
export function isWorthSaving(saved: readonly Alert[], alerts: readonly Alert[]): boolean {
	return saved.length !== alerts.length || alerts.some((alert, index) => !isSameBesidesValues(saved[index]!, alert));
}

/** Writes the alerts atomically. */
export function saveAlerts(file: string, alerts: readonly Alert[]): void {
	writeAtomically(file, JSON.stringify({version: VERSION, alerts}));
}

// The same open alert (one per rule and resource at a time) may have been fired by two instances
// under two ids; a resolved one is its id.
const mergeKeyOf = (alert: Alert) => (alert.state === 'resolved' ? `resolved\u0000${alert.id}` : `open\u0000${alert.rule}\u0000${alert.resource}`);

// Which of two records of one alert is kept: a resolution beats an open state (the later one
// wins), else the earlier firing (by id on a tie), with the later acknowledgement of the two.
function mergeOne(a: Alert, b: Alert): Alert {
	if (a.state === 'resolved' || b.state === 'resolved') {
		if (a.state !== 'resolved') return b;
		if (b.state !== 'resolved') return a;
		return (b.resolvedAt ?? 0) > (a.resolvedAt ?? 0) ? b : a;
	}

	const base = b.firedAt < a.firedAt || (b.firedAt === a.firedAt && b.id < a.id) ? b : a;
	const acknowledged = (b.acknowledgedAt ?? -1) > (a.acknowledgedAt ?? -1) ? b : a;
	if (acknowledged.acknowledgedAt === null) return base;
	const state = acknowledged.state === 'acknowledged' || base.state === 'acknowledged' ? 'acknowledged' : 'firing';
	const merged: Alert = {...base, state, acknowledgedBy: acknowledged.acknowledgedBy, acknowledgedAt: acknowledged.acknowledgedAt, note: acknowledged.note, lastChangedAt: Math.max(a.lastChangedAt, b.lastChangedAt)};
	return isSameBesidesValues(merged, base) ? base : merged;
}

const byFiring = (a: Alert, b: Alert) => a.firedAt - b.firedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Two instances' alerts as one (their own, and what another wrote to the state file): an alert
 * either has is kept, an open alert both have is one, with the later acknowledgement; a resolved
 * one beats it being open under the same id. Sorted by firing, the newest RESOLVED_KEPT resolved
 * ones kept; `mine` itself when the other adds nothing, so merging again changes nothing.
 */
export function mergeAlerts(mine: readonly Alert[], theirs: readonly Alert[]): readonly Alert[] {
	const merged = new Map<string, Alert>();
	for (const alert of mine) merged.set(mergeKeyOf(alert), alert);
	for (const alert of theirs) {
		const key = mergeKeyOf(alert);
		const own = merged.get(key);
		merged.set(key, own ? mergeOne(own, alert) : alert);
	}

	// An open alert resolved under the same id elsewhere is resolved.
	const resolvedIds = new Set([...merged.values()].filter(alert => alert.state === 'resolved').map(alert => alert.id));
	const all = [...merged.values()].filter(alert => alert.state === 'resolved' || !resolvedIds.has(alert.id));
	const kept = new Set(all.filter(alert => alert.state === 'resolved').sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0)).slice(0, RESOLVED_KEPT));
	const next = all.filter(alert => alert.state !== 'resolved' || kept.has(alert)).sort(byFiring);
	return next.length === mine.length && next.every((alert, index) => alert === mine[index]) ? mine : next;
}

/** How long a lock may be held before it counts as left by a writer that died. */
const LOCK_STALE_MS = 5000;
/** How long a writer waits for the lock before it gives up (and tries again at its next save). */
const LOCK_WAIT_MS = 1000;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `write` holding `<file>.lock`, created exclusively with the holder's pid. A lock whose
 * holder is not running, or older than LOCK_STALE_MS, was left by a writer that was killed: it is
 * taken over. Waits at most LOCK_WAIT_MS, then throws: a save never hangs.
 */
export function withLock<T>(file: string, write: () => T): T {
	const lock = `${file}.lock`;
	makeDirectory(path.dirname(file));
	const deadline = Date.now() + LOCK_WAIT_MS;
	for (;;) {
		try {
			writeFileSync(lock, String(process.pid), {flag: 'wx', mode: 0o600});
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}

		let holder = 0;
		let since = Date.now();
		try {
			holder = Number(readFileSync(lock, 'utf8'));
			since = statSync(lock).mtimeMs;
		} catch {
			continue; // Released meanwhile.
		}

		if ((holder > 0 && !isRunning(holder)) || Date.now() - since > LOCK_STALE_MS) rmSync(lock, {force: true});
		else if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}`);
		else pause(10);
	}

	try {
		return write();
	} finally {
		rmSync(lock, {force: true});
	}
}

/**
 * Saves the alerts merged with what other instances wrote meanwhile, under the lock; returns
 * what is now on disk (what the caller merges into its own).
 */
export function saveMergedAlerts(file: string, alerts: readonly Alert[]): readonly Alert[] {
	return withLock(file, () => {
		const onDisk = loadAlerts(file).alerts;
		const merged = mergeAlerts(alerts, onDisk);
		saveAlerts(file, merged);
		return merged;
	});
}

/** What identifies a version of a file (a new one is renamed over it, so a new inode): '' when absent. */
export function fileVersion(file: string): string {
	try {
		const stat = statSync(file);
		return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
	} catch {
		return '';
	}
}

/** Reads the alerts; a missing file is empty, a corrupt one is renamed aside and reported in `problem`. */
export function loadAlerts(file: string, now = Date.now()): {alerts: Alert[]; problem: string | null} {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {alerts: [], problem: null};
		return {alerts: [], problem: `${file}: cannot read it: ${error instanceof Error ? error.message : String(error)}`};
	}

	let reason: string | null = null;
	try {
		const json = JSON.parse(text) as {version?: unknown; alerts?: unknown};
		if (json.version !== VERSION) reason = `unknown version ${String(json.version)}`;
		else if (!Array.isArray(json.alerts)) reason = 'no alerts list';
		else {
			const bad = json.alerts.findIndex(alert => !isAlert(alert));
			if (bad < 0) return {alerts: (json.alerts as Alert[]).map(alert => ({...alert, value: alert.value ?? null, valueAtFiring: alert.valueAtFiring ?? null})), problem: null};
			reason = `alerts[${bad}] is not an alert record`;
		}
	} catch (error) {
		reason = `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
	}

	const aside = `${file}.corrupt-${now}`;
	try {
		renameSync(file, aside);
	} catch {
		// Could not move it: it is still reported, and the next save replaces it.
	}

	return {alerts: [], problem: `${file}: ${reason}; set aside as ${aside}, starting with no alerts`};
}

/** Where `dbtop check` keeps how far it has read each log check's file. */
export function logPositionsPath(env: NodeJS.ProcessEnv): string {
	return path.join(stateDir(env), 'log-positions.json');
}

const isPosition = (value: unknown): value is TailPosition => {
	const p = value as Partial<TailPosition> | null;
	return typeof p === 'object' && p !== null && typeof p.path === 'string' && Number.isInteger(p.inode) && Number.isInteger(p.offset) && Array.isArray(p.buckets) && p.buckets.every(bucket => Number.isFinite(bucket?.at) && Number.isFinite(bucket?.count));
};

/** The kept positions by check name; a missing or damaged file (it is only a bookmark) counts as none. */
export function loadLogPositions(file: string): Record<string, TailPosition> {
	try {
		const json = JSON.parse(readFileSync(file, 'utf8')) as {version?: unknown; positions?: Record<string, unknown>};
		if (json.version !== VERSION || typeof json.positions !== 'object' || json.positions === null) return {};
		return Object.fromEntries(Object.entries(json.positions).filter((entry): entry is [string, TailPosition] => isPosition(entry[1])));
	} catch {
		return {};
	}
}

/** Keeps the positions, atomically. */
export function saveLogPositions(file: string, positions: Readonly<Record<string, TailPosition>>): void {
	writeAtomically(file, JSON.stringify({version: VERSION, positions}));
}
