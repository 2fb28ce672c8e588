// Server views: MySQL's process list (with KILL QUERY / KILL CONNECTION), SHOW GLOBAL STATUS and
// VARIABLES, users and their grants. Reading these is internal (not a customer statement, not
// audited: the process list refreshes every few seconds); KILL is audited and, being a write,
// refused on read-only sessions by the guard like any other. Grants are shown with password
// hashes masked.
import { redact } from './audit';
import type { DbSessions } from './sessions';

export type ProcessRow = { id: number; user: string; host: string; db: string | null; command: string; time: number; state: string | null; info: string | null };

const str = (v: unknown): string | null => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export class DbAdmin {
  constructor(private readonly sessions: DbSessions) {}

  async processList(serverId: string): Promise<ProcessRow[]> {
    const { rows } = await this.sessions.run<Record<string, unknown>[]>(serverId, 'SHOW FULL PROCESSLIST', [], { database: null, audit: false });
    return rows
      .map((r) => ({
        id: Number(r.Id),
        user: str(r.User) ?? '',
        host: str(r.Host) ?? '',
        db: str(r.db),
        command: str(r.Command) ?? '',
        time: Number(r.Time ?? 0),
        state: str(r.State) || null,
        info: str(r.Info),
      }))
      .sort((a, b) => a.id - b.id);
  }

  async kill(serverId: string, id: number, queryOnly: boolean): Promise<void> {
    await this.sessions.run(serverId, `KILL ${queryOnly ? 'QUERY' : 'CONNECTION'} ${Math.trunc(id)}`, [], { database: null });
  }

  async status(serverId: string, kind: 'status' | 'variables'): Promise<{ name: string; value: string }[]> {
    const { rows } = await this.sessions.run<{ Variable_name: string; Value: unknown }[]>(serverId, kind === 'status' ? 'SHOW GLOBAL STATUS' : 'SHOW GLOBAL VARIABLES', [], { database: null, audit: false });
    return rows.map((r) => ({ name: String(r.Variable_name), value: str(r.Value) ?? '' }));
  }

  async users(serverId: string): Promise<{ user: string; host: string; grants: string[] }[]> {
    const { rows } = await this.sessions.run<{ User: unknown; Host: unknown }[]>(serverId, "SELECT User, Host FROM mysql.user WHERE User <> '' ORDER BY User, Host", [], { database: null, audit: false });
    const out: { user: string; host: string; grants: string[] }[] = [];
    for (const r of rows) {
      const user = str(r.User) ?? '';
      const host = str(r.Host) ?? '';
      let grants: string[];
      try {
        const { rows: g } = await this.sessions.run<Record<string, unknown>[]>(serverId, 'SHOW GRANTS FOR ?@?', [user, host], { database: null, audit: false });
        grants = g.map((row) => redact(str(Object.values(row)[0]) ?? ''));
      } catch (error) {
        grants = [`(grants could not be read: ${error instanceof Error ? error.message : String(error)})`];
      }
      out.push({ user, host, grants });
    }
    return out;
  }
}
