// The alerts pane's list: open alerts first (critical, then by age), then recently resolved
// ones, filtered by `sev:`, `src:` and `ack:yes|no` terms and any other text in the resource or
// the message.
import {sortAlerts, type Alert, type Rule, type Severity} from './engine.js';
import {alertMessage} from './message.js';
import {metricOf, paneOf} from './metrics.js';
import {memoPerObject} from '../store/memo.js';
import type {PaneId} from '../store/ui.js';
import type {State} from '../store/store.js';

/** Does an alert pass the filter text (its message as the rules in force give it)? */
export function matchesAlert(alert: Alert, filter: string, rules: readonly Rule[]): boolean {
	for (const word of filter.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
		const [term, value = ''] = word.includes(':') ? word.split(':', 2) : ['', word];
		if (term === 'sev' && !alert.severity.startsWith(value)) return false;
		if (term === 'src' && !alert.source.startsWith(value)) return false;
		if (term === 'ack' && (alert.state === 'acknowledged') !== (value === 'yes')) return false;
		if (term === '' && !`${alert.resource} ${alertMessage(alert, rules)}`.toLowerCase().includes(value)) return false;
	}

	return true;
}

const listed = memoPerObject(
	(alerts: readonly Alert[], state: State) => sortAlerts(alerts).filter(alert => matchesAlert(alert, state.ui.alerts.filter, state.rules)),
	(a, b) => a.ui.alerts.filter === b.ui.alerts.filter && a.rules === b.rules,
);

/** The alerts the pane lists; worked out once per evaluation and filter. */
export function visibleAlerts(state: State): Alert[] {
	return listed(state.alerts.alerts, state);
}

/** What unacknowledged alerts point at: panes, and rows by backend pid or container name; the worst severity wins. */
export type AlertMarks = {panes: Partial<Record<PaneId, Severity>>; pids: ReadonlyMap<number, Severity>; containers: ReadonlyMap<string, Severity>};

const marks = memoPerObject((alerts: readonly Alert[], rules: State['rules']): AlertMarks => {
	const panes: Partial<Record<PaneId, Severity>> = {};
	const pids = new Map<number, Severity>();
	const containers = new Map<string, Severity>();
	const worse = (old: Severity | undefined, severity: Severity) => (old === 'critical' ? old : severity);
	for (const alert of alerts) {
		if (alert.state !== 'firing') continue;
		const metric = rules.find(rule => rule.id === alert.rule)?.metric ?? '';
		const {severity, resource} = alert;
		// The Alerts pane lists every alert: its tab is not marked.
		const pane = paneOf(metric, resource);
		if (pane && pane !== 'alerts') panes[pane] = worse(panes[pane], severity);
		const kind = metricOf(metric)?.resource;
		if (kind === 'container') containers.set(resource, worse(containers.get(resource), severity));
		const pid = Number.parseInt(resource, 10);
		if (kind === 'session' && Number.isInteger(pid)) pids.set(pid, worse(pids.get(pid), severity));
	}

	return {panes, pids, containers};
});

/** The marks of the firing alerts (acknowledged ones draw no attention); worked out once per evaluation. */
export function alertMarks(state: State): AlertMarks {
	return marks(state.alerts.alerts, state.rules);
}
