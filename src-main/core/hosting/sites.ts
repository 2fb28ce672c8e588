// Sites (hosting accounts): the records of what each server should have (name, quota, status,
// created), kept in the data directory (`conf`: one JSON file, atomic writes), and the service
// that changes them and queues the tasks bringing the server in line (site-tasks.ts).
// Records change when the admin asks (the desired state); the queue reports how the server follows.
import Conf from 'conf';
import { z } from 'zod';
import { randomInt, randomUUID } from 'node:crypto';
import { DEFAULT_FTP_SETTINGS, FtpSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError } from '../../../shared/errors';
import { siteKey, type FtpCreate, type SiteCreate } from '../../../shared/hosting';
import type { Task } from '../../../shared/queue';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { TaskSecrets } from '../queue/task-secrets';
import './ftp-tasks';
import './site-tasks';

const Schema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.array(SiteRecord)),
  /** Per server: where its pure-ftpd keeps its users (absent = DEFAULT_FTP_SETTINGS). */
  ftp: z.record(z.string(), FtpSettings).default({}),
});
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

  ftpSettings(serverId: string): FtpSettings {
    const all = Schema.shape.ftp.parse(this.conf.get('ftp'));
    return all[serverId] ?? DEFAULT_FTP_SETTINGS;
  }

  saveFtpSettings(serverId: string, settings: FtpSettings): void {
    const all = Schema.shape.ftp.parse(this.conf.get('ftp'));
    all[serverId] = settings;
    this.conf.set('ftp', all);
  }
}

/** Letters and digits without look-alikes (0/O, 1/l/I) plus a few symbols that need no care anywhere. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+=';

export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

export class SiteService {
  constructor(
    private readonly store: SiteStore,
    private readonly queue: QueueService,
    private readonly inventory: Inventory,
    private readonly secrets: TaskSecrets,
  ) {}

  sites(serverId: string): SiteRecord[] {
    this.inventory.stored(serverId);
    return this.store.list(serverId);
  }

  ftpSettings(serverId: string): FtpSettings {
    this.inventory.stored(serverId);
    return this.store.ftpSettings(serverId);
  }

  setFtpSettings(serverId: string, settings: FtpSettings): FtpSettings {
    this.inventory.stored(serverId);
    this.store.saveFtpSettings(serverId, settings);
    return settings;
  }

  /** Records the login, holds its password in memory for its task, queues ftp.create; the password is returned once. */
  createFtp(serverId: string, input: FtpCreate): { user: string; password: string; tasks: Task[] } {
    const sites = this.existing(serverId, input.site);
    const owner = sites.find((s) => s.ftpUsers.includes(input.user));
    if (owner) {
      const message = owner.name === input.site ? `The FTP login "${input.user}" already exists for this site` : `The FTP login "${input.user}" is taken by the site "${owner.name}"`;
      throw new AppError('invalid-input', message, { fields: { user: message } });
    }
    const password = input.password ?? generatePassword();
    const passwordRef = `ftp-${randomUUID()}`;
    const { passwdFile, dbFile } = this.store.ftpSettings(serverId);
    this.secrets.hold(passwordRef, password);
    let task: Task;
    try {
      task = this.queue.enqueue(serverId, 'ftp.create', { site: input.site, user: input.user, ...(input.subdir === undefined ? {} : { subdir: input.subdir }), passwdFile, dbFile, passwordRef });
    } catch (error) {
      this.secrets.forget(passwordRef);
      throw error;
    }
    this.store.save(serverId, sites.map((s) => (s.name === input.site ? { ...s, ftpUsers: [...s.ftpUsers, input.user].sort() } : s)));
    return { user: input.user, password, tasks: [task] };
  }

  deleteFtp(serverId: string, site: string, user: string): Task[] {
    const sites = this.existing(serverId, site);
    if (!sites.find((s) => s.name === site)!.ftpUsers.includes(user)) throw new AppError('not-found', `No FTP login "${user}" for site "${site}" in Hostdeck's records.`);
    const task = this.queue.enqueue(serverId, 'ftp.delete', { site, user, ...this.store.ftpSettings(serverId) });
    this.store.save(serverId, sites.map((s) => (s.name === site ? { ...s, ftpUsers: s.ftpUsers.filter((u) => u !== user) } : s)));
    return [task];
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
    const site: SiteRecord = { name: input.name, quotaMb: input.quotaMb, status: 'active', createdAt: new Date().toISOString(), ftpUsers: [], databases: [], domains: [] };
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
    // Its FTP logins go first (they would otherwise outlive the account they map to).
    const ftp = this.store.ftpSettings(serverId);
    const tasks = sites.find((s) => s.name === name)!.ftpUsers.map((user) => this.queue.enqueue(serverId, 'ftp.delete', { site: name, user, ...ftp }));
    tasks.push(this.queue.enqueue(serverId, 'site.delete', { site: name }));
    this.store.save(serverId, sites.filter((s) => s.name !== name));
    return tasks;
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
