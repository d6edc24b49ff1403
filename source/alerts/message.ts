// An alert's message, worked out from its value where it is shown (the Alerts pane, its detail,
// `dbtop check`, the JSON snapshot), so it gives the value now rather than the one it fired with.
import {levelOf, type Alert, type Rule} from './engine.js';
import {unitOf} from './metrics.js';
import {formatMetric} from '../../views/format.js';

/**
 * What an alert says: its title, its value in the metric's unit (and how many sessions a blocker
 * holds up), and the threshold of its severity by the rule in force.
 */
export function alertMessage(alert: Alert, rules: readonly Rule[]): string {
	if (alert.value === null) return alert.message ?? alert.title;
	const rule = rules.find(candidate => candidate.id === alert.rule);
	const unit = unitOf(rule?.metric ?? '');
	const heldUp = alert.heldUp === undefined ? '' : `, holding up ${alert.heldUp} ${alert.heldUp === 1 ? 'session' : 'sessions'}`;
	const text = `${alert.title}: ${rule?.comparison === 'increases' ? 'now ' : ''}${formatMetric(alert.value, unit)}${heldUp}`;
	if (!rule || rule.comparison === 'increases') return text;
	// Critical for how many it holds up, its value short of the critical threshold.
	if (alert.severity === 'critical' && rule.criticalHeldUp !== undefined && (alert.heldUp ?? 0) >= rule.criticalHeldUp && levelOf(rule, alert.value, null, null) !== 'critical') {
		return `${text} (critical holding up ${rule.criticalHeldUp} or more)`;
	}

	const threshold = alert.severity === 'critical' ? rule.critical : rule.warning;
	return threshold === null ? text : `${text} (${alert.severity} ${rule.comparison} ${formatMetric(threshold, unit)})`;
}

/** An alert with its message, as `dbtop check --json` and the JSON snapshot give it. */
export function withMessage(alert: Alert, rules: readonly Rule[]): Alert & {message: string} {
	return {...alert, message: alertMessage(alert, rules)};
}
