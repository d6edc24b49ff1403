// The rings a replay reads: one read-only reader per ring (`--ring` may be given more than once:
// a fleet that outgrew one ring server splits its nodes over several), opened on first use and
// again after a failure, so a ring server that restarts is read again on the next use.
import type {PgTarget} from '../postgres/settings.js';
import {openRingReader, type RingReader} from './reader.js';
import type {TableName} from './table.js';

/** A ring as the header names it: its hosts, database and table, never a password. */
export function ringLabel(target: PgTarget, table: TableName): string {
	return `${target.hosts.map(host => host.name).join(',')}/${target.database}/${table.text}`;
}

/** The rings a replay reads, their readers opened on first use and again after a failure. */
export type Rings = {
	labels: string[];
	/** Runs `work` on ring `ring`'s reader; a failure drops the reader (the next use opens it again) and is thrown. */
	use<T>(ring: number, work: (reader: RingReader) => Promise<T>): Promise<T>;
	close(): Promise<void>;
};

/** The rings of `targets`, each read from `table`; nothing is opened until used. */
export function openRings(targets: readonly PgTarget[], table: TableName, open: (target: PgTarget, table: TableName) => Promise<RingReader> = openRingReader): Rings {
	const readers: Array<Promise<RingReader> | null> = targets.map(() => null);
	const drop = (ring: number) => {
		const reader = readers[ring];
		readers[ring] = null;
		void reader?.then(async opened => opened.close()).catch(() => {});
	};

	return {
		labels: targets.map(target => ringLabel(target, table)),
		async use(ring, work) {
			readers[ring] ??= open(targets[ring]!, table);
			const reader = readers[ring];
			try {
				return await work(await reader);
			} catch (error) {
				if (readers[ring] === reader) drop(ring);
				throw error;
			}
		},
		async close() {
			await Promise.all(readers.map(async reader => (await reader?.catch(() => null))?.close().catch(() => {})));
		},
	};
}
