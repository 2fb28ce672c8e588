// The database tree through SSH against the testbed's MariaDB (listening on the server's
// loopback only): access by login or by the server's ~/.my.cnf, databases -> tables -> columns
// with the key for paging, the fleet-wide search, and MySQL's own refusal stated clearly.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropSession } from '../helpers/core';
import { closeDbCores, dbCore } from '../helpers/db';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

let tb: TestbedInfo;
beforeAll(() => {
  tb = loadTestbed();
});
afterEach(closeDbCores);

describe('database tree through SSH', () => {
  it('lists databases, tables and columns with the key, by login', async () => {
    const { call, server } = await dbCore('db-tree');
    const dbs = await call<{ name: string; tables: number }[]>('db.databases', { serverId: server.id });
    expect(dbs.find((d) => d.name === 'shop')?.tables).toBeGreaterThanOrEqual(3);
    const tables = await call<{ name: string; rowsEstimate: number }[]>('db.tables', { serverId: server.id, database: 'shop' });
    expect(tables.find((t) => t.name === 'orders')?.rowsEstimate).toBeGreaterThan(500_000);
    const cols = await call<{ key: string[] | null; columns: { name: string }[]; readOnlyReason: string | null }>('db.columns', { serverId: server.id, database: 'shop', table: 'orders' });
    expect(cols.key).toEqual(['id']);
    expect(cols.columns.map((c) => c.name)).toContain('email');
    const nokey = await call<{ key: null; readOnlyReason: string }>('db.columns', { serverId: server.id, database: tb.db.nokey.database, table: tb.db.nokey.table });
    expect(nokey.key).toBeNull();
    expect(nokey.readOnlyReason).toMatch(/no primary key/);
    expect(await call('db.getAccess', { serverId: server.id })).toMatchObject({ hasPassword: true, readOnly: false });
  });

  it('reads the login from the server\'s ~/.my.cnf', async () => {
    const { call, server } = await dbCore('db-mycnf', 'mycnf');
    const dbs = await call<{ name: string }[]>('db.databases', { serverId: server.id });
    expect(dbs.map((d) => d.name)).toContain('shop');
  });

  it('finds databases, tables, columns and users across the fleet', async () => {
    const { call } = await dbCore('db-search');
    const { hits } = await call<{ hits: { kind: string; name: string }[] }>('db.search', { query: 'cust_alpha' });
    expect(hits.some((h) => h.kind === 'database' && h.name === 'cust_alpha')).toBe(true);
    expect(hits.some((h) => h.kind === 'user' && h.name.startsWith('cust_alpha@'))).toBe(true);
    const cols = await call<{ hits: { kind: string; table: string | null }[] }>('db.search', { query: 'email' });
    expect(cols.hits.some((h) => h.kind === 'column' && h.table === 'orders')).toBe(true);
  });

  it('says clearly when MySQL refuses the login', async () => {
    const { call, fail, server } = await dbCore('db-denied');
    await call('db.setAccess', { serverId: server.id, access: { source: 'login', user: tb.mariadb.adminUser, host: tb.mariadb.host, port: tb.mariadb.port, socketPath: null }, password: 'hd-test-wrong-db-password', readOnly: false });
    expect(await fail('db.databases', { serverId: server.id })).toMatchObject({ code: 'auth-failed', message: 'MySQL refused the login; check the database access settings of this server.' });
  });

  it('reaches MySQL over its unix socket', async () => {
    const { call, server } = await dbCore('db-socket');
    await call('db.setAccess', { serverId: server.id, access: { source: 'login', user: tb.mariadb.adminUser, host: '127.0.0.1', port: 3306, socketPath: tb.mariadb.socket }, password: tb.mariadb.adminPassword, readOnly: false });
    expect((await call<{ name: string }[]>('db.databases', { serverId: server.id })).map((d) => d.name)).toContain('shop');
  });
});

describe('database sessions and reconnects', () => {
  it('keep working after the SSH connection drops: new pool connections ride the new one', async () => {
    const { core, call, server } = await dbCore('db-reconnect');
    expect((await call<{ name: string }[]>('db.databases', { serverId: server.id })).map((d) => d.name)).toContain('shop');
    const lease = await core.connections.acquire(server.id);
    await dropSession(core, server.id);
    // The pool's old connections died with the old SSH connection; the next call gets a new one.
    await expect.poll(async () => (await core.call('db.databases', { serverId: server.id })).ok, { timeout: 10_000, interval: 200 }).toBe(true);
    lease.release();
  });
});
