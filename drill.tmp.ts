import {startPostgres} from './test/helpers/postgres.js';
const server = await startPostgres(18);
await server.sql('create table t(id int primary key, v int); insert into t values (1,0),(2,0)');
await server.sql(`create role "数据库管理员" login superuser password 'x'`);
const root = await server.connect({application: 'billing-batch'});
await root.query('begin'); await root.query('update t set v=v where id=1');
const w1 = await server.connect({application: 'web-1'});
void w1.query('UPDATE t SET v=v+1 WHERE id=1').catch(() => {});
const w2 = await server.connect({application: 'web-2', user: '数据库管理员', password: 'x'});
void w2.query('UPDATE t SET v=0 WHERE id=1').catch(() => {});
for (let i = 0; i < 5; i++) { const c = await server.connect({application: `idle-${i}`}); await c.query('begin'); await c.query('select 1'); }
console.log(server.url());
process.stdin.resume();
