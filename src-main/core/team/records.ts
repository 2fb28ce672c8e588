// The team's shared records (README "Team mode"): every record table read once into memory, then
// kept current by polling the `changes` feed (every ~0.5 s: another person's change shows within
// a second or two, as the same core events a local change emits). Writes are version-checked:
// an update names the version it was based on (UPDATE … WHERE id = ? AND version = ?); when
// someone else wrote first, nothing is written and the caller gets a conflict carrying both
// versions. Record writes and their `changes` row go in one transaction, under a short write
// lock so that changes rows show in seq order.
import { isDeepStrictEqual } from 'node:util';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import type { PoolConnection } from 'mysql2/promise';
import { AppError, msg } from '../../../shared/errors';
import type { TeamDb } from './connection';
import { roleSetupStatements, rolesExist } from './roles';
import { jsonColumn, migrateSchema, queueLockName, readSchema, RECORD_TABLE_NAMES, type RecordTable } from './schema';

const POLL_MS = 500;

export type TeamRecord = { data: unknown; version: number; updatedBy: string; updatedAt: string };
export type RecordChange = { table: RecordTable; ids: string[] };

/** What a write conflict carries to the UI: both versions of the record. */
export type ConflictData = {
  table: RecordTable;
  id: string;
  baseVersion: number | null;
  theirs: { version: number; data: unknown; updatedBy: string; updatedAt: string } | null;
};

export class TeamRecords {
  private readonly cache = new Map<RecordTable, Map<string, TeamRecord>>();
  private readonly generations = new Map<RecordTable, number>();
  private readonly listeners: ((change: RecordChange) => void)[] = [];
  private last = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly db: TeamDb,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    // A database of an older schema version is brought up to date before anything is read.
    const { version } = await readSchema(this.db.pool);
    await migrateSchema(this.db.pool, version, async (tables) => ((await rolesExist(this.db.pool, this.db.config.database)) ? roleSetupStatements(this.db.config.database, tables) : []), this.log);
    // The feed's position first: a change made while the tables are read is read again after.
    const [[head]] = await this.db.pool.query<RowDataPacket[]>('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes');
    this.last = Number(head?.seq ?? 0);
    for (const table of RECORD_TABLE_NAMES) {
      const rows = new Map<string, TeamRecord>();
      const [found] = await this.db.pool.query<RowDataPacket[]>(`SELECT id, data, version, updated_by, updated_at FROM \`${table}\``);
      for (const row of found) rows.set(String(row.id), recordOf(row));
      this.cache.set(table, rows);
    }
    this.timer = setInterval(() => void this.poll().catch((error: unknown) => this.log(`[hostdeck] team records: ${messageOf(error)}`)), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onChange(listener: (change: RecordChange) => void): void {
    this.listeners.push(listener);
  }

  /** Grows with every change of the table (readers key what they derive from it on this). */
  generation(table: RecordTable): number {
    return this.generations.get(table) ?? 0;
  }

  get(table: RecordTable, id: string): TeamRecord | null {
    return this.rows(table).get(id) ?? null;
  }

  all(table: RecordTable): Map<string, TeamRecord> {
    return this.rows(table);
  }

  /**
   * Writes a record based on `baseVersion` (null: it must not exist yet); returns its new version.
   * Someone else's write since `baseVersion`: nothing is written, a conflict error with both versions.
   */
  async put(table: RecordTable, id: string, data: unknown, baseVersion: number | null): Promise<number> {
    const json = JSON.stringify(data);
    return this.write(table, id, baseVersion, async (conn) => ((await this.writeRow(conn, table, id, json, baseVersion)) ? (baseVersion ?? 0) + 1 : null));
  }

  /**
   * A write no person based on something they saw (a task's outcome recorded, a list settled):
   * `make` builds the record from the current one (null: remove it), written over the version
   * this workstation has; when someone else wrote since, built again from theirs and written once more.
   */
  async putLatest(table: RecordTable, id: string, make: (current: unknown) => unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const row = this.get(table, id);
      const made = make(row?.data);
      // As the row would read back (a key set to undefined is no key): an unchanged record is not written again.
      const next = made === null || made === undefined ? made : (JSON.parse(JSON.stringify(made)) as unknown);
      try {
        if (next === null) {
          if (row) await this.remove(table, id, row.version);
        } else if (!row || !isDeepStrictEqual(row.data, next)) {
          await this.put(table, id, next, row?.version ?? null);
        }
        return;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict') || attempt >= 4) throw error;
      }
    }
  }

  /**
   * putLatest for many records in one transaction (one round of the write lock): `make` gets each
   * current record (undefined: none) and returns the new one, or null to leave it as it is. When
   * someone else wrote one of them first, nothing is written and the batch is made again from theirs.
   */
  async putLatestMany(table: RecordTable, ids: string[], make: (id: string, current: unknown) => unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const rows = ids.flatMap((id) => {
        const row = this.get(table, id);
        const made = make(id, row?.data);
        const next = made === null ? null : (JSON.parse(JSON.stringify(made)) as unknown);
        return next === null || (row && isDeepStrictEqual(row.data, next)) ? [] : [{ id, json: JSON.stringify(next), base: row?.version ?? null }];
      });
      if (rows.length === 0) return;
      const conn = await this.db.pool.getConnection();
      const stale: string[] = [];
      try {
        await this.inWriteLock(conn, async () => {
          for (const r of rows) if (!(await this.writeRow(conn, table, r.id, r.json, r.base))) stale.push(r.id);
          if (stale.length > 0) return false;
          await conn.query('INSERT INTO changes (tbl, record_id, version, author) VALUES ?', [rows.map((r) => [table, r.id, (r.base ?? 0) + 1, this.db.workstation])]);
          return true;
        });
        const [found] = await conn.query<RowDataPacket[]>(`SELECT id, data, version, updated_by, updated_at FROM \`${table}\` WHERE id IN (?)`, [stale.length > 0 ? stale : rows.map((r) => r.id)]);
        const byId = new Map(found.map((r) => [String(r.id), recordOf(r)]));
        for (const id of stale.length > 0 ? stale : rows.map((r) => r.id)) this.apply(table, id, byId.get(id) ?? null);
      } finally {
        conn.release();
      }
      if (stale.length === 0) return;
      if (attempt >= 4) throw conflictError(table, stale[0]!, null, this.get(table, stale[0]!));
    }
  }

  /** The conflict put would give, at once when this workstation already knows of a newer version (checked before the change is worked out). */
  assertVersion(table: RecordTable, id: string, baseVersion: number): void {
    const row = this.get(table, id);
    if (row?.version !== baseVersion) throw conflictError(table, id, baseVersion, row);
  }

  /** Removes a record based on `baseVersion`; a conflict as put's when it changed since. */
  async remove(table: RecordTable, id: string, baseVersion: number): Promise<void> {
    await this.write(table, id, baseVersion, async (conn) => {
      const [r] = await conn.query<ResultSetHeader>(`DELETE FROM \`${table}\` WHERE id = ? AND version = ?`, [id, baseVersion]);
      return r.affectedRows === 1 ? 0 : null;
    });
  }

  /** Reads the feed now (tests; and after a write of our own the cache is already current). */
  refresh(): Promise<void> {
    return this.poll();
  }

  private rows(table: RecordTable): Map<string, TeamRecord> {
    let rows = this.cache.get(table);
    if (!rows) this.cache.set(table, (rows = new Map()));
    return rows;
  }

  /** One version-checked write and its changes row; `change` returns the new version (0: deleted) or null when the version did not match. */
  private async write(table: RecordTable, id: string, baseVersion: number | null, change: (conn: PoolConnection) => Promise<number | null>): Promise<number> {
    const conn = await this.db.liveConnection();
    let version: number | null = null;
    try {
      await this.inWriteLock(conn, async () => {
        version = await change(conn);
        if (version === null) return false;
        await conn.query('INSERT INTO changes (tbl, record_id, version, author) VALUES (?, ?, ?, ?)', [table, id, version === 0 ? null : version, this.db.workstation]);
        return true;
      });
      if (version === null) {
        const [rows] = await conn.query<RowDataPacket[]>(`SELECT id, data, version, updated_by, updated_at FROM \`${table}\` WHERE id = ?`, [id]);
        const theirs = rows[0] ? recordOf(rows[0]) : null;
        this.apply(table, id, theirs);
        throw conflictError(table, id, baseVersion, theirs);
      }
      const [rows] = version === 0 ? [[]] : await conn.query<RowDataPacket[]>(`SELECT id, data, version, updated_by, updated_at FROM \`${table}\` WHERE id = ?`, [id]);
      this.apply(table, id, rows[0] ? recordOf(rows[0]) : null);
      return version;
    } finally {
      conn.release();
    }
  }

  /**
   * Runs `body` in a transaction under the team's write lock (so that changes rows become visible
   * in seq order); committed when it returns true, rolled back otherwise.
   */
  private async inWriteLock(conn: PoolConnection, body: () => Promise<boolean>): Promise<void> {
    const lock = queueLockName(this.db.config.database, 'record-writes');
    const [got] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [lock]);
    if (Number(got[0]?.got) !== 1) throw new AppError('timeout', msg('Another workstation held the team\'s write lock for 30 s; nothing was saved.'));
    try {
      await conn.beginTransaction();
      if (await body()) await conn.commit();
      else await conn.rollback();
    } catch (error) {
      await conn.rollback().catch(() => undefined);
      throw error;
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    }
  }

  /** A record's new JSON over version `base` (null: a new record); false when it is not at that version (or exists) any more. */
  private async writeRow(conn: PoolConnection, table: RecordTable, id: string, json: string, base: number | null): Promise<boolean> {
    const [r] =
      base === null
        ? await conn.query<ResultSetHeader>(`INSERT IGNORE INTO \`${table}\` (id, data, version, updated_by) VALUES (?, ?, 1, ?)`, [id, json, this.db.workstation])
        : await conn.query<ResultSetHeader>(`UPDATE \`${table}\` SET data = ?, version = version + 1, updated_by = ?, updated_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND version = ?`, [json, this.db.workstation, id, base]);
    return r.affectedRows === 1;
  }

  private apply(table: RecordTable, id: string, record: TeamRecord | null): void {
    const rows = this.rows(table);
    const before = rows.get(id);
    if (record) rows.set(id, record);
    else rows.delete(id);
    if (before?.version === record?.version) return;
    this.generations.set(table, this.generation(table) + 1);
    for (const l of this.listeners) l({ table, ids: [id] });
  }

  private poll(): Promise<void> {
    this.polling ??= this.poll0().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async poll0(): Promise<void> {
    const [changes] = await this.db.pool.query<RowDataPacket[]>('SELECT seq, tbl, record_id FROM changes WHERE seq > ? ORDER BY seq LIMIT 5000', [this.last]);
    if (changes.length === 0) return;
    const touched = new Map<RecordTable, Set<string>>();
    for (const c of changes) {
      const table = String(c.tbl) as RecordTable;
      if (!RECORD_TABLE_NAMES.includes(table)) continue;
      let ids = touched.get(table);
      if (!ids) touched.set(table, (ids = new Set()));
      ids.add(String(c.record_id));
    }
    for (const [table, ids] of touched) {
      const [rows] = await this.db.pool.query<RowDataPacket[]>(`SELECT id, data, version, updated_by, updated_at FROM \`${table}\` WHERE id IN (?)`, [[...ids]]);
      const found = new Map(rows.map((r) => [String(r.id), recordOf(r)]));
      const cached = this.rows(table);
      const changed: string[] = [];
      for (const id of ids) {
        const record = found.get(id) ?? null;
        if (cached.get(id)?.version === record?.version) continue; // our own write, applied already
        if (record) cached.set(id, record);
        else cached.delete(id);
        changed.push(id);
      }
      if (changed.length === 0) continue;
      this.generations.set(table, this.generation(table) + 1);
      for (const l of this.listeners) l({ table, ids: changed });
    }
    this.last = Number(changes.at(-1)!.seq);
  }
}

function conflictError(table: RecordTable, id: string, baseVersion: number | null, theirs: TeamRecord | null): AppError {
  const data: ConflictData = { table, id, baseVersion, theirs: theirs && { version: theirs.version, data: theirs.data, updatedBy: theirs.updatedBy, updatedAt: theirs.updatedAt } };
  const extra = { data: data as unknown as Record<string, unknown> };
  if (!theirs) return new AppError('conflict', msg('Someone removed this since you opened it; nothing was saved.'), extra);
  const params = { by: theirs.updatedBy, version: theirs.version };
  return baseVersion === null
    ? AppError.worded('conflict', msg('{{by}} changed this since you opened it (version {{version}}, yours was based on nothing); nothing was saved.'), params, extra)
    : AppError.worded('conflict', msg('{{by}} changed this since you opened it (version {{version}}, yours was based on {{base}}); nothing was saved.'), { ...params, base: baseVersion }, extra);
}

function recordOf(row: RowDataPacket): TeamRecord {
  return { data: jsonColumn(row.data), version: Number(row.version), updatedBy: String(row.updated_by), updatedAt: String(row.updated_at) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
