// The team's audit: the same hash chain as the local audit file (db/audit-chain.ts), one row per
// entry in the team database's `audit` table. Every role may only INSERT and SELECT there (no
// UPDATE or DELETE grant for anyone Hostdeck creates). Workstations append in turn under a named
// lock, and the chain's number is the primary key: two rows can never claim the same place, so
// concurrent writers never fork the chain.
import type { RowDataPacket } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { AuditEntry, AuditVerdict } from '../../../shared/api/db';
import { chain, verifyChain, type ChainLinks } from '../db/audit-chain';
import type { TeamTable } from './schema';

export const AUDIT_TABLE: TeamTable = {
  name: 'audit',
  kind: 'audit',
  ddl: `CREATE TABLE IF NOT EXISTS audit (
  seq BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  entry LONGTEXT NOT NULL CHECK (JSON_VALID(entry)),
  prev CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  written_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
};

const ATTEMPTS = 5;
const LOCK_WAIT_S = 10;
/** GET_LOCK names are server-wide: one per team database. */
const LOCK = "CONCAT('hostdeck.audit.', LEFT(SHA2(DATABASE(), 256), 16))";

/** A row's entry: mysql2 hands a column MariaDB declares as JSON back parsed, other text as a string. */
function parsed(value: unknown): Record<string, unknown> | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)) return value as Record<string, unknown>;
  try {
    const v = JSON.parse(String(value)) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class TeamAudit {
  /** This process's appends, one after the other (each waits for the one before: its order is kept). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Pool,
    private readonly onError: (entry: AuditEntry, error: unknown) => void,
  ) {}

  /** Queues an entry; `flushed()` resolves once everything queued so far is written (or handed to onError). */
  record(entry: AuditEntry): void {
    void this.append(entry).catch((error: unknown) => this.onError(entry, error));
  }

  async flushed(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  /** Appends one entry after the current head, after this process's earlier appends. */
  append(entry: AuditEntry): Promise<ChainLinks> {
    const next = this.tail.catch(() => undefined).then(() => this.write(entry));
    this.tail = next;
    return next;
  }

  /**
   * Workstations take turns through a named lock (per team database) for reading the head and
   * inserting after it; the primary key on the chain's number is the backstop should a lock be
   * lost (a connection dropped mid-append): the loser reads the head again.
   */
  private async write(entry: AuditEntry): Promise<ChainLinks> {
    const { hash: _h, prev: _p, seq: _s, ...fields } = entry;
    const conn = await this.db.getConnection();
    try {
      const [[got]] = await conn.query<RowDataPacket[]>(`SELECT GET_LOCK(${LOCK}, ${LOCK_WAIT_S}) AS ok`);
      if (Number(got?.ok) !== 1) throw new Error(`The team audit stayed locked for ${LOCK_WAIT_S} s.`);
      try {
        for (let attempt = 0; ; attempt++) {
          const linked = chain(fields, await this.head(conn));
          try {
            await conn.query('INSERT INTO audit (seq, entry, prev, hash) VALUES (?, ?, ?, ?)', [linked.seq, JSON.stringify(linked), linked.prev, linked.hash]);
            return linked;
          } catch (error) {
            if ((error as { code?: string }).code !== 'ER_DUP_ENTRY' || attempt >= ATTEMPTS) throw error;
          }
        }
      } finally {
        await conn.query(`DO RELEASE_LOCK(${LOCK})`);
      }
    } finally {
      conn.release();
    }
  }

  private async head(conn: PoolConnection): Promise<ChainLinks | null> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT seq, prev, hash FROM audit ORDER BY seq DESC LIMIT 1');
    const r = rows[0];
    return r ? { seq: Number(r.seq), prev: String(r.prev), hash: String(r.hash) } : null;
  }

  /** Newest first. */
  async list(serverId: string | null, limit: number): Promise<AuditEntry[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      serverId ? "SELECT entry FROM audit WHERE JSON_VALUE(entry, '$.serverId') = ? ORDER BY seq DESC LIMIT ?" : 'SELECT entry FROM audit ORDER BY seq DESC LIMIT ?',
      serverId ? [serverId, limit] : [limit],
    );
    return rows.flatMap((r) => (parsed(r.entry) as AuditEntry | null) ?? []);
  }

  /**
   * Walks every row in order. The row's own columns are what the chain checks (a row whose JSON
   * and columns disagree was changed), and a row that is not JSON any more counts as damage.
   */
  async verify(): Promise<AuditVerdict> {
    const [rows] = await this.db.query<RowDataPacket[]>('SELECT seq, entry, prev, hash FROM audit ORDER BY seq');
    return verifyChain(
      rows.map((r) => ({ value: { ...(parsed(r.entry) ?? {}), seq: Number(r.seq), prev: String(r.prev), hash: String(r.hash) } })),
    );
  }
}
