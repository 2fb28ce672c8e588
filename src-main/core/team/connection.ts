// The connection to a team's database: where it is (team.json in the data folder: host, port,
// user, database, no password), the password (the keychain only), a small mysql2 pool for
// reads and writes, and dedicated connections for what lives as long as a connection does
// (the queue runners' GET_LOCKs: the engine releases them when the connection or process dies).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql, { type Connection, type ConnectionOptions, type Pool, type PoolConnection } from 'mysql2/promise';
import { z } from 'zod';
import { AppError, msg } from '../../../shared/errors';
import type { Keychain } from '../secrets/keychain';
import { DATABASE_NAME } from './schema';
import { TeamTunnel, type TeamEndpoint } from './tunnel';

export const TeamConfig = z
  .object({
    version: z.literal(1),
    host: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1).max(80).regex(/^[^\u0000-\u001f'"`\\]+$/),
    database: z.string().regex(DATABASE_NAME),
    /** An inventory server whose SSH connection carries the database connection, or null (direct). */
    tunnelServerId: z.string().uuid().nullable(),
    /** That server as connecting to it takes (the inventory is read through it): tunnel.ts. */
    tunnel: TeamTunnel.nullable().optional(),
    /** How this workstation is named to the others (who runs a queue, who wrote a record). */
    workstation: z.string().min(1).max(120),
  })
  .strict();
export type TeamConfig = z.infer<typeof TeamConfig>;

const CONFIG_FILE = 'team.json';

/** The keychain account of a team database password. */
export const teamPasswordAccount = (c: Pick<TeamConfig, 'host' | 'port' | 'user' | 'database'>) => `team:${c.user}@${c.host}:${c.port}/${c.database}`;

export function defaultWorkstation(): string {
  return `${os.userInfo().username}@${os.hostname()}`;
}

/** The data folder's team configuration, or null in solo mode. */
export function readTeamConfig(dataDir: string): TeamConfig | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, CONFIG_FILE), 'utf8');
  } catch {
    return null;
  }
  const parsed = TeamConfig.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`The team file ${path.join(dataDir, CONFIG_FILE)} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  return parsed.data;
}

export function writeTeamConfig(dataDir: string, config: TeamConfig | null): void {
  const file = path.join(dataDir, CONFIG_FILE);
  if (!config) return rmSync(file, { force: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(TeamConfig.parse(config), null, 2)}\n`, { mode: 0o600, flush: true });
  renameSync(`${file}.tmp`, file);
}

export class TeamDb {
  readonly pool: Pool;
  private readonly options: ConnectionOptions;

  constructor(
    readonly config: TeamConfig,
    password: string,
    endpoint: TeamEndpoint = config,
  ) {
    this.options = {
      host: endpoint.host,
      port: endpoint.port,
      user: config.user,
      password,
      database: config.database,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements: false,
      connectTimeout: 10_000,
    };
    this.pool = mysql.createPool({ ...this.options, connectionLimit: 4, maxIdle: 2, idleTimeout: 60_000 });
  }

  get workstation(): string {
    return this.config.workstation;
  }

  /**
   * A pooled connection that answers. One the pool kept idle may have been cut meanwhile (the SSH
   * session carrying a tunnel dropped): its first statement would fail, and a save with it. It is
   * let go and a new one taken; nothing was sent on it but the ping.
   */
  async liveConnection(): Promise<PoolConnection> {
    const conn = await this.pool.getConnection();
    try {
      await conn.ping();
      return conn;
    } catch {
      conn.destroy();
      return this.pool.getConnection();
    }
  }

  /** A connection of its own (not from the pool): its session state (locks) is its own. */
  async connection(): Promise<Connection> {
    try {
      return await mysql.createConnection(this.options);
    } catch (error) {
      throw teamError(error);
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** Opens the team database and checks it answers. */
export async function openTeamDb(config: TeamConfig, password: string, endpoint: TeamEndpoint = config): Promise<TeamDb> {
  const db = new TeamDb(config, password, endpoint);
  try {
    await db.pool.query('SELECT 1');
  } catch (error) {
    await db.close();
    throw teamError(error);
  }
  return db;
}

export async function teamPassword(keychain: Keychain, config: TeamConfig): Promise<string> {
  const password = await keychain.get(teamPasswordAccount(config));
  if (password === null) throw AppError.worded('keychain', msg("No password for the team database {{account}} is in this computer's keychain: join the team again."), { account: `${config.user}@${config.host}` });
  return password;
}

/** A MariaDB error as the UI's kind of error (the sentence, never the password). */
export function teamError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { code?: string; message?: string; errno?: number };
  const message = e.message ?? String(error);
  if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR') return AppError.worded('auth-failed', msg('The team database refused the login: {{reason}}'), { reason: message });
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') return AppError.worded('unreachable', msg('The team database cannot be reached: {{reason}}'), { reason: message });
  if (e.code === 'ETIMEDOUT') return AppError.worded('timeout', msg('The team database did not answer: {{reason}}'), { reason: message });
  if (e.code === 'ER_BAD_DB_ERROR') return AppError.worded('not-found', msg('The team database does not exist: {{reason}}'), { reason: message });
  return AppError.worded('internal', msg('The team database: {{reason}}'), { reason: message });
}
