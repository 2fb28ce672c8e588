// The team database's tables (README "Team mode"): one table per kind of shared state, so that
// a role is a set of per-table GRANTs (roles.ts). Record tables all have the same shape (an id,
// the record as JSON, a version bumped by every write, who wrote it and when); every write also
// appends a row to `changes`, which each workstation polls to refresh what it shows. The queue
// is event-sourced: `queue_events` is the journal of every server, replayed in `seq` order.
// Secrets are never in any table: passwords and passphrases stay in each person's keychain.
import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import type { Connection, Pool, PoolConnection } from 'mysql2/promise';
import { AUDIT_TABLE } from './audit-chain';
import { ROLES_TABLE } from './roles';

/**
 * Bumped whenever a table or column is added; a workstation refuses a newer team database and
 * brings an older one up to date (migrateSchema). 2: `blobs`.
 */
export const SCHEMA_VERSION = 2;

/**
 * What a table holds, for the role GRANTs: inventory (servers, their settings, pinned keys),
 * sites (records and hosting settings), dns (zones, nameserver settings), queue (task journal,
 * runners), templates, backups, changes (the change feed every writer appends to), meta.
 */
export type TableKind = 'meta' | 'inventory' | 'sites' | 'dns' | 'queue' | 'templates' | 'backups' | 'changes' | 'audit' | 'roles';

export type TeamTable = { name: string; kind: TableKind; ddl: string };

/** A table of records: `data` is the record's JSON, `version` starts at 1 and grows by one per write. */
const records = (name: string, idLength = 255): string => `CREATE TABLE IF NOT EXISTS \`${name}\` (
  id VARCHAR(${idLength}) NOT NULL PRIMARY KEY,
  data LONGTEXT NOT NULL CHECK (JSON_VALID(data)),
  version INT UNSIGNED NOT NULL DEFAULT 1,
  updated_by VARCHAR(255) NOT NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/** Record tables: the kind of shared state, and what one row is. */
export const RECORD_TABLES = {
  /** One server of the inventory (StoredServer); id = the server's id. */
  servers: 'inventory',
  /** A pinned host key; id = known_hosts name ("host" or "[host]:port"). */
  host_keys: 'inventory',
  /** App-wide settings; id = "inventory" (Settings) or "acme" (AcmeSettings). */
  settings: 'inventory',
  /** A server's database access (no secrets); id = server id. */
  db_access: 'inventory',
  /** One site's record; id = "<serverId>/<site name>". */
  sites: 'sites',
  /** A server's hosting settings (ftp, web, mysql, php, cron, logs); id = server id. */
  hosting_settings: 'sites',
  /** One DNS zone as edited and as last pushed (StoredZone); id = zone name. */
  zones: 'dns',
  /** A nameserver's settings; id = server id. */
  ns_settings: 'dns',
  /** A deploy template; id = its name. */
  templates: 'templates',
  /** A server's backup settings and policies (ServerBackups); id = server id. */
  backup_policies: 'backups',
} as const satisfies Record<string, TableKind>;
export type RecordTable = keyof typeof RECORD_TABLES;
export const RECORD_TABLE_NAMES = Object.keys(RECORD_TABLES) as RecordTable[];

export const TEAM_TABLES: TeamTable[] = [
  {
    name: 'schema_version',
    kind: 'meta',
    ddl: `CREATE TABLE IF NOT EXISTS schema_version (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  version INT UNSIGNED NOT NULL,
  team_name VARCHAR(255) NOT NULL,
  created_by VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  },
  ...Object.entries(RECORD_TABLES).map(([name, kind]) => ({ name, kind, ddl: records(name) })),
  {
    // Every record write appends here (same transaction); workstations poll seq > last seen.
    name: 'changes',
    kind: 'changes',
    ddl: `CREATE TABLE IF NOT EXISTS changes (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tbl VARCHAR(64) NOT NULL,
  record_id VARCHAR(255) NOT NULL,
  version INT UNSIGNED NULL COMMENT 'NULL: the record was deleted',
  author VARCHAR(255) NOT NULL,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  },
  {
    // The journal of every server's queue (journal.ts's events), replayed in seq order.
    name: 'queue_events',
    kind: 'queue',
    ddl: `CREATE TABLE IF NOT EXISTS queue_events (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  server_id VARCHAR(36) NOT NULL,
  event LONGTEXT NOT NULL CHECK (JSON_VALID(event)),
  author VARCHAR(255) NOT NULL,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY by_server (server_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  },
  {
    // Who runs a server's queue: the holder of GET_LOCK('hostdeck.queue.<id>') writes its name
    // and connection id here; a row whose connection no longer holds the lock is stale.
    name: 'queue_runners',
    kind: 'queue',
    ddl: `CREATE TABLE IF NOT EXISTS queue_runners (
  server_id VARCHAR(36) NOT NULL PRIMARY KEY,
  holder VARCHAR(255) NOT NULL,
  connection_id BIGINT UNSIGNED NOT NULL,
  since DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  },
  {
    // What queued tasks upload (queue/blobs.ts), by SHA-256, in parts under max_allowed_packet:
    // whichever workstation runs the task reads them here. Removed once no unfinished task needs them.
    name: 'blobs',
    kind: 'queue',
    ddl: `CREATE TABLE IF NOT EXISTS blobs (
  sha CHAR(64) NOT NULL,
  part INT UNSIGNED NOT NULL,
  parts INT UNSIGNED NOT NULL,
  data LONGBLOB NOT NULL,
  author VARCHAR(255) NOT NULL,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (sha, part)
) ENGINE=InnoDB`,
  },
  // Append-only, hash-chained (audit-chain.ts); who has which role (roles.ts).
  AUDIT_TABLE,
  ROLES_TABLE,
];

/**
 * The queue lock's name for a server. GET_LOCK names are per MariaDB server, not per database,
 * and two teams on one server may hold the same server ids (both imported from one data
 * folder): a short hash of the database name tells them apart within the 64-character limit.
 */
export function queueLockName(database: string, serverId: string): string {
  return `hostdeck.queue.${serverId}.${createHash('sha256').update(database).digest('hex').slice(0, 8)}`;
}

/** A database name Hostdeck accepts for a team (it is written into SQL between backquotes). */
export const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

type Queryable = Pool | PoolConnection | Connection;

/** Creates every table and records the schema version; refuses a database that already holds a team. */
export async function createSchema(db: Queryable, teamName: string, createdBy: string): Promise<void> {
  const [existing] = await db.query<RowDataPacket[]>("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_version'");
  if (existing.length > 0) throw new Error('This database already holds a Hostdeck team: join it instead.');
  for (const table of TEAM_TABLES) await db.query(table.ddl);
  await db.query('INSERT INTO schema_version (id, version, team_name, created_by) VALUES (1, ?, ?, ?)', [SCHEMA_VERSION, teamName, createdBy]);
}

/** The team's name and schema version, or an error saying why this database is not a usable team. */
export async function readSchema(db: Queryable): Promise<{ version: number; teamName: string }> {
  let rows: RowDataPacket[];
  try {
    [rows] = await db.query<RowDataPacket[]>('SELECT version, team_name FROM schema_version WHERE id = 1');
  } catch {
    throw new Error('This database holds no Hostdeck team (no schema_version table): create one first.');
  }
  const row = rows[0];
  if (!row) throw new Error('This database holds no Hostdeck team (schema_version is empty).');
  const version = Number(row.version);
  if (version > SCHEMA_VERSION) throw new Error(`This team's database is schema version ${version}; this Hostdeck knows up to ${SCHEMA_VERSION}: update Hostdeck.`);
  return { version, teamName: String(row.team_name) };
}

/** The tables each schema version added (what migrateSchema creates for a database of an older version). */
const ADDED_IN: Record<number, string[]> = { 2: ['blobs'] };

/**
 * Brings a team database of an older schema version up to this one: the tables added since are
 * created, the team's roles (when set up) get their GRANTs on them, and the version is recorded.
 * Needs a login that may create tables (the team's creator or an admin); any other login works
 * on without the new tables and says so.
 */
export async function migrateSchema(db: Queryable, from: number, grants: (tables: TeamTable[]) => Promise<string[]>, log: (line: string) => void): Promise<void> {
  if (from >= SCHEMA_VERSION) return;
  const added = TEAM_TABLES.filter((t) => Object.entries(ADDED_IN).some(([v, names]) => Number(v) > from && names.includes(t.name)));
  try {
    for (const table of added) await db.query(table.ddl);
    for (const statement of await grants(added)) await db.query(statement);
    await db.query('UPDATE schema_version SET version = ? WHERE id = 1 AND version < ?', [SCHEMA_VERSION, SCHEMA_VERSION]);
    log(`[hostdeck] team database: schema version ${from} brought up to ${SCHEMA_VERSION} (${added.map((t) => t.name).join(', ')})`);
  } catch (error) {
    log(`[hostdeck] team database: schema version ${from} is older than ${SCHEMA_VERSION} and this login could not bring it up to date (${error instanceof Error ? error.message : String(error)}); a team admin's workstation does it at its next start`);
  }
}

/** A JSON column's value: mysql2 parses it when MariaDB says it is JSON, else it is the text. */
export function jsonColumn(value: unknown): unknown {
  return typeof value === 'string' || Buffer.isBuffer(value) ? JSON.parse(String(value)) : value;
}
