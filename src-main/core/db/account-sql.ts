// The statements of an account change, built from values checked again here with the contract's
// own rules (a caller inside the core may skip the dispatcher): identifiers and account names
// are backtick-quoted with backticks doubled (which reads the same in every sql_mode), and the
// one string literal, the password, is escaped for the session's sql_mode. MariaDB refuses a
// placeholder after IDENTIFIED BY even in a prepared statement, so the literal is escaped. Each
// statement is built twice: to run, and to show and audit with the password as '***'.
import mysql from 'mysql2/promise';
import { AppError, msg } from '../../../shared/errors';
import { AccountPreview, GrantScope, MysqlHost, MysqlUserName } from '../../../shared/mysql-accounts';

export const MASK = '***';

/** `name` as an identifier: backticks doubled; NUL, which no quoting carries, refused. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new AppError('invalid-input', msg('Names must not contain NUL.'));
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A string literal for a session in `noBackslashEscapes` mode (sql_mode NO_BACKSLASH_ESCAPES,
 * where `\` is an ordinary character and only a doubled quote escapes one) or the default one
 * (mysql2's escaping).
 */
export function quoteString(value: string, noBackslashEscapes: boolean): string {
  if (value.includes('\u0000')) throw new AppError('invalid-input', msg('Values must not contain NUL.'));
  return noBackslashEscapes ? `'${value.replace(/'/g, "''")}'` : mysql.escape(value);
}

/** A database name as a grant's pattern: `\`, `_` and `%` escaped, so it matches only itself. */
export const literalPattern = (database: string) => database.replace(/[\\_%]/g, '\\$&');

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } } };

function checked<T>(schema: Schema<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const message = issue?.message ?? `${field} is not valid`;
    const key = [field, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
    throw new AppError('invalid-input', message, { fields: { [key]: message } });
  }
  return r.data;
}

export function accountName(user: string, host: string): string {
  return `${quoteIdent(checked(MysqlUserName, user, 'user'))}@${quoteIdent(checked(MysqlHost, host, 'host'))}`;
}

function target(scope: GrantScope): string {
  const s = checked(GrantScope, scope, 'scope');
  if (s.table !== null) return `${quoteIdent(s.database)}.${quoteIdent(s.table)}`;
  return `${quoteIdent(s.pattern ? s.database : literalPattern(s.database))}.*`;
}

/** `password`: the literal to put after IDENTIFIED BY (quoted already), or null to show MASK. */
export function accountStatements(input: AccountPreview, password: string | null): string[] {
  // The privileges are joined into the statement as words: only the fixed list passes here.
  const change = checked(AccountPreview, input, '');
  const who = accountName(change.user, change.host);
  const secret = password ?? `'${MASK}'`;
  switch (change.op) {
    case 'create':
      return [`CREATE USER ${who} IDENTIFIED BY ${secret}`];
    case 'password':
      return [`ALTER USER ${who} IDENTIFIED BY ${secret}`];
    case 'drop':
      return [`DROP USER ${who}`];
    case 'grant':
      return [`GRANT ${change.privileges.join(', ')} ON ${target(change.scope)} TO ${who}${change.grantOption ? ' WITH GRANT OPTION' : ''}`];
    case 'revoke': {
      const words = [...change.privileges, ...(change.grantOption ? ['GRANT OPTION'] : [])];
      return [`REVOKE ${words.join(', ')} ON ${target(change.scope)} FROM ${who}`];
    }
  }
}

/** Every form in which `secret` may appear in a server's message about a statement holding it. */
export function maskSecret(text: string, secret: string | null): string {
  if (!secret) return text;
  const forms = [secret, mysql.escape(secret).slice(1, -1), secret.replace(/'/g, "''"), JSON.stringify(secret).slice(1, -1)];
  let out = text;
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) out = out.split(form).join(MASK);
  return out;
}
