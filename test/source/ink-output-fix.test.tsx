// The row-based Output.get() against Ink's own, on hand-made writes and clips, on random ones, and
// on every frame of the real App: every frame string must be the same, byte for byte.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Action} from '../../source/store/store.js';
import type {ContainerDetail, ContainerRow} from '../../source/types.js';

// Colour on, before Ink loads, so that frames carry SGR styles; every frame is rendered.
process.env['FORCE_COLOR'] = '1';
delete process.env['CI'];
delete process.env['CONTINUOUS_INTEGRATION'];
const {CACHE_LIMIT, createCacheBound, createFrameRenderer, installOutputFix, loadInkOutput} = await import('../../source/ink/output-fix.js');
const {isPlainText} = await import('../../source/ink/plain-text.js');
const {DEFAULT_RULES} = await import('../../source/alerts/rules.js');
const {createStore, initialState} = await import('../../source/store/store.js');
const {containerRow, hostSample, pgLock, pgSession, pgSessionsSample, processRow} = await import('../helpers/fixtures.js');
const {WIDE_USER} = await import('../helpers/world.js');
const {KEYS, renderView, stripAnsi} = await import('../helpers/render-view.js');
const {App} = await import('../../views/App.js');
const {CommandContextValue} = await import('../../views/StoreContext.js');

const ink = await loadInkOutput();
type Writes = (output: OutputMethods) => void;
type OutputMethods = {
	write(x: number, y: number, text: string, options: {transformers: Array<(line: string, index: number) => string>}): void;
	clip(clip: {x1?: number; x2?: number; y1?: number; y2?: number}): void;
	unclip(): void;
};
const OutputClass = ink.Output as unknown as new (options: {width: number; height: number}) => OutputMethods;

/** Runs the same writes through stock get() and a replacement; returns both frames. */
function both(width: number, height: number, writes: Writes, renderer = createFrameRenderer(ink.libraries)) {
	const output = new OutputClass({width, height});
	writes(output);
	const state = output as unknown as ThisParameterType<typeof renderer.get>;
	return {stock: ink.stockGet.call(state), fixed: renderer.get.call(state)};
}

function assertSame(width: number, height: number, writes: Writes, renderer?: ReturnType<typeof createFrameRenderer>) {
	const {stock, fixed} = both(width, height, writes, renderer);
	assert.deepEqual(fixed, stock);
	return stock.output;
}

const none = {transformers: []};
const red = (line: string) => `\u001B[31m${line}\u001B[39m`;
const numbered = (line: string, index: number) => `${index}:${line}`;

test('the Ink this program runs is one the fix was verified against', () => {
	assert.ok(ink.isVerified, `ink ${ink.version}`);
});

test('plain text, unclipped and clipped on both sides, with box drawing and · … ▼', () => {
	const frame = assertSame(20, 3, output => {
		output.write(0, 0, '┌─ Processes ▼ ─┐', none);
		output.clip({x1: 2, x2: 10, y1: 0, y2: 3});
		output.write(0, 1, 'abcdefghijklmnop·…', none);
		output.write(5, 2, 'xy·…', none);
		output.unclip();
	});
	assert.equal(frame, '┌─ Processes ▼ ─┐\n  cdefghij\n     xy·…');
});

test('a clip that cuts a wide character on either edge', () => {
	for (let x1 = 0; x1 < 6; x1++) {
		for (let x2 = x1; x2 < 12; x2++) {
			assertSame(14, 2, output => {
				output.clip({x1, x2, y1: 0, y2: 2});
				output.write(1, 0, '数据库管理员', none);
				output.write(0, 1, 'a数b据👩‍💻c🇩🇪', none);
				output.unclip();
				output.write(13, 0, '|', none);
				output.write(13, 1, '|', none);
			});
		}
	}
});

test('SGR styles that cross the clip edge, and a transformer applied after clipping', () => {
	for (let x1 = 0; x1 < 8; x1++) {
		const frame = assertSame(16, 2, output => {
			output.clip({x1, x2: x1 + 5, y1: 0, y2: 2});
			output.write(0, 0, 'ab\u001B[1mcd\u001B[31mef\u001B[22mgh\u001B[39mij', none);
			output.write(1, 1, 'plain text here', {transformers: [red, numbered]});
			output.unclip();
		});
		assert.match(frame, /\u001B\[31m/);
	}
});

test('overlapping writes: narrow over half a wide character, wide over narrow, styled over plain', () => {
	assertSame(12, 4, output => {
		output.write(0, 0, '数据库管理员', none);
		output.write(1, 0, 'x', none);
		output.write(4, 0, 'y', none);
		output.write(0, 1, 'abcdefghij', none);
		output.write(3, 1, '数据', none);
		output.write(0, 2, 'plain plain', none);
		output.write(2, 2, '\u001B[7mrev\u001B[27m', none);
		output.write(2, 3, 'e\u0301 a\u0300\u0316 👩‍💻x', none);
		output.write(5, 3, 'Z', none);
	});
});

test('writes outside the grid: negative and beyond the width, rows below the height, a start above it', () => {
	assertSame(6, 3, output => {
		output.write(-2, 0, 'abcdefghij', none);
		output.write(8, 1, 'xy', none);
		output.write(1, 2, 'one\ntwo\nthree', none);
		output.write(0, -1, 'gone\nalso gone', none);
		output.write(0, 1.5, 'half', none);
	});
});

test('vertical clips, nested clips (only the innermost counts) and transformers numbered after the cut', () => {
	assertSame(10, 6, output => {
		output.clip({x1: 1, x2: 9, y1: 1, y2: 4});
		output.write(0, 0, 'l0\nl1\nl2\nl3\nl4\nl5', {transformers: [numbered]});
		output.clip({x1: undefined, x2: undefined, y1: 2, y2: 3});
		output.write(0, 0, 'm0\nm1\nm2\nm3 is a long line', none);
		output.unclip();
		output.write(8, 4, 'outside', none);
		output.unclip();
		output.write(0, 5, 'free', none);
	});
});

test('text that only touches the clip edge, or lies wholly outside it', () => {
	assertSame(12, 2, output => {
		output.clip({x1: 4, x2: 8, y1: 0, y2: 2});
		output.write(0, 0, 'abcd', none);
		output.write(8, 0, 'efgh', none);
		output.write(9, 1, 'ijkl', none);
		output.write(0, 1, 'ab', none);
		output.unclip();
	});
});

test('a row keeps its string while its writes are the same, and changes when one does', () => {
	const renderer = createFrameRenderer(ink.libraries);
	const frame = (clock: string, user: string, indent = 0) =>
		assertSame(
			30,
			3,
			output => {
				output.write(0, 0, `dbtop · ${clock}`, none);
				output.clip({x1: 0, x2: 20, y1: 0, y2: 3});
				output.write(0, 1, `  42 ${user} postgres: writer process`, {transformers: [red]});
				output.write(indent, 2, '  43 root   ·…▼', none);
				output.unclip();
			},
			renderer,
		);
	const first = frame('12:00:00', 'alice');
	assert.equal(renderer.cacheSizes().rows, 3);
	const second = frame('12:00:01', 'alice');
	assert.notEqual(second, first);
	assert.equal(second.split('\n').slice(1).join('\n'), first.split('\n').slice(1).join('\n'));
	const third = frame('12:00:01', '数据库管理员');
	assert.match(third, /数据库管理员/);
	assert.equal(frame('12:00:00', 'alice'), first);
	assert.match(frame('12:00:00', 'alice', 3), /^ {5}43 root/m, 'the same text at another column is another row');
});

test('every plain character is one column and its own grapheme, and slice-ansi cuts it by index', () => {
	const {sliceAnsi, stringWidth, tokenize, styledCharsFromTokens} = ink.libraries;
	let plain = 0;
	for (let code = 0xa0; code < 0x30_00; code++) {
		if (code >= 0xd8_00 && code < 0xe0_00) continue;
		const character = String.fromCharCode(code);
		if (!isPlainText(character, stringWidth)) continue;
		plain++;
		const text = `a${character}${character}b${character}`;
		assert.equal(stringWidth(text), text.length, `U+${code.toString(16)}`);
		assert.equal(styledCharsFromTokens(tokenize(text)).length, text.length, `U+${code.toString(16)}`);
		for (const [from, to] of [[0, 5], [1, 3], [2, 5], [0, 1], [4, 5], [3, 2]] as const) {
			assert.equal(sliceAnsi(text, from, to), text.slice(from, to), `U+${code.toString(16)} ${from}..${to}`);
		}
	}

	assert.ok(plain > 1000, `${plain} plain characters`);
	for (const text of ['数', 'e\u0301', '\u001B[31m', '\u200B', '👩', 'ｶ', '\u0E33', '\u1100']) {
		assert.equal(isPlainText(`a${text}`, stringWidth), false, JSON.stringify(text));
	}
});

// A small deterministic generator, so that a failure can be replayed.
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d_2b_79_f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const PIECES = ['a', 'Zq', ' ', '  ', '·', '…', '▼', '─│┐', '数', '据库', '👩‍💻', '🇩🇪', '🇯🇵', 'e\u0301', '\u0301', '\u001B[31m', '\u001B[39m', '\u001B[1m', '\u001B[22m', '\u001B[7m', '\u001B[27m', '\u001B[0m', '\u001B[38;5;120m', '\u001B[2J', '\t', '\u200B', 'ｶﾞ', '\n', '❤️', '1️⃣', 'ǅ', '\u001B[m', '\u001B[38;2;1;2;3m', '\u001B[1;31m', '\u001B[0;1;4m', '\u001B[2m', '\u001B[', '\u001B[3', '\u001B', '\u009B31m', '\u001B[49m', '\u001B[44m'];

// Lines of plain characters and SGR sequences only: the kind most of dbtop's rows are made of.
const STYLED_PLAIN = PIECES.filter(piece => /^(?:[\u0020-\u007E·…▼─│┐]|\u001B\[[\d;]*m)+$/.test(piece));

for (const [name, pieces, seed] of [['any text', PIECES, 7], ['plain text and SGR sequences', STYLED_PLAIN, 11]] as const) {
	test(`random writes of ${name}, clips and transformers: the same frames as stock, frame after frame`, () => {
		const next = random(seed);
		const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
		const integer = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
		const renderer = createFrameRenderer(ink.libraries);
		type Step = {kind: 'write'; x: number; y: number; text: string; isStyled: boolean} | {kind: 'clip'; clip: {x1?: number; x2?: number; y1?: number; y2?: number}} | {kind: 'unclip'};
		const randomStep = (width: number, height: number): Step => {
			const roll = next();
			if (roll < 0.1) {
				const x1 = integer(-2, width);
				const y1 = integer(-2, height);
				const isHorizontal = next() < 0.8;
				const isVertical = next() < 0.6;
				return {kind: 'clip', clip: {x1: isHorizontal ? x1 : undefined, x2: isHorizontal ? x1 + integer(0, width) : undefined, y1: isVertical ? y1 : undefined, y2: isVertical ? y1 + integer(0, height) : undefined}};
			}

			if (roll < 0.15) return {kind: 'unclip'};
			let text = '';
			for (let count = integer(1, 12); count > 0; count--) text += pick(pieces);
			return {kind: 'write', x: integer(-3, width + 2), y: integer(-1, height), text, isStyled: next() < 0.3};
		};

		let frames = 0;
		for (const [width, height] of [[12, 4], [30, 8], [7, 3]] as const) {
			let steps: Step[] = Array.from({length: 20}, () => randomStep(width, height));
			for (let round = 0; round < 300; round++) {
				// Most frames change one step of the previous one, as most of a real frame stays.
				steps = steps.map(step => {
					const roll = next();
					if (roll < 0.1) return randomStep(width, height);
					if (roll < 0.15 && step.kind === 'write') return {...step, x: step.x + integer(-2, 2)};
					return step;
				});
				const frame = both(
					width,
					height,
					output => {
						for (const step of steps) {
							if (step.kind === 'clip') output.clip(step.clip);
							else if (step.kind === 'unclip') output.unclip();
							else output.write(step.x, step.y, step.text, {transformers: step.isStyled ? [red, numbered] : []});
						}
					},
					renderer,
				);
				assert.deepEqual(frame.fixed, frame.stock, `${width}x${height} round ${round}: ${JSON.stringify(steps)}`);
				frames++;
			}
		}

		assert.equal(frames, 900);
	});
}

test('the caches stay bounded: rows per size, and Ink’s own text caches once they pass their limit', () => {
	const renderer = createFrameRenderer(ink.libraries);
	for (let size = 0; size < 10; size++) {
		both(10 + size, 3, output => output.write(0, 0, `数据 ${size}`, none), renderer);
	}

	assert.ok(renderer.cacheSizes().sizes <= 4);
	const measure = new Map<string, unknown>(Array.from({length: 50}, (_, index) => [`m${index}`, index]));
	const wrap: Record<string, string> = Object.fromEntries(Array.from({length: 50}, (_, index) => [`w${index}`, 'x']));
	const bound = createCacheBound({measureText: measure, wrapText: wrap}, {measure: 40, wrap: 40});
	bound();
	assert.equal(measure.size, 0);
	assert.equal(Object.keys(wrap).length, 0);
	const caches = ink.findCaches();
	assert.ok(caches.measureText instanceof Map, 'measure-text’s cache was found');
	assert.equal(typeof caches.wrapText, 'object', 'wrap-text’s cache was found');
});

// ---- The real App, through Ink, with stock and replacement side by side on every frame ----

const container = (fields: Partial<ContainerRow> & {id: string; name: string}) => containerRow({health: 'healthy', ...fields});

const WIDE = WIDE_USER;
const processes = [
	processRow({pid: 1, ppid: 0, command: '/sbin/init', comm: 'systemd', cpuPct: 3}),
	processRow({pid: 20, ppid: 1, user: 'postgres', command: 'postgres: checkpointer · …', comm: 'postgres', cpuPct: 2.5}),
	processRow({pid: 31, ppid: 1, user: WIDE, command: `备份 --target /数据/${'长'.repeat(60)}`, comm: '备份', cpuPct: 91}),
	processRow({pid: 32, ppid: 1, user: 'dev', command: 'node 👩‍💻 build 🇩🇪🇯🇵 ❤️ 1️⃣', comm: 'node', cpuPct: 40}),
	processRow({pid: 33, ppid: 1, user: 'café', command: 'psql -c "select \'e\u0301\u0301 n\u0303\'" ńa\u0308', comm: 'psql', cpuPct: 7}),
	processRow({pid: 34, ppid: 1, user: 'evil', command: 'sh -c \u001B[31mred\u001B[0m \u001B]0;title\u0007 \u009B2J tab\there', comm: '\u001B[1mbold', cpuPct: 5}),
	...Array.from({length: 60}, (_, index) => processRow({pid: 100 + index, ppid: 1, user: index % 3 === 0 ? WIDE : 'www-data', command: `worker ${index} ${'x'.repeat(index * 4)}`, comm: 'worker', cpuPct: index / 10})),
];
const sessions = [
	pgSession({pid: 101, user: WIDE, state: 'idle in transaction', query: 'UPDATE 账户 SET 余额 = 0 WHERE id = 1 -- 👩‍💻'}),
	pgSession({pid: 102, user: 'bob', application: 'app 🇩🇪', waitEventType: 'Lock', waitEvent: 'transactionid', query: 'UPDATE accounts SET balance = 1'}),
	pgSession({pid: 103, user: 'carol', waitEventType: 'Lock', waitEvent: 'relation', query: 'LOCK TABLE \u001B[31mstaff e\u0301'}),
	...Array.from({length: 40}, (_, index) => pgSession({pid: 200 + index, user: index % 2 ? 'alice' : WIDE, query: `SELECT ${index} ${'y'.repeat(index * 5)}`})),
];
const containerDetail: ContainerDetail = {
	id: '2'.repeat(64),
	name: 'pooler 👩‍💻',
	image: 'pgbouncer 🇯🇵',
	command: 'postgres -c shared_buffers=1GB 👩‍💻',
	createdAt: 10_000,
	startedAt: 40_000,
	ports: ['5432/tcp -> 0.0.0.0:5432'],
	mounts: ['volume:数据 -> /var/lib/postgresql (rw)'],
	restartPolicy: 'always',
	healthLog: ['ok', 'e\u0301 ok \u001B[31m'],
	top: [['1', WIDE, 'postgres'], ['2', 'root', 'sh 🇩🇪']],
} as ContainerDetail;
const actions: Action[] = [
	{type: 'sample', id: 'host', at: 5000, value: hostSample({hostname: 'db-数据', filesystems: [{mount: '/数据', device: 'sdb', type: 'xfs', sizeBytes: 100, usedBytes: 97, freePct: 3}]})},
	{type: 'sample', id: 'processes', at: 5000, value: {processes, detail: null}},
	{type: 'sample', id: 'postgres-sessions', at: 5000, value: pgSessionsSample(sessions)},
	{
		type: 'sample',
		id: 'postgres-locks',
		at: 5000,
		value: {blockedBy: {102: [101], 103: [102]}, locks: [pgLock({pid: 101, mode: 'RowExclusiveLock', relation: 'public.账户'}), pgLock({pid: 102, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false, waitStartAt: 1000}), pgLock({pid: 103, mode: 'AccessExclusiveLock', granted: false})]},
	},
	{
		type: 'sample',
		id: 'containers',
		at: 100_000,
		value: {engine: '/run/podman/podman.sock', containers: [container({id: '1'.repeat(64), name: '数据库', cpuPct: 12.5}), container({id: '2'.repeat(64), name: 'pooler 👩‍💻', image: 'pgbouncer 🇯🇵', cpuPct: 40, restarts: 3, health: 'unhealthy'}), container({id: '3'.repeat(64), name: 'evil\u001B]0;x\u0007', image: 'x'})]},
	},
];

test('every frame of the App, at 80x24 and 200x50, is the same through the replacement as through stock Ink', async () => {
	const renderer = createFrameRenderer(ink.libraries);
	const prototype = ink.Output.prototype;
	const installed = prototype.get;
	const seen: string[] = [];
	const mismatches: string[] = [];
	prototype.get = function () {
		const stock = ink.stockGet.call(this);
		const fixed = renderer.get.call(this);
		seen.push(stock.output);
		if (fixed.output !== stock.output || fixed.height !== stock.height) {
			const stockLines = stock.output.split('\n');
			const fixedLines = fixed.output.split('\n');
			const line = stockLines.findIndex((text, index) => text !== fixedLines[index]);
			mismatches.push(`line ${line}: stock ${JSON.stringify(stockLines[line])} replacement ${JSON.stringify(fixedLines[line])}`);
		}

		return stock;
	};

	try {
		for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
			const context = {scheduler: {setPaused() {}, setRefresh() {}, wake() {}}, exit() {}, user: 'tester'};
			const view = renderView(
				<CommandContextValue.Provider value={context}>
					<App version="1" />
				</CommandContextValue.Provider>,
				actions,
				createStore(initialState(1000, DEFAULT_RULES)),
			);
			const resize = async (width: number, height: number) => {
				Object.defineProperty(view.stdout, 'columns', {value: width, configurable: true});
				Object.defineProperty(view.stdout, 'rows', {value: height, configurable: true});
				view.stdout.emit('resize');
				await sleep(30);
			};

			await resize(columns, rows);
			const {press} = view;
			await press('1', KEYS.down, KEYS.down, KEYS.pageDown, KEYS.home, 'M', 't', 't', 'P');
			await press('/', ...'数据', KEYS.enter);
			await press(KEYS.escape, KEYS.down, KEYS.down, KEYS.enter);
			view.store.dispatch({type: 'sample', id: 'processes', at: 6000, value: {processes: processes.map(row => ({...row, cpuPct: row.cpuPct + 1})), detail: null}});
			await sleep(30);
			await press(KEYS.escape, '2', '3', KEYS.down, KEYS.enter, KEYS.escape, 'i', 's', '4', KEYS.down, '5', KEYS.enter);
			view.store.dispatch({type: 'sample', id: 'container-detail', at: 100_000, value: containerDetail});
			await sleep(30);
			await press(KEYS.escape, '6', KEYS.enter, KEYS.escape, '?', KEYS.pageDown, KEYS.pageDown, KEYS.escape, '1');
			// A resize: the other size, then back.
			const [otherColumns, otherRows] = columns === 80 ? [200, 50] : [80, 24];
			await resize(otherColumns, otherRows);
			await resize(columns, rows);

			view.unmount();
		}
	} finally {
		prototype.get = installed;
	}

	assert.deepEqual(mismatches, []);
	assert.ok(seen.length > 60, `${seen.length} frames compared`);
	const screens = seen.map(stripAnsi).join('\n');
	// A ZWJ sequence reaches the screen whole.
	for (const shown of [WIDE, '👩\u200d💻', '🇩🇪🇯🇵', '❤️', 'e\u0301', 'Keys · Esc', 'Sessions', 'Locks', 'Containers', 'Alerts', '\\x1b', 'Filesystem free', 'Filter: 数据', 'Command ', 'Session 10', 'Container pooler', 'the engine\'s top: 2', 'CRITICAL Filesystem']) {
		assert.ok(screens.includes(shown), `some frame shows ${JSON.stringify(shown)}`);
	}

	assert.ok(seen.some(frame => frame.includes('\u001B[7m')), 'frames carry styles');
	// The caches found are the ones Ink fills while it lays the App out and cuts its long lines.
	const caches = ink.findCaches();
	assert.ok(caches.measureText!.size > 0, 'measure-text’s cache holds the App’s texts');
	assert.ok(Object.keys(caches.wrapText!).length > 0, 'wrap-text’s cache holds the App’s cut lines');
});

test('installOutputFix puts the replacement into Ink once; Ink then renders through it and keeps its caches bounded', async () => {
	const {render} = await import('ink-testing-library');
	const {Box, Text} = await import('ink');
	const stock = ink.Output.prototype.get;
	assert.equal(stock, ink.stockGet);
	assert.equal(await installOutputFix(), true);
	const installed = ink.Output.prototype.get;
	assert.notEqual(installed, stock);
	assert.equal(await installOutputFix(), true);
	assert.equal(ink.Output.prototype.get, installed, 'a second install changes nothing');
	assert.equal((await loadInkOutput()).stockGet, stock, 'stock get() stays reachable');
	const caches = ink.findCaches();
	for (let index = 0; index <= CACHE_LIMIT; index++) caches.measureText!.set(`filler ${index}`, {width: 1, height: 1});
	const view = render(
		<Box flexDirection="column" width={12}>
			<Text color="red">数据库 · ok</Text>
			<Text>plain…</Text>
		</Box>,
	);
	assert.equal(view.lastFrame(), '\u001B[31m数据库 · ok\u001B[39m\nplain…');
	assert.ok(caches.measureText!.size < CACHE_LIMIT, `measure-text holds ${caches.measureText!.size} entries`);
	view.unmount();
});
