// What queued tasks upload, shared through the team database (README "Team mode"): in a team the
// workstation that runs a task may not be the one that queued it, so each blob the queue keeps
// (queue/blobs.ts) is also written to `blobs`, in parts that fit under the server's
// max_allowed_packet, and read back by a runner that does not have it. A blob goes once no
// unfinished task uploads it.
import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import type { RemoteBlobs } from '../queue/blobs';
import type { TeamDb } from './connection';

/** The largest upload a task may carry in team mode (refused when queued, not when run). */
export const TEAM_BLOB_MAX_BYTES = 64 * 1024 * 1024;
/** A part's size: at most 1 MiB, and a quarter of max_allowed_packet (the row's other columns and escaping fit). */
const PART_MAX = 1024 * 1024;

export class TeamBlobs implements RemoteBlobs {
  readonly maxBytes = TEAM_BLOB_MAX_BYTES;
  private part: Promise<number> | null = null;

  constructor(private readonly db: TeamDb) {}

  private partBytes(): Promise<number> {
    this.part ??= this.db.pool.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m').then(([rows]) => Math.max(16 * 1024, Math.min(PART_MAX, Math.floor(Number(rows[0]?.m ?? 4 * 1024 * 1024) / 4))));
    return this.part;
  }

  async upload(sha: string, content: Buffer): Promise<void> {
    const [have] = await this.db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n, MAX(parts) AS parts FROM blobs WHERE sha = ?', [sha]);
    if (Number(have[0]?.n) > 0 && Number(have[0]?.n) === Number(have[0]?.parts)) return;
    const size = await this.partBytes();
    const parts = Math.max(1, Math.ceil(content.length / size));
    for (let i = 0; i < parts; i++) {
      await this.db.pool.query('INSERT IGNORE INTO blobs (sha, part, parts, data, author) VALUES (?, ?, ?, ?, ?)', [sha, i, parts, content.subarray(i * size, (i + 1) * size), this.db.workstation]);
    }
  }

  async download(sha: string): Promise<Buffer | null> {
    const [rows] = await this.db.pool.query<RowDataPacket[]>('SELECT part, parts, data FROM blobs WHERE sha = ? ORDER BY part', [sha]);
    if (rows.length === 0 || rows.length !== Number(rows[0]!.parts)) return null; // not (completely) written yet
    const content = Buffer.concat(rows.map((r) => r.data as Buffer));
    // A part written by a broken upload is not taken for the content.
    return createHash('sha256').update(content).digest('hex') === sha ? content : null;
  }

  async remove(shas: string[]): Promise<void> {
    if (shas.length > 0) await this.db.pool.query('DELETE FROM blobs WHERE sha IN (?)', [shas]);
  }

  async count(): Promise<number> {
    const [rows] = await this.db.pool.query<RowDataPacket[]>('SELECT COUNT(DISTINCT sha) AS n FROM blobs');
    return Number(rows[0]?.n ?? 0);
  }
}
