// The SQL editor: a script is split into statements (the user's own text, comments kept), run
// in order on one dedicated connection after USE of the chosen database (so USE and session
// variables carry), each through DbSessions.stream (guard + audit), each giving a result.
// Rows are streamed and capped server-side; the first error stops the script. A running query
// is cancelled with KILL QUERY from another connection. History per server: JSON lines in the
// data dir, passwords masked, the last 200 kept.
import { splitSql } from './split';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FieldPacket, PoolConnection } from 'mysql2/promise';
import type { Cell, ResultSet } from '../../../shared/api/db';
import { AppError, msg } from '../../../shared/errors';
import { redact } from './audit';
import { encodeCell } from './cells';
import type { DbSessions } from './sessions';

export type QueryRequest = { queryId: string; serverId: string; database: string | null; sql: string; maxRows: number };
export type HistoryEntry = { at: string; database: string | null; sql: string };

const HISTORY_KEEP = 200;

// mysql2's column type codes, as MySQL names them.
const TYPE_NAMES: Record<number, string> = {
  0: 'decimal', 1: 'tinyint', 2: 'smallint', 3: 'int', 4: 'float', 5: 'double', 6: 'null', 7: 'timestamp', 8: 'bigint', 9: 'mediumint',
  10: 'date', 11: 'time', 12: 'datetime', 13: 'year', 14: 'date', 15: 'varchar', 16: 'bit', 245: 'json', 246: 'decimal', 247: 'enum',
  248: 'set', 249: 'tinyblob', 250: 'mediumblob', 251: 'longblob', 252: 'blob', 253: 'varchar', 254: 'char', 255: 'geometry',
};
const BINARY_CHARSET = 63;

function columnType(f: FieldPacket): string {
  const code = f.columnType ?? f.type ?? -1;
  let name = TYPE_NAMES[code] ?? 'unknown';
  const binary = f.characterSet === BINARY_CHARSET;
  if (name.endsWith('blob') && !binary) name = name.replace('blob', 'text');
  if (binary && name === 'varchar') name = 'varbinary';
  if (binary && name === 'char') name = 'binary';
  const unsigned = ((f.flags as number | undefined) ?? 0) & 32;
  return unsigned && /int|decimal|float|double/.test(name) ? `${name} unsigned` : name;
}

type Running = { serverId: string; database: string | null; threadId: number | null; cancelled: boolean; kill: Promise<void> | null };

export class DbQuery {
  private readonly running = new Map<string, Running>();
  private readonly historyDir: string;

  constructor(
    private readonly sessions: DbSessions,
    dataDir: string,
  ) {
    this.historyDir = path.join(dataDir, 'sql-history');
  }

  async query(req: QueryRequest): Promise<{ results: ResultSet[]; cancelled: boolean }> {
    if (this.running.has(req.queryId)) throw new AppError('invalid-input', msg('This query is already running.'));
    const parts = splitSql(req.sql).map((s) => s.text);
    if (parts.length === 0) throw new AppError('invalid-input', msg('There is no statement to run.'));
    const state: Running = { serverId: req.serverId, database: req.database, threadId: null, cancelled: false, kill: null };
    this.running.set(req.queryId, state);
    this.remember(req.serverId, req.database, req.sql);
    const results: ResultSet[] = [];
    let conn: PoolConnection | null = null;
    try {
      conn = await this.sessions.connection(req.serverId);
      state.threadId = conn.connection.threadId;
      if (req.database) await this.sessions.use(req.serverId, conn, req.database);
      let failed = false;
      for (const statement of parts) {
        if (failed || state.cancelled) {
          results.push(notRun(statement, state.cancelled ? 'Not run: the query was cancelled.' : 'Not run: an earlier statement failed.'));
          continue;
        }
        const result = await this.one(req, conn, statement);
        if (state.kill) await state.kill;
        if (state.cancelled && result.error) result.error = 'Cancelled.';
        results.push(result);
        if (result.error) failed = true;
      }
      return { results, cancelled: state.cancelled };
    } finally {
      this.running.delete(req.queryId);
      // The session's state (USE, variables, an open transaction) ends with the script: the
      // connection is not handed back to the pool for others to inherit.
      conn?.destroy();
    }
  }

  private async one(req: QueryRequest, conn: PoolConnection, statement: string): Promise<ResultSet> {
    let columns: ResultSet['columns'] = [];
    const rows: Cell[][] = [];
    let capped = false;
    const started = performance.now();
    try {
      const out = await this.sessions.stream(
        req.serverId,
        statement,
        { database: req.database, connection: conn },
        (fields) => {
          // A CALL may send several result sets: the first one with columns is kept.
          if (columns.length === 0) columns = fields.map((f) => ({ name: f.name, type: columnType(f) }));
        },
        (row) => {
          if (rows.length >= req.maxRows) {
            capped = true;
            return false;
          }
          rows.push(row.map((v, i) => encodeCell(v, columns[i]?.type ?? '')));
          return true;
        },
      );
      const isRows = columns.length > 0;
      return { statement, columns, rows, capped: capped || out.stopped, affectedRows: isRows ? null : out.affectedRows, durationMs: Math.round(out.durationMs), error: null };
    } catch (error) {
      const e = error instanceof AppError ? error : null;
      const details = e?.details || (error instanceof Error ? error.message : String(error));
      return { statement, columns, rows, capped, affectedRows: null, durationMs: Math.round(performance.now() - started), error: details };
    }
  }

  /** KILL QUERY for the running query's connection, from another one; true when one was running. */
  async cancel(queryId: string): Promise<boolean> {
    const state = this.running.get(queryId);
    if (!state) return false;
    state.cancelled = true;
    if (state.threadId !== null && !state.kill) {
      state.kill = this.sessions.killQuery(state.serverId, state.threadId, state.database).catch(() => undefined);
      await state.kill;
    }
    return true;
  }

  /** Newest first. */
  history(serverId: string): HistoryEntry[] {
    const file = this.historyFile(serverId);
    if (!existsSync(file)) return [];
    const out: HistoryEntry[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as HistoryEntry;
        if (typeof e.sql === 'string' && typeof e.at === 'string') out.push({ at: e.at, database: e.database ?? null, sql: e.sql });
      } catch {
        // A torn line is skipped.
      }
    }
    return out.reverse().slice(0, HISTORY_KEEP);
  }

  private remember(serverId: string, database: string | null, sql: string): void {
    mkdirSync(this.historyDir, { recursive: true, mode: 0o700 });
    const file = this.historyFile(serverId);
    const entry: HistoryEntry = { at: new Date().toISOString(), database, sql: redact(sql.trim()) };
    appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    // Trimmed to the last HISTORY_KEEP once it has grown by half again.
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    if (lines.length > HISTORY_KEEP * 1.5) writeFileSync(file, `${lines.slice(-HISTORY_KEEP).join('\n')}\n`, { mode: 0o600 });
  }

  private historyFile(serverId: string): string {
    // Server ids are UUIDs (validated by the contract); the name is safe as it is.
    return path.join(this.historyDir, `${serverId.replace(/[^\w-]/g, '_')}.jsonl`);
  }
}

function notRun(statement: string, why: string): ResultSet {
  return { statement, columns: [], rows: [], capped: false, affectedRows: null, durationMs: 0, error: why };
}
