// Recording from the samples the monitor already has: each host sample in the store becomes one
// ring sample (the node row, a row per running container, the companion), so `dbtop record`
// and `dbtop --record` run no collectors of their own.
import type {Store} from '../store/store.js';
import {companionOf} from './companion.js';
import type {Recorder} from './recorder.js';
import {ringRows} from './rows.js';

/** Who this host is in the ring. */
export type NodeIdentity = {node: string; isMaster: boolean};

/** Feeds the recorder one sample per host sample; returns the unsubscribe. */
export function recordFromStore(store: Store, recorder: Recorder, identity: NodeIdentity): () => void {
	let lastHost = store.getState().host;
	let lastAt: number | null = null;
	return store.subscribe(() => {
		const state = store.getState();
		if (state.host === lastHost || state.host === null) return;
		lastHost = state.host;
		const at = state.status['host']?.lastOkAt ?? state.now;
		// The real interval since the previous sample; the refresh interval for the first.
		const intervalSeconds = (lastAt === null ? state.ui.refreshMs : at - lastAt) / 1000;
		const since = lastAt ?? 0;
		lastAt = at;
		recorder.record({
			rows: ringRows({host: state.host, containers: state.containers?.containers ?? null, sampleTime: at, intervalSeconds, node: identity.node, isMaster: identity.isMaster}),
			companion: companionOf(state, since),
		});
	});
}
