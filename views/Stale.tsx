import {Text} from 'ink';
import {sanitizeLine} from '../source/sanitize.js';
import type {CollectorStatus} from '../source/store/store.js';
import {formatAge} from './format.js';
import {useStore} from './use-store.js';

/** Why a collector's data is stale and how old its last good sample is; null while healthy. */
export function staleText(status: CollectorStatus | undefined, now: number): string | null {
	if (!status?.error) {
		return null;
	}

	const age = status.lastOkAt === null ? 'no good sample yet' : `last good ${formatAge((now - status.lastOkAt) / 1000)} ago`;
	return `stale: ${sanitizeLine(status.error)} (${age})`;
}

type Props = {collectorId: string};

/** The stale marker of one collector, shown in the pane that collector feeds. */
export function Stale({collectorId}: Props) {
	const text = useStore(state => staleText(state.status[collectorId], state.now));
	return text ? <Text color="yellow" wrap="truncate-end">{text}</Text> : null;
}
