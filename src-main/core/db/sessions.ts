// Database sessions per server: a small mysql2 pool whose connections are SSH channels to the
// server's own MySQL (TCP on its loopback or its unix socket), so MySQL is never exposed. The
// channels ride the server's shared SSH connection; after a reconnect new pool connections
// take the new one by themselves. Every statement goes through run(): the read-only guard
// first, then the audit log.
import mysql from 'mysql2/promise';
import type { Connection as CoreConnection } from 'mysql2';
import type { FieldPacket, Pool, PoolConnection } from 'mysql2/promise';
import type { ClientChannel } from 'ssh2';
import { DbAccess } from '../../../shared/api/db';
import { AppError, msg } from '../../../shared/errors';
import type { EventHub } from '../events';
import type { Inventory } from '../inventory/service';
import type { InventoryStore } from '../inventory/store';
import type { Keychain } from '../secrets/keychain';
import { exec, forwardOut, withoutNagle } from '../ssh/connect';
import type { ConnectionManager, Lease } from '../ssh/connections';
import type { AuditLog } from './audit';
import { LazyChannel } from './channel-stream';
import { checkReadOnly } from './guard';
import { parseMyCnf } from './my-cnf';

type Stored = { access: DbAccess; readOnly: boolean };
type Login = { user: string; password: string | null; host: string; port: number; socketPath: string | null };
type Session = { pool: Pool; lease: Lease; readOnly: boolean };

export type RunOptions = {
  database: string | null;
  /** Internal catalogue queries (information_schema) are not customer statements. */
  audit?: boolean;
  /** A connection to run on (a transaction, a USE'd session); else the pool. */
  connection?: PoolConnection;
};

const passwordAccount = (serverId: string) => `server:${serverId}:mysql`;

export class DbSessions {
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(
    private readonly inventory: Inventory,
    private readonly store: InventoryStore,
    private readonly keychain: Keychain,
    private readonly connections: ConnectionManager,
    private readonly audit: AuditLog,
    events: EventHub,
  ) {
    // Support mode switched: sessions are rebuilt in the new mode. Other settings (health,
    // keepalive…) leave open database sessions alone.
    let supportMode = store.settings().supportMode;
    events.subscribe((event) => {
      if (event !== 'settings.changed' || store.settings().supportMode === supportMode) return;
      supportMode = store.settings().supportMode;
      void this.closeAll();
    });
  }

  stored(serverId: string): Stored | null {
    const raw = this.store.dbAccess()[serverId] as { access?: unknown; readOnly?: unknown } | undefined;
    const access = DbAccess.safeParse(raw?.access);
    return access.success ? { access: access.data, readOnly: raw?.readOnly === true } : null;
  }

  async getAccess(serverId: string) {
    this.inventory.stored(serverId);
    const stored = this.stored(serverId);
    return { access: stored?.access ?? null, hasPassword: (await this.keychain.get(passwordAccount(serverId))) !== null, readOnly: stored?.readOnly ?? false };
  }

  async setAccess(serverId: string, access: DbAccess, password: string | undefined, readOnly: boolean): Promise<void> {
    this.inventory.stored(serverId);
    if (password) await this.keychain.set(passwordAccount(serverId), password);
    if (access.source === 'mycnf') await this.keychain.delete(passwordAccount(serverId));
    await this.store.saveDbAccess({ ...this.store.dbAccess(), [serverId]: { access, readOnly } });
    await this.close(serverId);
  }

  /** Read-only for this server: its own setting, or support mode for all. */
  isReadOnly(serverId: string): boolean {
    return this.store.settings().supportMode || (this.stored(serverId)?.readOnly ?? false);
  }

  /** Runs one statement: guard, then execute, then audit. */
  async run<T = unknown>(serverId: string, sql: string, params: mysql.SqlValue[] = [], options: RunOptions = { database: null }): Promise<{ rows: T; durationMs: number }> {
    const audit = options.audit ?? true;
    const session = await this.session(serverId);
    const statement = params.length ? mysql.format(sql, params) : sql;
    if (session.readOnly) {
      const verdict = checkReadOnly(statement);
      if (!verdict.ok) {
        if (audit) this.record(serverId, options.database, statement, null, 0, 'refused', verdict.reason);
        throw AppError.worded('invalid-input', verdict.said.key, verdict.said.params, { data: { refused: true } });
      }
    }
    const started = performance.now();
    try {
      const [rows] = await (options.connection ?? session.pool).query({ sql: statement, rowsAsArray: false });
      const durationMs = performance.now() - started;
      if (audit) this.record(serverId, options.database, statement, Array.isArray(rows) ? rows.length : ((rows as { affectedRows?: number }).affectedRows ?? null), durationMs, 'ok', null);
      return { rows: rows as T, durationMs };
    } catch (error) {
      const durationMs = performance.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      if (audit) this.record(serverId, options.database, statement, null, durationMs, /interrupted/i.test(message) ? 'cancelled' : 'error', message);
      throw mysqlError(error);
    }
  }

  /**
   * Runs one statement on a dedicated connection, streaming its rows (the SQL editor): the same
   * guard and audit as run(). onRow returns false to stop collecting: the rest of the result is
   * then cut short with KILL QUERY from another connection (the cap), and `stopped` says so.
   */
  async stream(
    serverId: string,
    sql: string,
    options: RunOptions & { connection: PoolConnection },
    onFields: (fields: FieldPacket[]) => void,
    onRow: (row: unknown[]) => boolean,
  ): Promise<{ rows: number; affectedRows: number | null; durationMs: number; stopped: boolean }> {
    const audit = options.audit ?? true;
    const session = await this.session(serverId);
    if (session.readOnly) {
      const verdict = checkReadOnly(sql);
      if (!verdict.ok) {
        if (audit) this.record(serverId, options.database, sql, null, 0, 'refused', verdict.reason);
        throw AppError.worded('invalid-input', verdict.said.key, verdict.said.params, { data: { refused: true } });
      }
    }
    const conn = options.connection;
    const started = performance.now();
    let rows = 0;
    let affectedRows: number | null = null;
    let stopped = false;
    let killing: Promise<void> | null = null;
    try {
      await new Promise<void>((resolve, reject) => {
        // The callback connection under the promise wrapper: its query is an event emitter.
        const query = (conn.connection as unknown as CoreConnection).query({ sql, rowsAsArray: true });
        // Statements without rows announce `fields` as undefined.
        query.on('fields', (fields: FieldPacket[] | undefined) => {
          if (!stopped && fields) onFields(fields);
        });
        const stop = () => {
          stopped = true;
          killing = this.killQuery(serverId, conn.connection.threadId, options.database, false).catch(() => undefined);
        };
        query.on('result', (row: unknown) => {
          if (stopped) return;
          if (!Array.isArray(row)) {
            affectedRows = (row as { affectedRows?: number }).affectedRows ?? null;
            return;
          }
          // A throw inside mysql2's parser would leave the query hanging: fail it instead.
          try {
            if (onRow(row)) rows++;
            else stop();
          } catch (error) {
            stop();
            reject(error);
          }
        });
        query.on('error', (error: Error) => (stopped ? resolve() : reject(error)));
        query.on('end', () => resolve());
      });
      // The kill must land before the connection runs anything else.
      if (killing) await killing;
      const durationMs = performance.now() - started;
      if (audit) this.record(serverId, options.database, sql, affectedRows ?? rows, durationMs, 'ok', null);
      return { rows, affectedRows, durationMs, stopped };
    } catch (error) {
      const durationMs = performance.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      if (audit) this.record(serverId, options.database, sql, null, durationMs, /interrupted/i.test(message) ? 'cancelled' : 'error', message);
      throw mysqlError(error);
    }
  }

  /**
   * KILL QUERY for one of this app's own connections (cancel, the cap), sent from another pool
   * connection. It stops our own statement and changes no data, so it passes read-only
   * sessions; a user's cancel is audited.
   */
  async killQuery(serverId: string, threadId: number, database: string | null, audit = true): Promise<void> {
    const session = await this.session(serverId);
    const statement = `KILL QUERY ${Number(threadId)}`;
    const started = performance.now();
    try {
      await session.pool.query(statement);
      if (audit) this.record(serverId, database, statement, null, performance.now() - started, 'ok', null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (audit) this.record(serverId, database, statement, null, performance.now() - started, 'error', message);
      throw mysqlError(error);
    }
  }

  /**
   * Selects the default database of a dedicated connection (COM-level USE): it changes no data,
   * so read-only sessions allow it; audited like any statement.
   */
  async use(serverId: string, connection: PoolConnection, database: string): Promise<void> {
    const statement = mysql.format('USE ??', [database]);
    const started = performance.now();
    try {
      await connection.query(statement);
      this.record(serverId, database, statement, null, performance.now() - started, 'ok', null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.record(serverId, database, statement, null, performance.now() - started, 'error', message);
      throw mysqlError(error);
    }
  }

  /** A connection of the server's pool for a sequence (transaction, USE + statements). */
  async connection(serverId: string): Promise<PoolConnection> {
    const session = await this.session(serverId);
    try {
      return await session.pool.getConnection();
    } catch (error) {
      throw mysqlError(error);
    }
  }

  record(serverId: string, database: string | null, statement: string, rows: number | null, durationMs: number, outcome: 'ok' | 'error' | 'refused' | 'cancelled', error: string | null): void {
    const serverName = this.inventory.stored(serverId).name;
    this.audit.record({ at: new Date().toISOString(), serverId, serverName, database, statement, rows, durationMs: Math.round(durationMs), outcome, error });
  }

  async close(serverId: string): Promise<void> {
    const pending = this.sessions.get(serverId);
    this.sessions.delete(serverId);
    if (!pending) return;
    const session = await pending.catch(() => null);
    if (!session) return;
    await session.pool.end().catch(() => undefined);
    session.lease.release();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  private session(serverId: string): Promise<Session> {
    let pending = this.sessions.get(serverId);
    if (!pending) {
      pending = this.open(serverId);
      this.sessions.set(serverId, pending);
      pending.catch(() => this.sessions.delete(serverId));
    }
    return pending;
  }

  private async open(serverId: string): Promise<Session> {
    const server = this.inventory.stored(serverId);
    const stored = this.stored(serverId);
    if (!stored) throw AppError.worded('invalid-input', msg('Set up the MySQL access of {{server}} first (login, or read ~/.my.cnf).'), { server: server.name });
    const lease = await this.connections.acquire(serverId, { interactive: false });
    try {
      const login = await this.login(serverId, stored.access, lease);
      const readOnly = this.isReadOnly(serverId);
      const openChannel = async (): Promise<ClientChannel> => {
        const client = await lease.ready();
        if (login.socketPath) {
          const socketPath = login.socketPath;
          await withoutNagle(client);
          return new Promise((resolve, reject) =>
            client.openssh_forwardOutStreamLocal(socketPath, (error, channel) =>
              error ? reject(AppError.worded('unreachable', msg("MySQL's socket {{socket}} could not be opened on {{server}}."), { socket: socketPath, server: server.name }, { details: error.message })) : resolve(channel),
            ),
          );
        }
        return forwardOut(client, login.host, login.port).catch((error: unknown) => {
          throw AppError.worded('unreachable', msg('Nothing answers at {{where}} on {{server}}; is MySQL running there?'), { where: `${login.host}:${login.port}`, server: server.name }, { details: error instanceof Error ? error.message : String(error) });
        }) as Promise<ClientChannel>;
      };
      const pool = mysql.createPool({
        stream: () => new LazyChannel(openChannel),
        user: login.user,
        password: login.password ?? undefined,
        connectionLimit: 4,
        maxIdle: 2,
        idleTimeout: 60_000,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        charset: 'utf8mb4',
        multipleStatements: false,
      });
      // Server-side read-only as the second line behind the guard.
      if (readOnly) pool.pool.on('connection', (conn) => void conn.query('SET SESSION TRANSACTION READ ONLY'));
      await pool.query('SELECT 1').catch((error: unknown) => {
        void pool.end();
        throw mysqlError(error);
      });
      return { pool, lease, readOnly };
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  private async login(serverId: string, access: DbAccess, lease: Lease): Promise<Login> {
    if (access.source === 'login') {
      return { user: access.user, password: await this.keychain.get(passwordAccount(serverId)), host: access.host, port: access.port, socketPath: access.socketPath };
    }
    const out = await exec(await lease.ready(), 'cat ~/.my.cnf');
    if (out.code !== 0) throw new AppError('not-found', msg('There is no readable ~/.my.cnf for the SSH user on this server; enter a MySQL login instead.'));
    const cnf = parseMyCnf(out.stdout);
    if (!cnf.user) throw new AppError('invalid-input', msg('~/.my.cnf on this server names no user in its [client] section.'));
    const local = !cnf.host || cnf.host === 'localhost';
    return {
      user: cnf.user,
      password: cnf.password,
      host: local ? '127.0.0.1' : cnf.host!,
      port: cnf.port ?? 3306,
      // "localhost" means the unix socket to the mysql CLI, unless a port says TCP.
      socketPath: cnf.socket ?? (cnf.host === 'localhost' && !cnf.port ? '/run/mysqld/mysqld.sock' : null),
    };
  }
}

/** MySQL errors in one sentence; the server's own message as details. */
export function mysqlError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { code?: string; errno?: number; sqlMessage?: string; message?: string };
  const details = e?.sqlMessage ?? e?.message;
  switch (e?.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new AppError('auth-failed', msg('MySQL refused the login; check the database access settings of this server.'), { details });
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return new AppError('auth-failed', msg('The MySQL user lacks the privilege for this.'), { details });
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
      return new AppError('invalid-input', msg('The server refused a write: this session is read-only.'), { details });
    case 'ER_QUERY_INTERRUPTED':
      return new AppError('internal', msg('The query was cancelled.'), { details });
  }
  return new AppError('internal', details ? `MySQL: ${details}` : msg('The database request failed.'), { details });
}
