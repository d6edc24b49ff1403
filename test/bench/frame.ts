// Frame benchmark: what turning one frame into a string costs, with Ink's stock Output.get() and
// with the row-based one from source/ink/output-fix.ts, interleaved in the same process, at
// 80x24 and 200x50, for a frame where only the clock (the title line) changed and a frame where
// most rows changed. Runs itself in a child process, so that colour is on before Ink loads.
import {execFile} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import type {Action} from '../../source/store/store.js';
import {verdict} from './budget.js';
import {median} from './median.js';

const CHILD_FLAG = '--frame-bench-child';
const ROUNDS = 7;
const FRAMES_PER_ROUND = 60;
const BUDGET_MS = 1;

type Timings = {get: number[]; render: number[]};
type Case = {size: string; change: string; changedRows: number; stock: Timings; fixed: Timings};

const ms = (value: number) => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} ms`;

/** Renderer time per frame, stock Output.get() against the replacement, and the clock-only budget. */
export async function benchFrame(): Promise<string[]> {
	const {stdout} = await promisify(execFile)(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG], {
		env: {...process.env, FORCE_COLOR: '1', NODE_ENV: 'production', CI: ''},
		maxBuffer: 16 * 1024 * 1024,
	});
	const cases = JSON.parse(stdout.trim().split('\n').at(-1)!) as Case[];
	const lines: string[] = [];
	for (const item of cases) {
		lines.push(
			`${item.size} ${item.change} (${item.changedRows} rows differ from the frame before): ` +
				`Output.get stock ${ms(median(item.stock.get))}, replacement ${ms(median(item.fixed.get))} · ` +
				`whole render-to-string step stock ${ms(median(item.stock.render))}, replacement ${ms(median(item.fixed.render))}`,
		);
	}

	const clockOnly = cases.filter(item => item.change === 'clock only');
	const worstGet = Math.max(...clockOnly.map(item => median(item.fixed.get)));
	const worstRender = Math.max(...clockOnly.map(item => median(item.fixed.render)));
	lines.push(
		`budget "a frame where nothing but the clock changed costs under ${BUDGET_MS} ms of renderer time" (Output work): ${verdict(worstGet < BUDGET_MS)}: ` +
			`${ms(worstGet)} in Output.get at the worse size with the replacement (stock: ${clockOnly.map(item => `${item.size} ${ms(median(item.stock.get))}`).join(', ')})`,
		`the whole render-to-string step (Ink's render-node-to-output walk, which measures every text node with string-width, plus Output.get) for that frame: ${ms(worstRender)} with the replacement: ${worstRender < BUDGET_MS ? 'also under' : 'over'} ${BUDGET_MS} ms`,
		`method: two App instances per case at the same size, one frame apart (the title line's uptime, or every process's CPU, memory and the host's meters); Ink's renderer (render-node-to-output and Output.get) is called on their laid-out trees alternately, so every frame differs from the one before by exactly that change; medians of ${ROUNDS} rounds × ${FRAMES_PER_ROUND} frames per case and renderer, stock and replacement interleaved round by round, colour on, NODE_ENV=production; React's own render is not included`,
	);
	return lines;
}

// ---- The child: builds the trees and times the renderer on them ----

async function child(): Promise<Case[]> {
	const {createElement} = await import('react');
	const {render} = await import('ink');
	const {createFrameRenderer, loadInkOutput} = await import('../../source/ink/output-fix.js');
	const {DEFAULT_RULES} = await import('../../source/alerts/rules.js');
	const {createStore, initialState} = await import('../../source/store/store.js');
	const {App} = await import('../../views/App.js');
	const {CommandContextValue, StoreContext} = await import('../../views/StoreContext.js');
	const {hostSample, pgSession, pgSessionsSample, processRow} = await import('../helpers/fixtures.js');

	// The row-based Output.get() that installOutputFix puts in place, swapped in and out round by round.
	const ink = await loadInkOutput();
	if (!ink.isVerified) throw new Error(`the output fix does not install on ink ${ink.version}`);
	const prototype = ink.Output.prototype;
	const stockGet = ink.stockGet;
	const fixedGet = createFrameRenderer(ink.libraries).get;

	type Node = unknown;
	const inkBuild = (file: string) => new URL(file, import.meta.resolve('ink')).href;
	const renderer = ((await import(inkBuild('renderer.js'))) as {default: (node: Node, isScreenReaderEnabled: boolean) => {output: string}}).default;
	const instances = ((await import(inkBuild('instances.js'))) as {default: WeakMap<object, {rootNode: Node}>}).default;

	const users = ['postgres', 'root', 'www-data', '数据库管理员', 'alice'];
	const processes = (tick: number) =>
		Array.from({length: 250}, (_, index) =>
			processRow({
				pid: 1000 + index,
				user: users[index % users.length]!,
				cpuPct: ((index * 7 + tick * 13) % 1000) / 10,
				memPct: ((index * 3 + tick * 5) % 100) / 10,
				rss: (index + 1 + tick) * 1024 * 1024,
				cpuTime: index * 10 + tick,
				command: index % 17 === 0 ? `postgres: 备份 worker ${index} · …` : `/usr/bin/worker --id ${index} --queue jobs-${index % 9} ${'x'.repeat(index % 40)}`,
			}),
		);
	const state = (uptime: number, tick: number): Action[] => [
		{type: 'sample', id: 'host', at: 5000, value: hostSample({uptime, cpu: {total: 20 + tick, user: 12, nice: 0, system: 6 + tick, idle: 78 - tick, iowait: 2, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0, cores: Array.from({length: 16}, (_, core) => (core * 7 + tick * 11) % 100)}, load: {one: 0.5 + tick, five: 0.4, fifteen: 0.3}})},
		{type: 'sample', id: 'processes', at: 5000, value: {processes: processes(tick), detail: null}},
		{type: 'sample', id: 'postgres-sessions', at: 5000, value: pgSessionsSample(Array.from({length: 30}, (_, index) => pgSession({pid: 5000 + index, user: users[index % users.length]!})))},
	];

	const mount = async (columns: number, rows: number, actions: Action[]) => {
		const stdout = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
		Object.assign(stdout, {isTTY: true, columns, rows});
		stdout.resume();
		// A terminal's stdin as Ink wants it (raw mode, readable), with no keys ever typed.
		const stdin = Object.assign(new EventEmitter(), {isTTY: true, setRawMode() {}, setEncoding() {}, read: () => null, ref() {}, unref() {}, resume() {}, pause() {}}) as unknown as NodeJS.ReadStream;
		const store = createStore(initialState(1000, DEFAULT_RULES));
		for (const action of actions) store.dispatch(action);
		const context = {scheduler: {setPaused() {}, setRefresh() {}, wake() {}}, exit() {}, user: 'bench'};
		const instance = render(
			createElement(StoreContext.Provider, {value: store}, createElement(CommandContextValue.Provider, {value: context}, createElement(App, {version: '1'}))),
			{stdout, stdin, patchConsole: false, exitOnCtrlC: false},
		);
		await sleep(100);
		return {root: instances.get(stdout)!.rootNode, unmount: () => instance.unmount()};
	};

	const timeFrames = (first: Node, second: Node, get: typeof stockGet, into: Timings) => {
		let getTime = 0;
		prototype.get = function () {
			const start = performance.now();
			const frame = get.call(this);
			getTime = performance.now() - start;
			return frame;
		};
		renderer(first, false);
		for (let frame = 0; frame < FRAMES_PER_ROUND; frame++) {
			const root = frame % 2 === 0 ? second : first;
			const start = performance.now();
			renderer(root, false);
			into.render.push(performance.now() - start);
			into.get.push(getTime);
		}
	};

	const cases: Case[] = [];
	for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
		const base = await mount(columns, rows, state(3 * 86_400 + 4 * 3600, 0));
		for (const [change, other] of [
			['clock only', state(3 * 86_400 + 4 * 3600 + 60, 0)],
			['most rows changed', state(3 * 86_400 + 4 * 3600 + 60, 1)],
		] as const) {
			const next = await mount(columns, rows, other);
			prototype.get = stockGet;
			const a = renderer(base.root, false).output.split('\n');
			const b = renderer(next.root, false).output.split('\n');
			const changedRows = a.filter((line, index) => line !== b[index]).length + Math.abs(a.length - b.length);
			const item: Case = {size: `${columns}x${rows}`, change, changedRows, stock: {get: [], render: []}, fixed: {get: [], render: []}};
			timeFrames(base.root, next.root, stockGet, {get: [], render: []});
			timeFrames(base.root, next.root, fixedGet, {get: [], render: []});
			for (let round = 0; round < ROUNDS; round++) {
				timeFrames(base.root, next.root, stockGet, item.stock);
				timeFrames(base.root, next.root, fixedGet, item.fixed);
			}

			next.unmount();
			cases.push(item);
		}

		base.unmount();
	}

	return cases;
}

if (process.argv.includes(CHILD_FLAG)) {
	const cases = await child();
	process.stdout.write(`${JSON.stringify(cases)}\n`);
	process.exit(0);
}
