// The alert rule engine: pure functions of (rules, measurements, time). A rule fires when its
// condition has held for `forSec`; its severity rises and falls while it is open; it resolves
// when the condition has been clear for `clearSec`, with hysteresis so a value hovering at the
// threshold does not flap; firing again after that opens a new alert. An open alert keeps the
// value now; its message is worked out from it where it is shown (message.ts).
import {alertSourceOf, type AlertSource, type MetricId} from './metrics.js';

/** How bad an alert is. */
export type Severity = 'warning' | 'critical';

/** A rule over one metric (its source and unit are the metric's, in the registry): thresholds, how long the condition must hold, how it clears. */
export type Rule = {
	id: string;
	title: string;
	metric: MetricId;
	/** `above`/`below` compare with the thresholds; `increases` fires on any rise of a counter. */
	comparison: 'above' | 'below' | 'increases';
	warning: number | null;
	critical: number | null;
	/** Seconds the condition must hold before the alert fires. */
	forSec: number;
	/** Seconds the condition must stay clear before the alert resolves. */
	clearSec: number;
	/** How far back past the threshold a value must go to count as clear (in the metric's unit). */
	hysteresis: number;
	/** Only resources whose name contains this (a mount, a container, a database, a user). */
	scope?: string;
	/** On a metric that counts the sessions a resource holds up: a value past a threshold is critical once it holds up this many. */
	criticalHeldUp?: number;
	isEnabled: boolean;
};

/** One value of a metric for one resource (a mount, a container, a user, ...); a root blocker's also says how many sessions it holds up. */
export type Measurement = {resource: string; value: number; heldUp?: number};

/** One alert: a plain serializable record (the alert state file keeps it across restarts). */
export type Alert = {
	id: string;
	rule: string;
	severity: Severity;
	state: 'firing' | 'acknowledged' | 'resolved';
	/** The source of the rule's metric for this resource (a source that is down: that source). */
	source: AlertSource;
	resource: string;
	title: string;
	/**
	 * The metric's value: now while the alert is open (each evaluation that measures it), the
	 * last one once it has resolved. Null only in a record saved by a version that kept `message`.
	 */
	value: number | null;
	/** The value when it fired (null as `value`). */
	valueAtFiring: number | null;
	/** On a blocker: how many sessions it holds up, as `value`. */
	heldUp?: number;
	/** The text a version before `value` saved in its place: shown until the alert has a value. */
	message?: string;
	firedAt: number;
	lastChangedAt: number;
	acknowledgedBy: string | null;
	acknowledgedAt: number | null;
	note: string | null;
	resolvedAt: number | null;
};

/** Per rule and resource: since when the condition holds or has cleared, and the last value. */
type Tracking = {pendingSince: number | null; clearSince: number | null; last: number | null};

/** Everything the engine remembers between evaluations. */
export type AlertsState = {alerts: Alert[]; tracking: Record<string, Tracking>; sequence: number};

/** How many resolved alerts are kept for the list. */
export const RESOLVED_KEPT = 50;

/** An empty engine state. */
export function initialAlerts(): AlertsState {
	return {alerts: [], tracking: {}, sequence: 0};
}

const isOpen = (alert: Alert) => alert.state !== 'resolved';

/**
 * The severity a value reaches against a rule's thresholds (hysteresis widens them while an alert
 * is open); past one, a resource that holds up `criticalHeldUp` sessions or more is critical.
 */
export function levelOf(rule: Rule, value: number, previous: number | null, open: Severity | null, heldUp?: number): Severity | null {
	if (rule.comparison === 'increases') {
		return previous !== null && value > previous ? (rule.critical !== null ? 'critical' : 'warning') : null;
	}

	const crossed = (threshold: number | null, severity: Severity) => {
		if (threshold === null) return false;
		// An open alert of this severity or worse stays until the value is back past the threshold by the hysteresis.
		const margin = open && (open === severity || open === 'critical') ? rule.hysteresis : 0;
		return rule.comparison === 'above' ? value > threshold - margin : value < threshold + margin;
	};

	if (crossed(rule.critical, 'critical')) return 'critical';
	if (!crossed(rule.warning, 'warning')) return null;
	return rule.criticalHeldUp !== undefined && heldUp !== undefined && heldUp >= rule.criticalHeldUp ? 'critical' : 'warning';
}

/** Does a rule apply to a resource (it has no scope, or the resource's name contains it)? */
export function isInScope(rule: Rule, resource: string): boolean {
	return rule.scope === undefined || resource.includes(rule.scope);
}

// What an alert keeps of a measurement: its value, and how many a blocker holds up.
const readingOf = (measured: Measurement): Pick<Alert, 'value' | 'heldUp'> => (measured.heldUp === undefined ? {value: measured.value} : {value: measured.value, heldUp: measured.heldUp});

/**
 * Evaluates every enabled rule against the measurements at `now` (epoch ms); returns the next state.
 * A metric with an empty list was measured and has no resources (they count as clear); a metric
 * missing from the record was not measured, and its rules' alerts are left alone.
 */
export function evaluate(rules: readonly Rule[], measurements: Readonly<Record<string, readonly Measurement[]>>, state: AlertsState, now: number): AlertsState {
	const alerts = [...state.alerts];
	const tracking: Record<string, Tracking> = {};
	let {sequence} = state;
	// Where each open alert is, by rule and resource, and the resources with one, by rule.
	const openAt = new Map<string, number>();
	const openResources = new Map<string, string[]>();
	for (const [index, alert] of alerts.entries()) {
		if (!isOpen(alert)) continue;
		openAt.set(`${alert.rule}\u0000${alert.resource}`, index);
		const list = openResources.get(alert.rule);
		if (list) list.push(alert.resource);
		else openResources.set(alert.rule, [alert.resource]);
	}

	// The timers of each rule, grouped once, for the rules whose source has not reported.
	let trackedByRule: Map<string, Array<[string, Tracking]>> | undefined;
	const trackedOf = (ruleId: string) => {
		if (!trackedByRule) {
			trackedByRule = new Map();
			for (const entry of Object.entries(state.tracking)) {
				const id = entry[0].slice(0, entry[0].indexOf('\u0000'));
				const list = trackedByRule.get(id);
				if (list) list.push(entry);
				else trackedByRule.set(id, [entry]);
			}
		}

		return trackedByRule.get(ruleId) ?? [];
	};

	for (const rule of rules.filter(candidate => candidate.isEnabled)) {
		const measured = measurements[rule.metric];
		if (measured === undefined) {
			// Not measured at all (its source has not reported yet): its alerts and timers stay as they are.
			for (const [key, value] of trackedOf(rule.id)) tracking[key] = value;
			continue;
		}

		const values = new Map<string, Measurement>();
		for (const measurement of measured) if (isInScope(rule, measurement.resource)) values.set(measurement.resource, measurement);
		const resources = new Set([...values.keys(), ...(openResources.get(rule.id) ?? [])]);
		for (const resource of resources) {
			const key = `${rule.id}\u0000${resource}`;
			const old = state.tracking[key] ?? {pendingSince: null, clearSince: null, last: null};
			const index = openAt.get(key) ?? -1;
			const measurement = values.get(resource);
			let open = index >= 0 ? alerts[index]! : null;
			// An open alert reads the value now (a resource that is gone keeps its last): only one whose value moved is a new object.
			if (open && measurement && (open.value !== measurement.value || open.heldUp !== measurement.heldUp)) {
				open = {...open, ...readingOf(measurement)};
				alerts[index] = open;
			}

			// A resource that is gone (a removed container, an ended session) counts as clear.
			const level = measurement === undefined ? null : levelOf(rule, measurement.value, old.last, open?.severity ?? null, measurement.heldUp);
			const next: Tracking = {pendingSince: old.pendingSince, clearSince: old.clearSince, last: measurement?.value ?? null};
			if (level) {
				next.pendingSince ??= now;
				next.clearSince = null;
				if (open) {
					if (open.severity !== level) {
						const rises = level === 'critical';
						alerts[index] = {
							...open,
							severity: level,
							lastChangedAt: now,
							// A rising severity draws attention again, even when acknowledged.
							state: rises ? 'firing' : open.state,
						};
					}
				} else if (now - next.pendingSince >= rule.forSec * 1000) {
					sequence++;
					alerts.push({
						// Unique across instances sharing a state file: the firing's time, rule and resource.
						id: `${now.toString(36)}-${sequence}-${rule.id}-${resource}`,
						rule: rule.id,
						severity: level,
						state: 'firing',
						source: alertSourceOf(rule.metric, resource),
						resource,
						title: rule.title,
						...readingOf(measurement!),
						valueAtFiring: measurement!.value,
						firedAt: now,
						lastChangedAt: now,
						acknowledgedBy: null,
						acknowledgedAt: null,
						note: null,
						resolvedAt: null,
					});
				}
			} else {
				next.pendingSince = null;
				if (open) {
					next.clearSince ??= now;
					if (now - next.clearSince >= rule.clearSec * 1000) {
						alerts[index] = {...open, state: 'resolved', resolvedAt: now, lastChangedAt: now};
						next.clearSince = null;
					}
				}
			}

			if (next.pendingSince !== null || next.clearSince !== null || next.last !== null) tracking[key] = next;
		}
	}

	const resolved = alerts.filter(alert => !isOpen(alert)).sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
	const kept = new Set(resolved.slice(0, RESOLVED_KEPT));
	const next = alerts.filter(alert => isOpen(alert) || kept.has(alert));
	// Unchanged alerts keep their array, so what depends on them (the list, the state file) can tell.
	const isSame = next.length === state.alerts.length && next.every((alert, index) => alert === state.alerts[index]);
	return {alerts: isSame ? state.alerts : next, tracking, sequence};
}

/** Acknowledges open alerts, one or several at once: who, when, and an optional note. */
export function acknowledge(state: AlertsState, ids: readonly string[], by: string, note: string | null, now: number): AlertsState {
	return {
		...state,
		alerts: state.alerts.map(alert => (ids.includes(alert.id) && alert.state === 'firing' ? {...alert, state: 'acknowledged', acknowledgedBy: by, acknowledgedAt: now, note, lastChangedAt: now} : alert)),
	};
}

/** Unacknowledged open alerts by severity, for the header. */
export function unacknowledgedCounts(alerts: readonly Alert[]): {critical: number; warning: number} {
	const firing = alerts.filter(alert => alert.state === 'firing');
	return {critical: firing.filter(alert => alert.severity === 'critical').length, warning: firing.filter(alert => alert.severity === 'warning').length};
}

/** Open alerts first (critical before warning, oldest first), then resolved ones, newest first. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
	const rank = (alert: Alert) => (alert.state === 'resolved' ? 2 : alert.severity === 'critical' ? 0 : 1);
	return [...alerts].sort((a, b) => rank(a) - rank(b) || (a.state === 'resolved' ? (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0) : a.firedAt - b.firedAt));
}

/** Did an alert become critical and unacknowledged (a new one, or one whose severity rose)? For the bell. */
export function hasNewCritical(previous: readonly Alert[], next: readonly Alert[]): boolean {
	const isLoud = (alert: Alert) => alert.state === 'firing' && alert.severity === 'critical';
	const before = new Set(previous.filter(isLoud).map(alert => alert.id));
	return next.some(alert => isLoud(alert) && !before.has(alert.id));
}
