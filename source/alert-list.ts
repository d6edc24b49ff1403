// The alerts pane's list: open alerts first (critical, then by age), then recently resolved
// ones, filtered by `sev:`, `src:` and `ack:yes|no` terms and any other text in the title.
import {sortAlerts, type Alert} from './alert-engine.js';
import type {State} from './store.js';

/** Does an alert pass the filter text? */
export function matchesAlert(alert: Alert, filter: string): boolean {
	for (const word of filter.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
		const [term, value = ''] = word.includes(':') ? word.split(':', 2) : ['', word];
		if (term === 'sev' && !alert.severity.startsWith(value)) return false;
		if (term === 'src' && !alert.source.startsWith(value)) return false;
		if (term === 'ack' && (alert.state === 'acknowledged') !== (value === 'yes')) return false;
		if (term === '' && !`${alert.title} ${alert.resource} ${alert.message}`.toLowerCase().includes(value)) return false;
	}

	return true;
}

const cache = new WeakMap<readonly Alert[], {filter: string; value: Alert[]}>();

/** The alerts the pane lists; memoized per evaluation and filter. */
export function visibleAlerts(state: State): Alert[] {
	const {alerts} = state.alerts;
	const {filter} = state.ui.alerts;
	const cached = cache.get(alerts);
	if (cached?.filter === filter) return cached.value;
	const value = sortAlerts(alerts).filter(alert => matchesAlert(alert, filter));
	cache.set(alerts, {filter, value});
	return value;
}
