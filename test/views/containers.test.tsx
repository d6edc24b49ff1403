import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Action} from '../../source/store/store.js';
import type {ContainerRow} from '../../source/types.js';
import {App} from '../../views/App.js';
import {columnWidths, rowText} from '../../views/columns/column.js';
import {containerColumns} from '../../views/columns/containers.js';
import {ContainersPane} from '../../views/ContainersPane.js';
import {textWidth} from '../../views/text-width.js';
import {containerRow, processRow} from '../helpers/fixtures.js';
import {KEYS, renderView, stripAnsi} from '../helpers/render-view.js';

const container = containerRow;
const id = (n: number) => String(n).repeat(64).slice(0, 64);
const containersSample = (rows: ContainerRow[]): Action => ({type: 'sample', id: 'containers', at: 100_000, value: {engine: '/run/podman/podman.sock', containers: rows}});
const listed = [
	container({id: id(1), name: 'db', cpuPct: 12.5, health: 'healthy'}),
	container({id: id(2), name: 'pooler', image: 'pgbouncer', cpuPct: 40, restarts: 3, health: 'unhealthy'}),
	container({id: id(3), name: 'migrate', state: 'exited', exitCode: 1, cpuPct: null, memUsed: null, memLimit: null, netRxBytesPerSec: null, netTxBytesPerSec: null, blockReadBytesPerSec: null, blockWriteBytesPerSec: null, pids: null}),
	container({id: id(4), name: 'evil\u001B]0;x\u0007', image: 'x'}),
];
const sample = containersSample(listed);

test('containers pane: state, health, restarts, uptime or exit code, CPU, memory, I/O, sorted by CPU', () => {
	const view = renderView(<ContainersPane width={80} height={10} />, [sample]);
	const lines = view.frame().split('\n');
	assert.match(lines[0]!, /^Containers 3 running, 1 other · \/run\/podman\/podman\.sock · sort CPU%/);
	// An unhealthy container and one that exited with an error are marked: a firing alert points at them.
	assert.match(lines[2]!, /^>! pooler +running +unhealthy +3 up 1m00s +40\.0 +64M\/512M +7 p/);
	assert.match(lines[3]!, /^ {3}db +running +healthy +0 up 1m00s +12\.5/);
	assert.ok(view.frame().includes('evil\\x1b]0;x\\x07'), 'names are sanitized');
	assert.match(lines[5]!, /^ ! migrate +exited +0 exit 1 +— +—\/— +— p/);
	assert.ok(lines.every(line => line.length <= 80));
	view.unmount();
	// Rates need 140 columns, more than the test terminal's 100: the wide layout is checked on the column model.
	const columns = containerColumns(160, 100_000);
	assert.match(rowText(columns, columnWidths(columns, 160), listed[1]!, 160), /40\.0 +— +64M\/512M +1\.0K\/s 2\.0K\/s +0B\/s 4\.0K\/s +7 pgbouncer +$/);
});

test('at 100 columns (the test terminal): the narrow columns, no rates, the image taking the rest of the line', async () => {
	const image = `registry.example.com/platform/${'x'.repeat(40)}:2024`;
	const view = renderView(<App version="1" />, [containersSample([...listed, container({id: id(5), name: 'worker', image, cpuPct: 0.5})])]);
	await view.press('5');
	const lines = stripAnsi(view.frame()).split('\n');
	const title = lines.findIndex(line => line.startsWith('Containers '));
	assert.match(lines[title]!, /^Containers 4 running, 1 other · \/run\/podman\/podman\.sock · sort CPU%$/);
	const header = lines[title + 1]!;
	assert.equal(header, '   NAME             STATE    HEALTH    RST UP/EXIT     CPU%▼   MEM/LIMIT PIDS IMAGE');
	const rows = lines.slice(title + 2, title + 7);
	// By CPU, the exited one last; the selection and the alert marks in the gutter.
	assert.deepEqual(rows.map(row => row.slice(0, 3)), ['>! ', '   ', '   ', '   ', ' ! ']);
	assert.deepEqual(rows.map(row => row.slice(3).split(' ')[0]), ['pooler', 'db', 'evil\\x1b]0;x\\x07', 'worker', 'migrate']);
	assert.match(rows[0]!, /^>! pooler +running +unhealthy +3 up 1m00s +40\.0 +64M\/512M +7 pgbouncer$/);
	assert.match(rows[4]!, /^ ! migrate +exited +0 exit 1 +— +—\/— +— postgres:18$/);
	// Every cell under its title: the image starts where its title does, and a long one is cut at the terminal's edge.
	const at = header.indexOf('IMAGE');
	assert.deepEqual(rows.map(row => row.slice(at)), ['pgbouncer', 'postgres:18', 'x', `${image.slice(0, 100 - at - 1)}…`, 'postgres:18']);
	assert.equal(textWidth(rows[3]!), 100);
	assert.doesNotMatch(view.frame(), /LIM%|NET rx|BLK r|K\/s/, 'no rates and no share of the CPU limit below 140 columns');
	view.unmount();
});

test('a hides exited containers, N sorts by name, / filters by name or image; 5 opens the pane', async () => {
	const view = renderView(<App version="1" />, [sample]);
	await view.press('5');
	assert.match(view.frame(), /Containers 3 running/);
	await view.press('a');
	assert.match(view.frame(), /exited hidden/);
	assert.doesNotMatch(view.frame(), /migrate/);
	await view.press('N');
	assert.match(view.frame(), /sort NAME/);
	await view.press('/', ...'bounce', KEYS.enter);
	assert.match(view.frame(), /^[> ]! pooler /m);
	assert.doesNotMatch(view.frame(), /^ {2}db /m);
	view.unmount();
});

test('the processes pane names the container a process runs in', () => {
	const processes: Action = {type: 'sample', id: 'processes', at: 100_000, value: {processes: [processRow({pid: 501, containerId: id(1), command: 'postgres -D /data', cpuPct: 3}), processRow({pid: 502, containerId: id(9), command: 'orphan', cpuPct: 2})], detail: null}};
	const view = renderView(<App version="1" />, [sample, processes]);
	assert.match(view.frame(), /\[db\] postgres -D \/data/);
	assert.match(view.frame(), /\[999999999999\] orphan/, 'an unknown container shows by short id');
	view.unmount();
});

test('container drill-down: how it runs, its host processes, charts and sanitized log lines; Esc goes back', async () => {
	const detail: Action = {
		type: 'sample',
		id: 'container-detail',
		at: 100_000,
		value: {
			id: id(1),
			name: 'db',
			image: 'postgres:18',
			command: 'docker-entrypoint.sh postgres',
			createdAt: 10_000,
			startedAt: 40_000,
			ports: ['5432/tcp -> 0.0.0.0:5432'],
			mounts: ['volume:pgdata -> /var/lib/postgresql/data (rw)'],
			restartPolicy: 'always',
			healthLog: ['exit 0: accepting connections'],
			top: [['1', 'postgres', 'postgres']],
			logs: ['LOG:  database system is ready', 'evil \u001B]0;x\u0007 \u001B[2J'],
		},
	};
	const processes: Action = {type: 'sample', id: 'processes', at: 100_000, value: {processes: [processRow({pid: 4242, containerId: id(1), user: '999', command: 'postgres -D /var/lib/postgresql/data'})], detail: null}};
	const view = renderView(<App version="1" />, [sample, processes, detail, {type: 'set-pane', pane: 'containers'}]);
	await view.press(KEYS.down, KEYS.enter);
	const frame = view.frame();
	assert.match(frame, /Container db postgres:18 · running · Esc back/);
	assert.match(frame, /Command docker-entrypoint\.sh postgres/);
	assert.match(frame, /restart always \(0 so far\)/);
	assert.match(frame, /Ports 5432\/tcp -> 0\.0\.0\.0:5432/);
	assert.match(frame, /Mounts volume:pgdata -> \/var\/lib\/postgresql\/data \(rw\)/);
	assert.match(frame, /Health exit 0: accepting connections/);
	assert.match(frame, /Processes on this host: 1 · the engine's top: 1/);
	assert.match(frame, / +4242 999 .* postgres -D \/var\/lib\/postgresql\/data/);
	assert.ok(frame.includes('evil \\x1b]0;x\\x07 \\x1b[2J'), 'log lines are sanitized');
	assert.ok(!frame.includes('\u001B]0;'));
	await view.press(KEYS.escape);
	assert.match(view.frame(), /Containers 3 running/);
	view.unmount();
});

test('with no engine at all the pane says which and how to fix it', () => {
	const view = renderView(<ContainersPane width={100} height={6} />, [
		{type: 'collector-error', id: 'containers', at: 5000, message: 'no container engine at /var/run/docker.sock (start Docker or Podman, or set DOCKER_HOST)'},
	]);
	assert.match(view.frame().replace(/\s+/g, ' '), /stale: no container engine at \/var\/run\/docker\.sock \(start Docker or Podman, or set DOCKER_HOST\) \(no good sample yet\)/);
	view.unmount();
});
