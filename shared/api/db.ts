// The database browser: MySQL/MariaDB on every server, reached through the server's SSH
// connection (never exposed). Identifiers travel as plain strings and are escaped by the driver
// where they reach SQL; values travel as Cells.
import { z } from 'zod';
import { ServerId } from '../domain';
import { AccountChange, AccountPreview, MysqlHost, MysqlUserName } from '../mysql-accounts';
import { ok } from './common';

const Ident = z
  .string()
  .min(1, 'A name is required')
  .max(64, 'MySQL names are at most 64 characters')
  .refine((v) => !/[\u0000]/.test(v), 'Names must not contain NUL');
const Id = z.string().uuid();
/** A file on the computer running Hostdeck: absolute, or ~/… (the core resolves it to its user's home). */
const isFilePath = (v: string) => v.startsWith('/') || v.startsWith('~/');

/** How the core logs in to a server's MySQL. The password (login) lives in the keychain. */
export const DbAccess = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('login'),
    user: z.string().min(1, 'User is required').max(80).refine((v) => !/[\u0000-\u001f]/.test(v), 'User must not contain control characters'),
    /** Where MySQL listens, as the server sees it: TCP on its loopback, or a unix socket. */
    host: z.string().max(253).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(3306),
    socketPath: z.string().max(4096).startsWith('/', 'Socket path must be absolute').nullable().default(null),
  }),
  /** Read user, password, host/port/socket from the SSH user's ~/.my.cnf ([client]) over SSH. */
  z.object({ source: z.literal('mycnf') }),
]);
export type DbAccess = z.infer<typeof DbAccess>;

/**
 * One value of a result, JSON-safe and faithful: null is NULL (not ''), numbers that JSON would
 * round (BIGINT, DECIMAL) stay strings, binary is hex with its size, long text is cut with its
 * full length (fetch the whole value with db.cell).
 */
export const Cell = z.union([
  z.null(),
  z.string(),
  z.number(),
  /** `wkt`: a GEOMETRY value as text (SRID=n; in front unless 0), cut with "…" when `truncated`. */
  z.object({ kind: z.literal('binary'), hex: z.string(), size: z.number(), truncated: z.boolean(), wkt: z.string().optional() }),
  z.object({ kind: z.literal('text'), preview: z.string(), length: z.number() }),
]);
export type Cell = z.infer<typeof Cell>;

export const Column = z.object({
  name: z.string(),
  /** The full column type, e.g. "varchar(64)", "decimal(10,2) unsigned". */
  type: z.string(),
  nullable: z.boolean(),
  key: z.enum(['PRI', 'UNI', 'MUL', '']),
  default: z.string().nullable(),
  extra: z.string(),
});
export type Column = z.infer<typeof Column>;

export const Filter = z.object({
  column: Ident,
  op: z.enum(['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE', 'IS NULL', 'IS NOT NULL', 'IN']),
  /** Ignored by IS [NOT] NULL; a list for IN. */
  value: z.union([z.string().max(65_535), z.array(z.string().max(65_535)).max(1000)]).optional(),
});
export type Filter = z.infer<typeof Filter>;

const TableRef = { serverId: ServerId, database: Ident, table: Ident };

export const PageRequest = z
  .object({
    ...TableRef,
    pageSize: z.number().int().min(1).max(5000).default(100),
    /** Keyset paging: the key values of the last row of the previous page (primary-key tables). */
    after: z.array(Cell).nullable().default(null),
    /** Offset paging (tables without a usable key, or a jump to row N). */
    offset: z.number().int().min(0).max(1e12).default(0),
    sort: z.object({ column: Ident, dir: z.enum(['asc', 'desc']) }).nullable().default(null),
    filters: z.array(Filter).max(50).default([]),
    /** A raw WHERE condition typed by the user; refused in read-only mode if it could write. */
    where: z.string().max(65_535).nullable().default(null),
  })
  .strict();
export type PageRequest = z.infer<typeof PageRequest>;

export const Edit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), key: z.record(z.string(), Cell), set: z.record(z.string(), Cell) }),
  z.object({ kind: z.literal('insert'), values: z.record(z.string(), Cell) }),
  z.object({ kind: z.literal('delete'), key: z.record(z.string(), Cell) }),
]);
export type Edit = z.infer<typeof Edit>;

export const ResultSet = z.object({
  statement: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(Cell)),
  /** True when the server-side cap stopped the rows (the note says how many were kept). */
  capped: z.boolean(),
  affectedRows: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
});
export type ResultSet = z.infer<typeof ResultSet>;

export const AuditEntry = z.object({
  at: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  database: z.string().nullable(),
  statement: z.string(),
  rows: z.number().nullable(),
  durationMs: z.number(),
  outcome: z.enum(['ok', 'error', 'refused', 'cancelled']),
  error: z.string().nullable(),
  /** Set on a queue task's outcome (its title is the statement): the task, its kind and how it ended. */
  task: z.object({ id: z.string(), kind: z.string(), status: z.enum(['done', 'failed', 'skipped', 'cancelled']) }).optional(),
  /** The hash chain's links (absent on entries written before the chain started). */
  seq: z.number().optional(),
  prev: z.string().optional(),
  hash: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** What walking the audit's hash chain found: how many entries hold, and the first that does not. */
export const AuditVerdict = z.object({
  verified: z.number(),
  /** Entries written by an earlier version, before the chain started. */
  beforeChain: z.number(),
  /** Lines cut short by a crash mid-write, which the chain runs on across. */
  torn: z.number(),
  broken: z
    .object({
      /** 0-based line (or row) of the log, oldest first. */
      index: z.number(),
      at: z.string().nullable(),
      problem: z.enum(['changed', 'removed', 'inserted', 'reordered']),
      detail: z.string(),
    })
    .nullable(),
});
export type AuditVerdict = z.infer<typeof AuditVerdict>;

export const Job = z.object({ jobId: Id });

/** Access and the tree (servers -> databases -> tables -> columns), fleet-wide search. */
export const dbTreeApi = {
  'db.getAccess': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ access: DbAccess.nullable(), hasPassword: z.boolean(), readOnly: z.boolean() }),
  },
  'db.setAccess': {
    input: z.object({ serverId: ServerId, access: DbAccess, password: z.string().max(1024).optional(), readOnly: z.boolean() }).strict(),
    output: ok,
  },
  'db.databases': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.array(z.object({ name: z.string(), sizeBytes: z.number(), tables: z.number() })),
  },
  'db.tables': {
    input: z.object({ serverId: ServerId, database: Ident }).strict(),
    output: z.array(z.object({ name: z.string(), kind: z.enum(['table', 'view']), engine: z.string().nullable(), rowsEstimate: z.number().nullable(), sizeBytes: z.number().nullable() })),
  },
  'db.columns': {
    input: z.object(TableRef).strict(),
    output: z.object({
      columns: z.array(Column),
      /** The key used for keyset paging and edits (primary, else first unique NOT NULL); null = read-only. */
      key: z.array(z.string()).nullable(),
      readOnlyReason: z.string().nullable(),
    }),
  },
  /** Fleet-wide: databases, tables, columns and MySQL users matching the text, on every server with access. */
  'db.search': {
    input: z.object({ query: z.string().min(1).max(64) }).strict(),
    output: z.object({
      hits: z.array(z.object({ serverId: z.string(), kind: z.enum(['database', 'table', 'column', 'user']), database: z.string().nullable(), table: z.string().nullable(), name: z.string() })),
      /** Servers that could not be searched, with why. */
      failed: z.array(z.object({ serverId: z.string(), reason: z.string() })),
    }),
  },
} as const;

/** Browsing a table: keyset paging, sort, filters, counts, full cells, staged edits. */
export const dbBrowseApi = {
  'db.page': {
    input: PageRequest,
    output: z.object({
      columns: z.array(Column),
      rows: z.array(z.array(Cell)),
      /** Pass as `after` for the next page (keyset); null at the end or without a key. */
      next: z.array(Cell).nullable(),
      /** True when rows follow this page (in any paging mode: with a sort on another column, ask for offset + pageSize). */
      more: z.boolean(),
      /** Estimated total rows (exact: db.count). */
      estimate: z.number().nullable(),
      key: z.array(z.string()).nullable(),
      durationMs: z.number(),
    }),
  },
  'db.count': {
    input: PageRequest.pick({ serverId: true, database: true, table: true, filters: true, where: true }),
    output: z.object({ count: z.number() }),
  },
  /** The full value of one cell (long text, large binary) by the row's key. */
  'db.cell': {
    input: z.object({ ...TableRef, key: z.record(z.string(), Cell), column: Ident }).strict(),
    output: z.object({ value: Cell }),
  },
  /** Staged edits: preview returns the exact SQL; apply runs it in one transaction. */
  'db.applyEdits': {
    input: z.object({ ...TableRef, edits: z.array(Edit).min(1).max(10_000), preview: z.boolean() }).strict(),
    output: z.object({ sql: z.array(z.string()), applied: z.boolean(), affectedRows: z.number() }),
  },
} as const;

/** The SQL editor: statements with a result each, cancel, history per server. */
export const dbQueryApi = {
  'db.query': {
    input: z.object({ queryId: Id, serverId: ServerId, database: Ident.nullable(), sql: z.string().min(1).max(1_000_000), maxRows: z.number().int().min(1).max(100_000).default(1000) }).strict(),
    output: z.object({ results: z.array(ResultSet), cancelled: z.boolean() }),
  },
  'db.cancel': { input: z.object({ queryId: Id }).strict(), output: ok },
  'db.history': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.array(z.object({ at: z.string(), database: z.string().nullable(), sql: z.string() })),
  },
} as const;

/** Export and import, streamed with progress (db.progress events) and cancel. */
export const dbTransferApi = {
  /** Streams a table or a query result to a file; progress as db.progress events. */
  'db.export': {
    input: z
      .object({
        jobId: Id,
        serverId: ServerId,
        database: Ident,
        source: z.union([z.object({ table: Ident }), z.object({ sql: z.string().min(1).max(1_000_000) })]),
        format: z.enum(['csv', 'json', 'sql']),
        path: z.string().min(1).max(4096).refine(isFilePath, 'Choose an absolute file path (or ~/…)'),
      })
      .strict(),
    output: z.object({ rows: z.number(), bytes: z.number(), cancelled: z.boolean(), durationMs: z.number() }),
  },
  /** Runs a .sql file statement by statement; stops at the first error and names it. */
  'db.import': {
    input: z.object({ jobId: Id, serverId: ServerId, database: Ident, path: z.string().min(1).max(4096).refine(isFilePath, 'Choose an absolute file path (or ~/…)') }).strict(),
    output: z.object({
      statements: z.number(),
      cancelled: z.boolean(),
      failed: z.object({ index: z.number(), line: z.number(), statement: z.string(), error: z.string() }).nullable(),
    }),
  },
  'db.cancelJob': { input: Job.strict(), output: ok },
} as const;

/** Server views: process list with kill, status and variables, users and grants. */
export const dbServerApi = {
  'db.processList': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.array(z.object({ id: z.number(), user: z.string(), host: z.string(), db: z.string().nullable(), command: z.string(), time: z.number(), state: z.string().nullable(), info: z.string().nullable() })),
  },
  'db.kill': { input: z.object({ serverId: ServerId, id: z.number().int().min(1), queryOnly: z.boolean() }).strict(), output: ok },
  'db.status': {
    input: z.object({ serverId: ServerId, kind: z.enum(['status', 'variables']) }).strict(),
    output: z.array(z.object({ name: z.string(), value: z.string() })),
  },
  /** Every account with its grants as SHOW GRANTS words them (hashes masked) and its database and table privileges. */
  'db.users': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.array(
      z.object({
        user: z.string(),
        host: z.string(),
        grants: z.array(z.string()),
        /** From mysql.db (`table` null; `database` is the stored pattern, `\_` for a literal `_`) and mysql.tables_priv. */
        privileges: z.array(z.object({ database: z.string(), table: z.string().nullable(), privileges: z.array(z.string()) })),
      }),
    ),
  },
  /** The exact statements an account change (or a drop) would run, passwords masked; nothing runs. */
  'db.accountPreview': {
    input: z.object({ serverId: ServerId, change: AccountPreview }).strict(),
    output: z.object({ statements: z.array(z.string()) }),
  },
  /**
   * Runs an account change (create, password, grant, revoke); refused in support mode and on
   * read-only servers. `password`: the one generated when none was typed, returned once.
   */
  'db.accountChange': {
    input: z.object({ serverId: ServerId, change: AccountChange }).strict(),
    output: z.object({ statements: z.array(z.string()), password: z.string().nullable() }),
  },
  /** Drops an account; `confirm` must repeat it as user@host. */
  'db.dropAccount': {
    input: z.object({ serverId: ServerId, user: MysqlUserName, host: MysqlHost, confirm: z.string().max(400) }).strict(),
    output: z.object({ statements: z.array(z.string()) }),
  },
} as const;

/** The audit log of every statement sent to a customer database. */
export const dbAuditApi = {
  'db.audit': {
    input: z.object({ serverId: ServerId.nullable(), limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
    output: z.array(AuditEntry),
  },
  'db.exportAudit': {
    input: z.object({ path: z.string().min(1).max(4096).refine(isFilePath, 'Choose an absolute file path (or ~/…)') }).strict(),
    output: z.object({ entries: z.number() }),
  },
  'db.verifyAudit': {
    input: z.object({}).strict(),
    output: AuditVerdict,
  },
} as const;
