// dbtop in a real terminal: tmux runs the built binary, sends keys and reads the screen.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {textWidth} from '../../views/text-width.js';
import {CLI, NO_SERVERS, pinnedEnv} from '../helpers/dbtop.js';
import {openTerminal, type Terminal} from '../helpers/tmux.js';

const MARKER = `dbtop-e2e-${process.pid}`;
const WIDE = `数据库-${process.pid}`;
let hostile: ChildProcess;
let wide: ChildProcess;

before(() => {
	// A process whose command line tries to retitle the window and clear the screen, and one whose holds CJK and emoji.
	hostile = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e5)', MARKER, '\u001B]0;x\u0007', '\u001B[2J'], {stdio: 'ignore'});
	wide = spawn('bash', ['-c', `exec -a '${WIDE} ${'管理员👩\u200d💻🇫🇷'.repeat(8)}' sleep 100000`], {stdio: 'ignore'});
});

after(() => {
	hostile.kill('SIGKILL');
	wide.kill('SIGKILL');
});

function dbtop(columns: number, rows: number, env: Record<string, string> = {}): Terminal {
	return openTerminal([process.execPath, CLI, '--interval', '500ms', ...NO_SERVERS], {columns, rows, env});
}

const longestLine = (screen: string) => Math.max(...screen.split('\n').map(line => textWidth(line)));

test('at 80x24: the header, the process list, and every line within the terminal', async () => {
	const term = dbtop(80, 24);
	try {
		await term.waitFor(/PID USER.*COMMAND/);
		const screen = await term.waitFor(/^Mem {2}\[/m);
		assert.match(screen, /^dbtop \d+\.\d+\.\d+ · /m);
		assert.match(screen, /^CPU {2}\[/m);
		assert.match(screen, /^Mem {2}\[/m);
		assert.match(screen, /^ 1 Processes {2}2 Host/m);
		assert.ok(longestLine(screen) <= 80);
		assert.ok(screen.split('\n').filter(line => line.startsWith('dbtop ')).length === 1);
	} finally {
		term.close();
	}
});

test('keys: Tab, digits, arrows, / filter, Enter, Esc, ? and q, in a real terminal', async () => {
	const term = dbtop(80, 24);
	try {
		await term.waitFor(/PID USER.*COMMAND/);
		term.keys('2');
		await term.waitFor(/CPU busy %/);
		term.keys('Tab');
		await term.waitFor(/^Sessions$/m);
		term.keys('1');
		await term.waitFor(/Processes \d+ total/);
		term.keys('?');
		await term.waitFor(/Keys · Esc or \? closes/);
		// Escape and the key right behind it, in one write: two keys, not Alt+/.
		term.type(`\u001B/${MARKER}`);
		await term.waitFor(new RegExp(`filter "${MARKER}" \\(1\\)`));
		term.keys('Enter');
		await term.waitFor(/^\? help/m);
		term.keys('Down', 'Up', 'Enter');
		const detail = await term.waitFor(/FDs \d+/);
		assert.match(detail, /Process \d+ node/);
		assert.match(detail, /Parents \d+ /);
		term.type('\u001Bq');
		assert.equal(await term.exitStatus(), '0', 'q quits with status 0');
		assert.equal(term.format('#{alternate_on}'), '0', 'the terminal is back on the normal screen');
		assert.doesNotMatch(term.screen(), /PID USER/, 'the monitor is gone from the screen');
	} finally {
		term.close();
	}
});

test('escape sequences in a command line are shown escaped and never reach the terminal', async () => {
	const term = dbtop(160, 50);
	try {
		await term.waitFor(/PID USER.*COMMAND/);
		term.keys('/');
		term.type(MARKER);
		term.keys('Enter');
		const screen = await term.waitFor(new RegExp(`${MARKER} \\\\x1b\\]0;x\\\\x07 \\\\x1b\\[2J`));
		assert.match(screen, /^dbtop /m, 'the screen was not cleared');
		assert.notEqual(term.format('#{pane_title}'), 'x', 'the window title was not changed');
	} finally {
		term.close();
	}
});

test('at 160x50 the room is used, and a resize re-lays out without garbage', async () => {
	const term = dbtop(160, 50);
	try {
		let screen = await term.waitFor(/Network rx\+tx/);
		assert.match(screen, /CPU %/);
		assert.match(screen, / {2}0 \[/, 'per-core bars');
		const rows160 = screen.split('\n').filter(line => /^\s+\d+ \S+ +\d+\.\d/.test(line)).length;
		term.resize(80, 24);
		// Laid out again at 80x24: every line within it, no charts left over from the larger layout, one header.
		screen = await term.waitFor(text => /PID USER/.test(text) && longestLine(text) <= 80 && !/Network rx\+tx/.test(text));
		assert.equal(screen.split('\n').filter(line => line.startsWith('dbtop ')).length, 1);
		const rows80 = screen.split('\n').filter(line => /^\s+\d+ \S+ +\d+\.\d/.test(line)).length;
		assert.ok(rows160 > rows80, `more rows at 160x50 (${rows160}) than at 80x24 (${rows80})`);
	} finally {
		term.close();
	}
});

// The text drawn in inverse video on each line of a screen captured with its escapes.
function inverseText(escaped: string): string[] {
	let isInverse = false;
	return escaped.split('\n').map(line => {
		let text = '';
		for (const [, parameters, character] of line.matchAll(/\u001B\[([\d;]*)m|([^\u001B])/g)) {
			if (character !== undefined) {
				if (isInverse) text += character;
				continue;
			}

			for (const code of (parameters ?? '').split(';').map(Number)) {
				if (code === 7) isInverse = true;
				else if (code === 27 || code === 0) isInverse = false;
			}
		}

		return text;
	});
}

// Colour parameters of SGR sequences: the 8 and bright 8 foregrounds and backgrounds, 256 and RGB.
const hasColour = (escaped: string) =>
	[...escaped.matchAll(/\u001B\[([\d;]*)m/g)].some(([, parameters]) => parameters!.split(';').some(code => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(code)));

test('NO_COLOR and --no-color draw without colour', async () => {
	const coloured = dbtop(100, 30);
	const plain = dbtop(100, 30, {NO_COLOR: '1'});
	try {
		// The same full frame on both: the header, the meters (coloured by level) and the list.
		const full = /^Mem {2}\[[^\n]*\n(?:[^\n]*\n)*[^\n]*PID USER/m;
		await coloured.waitFor(full);
		await plain.waitFor(full);
		assert.ok(hasColour(coloured.screen({escapes: true})));
		assert.ok(!hasColour(plain.screen({escapes: true})));
	} finally {
		coloured.close();
		plain.close();
	}
});

// tmux sets TERM in its panes: a dumb terminal is asked for through env.
for (const [name, command] of [
	['NO_COLOR=1', ['env', 'NO_COLOR=1', process.execPath, CLI]],
	['--no-color', [process.execPath, CLI, '--no-color']],
	['TERM=dumb', ['env', 'TERM=dumb', process.execPath, CLI]],
] as const) {
	test(`under ${name} the selected row and the active tab show in inverse video, with no colour`, async () => {
		const term = openTerminal([...command, '--interval', '500ms', ...NO_SERVERS], {columns: 100, rows: 30});
		try {
			const screen = await term.waitFor(/^Mem {2}\[[^\n]*\n(?:[^\n]*\n)*> +\d+ /m);
			const escaped = term.screen({escapes: true});
			assert.ok(!hasColour(escaped), escaped);
			const lines = screen.split('\n');
			const inverse = inverseText(escaped);
			const tabs = lines.findIndex(line => line.startsWith(' 1 Processes'));
			assert.equal(inverse[tabs], ' 1 Processes ', 'the active tab, and only it');
			const selected = lines.findIndex(line => line.startsWith('>'));
			assert.equal(inverse[selected]!.trimEnd(), lines[selected]!.trimEnd(), 'the selected row');
			assert.equal(inverse[selected + 1], '', 'the row under it is not');
		} finally {
			term.close();
		}
	});
}

test('below 80x24 the first line stays dbtop\'s and nothing scrolls off the top', async () => {
	for (const [columns, rows] of [
		[60, 15],
		[80, 10],
		[40, 8],
		[20, 5],
	] as const) {
		const term = dbtop(columns, rows);
		try {
			const first = await term.waitFor(text => /^ 1 Processes/m.test(text) && /^\? help/m.test(text));
			// Frames drawn after the first (the process list refreshes every 500 ms) leave it in place too.
			const later = await term.waitFor(text => text !== first && /^\? help/m.test(text));
			for (const screen of [first, later]) {
				const lines = screen.split('\n');
				assert.match(lines[0]!, /^dbtop /, `at ${columns}x${rows}:\n${screen}`);
				assert.ok(longestLine(screen) <= columns, `at ${columns}x${rows}:\n${screen}`);
				assert.equal(lines.filter(line => / 1 Processes/.test(line)).length, 1, `at ${columns}x${rows}:\n${screen}`);
			}
		} finally {
			term.close();
		}
	}
});

test('keys typed while dbtop starts are never echoed onto its screen, and are handled once it is up', async () => {
	const term = dbtop(80, 24);
	try {
		// A key that switches the pane, then one bound to nothing, typed over and over from the start.
		term.type('2');
		let screens = 0;
		for (const deadline = Date.now() + 30_000; Date.now() < deadline && !/CPU busy %/.test(term.screen()); ) {
			term.type('z');
			if (term.format('#{alternate_on}') === '1') {
				const screen = term.screen();
				screens++;
				assert.doesNotMatch(screen, /zz/, `the keys echoed on dbtop's screen:\n${screen}`);
			}

			await sleep(20);
		}

		assert.ok(screens > 0, 'the screen was read while dbtop started');
		const host = await term.waitFor(/CPU busy %/);
		assert.match(host.split('\n')[0]!, /^dbtop \d/, 'the first line is dbtop\'s');
		assert.doesNotMatch(host, /zz/);
	} finally {
		term.close();
	}
});

test('on q the terminal gets its normal screen and its cursor back (raw bytes through a pty)', async () => {
	const home = mkdtempSync(path.join(os.tmpdir(), 'dbtop-pty-'));
	const command = [process.execPath, CLI, ...NO_SERVERS].map(arg => `'${arg}'`).join(' ');
	const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${command}`, '/dev/null'], {stdio: ['pipe', 'pipe', 'inherit'], env: pinnedEnv(home)});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString('utf8');
	});
	try {
		for (const deadline = Date.now() + 30_000; Date.now() < deadline && !output.includes('PID USER'); ) await sleep(50);
		assert.ok(output.includes('\u001B[?1049h'), 'the monitor runs on the alternate screen');
		child.stdin.write('q');
		const code = await new Promise(resolve => child.on('exit', resolve));
		assert.equal(code, 0);
		const left = output.lastIndexOf('\u001B[?1049l');
		assert.ok(left > output.lastIndexOf('\u001B[?1049h'), 'the alternate screen is left last');
		assert.ok(output.lastIndexOf('\u001B[?25h') > output.lastIndexOf('\u001B[?25l'), 'the cursor is shown again');
	} finally {
		child.kill('SIGKILL');
		rmSync(home, {recursive: true, force: true});
	}
});

test('at 80x24 a command line of CJK and emoji is cut to the terminal, and the rows below it stay in place; a filter typed in one burst', async () => {
	const term = dbtop(80, 24);
	try {
		await term.waitFor(/PID USER.*COMMAND/);
		// In one write, as a paste or a laggy link delivers it: the key that opens the filter and the text.
		term.type(`/${WIDE}`);
		term.keys('Enter');
		const screen = await term.waitFor(new RegExp(`${WIDE} 管理员`));
		const lines = screen.split('\n');
		const row = lines.findIndex(line => line.startsWith('>'));
		assert.ok(longestLine(screen) <= 80, screen);
		assert.match(lines[row]!, new RegExp(`^> +\\d+ \\S+ .* ${WIDE} 管理员.*…$`), 'the selected row, cut with an ellipsis at the edge');
		assert.doesNotMatch(lines[row + 1]!, /管理员/, 'nothing of it wrapped onto the next line');
		assert.ok(!screen.includes('\uFFFD'), 'no character cut in half');
	} finally {
		term.close();
	}
});

test('PgDn moves the selection by the page the list shows, in a real terminal', async () => {
	const term = dbtop(80, 24);
	try {
		const screen = await term.waitFor(/^> +\d+ \S+ +\d+\.\d/m);
		const rowsOf = (text: string) => text.split('\n').filter(line => /^[> ][! ] +\d+ \S+ +\d+\.\d/.test(line));
		const page = rowsOf(screen).length;
		assert.ok(page > 3, screen);
		term.keys('p');
		await term.waitFor(/PAUSED/);
		term.keys('NPage');
		// The selected row is the last row of the list.
		const after = await term.waitFor(/^>[^\n]*\n(?![> ][! ] +\d)/m);
		const rows = rowsOf(after);
		// One page down from the first row: the window scrolled so that the selection is its last row.
		assert.equal(rows.length, page);
		assert.match(rows.at(-1)!, /^> /, after);
	} finally {
		term.close();
	}
});
