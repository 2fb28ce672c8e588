// Test data in the testbed's MariaDB (for the database browser) and hdtest's ~/.my.cnf.
//
// seedDatabases() runs in startTestbed after MariaDB is up, on every start: it is idempotent and
// fast when the data is there (one connection, one query over information_schema, the users'
// passwords and grants re-applied: a few tens of ms). Each part carries a marker comment, written
// last, when the part is complete:
//   shop.orders, shop.nokey, shop.types_demo        table comment    "hostdeck-seed <part> v<N>"
//   the hostile database, cust_alpha/beta/gamma      database comment "hostdeck-seed <part> v<N>"
// A part whose marker is missing or has another version is dropped and built again (a part cut off
// half-way has no marker). Change a part's content => bump its entry in PART_VERSIONS and
// DB_SEED_VERSION. Data changed by a test without touching the marker is NOT detected: tests that
// write put things back, or work on their own tables.
//
// What is there (DbSeedInfo is the summary in TestbedInfo.db):
//   shop.orders      1,000,000 rows, id 1..1000000, content a function of id (expectedOrder):
//                      h          = (id * 2654435761) mod 2^32                 (Knuth's multiplicative hash)
//                      customer   = 'customer-' + zero-padded 5 digits of (h mod 10007)      [indexed]
//                      email      = FIRST[h mod 8] + '.' + id + '@' + DOMAINS[(h div 8) mod 5] [not indexed]
//                      amount     = ((h div 16) mod 100000) / 100, DECIMAL(10,2)            [not indexed]
//                      status     = STATUSES[(h div 64) mod 4]
//                      created_at = 2020-01-01 00:00:00 + (id*90 + h mod 60) s  (grows with id) [indexed]
//                      note       = id mod 10 = 0   -> NULL
//                                   id mod 10 = 5   -> ''
//                                   id mod 1000 = 7 -> 'Long note #<id>: ' + 60 x 'The quick brown fox
//                                                      jumps over the lazy dog. ' (> 2,700 bytes)
//                                   id mod 100 = 3  -> 'Grüße aus Köln — заказ №<id> 🚀✅ 日本語'
//                                   otherwise       -> PHRASES[h mod 5]
//   shop.nokey       100 rows, no primary/unique key, no index; row n (1..100) = nokeyRow(n), only
//                    40 distinct rows (n and n+40 and n+80 are equal).
//   shop.types_demo  one column per MariaDB type family (TYPE_COLUMNS below, INET4/INET6/UUID when the
//                    server has them; TestbedInfo.db.typesDemo.columns lists what was created) plus a
//                    generated column; 5 rows: min, max, nulls, hostile (emoji, NUL bytes, HTML,
//                    quotes, 2^53+1), typical (with a 1x1 PNG in a blob).
//   HOSTILE_DB       a database whose name has a quote, a backtick, a dot, spaces, accents, a BMP
//                    symbol and LIKE wildcards (MariaDB refuses 4-byte characters such as emoji in
//                    identifiers: "Invalid utf8mb4 character string"); tables HOSTILE_TABLES (reserved
//                    words, backticks, case twins, a 64-character name, ...) with columns
//                    HOSTILE_COLUMNS (one of them named NULL), 3 rows each, and a view.
//   cust_alpha, cust_beta, cust_gamma (no tables): customer databases, each with its own user
//                    (@localhost and @127.0.0.1: the server runs with skip-name-resolve, so TCP
//                    clients are 127.0.0.1) holding ALL on its database; support_ro has SELECT on
//                    `cust\_%`.*. Passwords: secrets.json in the state folder (dbUsers).
//   ~hdtest/.my.cnf  [client] with the admin login (host, port, user, password), owner hdtest, 0600.
import * as fs from 'node:fs';
import mysql from 'mysql2/promise';
import type { MariadbInfo } from './mariadb';
import type { UserInfo } from './users';
import { dbUserPassword, writeIfChanged } from './util';

/** Bumped whenever any part below changes (together with that part's PART_VERSIONS entry). */
export const DB_SEED_VERSION = 1;
const PART_VERSIONS = { orders: 1, nokey: 1, types_demo: 1, hostile: 1, cust_alpha: 1, cust_beta: 1, cust_gamma: 1 } as const;
type Part = keyof typeof PART_VERSIONS;
const marker = (part: Part): string => `hostdeck-seed ${part} v${PART_VERSIONS[part]}`;

export interface DbSeedInfo {
  /** DB_SEED_VERSION of the data. */
  seededVersion: number;
  /** The 1M-row table (content: expectedOrder(id)). */
  orders: { database: string; table: string; rows: number; indexed: string[]; unindexed: string[] };
  /** No key at all, duplicate rows (content: nokeyRow(n)). */
  nokey: { database: string; table: string; rows: number; distinctRows: number };
  /** One column per type family; `columns` are the ones actually created (INET4/INET6/UUID only when supported). */
  typesDemo: { database: string; table: string; rows: number; columns: { name: string; type: string }[] };
  /** Nasty names: database, its tables, the columns each table has, its views. */
  hostile: { database: string; tables: string[]; columns: string[]; views: string[] };
  /** Customer databases, each with a user holding ALL on it (hosts: both 'localhost' and '127.0.0.1'). */
  customers: { database: string; user: string; password: string; tables: string[] }[];
  /** SELECT on every customer database (grant on the pattern `cust\_%`.*). */
  readOnly: { user: string; password: string; grant: string };
  /** ~hdtest/.my.cnf: [client] user/password/host/port of the admin login (mariadb.adminUser). */
  myCnf: string;
}

// ---- shop.orders ----------------------------------------------------------------------------

export const ORDERS = { database: 'shop', table: 'orders', rows: 1_000_000 } as const;
export const ORDER_FIRST_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'] as const;
export const ORDER_DOMAINS = ['example.com', 'example.org', 'mail.test', 'shop.invalid', 'post.example'] as const;
export const ORDER_STATUSES = ['new', 'paid', 'shipped', 'cancelled'] as const;
export const ORDER_PHRASES = ['leave at the door', 'call before delivery', 'gift wrap please', 'fragile', 'express'] as const;
const LONG_NOTE_TAIL = 'The quick brown fox jumps over the lazy dog. '.repeat(60);
const UNICODE_NOTE = (id: number) => `Grüße aus Köln — заказ №${id} 🚀✅ 日本語`;

export interface ExpectedOrder {
  id: number;
  customer: string;
  email: string;
  /** As MariaDB prints it (mysql2 returns DECIMAL as this string). */
  amount: string;
  status: (typeof ORDER_STATUSES)[number];
  /** 'YYYY-MM-DD HH:MM:SS' (DATETIME, no time zone; mysql2 with dateStrings: true). */
  created_at: string;
  note: string | null;
}

/** h = (id * 2654435761) mod 2^32 (exact in doubles for id <= 1M). */
export function orderHash(id: number): number {
  return (id * 2654435761) % 4294967296;
}

/** The row shop.orders holds for id (1..1,000,000): see the formulas at the top of this file. */
export function expectedOrder(id: number): ExpectedOrder {
  const h = orderHash(id);
  const cents = Math.floor(h / 16) % 100000;
  const created = new Date(Date.UTC(2020, 0, 1) + (id * 90 + (h % 60)) * 1000);
  return {
    id,
    customer: `customer-${String(h % 10007).padStart(5, '0')}`,
    email: `${ORDER_FIRST_NAMES[h % 8]}.${id}@${ORDER_DOMAINS[Math.floor(h / 8) % 5]}`,
    amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    status: ORDER_STATUSES[Math.floor(h / 64) % 4]!,
    created_at: created.toISOString().slice(0, 19).replace('T', ' '),
    note: expectedOrderNote(id, h),
  };
}

function expectedOrderNote(id: number, h: number): string | null {
  if (id % 10 === 0) return null;
  if (id % 10 === 5) return '';
  if (id % 1000 === 7) return `Long note #${id}: ${LONG_NOTE_TAIL}`;
  if (id % 100 === 3) return UNICODE_NOTE(id);
  return ORDER_PHRASES[h % 5]!;
}

function ordersSql(): string[] {
  const list = (xs: readonly string[]) => xs.map(lit).join(', ');
  return [
    `DROP TABLE IF EXISTS shop.orders`,
    `CREATE TABLE shop.orders (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      customer VARCHAR(64) NOT NULL,
      email VARCHAR(128) NOT NULL,
      amount DECIMAL(10,2) NOT NULL,
      status ENUM(${list(ORDER_STATUSES)}) NOT NULL,
      created_at DATETIME NOT NULL,
      note TEXT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
    // Measured here: the plain insert into a table with only its primary key, then both secondary
    // indexes in one ALTER (sorted build), beats InnoDB's empty-table bulk path (unique_checks=0)
    // and inserting with the indexes in place (about 5 s against 7-8 s on a loaded 2-CPU box).
    `INSERT INTO shop.orders (id, customer, email, amount, status, created_at, note)
     SELECT id,
       CONCAT('customer-', LPAD(h % 10007, 5, '0')),
       CONCAT(ELT(1 + h % 8, ${list(ORDER_FIRST_NAMES)}), '.', id, '@', ELT(1 + (h DIV 8) % 5, ${list(ORDER_DOMAINS)})),
       ((h DIV 16) % 100000) / 100,
       ELT(1 + (h DIV 64) % 4, ${list(ORDER_STATUSES)}),
       TIMESTAMP'2020-01-01 00:00:00' + INTERVAL (id * 90 + h % 60) SECOND,
       CASE WHEN id % 10 = 0 THEN NULL
            WHEN id % 10 = 5 THEN ''
            WHEN id % 1000 = 7 THEN CONCAT('Long note #', id, ': ', ${lit(LONG_NOTE_TAIL)})
            WHEN id % 100 = 3 THEN CONCAT('Grüße aus Köln — заказ №', id, ' 🚀✅ 日本語')
            ELSE ELT(1 + h % 5, ${list(ORDER_PHRASES)}) END
     FROM (SELECT seq AS id, (seq * 2654435761) % 4294967296 AS h FROM shop.seq_1_to_${ORDERS.rows}) s`,
    `ALTER TABLE shop.orders ADD KEY idx_customer (customer), ADD KEY idx_created_at (created_at), COMMENT = ${lit(marker('orders'))}`,
  ];
}

// ---- shop.nokey -----------------------------------------------------------------------------

export const NOKEY = { database: 'shop', table: 'nokey', rows: 100, distinctRows: 40 } as const;

/** Row n (1..100) of shop.nokey: k = n mod 40 decides everything, so n, n+40, n+80 are equal. */
export function nokeyRow(n: number): { sku: string; qty: number; label: string | null } {
  const k = n % 40;
  return { sku: `SKU-${String(k).padStart(3, '0')}`, qty: k % 7, label: k % 9 === 0 ? null : `item ${k}` };
}

function nokeySql(): string[] {
  return [
    `DROP TABLE IF EXISTS shop.nokey`,
    `CREATE TABLE shop.nokey (sku VARCHAR(16) NOT NULL, qty INT NOT NULL, label VARCHAR(32) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO shop.nokey SELECT CONCAT('SKU-', LPAD(seq % 40, 3, '0')), seq % 40 % 7, IF(seq % 40 % 9 = 0, NULL, CONCAT('item ', seq % 40)) FROM shop.seq_1_to_100`,
    `ALTER TABLE shop.nokey COMMENT = ${lit(marker('nokey'))}`,
  ];
}

// ---- shop.types_demo ------------------------------------------------------------------------

/** Column name, its type as created, and `needs`: the data type plugin it needs (skipped when absent). */
const TYPE_COLUMNS: { name: string; type: string; needs?: string }[] = [
  { name: 'id', type: 'INT UNSIGNED NOT NULL PRIMARY KEY' },
  { name: 'label', type: 'VARCHAR(16) NOT NULL' },
  { name: 't_tinyint', type: 'TINYINT' },
  { name: 't_tinyint_u', type: 'TINYINT UNSIGNED' },
  { name: 't_bool', type: 'BOOLEAN' },
  { name: 't_smallint', type: 'SMALLINT' },
  { name: 't_smallint_u', type: 'SMALLINT UNSIGNED' },
  { name: 't_mediumint', type: 'MEDIUMINT' },
  { name: 't_mediumint_u', type: 'MEDIUMINT UNSIGNED' },
  { name: 't_int', type: 'INT' },
  { name: 't_int_u', type: 'INT UNSIGNED' },
  { name: 't_bigint', type: 'BIGINT' },
  { name: 't_bigint_u', type: 'BIGINT UNSIGNED' },
  { name: 't_decimal', type: 'DECIMAL(20,6)' },
  { name: 't_float', type: 'FLOAT' },
  { name: 't_double', type: 'DOUBLE' },
  { name: 't_bit', type: 'BIT(8)' },
  { name: 't_bit1', type: 'BIT(1)' },
  { name: 't_date', type: 'DATE' },
  { name: 't_time', type: 'TIME' },
  { name: 't_datetime', type: 'DATETIME(6)' },
  { name: 't_timestamp', type: 'TIMESTAMP NULL' },
  { name: 't_year', type: 'YEAR' },
  { name: 't_char', type: 'CHAR(10)' },
  { name: 't_varchar', type: 'VARCHAR(255)' },
  { name: 't_varchar_latin1', type: 'VARCHAR(64) CHARACTER SET latin1' },
  { name: 't_tinytext', type: 'TINYTEXT' },
  { name: 't_text', type: 'TEXT' },
  { name: 't_mediumtext', type: 'MEDIUMTEXT' },
  { name: 't_longtext', type: 'LONGTEXT' },
  { name: 't_binary', type: 'BINARY(8)' },
  { name: 't_varbinary', type: 'VARBINARY(64)' },
  { name: 't_tinyblob', type: 'TINYBLOB' },
  { name: 't_blob', type: 'BLOB' },
  { name: 't_mediumblob', type: 'MEDIUMBLOB' },
  { name: 't_longblob', type: 'LONGBLOB' },
  { name: 't_enum', type: "ENUM('small','medium','large','x-large')" },
  { name: 't_set', type: "SET('red','green','blue')" },
  { name: 't_json', type: 'JSON' },
  { name: 't_geometry', type: 'GEOMETRY' },
  { name: 't_point', type: 'POINT' },
  { name: 't_inet4', type: 'INET4', needs: 'inet4' },
  { name: 't_inet6', type: 'INET6', needs: 'inet6' },
  { name: 't_uuid', type: 'UUID', needs: 'uuid' },
  // Computed by the server: a browser must not try to write it.
  { name: 't_generated', type: 'BIGINT AS (t_int * 2) VIRTUAL' },
];

/** A 1x1 PNG (red, opaque), stored in t_mediumblob of the 'typical' row. */
export const TINY_PNG_HEX = '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082';

/**
 * The rows of shop.types_demo as SQL literals (columns left out are NULL). Row 3 ('nulls') is NULL
 * everywhere but id and label.
 */
const TYPE_ROWS: Record<string, string>[] = [
  {
    id: '1', label: "'min'",
    t_tinyint: '-128', t_tinyint_u: '0', t_bool: '0', t_smallint: '-32768', t_smallint_u: '0', t_mediumint: '-8388608', t_mediumint_u: '0',
    t_int: '-2147483648', t_int_u: '0', t_bigint: '-9223372036854775808', t_bigint_u: '0',
    t_decimal: '-99999999999999.999999', t_float: '-3.40282e38', t_double: '-1.7976931348623157e308', t_bit: "b'00000000'", t_bit1: "b'0'",
    t_date: "'1000-01-01'", t_time: "'-838:59:59'", t_datetime: "'1000-01-01 00:00:00.000000'", t_timestamp: "'1970-01-01 00:00:01'", t_year: '1901',
    t_char: "''", t_varchar: "''", t_varchar_latin1: "''", t_tinytext: "''", t_text: "''", t_mediumtext: "''", t_longtext: "''",
    t_binary: "x'0000000000000000'", t_varbinary: "x''", t_tinyblob: "x''", t_blob: "x''", t_mediumblob: "x''", t_longblob: "x''",
    t_enum: "'small'", t_set: "''", t_json: "'{}'", t_geometry: "ST_GeomFromText('POINT(0 0)')", t_point: "POINT(-180, -90)",
    t_inet4: "'0.0.0.0'", t_inet6: "'::'", t_uuid: "'00000000-0000-0000-0000-000000000000'",
  },
  {
    id: '2', label: "'max'",
    t_tinyint: '127', t_tinyint_u: '255', t_bool: '1', t_smallint: '32767', t_smallint_u: '65535', t_mediumint: '8388607', t_mediumint_u: '16777215',
    t_int: '2147483647', t_int_u: '4294967295', t_bigint: '9223372036854775807', t_bigint_u: '18446744073709551615',
    t_decimal: '99999999999999.999999', t_float: '3.40282e38', t_double: '1.7976931348623157e308', t_bit: "b'11111111'", t_bit1: "b'1'",
    t_date: "'9999-12-31'", t_time: "'838:59:59'", t_datetime: "'9999-12-31 23:59:59.999999'", t_timestamp: "'2038-01-19 03:14:07'", t_year: '2155',
    t_char: "'ZZZZZZZZZZ'", t_varchar: `REPEAT('v', 255)`, t_varchar_latin1: `REPEAT('ÿ', 64)`, t_tinytext: `REPEAT('t', 255)`,
    t_text: `REPEAT('text ', 13107)`, t_mediumtext: `REPEAT('medium text ✓\n', 20000)`, t_longtext: `REPEAT('long text line ✓\n', 100000)`,
    t_binary: "x'FFFFFFFFFFFFFFFF'", t_varbinary: `REPEAT(x'FF', 64)`, t_tinyblob: `REPEAT(x'AB', 255)`, t_blob: `REPEAT(x'00FF', 32767)`,
    t_mediumblob: `REPEAT(x'DEADBEEF', 100000)`, t_longblob: `REPEAT(x'0001020304050607', 250000)`,
    t_enum: "'x-large'", t_set: "'red,green,blue'", t_json: `'{"a":[1,2,{"b":[3,4,{"c":"deep"}]}],"n":1.5e300,"t":true,"f":false,"z":null}'`,
    t_geometry: "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))')", t_point: 'POINT(180, 90)',
    t_inet4: "'255.255.255.255'", t_inet6: "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", t_uuid: "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
  },
  { id: '3', label: "'nulls'" },
  {
    id: '4', label: "'hostile'",
    t_tinyint: '0', t_int: '-1', t_bigint_u: '9007199254740993', // 2^53 + 1: not a JS number
    t_decimal: '0.000001', t_float: '0.1', t_double: '0.1', t_bit: "b'10100101'", t_bit1: "b'1'",
    t_date: "'0000-00-00'", t_time: "'-00:00:01'", t_datetime: "'2024-02-29 23:59:59.123456'", t_timestamp: "'2024-03-31 01:30:00'", t_year: '0',
    t_char: "'pad   '", // CHAR drops the trailing spaces on read
    t_varchar: `'emoji 🚀 family 👨‍👩‍👧 rtl مرحبا <script>alert(1)</script> \\'quote\\' "dq" back\\\\slash tab\\tnewline\\nNUL\\0end'`,
    t_varchar_latin1: "'Grüße, naïve café'",
    t_tinytext: "'NULL'", // the string, not NULL
    t_text: "'line 1\\r\\nline 2\\rline 3\\n'", t_mediumtext: "'  spaces around  '", t_longtext: `'${'🚀'.repeat(1000)}'`,
    t_binary: "x'0001020300FFFEFD'", t_varbinary: "x'00'", t_tinyblob: "x'00000000'", t_blob: "x'00FF00FE0D0A1A5C27225C00'",
    t_mediumblob: "_utf8mb4'text in a blob: ✓'", t_longblob: "x'EFBBBF3C3F786D6C3F3E'",
    t_enum: "'medium'", t_set: "'blue,red'", t_json: `'{"emoji":"🚀","quote":"\\\\"q\\\\"","nul":"\\\\u0000","html":"<b>x</b>","unicode":"日本語"}'`,
    t_geometry: "ST_GeomFromText('LINESTRING(0 0,1 1,2 0)')", t_point: 'POINT(13.405, 52.52)',
    t_inet4: "'192.0.2.1'", t_inet6: "'::ffff:192.0.2.1'", t_uuid: "'123e4567-e89b-12d3-a456-426614174000'",
  },
  {
    id: '5', label: "'typical'",
    t_tinyint: '42', t_tinyint_u: '200', t_bool: '1', t_smallint: '1234', t_smallint_u: '40000', t_mediumint: '-123456', t_mediumint_u: '9000000',
    t_int: '123456789', t_int_u: '3000000000', t_bigint: '-1234567890123', t_bigint_u: '12345678901234567890',
    t_decimal: '1234.500000', t_float: '3.14159', t_double: '2.718281828459045', t_bit: "b'00001111'", t_bit1: "b'0'",
    t_date: "'2024-06-15'", t_time: "'13:45:30'", t_datetime: "'2024-06-15 13:45:30.250000'", t_timestamp: "'2024-06-15 13:45:30'", t_year: '2024',
    t_char: "'ABC'", t_varchar: "'Hello, world'", t_varchar_latin1: "'plain'", t_tinytext: "'tiny'", t_text: "'Some text.'",
    t_mediumtext: "'Medium text.'", t_longtext: "'Long text.'",
    t_binary: "x'4142434400000000'", t_varbinary: "x'48656C6C6F'", t_tinyblob: "x'01'", t_blob: "x'0102'", t_mediumblob: `x'${TINY_PNG_HEX}'`,
    t_longblob: "x'1F8B'", t_enum: "'large'", t_set: "'green'", t_json: `'[1,"two",{"three":3}]'`,
    t_geometry: "ST_GeomFromText('MULTIPOINT(1 1,2 2)')", t_point: 'POINT(2.3522, 48.8566)',
    t_inet4: "'10.0.0.1'", t_inet6: "'2001:db8::1'", t_uuid: "'550e8400-e29b-41d4-a716-446655440000'",
  },
];

export const TYPES_DEMO = { database: 'shop', table: 'types_demo', rows: TYPE_ROWS.length, labels: ['min', 'max', 'nulls', 'hostile', 'typical'] } as const;

function typesDemoColumns(plugins: Set<string>): { name: string; type: string }[] {
  return TYPE_COLUMNS.filter((c) => !c.needs || plugins.has(c.needs)).map(({ name, type }) => ({ name, type }));
}

function typesDemoSql(plugins: Set<string>): string[] {
  const cols = typesDemoColumns(plugins);
  const stored = cols.filter((c) => !/ AS \(/.test(c.type)).map((c) => c.name);
  return [
    `DROP TABLE IF EXISTS shop.types_demo`,
    `CREATE TABLE shop.types_demo (${cols.map((c) => `${qi(c.name)} ${c.type}`).join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ...TYPE_ROWS.map((row) => `INSERT INTO shop.types_demo (${stored.map(qi).join(', ')}) VALUES (${stored.map((c) => row[c] ?? 'NULL').join(', ')})`),
    `ALTER TABLE shop.types_demo COMMENT = ${lit(marker('types_demo'))}`,
  ];
}

// ---- the hostile database -------------------------------------------------------------------

/** Quote, backtick, dot, spaces, accents, a BMP symbol, LIKE wildcards (no emoji: MariaDB refuses them in names). */
export const HOSTILE_DB = "hd we'ird`db.dönnées ☃ %_";
export const HOSTILE_TABLES = [
  'select',
  'order',
  'table with spaces',
  'back`tick',
  'tâble ünïcode ☃',
  `it's "quoted"`,
  '100%_sure',
  'a.b',
  'x; DROP TABLE y',
  'back\\slash',
  ' leading space',
  '123',
  'Case', // and its twin: table names are case-sensitive on Linux (lower_case_table_names=0)
  'case',
  `long_${'x'.repeat(59)}`, // 64 characters, the maximum
];
/** Every hostile table has these columns (id is the primary key). Column names are case-insensitive. */
export const HOSTILE_COLUMNS = ['id', 'select', 'col with space', 'back`tick', 'ünïcödé ☃', `it's "q"`, '%_like', 'a.b', 'NULL', 'from'];
export const HOSTILE_VIEWS = ['view of `select` ☃'];

/** Row i (1..3) of a hostile table: column -> value. Column `NULL` holds 'NULL' (a string), NULL, ''. */
export function hostileRow(table: string, i: number): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = { id: i };
  for (const c of HOSTILE_COLUMNS.slice(1)) row[c] = `${c} #${i} of ${table}`;
  row.NULL = i === 1 ? 'NULL' : i === 2 ? null : '';
  return row;
}

function hostileSql(): string[] {
  const db = qi(HOSTILE_DB);
  const out = [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`];
  for (const t of HOSTILE_TABLES) {
    const cols = HOSTILE_COLUMNS.map((c) => (c === 'id' ? `${qi(c)} INT NOT NULL PRIMARY KEY` : `${qi(c)} VARCHAR(200) NULL`));
    out.push(`CREATE TABLE ${db}.${qi(t)} (${cols.join(', ')}) ENGINE=InnoDB`);
    const rows = [1, 2, 3].map((i) => hostileRow(t, i));
    out.push(`INSERT INTO ${db}.${qi(t)} (${HOSTILE_COLUMNS.map(qi).join(', ')}) VALUES ${rows.map((r) => `(${HOSTILE_COLUMNS.map((c) => lit(r[c] ?? null)).join(', ')})`).join(', ')}`);
  }
  out.push(`CREATE VIEW ${db}.${qi(HOSTILE_VIEWS[0]!)} AS SELECT ${qi('id')}, ${qi('select')}, ${qi('NULL')} FROM ${db}.${qi('select')}`);
  out.push(`ALTER DATABASE ${db} COMMENT = ${lit(marker('hostile'))}`);
  return out;
}

// ---- customer databases and users -----------------------------------------------------------

const CUSTOMER_TABLES: Record<'cust_alpha' | 'cust_beta' | 'cust_gamma', string[]> = {
  // A WordPress site.
  cust_alpha: [
    `CREATE TABLE wp_options (option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, option_name VARCHAR(191) NOT NULL UNIQUE, option_value LONGTEXT NOT NULL, autoload VARCHAR(20) NOT NULL DEFAULT 'yes')`,
    `INSERT INTO wp_options (option_name, option_value) VALUES ('siteurl', 'https://alpha.example'), ('blogname', 'Alpha Bakery'), ('admin_email', 'owner@alpha.example'), ('active_plugins', 'a:1:{i:0;s:19:"akismet/akismet.php";}')`,
    `CREATE TABLE wp_users (ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, user_login VARCHAR(60) NOT NULL, user_email VARCHAR(100) NOT NULL, user_registered DATETIME NOT NULL, KEY user_login_key (user_login))`,
    `INSERT INTO wp_users (user_login, user_email, user_registered) VALUES ('admin', 'owner@alpha.example', '2021-03-04 10:00:00'), ('editor', 'editor@alpha.example', '2022-05-06 11:30:00')`,
    `CREATE TABLE wp_posts (ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, post_author BIGINT UNSIGNED NOT NULL, post_date DATETIME NOT NULL, post_title TEXT NOT NULL, post_content LONGTEXT NOT NULL, post_status VARCHAR(20) NOT NULL DEFAULT 'publish', KEY post_author (post_author))`,
    `INSERT INTO wp_posts (post_author, post_date, post_title, post_content, post_status) SELECT 1 + seq % 2, TIMESTAMP'2023-01-01 09:00:00' + INTERVAL seq DAY, CONCAT('Post ', seq), CONCAT('<p>Content of post ', seq, '</p>'), IF(seq % 5 = 0, 'draft', 'publish') FROM seq_1_to_20`,
  ],
  // A small shop.
  cust_beta: [
    `CREATE TABLE products (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(32) NOT NULL UNIQUE, name VARCHAR(100) NOT NULL, price DECIMAL(8,2) NOT NULL)`,
    `INSERT INTO products (sku, name, price) SELECT CONCAT('B-', LPAD(seq, 4, '0')), CONCAT('Product ', seq), seq * 1.25 FROM seq_1_to_30`,
    `CREATE TABLE customers (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(128) NOT NULL, UNIQUE KEY email (email))`,
    `INSERT INTO customers (name, email) VALUES ('Ana Beta', 'ana@beta.example'), ('Ben Beta', 'ben@beta.example'), ('Zoë Beta', 'zoe@beta.example')`,
    `CREATE TABLE invoices (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT UNSIGNED NOT NULL, total DECIMAL(10,2) NOT NULL, issued DATE NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id))`,
    `INSERT INTO invoices (customer_id, total, issued) SELECT 1 + seq % 3, seq * 10, DATE'2024-01-01' + INTERVAL seq WEEK FROM seq_1_to_12`,
  ],
  // No tables at all.
  cust_gamma: [],
};
export const CUSTOMER_DATABASES = Object.keys(CUSTOMER_TABLES) as (keyof typeof CUSTOMER_TABLES)[];
export const READONLY_USER = 'support_ro';
const READONLY_GRANT = 'SELECT ON `cust\\_%`.*';
const USER_HOSTS = ['localhost', '127.0.0.1'];

function customerSql(database: keyof typeof CUSTOMER_TABLES): string[] {
  const db = qi(database);
  return [
    `DROP DATABASE IF EXISTS ${db}`,
    `CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
    `USE ${db}`,
    ...CUSTOMER_TABLES[database],
    `ALTER DATABASE ${db} COMMENT = ${lit(marker(database))}`,
  ];
}

function tablesOf(database: keyof typeof CUSTOMER_TABLES): string[] {
  return CUSTOMER_TABLES[database].flatMap((s) => /^CREATE TABLE (\w+)/.exec(s)?.[1] ?? []).sort();
}

/** Users, passwords and grants: applied at every start (cheap; repairs a changed password or grant). */
function usersSql(): string[] {
  const out: string[] = [];
  const user = (name: string, grant: string) => {
    const pw = dbUserPassword(name); // alphanumeric
    for (const h of USER_HOSTS) {
      out.push(`CREATE USER IF NOT EXISTS ${lit(name)}@${lit(h)} IDENTIFIED BY ${lit(pw)}`, `ALTER USER ${lit(name)}@${lit(h)} IDENTIFIED BY ${lit(pw)}`, `GRANT ${grant} TO ${lit(name)}@${lit(h)}`);
    }
  };
  // `_` is a wildcard in a grant's database name: escaped, as hosting panels do (`cust\_alpha`.*).
  for (const db of CUSTOMER_DATABASES) user(db, `ALL PRIVILEGES ON ${qi(db.replace(/_/g, '\\_'))}.*`);
  user(READONLY_USER, READONLY_GRANT);
  return out;
}

// ---- ~hdtest/.my.cnf ------------------------------------------------------------------------

function writeMyCnf(m: MariadbInfo, u: UserInfo): string {
  const file = `${u.home}/.my.cnf`;
  const text = `# Written by Hostdeck's testbed (testbed/seed.ts): the testbed MariaDB's admin login.
[client]
user=${m.adminUser}
password=${m.adminPassword}
host=${m.host}
port=${m.port}
`;
  writeIfChanged(file, text, 0o600);
  fs.chownSync(file, u.uid, u.gid);
  return file;
}

// ---- SQL quoting ----------------------------------------------------------------------------

/** `identifier` (backticks doubled). */
export function qi(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal (NO_BACKSLASH_ESCAPES off: backslash, quote and NUL escaped), or NULL. */
function lit(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

// ---- the entry point ------------------------------------------------------------------------

export interface SeedResult extends DbSeedInfo {
  /** The parts built this time (empty when everything was there). */
  built: string[];
}

/** Bring the seeded data, users and ~hdtest/.my.cnf up to date (see the top of this file). */
export async function seedDatabases(m: MariadbInfo, hdtest: UserInfo, log?: (line: string) => void): Promise<SeedResult> {
  const open = () =>
    mysql.createConnection({ socketPath: m.socket, user: m.adminUser, password: m.adminPassword, multipleStatements: false, charset: 'utf8mb4_general_ci', timezone: 'Z' });
  const conn = await open();
  const built: string[] = [];
  try {
    await conn.query(`SET SESSION time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'`);
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT SCHEMA_NAME AS db, NULL AS tbl, SCHEMA_COMMENT AS note FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)
       UNION ALL SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME IN (?)
       UNION ALL SELECT '', PLUGIN_NAME, '' FROM information_schema.PLUGINS WHERE PLUGIN_TYPE = 'DATA TYPE' AND PLUGIN_STATUS = 'ACTIVE'`,
      [[HOSTILE_DB, ...CUSTOMER_DATABASES], ['orders', 'nokey', 'types_demo']],
    );
    const notes = new Map(rows.filter((r) => r.db !== '').map((r) => [r.tbl === null ? `db:${r.db}` : `table:${r.tbl}`, String(r.note)]));
    const plugins = new Set(rows.filter((r) => r.db === '').map((r) => String(r.tbl).toLowerCase()));
    const stale = (part: Part, key: string) => notes.get(key) !== marker(part);

    const jobs: { part: Part; sql: string[] }[] = [];
    if (stale('nokey', 'table:nokey')) jobs.push({ part: 'nokey', sql: nokeySql() });
    if (stale('types_demo', 'table:types_demo')) jobs.push({ part: 'types_demo', sql: typesDemoSql(plugins) });
    if (stale('hostile', `db:${HOSTILE_DB}`)) jobs.push({ part: 'hostile', sql: hostileSql() });
    for (const db of CUSTOMER_DATABASES) if (stale(db, `db:${db}`)) jobs.push({ part: db, sql: customerSql(db) });
    const needShop = jobs.some((j) => j.part === 'nokey' || j.part === 'types_demo') || stale('orders', 'table:orders');
    if (needShop) await conn.query(`CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);

    // The 1M rows on a second connection, everything else meanwhile on this one.
    const orders = stale('orders', 'table:orders')
      ? (async () => {
          const t = Date.now();
          const c2 = await open();
          try {
            for (const s of ordersSql()) await c2.query(s);
          } finally {
            await c2.end();
          }
          built.push('orders');
          log?.(`shop.orders: ${ORDERS.rows} rows in ${Date.now() - t} ms`);
        })()
      : Promise.resolve();
    const rest = (async () => {
      for (const j of jobs) {
        const t = Date.now();
        for (const s of j.sql) await conn.query(s);
        built.push(j.part);
        log?.(`${j.part}: ${Date.now() - t} ms`);
      }
      for (const s of usersSql()) await conn.query(s);
    })();
    const results = await Promise.allSettled([orders, rest]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const myCnf = writeMyCnf(m, hdtest);
    return {
      seededVersion: DB_SEED_VERSION,
      orders: { ...ORDERS, indexed: ['id', 'customer', 'created_at'], unindexed: ['email', 'amount', 'status', 'note'] },
      nokey: { ...NOKEY },
      typesDemo: { database: TYPES_DEMO.database, table: TYPES_DEMO.table, rows: TYPES_DEMO.rows, columns: typesDemoColumns(plugins) },
      hostile: { database: HOSTILE_DB, tables: [...HOSTILE_TABLES], columns: [...HOSTILE_COLUMNS], views: [...HOSTILE_VIEWS] },
      customers: CUSTOMER_DATABASES.map((db) => ({ database: db, user: db, password: dbUserPassword(db), tables: tablesOf(db) })),
      readOnly: { user: READONLY_USER, password: dbUserPassword(READONLY_USER), grant: READONLY_GRANT },
      myCnf,
      built,
    };
  } finally {
    await conn.end();
  }
}
