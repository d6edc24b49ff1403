import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Collector} from '../../source/store/collector.js';
import {backoffMs, createScheduler, MAX_BACKOFF_MS} from '../../source/store/scheduler.js';
import type {Action} from '../../source/store/store.js';

function recorder() {
	const actions: Action[] = [];
	const batches: Array<readonly Action[]> = [];
	return {
		actions,
		batches,
		dispatch(batch: readonly Action[]) {
			batches.push(batch);
			actions.push(...batch);
		},
	};
}

test('each collector ticks on its own interval and reports samples', async () => {
	const {actions, dispatch} = recorder();
	let fast = 0;
	let slow = 0;
	const scheduler = createScheduler({
		collectors: [
			{id: 'fast', intervalMs: 20, collect: async () => ++fast},
			{id: 'slow', intervalMs: 1000, collect: async () => ++slow},
		],
		dispatch,
		refreshMs: 1000,
	});
	scheduler.start();
	await sleep(230);
	await scheduler.stop();
	assert.ok(fast >= 5, `fast ticked ${fast} times`);
	assert.equal(slow, 1);
	assert.ok(actions.every(action => action.type === 'sample'));
});

test('a collector never runs two ticks at once, and a slow tick times out as an error', async () => {
	const {actions, dispatch} = recorder();
	let running = 0;
	let maxRunning = 0;
	let closed = false;
	const slow: Collector<number> = {
		id: 'slow',
		intervalMs: 5,
		timeoutMs: 30,
		async collect() {
			running++;
			maxRunning = Math.max(maxRunning, running);
			await sleep(80);
			running--;
			return 1;
		},
		close() {
			closed = true;
		},
	};
	const scheduler = createScheduler({collectors: [slow], dispatch, refreshMs: 1000});
	scheduler.start();
	await Promise.all([scheduler.tickAll(), scheduler.tickAll()]);
	await sleep(200);
	await scheduler.stop();
	assert.equal(maxRunning, 1);
	const errors = actions.filter(action => action.type === 'collector-error');
	assert.ok(errors.length >= 1);
	assert.match(errors[0]!.type === 'collector-error' ? errors[0]!.message : '', /timed out after 0.03s/);
	assert.ok(!actions.some(action => action.type === 'sample'), 'a timed-out tick must not also report a sample');
	assert.ok(closed, 'stop() closes collectors');
});

test('a throw becomes an error for that collector only, and the others go on', async () => {
	const {actions, dispatch} = recorder();
	const scheduler = createScheduler({
		collectors: [
			{id: 'bad', intervalMs: 10, collect: async () => Promise.reject(new Error('connection refused\nstack'))},
			{id: 'good', intervalMs: 10, collect: async () => 42},
		],
		dispatch,
		refreshMs: 1000,
	});
	scheduler.start();
	await sleep(100);
	await scheduler.stop();
	const bad = actions.filter(action => 'id' in action && action.id === 'bad');
	const good = actions.filter(action => 'id' in action && action.id === 'good');
	assert.ok(bad.length >= 1 && bad.every(action => action.type === 'collector-error' && action.message === 'connection refused'));
	assert.ok(good.length >= 3 && good.every(action => action.type === 'sample'));
	// Back-off: the failing collector was tried fewer times than the healthy one.
	assert.ok(bad.length < good.length, `bad ${bad.length} good ${good.length}`);
});

test('back-off doubles from a second and is capped at 30 s', () => {
	assert.equal(backoffMs(500, 0), 500);
	assert.equal(backoffMs(500, 1), 1000);
	assert.equal(backoffMs(2000, 2), 2000);
	assert.equal(backoffMs(2000, 5), 16_000);
	assert.equal(backoffMs(2000, 20), MAX_BACKOFF_MS);
});

test('pause stops ticks; the refresh interval applies to collectors without their own', async () => {
	const {dispatch} = recorder();
	let ticks = 0;
	let fixedTicks = 0;
	const scheduler = createScheduler({
		collectors: [
			{id: 'follows', collect: async () => ++ticks},
			{id: 'fixed', collect: async () => ++fixedTicks},
		],
		dispatch,
		refreshMs: 10_000,
		intervals: {fixed: 10_000},
	});
	scheduler.start();
	await sleep(50);
	assert.equal(ticks, 1);
	scheduler.setRefresh(20);
	await sleep(150);
	assert.ok(ticks >= 4, `ticks ${ticks}`);
	assert.equal(fixedTicks, 1, 'a fixed interval is not changed by the refresh interval');
	scheduler.setPaused(true);
	await sleep(30);
	const paused = ticks;
	await sleep(100);
	assert.equal(ticks, paused);
	await scheduler.stop();
});

test('collectors that tick together reach the store in one batch', async () => {
	const {batches, dispatch} = recorder();
	const scheduler = createScheduler({
		collectors: [
			{id: 'quick', collect: async () => 1},
			{id: 'slower', collect: async () => sleep(30).then(() => 2)},
		],
		dispatch,
		refreshMs: 200,
	});
	scheduler.start();
	await sleep(500);
	await scheduler.stop();
	// The first round reports as each is ready (see below); every tick after it, together.
	const later = batches.slice(2);
	assert.ok(later.length >= 2, `${later.length} batches after the first round`);
	for (const batch of later) {
		assert.deepEqual(batch.map(action => ('id' in action ? action.id : '')).sort(), ['quick', 'slower']);
	}
});

test('a collector nothing on screen wants skips its ticks; wake ticks it at once; tickAll ticks it anyway', async () => {
	const {dispatch} = recorder();
	let isWanted = false;
	let ticks = 0;
	const waitFor = async (count: number) => {
		for (let i = 0; i < 100 && ticks < count; i++) await sleep(10);
	};

	const scheduler = createScheduler({
		collectors: [{id: 'scan', intervalMs: 20, isWanted: () => isWanted, collect: async () => ++ticks}],
		dispatch,
		refreshMs: 1000,
	});
	scheduler.start();
	await sleep(150);
	assert.equal(ticks, 0, 'no tick while unwanted, not even the first');
	await scheduler.tickAll();
	assert.equal(ticks, 1, 'a snapshot reads everything');
	isWanted = true;
	scheduler.wake('scan');
	await waitFor(2);
	assert.ok(ticks >= 2, 'woken at once');
	await waitFor(5);
	assert.ok(ticks >= 5, `ticks on its grid while wanted (${ticks})`);
	isWanted = false;
	await sleep(40);
	const stopped = ticks;
	await sleep(150);
	assert.equal(ticks, stopped, 'unwanted again: no more ticks');
	await scheduler.stop();
});

test('a collector\'s first sample reaches the store without waiting for slower ones', async () => {
	const {batches, dispatch} = recorder();
	const scheduler = createScheduler({
		collectors: [
			{id: 'quick', collect: async () => 1},
			{id: 'slow', collect: async () => sleep(300).then(() => 2)},
		],
		dispatch,
		refreshMs: 1000,
	});
	scheduler.start();
	await sleep(50);
	assert.deepEqual(batches.map(batch => batch.map(action => ('id' in action ? action.id : ''))), [['quick']]);
	await scheduler.stop();
});

test('stopping waits for the collectors to close, but not past its bound for one that never does', {timeout: 10_000}, async () => {
	let closed = false;
	const scheduler = createScheduler({
		collectors: [
			{id: 'quick', intervalMs: 60_000, collect: async () => 1, close: async () => void (closed = true)},
			{id: 'stuck', intervalMs: 60_000, collect: async () => 1, close: async () => new Promise<void>(() => {})},
		],
		dispatch() {},
		refreshMs: 60_000,
	});
	scheduler.start();
	// Resolves: without the bound it never did, and the test failed on its timeout.
	await scheduler.stop();
	assert.ok(closed, 'the collector that closes is closed');
});
