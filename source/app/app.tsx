import os from 'node:os';
import {Box, render, renderToString} from 'ink';
import {serviceCheck, type TailPosition} from '../../collectors/checks.js';
import {containerDetail} from '../../collectors/container-detail.js';
import {containers} from '../../collectors/containers.js';
import {host} from '../../collectors/host.js';
import {createPgConnection, type PgConnection} from '../../collectors/postgres-connection.js';
import {postgresLocks} from '../../collectors/postgres-locks.js';
import {postgresSessions} from '../../collectors/postgres-sessions.js';
import {postgresStatements} from '../../collectors/postgres-statements.js';
import {processes} from '../../collectors/processes.js';
import {App} from '../../views/App.js';
import {HostSummary} from '../../views/HostSummary.js';
import {ProcessesPane} from '../../views/ProcessesPane.js';
import {CommandContextValue, StoreContext} from '../../views/StoreContext.js';
import type {Collector} from '../store/collector.js';
import {hasNewCritical, initialAlerts, type Alert} from '../alerts/engine.js';
import {alertStatePath, fileVersion, isWorthSaving, loadAlerts, loadLogPositions, logPositionsPath, mergeAlerts, saveLogPositions, saveMergedAlerts} from '../alerts/state-file.js';
import {DEFAULT_RULES} from '../alerts/rules.js';
import {check} from '../alerts/check.js';
import {installIncrementalFix} from '../ink/incremental-fix.js';
import {colourlessStream} from '../ink/no-colour.js';
import {installOutputFix} from '../ink/output-fix.js';
import {sanitizeLine} from '../sanitize.js';
import type {Options, RecordOptions} from './options.js';
import type {PgTarget} from '../postgres/settings.js';
import {connectTarget} from '../postgres/connect.js';
import {formatDuration} from '../duration.js';
import {recordFromStore} from '../ring/from-store.js';
import {createRecorder, type Recorder} from '../ring/recorder.js';
import {createScheduler, type Scheduler} from '../store/scheduler.js';
import {screenOf} from '../store/screen.js';
import {toSnapshot} from './snapshot.js';
import {replayMoments, replayNodes, type ReplayStart} from '../../collectors/ring-replay.js';
import {createStore, initialState, type Store} from '../store/store.js';

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const BELL = '\u0007';
/** How long the first frame waits for the process list before it is drawn without it. */
const FIRST_FRAME_WAIT_MS = 500;
// How often the live monitor looks for acknowledgements other instances saved to the state file.
const SYNC_INTERVAL_MS = 1000;

/** Resolves once a collector has reported (a sample or an error), or after `timeoutMs`. */
function reported(store: Store, id: string, timeoutMs: number): Promise<void> {
	const isReported = () => store.getState().status[id] !== undefined;
	return new Promise(resolve => {
		if (isReported()) {
			resolve();
			return;
		}

		const done = () => {
			clearTimeout(timer);
			unsubscribe();
			resolve();
		};

		const timer = setTimeout(done, timeoutMs);
		const unsubscribe = store.subscribe(() => {
			if (isReported()) done();
		});
	});
}

/** The pieces of a running dbtop: one store, the collectors feeding it and their scheduler. */
export type Runtime = {
	store: Store;
	scheduler: Scheduler;
	postgres: PgConnection;
	/** Where each log check stopped reading, by check name. */
	logPositions(): Record<string, TailPosition>;
};

/**
 * Builds the store, the collectors and the scheduler that feeds one into the other; log checks
 * start where `logPositions` say. The statements are read where something shows or keeps them
 * (`hasStatements`: not for `dbtop check` or `--once`), and in the live monitor only while their
 * pane is shown or the samples are recorded.
 */
export function createRuntime(options: Options, alerts: Alert[] = [], logPositions: Readonly<Record<string, TailPosition>> = {}, {hasStatements = true}: {hasStatements?: boolean} = {}): Runtime {
	const store = createStore(initialState(options.refreshMs, options.rules, {...initialAlerts(), alerts}, options.isReadOnly ? 'live' : null));
	const postgres = createPgConnection(options.pg, {isReadOnly: options.isReadOnly});
	const checks = (options.checks ?? []).filter(check => check.rule.isEnabled).map(check => ({name: check.name, collector: serviceCheck(check, {start: logPositions[check.name]})}));
	const collectors: Array<Collector<unknown>> = [
		host(),
		// The process whose I/O and open files are read: the one drilled into on screen, or the
		// backend of the session open on screen; none for a detail left open on another pane.
		processes({
			focus() {
				const state = store.getState();
				const {detail} = screenOf(state);
				if (detail === 'process') return state.ui.processes.detailPid;
				// A session's backend is a process here only when the server is local.
				return detail === 'session' && state.postgres?.localPostmasterPid !== null ? state.ui.sessions.detailPid : null;
			},
			// Recording keeps it running: each recorded sample carries the top processes.
			isWanted: () => options.record !== undefined || screenOf(store.getState()).isShowingProcesses,
		}),
		postgresSessions(postgres),
		postgresLocks(postgres),
		...(hasStatements ? [postgresStatements(postgres, {isWanted: () => options.record !== undefined || store.getState().ui.pane === 'statements'})] : []),
		containers(options.docker),
		containerDetail(options.docker, {
			focus() {
				const state = store.getState();
				return screenOf(state).detail === 'container' ? state.ui.containers.detailId : null;
			},
		}),
		...checks.map(check => check.collector),
	];
	const scheduler = createScheduler({
		collectors,
		dispatch: store.dispatchAll,
		refreshMs: options.refreshMs,
		intervals: options.intervals,
	});
	// Back on a screen that shows processes (or statements): a fresh reading now, not at the next tick.
	let wasShowingProcesses = true;
	let wasShowingStatements = false;
	store.subscribe(() => {
		const state = store.getState();
		const isShowing = screenOf(state).isShowingProcesses;
		if (isShowing && !wasShowingProcesses) scheduler.wake('processes');
		wasShowingProcesses = isShowing;
		const isShowingStatements = state.ui.pane === 'statements';
		if (isShowingStatements && !wasShowingStatements) scheduler.wake('postgres-statements');
		wasShowingStatements = isShowingStatements;
	});
	const positions = () => Object.fromEntries(checks.flatMap(({name, collector}) => (collector.position() ? [[name, collector.position()!]] : [])));
	return {store, scheduler, postgres, logPositions: positions};
}

/** Samples twice, one interval apart, so rates and CPU percentages are real. */
async function sampleTwice(runtime: Runtime, gapMs: number): Promise<void> {
	await runtime.scheduler.tickAll();
	await new Promise(resolve => setTimeout(resolve, gapMs));
	await runtime.scheduler.tickAll();
}

/** `--once` and `--json`: resolves to the one snapshot, as text or JSON, for stdout. */
export async function runSnapshot(options: Options, version: string): Promise<string> {
	const runtime = createRuntime(options, [], {}, {hasStatements: options.mode === 'json'});
	try {
		await sampleTwice(runtime, Math.min(options.refreshMs, 2000));
		const state = runtime.store.getState();
		if (options.mode === 'json') {
			return `${JSON.stringify(toSnapshot(state, version, Date.now()), null, 2)}\n`;
		}

		const width = process.stdout.columns || 120;
		const count = state.processes?.processes.length ?? 0;
		const text = renderToString(
			<StoreContext.Provider value={runtime.store}>
				<Box flexDirection="column" width={width}>
					<HostSummary width={width} hasCharts={false} version={version} />
					<ProcessesPane width={width} height={count + 2} />
				</Box>
			</StoreContext.Provider>,
			{columns: width},
		);
		return `${text}\n`;
	} finally {
		await runtime.scheduler.stop();
	}
}

/** `dbtop check`: two samples, the rules once; resolves to its output for stdout (one line per alert and a summary, or JSON) and its exit code. */
export async function runCheck(options: Options, sources: readonly string[]): Promise<{text: string; exitCode: number}> {
	// Log checks go on from where the previous run stopped, so a run from cron counts what was
	// written since, over the window.
	const positionsFile = logPositionsPath(process.env);
	const runtime = createRuntime(options, [], loadLogPositions(positionsFile), {hasStatements: false});
	try {
		await sampleTwice(runtime, Math.min(options.refreshMs, 2000));
		const positions = runtime.logPositions();
		// A position that cannot be kept does not change what this run found: the next run counts
		// from where the kept one stopped, or from the end of the log.
		const problems: string[] = [];
		try {
			if (Object.keys(positions).length > 0) saveLogPositions(positionsFile, positions);
		} catch (error) {
			problems.push(`cannot save log positions to ${positionsFile}: ${error instanceof Error ? error.message : String(error)}`);
		}

		const result = check(runtime.store.getState(), options.rules ?? DEFAULT_RULES, sources);
		const text =
			options.mode === 'json'
				? `${JSON.stringify({status: result.status, exitCode: result.exitCode, alerts: result.alerts, unreadable: result.unreadable, problems}, null, 2)}\n`
				: `${[...result.lines, ...problems.map(problem => `dbtop check: ${problem}`)].map(sanitizeLine).join('\n')}\n`;
		return {text, exitCode: result.exitCode};
	} finally {
		await runtime.scheduler.stop();
	}
}

/** The longest `dbtop record` waits, when told to stop, for the samples it holds to be written. */
const RECORD_FLUSH_MS = 5000;
/** The longest quitting the live monitor waits for them. */
const LIVE_FLUSH_MS = 500;

/** A connection to the ring's server (the first of its hosts that suits); pg is loaded on the first. */
async function connectRing(target: PgTarget) {
	const {client} = await connectTarget(target, async () => (await import('pg')).default);
	client.on('error', () => {});
	return client;
}

/**
 * Records the store's samples into the ring: one ring sample per host sample, held in memory up to
 * `--buffer` while the ring cannot be written. `started` rejects (TableError) where the ring's
 * table cannot be written as it is; stop it with the recorder's close().
 */
function startRecording(store: Store, record: RecordOptions, refreshMs: number, log: (line: string) => void, onFatal: (line: string) => void): {recorder: Recorder; started: Promise<void>} {
	const recorder = createRecorder({
		target: record.ring,
		table: record.table,
		capacity: record.capacity,
		// At least the sample being written.
		bufferSamples: Math.max(1, Math.ceil(record.bufferMs / refreshMs)),
		connect: connectRing,
		log,
		onFatal,
	});
	const started = recorder.start();
	const unsubscribe = recordFromStore(store, recorder, {node: record.node, isMaster: record.isMaster});
	return {
		recorder: {
			...recorder,
			async close(waitMs) {
				unsubscribe();
				return recorder.close(waitMs);
			},
		},
		started,
	};
}

/**
 * `dbtop record`: the collectors and the alert rules with no screen, every host sample written into
 * the ring; one line per event on stderr. Ends on SIGTERM, SIGINT or SIGHUP after writing what it
 * holds (for at most RECORD_FLUSH_MS), or at once while the ring is still being set up, with status
 * 0; 2 where the ring's table cannot be written.
 */
export async function runRecord(options: Options, record: RecordOptions): Promise<number> {
	const log = (line: string) => process.stderr.write(`${new Date().toISOString()} dbtop record: ${sanitizeLine(line)}\n`);
	const stateFile = alertStatePath(process.env);
	const saved = loadAlerts(stateFile);
	const runtime = createRuntime(options, saved.alerts);
	const {store, scheduler} = runtime;
	if (saved.problem) log(saved.problem);
	let exitCode = 0;
	let stop: (reason: string) => void = () => {};
	const stopped = new Promise<string>(resolve => {
		stop = resolve;
	});
	const {recorder, started} = startRecording(store, record, options.refreshMs, log, line => {
		log(line);
		exitCode = 2;
		stop('');
	});
	// Listened to from the start: set-up can wait (another session holds a lock on the ring), and a signal then ends it there.
	for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
	let reason: string | null;
	try {
		reason = await Promise.race([started.then(() => null), stopped]);
	} catch (error) {
		await scheduler.stop();
		process.stderr.write(`dbtop: ${sanitizeLine(`--ring: ${error instanceof Error ? error.message : String(error)}`)}\n`);
		return 2;
	}

	if (reason !== null) {
		log(`stopping on ${reason} before the ring was ready`);
		await scheduler.stop();
		await recorder.close(0);
		return exitCode;
	}

	// Acknowledgements made in a live monitor on this host (same state directory) are recorded with the alerts.
	const shared = shareAlerts(store, stateFile, saved.alerts);
	let notice = store.getState().ui.notice;
	store.subscribe(() => {
		const state = store.getState();
		if (state.alerts.alerts !== shared.previous) shared.changed();
		if (state.ui.notice !== notice) {
			notice = state.ui.notice;
			if (notice) log(notice.text);
		}
	});
	log(`started: node ${record.node}${record.isMaster ? ' (master)' : ''}, a sample every ${formatDuration(options.refreshMs)}, into ${record.table.text} at ${record.ring.target}`);
	scheduler.start();
	reason = await stopped;
	// After the error that stops it (exit status 2), no stopping line.
	if (exitCode === 0) log(`stopping on ${reason}: ${recorder.pending()} samples to write`);
	shared.stop();
	await scheduler.stop();
	await recorder.close(RECORD_FLUSH_MS);
	return exitCode;
}

/**
 * Acknowledgements and open alerts survive a restart: saved whenever the alerts change in more
 * than their values. Instances sharing the state file (two panes watching one server, a recorder
 * beside them) merge their writes, and each picks up the others' within a second. A save that
 * fails is a notice. `previous` is the alerts as last seen; call `changed()` when they change.
 */
function shareAlerts(store: Store, stateFile: string, saved: readonly Alert[]): {readonly previous: readonly Alert[]; changed(): void; stop(): void} {
	let previous: readonly Alert[] = store.getState().alerts.alerts;
	let known: readonly Alert[] = saved;
	let knownVersion = fileVersion(stateFile);
	let isSyncing = false;
	let lastProblem = '';
	const mergeIn = (alerts: readonly Alert[]) => {
		previous = mergeAlerts(previous, alerts);
		store.dispatch({type: 'merge-alerts', alerts});
	};

	const sync = () => {
		if (isSyncing) return;
		isSyncing = true;
		try {
			if (fileVersion(stateFile) !== knownVersion) {
				knownVersion = fileVersion(stateFile);
				const onDisk = loadAlerts(stateFile);
				if (!onDisk.problem) {
					known = onDisk.alerts;
					mergeIn(known);
				}
			}

			const {alerts} = store.getState().alerts;
			if (!isWorthSaving(known, alerts)) return;
			known = saveMergedAlerts(stateFile, alerts);
			knownVersion = fileVersion(stateFile);
			lastProblem = '';
			mergeIn(known);
		} catch (error) {
			const problem = `cannot save alerts to ${stateFile}: ${error instanceof Error ? error.message : String(error)}`;
			if (problem !== lastProblem) store.dispatch({type: 'notice', notice: {text: problem, level: 'error'}});
			lastProblem = problem;
		} finally {
			isSyncing = false;
		}
	};

	const timer = setInterval(sync, SYNC_INTERVAL_MS);
	return {
		get previous() {
			return previous;
		},
		changed() {
			previous = store.getState().alerts.alerts;
			sync();
		},
		stop() {
			clearInterval(timer);
		},
	};
}

/** The live monitor: alternate screen, incremental rendering (off only to measure what it saves), keys until quit. */
export async function runLive(options: Options, version: string, isIncremental = true): Promise<void> {
	// Raw mode from the start: the terminal no longer echoes keys typed while dbtop starts (over
	// its first frame), and keeps them for Ink to read, so a key typed early is handled.
	process.stdin.setRawMode(true);
	const stateFile = alertStatePath(process.env);
	const saved = loadAlerts(stateFile);
	const runtime = createRuntime(options, saved.alerts);
	const {store, scheduler, postgres} = runtime;
	if (saved.problem) {
		store.dispatch({type: 'notice', notice: {text: saved.problem, level: 'error'}});
	}

	// --record: the same samples into the ring; what happens to the recording is a notice.
	const recording = options.record
		? startRecording(
				store,
				options.record,
				options.refreshMs,
				line => store.dispatch({type: 'notice', notice: {text: `recording: ${line}`, level: /^ring (still )?down|refused|dropped/.test(line) ? 'error' : 'info'}}),
				line => store.dispatch({type: 'notice', notice: {text: `recording stopped: ${line}`, level: 'error'}}),
			)
		: null;
	recording?.started.catch((error: unknown) => store.dispatch({type: 'notice', notice: {text: `recording stopped: ${error instanceof Error ? error.message : String(error)}`, level: 'error'}}));

	// With --bell, an alert becoming critical here (not one merged in from another instance) rings the terminal bell.
	const shared = shareAlerts(store, stateFile, saved.alerts);
	store.subscribe(() => {
		const {alerts} = store.getState().alerts;
		if (alerts === shared.previous) return;
		if (options.hasBell && hasNewCritical(shared.previous, alerts)) process.stdout.write(BELL);
		shared.changed();
	});

	// The first frame is drawn once the process list is in: one frame with it rather than an empty
	// one redrawn (all of it, with everything still cold) a moment later.
	await runScreen({store, scheduler, firstReport: 'processes', postgres, user: options.user ?? os.userInfo().username, hasColor: options.hasColor, version, isIncremental}, async () => {
		shared.stop();
		await scheduler.stop();
		await recording?.recorder.close(LIVE_FLUSH_MS);
	});
}

/** `dbtop --ring <conninfo> ...`: the replay screen, read-only, on the rings openReplay opened; the replay's collectors feed the same panes. */
export async function runReplay(options: Options, start: ReplayStart, version: string): Promise<void> {
	const {rings, replay, moment} = start;
	const initial = initialState(options.refreshMs, options.rules, undefined, 'replay');
	// The node picker comes first where no node is shown.
	const store = createStore({...initial, ui: {...initial.ui, isPickerOpen: replay.cursor === null}, replay});
	if (moment) store.dispatch({type: 'sample', id: 'replay', at: Date.now(), value: moment});
	if (replay.missingColumns.length > 0) {
		store.dispatch({type: 'notice', notice: {text: `table ${replay.table} lacks ${replay.missingColumns.length} of the ring's columns, read as NULL: ${replay.missingColumns.join(', ')}`, level: 'error'}});
	}

	process.stdin.setRawMode(true);
	const scheduler = createScheduler({
		collectors: [replayMoments(rings, store, moment), replayNodes(rings, () => screenOf(store.getState()).modal === 'nodes')],
		dispatch: store.dispatchAll,
		refreshMs: options.refreshMs,
	});
	await runScreen({store, scheduler, firstReport: null, user: '', hasColor: options.hasColor, version, isIncremental: true}, async () => scheduler.stop());
}

/**
 * Puts a text on the clipboard of the terminal dbtop runs in, with OSC 52: it reaches the
 * terminal on the laptop through SSH, and through tmux where tmux has `set-clipboard on`.
 */
function copyToClipboard(text: string): void {
	process.stdout.write(`\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`);
}

/** What the screen runs on: the store and its scheduler, the collector whose first report the first frame waits for, and what commands need. */
type ScreenSetup = {store: Store; scheduler: Scheduler; firstReport: string | null; postgres?: PgConnection; user: string; hasColor: boolean; version: string; isIncremental: boolean};

/** Starts the scheduler, draws the screen on the alternate screen until quit (q, SIGTERM, SIGHUP), then runs `stop` and leaves it. */
async function runScreen(setup: ScreenSetup, stop: () => Promise<void>): Promise<void> {
	const {store, scheduler} = setup;
	installIncrementalFix();
	installOutputFix();
	let instance: ReturnType<typeof render> | undefined;
	let isExiting = false;
	const exit = () => {
		if (!isExiting) {
			isExiting = true;
			instance?.unmount();
		}
	};

	scheduler.start();
	if (setup.firstReport) await reported(store, setup.firstReport, FIRST_FRAME_WAIT_MS);
	process.stdout.write(ENTER_ALTERNATE_SCREEN);
	const restore = () => process.stdout.write(LEAVE_ALTERNATE_SCREEN);
	process.once('exit', restore);
	instance = render(
		<StoreContext.Provider value={store}>
			<CommandContextValue.Provider value={{scheduler, exit, ...(setup.postgres ? {postgres: setup.postgres} : {}), user: setup.user, copy: copyToClipboard}}>
				<App version={setup.version} />
			</CommandContextValue.Provider>
		</StoreContext.Provider>,
		{stdout: setup.hasColor ? process.stdout : colourlessStream(process.stdout), exitOnCtrlC: false, incrementalRendering: setup.isIncremental, patchConsole: true, maxFps: 10},
	);
	// SIGTERM and SIGHUP leave as q does. Listened to after render: Ink's own signal listener
	// (signal-exit's) re-sends the signal when it finds no listener but itself, and ours, a once
	// listener, is gone by the time it looks if it came first: the re-sent signal then killed
	// dbtop before it left the alternate screen. A second signal kills at once.
	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, exit);
	}

	try {
		await instance.waitUntilExit();
	} finally {
		process.stdin.setRawMode(false);
		await stop();
		restore();
		process.off('exit', restore);
	}
}
