// Task kinds of a site's databases: the `mysql` client run on the server (as the SSH user, with
// the server's MysqlSettings) creates the database, its user with grants on that database only,
// changes the user's password, drops both. The SQL reaches mysql on stdin, built at run time:
// the password is quoted there (any printable character works) and appears nowhere else — the
// commands shown carry SECRET_MASK in its place. Names are re-validated (assertSafe) and quoted
// as SQL (identifiers with backticks, the user as a string literal).
import { z } from 'zod';
import { FtpPath, MysqlSettings } from '../../../shared/api/hosting';
import { DbName, DbUser, Password, SiteName, belongsToSite } from '../../../shared/hosting';
import { SECRET_MASK } from '../../../shared/queue';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe, sqlIdent, sqlString } from './quote';

const DbSecretRef = z.string().regex(/^db-[0-9a-f-]{36}$/, 'Bad secret reference');

const Conn = MysqlSettings.shape;
const Owned = z
  .object({ site: SiteName, name: DbName, user: DbUser })
  .strict()
  .refine((p) => belongsToSite(p.site, p.name) && belongsToSite(p.site, p.user), 'The database and its user must carry the site\'s prefix');
const CreateParams = z.object({ site: SiteName, name: DbName, user: DbUser, passwordRef: DbSecretRef, ...Conn }).strict();
type CreateParams = z.infer<typeof CreateParams>;
const DropParams = z.object({ site: SiteName, name: DbName, user: DbUser, ...Conn }).strict();
type DropParams = z.infer<typeof DropParams>;

/** Sites reach their database on the server itself. */
const HOST = 'localhost';

function account(user: string): string {
  return `${sqlString(user)}@${sqlString(HOST)}`;
}

/**
 * A database name in a GRANT: `_` and `%` are wildcards there, so they are escaped — the grant
 * on `shop_db` must not also cover `shopxdb`.
 */
function grantTarget(name: string): string {
  return `${sqlIdent(name.replace(/[_%]/g, (c) => `\\${c}`))}.*`;
}

function checked(p: { site: string; name: string; user: string }): { name: string; user: string } {
  const v = assertSafe(Owned, { site: p.site, name: p.name, user: p.user });
  return { name: v.name, user: v.user };
}

export function createSql(p: { site: string; name: string; user: string }, password: string): string[] {
  const { name, user } = checked(p);
  const secret = sqlString(password);
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    `CREATE USER IF NOT EXISTS ${account(user)} IDENTIFIED BY ${secret};`,
    `ALTER USER ${account(user)} IDENTIFIED BY ${secret};`,
    `GRANT ALL PRIVILEGES ON ${grantTarget(name)} TO ${account(user)};`,
    `SELECT CONCAT('database ', ${sqlString(name)}, ' ready for user ', ${sqlString(user)}) AS result;`,
  ];
}

export function passwordSql(p: { site: string; name: string; user: string }, password: string): string[] {
  const { user } = checked(p);
  return [
    `ALTER USER ${account(user)} IDENTIFIED BY ${sqlString(password)};`,
    `SELECT CONCAT('password set for ', ${sqlString(user)}) AS result;`,
  ];
}

export function dropSql(p: { site: string; name: string; user: string }): string[] {
  const { name, user } = checked(p);
  return [
    `DROP DATABASE IF EXISTS ${sqlIdent(name)};`,
    `DROP USER IF EXISTS ${account(user)};`,
    `SELECT CONCAT('database ', ${sqlString(name)}, ' and user ', ${sqlString(user)}, ' are gone') AS result;`,
  ];
}

/** The client's command line: the option file first (mysql requires it), then the socket. */
export function mysqlCommand(p: { socket: string | null; defaultsFile: string | null }): string {
  const defaults = p.defaultsFile === null ? null : assertSafe(FtpPath, p.defaultsFile, 'defaultsFile');
  const socket = p.socket === null ? null : assertSafe(FtpPath, p.socket, 'socket');
  return `mysql${defaults === null ? '' : ` --defaults-file=${shQuote(defaults)}`}${socket === null ? '' : ` --socket=${shQuote(socket)}`} --batch --skip-column-names`;
}

function client(p: { socket: string | null; defaultsFile: string | null }): string[] {
  return [
    'command -v mysql >/dev/null 2>&1 || { echo "the mysql client is not installed on this server (package mariadb-client or mysql-client)" >&2; exit 6; }',
    `${mysqlCommand(p)} || exit $?`,
  ];
}

/** What is shown: the statements mysql reads on stdin (the password masked), then the command. */
function shown(sql: string[], p: { socket: string | null; defaultsFile: string | null }): string[] {
  return [...sql.map((s) => `# stdin: ${s}`), ...client(p)];
}

registerTaskKind('db.create', {
  params: CreateParams,
  title: (p) => `Create database ${p.name} with user ${p.user} for site ${p.site}`,
  commands: (p) => shown(createSql(p, SECRET_MASK), p),
  script: (p) => `${client(p).join('\n')}\n`,
  stdin: async (p, secrets) => `${createSql(p, await secrets(p.passwordRef)).join('\n')}\n`,
  secret: { ref: (p) => p.passwordRef, value: Password },
});

registerTaskKind('db.password', {
  params: CreateParams,
  title: (p) => `Set the password of database user ${p.user} (site ${p.site})`,
  commands: (p) => shown(passwordSql(p, SECRET_MASK), p),
  script: (p) => `${client(p).join('\n')}\n`,
  stdin: async (p, secrets) => `${passwordSql(p, await secrets(p.passwordRef)).join('\n')}\n`,
  secret: { ref: (p) => p.passwordRef, value: Password },
});

registerTaskKind('db.drop', {
  params: DropParams,
  title: (p) => `Drop database ${p.name} and user ${p.user} of site ${p.site}`,
  commands: (p) => shown(dropSql(p), p),
  script: (p) => `${client(p).join('\n')}\n`,
  stdin: async (p) => `${dropSql(p).join('\n')}\n`,
});
