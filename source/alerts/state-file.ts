// Open alerts and their acknowledgements survive a restart: a state file under
// $XDG_STATE_HOME/dbtop/ (else ~/.local/state/dbtop/), written atomically — a temporary file in
// the same directory, flushed, then renamed over the old one — so a crash mid-write never
// leaves a torn file. A corrupt file is set aside with a reason, never fatal.
import {closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {TailPosition} from '../../collectors/checks.js';
import type {Alert} from './engine.js';

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
