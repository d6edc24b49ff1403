import type {Alert, Rule} from '../../source/alerts/engine.js';
import {alertMessage} from '../../source/alerts/message.js';
import {formatAge} from '../format.js';
import type {Column} from './column.js';

/** The alerts list's columns: severity, state, age, source and resource, then the message (with the value now, by the rules in force) and who acknowledged it. */
export function alertColumns(now: number, rules: readonly Rule[]): Column<Alert>[] {
	return [
		{id: 'severity', title: 'SEV', width: 4, value: alert => (alert.severity === 'critical' ? 'CRIT' : 'WARN')},
		{id: 'state', title: 'STATE', width: 12, value: alert => alert.state},
		{id: 'age', title: 'FOR', width: 7, value: alert => formatAge(((alert.resolvedAt ?? now) - alert.firedAt) / 1000)},
		{id: 'resource', title: 'SOURCE:RESOURCE', width: 22, value: alert => `${alert.source}:${alert.resource}`},
		{
			id: 'message',
			title: 'MESSAGE',
			value: alert => `${alertMessage(alert, rules)}${alert.acknowledgedBy ? ` · ack ${alert.acknowledgedBy}${alert.note ? `: ${alert.note}` : ''}` : ''}`,
		},
	];
}
