// ACME ordering for the sites' bound domains: settings, the name check before anything is asked
// of the CA, and the issue: the certificate's key made here and held in the keychain as its
// task's secret, then on the server's queue the stateless HTTP-01 answer (acme.http01) with the
// domain's server block written again (so it includes that answer), and tls.issue, which orders,
// validates and installs. The site's record gets the domain's HTTPS once tls.issue is done, not
// when it is queued: until the certificate is on the server, a server block written for the
// domain (any binding task) must not point nginx at certificate files that are not there. The
// names and challenge of each domain's last issue are kept, so a renewal (queueIssue) orders the
// same certificate again.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Conf from 'conf';
import { AcmeSettings, baseName, isWildcard, type Challenge } from '../../../shared/acme';
import type { IssueInput, NameCheck } from '../../../shared/api/acme';
import type { HostingSettings } from '../../../shared/api/hosting';
import { AppError, fill, msg, type Said } from '../../../shared/errors';
import type { Task } from '../../../shared/queue';
import { DEFAULT_TLS_OPTIONS } from '../../../shared/tls';
import type { DnsService } from '../dns/service';
import type { EventHub } from '../events';
import { bindParamsFor, tlsInstallParams } from '../hosting/tls-install';
import type { SiteService } from '../hosting/sites';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { TaskSecrets } from '../queue/task-secrets';
import type { AcmeAccounts } from './account';
import { checkNames } from './names';
import type { AcmeStore } from './store';
import './http01';

type Step = { kind: string; params: unknown };
type Issue = { serverId: string; site: string; domain: string; names?: string[]; challenge: Challenge; redirect: boolean; hsts: boolean; dropFailing?: boolean };
type LastIssue = { names: string[]; challenge: Challenge };

/** `key`: the message's template (marked msg()); the field error is the same sentence in English. */
function invalid(field: string, key: string, params: Said['params'] = {}): never {
  throw AppError.worded('invalid-input', key, params, { fields: { [field]: fill(key, params) } });
}

function certificateKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export class AcmeService {
  private readonly issued: Conf<{ last: Record<string, LastIssue> }>;

  constructor(
    private readonly store: AcmeStore,
    private readonly accounts: AcmeAccounts,
    private readonly sites: SiteService,
    private readonly inventory: Inventory,
    private readonly queue: QueueService,
    private readonly secrets: TaskSecrets,
    private readonly dns: DnsService,
    dataDir: string,
    events: EventHub,
  ) {
    this.issued = new Conf({ cwd: dataDir, configName: 'acme-issued', projectName: 'hostdeck', defaults: { last: {} }, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event !== 'queue.changed') return;
      const { serverId, task } = payload as { serverId: string; task: Task };
      if (task.kind === 'tls.issue' && task.status === 'done') this.installed(serverId, task);
    });
  }

  private readonly unsubscribe: () => void;

  stop(): void {
    this.unsubscribe();
  }

  /**
   * Records the domain's HTTPS once its certificate is installed. Journals are read again at
   * start (old tasks show up once more): an older issue only fills a missing entry, it never
   * overrides options changed since.
   */
  private installed(serverId: string, task: Task): void {
    const p = task.params as { site?: string; domain?: string; install?: { redirect?: boolean; hsts?: boolean } };
    if (!p.site || !p.domain || !p.install) return;
    const fresh = task.finishedAt !== null && Date.now() - Date.parse(task.finishedAt) < 60_000;
    const entry = { domain: p.domain, source: 'acme' as const, redirect: p.install.redirect === true, hsts: p.install.hsts === true };
    void this.sites
      .adopt(serverId, (sites) =>
        sites.map((s) => {
          if (s.name !== p.site || !s.domains.some((d) => d.domain === p.domain)) return s;
          const known = s.tls.find((t) => t.domain === p.domain);
          if (known && !fresh) return s;
          return { ...s, tls: [...s.tls.filter((t) => t.domain !== p.domain), entry].sort((a, b) => a.domain.localeCompare(b.domain)) };
        }),
      )
      .catch(() => undefined); // the server was removed meanwhile
  }

  settings(): AcmeSettings {
    return this.store.settings();
  }

  setSettings(settings: AcmeSettings): AcmeSettings {
    this.store.save(settings);
    return this.store.settings();
  }

  async checkNames(input: { serverId: string; site: string; domain: string; names: string[]; challenge: Challenge }): Promise<NameCheck[]> {
    const { settings } = this.target(input.serverId, input.site, input.domain, input.names);
    return this.check(input.serverId, settings, input.names, input.challenge);
  }

  async preview(input: IssueInput): Promise<{ tasks: { kind: string; title: string; commands: string[] }[]; names: string[]; dropped: NameCheck[] }> {
    const { steps, names, dropped } = await this.plan(input as Issue, 'acme-00000000-0000-0000-0000-000000000000');
    return { tasks: steps.map((s) => ({ kind: s.kind, ...this.queue.preview(s.kind, s.params) })), names, dropped };
  }

  async issue(input: IssueInput): Promise<{ tasks: Task[]; names: string[]; dropped: NameCheck[] }> {
    const i = input as Issue;
    const keyRef = `acme-${randomUUID()}`;
    const { steps, names, dropped } = await this.plan(i, keyRef);
    await this.secrets.hold(keyRef, certificateKey());
    let tasks: Task[];
    try {
      tasks = this.queue.enqueueAll(i.serverId, steps);
    } catch (error) {
      await this.secrets.forget(keyRef);
      throw error;
    }
    this.issued.set('last', { ...this.issued.get('last'), [this.lastKey(i)]: { names, challenge: i.challenge } });
    return { tasks, names, dropped };
  }

  /**
   * Queues the issue of a bound domain's certificate again (renewal): the names and challenge of
   * its last issue (else the domain and its aliases over HTTP-01), the site's HTTPS options.
   * Refused, with nothing queued or asked of the CA, when a name no longer reaches the server.
   */
  async queueIssue(serverId: string, site: string, domain: string): Promise<Task[]> {
    const record = this.sites.site(serverId, site);
    const last = this.issued.get('last')[this.lastKey({ serverId, site, domain })];
    const options = record.tls.find((t) => t.domain === domain) ?? DEFAULT_TLS_OPTIONS;
    return (await this.issue({ serverId, site, domain, challenge: last?.challenge ?? 'http-01', redirect: options.redirect, hsts: options.hsts, ...(last ? { names: last.names } : {}) })).tasks;
  }

  private lastKey(i: { serverId: string; site: string; domain: string }): string {
    return `${i.serverId}/${i.site}/${i.domain}`;
  }

  /** The site, its binding of `domain` and the server's settings; each name must be the domain, an alias or `*.` one of them. */
  private target(serverId: string, siteName: string, domain: string, names: string[] | undefined) {
    const { sites, settings } = this.sites.state(serverId);
    const site = sites.find((s) => s.name === siteName);
    if (!site) invalid('site', msg('No site "{{site}}" on this server in Hostdeck\'s records.'), { site: siteName });
    const binding = site.domains.find((d) => d.domain === domain);
    if (!binding) invalid('domain', msg('{{domain}} is not bound to the site {{site}}.'), { domain, site: siteName });
    const allowed = [binding.domain, ...binding.aliases];
    (names ?? []).forEach((n, i) => {
      if (!allowed.includes(baseName(n))) invalid(`names.${i}`, msg('{{name}} is not {{domain}}, one of its aliases, or a wildcard of one of them.'), { name: n, domain });
    });
    return { site, settings, binding, allowed };
  }

  private async check(serverId: string, settings: HostingSettings, names: string[], challenge: Challenge): Promise<NameCheck[]> {
    const acmeSettings = this.store.settings();
    const { zones, nameservers } = await this.dns.zones(false);
    const port = Number(settings.web.listen.slice(settings.web.listen.lastIndexOf(':') + 1));
    return checkNames(names, {
      challenge,
      resolver: acmeSettings.resolver,
      serverHost: this.inventory.stored(serverId).host,
      httpPort: port,
      thumbprint: await this.accounts.thumbprint(acmeSettings.directoryUrl),
      zones: zones.map((z) => z.name),
      hasNameservers: nameservers.length > 0,
      nameserverIsThisServer: nameservers.some((n) => n.serverId === serverId),
    });
  }

  private async plan(i: Issue, keyRef: string): Promise<{ steps: Step[]; names: string[]; dropped: NameCheck[] }> {
    const { site, settings, binding, allowed } = this.target(i.serverId, i.site, i.domain, i.names);
    const wanted = i.names ?? allowed;
    if (i.challenge === 'http-01' && wanted.some(isWildcard)) invalid('challenge', msg('A wildcard name needs DNS-01.'));
    const results = await this.check(i.serverId, settings, wanted, i.challenge);
    const failing = results.filter((r) => !r.ok);
    if (failing.length > 0 && !i.dropFailing) {
      throw AppError.worded('conflict', msg('Not queued, and nothing was asked of the CA: {{problems}}'), { problems: failing.map((f) => `${f.name}: ${f.detail}`).join(' ') }, { data: { results } });
    }
    const names = results.filter((r) => r.ok).map((r) => r.name);
    if (names.length === 0) throw new AppError('conflict', msg('No name passed the check; nothing was queued or asked of the CA.'), { data: { results } });
    const acmeSettings = this.store.settings();
    const { chainPem: _, ...install } = tlsInstallParams(site, settings, i.domain, '', { redirect: i.redirect, hsts: i.hsts });
    const steps: Step[] = [];
    if (i.challenge === 'http-01') {
      steps.push({ kind: 'acme.http01', params: { thumbprint: await this.accounts.thumbprint(acmeSettings.directoryUrl), nginxConf: settings.web.nginxConf } });
      steps.push({ kind: 'domain.bind', params: bindParamsFor(site, settings, binding) });
    }
    steps.push({ kind: 'tls.issue', params: { site: i.site, domain: i.domain, names, challenge: i.challenge, directoryUrl: acmeSettings.directoryUrl, keyRef, install } });
    return { steps, names, dropped: failing };
  }
}

