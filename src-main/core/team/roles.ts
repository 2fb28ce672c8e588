// Team roles as the database server enforces them: one MariaDB role per team role holding
// per-table GRANTs on the team database, granted to each person's account. The `roles` table
// records who has which role (and who granted it, when) for the UI to show and adapt; what a
// login may do is decided by the server, and what role a login has is read from the server
// (CURRENT_ROLE(), the roles granted to CURRENT_USER()), never from a client setting.
//
// An account's default role can only be set by the account itself without privileges on the
// `mysql` database, so an admin grants the role and the person's own workstation makes it its
// default at its next login (activateRole).
import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import mysql, { type Connection, type Pool, type PoolConnection } from 'mysql2/promise';
import { AppError, msg } from '../../../shared/errors';
import { PeopleChange, TEAM_ROLES, TEAM_USER, type Person, type TeamMe, type TeamRole } from '../../../shared/api/team-admin';
import { hostProblem } from '../../../shared/mysql-accounts';
import { DNS_TASK_KINDS } from '../queue/answerable';
import { MASK, quoteIdent, quoteString } from '../db/account-sql';
import type { TeamConfig } from './connection';
import type { TeamEndpoint } from './tunnel';
import type { TableKind, TeamTable } from './schema';

type Queryable = Pool | PoolConnection | Connection;

const W = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
const R = ['SELECT'];
/** Append-only: rows are added and read, never changed or removed by anyone (the audit, the change feed). */
const A = ['SELECT', 'INSERT'];

/** Each role's privileges per kind of table. */
export const ROLE_PRIVILEGES: Record<TeamRole, Record<TableKind, string[]>> = {
  admin: { meta: R, inventory: W, sites: W, dns: W, queue: W, templates: W, backups: W, changes: A, audit: A, roles: W },
  operator: { meta: R, inventory: R, sites: W, dns: R, queue: W, templates: W, backups: W, changes: A, audit: A, roles: R },
  dns: { meta: R, inventory: R, sites: R, dns: W, queue: W, templates: R, backups: R, changes: A, audit: A, roles: R },
  support: { meta: R, inventory: R, sites: R, dns: R, queue: R, templates: R, backups: R, changes: R, audit: A, roles: R },
};

/**
 * The queue's journal as a dns login may append to it: the dns role has no INSERT on
 * `queue_events` itself, only on this view, whose CHECK OPTION lets through a runner's events
 * (started, finished, skipped, cancelled, retried: a dns workstation may run any server's queue)
 * and an `enqueued` event only for a DNS task kind — so the engine, not the client, refuses a dns
 * login's other tasks (ER_VIEW_CHECK_FAILED). No `snapshot` rows (they carry a whole task). The
 * view runs as its definer (the login that set the roles up), the only way a role can write a
 * table through it without writing the table itself. The condition reads the JSON as MariaDB
 * does; a row JavaScript would read otherwise (a duplicate or escaped key) is not in canonical
 * form, and every workstation's replay skips it (queue-backend.ts).
 */
export const DNS_JOURNAL_VIEW = 'queue_events_dns';

function dnsJournalView(db: string): string {
  const kinds = DNS_TASK_KINDS.map((k) => quoteString(k, false)).join(', ');
  return (
    `CREATE OR REPLACE SQL SECURITY DEFINER VIEW ${db}.${quoteIdent(DNS_JOURNAL_VIEW)} AS SELECT seq, server_id, event, author, at FROM ${db}.queue_events ` +
    // Compared as bytes: a case-insensitive or space-padding collation would take 'DNS.PUSH' or 'dns.push '.
    `WHERE CAST(JSON_VALUE(event, '$.t') AS BINARY) IN ('started', 'finished', 'skipped', 'cancelled', 'retried') ` +
    `OR (CAST(JSON_VALUE(event, '$.t') AS BINARY) = 'enqueued' AND CAST(JSON_VALUE(event, '$.task.kind') AS BINARY) IN (${kinds})) ` +
    'WITH CASCADED CHECK OPTION'
  );
}

/**
 * The view lets a runner's answers through for any task; this trigger narrows a dns login's
 * skip, cancel and retry to DNS tasks (the kind is read from the task's `enqueued` or, after a
 * compaction, `snapshot` row). The view itself cannot look the task up: a view reading its own
 * table in a subquery can take no INSERT. The trigger runs as its definer, so the login is
 * USER()'s name, matched against the `roles` table (whose rows only an admin writes); a dns
 * login's `started` and `finished` stay open to it, as it may run any server's queue.
 */
export const DNS_CONTROL_TRIGGER = 'queue_events_dns_control';

function dnsControlTrigger(db: string): string {
  const kinds = DNS_TASK_KINDS.map((k) => quoteString(k, false)).join(', ');
  const eventType = (e: string) => `CAST(JSON_VALUE(${e}, '$.t') AS BINARY)`;
  return (
    `CREATE TRIGGER IF NOT EXISTS ${db}.${quoteIdent(DNS_CONTROL_TRIGGER)} BEFORE INSERT ON ${db}.queue_events FOR EACH ROW ` +
    `IF ${eventType('NEW.event')} IN ('skipped', 'cancelled', 'retried') ` +
    `AND EXISTS (SELECT 1 FROM ${db}.roles r WHERE r.user = SUBSTRING_INDEX(USER(), '@', 1) AND r.role = 'dns') ` +
    `AND NOT EXISTS (SELECT 1 FROM ${db}.queue_events e WHERE e.server_id = NEW.server_id AND ${eventType('e.event')} IN ('enqueued', 'snapshot') ` +
    `AND CAST(JSON_VALUE(e.event, '$.task.id') AS BINARY) = CAST(JSON_VALUE(NEW.event, '$.id') AS BINARY) ` +
    `AND CAST(JSON_VALUE(e.event, '$.task.kind') AS BINARY) IN (${kinds})) ` +
    `THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'A dns login may retry, skip or cancel DNS tasks only.'; END IF`
  );
}

/**
 * A team whose roles were set up before the DNS view (or the trigger) existed: its dns role still
 * has INSERT on the journal itself, or may answer any task. The first login that may create a
 * view and a trigger there and change grants (the team's creator; the admin role has neither)
 * makes what is missing, grants the view, and takes the table's writes from dns; any other login
 * leaves it to that one (logged). Nothing to do when both are there or the team has no roles.
 */
export async function ensureDnsJournalView(db: Queryable, database: string, log: (line: string) => void): Promise<void> {
  const [views] = await db.query<RowDataPacket[]>('SELECT 1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [DNS_JOURNAL_VIEW]);
  const [triggers] = await db.query<RowDataPacket[]>('SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = ?', [DNS_CONTROL_TRIGGER]);
  if ((views.length > 0 && triggers.length > 0) || !(await rolesExist(db, database))) return;
  const qdb = quoteIdent(checkedDatabase(database));
  const role = quoteIdent(roleName(database, 'dns'));
  try {
    if (views.length === 0) {
      await db.query(dnsJournalView(qdb));
      await db.query(`GRANT INSERT ON ${qdb}.${quoteIdent(DNS_JOURNAL_VIEW)} TO ${role}`);
      await db.query(`REVOKE INSERT, UPDATE, DELETE ON ${qdb}.queue_events FROM ${role}`);
    }
    if (triggers.length === 0) await db.query(dnsControlTrigger(qdb));
    log(`[hostdeck] team database: the dns role now queues and answers DNS tasks only (view ${DNS_JOURNAL_VIEW}, trigger ${DNS_CONTROL_TRIGGER})`);
  } catch (error) {
    log(`[hostdeck] team database: the dns role's journal view or trigger could not be made by this login (${error instanceof Error ? error.message : String(error)}); the team creator's workstation does it at its next start`);
  }
}

/** A role's privileges on one table: its kind's, but a dns login appends to the journal only through its view. */
export function privilegesOn(role: TeamRole, table: Pick<TeamTable, 'name' | 'kind'>): string[] {
  if (role === 'dns' && table.name === 'queue_events') return R;
  return ROLE_PRIVILEGES[role][table.kind];
}

export const ROLES_TABLE: TeamTable = {
  name: 'roles',
  kind: 'roles',
  ddl: `CREATE TABLE IF NOT EXISTS roles (
  user VARCHAR(80) NOT NULL,
  host VARCHAR(255) NOT NULL,
  role VARCHAR(16) NOT NULL,
  granted_by VARCHAR(255) NOT NULL,
  granted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user, host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
};

/** The MariaDB role of a team role: per team database (role names are server-wide), at most 80 characters. */
export function roleName(database: string, role: TeamRole): string {
  const name = `hostdeck_${database}_${role}`;
  return name.length <= 80 ? name : `hostdeck_${createHash('sha256').update(database).digest('hex').slice(0, 16)}_${role}`;
}

const DATABASE = /^[A-Za-z0-9_]{1,64}$/;

function checkedDatabase(database: string): string {
  if (!DATABASE.test(database)) throw new AppError('invalid-input', msg('The team database name is letters, digits and "_" only.'));
  return database;
}

/** Checked again right before SQL: the contract's rules, whoever called. */
function checkedAccount(user: string, host: string): { user: string; host: string } {
  if (!TEAM_USER.test(user)) throw new AppError('invalid-input', msg('User name: letters, digits, "_", "." and "-", starting with a letter or digit.'), { fields: { user: 'Letters, digits, "_", "." and "-" only' } });
  const problem = hostProblem(host);
  if (problem) throw new AppError('invalid-input', problem, { fields: { host: problem } });
  return { user, host };
}

/** 'user'@'host' — both checked to hold no quote, backslash or control character, then quoted. */
export function account(user: string, host: string): string {
  const a = checkedAccount(user, host);
  return `${quoteString(a.user, false)}@${quoteString(a.host, false)}`;
}

/** Creates the four roles and their grants on every table (idempotent; run by the login that creates the team). */
export function roleSetupStatements(database: string, tables: TeamTable[]): string[] {
  const db = quoteIdent(checkedDatabase(database));
  const journal = tables.some((t) => t.name === 'queue_events');
  const out: string[] = journal ? [dnsJournalView(db), dnsControlTrigger(db)] : [];
  for (const role of TEAM_ROLES) {
    const r = quoteIdent(roleName(database, role));
    out.push(`CREATE ROLE IF NOT EXISTS ${r}`);
    for (const t of tables) out.push(`GRANT ${privilegesOn(role, t).join(', ')} ON ${db}.${quoteIdent(t.name)} TO ${r}`);
    if (journal && role === 'dns') out.push(`GRANT INSERT ON ${db}.${quoteIdent(DNS_JOURNAL_VIEW)} TO ${r}`);
  }
  return out;
}

/** Whether the team's roles exist on the server (a login sees a role it holds; a superuser sees every one). */
export async function rolesExist(db: Queryable, database: string): Promise<boolean> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.APPLICABLE_ROLES WHERE ROLE_NAME LIKE CONCAT('hostdeck\\_', ?, '\\_%')",
    [database.replace(/_/g, '\\_')],
  );
  if (Number(rows[0]?.n) > 0) return true;
  try {
    await db.query(`SHOW GRANTS FOR ${quoteIdent(roleName(database, 'admin'))}`);
    return true;
  } catch {
    return false;
  }
}

/** The roles' set-up, then the login running it recorded as the team's first admin. */
export function setUpStatements(database: string, tables: TeamTable[]): string[] {
  const db = quoteIdent(checkedDatabase(database));
  return [
    ...roleSetupStatements(database, tables),
    `INSERT IGNORE INTO ${db}.roles (user, host, role, granted_by) VALUES (SUBSTRING_INDEX(CURRENT_USER(), '@', 1), SUBSTRING_INDEX(CURRENT_USER(), '@', -1), 'admin', CURRENT_USER())`,
  ];
}

/** What an admin account holds besides its role: making and dropping accounts, and handing out the team's roles. */
function adminExtras(database: string, who: string): string[] {
  return [`GRANT CREATE USER ON *.* TO ${who} WITH GRANT OPTION`, ...TEAM_ROLES.filter((r) => r !== 'admin').map((r) => `GRANT ${quoteIdent(roleName(database, r))} TO ${who} WITH ADMIN OPTION`)];
}

function revokeStatements(database: string, who: string, role: TeamRole): string[] {
  if (role !== 'admin') return [`REVOKE ${quoteIdent(roleName(database, role))} FROM ${who}`];
  return [
    `REVOKE CREATE USER, GRANT OPTION ON *.* FROM ${who}`,
    ...TEAM_ROLES.map((r) => `REVOKE ${quoteIdent(roleName(database, r))} FROM ${who}`),
  ];
}

function grantStatements(database: string, who: string, role: TeamRole): string[] {
  if (role !== 'admin') return [`GRANT ${quoteIdent(roleName(database, role))} TO ${who}`];
  return [`GRANT ${quoteIdent(roleName(database, 'admin'))} TO ${who} WITH ADMIN OPTION`, ...adminExtras(database, who)];
}

/**
 * The exact statements of a change to the team's people. `password`: the literal to send, or
 * null to show '***'. `current`: the role the account has now (what a role change revokes).
 */
export function peopleStatements(database: string, input: PeopleChange, password: string | null, current: TeamRole | null): string[] {
  const parsed = PeopleChange.safeParse(input);
  if (!parsed.success) throw new AppError('invalid-input', parsed.error.issues[0]?.message ?? msg('Not a valid change.'));
  const change = parsed.data;
  const db = quoteIdent(checkedDatabase(database));
  const who = account(change.user, change.host);
  const user = quoteString(change.user, false);
  const host = quoteString(change.host, false);
  const where = `WHERE user = ${user} AND host = ${host}`;
  switch (change.action) {
    case 'create':
      return [
        `CREATE USER ${who} IDENTIFIED BY ${password ?? `'${MASK}'`}`,
        ...grantStatements(database, who, change.role),
        `INSERT INTO ${db}.roles (user, host, role, granted_by) VALUES (${user}, ${host}, ${quoteString(change.role, false)}, CURRENT_USER())`,
      ];
    case 'role':
      return [
        ...(current ? revokeStatements(database, who, current) : []),
        ...grantStatements(database, who, change.role),
        `UPDATE ${db}.roles SET role = ${quoteString(change.role, false)}, granted_by = CURRENT_USER(), granted_at = CURRENT_TIMESTAMP(3) ${where}`,
      ];
    case 'remove':
      return [`DROP USER ${who}`, `DELETE FROM ${db}.roles ${where}`];
  }
}

/** The team's people as the roles table records them. */
export async function listPeople(db: Queryable): Promise<Person[]> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT user, host, role, granted_by, granted_at FROM roles ORDER BY user, host');
  return rows.map((r) => ({
    user: String(r.user),
    host: String(r.host),
    role: (TEAM_ROLES as readonly string[]).includes(String(r.role)) ? (String(r.role) as TeamRole) : null,
    grantedBy: r.granted_by === null ? null : String(r.granted_by),
    grantedAt: r.granted_at === null ? null : String(r.granted_at),
  }));
}

/** The team role among MariaDB role names (the strongest when several are granted, as an admin's are). */
function teamRoleOf(database: string, names: string[]): TeamRole | null {
  return TEAM_ROLES.find((r) => names.includes(roleName(database, r))) ?? null;
}

function splitAccount(current: string): { user: string; host: string } {
  const at = current.lastIndexOf('@');
  return { user: current.slice(0, at), host: current.slice(at + 1) };
}

/**
 * Who this login is, from the server: its account, the team role the server gives it, whether it
 * holds every privilege. When the login's granted team role is not its default (a new account, or
 * a role changed by an admin), makes it the default and the session's role: the server's grant
 * decides, this only switches it on.
 */
export async function activateRole(conn: Connection | PoolConnection, database: string): Promise<TeamMe> {
  const [[who]] = await conn.query<RowDataPacket[]>('SELECT CURRENT_USER() AS me, CURRENT_ROLE() AS role');
  const me = String(who!.me);
  const [granted] = await conn.query<RowDataPacket[]>('SELECT ROLE_NAME FROM information_schema.APPLICABLE_ROLES WHERE GRANTEE = ?', [me]);
  const role = teamRoleOf(database, granted.map((g) => String(g.ROLE_NAME)));
  if (role && who!.role !== roleName(database, role)) {
    await conn.query(`SET DEFAULT ROLE ${quoteIdent(roleName(database, role))}`);
    await conn.query(`SET ROLE ${quoteIdent(roleName(database, role))}`);
  }
  const [grants] = await conn.query<RowDataPacket[]>('SHOW GRANTS');
  const superuser = grants.some((g) => /^GRANT ALL PRIVILEGES ON \*\.\* TO /.test(String(Object.values(g)[0])));
  return { ...splitAccount(me), role, superuser };
}

/** The team role the server grants this login now (its grants, live: a role an admin just changed shows at once). */
export async function grantedRole(db: Queryable, database: string): Promise<TeamRole | null> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT ROLE_NAME FROM information_schema.APPLICABLE_ROLES WHERE GRANTEE = CURRENT_USER()');
  return teamRoleOf(database, rows.map((r) => String(r.ROLE_NAME)));
}

/** The role of this login as the server has it now (no switching): for deciding support mode. */
export async function currentRole(db: Queryable, database: string): Promise<TeamRole | null> {
  const [[row]] = await db.query<RowDataPacket[]>('SELECT CURRENT_ROLE() AS role');
  return teamRoleOf(database, row?.role ? [String(row.role)] : []);
}

/**
 * A login's first step, before the team database's pool opens: on a connection that names no
 * database (a login whose role is not its default yet may not enter it), makes the granted team
 * role the default. Returns who the server says this login is.
 */
export async function prepareLogin(config: TeamConfig, password: string, endpoint: TeamEndpoint = config): Promise<TeamMe> {
  const conn = await mysql.createConnection({ host: endpoint.host, port: endpoint.port, user: config.user, password, charset: 'utf8mb4', connectTimeout: 10_000 });
  try {
    return await activateRole(conn, config.database);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
