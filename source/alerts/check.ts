// `dbtop check`: the rules evaluated once, for cron and monitoring agents, with the exit codes
// Nagios-style checkers use: 0 OK, 1 warning, 2 critical, 3 a source could not be read.
import {evaluate, initialAlerts, sortAlerts, type Alert, type Rule} from './engine.js';
import {measure} from './measure.js';
import {withMessage} from './message.js';
import {isMeasured} from './metrics.js';
import type {State} from '../store/store.js';

/** The result of a check: its exit code, a line per firing alert and a summary line. */
export type CheckResult = {exitCode: 0 | 1 | 2 | 3; status: 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN'; alerts: Array<Alert & {message: string}>; unreadable: Record<string, string>; lines: string[]};

/**
 * Evaluates the rules on a state, at once: a one-shot check cannot wait for `for`. Of the sources
 * started, those no metric comes from (the process list) cannot leave the check unknown.
 */
export function check(state: State, rules: readonly Rule[], sources: readonly string[]): CheckResult {
	const now = state.now;
	const immediate = rules.map(rule => ({...rule, forSec: 0}));
	const alerts = sortAlerts(evaluate(immediate, measure(state), initialAlerts(), now).alerts).map(alert => withMessage(alert, rules));
	const unreadable: Record<string, string> = {};
	for (const id of sources.filter(isMeasured)) {
		const status = state.status[id];
		if (!status || status.error) unreadable[id] = status?.error ?? 'no sample';
	}

	const critical = alerts.filter(alert => alert.severity === 'critical').length;
	const warning = alerts.length - critical;
	const [exitCode, status] =
		Object.keys(unreadable).length > 0 ? ([3, 'UNKNOWN'] as const) : critical > 0 ? ([2, 'CRITICAL'] as const) : warning > 0 ? ([1, 'WARNING'] as const) : ([0, 'OK'] as const);
	const lines = [
		...alerts.map(alert => `${alert.severity.toUpperCase()} ${alert.rule} ${alert.resource}: ${alert.message}`),
		...Object.entries(unreadable).map(([id, reason]) => `UNKNOWN ${id}: ${reason}`),
		`dbtop check: ${status}: ${critical} critical, ${warning} warning${Object.keys(unreadable).length > 0 ? `, ${Object.keys(unreadable).length} unreadable` : ''}`,
	];
	return {exitCode, status, alerts, unreadable, lines};
}
