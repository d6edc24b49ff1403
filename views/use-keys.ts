import {useStdin} from 'ink';
import {useEffect} from 'react';
import {keysOf} from '../source/app/keymap.js';

/**
 * Calls `onKey` with each key the user presses, named as the key table names keys, in the order
 * they were typed, however many arrive in one read of the terminal. Reads Ink's input events
 * (each a sequence its reader split off) rather than `useInput`, which hands over a run of text
 * as one string and drops the Escape in front of a key that came in the same read.
 */
export function useKeys(onKey: (key: string) => void): void {
	const {setRawMode, internal_eventEmitter: events} = useStdin();
	useEffect(() => {
		setRawMode(true);
		return () => setRawMode(false);
	}, [setRawMode]);
	useEffect(() => {
		const listener = (sequence: string) => {
			for (const key of keysOf(sequence)) onKey(key);
		};

		events.on('input', listener);
		return () => {
			events.off('input', listener);
		};
	}, [events, onKey]);
}
