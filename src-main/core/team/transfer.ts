// Moving a data folder's shared state into a new team (create) and the team's back into a folder
// (leave): the inventory (servers, pinned host keys, settings, database access), sites and their
// hosting settings, DNS zones and nameserver settings, backup settings, and the queues (each
// task as it stands, history included, as one snapshot event). Secrets are not moved:
// they stay in the keychain, where both modes read them.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Journal, type JournalEvent } from '../queue/journal';
import { openLocalStore } from '../inventory/store';
import { DeployTemplateStore } from '../hosting/deploy-templates';
import { DeployTemplate } from '../../../shared/api/deploy-templates';
import type { TeamDb } from './connection';
import type { TeamRecords } from './records';
import type { TeamQueueBackend } from './queue-backend';
import { SiteStore } from '../hosting/store';
import { DnsStore, StoredZone } from '../dns/store';
import { BackupStore, ServerBackups } from '../backups/store';
import { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { NsSettings } from '../../../shared/dns';
import { siteRowId } from './site-store';

export type Copied = { servers: number; hostKeys: number; templates: number; tasks: number; sites?: number; zones?: number; backups?: number };

const JOURNAL = /^([0-9a-f-]{36})\.jsonl$/;

/** Copies the folder's inventory and queues into the team's (empty) tables. */
export async function importFolder(dataDir: string, db: TeamDb, records: TeamRecords): Promise<Copied> {
  const local = openLocalStore(dataDir);
  const servers = local.servers();
  for (const s of servers) await records.put('servers', s.id, s, null);
  const pins = Object.entries(local.pins());
  for (const [name, pin] of pins) await records.put('host_keys', name, pin, null);
  await records.put('settings', 'inventory', local.settings(), null);
  for (const [id, access] of Object.entries(local.dbAccess())) await records.put('db_access', id, access, null);
  const templates = new DeployTemplateStore(dataDir).list();
  for (const t of templates) await records.put('templates', t.name, t, null);
  const siteStore = new SiteStore(dataDir);
  let sites = 0;
  for (const serverId of siteStore.serverIds()) {
    for (const site of siteStore.state(serverId).sites) {
      await records.put('sites', siteRowId(serverId, site.name), site, null);
      sites++;
    }
  }
  for (const serverId of siteStore.settingsServerIds()) await records.put('hosting_settings', serverId, siteStore.state(serverId).settings, null);
  const dns = new DnsStore(dataDir);
  const zones = dns.names();
  for (const name of zones) await records.put('zones', name, dns.get(name), null);
  for (const serverId of dns.nsServerIds()) await records.put('ns_settings', serverId, dns.nsSettings(serverId), null);
  const backups = new BackupStore(dataDir);
  for (const serverId of backups.servers()) await records.put('backup_policies', serverId, backups.get(serverId), null);
  let tasks = 0;
  const queueDir = path.join(dataDir, 'queue');
  let names: string[] = [];
  try {
    names = readdirSync(queueDir);
  } catch {
    // no queue yet
  }
  for (const name of names) {
    const serverId = JOURNAL.exec(name)?.[1];
    if (!serverId) continue;
    const journal = new Journal(path.join(queueDir, name), serverId);
    journal.catchUp();
    const rows = journal.ordered().map((task) => [serverId, JSON.stringify({ t: 'snapshot', task } satisfies JournalEvent), db.workstation]);
    if (rows.length === 0) continue;
    await db.pool.query('INSERT INTO queue_events (server_id, event, author) VALUES ?', [rows]);
    tasks += rows.length;
  }
  return { servers: servers.length, hostKeys: pins.length, templates: templates.length, tasks, sites, zones: zones.length, backups: backups.servers().length };
}

/** The rows of a record table that parse (a row written by a newer Hostdeck is left out). */
function rowsOf<T>(records: TeamRecords, table: Parameters<TeamRecords['all']>[0], schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): [string, T][] {
  return [...records.all(table)].flatMap(([id, row]) => {
    const parsed = schema.safeParse(row.data);
    return parsed.success ? [[id, parsed.data] as [string, T]] : [];
  });
}

/** Replaces the folder's sites, zones and backup settings with the team's. */
function exportRecords(records: TeamRecords, dataDir: string): { sites: number; zones: number; backups: number } {
  const siteStore = new SiteStore(dataDir);
  const byServer = new Map<string, SiteRecord[]>();
  for (const [id, site] of rowsOf(records, 'sites', SiteRecord)) {
    const serverId = id.slice(0, id.indexOf('/'));
    byServer.set(serverId, [...(byServer.get(serverId) ?? []), site]);
  }
  for (const serverId of siteStore.serverIds()) if (!byServer.has(serverId)) siteStore.save(serverId, []);
  for (const [serverId, list] of byServer) siteStore.save(serverId, list);
  for (const [serverId, settings] of rowsOf(records, 'hosting_settings', HostingSettings)) siteStore.saveSettings(serverId, settings);
  const dns = new DnsStore(dataDir);
  const zones = rowsOf(records, 'zones', StoredZone);
  const names = new Set(zones.map(([name]) => name));
  for (const name of dns.names()) if (!names.has(name)) dns.remove(name);
  for (const [, stored] of zones) dns.put(stored);
  for (const [serverId, settings] of rowsOf(records, 'ns_settings', NsSettings)) dns.saveNsSettings(serverId, settings);
  const backups = rowsOf(records, 'backup_policies', ServerBackups);
  new BackupStore(dataDir).replaceAll(Object.fromEntries(backups));
  return { sites: [...byServer.values()].reduce((n, l) => n + l.length, 0), zones: zones.length, backups: backups.length };
}

/** Replaces the folder's inventory and queue journals with the team's. */
export function exportToFolder(records: TeamRecords, queue: TeamQueueBackend, dataDir: string): Copied {
  const copied = exportRecords(records, dataDir);
  const local = openLocalStore(dataDir);
  const servers = [...records.all('servers').values()].map((r) => r.data) as ReturnType<typeof local.servers>[number][];
  local.saveServers([...servers]);
  const pins = Object.fromEntries([...records.all('host_keys')].map(([id, r]) => [id, r.data])) as ReturnType<typeof local.pins>;
  local.savePins(pins);
  const settings = records.get('settings', 'inventory');
  if (settings) local.saveSettings({ ...local.settings(), ...(settings.data as object) });
  local.saveDbAccess(Object.fromEntries([...records.all('db_access')].map(([id, r]) => [id, r.data])));
  const templates = [...records.all('templates').values()].flatMap((r) => {
    const parsed = DeployTemplate.safeParse(r.data);
    return parsed.success ? [parsed.data] : [];
  });
  const templateFile = new DeployTemplateStore(dataDir);
  for (const t of templateFile.list()) templateFile.delete(t.name);
  for (const t of templates) templateFile.save(t, undefined, true);
  const queueDir = path.join(dataDir, 'queue');
  mkdirSync(queueDir, { recursive: true });
  for (const name of readdirSync(queueDir)) if (JOURNAL.test(name)) rmSync(path.join(queueDir, name), { force: true });
  let tasks = 0;
  for (const serverId of queue.serverIds()) {
    const ordered = queue.journal(serverId).ordered();
    if (ordered.length === 0) continue;
    const file = path.join(queueDir, `${serverId}.jsonl`);
    writeFileSync(`${file}.tmp`, ordered.map((task) => `${JSON.stringify({ t: 'snapshot', task } satisfies JournalEvent)}\n`).join(''), { mode: 0o600, flush: true });
    renameSync(`${file}.tmp`, file);
    tasks += ordered.length;
  }
  return { servers: servers.length, hostKeys: Object.keys(pins).length, templates: templates.length, tasks, ...copied };
}
