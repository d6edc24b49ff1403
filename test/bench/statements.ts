// pg_stat_statements holding 5,000 entries: what one statements tick costs the server (the
// collector's own queries, as pg_stat_statements times them) and dbtop (its CPU and the time the
// tick takes), the first tick (every entry's text read) apart from the ticks after it (what moved,
// every 30th tick every entry), while a client keeps a few hundred of the statements busy; and, for
// scale, what counting the view's entries costs the same server at the same time.
import {NO_HOME} from '../helpers/dbtop.js';
import os from 'node:os';
import {pathToFileURL} from 'node:url';
import {createPgConnection} from '../../collectors/postgres-connection.js';
import {postgresStatements, WHOLE_READ_TICKS} from '../../collectors/postgres-statements.js';
import {resolvePgTarget} from '../../source/postgres/settings.js';
import type {PgStatementsSample} from '../../source/types.js';
import {startPostgres} from '../helpers/postgres.js';
import {verdict} from './budget.js';
import {median} from './median.js';

const STATEMENTS = 5000;
/** One whole read among them, as in every such run of ticks. */
const TICKS = WHOLE_READ_TICKS;
/** Statements run again between two ticks, so that each tick has counters that moved. */
const BUSY = 300;
const BUDGET_MS = 30;

/** The text of the i-th distinct statement: a CTE's name is part of what pg_stat_statements tells statements apart by. */
const statement = (index: number) => `WITH bench_${index} AS (SELECT ${index} AS n) SELECT n FROM bench_${index}`;

// The collector's queries as pg_stat_statements has normalised them, by what each alone contains.
const OWN = {
	entries: `query LIKE '%AS wal_bytes%pg_stat_statements(%'`,
	info: `query LIKE '%FROM %pg_stat_statements_info i'`,
	texts: `query LIKE '%queryid = ANY(%'`,
	count: `query LIKE 'SELECT count(*) FROM pg_stat_statements(%)'`,
};

type Timing = Record<keyof typeof OWN, {calls: number; ms: number}>;

/** Runs the load and returns the lines for BENCHMARKS.md. */
export async function benchStatements(): Promise<string[]> {
	const server = await startPostgres(18, {shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': String(STATEMENTS + 500)});
	const client = await server.connect({application: 'statements-bench'});
	const connection = createPgConnection(resolvePgTarget(server.url(), {env: {}, osUser: 'root', home: NO_HOME}));
	try {
		await client.query('CREATE EXTENSION pg_stat_statements');
		// Several statements to a query string: pg_stat_statements keeps each apart.
		for (let from = 0; from < STATEMENTS; from += 500) {
			await client.query(Array.from({length: 500}, (_, index) => statement(from + index)).join(';\n'));
		}

		const busy = Array.from({length: BUSY}, (_, index) => statement(index * 13)).join(';\n');
		const timing = async (): Promise<Timing> => {
			const read = async (where: string) => {
				const {rows} = await client.query(`SELECT coalesce(sum(calls), 0)::float8 AS calls, coalesce(sum(total_exec_time), 0)::float8 AS ms FROM pg_stat_statements WHERE ${where}`);
				return {calls: Number(rows[0].calls), ms: Number(rows[0].ms)};
			};

			return {entries: await read(OWN.entries), info: await read(OWN.info), texts: await read(OWN.texts), count: await read(OWN.count)};
		};

		const collector = postgresStatements(connection);
		const signal = new AbortController().signal;
		const tick = async () => {
			const cpu = process.cpuUsage();
			const start = performance.now();
			const sample = (await collector.collect(signal)) as PgStatementsSample;
			const used = process.cpuUsage(cpu);
			return {sample, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000};
		};

		const first = await tick();
		const afterFirst = await timing();
		const wall: number[] = [];
		const cpu: number[] = [];
		let entries = first.sample.statements.length;
		for (let i = 0; i < TICKS; i++) {
			await client.query(busy);
			await client.query('SELECT count(*) FROM pg_stat_statements(false)');
			const next = await tick();
			wall.push(next.wallMs);
			cpu.push(next.cpuMs);
			entries = next.sample.statements.length;
		}

		const steady = await timing();
		const perTick = (part: keyof typeof OWN) => (steady[part].ms - afterFirst[part].ms) / TICKS;
		const serverMs = perTick('entries') + perTick('info') + perTick('texts');
		const firstServerMs = afterFirst.entries.ms + afterFirst.info.ms + afterFirst.texts.ms;
		const countMs = (steady.count.ms - afterFirst.count.ms) / (steady.count.calls - afterFirst.count.calls);
		return [
			`load: PostgreSQL 18, pg_stat_statements.max ${STATEMENTS + 500}, the view holding ${entries} entries (${STATEMENTS} distinct statements and dbtop's own), ${BUSY} of them run again between two ticks`,
			`first tick (every entry's text read): ${firstServerMs.toFixed(1)} ms on the server, ${first.wallMs.toFixed(1)} ms in all, ${first.cpuMs.toFixed(1)} ms of dbtop's CPU`,
			`ticks after it (the entries that moved, every entry on the ${TICKS}th, and the texts of new entries), ${TICKS} of them: on the server ${serverMs.toFixed(1)} ms per tick (the counters ${perTick('entries').toFixed(1)} ms, the clock and the reset ${perTick('info').toFixed(2)} ms, texts ${perTick('texts').toFixed(2)} ms) · budget ≤ ${BUDGET_MS} ms: ${verdict(serverMs <= BUDGET_MS)}`,
			`  for scale, on the same server in the same ticks: SELECT count(*) FROM pg_stat_statements(false), what any reader of the view pays, took ${countMs.toFixed(1)} ms`,
			`  dbtop: median ${median(wall).toFixed(1)} ms per tick in all, ${median(cpu).toFixed(1)} ms of its CPU (at the default 2 s interval: ${((median(cpu) / 2000) * 100).toFixed(2)}% of a core)`,
			`method: the collector run in-process over ${TICKS} ticks after the first; the server's time is the execution time pg_stat_statements itself counts for the collector's queries (the counters, pg_stat_statements_info, the texts), per tick, and likewise for the count; dbtop's CPU from process.cpuUsage() around each tick; the machine's load average at the start ${os.loadavg()[0]!.toFixed(1)}`,
		];
	} finally {
		await connection.close();
		await client.end().catch(() => {});
		await server.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	for (const line of await benchStatements()) console.log(line);
}
