// HTTPS of a server's sites: the installed certificates read from the server (one command per
// server; the last read is kept for fleet health and renewal), an own certificate checked and
// queued, options, removal, and renewal — on demand, and by itself while the app runs: every
// hour (and shortly after start) each ACME certificate that expires within RENEW_BEFORE_DAYS is
// queued for a new issue, unless an issue of that domain is already waiting in the queue.
import { randomUUID } from 'node:crypto';
import { daysLeft, type InstalledCert, type TlsChange, type TlsUpload } from '../../../shared/api/tls';
import { AppError, msg } from '../../../shared/errors';
import type { Task } from '../../../shared/queue';
import { EXPIRY_WARNING_DAYS, RENEW_BEFORE_DAYS, type TlsOptions } from '../../../shared/tls';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';
import type { SiteService } from './sites';
import { bindingOf, removeTls, setTlsOptions, uploadTls } from './tls-plans';
import { checkUpload, describe, parseChain } from './tls-x509';

/** Queues a new ACME issue of a bound domain's certificate (the ACME service). */
export type Renewer = { queueIssue(serverId: string, site: string, domain: string): Promise<Task[]> };
export type TlsStatus = { certs: InstalledCert[]; readAt: string; problems: string[] };

const HOUR_MS = 3_600_000;
const FIRST_CHECK_MS = 60_000;
const WAITING = new Set(['pending', 'running', 'failed']);
/** A preview plans an upload without its key: the reference only has to be well-formed. */
const PREVIEW_KEY_REF = 'tls-00000000-0000-0000-0000-000000000000';

/** Every <tlsDir>/<site>/<domain>.crt, each after a line naming it. */
export function statusScript(tlsDir: string): string {
  return `for f in ${shQuote(tlsDir)}/*/*.crt; do if [ -f "$f" ]; then printf '==> %s\\n' "$f"; cat "$f"; fi; done; true`;
}

export function parseStatus(stdout: string, tlsDir: string): { certs: InstalledCert[]; problems: string[] } {
  const certs: InstalledCert[] = [];
  const problems: string[] = [];
  for (const part of stdout.split(/^==> /m).slice(1)) {
    const newline = part.indexOf('\n');
    const file = part.slice(0, newline);
    const rel = file.startsWith(`${tlsDir}/`) ? file.slice(tlsDir.length + 1) : '';
    const m = /^([^/]+)\/([^/]+)\.crt$/.exec(rel);
    if (!m) continue;
    const leaf = parseChain(part.slice(newline + 1).replace(/\r\n/g, '\n'))?.[0];
    if (!leaf) problems.push(`${file} does not hold a certificate that parses`);
    else certs.push({ site: m[1]!, domain: m[2]!, ...describe(leaf) });
  }
  return { certs, problems };
}

export class TlsService {
  private readonly last = new Map<string, TlsStatus>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sites: SiteService,
    private readonly connections: ConnectionManager,
    private readonly queue: QueueService,
    private readonly inventory: Inventory,
    private readonly renewer: Renewer,
    private readonly log: (line: string) => void,
  ) {}

  async status(serverId: string): Promise<TlsStatus> {
    const { tlsDir } = this.sites.state(serverId).settings.web;
    const lease = await this.connections.acquire(serverId, { interactive: false });
    try {
      const result = await exec(await lease.ready(), statusScript(tlsDir), 30_000);
      if (result.code !== 0) throw new AppError('ssh', msg('Reading the certificates on the server failed.'), { details: result.stderr.slice(-2000) });
      const status = { ...parseStatus(result.stdout, tlsDir), readAt: new Date().toISOString() };
      this.last.set(serverId, status);
      return status;
    } finally {
      lease.release();
    }
  }

  /**
   * For fleet health, from the last read of the server (no SSH on a health tick; the status
   * call and the hourly check read it): certificates that expire within EXPIRY_WARNING_DAYS (a
   * warning) or have expired (an alert: browsers refuse the site now).
   */
  expiryWarnings(serverId: string, now = new Date()): string[] {
    return this.expiry(serverId, now).filter((e) => !e.expired).map((e) => e.text);
  }

  /** The certificates of the last read (for health samples: days to the nearest expiry). */
  certificates(serverId: string): InstalledCert[] {
    return this.last.get(serverId)?.certs ?? [];
  }

  expiredAlerts(serverId: string, now = new Date()): string[] {
    return this.expiry(serverId, now).filter((e) => e.expired).map((e) => e.text);
  }

  private expiry(serverId: string, now: Date): { expired: boolean; text: string }[] {
    return (this.last.get(serverId)?.certs ?? []).flatMap((c) => {
      const left = daysLeft(c.notAfter, now);
      if (left >= EXPIRY_WARNING_DAYS) return [];
      const what = `the certificate of ${c.domain} (site ${c.site})`;
      return [left < 0 ? { expired: true, text: `${what} has expired` } : { expired: false, text: `${what} expires in ${left} day${left === 1 ? '' : 's'}` }];
    });
  }

  async upload(input: TlsUpload & { chainPem: string; keyPem: string }): Promise<{ tasks: Task[]; cert: InstalledCert }> {
    const binding = bindingOf(this.sites.site(input.serverId, input.site), input.domain);
    const checked = checkUpload({ chainPem: input.chainPem, keyPem: input.keyPem, ...(input.passphrase ? { passphrase: input.passphrase } : {}), hosts: [binding.domain, ...binding.aliases] });
    const keyRef = `tls-${randomUUID()}`;
    const { tasks } = await this.sites.applied(input.serverId, (sites, settings) =>
      uploadTls(sites, settings, { site: input.site, domain: input.domain, chainPem: checked.chainPem, keyPem: checked.keyPem, keyRef, redirect: input.redirect, hsts: input.hsts }),
    );
    return { tasks, cert: { site: input.site, domain: input.domain, ...checked.cert } };
  }

  /** The tasks a change would queue, planned as queueing plans them; nothing is held, queued or recorded. */
  preview(serverId: string, site: string, domain: string, change: TlsChange): { kind: string; title: string; commands: string[] }[] {
    const { sites, settings } = this.sites.state(serverId);
    const target = { site, domain };
    const plan =
      change.op === 'upload'
        ? uploadTls(sites, settings, { ...target, chainPem: change.chainPem, keyPem: '', keyRef: PREVIEW_KEY_REF, redirect: change.redirect, hsts: change.hsts })
        : change.op === 'options'
          ? setTlsOptions(sites, settings, { ...target, redirect: change.redirect, hsts: change.hsts })
          : removeTls(sites, settings, target);
    return plan.steps.map((s) => ({ kind: s.kind, ...this.queue.preview(s.kind, s.params) }));
  }

  async setOptions(serverId: string, input: { site: string; domain: string } & TlsOptions): Promise<Task[]> {
    return (await this.sites.applied(serverId, (sites, settings) => setTlsOptions(sites, settings, input))).tasks;
  }

  async remove(serverId: string, input: { site: string; domain: string; confirm: string }): Promise<Task[]> {
    if (input.confirm !== input.domain) throw AppError.worded('invalid-input', msg('Type the domain "{{domain}}" to confirm removing HTTPS.'), { domain: input.domain }, { fields: { confirm: `Must be "${input.domain}" to confirm` } });
    return (await this.sites.applied(serverId, (sites, settings) => removeTls(sites, settings, input))).tasks;
  }

  /** A new ACME issue now; refused for an uploaded certificate and while an issue of the domain waits in the queue. */
  async renew(serverId: string, site: string, domain: string): Promise<Task[]> {
    const tls = this.sites.site(serverId, site).tls.find((t) => t.domain === domain);
    if (!tls) throw AppError.worded('invalid-input', msg("{{domain}} has no certificate in Hostdeck's records."), { domain }, { fields: { domain: 'No certificate' } });
    if (tls.source !== 'acme') throw AppError.worded('invalid-input', msg('The certificate of {{domain}} was uploaded: Hostdeck cannot renew it. Upload a new one (or issue one through ACME).'), { domain });
    const waiting = this.waitingIssue(serverId, site, domain);
    if (waiting) throw AppError.worded('invalid-input', msg('A new certificate for {{domain}} is already in the queue (task {{task}}, {{status}}).'), { domain, task: waiting.title, status: waiting.status });
    return this.renewer.queueIssue(serverId, site, domain);
  }

  private waitingIssue(serverId: string, site: string, domain: string): Task | undefined {
    return this.queue.list(serverId).tasks.find((t) => t.kind === 'tls.issue' && WAITING.has(t.status) && t.params.site === site && t.params.domain === domain);
  }

  start(): void {
    const tick = () => void this.renewDue().catch((error: unknown) => this.log(`[hostdeck] certificate renewal check failed: ${error instanceof Error ? error.message : String(error)}`));
    this.timer = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, HOUR_MS);
      this.timer.unref();
    }, FIRST_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Reads the certificates of every server with HTTPS in the records (for fleet health too) and
   * queues the renewal of each ACME certificate that expires within RENEW_BEFORE_DAYS; returns
   * what was queued, as "server/site/domain".
   */
  async renewDue(now = new Date()): Promise<string[]> {
    const queued: string[] = [];
    for (const server of await this.inventory.list()) {
      const records = this.sites.sites(server.id).flatMap((s) => s.tls.map((t) => ({ site: s.name, domain: t.domain, source: t.source })));
      if (records.length === 0) continue;
      const acme = records.filter((r) => r.source === 'acme');
      let certs: InstalledCert[];
      try {
        certs = (await this.status(server.id)).certs;
      } catch (error) {
        this.log(`[hostdeck] certificates of ${server.name} not read for renewal: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const { site, domain } of acme) {
        const cert = certs.find((c) => c.site === site && c.domain === domain);
        if (!cert || daysLeft(cert.notAfter, now) > RENEW_BEFORE_DAYS || this.waitingIssue(server.id, site, domain)) continue;
        try {
          await this.renewer.queueIssue(server.id, site, domain);
          queued.push(`${server.id}/${site}/${domain}`);
        } catch (error) {
          this.log(`[hostdeck] renewal of ${domain} (site ${site} on ${server.name}) not queued: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    return queued;
  }
}
