// Moving a data folder's shared state into a new team (create) and the team's back into a folder
// (leave): the inventory (servers, pinned host keys, settings, database access) and the queues
// (each task as it stands, history included, as one snapshot event). Secrets are not moved:
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

export type Copied = { servers: number; hostKeys: number; templates: number; tasks: number };

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
  return { servers: servers.length, hostKeys: pins.length, templates: templates.length, tasks };
}

/** Replaces the folder's inventory and queue journals with the team's. */
export function exportToFolder(records: TeamRecords, queue: TeamQueueBackend, dataDir: string): Copied {
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
  return { servers: servers.length, hostKeys: Object.keys(pins).length, templates: templates.length, tasks };
}
