// The replay's commands: time travel and the node picker. Each moves the cursor in the store and
// wakes the replay's collector, which reads the moment it names (the view shows it once read).
import {selectedKey} from '../store/lists.js';
import {visibleNodes} from '../store/node-list.js';
import type {ReplayCursor} from '../store/replay.js';
import type {Store} from '../store/store.js';
import {UsageError} from './usage-error.js';
import {localTimeText, parseAt} from '../ring/replay-at.js';
import type {CommandContext} from './commands.js';
import type {Command} from './keymap.js';

const MINUTE = 60;
const HOUR = 3600;

/** The jumps in time, by command: seconds from the moment shown. */
const JUMPS: Partial<Record<Command, number>> = {'minute-back': -MINUTE, 'minute-forward': MINUTE, 'hour-back': -HOUR, 'hour-forward': HOUR};

function seek(context: CommandContext, cursor: ReplayCursor): void {
	context.store.dispatch({type: 'replay-seek', cursor});
	context.scheduler.wake('replay');
}

/** The time the cursor is at where it names one (not following, not stepping), else the moment shown's, else null. */
function cursorTime(store: Store): number | null {
	const {replay} = store.getState();
	const cursor = replay?.cursor;
	if (cursor && cursor.at !== null && cursor.steps === 0) return cursor.at;
	return replay?.moment?.host.sampleTime ?? null;
}

/** Goes to a typed time (`14:05`, `2026-11-30 03:12`, `-2h`); one outside the node's samples is refused with their span. */
export function goToTime(context: CommandContext, text: string): void {
	const {store} = context;
	const {replay} = store.getState();
	const cursor = replay?.cursor;
	const moment = replay?.moment;
	if (!cursor || !moment) return;
	let at: number;
	try {
		at = parseAt(text, context.now?.() ?? Date.now());
	} catch (error) {
		const message = error instanceof UsageError ? error.message.replace(/^--at: /, '') : String(error);
		store.dispatch({type: 'notice', notice: {text: `go to: ${message}`, level: 'error'}});
		return;
	}

	if (at < moment.oldestTime || at > moment.newestTime) {
		store.dispatch({type: 'notice', notice: {text: `go to: ${localTimeText(at)} is outside node ${moment.host.node}'s samples (${localTimeText(moment.oldestTime)} to ${localTimeText(moment.newestTime)})`, level: 'error'}});
		return;
	}

	seek(context, {...cursor, at, steps: 0});
}

/** Runs a replay command; false for a command that is not one. */
export function runReplayCommand(command: Command, context: CommandContext): boolean {
	const {store} = context;
	const state = store.getState();
	const cursor = state.replay?.cursor;
	const jump = JUMPS[command];
	if (jump !== undefined) {
		const time = cursorTime(store);
		if (cursor && time !== null) seek(context, {...cursor, at: time + jump, steps: 0});
		return true;
	}

	switch (command) {
		case 'step-back':
		case 'step-forward': {
			if (!cursor) return true;
			const step = command === 'step-back' ? -1 : 1;
			// From the newest, a step back leaves it: the cursor holds still while the writers write.
			const from = cursor.at === null ? {at: state.replay?.moment?.host.sampleTime ?? null, steps: 0} : cursor;
			if (from.at === null && step > 0) return true;
			seek(context, {...cursor, at: from.at, steps: from.steps + step});
			return true;
		}

		case 'follow-newest':
			if (cursor) seek(context, {...cursor, at: null, steps: 0});
			return true;
		case 'go-to-time':
			if (cursor) store.dispatch({type: 'set-input', input: {kind: 'at', text: ''}});
			return true;
		case 'open-nodes':
			store.dispatch({type: 'set-picker', isOpen: true});
			context.scheduler.wake('replay-nodes');
			return true;
		case 'close-nodes':
			// Before any node is picked there is nothing to go back to.
			if (cursor) store.dispatch({type: 'set-picker', isOpen: false});
			return true;
		case 'pick-node': {
			const key = selectedKey(state, 'nodes');
			const node = visibleNodes(state).find(candidate => candidate.key === key);
			if (!node) return true;
			store.dispatch({type: 'set-picker', isOpen: false});
			// The same moment on another node: following stays following.
			const at = cursor?.at === null ? null : cursorTime(store);
			seek(context, {ring: node.ring, node: node.name, at: cursor ? at : (state.replay?.startAt ?? null), steps: 0});
			return true;
		}

		default:
			return false;
	}
}
