// The table browser through SSH against the testbed's MariaDB: keyset pages over 1M rows, jumps,
// sorts, filters, counts, faithful types, hostile names, and edits in one transaction.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, Column } from '../../shared/api/db';
import { closeDbCores, dbCore } from '../helpers/db';
import { expectedOrder, HOSTILE_DB, hostileRow, TINY_PNG_HEX } from '../../testbed/seed';
import { rootSql } from '../../testbed/mariadb';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

type Page = { columns: Column[]; rows: Cell[][]; next: Cell[] | null; more: boolean; estimate: number | null; key: string[] | null; durationMs: number };
type Ctx = Awaited<ReturnType<typeof dbCore>>;

let tb: TestbedInfo;
let c: Ctx;
const ORDER_COLS = ['id', 'customer', 'email', 'amount', 'status', 'created_at', 'note'] as const;
const orderRow = (id: number): Cell[] => {
  const e = expectedOrder(id);
  return ORDER_COLS.map((k) => {
    const v = e[k];
    return typeof v === 'string' && v.length > 2000 ? { kind: 'text', preview: v.slice(0, 2000), length: [...v].length } : v;
  });
};
const page = (input: Record<string, unknown>) => c.call<Page>('db.page', { serverId: c.server.id, database: 'shop', table: 'orders', ...input });
const ids = (p: Page) => p.rows.map((r) => r[0]);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const timed = async <T>(f: () => Promise<T>) => {
  const t = performance.now();
  const out = await f();
  return { out, ms: performance.now() - t };
};

beforeAll(async () => {
  tb = loadTestbed();
  c = await dbCore('db-browse');
});
afterAll(closeDbCores);

describe('browsing shop.orders (1M rows) through SSH', () => {
  it('pages by key: first page, chained next pages, a jump to row 900,000', async () => {
    const first = await page({});
    expect(first.key).toEqual(['id']);
    expect(first.columns.map((col) => col.name)).toEqual([...ORDER_COLS]);
    expect(first.rows).toEqual(range(1, 100).map(orderRow));
    expect(first.next).toEqual([100]);
    expect(first.more).toBe(true);
    expect(first.estimate).toBeGreaterThan(500_000);
    const second = await page({ after: first.next });
    expect(ids(second)).toEqual(range(101, 100));
    const third = await page({ after: second.next, pageSize: 500 });
    expect(third.rows).toEqual(range(201, 500).map(orderRow));
    const jump = await page({ offset: 900_000 });
    expect(jump.rows).toEqual(range(900_001, 100).map(orderRow));
    const last = await page({ offset: 999_990, pageSize: 100 });
    expect(ids(last)).toEqual(range(999_991, 10));
    expect(last.next).toBeNull();
    expect(last.more).toBe(false);
    const desc = await page({ sort: { column: 'id', dir: 'desc' }, pageSize: 3 });
    expect(ids(desc)).toEqual([1_000_000, 999_999, 999_998]);
    expect(ids(await page({ sort: { column: 'id', dir: 'desc' }, pageSize: 3, after: desc.next }))).toEqual([999_997, 999_996, 999_995]);
  });

  it('row 900,000 is about as fast as row 1 (timings through SSH)', async () => {
    await page({}); // warm the session and metadata
    const times: Record<string, number> = {};
    const best = async (label: string, input: Record<string, unknown>) => {
      let min = Infinity;
      for (let i = 0; i < 3; i++) min = Math.min(min, (await timed(() => page(input))).ms);
      times[label] = Math.round(min);
    };
    await best('first page', {});
    await best('page at 900,000', { offset: 900_000 });
    await best('sort by email (unindexed)', { sort: { column: 'email', dir: 'desc' } });
    await best('LIKE filter', { filters: [{ column: 'email', op: 'LIKE', value: 'frank.9%' }] });
    console.log('[db-browse timings ms]', JSON.stringify(times));
    expect(times['first page']).toBeLessThan(100);
    expect(times['page at 900,000']).toBeLessThan(200);
  });

  it('sorts by an unindexed column with the key as tie-breaker, paging by offset', async () => {
    const all = range(1, 1_000_000).map((id) => ({ id, email: expectedOrder(id).email }));
    all.sort((a, b) => (a.email < b.email ? 1 : a.email > b.email ? -1 : b.id - a.id));
    const p1 = await page({ sort: { column: 'email', dir: 'desc' }, pageSize: 50 });
    expect(ids(p1)).toEqual(all.slice(0, 50).map((r) => r.id));
    expect(p1.next).toBeNull();
    expect(p1.more).toBe(true);
    const p2 = await page({ sort: { column: 'email', dir: 'desc' }, pageSize: 50, offset: 50 });
    expect(ids(p2)).toEqual(all.slice(50, 100).map((r) => r.id));
    expect((await c.fail('db.page', { serverId: c.server.id, database: 'shop', table: 'orders', sort: { column: 'email', dir: 'asc' }, after: [5] })).message).toMatch(/key order only/);
  });

  it('filters (=, LIKE, IS NULL, IN, raw WHERE) and counts exactly', async () => {
    const match = (f: (o: ReturnType<typeof expectedOrder>) => boolean) => range(1, 1_000_000).filter((id) => f(expectedOrder(id)));
    const filters = [
      { column: 'status', op: '=', value: 'paid' },
      { column: 'email', op: 'LIKE', value: 'frank.9%' },
      { column: 'note', op: 'IS NULL' },
    ];
    const want = match((o) => o.status === 'paid' && o.email.startsWith('frank.9') && o.note === null);
    const p = await page({ filters, pageSize: 1000 });
    expect(ids(p)).toEqual(want.slice(0, 1000));
    expect(p.estimate).toBeNull();
    expect((await c.call<{ count: number }>('db.count', { serverId: c.server.id, database: 'shop', table: 'orders', filters })).count).toBe(want.length);

    const inList = await page({ filters: [{ column: 'customer', op: 'IN', value: ['customer-00001', 'customer-00002'] }], pageSize: 5000 });
    expect(ids(inList)).toEqual(match((o) => o.customer === 'customer-00001' || o.customer === 'customer-00002'));

    const where = "amount > 999.5 AND note = 'fragile' AND email NOT LIKE '%?%'";
    const raw = await page({ where, pageSize: 5000 });
    const wantRaw = match((o) => Number(o.amount) > 999.5 && o.note === 'fragile');
    expect(ids(raw)).toEqual(wantRaw.slice(0, 5000));
    expect((await c.call<{ count: number }>('db.count', { serverId: c.server.id, database: 'shop', table: 'orders', filters: [], where })).count).toBe(wantRaw.length);
    expect((await c.fail('db.page', { serverId: c.server.id, database: 'shop', table: 'orders', where: '1=1; DELETE FROM shop.orders' })).message).toMatch(/one condition/);
  });

  it('refuses an unknown column or table before any SQL is sent', async () => {
    const auditFile = path.join(c.dataDir, 'audit.jsonl');
    await page({ pageSize: 1 });
    const before = readFileSync(auditFile, 'utf8');
    const bad = await c.fail('db.page', { serverId: c.server.id, database: 'shop', table: 'orders', filters: [{ column: 'emial', op: '=', value: 'x' }] });
    expect(bad).toMatchObject({ code: 'invalid-input', message: 'This table has no column "emial".' });
    expect((await c.fail('db.page', { serverId: c.server.id, database: 'shop', table: 'orders', sort: { column: 'id`; DROP', dir: 'asc' } })).message).toMatch(/no column/);
    expect((await c.fail('db.page', { serverId: c.server.id, database: 'shop', table: 'nope' })).code).toBe('not-found');
    expect(readFileSync(auditFile, 'utf8')).toBe(before);
  });
});

describe('a sort by an unindexed column reads a sampled prefix (sort-bound.ts)', () => {
  // 60,000 rows (a key span above the bound's minimum): a nullable string column with runs that
  // tie under the collation ('a', 'A' and 'á' are equal in utf8mb4_general_ci) and a decimal.
  const DB = 'hd_sort_bound';
  const ROWS = 60_000;
  beforeAll(async () => {
    await rootSql(
      `DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; ` +
        `CREATE TABLE ${DB}.t (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) NULL, w DECIMAL(8,2) NOT NULL); ` +
        `INSERT INTO ${DB}.t (v, w) SELECT IF(seq % 397 = 0, NULL, CONCAT(ELT(1 + seq % 4, 'a', 'A', 'á', 'b'), '-', (seq * 31) % 50)), ((seq * 7919) % 100000) / 100 FROM shop.seq_1_to_${ROWS}`,
    );
  });
  afterAll(() => rootSql(`DROP DATABASE IF EXISTS ${DB}`));

  it("shows exactly the pages MariaDB's own full sort gives, NULLs and collation ties included", async () => {
    const auditFile = path.join(c.dataDir, 'audit.jsonl');
    const samplesBefore = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.includes(' AS v FROM ')).length;
    const cases: { sort: { column: string; dir: 'asc' | 'desc' }; offset: number; where?: string }[] = [
      { sort: { column: 'v', dir: 'asc' }, offset: 0 },
      { sort: { column: 'v', dir: 'asc' }, offset: 100 },
      { sort: { column: 'v', dir: 'asc' }, offset: 200 },
      { sort: { column: 'v', dir: 'desc' }, offset: 0 },
      { sort: { column: 'v', dir: 'desc' }, offset: 1000 },
      { sort: { column: 'w', dir: 'asc' }, offset: 0, where: 'w > 10' },
      { sort: { column: 'w', dir: 'desc' }, offset: 300, where: "v LIKE 'b%'" },
    ];
    for (const k of cases) {
      const got = await c.call<Page>('db.page', { serverId: c.server.id, database: DB, table: 't', sort: k.sort, offset: k.offset, where: k.where ?? null, pageSize: 100 });
      const dir = k.sort.dir.toUpperCase();
      const want = (await rootSql(`SELECT id FROM ${DB}.t${k.where ? ` WHERE ${k.where}` : ''} ORDER BY ${k.sort.column} ${dir}, id ${dir} LIMIT 101 OFFSET ${k.offset}`)).trim().split('\n').map(Number);
      expect(ids(got), JSON.stringify(k)).toEqual(want.slice(0, 100));
      expect(got.more).toBe(want.length > 100);
    }
    const first = await c.call<Page>('db.page', { serverId: c.server.id, database: DB, table: 't', sort: { column: 'v', dir: 'asc' }, pageSize: 100 });
    expect(first.rows.every((r) => r[1] === null)).toBe(true);
    // Every one of those pages was bounded by a sample (none fell back to a full sort unasked).
    const samples = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.includes(' AS v FROM ')).length - samplesBefore;
    expect(samples).toBe(cases.length + 1);
  });
});

describe('faithful values: shop.types_demo', () => {
  it('round-trips every type', async () => {
    const p = await c.call<Page>('db.page', { serverId: c.server.id, database: 'shop', table: 'types_demo' });
    const col = (name: string) => p.columns.findIndex((x) => x.name === name);
    const row = (label: string) => Object.fromEntries(p.columns.map((x, i) => [x.name, p.rows.find((r) => r[col('label')] === label)![i]]));
    const min = row('min');
    const max = row('max');
    const nulls = row('nulls');
    const hostile = row('hostile');
    const typical = row('typical');
    expect(p.rows).toHaveLength(tb.db.typesDemo.rows);
    for (const x of p.columns) if (x.name.startsWith('t_')) expect(nulls[x.name], x.name).toBeNull();
    expect(min.t_char).toBe('');
    expect(min.t_varbinary).toEqual({ kind: 'binary', hex: '', size: 0, truncated: false });
    expect(max.t_bigint).toBe('9223372036854775807');
    expect(max.t_bigint_u).toBe('18446744073709551615');
    expect(min.t_bigint).toBe('-9223372036854775808');
    expect(max.t_decimal).toBe('99999999999999.999999');
    expect(max.t_int_u).toBe(4294967295);
    expect(hostile.t_bigint_u).toBe('9007199254740993');
    expect(max.t_datetime).toBe('9999-12-31 23:59:59.999999');
    expect(hostile.t_date).toBe('0000-00-00');
    expect(min.t_time).toBe('-838:59:59');
    expect(max.t_json).toBe('{"a":[1,2,{"b":[3,4,{"c":"deep"}]}],"n":1.5e300,"t":true,"f":false,"z":null}');
    expect(hostile.t_binary).toEqual({ kind: 'binary', hex: '0001020300fffefd', size: 8, truncated: false });
    expect(hostile.t_blob).toEqual({ kind: 'binary', hex: '00ff00fe0d0a1a5c27225c00', size: 12, truncated: false });
    expect(hostile.t_bit).toEqual({ kind: 'binary', hex: 'a5', size: 1, truncated: false });
    expect(hostile.t_varchar).toContain('emoji 🚀 family 👨‍👩‍👧 rtl مرحبا <script>alert(1)</script>');
    expect(hostile.t_varchar).toContain('NUL\0end');
    expect(hostile.t_tinytext).toBe('NULL');
    expect(hostile.t_longtext).toBe('🚀'.repeat(1000));
    expect(max.t_longtext).toMatchObject({ kind: 'text', length: 1_700_000 });
    expect(max.t_longblob).toMatchObject({ kind: 'binary', size: 2_000_000, truncated: true });
    expect((typical.t_geometry as { kind: string }).kind).toBe('binary');
    expect(typical.t_mediumblob).toMatchObject({ kind: 'binary', size: TINY_PNG_HEX.length / 2, truncated: true, hex: TINY_PNG_HEX.slice(0, 128) });

    const cell = (key: Record<string, Cell>, column: string) => c.call<{ value: Cell }>('db.cell', { serverId: c.server.id, database: 'shop', table: 'types_demo', key, column });
    const long = (await cell({ id: max.id ?? null }, 't_longtext')).value as string;
    expect(long).toBe('long text line ✓\n'.repeat(100_000));
    expect((await cell({ id: max.id ?? null }, 't_longblob')).value).toEqual({ kind: 'binary', hex: '0001020304050607'.repeat(250_000), size: 2_000_000, truncated: false });
    expect((await cell({ id: typical.id ?? null }, 't_mediumblob')).value).toMatchObject({ hex: TINY_PNG_HEX });
  });
});

describe('geometry cells', () => {
  const GEO_DB = 'hd_geo';
  const SHAPES = [
    "ST_GeomFromText('POINT(13.405 52.52)', 4326)",
    "ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3.5 -3.25))')",
    "ST_GeomFromText('MULTIPOLYGON(((0 0,10 0,10 10,0 0)),((20 20,30 20,30 30,20 20)))')",
    "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))')",
    "ST_GeomFromText('GEOMETRYCOLLECTION EMPTY')",
    `ST_GeomFromText(CONCAT('LINESTRING(', (SELECT GROUP_CONCAT(CONCAT(seq, ' ', seq * 0.5) SEPARATOR ',') FROM ${GEO_DB}.seq_1_to_1000), ')'))`,
  ];
  beforeAll(async () => {
    await rootSql(`DROP DATABASE IF EXISTS ${GEO_DB}; CREATE DATABASE ${GEO_DB}; CREATE TABLE ${GEO_DB}.g (id INT PRIMARY KEY, g GEOMETRY); ${SHAPES.map((s, i) => `INSERT INTO ${GEO_DB}.g VALUES (${i + 1}, ${s});`).join(' ')}`);
  });
  afterAll(() => rootSql(`DROP DATABASE IF EXISTS ${GEO_DB}`));

  /** MariaDB's own text for a column, by id, with the SRID in front when not 0. */
  const serverText = async (from: string, column: string) =>
    Object.fromEntries(
      (await rootSql(`SELECT id, IF(ST_SRID(${column}) = 0, '', CONCAT('SRID=', ST_SRID(${column}), ';')), ST_AsText(${column}) FROM ${from} WHERE ${column} IS NOT NULL ORDER BY id`))
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([id, srid, text]) => [id!, `${srid}${text}`]),
    );

  it("shows shop.types_demo's GEOMETRY and POINT columns as ST_AsText reads them, beside the hex", async () => {
    const p = await c.call<Page>('db.page', { serverId: c.server.id, database: 'shop', table: 'types_demo' });
    const idCol = p.columns.findIndex((x) => x.name === 'id');
    for (const column of ['t_geometry', 't_point']) {
      const want = await serverText('shop.types_demo', column);
      expect(Object.keys(want).length, column).toBe(4);
      const i = p.columns.findIndex((x) => x.name === column);
      const got = Object.fromEntries(p.rows.filter((r) => r[i] !== null).map((r) => [String(r[idCol]), (r[i] as { wkt?: string }).wkt]));
      expect(got, column).toEqual(want);
    }
    const typical = p.rows.find((r) => r[idCol] === 5)!;
    expect(typical[p.columns.findIndex((x) => x.name === 't_geometry')]).toMatchObject({ kind: 'binary', wkt: 'MULTIPOINT(1 1,2 2)', truncated: false });
  });

  it('reads SRIDs, every MULTI* and collections; a long line is cut in the page and whole in db.cell', async () => {
    const p = await c.call<Page>('db.page', { serverId: c.server.id, database: GEO_DB, table: 'g' });
    const want = await serverText(`${GEO_DB}.g`, 'g');
    expect(want['1']).toBe('SRID=4326;POINT(13.405 52.52)');
    for (const [id, g] of p.rows) {
      const cell = g as { kind: string; wkt?: string; truncated: boolean };
      if (id === SHAPES.length) {
        expect(cell.truncated).toBe(true);
        expect(cell.wkt!.endsWith('…')).toBe(true);
        expect(want[String(id)]!.startsWith(cell.wkt!.slice(0, -1))).toBe(true);
        const full = await c.call<{ value: { wkt?: string } }>('db.cell', { serverId: c.server.id, database: GEO_DB, table: 'g', key: { id }, column: 'g' });
        expect(full.value.wkt).toBe(want[String(id)]);
      } else expect(cell.wkt, `id ${id}`).toBe(want[String(id)]);
    }
  });
});

describe('hostile identifiers', () => {
  it('pages and edits a table whose database, table and column names are hostile', async () => {
    for (const table of ['back`tick', 'a.b', 'x; DROP TABLE y', 'tâble ünïcode ☃']) {
      const p = await c.call<Page>('db.page', { serverId: c.server.id, database: HOSTILE_DB, table, filters: [{ column: '%_like', op: 'LIKE', value: '%#2%' }] });
      expect(p.columns.map((x) => x.name)).toEqual(tb.db.hostile.columns);
      expect(p.rows).toHaveLength(1);
      expect(Object.fromEntries(p.columns.map((x, i) => [x.name, p.rows[0]![i]]))).toEqual(hostileRow(table, 2));
    }
    const ref = { serverId: c.server.id, database: HOSTILE_DB, table: 'a.b' };
    const edit = (value: Cell, preview = false) => c.call<{ sql: string[]; applied: boolean }>('db.applyEdits', { ...ref, preview, edits: [{ kind: 'update', key: { id: 3 }, set: { 'back`tick': value, NULL: null } }] });
    const prev = await edit('new ☃ value', true);
    expect(prev.sql[0]).toBe(`UPDATE \`hd we'ird\`\`db.dönnées ☃ %_\`.\`a.b\` SET \`back\`\`tick\` = 'new ☃ value', \`NULL\` = NULL WHERE \`id\` = 3 LIMIT 1`);
    try {
      await edit('new ☃ value');
      const p = await c.call<Page>('db.page', { ...ref, after: [2] });
      expect(p.rows[0]![p.columns.findIndex((x) => x.name === 'back`tick')]).toBe('new ☃ value');
      expect(p.rows[0]![p.columns.findIndex((x) => x.name === 'NULL')]).toBeNull();
    } finally {
      const orig = hostileRow('a.b', 3);
      await c.call('db.applyEdits', { ...ref, preview: false, edits: [{ kind: 'update', key: { id: 3 }, set: { 'back`tick': orig['back`tick'] ?? null, NULL: orig.NULL ?? null } }] });
    }
    expect((await c.call<Page>('db.page', { ...ref, after: [2] })).rows[0]).toEqual(tb.db.hostile.columns.map((x) => hostileRow('a.b', 3)[x] ?? null));
  });
});

describe('edits', () => {
  const ref = () => ({ serverId: c.server.id, database: 'shop', table: 'orders' });

  it('previews the exact SQL, applies, reads back and reverts', async () => {
    // A row no UI test pages through, so a parallel e2e run never sees it edited.
    const ROW = 777_777;
    const original = expectedOrder(ROW).note;
    const edits = [{ kind: 'update', key: { id: ROW }, set: { note: "it's 🚀 edited", amount: '12.34' } }];
    const preview = await c.call<{ sql: string[]; applied: boolean }>('db.applyEdits', { ...ref(), edits, preview: true });
    expect(preview).toMatchObject({ applied: false, sql: ["UPDATE `shop`.`orders` SET `note` = 'it\\'s 🚀 edited', `amount` = '12.34' WHERE `id` = " + ROW + ' LIMIT 1'] });
    expect((await page({ after: [ROW - 1], pageSize: 1 })).rows[0]).toEqual(orderRow(ROW));
    try {
      expect(await c.call('db.applyEdits', { ...ref(), edits, preview: false })).toMatchObject({ applied: true, affectedRows: 1 });
      const row = (await page({ after: [ROW - 1], pageSize: 1 })).rows[0]!;
      expect(row[6]).toBe("it's 🚀 edited");
      expect(row[3]).toBe('12.34');
    } finally {
      await c.call('db.applyEdits', { ...ref(), preview: false, edits: [{ kind: 'update', key: { id: ROW }, set: { note: original, amount: expectedOrder(ROW).amount } }] });
    }
    expect((await page({ after: [ROW - 1], pageSize: 1 })).rows[0]).toEqual(orderRow(ROW));
  });

  it('applies nothing when one edit of a batch fails', async () => {
    const edits = [
      { kind: 'update', key: { id: 1 }, set: { note: 'half-applied?' } },
      { kind: 'update', key: { id: 5_000_000 }, set: { note: 'missing' } },
    ];
    const err = await c.fail('db.applyEdits', { ...ref(), edits, preview: false });
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/^Edit 2 of 2 \(UPDATE .*`id` = 5000000 LIMIT 1\) matched no row.*Nothing was changed\.$/);
    const bad = await c.fail('db.applyEdits', { ...ref(), preview: false, edits: [edits[0], { kind: 'update', key: { id: 2 }, set: { status: 'no-such-status' } }] });
    expect(bad.message).toMatch(/^Edit 2 of 2 .* failed: MySQL: .*Nothing was changed\.$/);
    expect((await page({ pageSize: 2 })).rows).toEqual([orderRow(1), orderRow(2)]);
  });

  it('refuses edits on a table without a key, with the reason', async () => {
    const err = await c.fail('db.applyEdits', { serverId: c.server.id, database: tb.db.nokey.database, table: tb.db.nokey.table, preview: true, edits: [{ kind: 'delete', key: { sku: 'SKU-001' } }] });
    expect(err.message).toMatch(/no primary key or unique NOT NULL key/);
    const p = await c.call<Page>('db.page', { serverId: c.server.id, database: tb.db.nokey.database, table: tb.db.nokey.table, pageSize: 30, offset: 20 });
    expect(p.key).toBeNull();
    expect(p.rows).toHaveLength(30);
    expect(p.more).toBe(true);
    expect(p.next).toBeNull();
  });

  it('inserts and deletes a row', async () => {
    const tref = { serverId: c.server.id, database: HOSTILE_DB, table: 'back`tick' };
    const ins = await c.call<{ sql: string[]; affectedRows: number }>('db.applyEdits', { ...tref, preview: false, edits: [{ kind: 'insert', values: { id: 99, select: 'inserted 🚀', NULL: '' } }] });
    expect(ins.affectedRows).toBe(1);
    try {
      const p = await c.call<Page>('db.page', { ...tref, after: [3] });
      expect(p.rows).toHaveLength(1);
      expect(p.rows[0]!.slice(0, 2)).toEqual([99, 'inserted 🚀']);
    } finally {
      expect(await c.call('db.applyEdits', { ...tref, preview: false, edits: [{ kind: 'delete', key: { id: 99 } }] })).toMatchObject({ applied: true, affectedRows: 1 });
    }
    expect((await c.call<Page>('db.page', tref)).rows).toHaveLength(3);
    expect((await c.fail('db.applyEdits', { ...tref, preview: false, edits: [{ kind: 'delete', key: { id: 99 } }] })).code).toBe('conflict');
  });
});
