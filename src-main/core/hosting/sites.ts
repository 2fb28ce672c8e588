// Sites (hosting accounts): the records of what each server should have (name, quota, status,
// created), kept in the data directory (`conf`: one JSON file, atomic writes), and the service
// that changes them and queues the tasks bringing the server in line (site-tasks.ts).
// Records change when the admin asks (the desired state); the queue reports how the server follows.
import Conf from 'conf';
import { z } from 'zod';
import { SiteRecord } from '../../../shared/api/hosting';
import { AppError } from '../../../shared/errors';
import { siteKey, type SiteCreate } from '../../../shared/hosting';
import type { Task } from '../../../shared/queue';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import './site-tasks';

const Schema = z.object({ version: z.literal(1), servers: z.record(z.string(), z.array(SiteRecord)) });
type Data = z.infer<typeof Schema>;

export class SiteStore {
  private readonly conf: Conf<Data>;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({
      cwd: dataDir,
      configName: 'sites',
      projectName: 'hostdeck',
      defaults: { version: 1, servers: {} },
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
    const parsed = Schema.safeParse(this.conf.store);
    if (!parsed.success) throw new Error(`The sites file ${this.conf.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  }

  list(serverId: string): SiteRecord[] {
    const all = Schema.shape.servers.parse(this.conf.get('servers'));
    return [...(all[serverId] ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }

  save(serverId: string, sites: SiteRecord[]): void {
    const all = Schema.shape.servers.parse(this.conf.get('servers'));
    if (sites.length === 0) delete all[serverId];
    else all[serverId] = sites;
    this.conf.set('servers', all);
  }
}

export class SiteService {
  constructor(
    private readonly store: SiteStore,
    private readonly queue: QueueService,
    private readonly inventory: Inventory,
  ) {}

  sites(serverId: string): SiteRecord[] {
    this.inventory.stored(serverId);
    return this.store.list(serverId);
  }

  create(serverId: string, input: SiteCreate): { site: SiteRecord; tasks: Task[] } {
    this.inventory.stored(serverId);
    const sites = this.store.list(serverId);
    const clash = sites.find((s) => siteKey(s.name) === siteKey(input.name));
    if (clash) {
      const message = clash.name === input.name ? `A site "${input.name}" already exists on this server` : `Site name "${input.name}" clashes with the existing site "${clash.name}" (their database prefixes would be the same)`;
      throw new AppError('invalid-input', message, { fields: { name: message } });
    }
    // Queue first (it validates again), then record: a refused task leaves no record behind.
    const task = this.queue.enqueue(serverId, 'site.create', { site: input.name, quotaMb: input.quotaMb });
    const site: SiteRecord = { name: input.name, quotaMb: input.quotaMb, status: 'active', createdAt: new Date().toISOString() };
    this.store.save(serverId, [...sites, site]);
    return { site, tasks: [task] };
  }

  suspend(serverId: string, name: string): Task[] {
    return this.setStatus(serverId, name, 'suspended', 'site.suspend');
  }

  unsuspend(serverId: string, name: string): Task[] {
    return this.setStatus(serverId, name, 'active', 'site.unsuspend');
  }

  delete(serverId: string, name: string, confirm: string): Task[] {
    const sites = this.existing(serverId, name);
    if (confirm !== name) throw new AppError('invalid-input', `Type the site's name "${name}" to confirm its deletion.`, { fields: { confirm: `Must be "${name}" to confirm` } });
    const task = this.queue.enqueue(serverId, 'site.delete', { site: name });
    this.store.save(serverId, sites.filter((s) => s.name !== name));
    return [task];
  }

  private existing(serverId: string, name: string): SiteRecord[] {
    this.inventory.stored(serverId);
    const sites = this.store.list(serverId);
    if (!sites.some((s) => s.name === name)) throw new AppError('not-found', `No site "${name}" on this server in Hostdeck's records.`);
    return sites;
  }

  private setStatus(serverId: string, name: string, status: SiteRecord['status'], kind: string): Task[] {
    const sites = this.existing(serverId, name);
    const task = this.queue.enqueue(serverId, kind, { site: name });
    this.store.save(serverId, sites.map((s) => (s.name === name ? { ...s, status } : s)));
    return [task];
  }
}
