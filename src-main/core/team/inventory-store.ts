// The inventory in team mode: servers, pinned host keys, settings and database access are rows of
// the team database (records.ts), read from its synced cache and written version-checked. A list
// saved whole (the store's interface) is written as the rows that differ from the cache; an edit
// the UI based on an older version (expect) is refused with both versions.
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_SETTINGS, Settings } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';
import { HostKeyPin, StoredServer, type InventoryStore } from '../inventory/store';
import type { TeamRecords } from './records';
import type { RecordTable } from './schema';

/** Writes `next` (id -> value) over the table's rows: changed and new rows put, missing ones removed. */
export async function saveAll(records: TeamRecords, table: RecordTable, next: Map<string, unknown>, expect: Record<string, number> = {}): Promise<void> {
  const current = records.all(table);
  for (const [id, data] of next) {
    const row = current.get(id);
    if (row && isDeepStrictEqual(row.data, data) && expect[id] === undefined) continue;
    await records.put(table, id, data, expect[id] ?? row?.version ?? null);
  }
  for (const [id, row] of [...current]) if (!next.has(id)) await records.remove(table, id, expect[id] ?? row.version);
}

export function teamInventoryStore(records: TeamRecords, label: string): InventoryStore {
  const parsed = <T>(table: RecordTable, parse: (v: unknown) => T): [string, T][] => [...records.all(table)].flatMap(([id, row]) => {
    try {
      return [[id, parse(row.data)] as [string, T]];
    } catch {
      return []; // a row written by a newer Hostdeck: not ours to show
    }
  });
  // The same frozen array until the servers change (as the local store: callers key caches on it).
  let servers: { generation: number; list: readonly StoredServer[] } = { generation: -1, list: [] };
  return {
    path: label,
    servers: () => {
      const generation = records.generation('servers');
      if (servers.generation !== generation) servers = { generation, list: Object.freeze(parsed('servers', (v) => StoredServer.parse(v)).map(([, s]) => s)) };
      return servers.list;
    },
    saveServers: (servers, expect) => saveAll(records, 'servers', new Map(servers.map((s) => [s.id, s])), expect),
    versionOf: (id) => records.get('servers', id)?.version ?? null,
    pins: () => Object.fromEntries(parsed('host_keys', (v) => HostKeyPin.parse(v))),
    savePins: (pins) => saveAll(records, 'host_keys', new Map(Object.entries(pins))),
    settings: () => Settings.parse({ ...DEFAULT_SETTINGS, ...(records.get('settings', 'inventory')?.data as object | undefined) }),
    saveSettings: (settings) => saveAll(records, 'settings', new Map([...[...records.all('settings')].map(([id, r]) => [id, r.data] as [string, unknown]), ['inventory', settings]])),
    dbAccess: () => Object.fromEntries([...records.all('db_access')].map(([id, r]) => [id, r.data])),
    saveDbAccess: (access) => saveAll(records, 'db_access', new Map(Object.entries(access))),
  };
}

/** Team mode without its database (it did not answer at start-up): nothing to show, nothing saved. */
export function offlineInventoryStore(message: string): InventoryStore {
  const refuse = () => {
    throw AppError.worded('unreachable', msg('The team database does not answer ({{reason}}); nothing was saved.'), { reason: message });
  };
  const none: readonly StoredServer[] = Object.freeze([]);
  return {
    path: 'team (offline)',
    servers: () => none,
    saveServers: refuse,
    pins: () => ({}),
    savePins: refuse,
    settings: () => DEFAULT_SETTINGS,
    saveSettings: refuse,
    dbAccess: () => ({}),
    saveDbAccess: refuse,
  };
}
