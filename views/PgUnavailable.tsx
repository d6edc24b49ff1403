import {Text} from 'ink';
import {notRecorded} from '../source/store/replay.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {CollectorStatus} from '../source/store/store.js';
import {formatAge, formatTimestamp} from './format.js';
import {staleText} from './Stale.js';
import {useStore} from './use-store.js';

/** What the database panes say before any sample: connecting, or what went wrong and since when. */
export function pgUnavailableLines(status: CollectorStatus | undefined, now: number): string[] {
	const stale = staleText(status, now);
	if (!stale || !status) return ['connecting…'];
	const since = status.downSince ?? status.errorAt ?? now;
	return [stale, `down since ${formatTimestamp(since)} (${formatAge((now - since) / 1000)}), reconnecting with back-off; the rest of dbtop carries on`];
}

/** The body of a database pane with no sample to show (in a replay, why the moment has none). */
export function PgUnavailable() {
	const status = useStore(state => state.status['postgres-sessions']);
	const now = useStore(state => state.now);
	const gap = useStore(state => notRecorded(state, 'postgres'));
	if (gap) {
		return (
			<Text dimColor wrap="truncate-end">
				{sanitizeLine(gap)}
			</Text>
		);
	}

	const [first, ...rest] = pgUnavailableLines(status, now);
	const isDown = rest.length > 0;
	return (
		<>
			<Text color={isDown ? 'yellow' : undefined} dimColor={!isDown} wrap="wrap">
				{first}
			</Text>
			{rest.map(line => (
				<Text key={line} dimColor wrap="wrap">
					{line}
				</Text>
			))}
		</>
	);
}
