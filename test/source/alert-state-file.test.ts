import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import type {Alert} from '../../source/alerts/engine.js';
import {alertMessage} from '../../source/alerts/message.js';
import {DEFAULT_RULES} from '../../source/alerts/rules.js';
import {alertStatePath, isWorthSaving, loadAlerts, loadLogPositions, logPositionsPath, makeDirectory, mergeAlerts, saveAlerts, saveLogPositions, saveMergedAlerts, withLock} from '../../source/alerts/state-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-alerts-'));
after(() => rmSync(dir, {recursive: true, force: true}));

const alert = (id: string, fields: Partial<Alert> = {}): Alert => ({
	id,
	rule: 'cpu',
	severity: 'warning',
	state: 'acknowledged',
	source: 'host',
	resource: 'db1',
	title: 'CPU busy',
	value: 92,
	valueAtFiring: 90,
	firedAt: 1000,
	lastChangedAt: 2000,
	acknowledgedBy: 'alice',
	acknowledgedAt: 2000,
	note: 'looking into it',
	resolvedAt: null,
	...fields,
});

test('the path follows XDG_STATE_HOME, else ~/.local/state', () => {
	assert.equal(alertStatePath({XDG_STATE_HOME: '/s'}), '/s/dbtop/alerts.json');
	assert.equal(alertStatePath({HOME: '/home/ops'}), '/home/ops/.local/state/dbtop/alerts.json');
});

test('round trip; a missing file is empty; no temporary files are left', () => {
	const file = path.join(dir, 'round', 'alerts.json');
	assert.deepEqual(loadAlerts(file), {alerts: [], problem: null});
	const alerts = [alert('a'), alert('b', {state: 'firing', acknowledgedBy: null, acknowledgedAt: null, note: null})];
	saveAlerts(file, alerts);
	assert.deepEqual(loadAlerts(file), {alerts, problem: null});
	assert.deepEqual(readdirSync(path.dirname(file)), ['alerts.json']);
});

test('a failed write removes its temporary; a write removes those of writers no longer running, not of running ones', () => {
	const failing = path.join(dir, 'failing');
	// A directory where the file should be: the rename over it fails.
	mkdirSync(path.join(failing, 'alerts.json'), {recursive: true});
	assert.throws(() => saveAlerts(path.join(failing, 'alerts.json'), [alert('a')]));
	assert.deepEqual(readdirSync(failing), ['alerts.json']);

	const stale = path.join(dir, 'stale');
	mkdirSync(stale);
	const gone = spawnSync(process.execPath, ['-e', '']).pid;
	writeFileSync(path.join(stale, `alerts.json.${gone}.1000.tmp`), '{"version":1,"al');
	writeFileSync(path.join(stale, 'alerts.json.1.1000.tmp'), '');
	saveAlerts(path.join(stale, 'alerts.json'), [alert('a')]);
	assert.deepEqual(readdirSync(stale).sort(), ['alerts.json', 'alerts.json.1.1000.tmp']);
});

test('a corrupt file is reported and set aside, not fatal', () => {
	for (const [name, content, reason] of [
		['torn', '{"version":1,"alerts":[{"id":', /not valid JSON/],
		['wrong', JSON.stringify({version: 1, alerts: [{id: 3}]}), /alerts\[0\] is not an alert record/],
		['future', JSON.stringify({version: 9, alerts: []}), /unknown version 9/],
	] as const) {
		const file = path.join(dir, `${name}.json`);
		writeFileSync(file, content);
		const loaded = loadAlerts(file, 777);
		assert.deepEqual(loaded.alerts, []);
		assert.match(loaded.problem ?? '', reason);
		assert.match(loaded.problem ?? '', /set aside as .*\.corrupt-777, starting with no alerts/);
		assert.equal(existsSync(file), false);
		assert.equal(readFileSync(`${file}.corrupt-777`, 'utf8'), content, 'the damaged file is kept for a human');
	}
});

test('a file from before alerts kept their values loads: no values yet, its message shown until the next evaluation gives one', () => {
	const file = path.join(dir, 'earlier.json');
	const {value: _value, valueAtFiring: _valueAtFiring, ...earlier} = alert('old', {state: 'resolved', resolvedAt: 3000});
	writeFileSync(file, JSON.stringify({version: 1, alerts: [{...earlier, message: 'CPU busy: 90.4% (warning above 80%)'}]}));
	const {alerts, problem} = loadAlerts(file);
	assert.equal(problem, null);
	assert.deepEqual([alerts[0]!.value, alerts[0]!.valueAtFiring], [null, null]);
	assert.equal(alertMessage(alerts[0]!, DEFAULT_RULES), 'CPU busy: 90.4% (warning above 80%)');
	assert.equal(alertMessage({...alerts[0]!, value: 91}, DEFAULT_RULES), 'CPU busy: 91% (warning above 80%)');
	writeFileSync(file, JSON.stringify({version: 1, alerts: [{...earlier, value: 'high'}]}));
	assert.match(loadAlerts(file).problem ?? '', /alerts\[0\] is not an alert record/);
});

test('what is worth a write: an alert that fired, changed, was acknowledged or resolved; not new values alone', () => {
	const saved = [alert('a'), alert('b')];
	assert.equal(isWorthSaving(saved, saved), false);
	assert.equal(isWorthSaving(saved, [saved[0]!, {...saved[1]!, value: 97, heldUp: 3}]), false, 'values move with every sample');
	assert.equal(isWorthSaving(saved, [saved[0]!, {...saved[1]!, value: 97, severity: 'critical', lastChangedAt: 3000}]), true);
	assert.equal(isWorthSaving(saved, [saved[0]!, {...saved[1]!, state: 'resolved', resolvedAt: 3000}]), true);
	assert.equal(isWorthSaving(saved, [...saved, alert('c')]), true);
	assert.equal(isWorthSaving(saved, [saved[0]!]), true);
});

test('concurrent writers: the file is always one whole version, never a mix', async () => {
	const file = path.join(dir, 'concurrent', 'alerts.json');
	const module = fileURLToPath(new URL('../../source/alerts/state-file.ts', import.meta.url));
	const writer = (n: number) =>
		new Promise<number | null>(resolve => {
			const script = `import {saveAlerts} from ${JSON.stringify(module)}; const big = 'x'.repeat(20000); for (let i = 0; i < 50; i++) saveAlerts(${JSON.stringify(file)}, Array.from({length: 20}, (_, k) => ({id: 'w${n}-' + i + '-' + k, rule: 'cpu', severity: 'warning', state: 'firing', source: 'host', resource: 'db1', title: 't', message: big, firedAt: 1, lastChangedAt: 1, acknowledgedBy: null, acknowledgedAt: null, note: null, resolvedAt: null})));`;
			const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {stdio: 'ignore'});
			child.on('exit', resolve);
		});
	const reads: string[] = [];
	const reading = setInterval(() => {
		if (existsSync(file)) reads.push(readFileSync(file, 'utf8'));
	}, 5);
	const codes = await Promise.all([writer(1), writer(2), writer(3)]);
	clearInterval(reading);
	assert.deepEqual(codes, [0, 0, 0]);
	assert.ok(reads.length > 0);
	for (const text of [...reads, readFileSync(file, 'utf8')]) {
		const {alerts} = JSON.parse(text) as {alerts: Alert[]};
		const writers = new Set(alerts.map(entry => entry.id.split('-')[0]));
		assert.equal(alerts.length, 20);
		assert.equal(writers.size, 1, 'one writer per version of the file');
	}

	assert.equal(loadAlerts(file).problem, null);
});

test('log positions: a round trip; a missing, damaged or foreign file counts as none', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-positions-'));
	try {
		const file = path.join(dir, 'dbtop', 'log-positions.json');
		assert.deepEqual(loadLogPositions(file), {});
		const positions = {errors: {path: '/var/log/pg.log', inode: 42, offset: 1000, buckets: [{at: 5, count: 2}]}};
		saveLogPositions(file, positions);
		assert.deepEqual(loadLogPositions(file), positions);
		writeFileSync(file, '{"version": 1, "positions": {"errors": {"path": 3}, "ok": {"path": "/l", "inode": 1, "offset": 0, "buckets": []}}}');
		assert.deepEqual(Object.keys(loadLogPositions(file)), ['ok']);
		writeFileSync(file, 'not json');
		assert.deepEqual(loadLogPositions(file), {});
		assert.equal(logPositionsPath({XDG_STATE_HOME: '/s'}), '/s/dbtop/log-positions.json');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('makeDirectory creates missing parents, accepts an existing directory, and fails (never loops) where a parent cannot be made', () => {
	const nested = path.join(dir, 'made', 'a', 'b');
	makeDirectory(nested);
	makeDirectory(nested);
	assert.ok(existsSync(nested));
	assert.throws(() => makeDirectory('/proc/1/nonexistent/state/dbtop'), /ENOENT/);
	writeFileSync(path.join(dir, 'a-file'), '');
	assert.throws(() => makeDirectory(path.join(dir, 'a-file')), /is not a directory/);
	assert.throws(() => makeDirectory(path.join(dir, 'a-file', 'dbtop')), /ENOTDIR/);
});

const firing = (id: string, fields: Partial<Alert> = {}) => alert(id, {state: 'firing', acknowledgedBy: null, acknowledgedAt: null, note: null, lastChangedAt: 1000, ...fields});

test('mergeAlerts: the same open alert fired by two instances is one, the earlier firing, with the later acknowledgement', () => {
	const mine = firing('b', {firedAt: 1200});
	const theirs = alert('a', {firedAt: 1000, acknowledgedBy: 'bob', acknowledgedAt: 3000, note: 'mine now'});
	assert.deepEqual(mergeAlerts([mine], [theirs]), [theirs]);
	assert.deepEqual(mergeAlerts([theirs], [mine]), [theirs]);
	// Two acknowledgements: the later wins, either way round.
	const alice = alert('a', {acknowledgedBy: 'alice', acknowledgedAt: 2000});
	const bob = alert('a', {acknowledgedBy: 'bob', acknowledgedAt: 2500, note: 'later'});
	assert.equal(mergeAlerts([alice], [bob])[0]!.acknowledgedBy, 'bob');
	assert.equal(mergeAlerts([bob], [alice])[0]!.acknowledgedBy, 'bob');
	// Acknowledged beats firing for the same firing.
	assert.equal(mergeAlerts([firing('a')], [alice])[0]!.state, 'acknowledged');
	assert.equal(mergeAlerts([alice], [firing('a')])[0]!.state, 'acknowledged');
});

test('mergeAlerts: alerts of other resources are added, sorted by firing; resolved ones merge by id and resolvedAt and beat the open record', () => {
	const cpu = firing('c', {firedAt: 1500, resource: 'db2'});
	const resolvedEarly = alert('r', {state: 'resolved', resolvedAt: 4000});
	const resolvedLate = alert('r', {state: 'resolved', resolvedAt: 5000, note: 'late'});
	assert.deepEqual(mergeAlerts([cpu], [firing('a')]).map(a => a.id), ['a', 'c']);
	assert.equal(mergeAlerts([resolvedEarly], [resolvedLate])[0]!.note, 'late');
	assert.equal(mergeAlerts([resolvedLate], [resolvedEarly])[0]!.note, 'late');
	assert.deepEqual(mergeAlerts([firing('r')], [resolvedEarly]), [resolvedEarly]);
});

test('mergeAlerts gives back its own list when the other adds nothing, so merging again writes nothing', () => {
	const mine = [alert('a'), firing('c', {firedAt: 1500, resource: 'db2'})];
	assert.equal(mergeAlerts(mine, mine.map(a => ({...a}))), mine);
	assert.equal(mergeAlerts(mine, []), mine);
	const once = mergeAlerts([firing('b', {resource: 'db3'})], mine);
	assert.equal(mergeAlerts(once, mine), once);
});

test('saveMergedAlerts keeps what another instance wrote; a lock left by a killed writer is taken over, a live one is waited for and then reported', () => {
	const file = path.join(dir, 'shared', 'alerts.json');
	saveAlerts(path.join(dir, 'shared', 'alerts.json'), [alert('a', {resource: 'one'})]);
	const gone = spawnSync(process.execPath, ['-e', '']).pid;
	writeFileSync(`${file}.lock`, String(gone));
	const merged = saveMergedAlerts(file, [alert('b', {resource: 'two', acknowledgedBy: 'bob'})]);
	assert.deepEqual(merged.map(a => [a.resource, a.acknowledgedBy]), [['one', 'alice'], ['two', 'bob']]);
	assert.deepEqual(loadAlerts(file).alerts, merged);
	assert.deepEqual(readdirSync(path.dirname(file)), ['alerts.json']);
	writeFileSync(`${file}.lock`, '1');
	assert.throws(() => withLock(file, () => 0), /alerts\.json\.lock is held by process 1/);
	rmSync(`${file}.lock`);
});
