// MySQL accounts in the database browser: the list (grants as SHOW GRANTS words them, and the
// database and table privileges from mysql.db and mysql.tables_priv), and the changes — create,
// password, grant, revoke, drop — each previewed as its exact statements and run only after.
// A change is refused before anything is sent in support mode or on a read-only server, and
// audited like every statement to a customer database: the text shown, with the password as
// '***' (never the text sent), and the server's message with the password masked too.
import type { PoolConnection } from 'mysql2/promise';
import { AppError } from '../../../shared/errors';
import { accountLabel, MYSQL_USER_MAX, MYSQL_USER_SAFE_MAX, type AccountChange, type AccountPreview } from '../../../shared/mysql-accounts';
import { generatePassword } from '../hosting/plans';
import { accountStatements, maskSecret, quoteIdent, quoteString } from './account-sql';
import { redact } from './audit';
import type { DbSessions } from './sessions';

type Row = Record<string, unknown>;
export type Account = { user: string; host: string; grants: string[]; privileges: { database: string; table: string | null; privileges: string[] }[] };

const str = (v: unknown): string => (v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

/** mysql.db's `Create_tmp_table_priv` → CREATE TEMPORARY TABLES, `Grant_priv` → GRANT OPTION, … */
const COLUMN_WORDS: Record<string, string> = { CREATE_TMP_TABLE: 'CREATE TEMPORARY TABLES', GRANT: 'GRANT OPTION', DELETE_HISTORY: 'DELETE HISTORY' };
const columnPrivilege = (column: string) => {
  const word = column.replace(/_priv$/i, '').toUpperCase();
  return COLUMN_WORDS[word] ?? word.replace(/_/g, ' ');
};
/** mysql.tables_priv's Table_priv set members. */
const TABLE_WORDS: Record<string, string> = { GRANT: 'GRANT OPTION', 'DELETE VERSIONING ROWS': 'DELETE HISTORY' };
const tablePrivilege = (word: string) => TABLE_WORDS[word.toUpperCase()] ?? word.toUpperCase();

/** Every privilege of its level held reads as ALL PRIVILEGES (as SHOW GRANTS says it), GRANT OPTION apart. */
function asAll(held: string[], level: string[]): string[] {
  const grant = held.includes('GRANT OPTION') ? ['GRANT OPTION'] : [];
  const all = level.length > 0 && level.filter((p) => p !== 'GRANT OPTION').every((p) => held.includes(p));
  return all ? ['ALL PRIVILEGES', ...grant] : held;
}

const READ_ONLY = 'This server is read-only (support mode or its own read-only setting): account changes are refused, and nothing was sent.';

export class DbAccounts {
  constructor(private readonly sessions: DbSessions) {}

  async users(serverId: string): Promise<Account[]> {
    const read = async (sql: string) => (await this.sessions.run<Row[]>(serverId, sql, [], { database: null, audit: false })).rows;
    const users = await read("SELECT User, Host FROM mysql.user WHERE User <> '' ORDER BY User, Host");
    const key = (user: string, host: string) => `${user}\u0000${host}`;
    const privileges = new Map<string, Account['privileges']>();
    const add = (user: unknown, host: unknown, entry: Account['privileges'][number]) => {
      const k = key(str(user), str(host));
      privileges.set(k, [...(privileges.get(k) ?? []), entry]);
    };
    for (const r of await read('SELECT * FROM mysql.db ORDER BY Db')) {
      const columns = Object.keys(r).filter((c) => /_priv$/i.test(c));
      const held = columns.filter((c) => str(r[c]) === 'Y').map(columnPrivilege);
      if (held.length) add(r.User, r.Host, { database: str(r.Db), table: null, privileges: asAll(held, columns.map(columnPrivilege)) });
    }
    // The table privileges this server knows: the members of Table_priv's SET type.
    const [type] = await read("SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'tables_priv' AND COLUMN_NAME = 'Table_priv'");
    const members = [...str(type?.t).matchAll(/'([^']*)'/g)].map((m) => tablePrivilege(m[1]!));
    for (const r of await read('SELECT User, Host, Db, Table_name, Table_priv FROM mysql.tables_priv ORDER BY Db, Table_name')) {
      const held = str(r.Table_priv).split(',').filter(Boolean).map(tablePrivilege);
      if (held.length) add(r.User, r.Host, { database: str(r.Db), table: str(r.Table_name), privileges: asAll(held, members) });
    }
    const out: Account[] = [];
    for (const r of users) {
      const user = str(r.User);
      const host = str(r.Host);
      let grants: string[];
      try {
        // Backtick-quoted: reads the same whatever the server's sql_mode does to string literals.
        grants = (await read(`SHOW GRANTS FOR ${quoteIdent(user)}@${quoteIdent(host)}`)).map((row) => redact(str(Object.values(row)[0])));
      } catch (error) {
        grants = [`(grants could not be read: ${error instanceof Error ? error.message : String(error)})`];
      }
      out.push({ user, host, grants, privileges: privileges.get(key(user, host)) ?? [] });
    }
    return out;
  }

  async preview(serverId: string, change: AccountPreview): Promise<{ statements: string[] }> {
    await this.checkUserLength(serverId, change.user, 'change.user');
    return { statements: accountStatements(change, null) };
  }

  async change(serverId: string, change: AccountChange): Promise<{ statements: string[]; password: string | null }> {
    const given = change.op === 'create' || change.op === 'password' ? (change.password ?? null) : null;
    const generated = (change.op === 'create' || change.op === 'password') && given === null ? generatePassword() : null;
    const statements = await this.apply(serverId, change, given ?? generated, 'change.user');
    return { statements, password: generated };
  }

  async drop(serverId: string, user: string, host: string, confirm: string): Promise<{ statements: string[] }> {
    const label = accountLabel(user, host);
    if (confirm !== label) {
      const message = `Type ${label} to confirm the drop.`;
      throw new AppError('invalid-input', message, { fields: { confirm: message } });
    }
    return { statements: await this.apply(serverId, { op: 'drop', user, host }, null, 'user') };
  }

  /** Runs the change's statements on one connection, in order; returns them as shown (masked). */
  private async apply(serverId: string, change: AccountPreview, password: string | null, userField: string): Promise<string[]> {
    const shown = accountStatements(change, null);
    if (this.sessions.isReadOnly(serverId)) {
      for (const statement of shown) this.sessions.record(serverId, null, statement, null, 0, 'refused', READ_ONLY);
      throw new AppError('invalid-input', READ_ONLY, { data: { refused: true } });
    }
    await this.checkUserLength(serverId, change.user, userField);
    const connection = await this.sessions.connection(serverId);
    try {
      const sent = accountStatements(change, password === null ? null : quoteString(password, await this.noBackslashEscapes(serverId, connection)));
      for (const [i, statement] of sent.entries()) await this.send(serverId, connection, statement, shown[i]!, password);
      return shown;
    } finally {
      connection.release();
    }
  }

  private async send(serverId: string, connection: PoolConnection, statement: string, shown: string, password: string | null): Promise<void> {
    const started = performance.now();
    try {
      const { rows } = await this.sessions.run<{ affectedRows?: number }>(serverId, statement, [], { database: null, audit: false, connection });
      this.sessions.record(serverId, null, shown, rows.affectedRows ?? null, performance.now() - started, 'ok', null);
    } catch (error) {
      const e = error instanceof AppError ? error : new AppError('internal', error instanceof Error ? error.message : String(error));
      const message = maskSecret(e.message, password);
      const details = e.details === undefined ? undefined : maskSecret(e.details, password);
      const refused = (e.data as { refused?: boolean } | undefined)?.refused === true;
      this.sessions.record(serverId, null, shown, null, performance.now() - started, refused ? 'refused' : 'error', details ?? message);
      throw new AppError(e.code, message, { details, data: e.data });
    }
  }

  /** The session's sql_mode decides how a string literal is escaped. */
  private async noBackslashEscapes(serverId: string, connection: PoolConnection): Promise<boolean> {
    const { rows } = await this.sessions.run<Row[]>(serverId, 'SELECT @@SESSION.sql_mode AS m', [], { database: null, audit: false, connection });
    return /\bNO_BACKSLASH_ESCAPES\b/i.test(str(rows[0]?.m));
  }

  /** The server's own limit on user names (its mysql.user column; MariaDB's 80 at most), else the safe 32. */
  private async checkUserLength(serverId: string, user: string, field: string): Promise<void> {
    const { rows } = await this.sessions.run<Row[]>(
      serverId,
      "SELECT MAX(CHARACTER_MAXIMUM_LENGTH) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME IN ('user', 'global_priv') AND COLUMN_NAME = 'User'",
      [],
      { database: null, audit: false },
    );
    const column = Number(rows[0]?.n);
    const max = Number.isFinite(column) && column > 0 ? Math.min(MYSQL_USER_MAX, column) : MYSQL_USER_SAFE_MAX;
    if ([...user].length > max) {
      const message = `User name is too long for this server (at most ${max} characters)`;
      throw new AppError('invalid-input', message, { fields: { [field]: message } });
    }
  }
}
