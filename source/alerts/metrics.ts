// The metrics the alert rules can name, each said once: the collector whose samples it is
// measured from, its unit, the pane it belongs to and the kind of resource it is measured per.
// Alert sources, series, alert marks, colour levels, the config and `dbtop check` read them here.
import type {PaneId} from '../store/ui.js';
import type {CollectorId, PgSession, PgStandby} from '../types.js';

/** What an alert is about: the source its metric comes from, as the Alerts pane shows it and `src:` filters it. */
export type AlertSource = 'host' | 'process' | 'postgres' | 'container' | 'check';

/** How a metric's values read: each in base units. */
export type Unit = 'percent' | 'bytes' | 'seconds' | 'count' | 'number';

/** What a metric can be measured per, each with how it is named as a resource. */
const RESOURCES = {
	host: 'the host, by its hostname',
	mount: 'a filesystem, by its mount point',
	session: 'a session, as `<pid> <user>@<database>`',
	target: 'the server, as `user@host:port/db`',
	user: 'a database user',
	standby: 'a standby, by its application name, else its address',
	slot: 'a replication slot, by its name',
	container: 'a container, by its name',
	check: 'what the check watches: a process name, `:port`, a log file',
	source: 'the source that is down, by its collector id',
} as const;

/** What a metric is measured per (its resources are named as RESOURCES says). */
export type ResourceKind = keyof typeof RESOURCES;

/** The collectors with an id of their own (the service checks are `check:<name>`). */
// A replay's collectors feed no rule: a replay shows the alerts that were recorded.
type NamedCollector = Exclude<CollectorId, `check:${string}` | 'replay' | 'replay-nodes'>;

/** A metric as the registry holds it. */
export type Metric = {
	/**
	 * The collector whose samples it is measured from: `check:<name>` for the service check
	 * `check.<name>` names, `<resource>` for the collector its resource names.
	 */
	collector: NamedCollector | 'check:<name>' | '<resource>';
	unit: Unit;
	/** The pane it belongs to; where not given, the pane of its collector. */
	pane?: PaneId;
	resource: ResourceKind;
	/** What it measures, in a few words. */
	about: string;
	/** Its measurements also count the sessions the resource holds up (what a rule's `criticalHeldUp` judges). */
	hasHeldUp?: boolean;
};

/** Every metric a rule can name; `check.<name>` stands for each service check's. */
export const METRICS = {
	'host.cpuPct': {collector: 'host', unit: 'percent', pane: 'host', resource: 'host', about: 'CPU busy, all cores'},
	'host.memAvailablePct': {collector: 'host', unit: 'percent', pane: 'host', resource: 'host', about: 'memory available'},
	'host.fsFreePct': {collector: 'host', unit: 'percent', pane: 'host', resource: 'mount', about: 'free space of a filesystem'},
	'host.swapUsedBytes': {collector: 'host', unit: 'bytes', pane: 'host', resource: 'host', about: 'swap in use (measured only while some is)'},
	'host.loadPerCore': {collector: 'host', unit: 'number', pane: 'host', resource: 'host', about: 'the 1-minute load average per core'},
	'pg.connectionsPct': {collector: 'postgres-sessions', unit: 'percent', pane: 'sessions', resource: 'target', about: 'connections, of `max_connections`'},
	'pg.deadlocks': {collector: 'postgres-sessions', unit: 'count', pane: 'sessions', resource: 'target', about: 'deadlocks since the statistics were reset'},
	'pg.userSessions': {collector: 'postgres-sessions', unit: 'count', pane: 'sessions', resource: 'user', about: 'client sessions of one user'},
	'pg.lockWaitSec': {collector: 'postgres-sessions', unit: 'seconds', pane: 'locks', resource: 'session', about: 'how long a session has waited on a lock'},
	'pg.blockingSec': {
		collector: 'postgres-locks',
		unit: 'seconds',
		pane: 'locks',
		resource: 'session',
		about: 'how long a root blocker (holding others up, waiting on none) has held them up: the longest wait among those it holds up, directly or not; also how many it holds up',
		hasHeldUp: true,
	},
	'pg.activeQuerySec': {collector: 'postgres-sessions', unit: 'seconds', pane: 'sessions', resource: 'session', about: 'how long an active query has run'},
	'pg.idleInTransactionSec': {collector: 'postgres-sessions', unit: 'seconds', pane: 'sessions', resource: 'session', about: 'how long a session has been idle in a transaction'},
	'pg.xminHeldSec': {collector: 'postgres-sessions', unit: 'seconds', pane: 'sessions', resource: 'session', about: 'how long a session has held back vacuum (its snapshot)'},
	'pg.replicationLagBytes': {collector: 'postgres-sessions', unit: 'bytes', pane: 'sessions', resource: 'standby', about: 'WAL a standby has yet to replay'},
	'pg.slotInactiveSec': {
		collector: 'postgres-sessions',
		unit: 'seconds',
		pane: 'sessions',
		resource: 'slot',
		about: 'how long a replication slot that retains WAL has been inactive (since the server says, on 17+; before, since dbtop first saw it inactive)',
	},
	'pg.slotRetainedBytes': {collector: 'postgres-sessions', unit: 'bytes', pane: 'sessions', resource: 'slot', about: 'WAL a replication slot keeps from removal (behind the current WAL position)'},
	'container.unhealthy': {collector: 'containers', unit: 'number', pane: 'containers', resource: 'container', about: '1 while a container is unhealthy, else 0'},
	'container.restarts': {collector: 'containers', unit: 'count', pane: 'containers', resource: 'container', about: 'how often a container has restarted'},
	'container.exitCode': {collector: 'containers', unit: 'number', pane: 'containers', resource: 'container', about: "a stopped container's exit code (0 while running)"},
	'check.<name>': {collector: 'check:<name>', unit: 'count', pane: 'alerts', resource: 'check', about: "a service check's reading: processes running, 1 or 0 for a listening port, matching log lines"},
	'source.downSec': {collector: '<resource>', unit: 'seconds', resource: 'source', about: 'how long a source (Postgres, the container engine, a service check) has failed'},
} as const satisfies Readonly<Record<string, Metric>>;

/** The id of a metric a rule can name. */
export type MetricId = Exclude<keyof typeof METRICS, 'check.<name>'> | `check.${string}`;

/** A collector as the alerts see it: the source its alerts count as, the pane it feeds, and whether its failing is measured (as `source.downSec`). */
type Collector = {source: AlertSource; pane: PaneId; isDownMeasured: boolean};

// Postgres, the container engine and the service checks are sources an operator watches for
// being down; the host, the process list and the extra queries fail with them or not at all.
const COLLECTORS: Readonly<Record<NamedCollector, Collector>> = {
	host: {source: 'host', pane: 'host', isDownMeasured: false},
	processes: {source: 'process', pane: 'processes', isDownMeasured: false},
	'postgres-sessions': {source: 'postgres', pane: 'sessions', isDownMeasured: true},
	'postgres-locks': {source: 'postgres', pane: 'locks', isDownMeasured: false},
	'postgres-statements': {source: 'postgres', pane: 'statements', isDownMeasured: false},
	containers: {source: 'container', pane: 'containers', isDownMeasured: true},
	'container-detail': {source: 'container', pane: 'containers', isDownMeasured: false},
};
const CHECK: Collector = {source: 'check', pane: 'alerts', isDownMeasured: true};

function collectorInfo(id: string): Collector | undefined {
	return id.startsWith('check:') ? CHECK : Object.hasOwn(COLLECTORS, id) ? COLLECTORS[id as NamedCollector] : undefined;
}

/** The registry's entry for a metric id; undefined for an id it does not know. */
export function metricOf(id: string): Metric | undefined {
	if (id.startsWith('check.')) return id.length > 'check.'.length ? METRICS['check.<name>'] : undefined;
	return Object.hasOwn(METRICS, id) ? METRICS[id as keyof typeof METRICS] : undefined;
}

/** Is this a metric a rule can name, given the service checks configured? */
export function isMetricId(id: string, checkNames: ReadonlySet<string>): id is MetricId {
	return id.startsWith('check.') ? checkNames.has(id.slice('check.'.length)) : metricOf(id) !== undefined;
}

/** The collector a metric's value for a resource is measured from (undefined for an unknown metric). */
export function collectorOf(metric: string, resource: string): string | undefined {
	const collector = metricOf(metric)?.collector;
	if (collector === '<resource>') return resource;
	if (collector === 'check:<name>') return `check:${metric.slice('check.'.length)}`;
	return collector;
}

/** The pane a metric's value for a resource belongs to. */
export function paneOf(metric: string, resource: string): PaneId | undefined {
	return metricOf(metric)?.pane ?? collectorInfo(collectorOf(metric, resource) ?? '')?.pane;
}

/** The source an alert on a metric's value for a resource counts as: its collector's. */
export function alertSourceOf(metric: MetricId, resource: string): AlertSource {
	// Every collector whose downtime is measured is known, so only an id no collector has falls back.
	return collectorInfo(collectorOf(metric, resource) ?? '')?.source ?? 'check';
}

/** A metric's unit (a plain number for an unknown metric). */
export function unitOf(metric: string): Unit {
	return metricOf(metric)?.unit ?? 'number';
}

const BY_COLLECTOR = new Map<string, MetricId[]>();
for (const [id, metric] of Object.entries(METRICS) as Array<[MetricId, Metric]>) BY_COLLECTOR.set(metric.collector, [...(BY_COLLECTOR.get(metric.collector) ?? []), id]);

/** The metrics with ids of their own that a collector's samples give (not `check.<name>` nor `source.downSec`). */
export function metricsOf(collector: string): readonly MetricId[] {
	return BY_COLLECTOR.get(collector) ?? [];
}

/** Does some metric come from this collector? A source no rule can read cannot leave a check unknown. */
export function isMeasured(collector: string): boolean {
	return collector.startsWith('check:') || metricsOf(collector).length > 0;
}

/** Is a collector's failing measured, as `source.downSec` with its id as the resource? */
export function isDownMeasured(collector: string): boolean {
	return collectorInfo(collector)?.isDownMeasured ?? false;
}

/** How a session is named as a resource: `<pid> <user>@<database>` (a background worker by its type). */
export function sessionResource(session: PgSession): string {
	return `${session.pid} ${session.user ?? session.backendType}@${session.database ?? ''}`;
}

/** How a standby is named as a resource: its application name, else its address. */
export function standbyResource(standby: PgStandby): string {
	return standby.application || standby.client || '?';
}

/** The metrics as a Markdown table, for the README. */
export function metricsMarkdown(): string {
	const down = [...new Set([...Object.values(COLLECTORS), CHECK].filter(collector => collector.isDownMeasured).map(collector => collector.source))];
	const downSources = `${down.slice(0, -1).join(', ')} or ${down.at(-1)!}`;
	const rows = Object.entries(METRICS).map(([id, metric]: [string, Metric]) => {
		const source = metric.collector === '<resource>' ? downSources : collectorInfo(metric.collector === 'check:<name>' ? 'check:' : metric.collector)!.source;
		return `| \`${id}\` | ${metric.about} | ${metric.unit} | ${RESOURCES[metric.resource]} | ${source} |`;
	});
	return ['| metric | what it measures | unit | per | source |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
