// "Prepare server": the preflight (kept per server for the preview that follows it), the plan
// of tasks for the chosen roles, and queueing it. On a machine without systemd the server's PHP
// settings switch to reloading by signal, as the queued PHP tasks will need.
import type { PreflightReport, PrepareInput, PreparePlan } from '../../../shared/api/prepare';
import type { Task } from '../../../shared/queue';
import { IPV4 } from '../../../shared/validation';
import type { DnsService } from '../dns/service';
import { phpSettings } from '../hosting/php-plans';
import type { SiteService } from '../hosting/sites';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { ConnectionManager } from '../ssh/connections';
import { preflight } from './preflight';
import { changes, recipe, type RecipeInput } from './recipe';

export class PrepareService {
  private readonly reports = new Map<string, PreflightReport>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly inventory: Inventory,
    private readonly sites: SiteService,
    private readonly dns: DnsService,
    private readonly queue: QueueService,
  ) {}

  async preflight(serverId: string): Promise<PreflightReport> {
    const server = this.inventory.stored(serverId);
    // The login password sudo may ask for (one line on sudo's stdin: a password with a line break cannot be given).
    const password = server.user !== 'root' && server.auth.method === 'password' ? await this.inventory.secret(serverId) : null;
    const report = await preflight(this.connections, serverId, password !== null && !/[\r\n]/.test(password) ? password : null);
    this.reports.set(serverId, report);
    return report;
  }

  private async input(i: PrepareInput): Promise<RecipeInput> {
    const server = this.inventory.stored(i.serverId);
    const report = this.reports.get(i.serverId) ?? (await this.preflight(i.serverId));
    // The other nameservers: another entry for this same machine (another login) is not one.
    const others = (await this.inventory.list()).filter((s) => s.id !== i.serverId && s.host !== server.host && s.roles.includes('ns') && IPV4.test(s.host)).map((s) => s.host);
    return {
      roles: i.roles,
      report,
      hosting: this.sites.state(i.serverId).settings,
      ns: this.dns.settings(i.serverId),
      nsPeers: i.nsPeers ?? [...new Set(others)],
      keyLogin: server.auth.method === 'key' || server.auth.method === 'key-passphrase' || server.auth.method === 'agent',
      sshPort: server.port,
      serverId: i.serverId,
    };
  }

  async preview(i: PrepareInput): Promise<PreparePlan> {
    const input = await this.input(i);
    const tasks = recipe(input).map((s) => ({ kind: s.kind, params: s.params, ...this.queue.preview(s.kind, s.params) }));
    return { tasks, ...changes(input) };
  }

  async enqueue(i: PrepareInput): Promise<Task[]> {
    const input = await this.input(i);
    const steps = recipe(input);
    const tasks = this.queue.enqueueAll(i.serverId, steps);
    if (i.roles.includes('web') && !input.report.systemd) {
      const php = phpSettings(input.hosting);
      if (php.reload !== 'pidfile') await this.sites.setSettings(i.serverId, { php: { ...php, reload: 'pidfile' } });
    }
    return tasks;
  }
}
