// MySQL accounts and their privileges as the database browser edits them: account names (user
// and host pattern), database and table names, the fixed list of privileges a grant may name.
// Validated here at the contract and again in the core right before a value reaches SQL
// (src-main/core/db/account-sql.ts). Pure: no node, no DOM.
import { z } from 'zod';
import { Password } from './hosting';
import { CONTROL_CHARS, IPV4 } from './validation';

/**
 * MariaDB takes user names of up to 80 characters, MySQL 32. The contract takes 80; the core
 * then holds a name to the server's own limit (the length of mysql.user's User column, at most
 * 80), or 32 where it cannot read it.
 */
export const MYSQL_USER_MAX = 80;
export const MYSQL_USER_SAFE_MAX = 32;
export const MYSQL_HOST_MAX = 255;
export const MYSQL_NAME_MAX = 64;

/** Characters beyond the Basic Multilingual Plane (emoji): MySQL's names are utf8mb3 and cannot hold them. */
const BEYOND_BMP = /[\u{10000}-\u{10FFFF}]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a name is refused, or null. Quotes, backticks, `;`, `@`, `%` are fine: they are quoted where used. */
function nameProblem(v: string, what: string, max: number): string | null {
  if (v.length === 0) return `${what} is required`;
  if (CONTROL_CHARS.test(v)) return `${what} must not contain control characters (NUL, line breaks, tabs)`;
  if (LONE_SURROGATE.test(v)) return `${what} contains an invalid (unpaired) Unicode character`;
  if (BEYOND_BMP.test(v)) return `${what} must not contain characters beyond the Basic Multilingual Plane (emoji): MySQL cannot store them in names`;
  if ([...v].length > max) return `${what} is too long (at most ${max} characters)`;
  if (/^\s|\s$/.test(v)) return `${what} must not start or end with a space`;
  return null;
}

const named = (what: string, max: number) =>
  z.string({ error: `${what} is required` }).superRefine((v, ctx) => {
    const problem = nameProblem(v, what, max);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const MysqlUserName = named('User name', MYSQL_USER_MAX);
export const DbObjectName = named('Name', MYSQL_NAME_MAX);

const IPV6_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** An IPv6 literal: up to 8 hex groups, one `::` at most, an IPv4 tail allowed (::ffff:1.2.3.4). */
export function isIpv6(v: string): boolean {
  if (!v.includes(':') || v.length > 45) return false;
  const halves = v.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  const last = groups[groups.length - 1];
  const v4 = last !== undefined && IPV4.test(last);
  const hex = v4 ? groups.slice(0, -1) : groups;
  if (!hex.every((g) => IPV6_GROUP.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Host name labels, where `%` (any run) and `_` (one character) are MySQL's wildcards. */
const HOST_PATTERN = /^[A-Za-z0-9%_-]{1,63}(\.[A-Za-z0-9%_-]{1,63})*$/;

/** Why a host is refused, or null. */
export function hostProblem(v: string): string | null {
  if (v.length === 0) return 'Host is required (% = any host)';
  if (v.length > MYSQL_HOST_MAX) return `Host is too long (at most ${MYSQL_HOST_MAX} characters)`;
  if (isIpv6(v)) return null;
  const slash = v.split('/');
  if (slash.length === 2) return IPV4.test(slash[0]!) && IPV4.test(slash[1]!) ? null : 'A host with a netmask is an IPv4 address and its mask (192.168.1.0/255.255.255.0)';
  if (slash.length > 2 || !HOST_PATTERN.test(v)) {
    return 'Host is %, localhost, an IP address (IPv4 or IPv6), a host name, or a pattern of one with % and _ wildcards (192.168.1.%, %.example.com)';
  }
  return null;
}

export const MysqlHost = z.string({ error: 'Host is required (% = any host)' }).superRefine((v, ctx) => {
  const problem = hostProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The privileges a grant may name, in the picker's order. GRANT OPTION is a choice of its own. */
export const MYSQL_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
  'ALL PRIVILEGES',
] as const;
export const MysqlPrivilege = z.enum(MYSQL_PRIVILEGES, { error: `Privileges are chosen from: ${MYSQL_PRIVILEGES.join(', ')}` });
export type MysqlPrivilege = z.infer<typeof MysqlPrivilege>;

/** The ones MySQL grants on a single table; the rest exist per database only. */
export const TABLE_PRIVILEGES: readonly MysqlPrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'INDEX', 'ALTER', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER', 'ALL PRIVILEGES'];

/**
 * Where a grant applies: every table of a database (`table` null) or one table. A database name
 * is taken literally (its `_` and `%` are escaped, as MySQL otherwise reads them as wildcards),
 * unless `pattern` says it is the grant's pattern as the server stores it (revoking a grant
 * that was listed from the server).
 */
export const GrantScope = z
  .object({ database: DbObjectName, table: DbObjectName.nullable().default(null), pattern: z.boolean().default(false) })
  .strict()
  .refine((s) => !(s.pattern && s.table !== null), { message: 'A table grant names its database literally (no pattern)', path: ['pattern'] });
export type GrantScope = z.infer<typeof GrantScope>;

const Account = { user: MysqlUserName, host: MysqlHost };

function checkPrivileges(c: { op: string; scope: GrantScope; privileges: MysqlPrivilege[]; grantOption: boolean }, ctx: z.RefinementCtx): void {
  if (c.privileges.length === 0 && !(c.op === 'revoke' && c.grantOption)) ctx.addIssue({ code: 'custom', path: ['privileges'], message: 'Choose at least one privilege' });
  if (new Set(c.privileges).size !== c.privileges.length) ctx.addIssue({ code: 'custom', path: ['privileges'], message: 'A privilege is named twice' });
  if (c.privileges.includes('ALL PRIVILEGES') && c.privileges.length > 1) ctx.addIssue({ code: 'custom', path: ['privileges'], message: 'ALL PRIVILEGES already holds the others: choose it alone' });
  const perDatabase = c.scope.table === null ? [] : c.privileges.filter((p) => !TABLE_PRIVILEGES.includes(p));
  if (perDatabase.length) ctx.addIssue({ code: 'custom', path: ['privileges'], message: `${perDatabase.join(', ')} exist per database only, not on one table` });
}

const GrantChange = z
  .object({ ...Account, scope: GrantScope, privileges: z.array(MysqlPrivilege).max(MYSQL_PRIVILEGES.length), grantOption: z.boolean().default(false) })
  .strict();

const Create = z.object({ op: z.literal('create'), ...Account, password: Password.optional() }).strict();
const NewPassword = z.object({ op: z.literal('password'), ...Account, password: Password.optional() }).strict();
const Grant = GrantChange.extend({ op: z.literal('grant') }).superRefine(checkPrivileges);
const Revoke = GrantChange.extend({ op: z.literal('revoke') }).superRefine(checkPrivileges);
const Drop = z.object({ op: z.literal('drop'), ...Account }).strict();

/**
 * One change to the server's accounts, previewed and then applied as its exact statements. A new
 * account's or new password's password is typed, or generated (and returned once) when left out.
 */
export const AccountChange = z.discriminatedUnion('op', [Create, NewPassword, Grant, Revoke]);
export type AccountChange = z.infer<typeof AccountChange>;

/** What a preview may show: the changes above and the drop (run only by its confirming method). */
export const AccountPreview = z.discriminatedUnion('op', [Create, NewPassword, Grant, Revoke, Drop]);
export type AccountPreview = z.infer<typeof AccountPreview>;

/** The text that confirms a drop: the account as MySQL writes it, user@host. */
export const accountLabel = (user: string, host: string) => `${user}@${host}`;
