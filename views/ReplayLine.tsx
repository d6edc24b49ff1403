import {Text} from 'ink';
import {localTimeText, utcClockText} from '../source/ring/replay-at.js';
import {sanitizeLine} from '../source/sanitize.js';
import type {ReplayMoment} from '../source/store/replay.js';
import {formatAge} from './format.js';
import {textWidth} from './text-width.js';
import {useStore} from './use-store.js';

/** A part of the replay line: its text, its colour, and how soon it gives way on a narrow terminal (the highest first). */
type Part = {text: string; color?: string; givesWay: number};

const SEPARATOR = ' · ';

/** What the replay line is made from: the rings, what the table lacks, the moment shown, the node asked for before one is shown, why the ring cannot be read. */
export type ReplayLineInput = {rings: readonly string[]; missingColumns: readonly string[]; moment: ReplayMoment | null; asked: string | null; error: string | null};

/**
 * What the replay line says: the node and its master flag, the sample's time (local, and UTC on
 * wide terminals), how far behind the node's newest sample it is (or that it follows it), the
 * ring (never a password), a ring that cannot be read, and how many columns its table lacks.
 * It says what is shown: a key that moves the cursor changes it once the moment is read.
 */
export function replayParts({rings, missingColumns, moment, asked, error}: ReplayLineInput): Part[] {
	const ring = rings[moment?.cursor.ring ?? 0] ?? '';
	const down = error === null ? [] : [{text: `ring unreadable: ${sanitizeLine(error)}; reading again`, color: 'yellow', givesWay: 1}];
	const ringPart = {text: `ring ${sanitizeLine(ring)}${rings.length > 1 ? ` (+${rings.length - 1})` : ''}`, givesWay: 4};
	// Which columns, the notice at start says: here, how many.
	const missing = missingColumns.length;
	const lacks = missing > 0 ? [{text: `table lacks ${missing} column${missing === 1 ? '' : 's'}`, color: 'yellow', givesWay: 3}] : [];
	if (!moment) {
		return [{text: asked === null ? 'no node picked' : `node ${sanitizeLine(asked)}: reading…`, givesWay: 0}, ...down, ringPart, ...lacks];
	}

	const {host, cursor} = moment;
	const behind = moment.newestTime - host.sampleTime;
	const position = cursor.at === null ? 'following the newest' : behind <= 0 ? 'the newest sample' : `${formatAge(behind)} behind the newest`;
	return [
		{text: `node ${sanitizeLine(host.node)}${host.isMaster ? ' (master)' : ''}`, givesWay: 0},
		{text: localTimeText(host.sampleTime), givesWay: 0},
		{text: utcClockText(host.sampleTime), givesWay: 5},
		{text: position, color: cursor.at === null ? 'green' : undefined, givesWay: 2},
		...down,
		...(moment.oldestTime === host.sampleTime && cursor.at !== null ? [{text: 'the oldest sample', givesWay: 3}] : []),
		ringPart,
		...lacks,
	];
}

/** The parts that fit a width: those that give way first are left out until the rest fit. */
export function fitParts(parts: readonly Part[], width: number): Part[] {
	let kept = [...parts];
	const widthOf = (list: readonly Part[]) => list.reduce((sum, part) => sum + textWidth(part.text), 0) + Math.max(list.length - 1, 0) * SEPARATOR.length;
	while (kept.length > 1 && widthOf(kept) > width) {
		const most = Math.max(...kept.map(part => part.givesWay));
		if (most === 0) break;
		const index = kept.map(part => part.givesWay).lastIndexOf(most);
		kept = kept.filter((_, at) => at !== index);
	}

	return kept;
}

const NO_RINGS: readonly string[] = [];

/** The replay's line under the title: which node and moment is shown, and from which ring. Moving the cursor draws nothing here until its moment is read. */
export function ReplayLine({width}: {width: number}) {
	const rings = useStore(state => state.replay?.rings ?? NO_RINGS);
	const missingColumns = useStore(state => state.replay?.missingColumns ?? NO_RINGS);
	const moment = useStore(state => state.replay?.moment ?? null);
	const asked = useStore(state => state.replay?.cursor?.node ?? null);
	const error = useStore(state => state.status['replay']?.error ?? null);
	const parts = fitParts(replayParts({rings, missingColumns, moment, asked, error}), width);
	return (
		<Text wrap="truncate-end">
			{parts.map((part, index) => (
				<Text key={part.text} color={part.color}>
					{index === 0 ? '' : SEPARATOR}
					{part.text}
				</Text>
			))}
		</Text>
	);
}
