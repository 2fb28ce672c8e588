// Export and import through SSH: shop.orders (1M rows) to CSV compared with the server's own
// `mysql -B` output (converted to the same CSV), JSON and SQL exports that round-trip (the SQL
// one re-imported into a scratch database gives the same CHECKSUM TABLE), an import that stops
// at its broken statement, and cancel mid-export.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { stringify } from 'csv-stringify/sync';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mysqlBatchExport } from '../../bench/mysql-peer';
import { closeDbCores, dbCore } from '../helpers/db';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

let tb: TestbedInfo;
let admin: mysql.Connection;

beforeAll(async () => {
  tb = loadTestbed();
  admin = await mysql.createConnection({ host: tb.mariadb.host, port: tb.mariadb.port, user: tb.mariadb.adminUser, password: tb.mariadb.adminPassword, multipleStatements: true });
  await admin.query('DROP DATABASE IF EXISTS hd_transfer; CREATE DATABASE hd_transfer');
});
afterAll(async () => {
  await admin.query('DROP DATABASE IF EXISTS hd_transfer');
  await admin.end();
});
afterEach(closeDbCores);

type Progress = { jobId: string; rows: number; bytes: number; statements: number; done: boolean };
const progressOf = (events: { event: string; payload: unknown }[], jobId: string) => events.filter((e) => e.event === 'db.progress' && (e.payload as Progress).jobId === jobId).map((e) => e.payload as Progress);

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const NULL_MARK = '\u0001NULL\u0001';

/** mysql -B's escapes undone: \0 \b \n \r \t \Z \\ ; the bare word NULL is NULL. */
function unescapeBatch(field: string): string | null {
  if (field === 'NULL') return null;
  return field.replace(/\\(.)/g, (_m, c: string) => ({ '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\' })[c] ?? c);
}

describe('export and import', () => {
  it('exports 1M rows of shop.orders to CSV, byte for byte what the server itself outputs', async () => {
    const t = await dbCore('db-export-1m');
    const dir = t.dataDir;
    const jobId = crypto.randomUUID();
    const file = path.join(dir, 'orders.csv');
    const out = await t.call<{ rows: number; bytes: number; cancelled: boolean }>('db.export', { jobId, serverId: t.server.id, database: 'shop', source: { table: 'orders' }, format: 'csv', path: file });
    expect(out).toMatchObject({ rows: 1_000_000, cancelled: false });
    const progress = progressOf(t.events, jobId);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ done: true, rows: 1_000_000 });

    // The peer: mysql -B on the server, its TSV turned into RFC 4180 CSV with the same rules
    // (NULL -> empty field, '' -> "", CRLF, quotes as RFC 4180 / csv-stringify). Justified normalisation: mysql -B cannot tell NULL
    // from the text 'NULL'; shop.orders has no such text (seed.ts: note is NULL, '', or prose).
    // SET NAMES: the client's default charset is 3-byte utf8, which prints emoji as '?'.
    const tsv = await mysqlBatchExport(tb, 'SET NAMES utf8mb4; SELECT * FROM shop.orders', path.join(dir, 'orders.tsv'), { quick: true });
    const expected = path.join(dir, 'expected.csv');
    const lines: string[] = [];
    let header = true;
    for await (const line of readline.createInterface({ input: createReadStream(tsv.file, 'utf8'), crlfDelay: Infinity })) {
      const fields = line.split('\t');
      // csv-stringify would write NULL as "" too: NULL goes in as a marker, out as an empty field.
      const row = header ? fields : fields.map((f) => unescapeBatch(f) ?? NULL_MARK);
      lines.push(stringify([row], { record_delimiter: 'windows', quoted_empty: true }).replaceAll(NULL_MARK, ''));
      header = false;
    }
    writeFileSync(expected, lines.join(''));
    expect(lines.length).toBe(1_000_001);
    expect(out.bytes).toBe(readFileSync(expected).length);
    expect(await sha256(file)).toBe(await sha256(expected));
    const audit = await t.call<{ statement: string; outcome: string; rows: number }[]>('db.audit', { serverId: t.server.id, limit: 5 });
    expect(audit[0]).toMatchObject({ statement: 'SELECT * FROM `shop`.`orders`', outcome: 'ok', rows: 1_000_000 });
  }, 180_000);

  it('SQL export re-imports into a scratch database with the same CHECKSUM TABLE', async () => {
    const t = await dbCore('db-export-sql');
    const { database, table } = tb.db.typesDemo;
    for (const [db, tbl] of [[database, table], ['shop', 'nokey'], ['shop', 'orders']] as const) {
      const file = path.join(t.dataDir, `${tbl}.sql`);
      const source = tbl === 'orders' ? { sql: 'SELECT * FROM orders WHERE id <= 20000' } : { table: tbl };
      await t.call('db.export', { jobId: crypto.randomUUID(), serverId: t.server.id, database: db, source, format: 'sql', path: file });
      if (tbl === 'orders') {
        await admin.query('CREATE TABLE hd_transfer.query_result LIKE shop.orders');
        await admin.query('CREATE TABLE hd_transfer.orders_check AS SELECT * FROM shop.orders WHERE id <= 20000');
      }
      const imported = await t.call<{ statements: number; failed: unknown }>('db.import', { jobId: crypto.randomUUID(), serverId: t.server.id, database: 'hd_transfer', path: file });
      expect(imported.failed).toBeNull();
      const [a] = await admin.query<mysql.RowDataPacket[]>(tbl === 'orders' ? 'CHECKSUM TABLE hd_transfer.orders_check' : `CHECKSUM TABLE \`${db}\`.\`${tbl}\``);
      const [b] = await admin.query<mysql.RowDataPacket[]>(`CHECKSUM TABLE hd_transfer.\`${tbl === 'orders' ? 'query_result' : tbl}\``);
      expect(b[0]!.Checksum, tbl).toBe(a[0]!.Checksum);
      expect(b[0]!.Checksum).not.toBeNull();
    }
  }, 60_000);

  it('JSON export is an array of the rows, values faithful', async () => {
    const t = await dbCore('db-export-json');
    const { database, table } = tb.db.typesDemo;
    for (const [db, tbl] of [['shop', 'nokey'], [database, table]] as const) {
      const file = path.join(t.dataDir, `${tbl}.json`);
      const out = await t.call<{ rows: number }>('db.export', { jobId: crypto.randomUUID(), serverId: t.server.id, database: db, source: { table: tbl }, format: 'json', path: file });
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
      expect(parsed.length).toBe(out.rows);
      const conn = await mysql.createConnection({ host: tb.mariadb.host, port: tb.mariadb.port, user: tb.mariadb.adminUser, password: tb.mariadb.adminPassword, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, charset: 'utf8mb4', typeCast: (field, next) => (field.type === 'GEOMETRY' ? field.buffer() : field.type === 'JSON' || (field as { extendedFormat?: string }).extendedFormat === 'json' ? field.string('utf8') : next()) });
      const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${db}\`.\`${tbl}\``);
      await conn.end();
      const norm = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : v]));
      expect(parsed).toEqual(rows.map((r) => norm(r)));
    }
    // A query, and an empty result.
    const q = path.join(t.dataDir, 'q.json');
    await t.call('db.export', { jobId: crypto.randomUUID(), serverId: t.server.id, database: 'shop', source: { sql: 'SELECT id, note FROM orders WHERE id IN (10, 103, 15) ORDER BY id' }, format: 'json', path: q });
    expect(JSON.parse(readFileSync(q, 'utf8'))).toEqual([{ id: 10, note: null }, { id: 15, note: '' }, { id: 103, note: 'Grüße aus Köln — заказ №103 🚀✅ 日本語' }]);
    await t.call('db.export', { jobId: crypto.randomUUID(), serverId: t.server.id, database: 'shop', source: { sql: 'SELECT id FROM orders WHERE id < 0' }, format: 'json', path: q });
    expect(JSON.parse(readFileSync(q, 'utf8'))).toEqual([]);
  });

  it('import stops at the first error and names the statement; earlier ones applied, later not', async () => {
    const t = await dbCore('db-import-error');
    const file = path.join(t.dataDir, 'broken.sql');
    writeFileSync(
      file,
      [
        '-- a dump with a mistake in the middle',
        'CREATE TABLE imp (id INT PRIMARY KEY, s VARCHAR(20));',
        "INSERT INTO imp VALUES (1, 'one;two');",
        '/* a comment */ INSERT INTO imp VALUES (2, \'it\'\'s\');',
        '',
        'INSERT INTO missing_table',
        '  VALUES (3);',
        "INSERT INTO imp VALUES (4, 'four');",
      ].join('\n'),
    );
    const jobId = crypto.randomUUID();
    const out = await t.call<{ statements: number; failed: { index: number; line: number; statement: string; error: string } }>('db.import', { jobId, serverId: t.server.id, database: 'hd_transfer', path: file });
    expect(out.statements).toBe(3);
    expect(out.failed).toMatchObject({ index: 3, line: 6, statement: 'INSERT INTO missing_table\n  VALUES (3)' });
    expect(out.failed.error).toMatch(/missing_table.*doesn't exist/);
    const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT id, s FROM hd_transfer.imp ORDER BY id');
    expect(rows.map((r) => [r.id, r.s])).toEqual([[1, 'one;two'], [2, "it's"]]);
    expect(progressOf(t.events, jobId).at(-1)).toMatchObject({ done: true, statements: 3 });
  });

  it('an export waits for a slow reader: rows stop coming while the file is not drained', async () => {
    const t = await dbCore('db-export-backpressure');
    const jobId = crypto.randomUUID();
    // A FIFO is a file whose writer blocks once its reader stops reading.
    const fifo = path.join(t.dataDir, 'orders.fifo');
    execFileSync('mkfifo', [fifo]);
    const running = t.call<{ rows: number; cancelled: boolean }>('db.export', { jobId, serverId: t.server.id, database: 'shop', source: { table: 'orders' }, format: 'csv', path: fifo });
    const reader = createReadStream(fifo); // opened, not read: fills its own buffer and stops
    const rowsNow = () => progressOf(t.events, jobId).at(-1)?.rows ?? 0;
    const started = Date.now();
    while (rowsNow() === 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    // Without backpressure all 1M rows would be formatted into memory within that time; with it,
    // only what fits the pipe, the reader's and the file stream's buffers (~100 bytes a row).
    const stalled = rowsNow();
    expect(stalled).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(20_000);
    let lines = 0;
    for await (const chunk of reader) for (const byte of chunk as Buffer) if (byte === 0x0a) lines++;
    expect(await running).toMatchObject({ rows: 1_000_000, cancelled: false });
    expect(lines).toBe(1_000_001);
  }, 120_000);

  it('cancel stops an export mid-way and removes the partial file', async () => {
    const t = await dbCore('db-export-cancel');
    const jobId = crypto.randomUUID();
    const file = path.join(t.dataDir, 'cancelled.sql');
    const running = t.call<{ cancelled: boolean; rows: number }>('db.export', { jobId, serverId: t.server.id, database: 'shop', source: { table: 'orders' }, format: 'sql', path: file });
    const started = Date.now();
    while (!progressOf(t.events, jobId).some((p) => p.rows > 0) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    await t.call('db.cancelJob', { jobId });
    const out = await running;
    expect(out.cancelled).toBe(true);
    expect(out.rows).toBeGreaterThan(0);
    expect(out.rows).toBeLessThan(1_000_000);
    expect(existsSync(file)).toBe(false);
    const audit = await t.call<{ outcome: string }[]>('db.audit', { serverId: t.server.id, limit: 1 });
    expect(audit[0]!.outcome).toBe('cancelled');
    // The pool still works afterwards.
    expect((await t.call<{ name: string }[]>('db.databases', { serverId: t.server.id })).length).toBeGreaterThan(0);
  }, 60_000);
});
