// Server views: MySQL's process list (with KILL QUERY / KILL CONNECTION), SHOW GLOBAL STATUS and
// VARIABLES, users and their grants. Reading these is internal (not a customer statement, not
// audited: the process list refreshes every few seconds); KILL is audited and, being a write,
// refused on read-only sessions by the guard like any other. Users, their grants and the account
// changes are DbAccounts' (accounts.ts).
import { DbAccounts } from './accounts';
import type { DbSessions } from './sessions';

export type ProcessRow = { id: number; user: string; host: string; db: string | null; command: string; time: number; state: string | null; info: string | null };

const str = (v: unknown): string | null => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export class DbAdmin {
  readonly accounts: DbAccounts;

  constructor(private readonly sessions: DbSessions) {
    this.accounts = new DbAccounts(sessions);
  }

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
}
