// A server whose every list holds names from many languages and from hostile hands: CJK (two
// columns a character), emoji and ZWJ sequences, combining marks and escape sequences, next
// to plain ASCII rows, so that views can be checked for alignment, cutting and sanitizing.
import type {Action} from '../../source/store/store.js';
import type {PgLocksSample} from '../../source/types.js';
import {containerRow, hostSample, pgLock, pgSession, pgSessionsSample, processRow} from './fixtures.js';

/** The time of the world's samples (epoch ms). */
export const WORLD_AT = 100_000;

/** A user name six CJK characters long: twelve terminal columns. */
export const WIDE_USER = '数据库管理员';

const sessions = [
	pgSession({pid: 101, user: WIDE_USER, application: 'billing-😀', query: 'UPDATE 账户 SET v = v + 1 WHERE id = 1', xactAgeSec: 300, state: 'idle in transaction'}),
	pgSession({pid: 102, user: 'alice', application: 'web-1', waitEventType: 'Lock', waitEvent: 'transactionid', query: 'UPDATE 账户 SET v = 0 WHERE id = 1', xactAgeSec: 40}),
	pgSession({pid: 103, user: 'ｆｕｌｌ', application: '👩‍💻🇫🇷', waitEventType: 'Lock', waitEvent: 'relation', query: 'LOCK TABLE \u001B[31mstaff', xactAgeSec: 12}),
	pgSession({pid: 104, user: 'cafe\u0301', query: 'SELECT \u001B]0;x\u0007 1', xactAgeSec: 5}),
	...Array.from({length: 30}, (_, i) => pgSession({pid: 200 + i, user: i % 2 === 0 ? 'bob' : 'ボブ', query: `SELECT ${i} -- 注释 ${'é'.repeat(i % 5)}`, xactAgeSec: 1})),
];

const locks: PgLocksSample = {
	blockedBy: {102: [101], 103: [102]},
	locks: [
		pgLock({pid: 101, mode: 'RowExclusiveLock', relation: 'public.账户'}),
		pgLock({pid: 102, lockType: 'transactionid', relation: null, mode: 'ShareLock', granted: false, waitStartAt: WORLD_AT - 400_000}),
		pgLock({pid: 103, mode: 'AccessExclusiveLock', granted: false, relation: 'public.账户', waitStartAt: WORLD_AT - 12_000}),
	],
};

const processes = [
	processRow({pid: 1, ppid: 0, command: '/sbin/init', cpuPct: 0.5}),
	processRow({pid: 20, user: WIDE_USER, command: 'postgres: 数据库管理员 shop 账户 idle', cpuPct: 12, cpuTime: 65.5}),
	processRow({pid: 21, user: 'ｆｕｌｌ', command: 'worker 👩‍💻 🇫🇷 café\u0301 \u001B]0;x\u0007 \u001B[2J', cpuPct: 3}),
	...Array.from({length: 60}, (_, i) => processRow({pid: 1000 + i, user: i % 3 === 0 ? 'ボブ' : 'www-data', command: `nginx: worker ${'数'.repeat(i % 7)} ${i}`, cpuPct: (i % 10) / 10})),
];

/** The actions that fill every pane: host (with a filesystem that alerts), processes, sessions, locks, containers. */
export function wideWorld(at = WORLD_AT): Action[] {
	return [
		{
			type: 'sample',
			id: 'host',
			at,
			value: hostSample({
				filesystems: [
					{mount: '/', device: '/dev/vda', type: 'ext4', sizeBytes: 100 * 1024 ** 3, usedBytes: 30 * 1024 ** 3, freePct: 70},
					{mount: '/数据/😀', device: '/dev/vdb', type: 'ext4', sizeBytes: 100 * 1024 ** 3, usedBytes: 97 * 1024 ** 3, freePct: 3},
					{mount: '/logs', device: '/dev/vdc', type: 'xfs', sizeBytes: 10 * 1024 ** 3, usedBytes: 9 * 1024 ** 3, freePct: 10},
				],
			}),
		},
		{type: 'sample', id: 'processes', at, value: {processes, detail: null}},
		{type: 'sample', id: 'postgres-sessions', at, value: pgSessionsSample(sessions, {target: 'ops@数据库:5432/shop'})},
		{type: 'sample', id: 'postgres-locks', at, value: locks},
		{
			type: 'sample',
			id: 'containers',
			at,
			value: {
				engine: '/run/podman/podman.sock',
				containers: [
					containerRow({id: 'a'.repeat(64), name: '容器😀-db', image: 'postgres:18', cpuPct: 20}),
					containerRow({id: 'b'.repeat(64), name: 'pooler', image: 'pgbouncer', cpuPct: 10, health: 'unhealthy'}),
					containerRow({id: 'c'.repeat(64), name: 'evil\u001B]0;x\u0007', image: '镜像/👩‍💻', cpuPct: 5}),
				],
			},
		},
	];
}
