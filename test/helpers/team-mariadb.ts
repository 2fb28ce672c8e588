// A team database of its own on the testbed's MariaDB for one test: a dedicated schema with every
// team table and the four roles, accounts made through roles.ts's statements (each password
// registered for the secret scan), everything dropped afterwards. The testbed's hdadmin (every
// privilege, as the login that creates a team) plays "root".
import { randomBytes, randomUUID } from 'node:crypto';
import mysql, { type Connection, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import type { TeamRole } from '../../shared/api/team-admin';
import { createSchema, TEAM_TABLES } from '../../src-main/core/team/schema';
import { account, peopleStatements, roleName, roleSetupStatements } from '../../src-main/core/team/roles';
import { quoteString } from '../../src-main/core/db/account-sql';
import { TEAM_ROLES } from '../../shared/api/team-admin';
import { mariadbInfo } from '../../testbed/mariadb';
import { registerSecret } from './secrets';

const HOST = '127.0.0.1';

export type TeamFixture = {
  database: string;
  /** hdadmin on the team schema: every privilege. */
  root: Pool;
  /** Makes an account with a role (as the team's creator does) and logs in as it. */
  person(role: TeamRole, user?: string): Promise<{ user: string; host: string; password: string; pool: Pool; conn: Connection }>;
  /** Logs in as an account (a pool and one connection of its own). */
  login(user: string, password: string): Promise<{ pool: Pool; conn: Connection }>;
  /** Team accounts on the server (mysql.user) whose name starts with this fixture's prefix. */
  accounts(): Promise<string[]>;
  prefix: string;
  drop(): Promise<void>;
};

export async function teamFixture(label: string): Promise<TeamFixture> {
  const info = mariadbInfo();
  const tag = randomUUID().replace(/-/g, '').slice(0, 8);
  const database = `hdt_${label}_${tag}`;
  const prefix = `hdt${tag}`;
  const base = { host: HOST, port: info.port, charset: 'utf8mb4', dateStrings: true, multipleStatements: false } as const;
  const setup = await mysql.createConnection({ ...base, user: info.adminUser, password: info.adminPassword });
  await setup.query(`CREATE DATABASE \`${database}\``);
  await setup.end();
  const root = mysql.createPool({ ...base, user: info.adminUser, password: info.adminPassword, database, connectionLimit: 4 });
  await createSchema(root, `team ${label}`, 'test');
  for (const s of roleSetupStatements(database, TEAM_TABLES)) await root.query(s);
  const opened: { end(): Promise<void> }[] = [];

  const login = async (user: string, password: string) => {
    // The connection logs in without a database: until the account's role is its default (activateRole) it may not enter it.
    const pool = mysql.createPool({ ...base, user, password, database, connectionLimit: 4 });
    const conn = await mysql.createConnection({ ...base, user, password });
    opened.push(pool, conn);
    return { pool, conn };
  };

  let n = 0;
  const fixture: TeamFixture = {
    database,
    root,
    prefix,
    login,
    async person(role, user = `${prefix}_${role}_${n++}`) {
      const password = randomBytes(15).toString('base64url');
      registerSecret(`team ${user}`, password);
      for (const s of peopleStatements(database, { action: 'create', user, host: HOST, role, password: null }, quoteString(password, false), null)) await root.query(s);
      return { user, host: HOST, password, ...(await login(user, password)) };
    },
    async accounts() {
      const [rows] = await root.query<RowDataPacket[]>("SELECT CONCAT(user, '@', host) AS a FROM mysql.user WHERE user LIKE ? ORDER BY a", [`${prefix}%`]);
      return rows.map((r) => String(r.a));
    },
    async drop() {
      await Promise.all(opened.map((o) => o.end().catch(() => undefined)));
      const [users] = await root.query<RowDataPacket[]>("SELECT user AS u, host AS h FROM mysql.user WHERE user LIKE ? AND is_role = 'N'", [`${prefix}%`]);
      for (const { u, h } of users) await root.query(`DROP USER IF EXISTS ${account(String(u), String(h))}`);
      if ((await fixture.accounts()).length > 0) throw new Error(`teamFixture: accounts of ${prefix} left behind`);
      for (const r of TEAM_ROLES) await root.query(`DROP ROLE IF EXISTS \`${roleName(database, r)}\``);
      await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await root.end();
    },
  };
  return fixture;
}

/** A test file's team database: made before its tests, dropped after them. */
export function teamSuite(label: string): { readonly team: TeamFixture } {
  let team: TeamFixture | undefined;
  beforeAll(async () => {
    team = await teamFixture(label);
  }, 60_000);
  afterAll(async () => {
    await team?.drop();
  });
  return {
    get team() {
      if (!team) throw new Error('teamSuite: the team database is made in beforeAll');
      return team;
    },
  };
}
