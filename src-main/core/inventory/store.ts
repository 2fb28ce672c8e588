// Persistence of the inventory. An interface, so that a shared (team) store can replace the
// local file later without touching the services. The local one uses `conf`
// (electron-store's engine): atomic writes, one JSON file in the data directory.
import Conf from 'conf';
import { z } from 'zod';
import { Auth, DEFAULT_SETTINGS, Role, Server, Settings } from '../../../shared/domain';
import { readCached } from '../read-cache';

/** A pinned host key: the exact key accepted by the user for host:port. */
export const HostKeyPin = z.object({ keyType: z.string(), key: z.string(), fingerprint: z.string(), pinnedAt: z.string() });
export type HostKeyPin = z.infer<typeof HostKeyPin>;

/** What is stored for a server: never a secret (hasSecret is derived from the keychain). */
export const StoredServer = Server.omit({ hasSecret: true, version: true }).extend({ auth: Auth, roles: z.array(Role) });
export type StoredServer = z.infer<typeof StoredServer>;

const Schema = z.object({
  version: z.literal(1),
  servers: z.array(StoredServer),
  hostKeys: z.record(z.string(), HostKeyPin),
  // Partial: a file written before a setting existed gets that setting's default.
  settings: Settings.partial(),
  dbAccess: z.record(z.string(), z.unknown()),
});
type Data = z.infer<typeof Schema>;

export interface InventoryStore {
  /** The same (frozen) array until the inventory changes: callers may key caches on it. */
  servers(): readonly StoredServer[];
  /** expect: server id -> the version an edit was based on (team mode: refused when it changed since). Saves may be asynchronous (team mode): callers await them. */
  saveServers(servers: StoredServer[], expect?: Record<string, number>): void | Promise<void>;
  /** A server's record version (team mode), or null. */
  versionOf?(id: string): number | null;
  pins(): Record<string, HostKeyPin>;
  savePins(pins: Record<string, HostKeyPin>): void | Promise<void>;
  settings(): Settings;
  saveSettings(settings: Settings): void | Promise<void>;
  /** Per-server database access (no secrets), validated by its owner (core/db). */
  dbAccess(): Record<string, unknown>;
  saveDbAccess(access: Record<string, unknown>): void | Promise<void>;
  readonly path: string;
}

export function openLocalStore(dataDir: string): InventoryStore {
  const conf = new Conf<Data>({
    cwd: dataDir,
    configName: 'inventory',
    projectName: 'hostdeck',
    defaults: { version: 1, servers: [], hostKeys: {}, settings: DEFAULT_SETTINGS, dbAccess: {} },
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
  });
  // A file edited by hand or by an older version must not crash the app or be half-read.
  const parsed = Schema.safeParse(conf.store);
  if (!parsed.success) throw new Error(`The inventory file ${conf.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  // Read on every lookup (each health check, each call naming a server): parsed once per change.
  const data = readCached(conf.path, () => {
    const read = Schema.parse(conf.store);
    Object.freeze(read.servers);
    return read;
  });
  return {
    path: conf.path,
    servers: () => data().servers,
    saveServers: (servers) => conf.set('servers', servers),
    // Copies: callers change the record they get and save it.
    pins: () => ({ ...data().hostKeys }),
    savePins: (pins) => conf.set('hostKeys', pins),
    settings: () => Settings.parse({ ...DEFAULT_SETTINGS, ...data().settings }),
    saveSettings: (settings) => conf.set('settings', settings),
    dbAccess: () => ({ ...data().dbAccess }),
    saveDbAccess: (access) => conf.set('dbAccess', access),
  };
}
