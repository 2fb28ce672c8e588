// Support mode (and a server's own read-only flag): every write attempt is refused before it is
// sent — audited as 'refused' — and the data is unchanged afterwards (CHECKSUM TABLE, row counts,
// table list). Behind the guard, the server itself refuses writes on a read-only session.
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/api/db';
import { closeDbCores, dbCore } from '../helpers/db';
import { READ_STATEMENTS, WRITE_ATTEMPTS } from '../helpers/db-writes';
import { registerSecret } from '../helpers/secrets';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

let tb: TestbedInfo;
let admin: mysql.Connection;

async function fingerprint(): Promise<string> {
  const [sums] = await admin.query<mysql.RowDataPacket[]>('CHECKSUM TABLE hd_guard.t, hd_guard.x');
  const [tables] = await admin.query<mysql.RowDataPacket[]>("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'hd\\_guard%'");
  const [count] = await admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM hd_guard.t');
  const [users] = await admin.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM mysql.user WHERE User = 'evil'");
  const [vars] = await admin.query<mysql.RowDataPacket[]>('SELECT @@global.max_connections AS m, @@global.read_only AS r');
  return JSON.stringify([sums, tables, count, users, vars]);
}

beforeAll(async () => {
  tb = loadTestbed();
  admin = await mysql.createConnection({ host: tb.mariadb.host, port: tb.mariadb.port, user: tb.mariadb.adminUser, password: tb.mariadb.adminPassword, multipleStatements: true });
  await admin.query(
    'DROP DATABASE IF EXISTS hd_guard; CREATE DATABASE hd_guard; CREATE TABLE hd_guard.t (id INT PRIMARY KEY, v INT); INSERT INTO hd_guard.t VALUES (1, 10), (2, 20), (3, 30); CREATE TABLE hd_guard.x (id INT); INSERT INTO hd_guard.x VALUES (7); CREATE SEQUENCE hd_guard.s; CREATE PROCEDURE hd_guard.p() DELETE FROM hd_guard.t',
  );
});
afterAll(async () => {
  await admin.query('DROP DATABASE IF EXISTS hd_guard; DROP DATABASE IF EXISTS hd_guard_evil');
  await admin.end();
});
afterEach(closeDbCores);

type QueryOut = { results: { statement: string; error: string | null }[] };

async function attemptAll(t: Awaited<ReturnType<typeof dbCore>>) {
  const before = await fingerprint();
  for (const sql of WRITE_ATTEMPTS) {
    const out = await t.call<QueryOut>('db.query', { queryId: crypto.randomUUID(), serverId: t.server.id, database: 'hd_guard', sql, maxRows: 10 });
    // The editor splits scripts: harmless parts may run, the writing part must be refused.
    const failed = out.results.find((r) => r.error !== null);
    expect(failed, sql).toBeDefined();
    expect(failed!.error, sql).toMatch(/read-only|one statement|no statement/);
  }
  // The raw WHERE of the table browser goes through the same guard.
  for (const where of ['1) UNION SELECT * FROM hd_guard.t INTO OUTFILE \'/tmp/hd_w\' -- ', 'id = 1 FOR UPDATE', "id = GET_LOCK('x', 1)", 'id = (SELECT 1 FROM hd_guard.t LIMIT 1 INTO @v)', 'SLEEP(1)']) {
    const error = await t.fail('db.page', { serverId: t.server.id, database: 'hd_guard', table: 't', where });
    expect(error.code, where).toBe('invalid-input');
  }
  expect(await fingerprint()).toBe(before);
  const audit = await t.call<AuditEntry[]>('db.audit', { serverId: t.server.id, limit: 10_000 });
  const refused = audit.filter((e) => e.outcome === 'refused');
  expect(refused.length).toBeGreaterThanOrEqual(WRITE_ATTEMPTS.length);
  // Nothing that writes was sent: every audited statement that ran is a read (or USE).
  for (const e of audit.filter((x) => x.outcome !== 'refused')) expect(e.statement, e.statement).toMatch(/^\s*(\/\*.*?\*\/\s*|--.*\n|#.*\n)*\s*\(?\s*(SELECT|SHOW|USE|WITH|DESCRIBE|EXPLAIN|CHECKSUM)\b/is);
  // Reads still work.
  for (const sql of READ_STATEMENTS) {
    const out = await t.call<QueryOut>('db.query', { queryId: crypto.randomUUID(), serverId: t.server.id, database: 'hd_guard', sql, maxRows: 10 });
    expect(out.results.every((r) => r.error === null), `${sql}: ${out.results.map((r) => r.error).join()}`).toBe(true);
  }
}

describe('support mode', () => {
  it('refuses every write attempt before it is sent, with data unchanged', async () => {
    const t = await dbCore('db-support');
    await t.call('settings.update', { supportMode: true });
    expect((await t.call<{ supportMode: boolean }>('settings.get', {})).supportMode).toBe(true);
    await attemptAll(t);
    // Imports and kills are writes too.
    expect((await t.fail('db.import', { jobId: crypto.randomUUID(), serverId: t.server.id, database: 'hd_guard', path: '/etc/hostname' })).message).toMatch(/read-only/);
    expect((await t.fail('db.kill', { serverId: t.server.id, id: 1, queryOnly: true })).message).toMatch(/read-only/);
    // Support mode off: writes go through again (new sessions get the new mode).
    await t.call('settings.update', { supportMode: false });
    const out = await t.call<QueryOut>('db.query', { queryId: crypto.randomUUID(), serverId: t.server.id, database: 'hd_guard', sql: 'UPDATE hd_guard.x SET id = 7 WHERE id = 7', maxRows: 10 });
    expect(out.results[0]!.error).toBeNull();
  }, 120_000);

  it("a server's own read-only flag behaves the same", async () => {
    const t = await dbCore('db-readonly', 'login', true);
    await attemptAll(t);
  }, 120_000);

  it('the server refuses a write that bypasses the guard on a read-only session', async () => {
    const t = await dbCore('db-serverside');
    await t.call('settings.update', { supportMode: true });
    await t.call('db.databases', { serverId: t.server.id }); // opens the read-only pool
    const conn = await t.core.db.connection(t.server.id);
    try {
      await expect(conn.query('INSERT INTO hd_guard.x VALUES (99)')).rejects.toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
      await expect(conn.query('UPDATE hd_guard.t SET v = 0')).rejects.toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
    } finally {
      conn.release();
    }
    const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM hd_guard.x WHERE id = 99');
    expect(rows[0]!.n).toBe(0);
  });

  it('never writes a password into the audit log', async () => {
    const t = await dbCore('db-audit-secret');
    const secret = 'hd-audit-Secret-Pw-1';
    registerSecret('password in SQL statements (audit)', secret);
    await t.call('db.query', { queryId: crypto.randomUUID(), serverId: t.server.id, database: null, sql: `CREATE USER IF NOT EXISTS 'hd_audit_u'@'localhost' IDENTIFIED BY '${secret}'; ALTER USER 'hd_audit_u'@'localhost' IDENTIFIED BY '${secret}'; SET PASSWORD FOR 'hd_audit_u'@'localhost' = PASSWORD('${secret}'); DROP USER 'hd_audit_u'@'localhost'`, maxRows: 10 });
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const raw = readFileSync(path.join(t.dataDir, 'audit.jsonl'), 'utf8');
    expect(raw).toContain('hd_audit_u');
    expect(raw).not.toContain(secret);
    const file = path.join(t.dataDir, 'audit-export.csv');
    const { entries } = await t.call<{ entries: number }>('db.exportAudit', { path: file });
    expect(entries).toBeGreaterThanOrEqual(4);
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('at,serverId,serverName,database,statement,rows,durationMs,outcome,error');
    expect(csv).not.toContain(secret);
    const jsonl = path.join(t.dataDir, 'audit-export.jsonl');
    await t.call('db.exportAudit', { path: jsonl });
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.length).toBe(entries);
    expect(lines.at(-1)!.statement).toMatch(/DROP USER/);
    const newest = await t.call<AuditEntry[]>('db.audit', { serverId: null, limit: 1 });
    expect(newest[0]!.statement).toMatch(/DROP USER/);
  });
});
