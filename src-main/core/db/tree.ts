// The tree: databases (size, table count) -> tables (kind, engine, rows estimate, size) ->
// columns (type, key) and the key used for paging and edits; and the fleet-wide search.
// Catalogue queries read information_schema with bound parameters and are not audited.
import pLimit from 'p-limit';
import type { Column } from '../../../shared/api/db';
import { msg } from '../../../shared/errors';
import type { DbSessions } from './sessions';

type Row = Record<string, unknown>;

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class DbTree {
  constructor(private readonly sessions: DbSessions) {}

  private async catalogue(serverId: string, sql: string, params: string[] = []): Promise<Row[]> {
    return (await this.sessions.run<Row[]>(serverId, sql, params, { database: null, audit: false })).rows;
  }

  async databases(serverId: string) {
    const rows = await this.catalogue(
      serverId,
      `SELECT s.SCHEMA_NAME AS name, COALESCE(SUM(t.DATA_LENGTH + t.INDEX_LENGTH), 0) AS size, COUNT(t.TABLE_NAME) AS tables
       FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME
       GROUP BY s.SCHEMA_NAME ORDER BY s.SCHEMA_NAME`,
    );
    return rows.map((r) => ({ name: String(r.name), sizeBytes: n(r.size) ?? 0, tables: n(r.tables) ?? 0 }));
  }

  async tables(serverId: string, database: string) {
    const rows = await this.catalogue(
      serverId,
      `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_ROWS AS estimate, DATA_LENGTH + INDEX_LENGTH AS size
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
      [database],
    );
    return rows.map((r) => ({
      name: String(r.name),
      kind: r.type === 'VIEW' ? ('view' as const) : ('table' as const),
      engine: r.engine === null ? null : String(r.engine),
      rowsEstimate: n(r.estimate),
      sizeBytes: n(r.size),
    }));
  }

  async columns(serverId: string, database: string, table: string): Promise<{ columns: Column[]; key: string[] | null; readOnlyReason: string | null }> {
    const [cols, idx, kind] = await Promise.all([
      this.catalogue(
        serverId,
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS k, COLUMN_DEFAULT AS def, EXTRA AS extra
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
        [database, table],
      ),
      this.catalogue(
        serverId,
        `SELECT INDEX_NAME AS idx, COLUMN_NAME AS col, NON_UNIQUE AS nonUnique, NULLABLE AS nullable
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
        [database, table],
      ),
      this.catalogue(serverId, 'SELECT TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table]),
    ]);
    const columns: Column[] = cols.map((r) => ({
      name: String(r.name),
      type: String(r.type),
      nullable: r.nullable === 'YES',
      key: (['PRI', 'UNI', 'MUL'].includes(String(r.k)) ? String(r.k) : '') as Column['key'],
      default: r.def === null || r.def === undefined ? null : String(r.def),
      extra: String(r.extra ?? ''),
    }));
    const key = chooseKey(idx);
    const readOnlyReason =
      kind[0]?.type === 'VIEW'
        ? msg('This is a view: it is shown read-only.')
        : key
          ? null
          : msg('This table has no primary key or unique NOT NULL key, so rows cannot be addressed one by one: it is shown read-only.');
    return { columns, key: kind[0]?.type === 'VIEW' ? null : key, readOnlyReason };
  }

  async search(serverIds: string[], query: string) {
    const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const limit = pLimit(8);
    const hits: { serverId: string; kind: 'database' | 'table' | 'column' | 'user'; database: string | null; table: string | null; name: string }[] = [];
    const failed: { serverId: string; reason: string }[] = [];
    await Promise.all(
      serverIds.map((serverId) =>
        limit(async () => {
          try {
            const rows = await this.catalogue(
              serverId,
              `(SELECT 'database' AS kind, SCHEMA_NAME AS db, NULL AS tbl, SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? LIMIT 50)
               UNION ALL (SELECT 'table', TABLE_SCHEMA, TABLE_NAME, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_NAME LIKE ? LIMIT 100)
               UNION ALL (SELECT 'column', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE COLUMN_NAME LIKE ? AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') LIMIT 100)`,
              [like, like, like],
            );
            for (const r of rows) hits.push({ serverId, kind: r.kind as 'database', database: r.db === null ? null : String(r.db), table: r.tbl === null ? null : String(r.tbl), name: String(r.name) });
            // MySQL users need privileges on mysql.user; their absence is not a failure.
            const users = await this.catalogue(serverId, "SELECT DISTINCT CONCAT(User, '@', Host) AS name FROM mysql.user WHERE User LIKE ? LIMIT 50", [like]).catch(() => []);
            for (const u of users) hits.push({ serverId, kind: 'user', database: null, table: null, name: String(u.name) });
          } catch (error) {
            failed.push({ serverId, reason: error instanceof Error ? error.message : String(error) });
          }
        }),
      ),
    );
    return { hits, failed };
  }
}

/** The primary key, else the first unique index whose columns are all NOT NULL. */
export function chooseKey(indexRows: Row[]): string[] | null {
  const byIndex = new Map<string, { cols: string[]; unique: boolean; nullable: boolean }>();
  for (const r of indexRows) {
    const name = String(r.idx);
    const entry = byIndex.get(name) ?? { cols: [], unique: Number(r.nonUnique) === 0, nullable: false };
    entry.cols.push(String(r.col));
    if (r.nullable === 'YES') entry.nullable = true;
    byIndex.set(name, entry);
  }
  const primary = byIndex.get('PRIMARY');
  if (primary) return primary.cols;
  for (const entry of byIndex.values()) if (entry.unique && !entry.nullable) return entry.cols;
  return null;
}
