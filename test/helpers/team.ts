// A team database for one test on the testbed's MariaDB: its own schema hostdeck_team_<random>
// and its own user with a random password (registered for the secret scan), dropped after.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { defaultWorkstation, type TeamConfig } from '../../src-main/core/team/connection';
import { loadTestbed } from '../../testbed/testbed';
import { registerSecret } from './secrets';

export type TestTeamDb = { config: TeamConfig; password: string; drop(): Promise<void> };

async function admin() {
  const { mariadb } = loadTestbed();
  return mysql.createConnection({ host: mariadb.host, port: mariadb.port, user: mariadb.adminUser, password: mariadb.adminPassword });
}

export async function teamDatabase(workstation = defaultWorkstation()): Promise<TestTeamDb> {
  const password = teamPassword();
  registerSecret('team database password', password);
  return teamDatabaseWith(password, workstation);
}

/** A random team login password (kept in memory only). */
export const teamPassword = (): string => `team-${randomBytes(12).toString('base64url')}`;

/** teamDatabase with a given password, not registered (a bench keeps it in memory and writes no file of secrets). */
export async function teamDatabaseWith(password: string, workstation = defaultWorkstation()): Promise<TestTeamDb> {
  const { mariadb } = loadTestbed();
  const suffix = randomBytes(5).toString('hex');
  const database = `hostdeck_team_${suffix}`;
  const user = `hdteam_${suffix}`;
  const conn = await admin();
  try {
    await conn.query(`CREATE DATABASE \`${database}\``);
    await conn.query(`CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?`, [user, password]);
    await conn.query(`GRANT ALL ON \`${database}\`.* TO ?@'127.0.0.1'`, [user]);
  } finally {
    await conn.end();
  }
  return {
    config: { version: 1, host: mariadb.host, port: mariadb.port, user, database, tunnelServerId: null, workstation },
    password,
    drop: async () => {
      const c = await admin();
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await c.query(`DROP USER IF EXISTS ?@'127.0.0.1'`, [user]);
      } finally {
        await c.end();
      }
    },
  };
}

/** A connection to the team database as its user (to read what the cores wrote). */
export function teamConnection(db: TestTeamDb) {
  return mysql.createConnection({ host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database, dateStrings: true });
}
