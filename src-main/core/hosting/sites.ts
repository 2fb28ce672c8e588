// The hosting service: the admin's changes to sites, FTP logins, databases and domains become
// plans (plans.ts) that are previewed or queued — all tasks or none, passwords held for their
// tasks only (queue/task-secrets.ts) — and then recorded as the server's desired state (store.ts).
import type { HostingChange, HostingSettings, SiteItem, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import type { DbCreate, DomainBind, FtpCreate, SiteCreate } from '../../../shared/hosting';
import type { Task } from '../../../shared/queue';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { TaskSecrets } from '../queue/task-secrets';
import type { PhpSet } from '../../../shared/php';
import { disablePhp, setPhp } from './php-plans';
import { setUpLogs } from './log-plans';
import { removeCronJob, setCronJob } from './cron-plans';
import type { CronJob, CronJobSet } from '../../../shared/cron';
import * as plans from './plans';
import type { HostingStore, SiteBase } from './store';

const based = (site: string, baseVersion: number | undefined): SiteBase | undefined => (baseVersion === undefined ? undefined : { site, baseVersion });

export class SiteService {
  constructor(
    private readonly store: HostingStore,
    private readonly queue: QueueService,
    private readonly inventory: Inventory,
    private readonly secrets: TaskSecrets,
  ) {}

  /** Changes one after the other: a change reads the records, awaits the keychain, then queues and records. */
  private last: Promise<unknown> = Promise.resolve();

  /**
   * The server's sites and hosting settings (a server Hostdeck does not know is refused), their
   * items' creations settled with the queue (plans.settle).
   */
  state(serverId: string): { sites: SiteRecord[]; settings: HostingSettings; settingsVersion?: number; siteVersions?: Record<string, number> } {
    this.inventory.stored(serverId);
    const state = this.store.state(serverId);
    const settled = plans.settle(state.sites, this.tasks(serverId));
    if (!settled) return state;
    // In a team every workstation settles the same way (the queue is shared): a write that loses is no loss.
    void Promise.resolve(this.store.save(serverId, settled)).catch(() => undefined);
    return { ...state, sites: settled };
  }

  sites(serverId: string): SiteRecord[] {
    return this.state(serverId).sites;
  }

  site(serverId: string, name: string): SiteRecord {
    return plans.find(this.sites(serverId), name);
  }

  /** baseVersion (team mode): the settings' version the edit was based on. */
  async setSettings(serverId: string, change: Partial<HostingSettings>, baseVersion?: number): Promise<{ settings: HostingSettings; version?: number }> {
    this.inventory.stored(serverId);
    await this.store.saveSettings(serverId, change, baseVersion);
    const { settings, settingsVersion } = this.store.state(serverId);
    return { settings, ...(settingsVersion !== undefined ? { version: settingsVersion } : {}) };
  }

  /** The tasks a change would queue, checked as queueing checks them; nothing is queued or recorded. */
  preview(serverId: string, change: HostingChange): { kind: string; title: string; commands: string[]; params: Record<string, unknown> }[] {
    // The parameters (never secrets) let the UI word each title in its language.
    return this.plan(serverId, (sites, settings) => plans.planOf(sites, settings, change, this.tasks(serverId))).steps.map((s) => ({ kind: s.kind, ...this.queue.preview(s.kind, s.params), params: s.params }));
  }

  async create(serverId: string, input: SiteCreate): Promise<{ site: SiteRecord; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => plans.createSite(sites, settings, input));
    return { site: plan.sites.find((s) => s.name === input.name)!, tasks };
  }

  suspend(serverId: string, name: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => plans.setStatus(sites, settings, name, 'suspended'));
  }

  unsuspend(serverId: string, name: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => plans.setStatus(sites, settings, name, 'active'));
  }

  delete(serverId: string, name: string, confirm: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => {
      const plan = plans.deleteSite(sites, settings, name);
      if (confirm !== name) throw AppError.worded('invalid-input', msg('Type the site\'s name "{{name}}" to confirm its deletion.'), { name }, { fields: { confirm: `Must be "${name}" to confirm` } });
      return plan;
    });
  }

  async createFtp(serverId: string, input: FtpCreate): Promise<{ user: string; password: string; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => plans.createFtp(sites, settings, input));
    return { user: input.user, password: plan.password, tasks };
  }

  deleteFtp(serverId: string, site: string, user: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => plans.deleteFtp(sites, settings, site, user));
  }

  async createDb(serverId: string, input: DbCreate): Promise<{ name: string; user: string; password: string; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => plans.createDb(sites, settings, input));
    return { name: input.name, user: input.user, password: plan.password, tasks };
  }

  async setDbPassword(serverId: string, site: string, name: string, given?: string): Promise<{ user: string; password: string; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => plans.setDbPassword(sites, settings, site, name, given));
    return { user: plan.user, password: plan.password, tasks };
  }

  dropDb(serverId: string, site: string, name: string, confirm: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => {
      const plan = plans.dropDb(sites, settings, site, name);
      if (confirm !== name) throw AppError.worded('invalid-input', msg('Type the database\'s name "{{name}}" to confirm dropping it.'), { name }, { fields: { confirm: `Must be "${name}" to confirm` } });
      return plan;
    });
  }

  bindDomain(serverId: string, input: DomainBind): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => plans.bindDomain(sites, settings, input));
  }

  unbindDomain(serverId: string, site: string, domain: string): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => plans.unbindDomain(sites, settings, site, domain));
  }

  // baseVersion (team mode) of the edits of one site below: the version of its record the edit was based on.

  /** The site's PHP on or changed: pool, then server blocks passing .php to it. */
  setPhp(serverId: string, input: PhpSet, baseVersion?: number): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => setPhp(sites, plans.find(sites, input.site), settings, input), based(input.site, baseVersion));
  }

  /** The site's log folder and rotation rule, written again with the current log settings. */
  setUpLogs(serverId: string, site: string, baseVersion?: number): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => setUpLogs(sites, settings, site), based(site, baseVersion));
  }

  /** The site's PHP off: server blocks without PHP, then the pool removed. */
  disablePhp(serverId: string, site: string, baseVersion?: number): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => disablePhp(sites, plans.find(sites, site), settings), based(site, baseVersion));
  }

  /** A cron job added (no id) or changed: the site's cron file written whole. */
  async setCronJob(serverId: string, input: CronJobSet, baseVersion?: number): Promise<{ job: CronJob; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => setCronJob(sites, plans.find(sites, input.site), settings, input), based(input.site, baseVersion));
    return { job: plan.job, tasks };
  }

  removeCronJob(serverId: string, site: string, id: string, baseVersion?: number): Promise<Task[]> {
    return this.apply(serverId, (sites, settings) => removeCronJob(sites, plans.find(sites, site), settings, id), based(site, baseVersion));
  }

  /** The creating task of a not-applied item queued again; a login or database gets a new password (returned once). */
  async applyAgain(serverId: string, site: string, item: SiteItem, given?: string): Promise<{ password: string | null; tasks: Task[] }> {
    const { plan, tasks } = await this.applied(serverId, (sites, settings) => plans.applyAgain(sites, settings, site, item, this.tasks(serverId), given));
    return { password: plan.password, tasks };
  }

  /** A not-applied item leaves the records; nothing runs on the server (a plan without steps, in turn with the other changes). */
  async forget(serverId: string, site: string, item: SiteItem): Promise<SiteRecord> {
    const { plan } = await this.applied(serverId, (sites) => plans.forget(sites, site, item, this.tasks(serverId)));
    return plans.find(plan.sites, site);
  }

  /** Records taken as they are (adoption): no task runs. */
  async adopt(serverId: string, merge: (sites: SiteRecord[]) => SiteRecord[]): Promise<SiteRecord[]> {
    await this.store.save(serverId, merge(this.sites(serverId)));
    return this.store.state(serverId).sites;
  }

  private plan<P extends plans.Plan>(serverId: string, make: (sites: SiteRecord[], settings: HostingSettings) => P): P {
    const { sites, settings } = this.state(serverId);
    return make(sites, settings);
  }

  private async apply(serverId: string, make: (sites: SiteRecord[], settings: HostingSettings) => plans.Plan, base?: SiteBase): Promise<Task[]> {
    return (await this.applied(serverId, make, base)).tasks;
  }

  /**
   * Passwords held first (a task must find its own when it runs), then queued (every task
   * validated again; all or none), then recorded: a refused plan leaves nothing behind. `base`
   * (team mode): an edit of a site based on an older version of its record is a conflict before anything is planned.
   */
  applied<P extends plans.Plan>(serverId: string, make: (sites: SiteRecord[], settings: HostingSettings) => P, base?: SiteBase): Promise<{ plan: P; tasks: Task[] }> {
    const run = async () => {
      await this.store.sync();
      if (base) this.store.assertSiteVersion(serverId, base);
      const plan = this.plan(serverId, make);
      const held: string[] = [];
      try {
        for (const { ref, password } of plan.secrets) {
          await this.secrets.hold(ref, password);
          held.push(ref);
        }
        const tasks = this.queue.enqueueAll(serverId, plan.steps);
        await this.store.save(serverId, plans.recordCreations(plan, tasks), base);
        return { plan, tasks };
      } catch (error) {
        await Promise.all(held.map((ref) => this.secrets.forget(ref)));
        throw error;
      }
    };
    const result = this.last.then(run, run);
    this.last = result.catch(() => undefined);
    return result;
  }

  private tasks(serverId: string): Task[] {
    return this.queue.list(serverId).tasks;
  }
}
