// A data folder holding a big fleet, written straight to the files the core reads (no SSH, well
// under a second for 1,000 servers and 20,000 sites): for the scale tests and the fleet-1000 bench.
// The generated servers sit on TEST-NET addresses with no host key trusted, so health never
// contacts them (they stay "unknown"); `extra` servers are added as given (e.g. a testbed
// server whose key the test trusts, for lights of other colours).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, type Role } from '../../shared/domain';
import type { SiteRecord } from '../../shared/api/hosting';
import type { StoredServer } from '../../src-main/core/inventory/store';

export const REGIONS = ['ams3', 'fra1', 'lon1', 'nyc2', 'sgp1'] as const;
const PLANS = ['shared', 'reseller', 'dedicated', 'managed'] as const;
const ROLE_SETS: Role[][] = [['web'], ['web', 'db'], ['web', 'ftp'], ['db'], ['web', 'db', 'ftp'], ['ns']];

/** A stable v4-shaped id for the i-th generated server. */
const idOf = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** The i-th generated server (1-based): name like "web-fra1-0042", grouped by region tag. */
export function fleetServer(i: number): StoredServer {
  const roles = ROLE_SETS[i % ROLE_SETS.length]!;
  const region = REGIONS[i % REGIONS.length]!;
  const kind = roles.includes('web') ? 'web' : roles[0]!;
  return {
    id: idOf(i),
    name: `${kind}-${region}-${String(i).padStart(4, '0')}`,
    // 192.0.2.0/24 and neighbours are documentation ranges: nothing answers there.
    host: `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 22,
    user: 'root',
    auth: { method: 'key', keyPath: '~/.ssh/id_ed25519' },
    roles,
    tags: [region, PLANS[i % PLANS.length]!, ...(i % 10 === 0 ? [`customer-${i % 37}`] : [])],
    jumpHostId: null,
  };
}

function site(server: number, n: number): SiteRecord {
  return {
    name: `s${String(server).padStart(4, '0')}x${String(n).padStart(2, '0')}`,
    quotaMb: 1024 * (1 + (n % 4)),
    status: n % 17 === 0 ? 'suspended' : 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    ftpUsers: [],
    databases: [],
    domains: [{ domain: `site${n}.customer${server}.example`, aliases: [] }],
    creations: [],
    cron: [],
    tls: [],
  };
}

export type FleetData = { servers: StoredServer[]; sites: number };

/**
 * Writes inventory.json and sites.json of `dataDir` (created if needed): `servers` generated
 * ones plus `extra`, and `sites` sites dealt out evenly over the generated web servers.
 */
export function writeFleetData(dataDir: string, options: { servers: number; sites: number; extra?: StoredServer[] }): FleetData {
  mkdirSync(dataDir, { recursive: true });
  const generated = Array.from({ length: options.servers }, (_, k) => fleetServer(k + 1));
  const servers = [...generated, ...(options.extra ?? [])];
  const web = generated.filter((s) => s.roles.includes('web'));
  const sites: Record<string, SiteRecord[]> = {};
  for (let n = 0; web.length > 0 && n < options.sites; n++) {
    const k = n % web.length;
    (sites[web[k]!.id] ??= []).push(site(k + 1, Math.floor(n / web.length) + 1));
  }
  const inventory = { version: 1, servers, hostKeys: {}, settings: DEFAULT_SETTINGS, dbAccess: {} };
  writeFileSync(path.join(dataDir, 'inventory.json'), JSON.stringify(inventory));
  writeFileSync(path.join(dataDir, 'sites.json'), JSON.stringify({ version: 1, servers: sites, ftp: {}, web: {}, mysql: {}, php: {}, cron: {}, logs: {} }));
  return { servers, sites: Object.values(sites).reduce((n, list) => n + list.length, 0) };
}
