// The checks slice: the service checks' latest readings, and their statuses as the Alerts pane
// lists them.
import type {CheckValue} from '../types.js';
import {memoPerObject} from './memo.js';
import type {SampleOf, State} from './store.js';

export type ChecksSlice = {
	/** The service checks' latest readings, by check name. */
	checks: Readonly<Record<string, CheckValue>>;
};

export const initialChecks = (): ChecksSlice => ({checks: {}});

/** The checks slice's reducer: a `check:<name>` sample is that check's reading. */
export function reduceChecks(state: State, action: SampleOf<`check:${string}`>): State {
	return {...state, checks: {...state.checks, [action.id.slice('check:'.length)]: action.value}};
}

/** One service check as the Alerts pane shows it: its name and latest reading, or why it cannot be read. */
export type CheckStatus = {name: string; text: string; isBad: boolean};

type Inputs = Pick<State, 'rules' | 'status' | 'alerts'>;

const statuses = memoPerObject(
	(checks: State['checks'], {rules, status, alerts}: Inputs): CheckStatus[] =>
		rules
			.filter(rule => rule.isEnabled && rule.metric === `check.${rule.id}`)
			.map(rule => {
				const error = status[`check:${rule.id}`]?.error;
				const reading = checks[rule.id];
				const isAlerting = alerts.alerts.some(alert => alert.rule === rule.id && alert.state !== 'resolved');
				return {name: rule.id, text: error ? `${rule.id}: ${error}` : `${rule.id} ${reading?.detail ?? '…'}`, isBad: Boolean(error) || isAlerting};
			}),
	(a, b) => a.rules === b.rules && a.status === b.status && a.alerts === b.alerts,
);

/** The configured service checks with their readings; worked out again only when a reading, a source's health or the alerts change. */
export function checkStatuses(state: State): CheckStatus[] {
	return statuses(state.checks, state);
}
