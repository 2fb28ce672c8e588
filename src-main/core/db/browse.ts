// Browsing a table: pages (keyset on the table's key, offset jumps, sorts, filters, a raw WHERE),
// exact counts, full cells, and staged edits applied in one transaction.
//
// Every name is checked against the table's columns before any SQL is built, then escaped by
// mysql2 (escapeId with qualified names forbidden: a table called "a.b" is one name); every value
// is a parameter formatted by mysql2. Fragments are formatted one by one so that a "?" inside
// the user's raw WHERE is never taken for a placeholder. Customer statements go through
// DbSessions.run (read-only guard + audit); catalogue lookups are not audited.
import mysql from 'mysql2/promise';
import type { Cell, Column, Edit, Filter, PageRequest } from '../../../shared/api/db';
import { AppError, msg } from '../../../shared/errors';
import { decodeCell, encodeCell, selectExpr, type SqlParam } from './cells';
import { skeleton } from './guard';
import { sortedPageRows } from './sort-bound';
import type { DbSessions } from './sessions';
import type { DbTree } from './tree';

type Meta = { columns: Column[]; key: string[] | null; readOnlyReason: string | null };
type Row = Record<string, unknown>;

/** db.cell refuses values larger than this (bytes on the server). */
export const CELL_MAX_BYTES = 8 * 1024 * 1024;
/** Table metadata is reused this long (a name not found in it is looked up again at once). */
const META_TTL_MS = 15_000;

const id = (name: string) => mysql.escapeId(name, true);
const fmt = (sql: string, params: SqlParam[]) => mysql.format(sql, params as mysql.SqlValue[]);

export class DbBrowser {
  private readonly metas = new Map<string, { at: number; meta: Promise<Meta> }>();

  constructor(
    private readonly sessions: DbSessions,
    private readonly tree: DbTree,
  ) {}

  // ---- pages ------------------------------------------------------------------------------

  async page(req: PageRequest) {
    const started = performance.now();
    const names = [...req.filters.map((f) => f.column), ...(req.sort ? [req.sort.column] : [])];
    const meta = await this.meta(req.serverId, req.database, req.table, names);
    const from = `${id(req.database)}.${id(req.table)}`;
    const conds = this.conditions(meta, req.filters, req.where);
    const key = meta.key;
    const n = req.pageSize;
    const select = meta.columns.map((c, i) => `${selectExpr(c)} AS c${i}`).join(', ');
    const keyIdx = key ? key.map((k) => meta.columns.findIndex((c) => c.name === k)) : null;
    const run = (sql: string) => this.sessions.run<Row[]>(req.serverId, sql, [], { database: req.database });

    const sortColumn = req.sort ? this.column(meta, req.sort.column) : null;
    const keyOrder = key !== null && (sortColumn === null || sortColumn.name === key[0]);
    let fetchRows: () => Promise<Row[]>;
    if (keyOrder && key) {
      // Keyset paging: the key's index finds the start, so any page costs what the first does.
      const dir = req.sort?.dir ?? 'asc';
      const order = key.map((k) => `${id(k)} ${dir.toUpperCase()}`).join(', ');
      const where = [...conds];
      if (req.after) {
        where.push(keysetCondition(key, req.after, dir, false));
      } else if (req.offset > 0) {
        // A jump to row N: the start key first (walks the key's index only), then a keyset page
        // from it. Two statements: as one (`k >= (SELECT … OFFSET ?)`) MariaDB 10.11 evaluates
        // the subquery several times (measured 4x slower).
        const start = await run(`SELECT ${key.map(id).join(', ')} FROM ${from}${whereSql(conds)} ORDER BY ${order} LIMIT 1 OFFSET ${Math.floor(req.offset)}`);
        const first = start.rows[0];
        if (!first) return { columns: meta.columns, rows: [], next: null, more: false, estimate: await this.estimate(req, meta), key, durationMs: performance.now() - started };
        where.push(keysetCondition(key, key.map((k) => encodeCell(first[k], '', { full: true })), dir, true));
      }
      const sql = `SELECT ${select} FROM ${from}${whereSql(where)} ORDER BY ${order} LIMIT ${n + 1}`;
      fetchRows = async () => (await run(sql)).rows;
    } else {
      if (req.after) throw new AppError('invalid-input', msg('Keyset paging ("after") follows the key order only; with this sort page by offset.'));
      // Sorted by another column (or no key): LIMIT/OFFSET. Keyset on (column, key) would need
      // NULL-aware row comparisons the optimizer cannot turn into an index range, and such a
      // column is usually unindexed anyway (a sort of the whole table, whatever the offset;
      // sort-bound.ts lets MariaDB sort only a sampled prefix of it).
      const order = sortColumn
        ? ` ORDER BY ${[`${id(sortColumn.name)} ${req.sort!.dir.toUpperCase()}`, ...(key ?? []).map((k) => `${id(k)} ${req.sort!.dir.toUpperCase()}`)].join(', ')}`
        : '';
      const offset = Math.floor(req.offset);
      const sql = (extra: string | null) => `SELECT ${select} FROM ${from}${whereSql(extra ? [...conds, extra] : conds)}${order} LIMIT ${n + 1}${offset > 0 ? ` OFFSET ${offset}` : ''}`;
      const keyColumn = key?.length === 1 ? meta.columns.find((c) => c.name === key[0]) : undefined;
      fetchRows =
        sortColumn && keyColumn
          ? () => sortedPageRows(run, { from, conds, key: keyColumn, column: sortColumn, dir: req.sort!.dir, sql, limit: n + 1, offset })
          : async () => (await run(sql(null))).rows;
    }
    const [result, estimate] = await Promise.all([fetchRows(), this.estimate(req, meta)]);
    const more = result.length > n;
    const raw = more ? result.slice(0, n) : result;
    const rows = raw.map((r) => meta.columns.map((c, i) => encodeCell(r[`c${i}`], c.type)));
    const last = raw[raw.length - 1];
    const next = keyOrder && more && last && keyIdx ? keyIdx.map((i) => encodeCell(last[`c${i}`], meta.columns[i]!.type, { full: true })) : null;
    return { columns: meta.columns, rows, next, more, estimate, key, durationMs: performance.now() - started };
  }

  async count(req: Pick<PageRequest, 'serverId' | 'database' | 'table' | 'filters' | 'where'>) {
    const meta = await this.meta(req.serverId, req.database, req.table, req.filters.map((f) => f.column));
    const conds = this.conditions(meta, req.filters, req.where);
    const { rows } = await this.sessions.run<Row[]>(req.serverId, `SELECT COUNT(*) AS n FROM ${id(req.database)}.${id(req.table)}${whereSql(conds)}`, [], { database: req.database });
    return { count: Number(rows[0]?.n ?? 0) };
  }

  /** The full value of one cell by the row's key (refused beyond CELL_MAX_BYTES). */
  async cell(req: { serverId: string; database: string; table: string; key: Record<string, Cell>; column: string }) {
    const meta = await this.meta(req.serverId, req.database, req.table, [req.column, ...Object.keys(req.key)]);
    const column = this.column(meta, req.column);
    const where = this.keyCondition(meta, req.key, 'the row');
    const expr = selectExpr(column);
    const { rows } = await this.sessions.run<Row[]>(
      req.serverId,
      `SELECT OCTET_LENGTH(${expr}) AS n, IF(OCTET_LENGTH(${expr}) > ${CELL_MAX_BYTES}, NULL, ${expr}) AS v FROM ${id(req.database)}.${id(req.table)} WHERE ${where} LIMIT 1`,
      [],
      { database: req.database },
    );
    const row = rows[0];
    if (!row) throw new AppError('not-found', msg('That row is no longer there (its key matches no row).'));
    const size = row.n === null ? 0 : Number(row.n);
    if (size > CELL_MAX_BYTES) {
      throw AppError.worded('invalid-input', msg('This value is {{mb}} MB, more than the {{max}} MB shown here; export the row to get it.'), { mb: (size / 1048576).toFixed(1), max: CELL_MAX_BYTES / 1048576 });
    }
    return { value: encodeCell(row.v, column.type, { full: true }) };
  }

  // ---- edits ------------------------------------------------------------------------------

  async applyEdits(req: { serverId: string; database: string; table: string; edits: Edit[]; preview: boolean }) {
    const names = req.edits.flatMap((e) => Object.keys(e.kind === 'insert' ? e.values : e.kind === 'update' ? { ...e.key, ...e.set } : e.key));
    const meta = await this.meta(req.serverId, req.database, req.table, names);
    if (!meta.key) throw new AppError('invalid-input', meta.readOnlyReason ?? msg('This table is read-only.'));
    const sql = req.edits.map((e, i) => this.editSql(meta, req.database, req.table, e, i));
    if (req.preview) return { sql, applied: false, affectedRows: 0 };
    if (this.sessions.isReadOnly(req.serverId)) {
      throw new AppError('invalid-input', msg('This server is read-only (its own setting or support mode): the edits were not applied.'));
    }
    const connection = await this.sessions.connection(req.serverId);
    const run = (statement: string) => this.sessions.run<mysql.ResultSetHeader>(req.serverId, statement, [], { database: req.database, connection });
    let affectedRows = 0;
    let open = false;
    try {
      await run('START TRANSACTION');
      open = true;
      for (const [i, statement] of sql.entries()) {
        const what = { n: i + 1, total: sql.length, statement: statement.length > 200 ? `${statement.slice(0, 200)}…` : statement };
        let affected: number;
        try {
          affected = (await run(statement)).rows.affectedRows;
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw AppError.worded(error instanceof AppError ? error.code : 'internal', msg('Edit {{n}} of {{total}} ({{statement}}) failed: {{reason}} Nothing was changed.'), { ...what, reason }, { details: error instanceof AppError ? error.details : undefined });
        }
        if (req.edits[i]!.kind !== 'insert' && affected === 0) {
          throw AppError.worded('conflict', msg('Edit {{n}} of {{total}} ({{statement}}) matched no row: it was changed or deleted meanwhile. Nothing was changed.'), what);
        }
        affectedRows += affected;
      }
      await run('COMMIT');
      open = false;
      return { sql, applied: true, affectedRows };
    } catch (error) {
      if (open) {
        // A connection that cannot roll back must never return to the pool mid-transaction.
        await run('ROLLBACK').catch(() => connection.destroy());
      }
      throw error;
    } finally {
      connection.release();
    }
  }

  private editSql(meta: Meta, database: string, table: string, edit: Edit, index: number): string {
    const from = `${id(database)}.${id(table)}`;
    const label = `edit ${index + 1}`;
    if (edit.kind === 'insert') {
      const entries = Object.entries(edit.values).map(([name, cell]) => [this.writable(meta, name), cell] as const);
      return fmt(`INSERT INTO ${from} (${entries.map(([c]) => id(c.name)).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`, entries.map(([c, cell]) => decodeCell(cell, `${c.name} (${label})`)));
    }
    const where = this.keyCondition(meta, edit.key, label);
    if (edit.kind === 'delete') return `DELETE FROM ${from} WHERE ${where} LIMIT 1`;
    const set = Object.entries(edit.set).map(([name, cell]) => [this.writable(meta, name), cell] as const);
    if (set.length === 0) throw AppError.worded('invalid-input', msg('The update of {{edit}} sets no column.'), { edit: label });
    return `UPDATE ${from} SET ${set.map(([c, cell]) => fmt(`${id(c.name)} = ?`, [decodeCell(cell, `${c.name} (${label})`)])).join(', ')} WHERE ${where} LIMIT 1`;
  }

  /** `k1 = ? AND k2 = ?` for exactly the table's key columns. */
  private keyCondition(meta: Meta, key: Record<string, Cell>, label: string): string {
    if (!meta.key) throw new AppError('invalid-input', meta.readOnlyReason ?? msg('This table has no key to address a row by.'));
    const given = new Map(Object.entries(key).map(([name, cell]) => [this.column(meta, name).name, cell]));
    const missing = meta.key.filter((k) => !given.has(k));
    const extra = [...given.keys()].filter((k) => !meta.key!.includes(k));
    if (missing.length || extra.length) {
      const keyColumns = meta.key.join(', ');
      if (given.size === 0) throw AppError.worded('invalid-input', msg('Rows of this table are addressed by its key ({{key}}); {{edit}} gives no column.'), { key: keyColumns, edit: label });
      throw AppError.worded('invalid-input', msg('Rows of this table are addressed by its key ({{key}}); {{edit}} gives {{given}}.'), { key: keyColumns, edit: label, given: [...given.keys()].join(', ') });
    }
    return meta.key
      .map((k) => {
        const value = decodeCell(given.get(k)!, `key ${k} (${label})`);
        if (value === null) throw AppError.worded('invalid-input', msg('The key column {{column}} cannot be NULL ({{edit}}).'), { column: k, edit: label });
        return fmt(`${id(k)} = ?`, [value]);
      })
      .join(' AND ');
  }

  private writable(meta: Meta, name: string): Column {
    const column = this.column(meta, name);
    if (/GENERATED|VIRTUAL|PERSISTENT/i.test(column.extra)) throw AppError.worded('invalid-input', msg('The column {{column}} is computed by the server and cannot be written.'), { column: column.name });
    return column;
  }

  // ---- filters ----------------------------------------------------------------------------

  private conditions(meta: Meta, filters: Filter[], where: string | null): string[] {
    const out = filters.map((f) => {
      const c = id(this.column(meta, f.column).name);
      if (f.op === 'IS NULL' || f.op === 'IS NOT NULL') return `${c} ${f.op}`;
      if (f.value === undefined) throw AppError.worded('invalid-input', msg('The filter {{column}} {{op}} needs a value.'), { column: f.column, op: f.op });
      if (f.op === 'IN') {
        const list = Array.isArray(f.value) ? f.value : [f.value];
        return list.length === 0 ? 'FALSE' : fmt(`${c} IN (${list.map(() => '?').join(', ')})`, list);
      }
      if (Array.isArray(f.value)) throw AppError.worded('invalid-input', msg('The filter {{column}} {{op}} takes one value, not a list.'), { column: f.column, op: f.op });
      // LIKE values as typed: the user writes % and _ themselves.
      return fmt(`${c} ${f.op} ?`, [f.value]);
    });
    if (where !== null && where.trim() !== '') out.push(`(\n${checkWhere(where)}\n)`);
    return out;
  }

  private column(meta: Meta, name: string): Column {
    const found = meta.columns.find((c) => c.name === name) ?? meta.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!found) throw AppError.worded('invalid-input', msg('This table has no column {{column}}.'), { column: JSON.stringify(name) });
    return found;
  }

  private async estimate(req: PageRequest, meta: Meta): Promise<number | null> {
    if (req.filters.length || (req.where && req.where.trim())) return null;
    void meta;
    const { rows } = await this.sessions.run<Row[]>(req.serverId, 'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [req.database, req.table], {
      database: null,
      audit: false,
    });
    const n = rows[0]?.n;
    return n === null || n === undefined ? null : Number(n);
  }

  /** The table's columns and key; refreshed at once when a name asked for is not in the cached copy. */
  private async meta(serverId: string, database: string, table: string, names: string[] = []): Promise<Meta> {
    const cacheKey = JSON.stringify([serverId, database, table]);
    const cached = this.metas.get(cacheKey);
    const has = (m: Meta) => names.every((n) => m.columns.some((c) => c.name.toLowerCase() === n.toLowerCase()));
    if (cached && Date.now() - cached.at < META_TTL_MS) {
      const m = await cached.meta.catch(() => null);
      if (m && has(m)) return m;
    }
    const meta = this.tree.columns(serverId, database, table);
    this.metas.set(cacheKey, { at: Date.now(), meta });
    meta.catch(() => this.metas.delete(cacheKey));
    const m = await meta;
    if (m.columns.length === 0) {
      this.metas.delete(cacheKey);
      throw AppError.worded('not-found', msg('There is no table {{table}} in the database {{database}} on this server.'), { table: JSON.stringify(table), database: JSON.stringify(database) });
    }
    return m;
  }
}

function whereSql(conds: string[]): string {
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}

/**
 * `(k1 > ?) OR (k1 = ? AND k2 > ?) …` (`<` descending; the last comparison `>=` when inclusive).
 * Expanded rather than a row comparison `(k1, k2) > (?, ?)`, which not every server turns into a
 * range on the key.
 */
function keysetCondition(key: string[], after: Cell[], dir: 'asc' | 'desc', inclusive: boolean): string {
  if (after.length !== key.length) throw AppError.worded('invalid-input', msg('Keyset paging needs {{n}} key value(s) ({{key}}), not {{given}}.'), { n: key.length, key: key.join(', '), given: after.length });
  const values = after.map((cell, i) => decodeCell(cell, `key ${key[i]}`));
  const op = dir === 'asc' ? '>' : '<';
  const ors = key.map((_, i) => {
    const parts = key.slice(0, i).map((k, j) => fmt(`${id(k)} = ?`, [values[j]!]));
    parts.push(fmt(`${id(key[i]!)} ${op}${inclusive && i === key.length - 1 ? '=' : ''} ?`, [values[i]!]));
    return parts.join(' AND ');
  });
  return ors.length === 1 ? ors[0]! : `(${ors.map((o) => `(${o})`).join(' OR ')})`;
}

/**
 * A raw WHERE must stay one condition: no ';' outside literals, no unterminated literal or
 * comment, parentheses balanced (so it cannot close ours and append a UNION or ORDER BY).
 */
export function checkWhere(where: string): string {
  const shape = skeleton(where);
  if (shape.includes(';')) throw new AppError('invalid-input', msg('The WHERE condition must be one condition: remove the ";".'));
  if (!skeleton(`${where}\n;`).trimEnd().endsWith(';')) throw new AppError('invalid-input', msg('The WHERE condition has an unterminated quote or comment.'));
  let depth = 0;
  for (const ch of shape) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) break;
  }
  if (depth !== 0) throw new AppError('invalid-input', msg('The parentheses in the WHERE condition do not match.'));
  return where;
}
