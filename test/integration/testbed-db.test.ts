// The MariaDB test data of the testbed (testbed/seed.ts), checked straight against the server
// (mysql2 to 127.0.0.1:3307, the mariadb CLI for ~hdtest/.my.cnf): the 1M-row shop.orders matches
// expectedOrder(), shop.nokey has no key and duplicate rows, shop.types_demo has every type family,
// the hostile names exist, the customer users see their own databases, .my.cnf logs in.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestUser } from '../../testbed/users';
import {
  expectedOrder,
  HOSTILE_COLUMNS,
  HOSTILE_DB,
  HOSTILE_TABLES,
  hostileRow,
  nokeyRow,
  ORDER_DOMAINS,
  orderHash,
  qi,
  seedDatabases,
  TINY_PNG_HEX,
} from '../../testbed/seed';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

const execFileP = promisify(execFile);

let tb: TestbedInfo;
let db: mysql.Connection;
const extra: mysql.Connection[] = [];

type Row = mysql.RowDataPacket & Record<string, unknown>;
const q = async (sql: string, params?: unknown[]): Promise<Row[]> => (await db.query<Row[]>(sql, params))[0];

function connectAs(user: string, password: string, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: tb.mariadb.host, port: tb.mariadb.port, user, password, database });
}

beforeAll(async () => {
  tb = loadTestbed();
  db = await mysql.createConnection({
    host: tb.mariadb.host,
    port: tb.mariadb.port,
    user: tb.mariadb.adminUser,
    password: tb.mariadb.adminPassword,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
});
afterAll(async () => {
  await Promise.all([db?.end(), ...extra.map((c) => c.end())]);
});

describe('shop.orders', () => {
  it('has 1,000,000 rows, ids 1..1,000,000', async () => {
    const [r] = await q('SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM shop.orders');
    expect(r).toMatchObject({ n: '1000000', lo: 1, hi: 1000000 });
    expect(tb.db.orders).toMatchObject({ database: 'shop', table: 'orders', rows: 1_000_000 });
  });

  it('holds expectedOrder(id): rows 1 and 900,000, every kind of note, and a spread of ids', async () => {
    const ids = [1, 3, 5, 7, 10, 900000, 999_999, 1_000_000, ...Array.from({ length: 200 }, (_, i) => 1 + ((i * 4999 + 17) % 1_000_000))];
    const rows = await q('SELECT id, customer, email, amount, status, created_at, note FROM shop.orders WHERE id IN (?) ORDER BY id', [ids]);
    const byId = new Map(rows.map((r) => [r.id as number, { ...r }]));
    for (const id of ids) expect(byId.get(id), `id ${id}`).toEqual(expectedOrder(id));
    expect(expectedOrder(1).note).toBe('call before delivery');
    expect(expectedOrder(3).note).toContain('🚀');
    expect(expectedOrder(5).note).toBe('');
    expect(Buffer.byteLength(expectedOrder(7).note!)).toBeGreaterThan(2048);
    expect(expectedOrder(10).note).toBeNull();
  });

  it('matches the formulas over the whole table (note kinds, a LIKE on email)', async () => {
    const [r] = await q(`SELECT SUM(note IS NULL) AS nulls, SUM(note = '') AS empties, SUM(LENGTH(note) > 2048) AS longs,
      SUM(note LIKE '%🚀%') AS emoji, SUM(email LIKE '%@mail.test') AS mailtest, SUM(status = 'cancelled') AS cancelled FROM shop.orders`);
    let mailtest = 0;
    let cancelled = 0;
    for (let id = 1; id <= 1_000_000; id++) {
      const h = orderHash(id);
      if (ORDER_DOMAINS[Math.floor(h / 8) % 5] === 'mail.test') mailtest++;
      if (Math.floor(h / 64) % 4 === 3) cancelled++;
    }
    expect(r).toEqual({ nulls: '100000', empties: '100000', longs: '1000', emoji: '10000', mailtest: String(mailtest), cancelled: String(cancelled) });
  });

  it('indexes id, customer and created_at; email and amount have none', async () => {
    const rows = await q(`SELECT INDEX_NAME AS idx, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'orders' ORDER BY INDEX_NAME, SEQ_IN_INDEX`);
    expect(rows.map((r) => `${r.idx}:${r.col}`).sort()).toEqual(['PRIMARY:id', 'idx_created_at:created_at', 'idx_customer:customer'].sort());
    const cols = await q(`SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'orders' ORDER BY ORDINAL_POSITION`);
    expect(cols.map((c) => `${c.c} ${c.t}`)).toEqual([
      'id int(10) unsigned',
      'customer varchar(64)',
      'email varchar(128)',
      'amount decimal(10,2)',
      "status enum('new','paid','shipped','cancelled')",
      'created_at datetime',
      'note text',
    ]);
  });
});

describe('shop.nokey', () => {
  it('has no key or index at all', async () => {
    expect(await q(`SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'nokey'`)).toEqual([]);
    expect(await q(`SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'nokey'`)).toEqual([]);
  });

  it('has 100 rows, 40 distinct, as nokeyRow(n) says', async () => {
    const rows = (await q('SELECT sku, qty, label FROM shop.nokey')).map((r) => JSON.stringify([r.sku, r.qty, r.label]));
    const expected = Array.from({ length: 100 }, (_, i) => nokeyRow(i + 1)).map((r) => JSON.stringify([r.sku, r.qty, r.label]));
    expect(rows.sort()).toEqual(expected.sort());
    expect(new Set(rows).size).toBe(tb.db.nokey.distinctRows);
    expect(tb.db.nokey.rows).toBe(100);
  });
});

describe('shop.types_demo', () => {
  it('has a column of every type family, as TestbedInfo lists them', async () => {
    const cols = await q(`SELECT COLUMN_NAME AS c, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'types_demo' ORDER BY ORDINAL_POSITION`);
    expect(cols.map((c) => c.c)).toEqual(tb.db.typesDemo.columns.map((c) => c.name));
    const types = new Set(cols.map((c) => String(c.t).toLowerCase()));
    for (const t of [
      'tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'bit', 'date', 'time', 'datetime', 'timestamp', 'year',
      'char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
      'enum', 'set', 'geometry', 'point', 'inet6', 'uuid',
    ]) {
      expect(types, t).toContain(t);
    }
    // JSON is an alias of LONGTEXT with a json_valid() check in MariaDB.
    expect(cols.map((c) => c.c)).toContain('t_json');
  });

  it('has min, max, NULL and hostile values', async () => {
    const rows = await q('SELECT * FROM shop.types_demo ORDER BY id');
    expect(rows.map((r) => r.label)).toEqual(['min', 'max', 'nulls', 'hostile', 'typical']);
    const [min, max, nulls, hostile, typical] = rows as Row[] & [Row, Row, Row, Row, Row];
    expect([min.t_bigint, max.t_bigint_u, min.t_tinyint, max.t_int_u]).toEqual(['-9223372036854775808', '18446744073709551615', -128, 4294967295]);
    expect([min.t_date, max.t_datetime, min.t_time, max.t_time]).toEqual(['1000-01-01', '9999-12-31 23:59:59.999999', '-838:59:59', '838:59:59']);
    expect(hostile.t_bigint_u).toBe('9007199254740993');
    for (const [k, v] of Object.entries(nulls)) if (k !== 'id' && k !== 'label') expect(v, k).toBeNull();
    expect(min.t_varchar).toBe('');
    expect(hostile.t_tinytext).toBe('NULL'); // the string
    expect(hostile.t_varchar).toContain('🚀');
    expect(hostile.t_varchar).toContain('\0');
    expect(hostile.t_char).toBe('pad');
    expect((hostile.t_binary as Buffer).toString('hex')).toBe('0001020300fffefd');
    expect((hostile.t_blob as Buffer).toString('hex')).toBe('00ff00fe0d0a1a5c27225c00');
    expect((typical.t_mediumblob as Buffer).toString('hex')).toBe(TINY_PNG_HEX);
    expect((max.t_longblob as Buffer).length).toBe(2_000_000);
    expect((max.t_bit as Buffer)[0]).toBe(0xff);
    expect(hostile.t_inet6).toBe('::ffff:192.0.2.1');
    expect(typical.t_uuid).toBe('550e8400-e29b-41d4-a716-446655440000');
    // MariaDB announces JSON columns (LONGTEXT with a json_valid check) in its extended metadata: mysql2 parses them.
    expect(hostile.t_json).toMatchObject({ emoji: '🚀', quote: '"q"', nul: '\0' });
    expect(typical.t_generated).toBe(String(123456789 * 2));
  });
});

describe('hostile names', () => {
  it('the database, its tables (case twins included) and view exist', async () => {
    expect(tb.db.hostile.database).toBe(HOSTILE_DB);
    const dbs = (await q('SHOW DATABASES')).map((r) => r.Database);
    expect(dbs).toContain(HOSTILE_DB);
    const tables = await q(`SELECT TABLE_NAME AS t, TABLE_TYPE AS k FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, [HOSTILE_DB]);
    expect(tables.filter((r) => r.k === 'BASE TABLE').map((r) => r.t as string).sort()).toEqual([...HOSTILE_TABLES].sort());
    expect(tables.filter((r) => r.k === 'VIEW').map((r) => r.t)).toEqual(tb.db.hostile.views);
    expect(HOSTILE_TABLES).toEqual(expect.arrayContaining(['select', 'order', 'back`tick', 'Case', 'case']));
  });

  it('every table has the hostile columns and its rows', async () => {
    for (const t of HOSTILE_TABLES) {
      const cols = await q(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [HOSTILE_DB, t]);
      expect(cols.map((c) => c.c), t).toEqual(HOSTILE_COLUMNS);
      const rows = await q(`SELECT * FROM ${qi(HOSTILE_DB)}.${qi(t)} ORDER BY ${qi('id')}`);
      expect(rows.map((r) => ({ ...r })), t).toEqual([1, 2, 3].map((i) => hostileRow(t, i)));
    }
    const view = await q(`SELECT * FROM ${qi(HOSTILE_DB)}.${qi(tb.db.hostile.views[0]!)} ORDER BY id`);
    expect(view.map((r) => r.NULL)).toEqual(['NULL', null, '']);
  });
});

describe('customer databases and users', () => {
  it('each customer user (localhost and 127.0.0.1) exists and sees only its database', async () => {
    expect(tb.db.customers.map((c) => c.database)).toEqual(['cust_alpha', 'cust_beta', 'cust_gamma']);
    const users = await q(`SELECT CONCAT(User, '@', Host) AS u FROM mysql.global_priv`);
    for (const c of [...tb.db.customers, tb.db.readOnly]) {
      expect(users.map((r) => r.u)).toEqual(expect.arrayContaining([`${c.user}@localhost`, `${c.user}@127.0.0.1`]));
    }
    for (const c of tb.db.customers) {
      const conn = await connectAs(c.user, c.password);
      extra.push(conn);
      const [dbs] = await conn.query<Row[]>('SHOW DATABASES');
      expect(dbs.map((r) => r.Database).sort(), c.user).toEqual([c.database, 'information_schema'].sort());
      const [tables] = await conn.query<Row[]>(`SHOW TABLES FROM ${qi(c.database)}`);
      expect(tables.map((r) => Object.values(r)[0]).sort()).toEqual(c.tables);
      await expect(conn.query('SELECT 1 FROM shop.nokey LIMIT 1')).rejects.toThrow(/denied/);
    }
    const [[alpha]] = await db.query<Row[]>('SELECT option_value FROM cust_alpha.wp_options WHERE option_name = ?', ['blogname']);
    expect(alpha?.option_value).toBe('Alpha Bakery');
  });

  it('support_ro reads every customer database and writes none', async () => {
    const ro = tb.db.readOnly;
    const conn = await connectAs(ro.user, ro.password);
    extra.push(conn);
    const [dbs] = await conn.query<Row[]>('SHOW DATABASES');
    expect(dbs.map((r) => r.Database).sort()).toEqual(['cust_alpha', 'cust_beta', 'cust_gamma', 'information_schema']);
    const [[n]] = await conn.query<Row[]>('SELECT COUNT(*) AS n FROM cust_beta.products');
    expect(n?.n).toBe(30);
    await expect(conn.query(`DELETE FROM cust_beta.products WHERE id = 0`)).rejects.toThrow(/denied/);
  });
});

describe('~hdtest/.my.cnf', () => {
  it('is hdtest’s, mode 600, and logs in with the admin login', async () => {
    const hdtest = tb.users.hdtest;
    expect(tb.db.myCnf).toBe(`${hdtest.home}/.my.cnf`);
    const st = fs.statSync(tb.db.myCnf);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([hdtest.uid, hdtest.gid, 0o600]);
    const { stdout } = await execFileP('mariadb', [`--defaults-file=${tb.db.myCnf}`, '-N', '-B', '-e', 'SELECT CURRENT_USER(), COUNT(*) FROM shop.nokey']);
    expect(stdout.trim().split('\t')).toEqual([`${tb.mariadb.adminUser}@127.0.0.1`, '100']);
    // As hdtest with its HOME: the client finds ~/.my.cnf by itself (what Hostdeck does over SSH).
    const asUser = await execFileP('runuser', ['-u', hdtest.name, '--', 'env', `HOME=${hdtest.home}`, 'mariadb', '-N', '-B', '-e', 'SELECT CURRENT_USER()'], { cwd: '/' });
    expect(asUser.stdout.trim()).toBe(`${tb.mariadb.adminUser}@127.0.0.1`);
  });
});

describe('seedDatabases', () => {
  it('is a no-op when the data is there, and quick', async () => {
    const t = performance.now();
    const r = await seedDatabases(tb.mariadb, await ensureTestUser());
    const ms = performance.now() - t;
    expect(r.built).toEqual([]);
    expect(r.seededVersion).toBe(tb.db.seededVersion);
    expect(ms).toBeLessThan(2000);
  });
});
