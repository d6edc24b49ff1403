// The recorder: takes samples as they are made and writes them into the ring, in order. While the
// ring cannot be written (server down, disk full, read-only, a privilege missing) samples wait
// in memory up to a bound, the oldest dropped past it and counted, and the recorder tries again
// with the scheduler's back-off. Each event is one line for the log; a password never is.
import type pg from 'pg';
import {backoffMs, errorMessage} from '../store/scheduler.js';
import type {PgTarget} from '../postgres/settings.js';
import {setUpTables, TableError, type SetupResult, type TableName} from './table.js';
import {serializeSample, writeSerialized, type RingSample, type SerializedSample} from './writer.js';

/** The longest a write may take before the connection is given up as hung. */
export const WRITE_TIMEOUT_MS = 15_000;
/** The most the samples waiting in memory may hold, whatever their count: 64 MiB of their text. */
export const MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/** What a recorder is told at its start. */
export type RecorderOptions = {
	target: PgTarget;
	table: TableName;
	/** The capacity to resize the ring to, or null to keep it (DEFAULT_CAPACITY when dbtop creates it). */
	capacity: number | null;
	/** The most samples held while the ring cannot be written (and at most MAX_BUFFER_BYTES of them). */
	bufferSamples: number;
	/** Opens a connection to the ring server. */
	connect(target: PgTarget): Promise<pg.Client>;
	/** One line per event: started, ring down, ring back, dropped. */
	log(line: string): void;
	/** The ring cannot be written as it is (its table does not match the contract): stop, with this line. */
	onFatal(line: string): void;
	now?: () => number;
};

/** A running recorder. */
export type Recorder = {
	/**
	 * Connects and sets the tables up now, so that a ring that cannot be written as it is stops
	 * the recorder before it starts: rejects with that TableError. A ring that cannot be reached
	 * is not an error here: the recorder goes on and tries again, as it does later.
	 */
	start(): Promise<void>;
	/** Queues a sample to be written, dropping the oldest past the bound. */
	record(sample: RingSample): void;
	/** Samples queued and not yet written. */
	pending(): number;
	/** Writes what is queued, for at most `waitMs`, then closes; resolves to the samples left unsent. */
	close(waitMs: number): Promise<number>;
};

/** Why the ring could not be written, in words an operator acts on. */
export function ringProblem(error: unknown): string {
	const code = (error as {code?: unknown}).code;
	const message = errorMessage(error);
	switch (code) {
		case '53100':
			return `the ring server's disk is full (${message})`;
		case '53200':
			return `the ring server is out of memory (${message})`;
		case '25006':
			return `the ring server is read-only: a standby, or default_transaction_read_only is on (${message})`;
		case '42501':
			return `a privilege is missing: ${message}`;
		case '28P01':
		case '28000':
			return `the ring server refused the login: ${message}`;
		default:
			return message;
	}
}

/** A sample the server refused for what it holds (a value out of range): dropped, not retried. */
const isRefusedSample = (error: unknown): boolean => /^(22|23)/.test(String((error as {code?: unknown}).code ?? ''));

/** `1m30s`, `45s`: how long the ring was down. */
function span(ms: number): string {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function describeSetup(table: TableName, setup: SetupResult): string {
	if (setup.isCreated) return `created table ${table.text} with ${setup.capacity} slots`;
	if (setup.resizedFrom !== null) return `table ${table.text} resized from ${setup.resizedFrom} to ${setup.capacity} slots`;
	return `table ${table.text} has ${setup.capacity} slots`;
}

/** Creates a recorder; nothing connects before start() or the first sample. */
export function createRecorder(options: RecorderOptions): Recorder {
	const now = options.now ?? Date.now;
	const queue: SerializedSample[] = [];
	let queuedBytes = 0;
	// The sample being written: never the one dropped to make room.
	let writing: SerializedSample | null = null;
	// --capacity applies at start-up only, as with the other writer: a reconnect does not resize
	// a ring another recorder has resized since.
	let capacity = options.capacity;
	let client: pg.Client | null = null;
	let isPumping = false;
	let isClosing = false;
	// The table cannot be written as it is: nothing more is tried.
	let isFatal = false;
	let failures = 0;
	let retry: NodeJS.Timeout | undefined;
	// The outage under way: since when, why, and what it cost.
	let down: {since: number; reason: string} | null = null;
	// Samples dropped past the bound since this was last said.
	let dropped = 0;
	const sayDropped = () => {
		if (dropped > 0) options.log(`dropped ${dropped} samples while the ring was down (the buffer holds ${options.bufferSamples})`);
		dropped = 0;
	};
	let pump: () => Promise<void>;

	const disconnect = async () => {
		const current = client;
		client = null;
		await current?.end().catch(() => {});
	};

	const connected = async (): Promise<pg.Client> => {
		if (client) return client;
		const fresh = await options.connect(options.target);
		fresh.on('error', () => {
			if (client === fresh) client = null;
		});
		try {
			// Checked on every connection: the table may have been dropped or changed while the ring was down.
			const setup = await setUpTables(fresh, options.table, capacity);
			capacity = null;
			if (failures === 0 && down === null) options.log(`ring ready: ${describeSetup(options.table, setup)} at ${options.target.target}`);
		} catch (error) {
			await fresh.end().catch(() => {});
			throw error;
		}

		client = fresh;
		return fresh;
	};

	const fail = async (error: unknown) => {
		await disconnect();
		if (error instanceof TableError) {
			if (!isFatal) options.onFatal(error.message);
			isFatal = true;
			isClosing = true;
			return;
		}

		failures++;
		const reason = ringProblem(error);
		if (down === null) {
			down = {since: now(), reason};
			options.log(`ring down: ${reason}; keeping up to ${options.bufferSamples} samples in memory`);
		} else if (down.reason !== reason) {
			down.reason = reason;
			options.log(`ring still down: ${reason}`);
		}

		if (!isClosing) {
			retry = setTimeout(() => {
				retry = undefined;
				void pump();
			}, backoffMs(0, failures));
		}
	};

	pump = async () => {
		if (isPumping) return;
		isPumping = true;
		try {
			while (queue.length > 0) {
				const current = await connected();
				writing = queue[0]!;
				try {
					await writeSerialized(current, options.table, writing, WRITE_TIMEOUT_MS);
				} catch (error) {
					if (!isRefusedSample(error)) throw error;
					options.log(`sample of ${new Date(writing.sampleTime * 1000).toISOString()} refused by the ring server and dropped: ${errorMessage(error)}`);
				} finally {
					writing = null;
				}

				queuedBytes -= queue.shift()!.bytes;
			}

			failures = 0;
			if (down !== null) {
				const outage = down;
				down = null;
				options.log(`ring back after ${span(now() - outage.since)}: samples flushed`);
				sayDropped();
			}
		} catch (error) {
			await fail(error);
		} finally {
			isPumping = false;
		}
	};

	return {
		async start() {
			try {
				await connected();
			} catch (error) {
				if (error instanceof TableError) {
					isClosing = true;
					throw error;
				}

				await fail(error);
			}
		},
		record(sample) {
			if (isClosing) return;
			const serialized = serializeSample(sample);
			queue.push(serialized);
			queuedBytes += serialized.bytes;
			const oldest = writing === null ? 0 : 1;
			while (queue.length > oldest + 1 && (queue.length > options.bufferSamples || queuedBytes > MAX_BUFFER_BYTES)) {
				if (dropped === 0) options.log(`buffer full (${queue.length - 1} samples, ${Math.round(queuedBytes / 1024 / 1024)} MiB): dropping the oldest until the ring is back`);
				queuedBytes -= queue.splice(oldest, 1)[0]!.bytes;
				dropped++;
			}

			// While the ring is down, the retry timer tries again; a sample does not hurry it.
			if (retry === undefined) void pump();
		},
		pending: () => queue.length,
		async close(waitMs) {
			isClosing = true;
			clearTimeout(retry);
			retry = undefined;
			const deadline = new Promise<void>(resolve => {
				setTimeout(resolve, waitMs).unref();
			});
			const flushed = (async () => {
				while (isPumping) await new Promise(resolve => setTimeout(resolve, 10));
				// One last try, even while the ring is down.
				if (queue.length > 0 && !isFatal) await pump();
			})();
			await Promise.race([flushed, deadline]);
			const unsent = queue.length;
			sayDropped();
			options.log(unsent === 0 ? 'stopped: every sample written' : `stopped: ${unsent} samples not written (${down?.reason ?? 'the ring did not answer in time'})`);
			await disconnect();
			return unsent;
		},
	};
}
