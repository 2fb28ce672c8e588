// Drift checks: a server's records (hosting and, on nameservers, the zones as pushed) against the
// server, in one read-only SSH command per server, kept as the server's last report (in memory:
// it holds the server's text of changed files). Checked on demand and after every Nth health
// check of the server; answered by fixing the server (tasks through the queue, as every change) or accepting the
// server's state into the records.
import Conf from 'conf';
import pLimit from 'p-limit';
import { DEFAULT_DRIFT_SETTINGS, DriftSettings, type DriftAction, type DriftItem, type DriftReport } from '../../../shared/api/drift';
import type { NsSettings } from '../../../shared/dns';
import { AppError, fill, msg, said, type Said } from '../../../shared/errors';
import type { Task } from '../../../shared/queue';
import type { ZoneStore } from '../dns/store';
import type { EventHub } from '../events';
import { renderZone } from '../dns/render';
import { nextSerial } from '../dns/serial';
import type { SiteService } from '../hosting/sites';
import type { InventoryStore } from '../inventory/store';
import type { QueueService } from '../queue/service';
import { exec } from '../ssh/connect';
import type { ConnectionManager } from '../ssh/connections';
import { compareHosting, compareZones, type Finding } from './compare';
import { expectedOf, sha256, type Expected } from './expected';
import { remedy } from './remedies';
import { driftScript, hostingScript, parseReport, type ExpectedZone, type ZoneCheck } from './script';

const EXEC_TIMEOUT_MS = 60_000;
const CONCURRENCY = 16;

type Last = { report: DriftReport; findings: Finding[] };
/** `records`: a line per record change, as its template and values. */
type Preview = { tasks: { serverId: string; kind: string; title: string; commands: string[]; params: Record<string, unknown> }[]; records: Said[] };
const english = (lines: Said[]) => lines.map((l) => fill(l.key, l.params));

export type DriftDeps = {
  store: InventoryStore;
  connections: ConnectionManager;
  sites: SiteService;
  queue: QueueService;
  dns: ZoneStore;
  /** Imports a zone a nameserver has into Hostdeck (the DNS service's own import). */
  importZone: (serverId: string, zone: string) => Promise<unknown>;
  dataDir: string;
  events: EventHub;
};

export class DriftService {
  private readonly last = new Map<string, Last>();
  private readonly inflight = new Map<string, Promise<Last>>();
  private readonly conf: Conf<{ settings: DriftSettings }>;
  /** Rendered zones by name and serial: a pushed zone does not change under its serial. */
  private readonly rendered = new Map<string, { text: string; hash: string }>();
  private readonly healthChecks = new Map<string, number>();
  /** Every check (asked for, the fleet's, after health) shares one bound: a thousand servers never run a thousand at once. */
  private readonly limit = pLimit(CONCURRENCY);
  private readonly expected = new Map<string, { key: string; expected: Expected; lines: string[] }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly d: DriftDeps) {
    this.unsubscribe = d.events.subscribe((event, payload) => {
      if (event === 'health.changed') this.healthChecked((payload as { health: { serverId: string; status: string } }).health);
      if (event === 'inventory.changed') this.forgetRemoved();
    });
    this.conf = new Conf({ cwd: d.dataDir, configName: 'drift', projectName: 'hostdeck', defaults: { settings: DEFAULT_DRIFT_SETTINGS }, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
  }

  settings(): DriftSettings {
    const parsed = DriftSettings.safeParse(this.conf.get('settings'));
    return parsed.success ? parsed.data : DEFAULT_DRIFT_SETTINGS;
  }

  setSettings(settings: DriftSettings): DriftSettings {
    this.conf.set('settings', settings);
    return settings;
  }

  /**
   * After every Nth health check of a server that answered, its drift is checked too (on the
   * connection health keeps open): with the tick's interval of a minute, every ten minutes.
   */
  private healthChecked(health: { serverId: string; status: string }): void {
    const every = this.settings().everyTicks;
    if (every === 0 || health.status === 'down' || health.status === 'unknown') return;
    const n = (this.healthChecks.get(health.serverId) ?? 0) + 1;
    this.healthChecks.set(health.serverId, n);
    if (n % every === 0 && !this.inflight.has(health.serverId)) void this.check(health.serverId).catch(() => undefined);
  }

  stop(): void {
    this.unsubscribe();
  }

  /** A server that left the inventory leaves its report and expectations behind. */
  private forgetRemoved(): void {
    const present = new Set(this.d.store.servers().map((s) => s.id));
    for (const map of [this.last, this.expected, this.healthChecks]) for (const id of map.keys()) if (!present.has(id)) map.delete(id);
  }

  reports(): DriftReport[] {
    return this.d.store.servers().map((s) => this.last.get(s.id)?.report ?? unchecked(s.id));
  }

  checkFleet(): Promise<DriftReport[]> {
    return Promise.all(this.d.store.servers().map((s) => this.check(s.id)));
  }

  /** A check of one server; a check already running for it is joined. */
  async check(serverId: string): Promise<DriftReport> {
    return (await this.checked(serverId)).report;
  }

  private checked(serverId: string): Promise<Last> {
    const running = this.inflight.get(serverId);
    if (running) return running;
    const next = this.limit(() => this.run(serverId)).finally(() => this.inflight.delete(serverId));
    this.inflight.set(serverId, next);
    return next;
  }

  private zoneCheck(serverId: string, roles: readonly string[]): ZoneCheck | null {
    if (!roles.includes('ns')) return null;
    const zones: ExpectedZone[] = [];
    for (const name of this.d.dns.names()) {
      const s = this.d.dns.get(name);
      if (!s?.pushed) continue;
      const key = `${name}\u0000${s.pushed.serial}\u0000${s.pushed.at}`;
      let r = this.rendered.get(key);
      if (!r) {
        const text = renderZone(s.pushed.zone, s.pushed.serial);
        r = { text, hash: sha256(text) };
        this.rendered.set(key, r);
      }
      zones.push({ zone: name, serial: s.pushed.serial, recorded: s.pushed.zone, ...r });
    }
    return { settings: this.d.dns.nsSettings(serverId), zones };
  }

  /**
   * What the server's records expect, and the script's lines that read it: rendered again only
   * when the records, the settings or the state of their items' creating tasks changed.
   */
  private expectations(serverId: string): { expected: Expected; lines: string[] } | null {
    const { sites, settings } = this.d.sites.state(serverId);
    if (sites.length === 0) return null;
    const tasks = this.d.queue.list(serverId).tasks;
    const status = new Map(tasks.map((t) => [t.id, t.status]));
    const key = JSON.stringify([sites, settings, sites.flatMap((s) => s.creations.map((c) => status.get(c.taskId) ?? null))]);
    const cached = this.expected.get(serverId);
    if (cached?.key === key) return cached;
    const expected = expectedOf(sites, settings, tasks);
    const fresh = { key, expected, lines: hostingScript(expected) };
    this.expected.set(serverId, fresh);
    return fresh;
  }

  private async run(serverId: string): Promise<Last> {
    const started = performance.now();
    const server = this.d.store.servers().find((s) => s.id === serverId);
    if (!server) throw new AppError('not-found', msg('No such server in the inventory.'));
    const hosting = this.expectations(serverId);
    const expected = hosting?.expected ?? null;
    const zones = this.zoneCheck(serverId, server.roles);
    const done = (findings: Finding[], compared: number, error: string | null): Last => {
      const report: DriftReport = { serverId, checkedAt: new Date().toISOString(), ms: Math.round(performance.now() - started), compared, items: findings.map((f) => f.item), answered: 0, error };
      const last = { report, findings };
      if (this.d.store.servers().some((s) => s.id === serverId)) this.last.set(serverId, last);
      return last;
    };
    if (!expected && !zones) return done([], 0, null);
    let stdout: string;
    try {
      const lease = await this.d.connections.acquire(serverId, { interactive: false });
      try {
        const result = await exec(await lease.ready(), driftScript(hosting?.lines ?? [], zones), EXEC_TIMEOUT_MS);
        if (result.code !== 0) return done([], 0, `The check did not run on the server (exit ${result.code}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
        stdout = result.stdout;
      } finally {
        lease.release();
      }
    } catch (error) {
      return done([], 0, error instanceof AppError ? error.message : 'The check failed unexpectedly.');
    }
    const found = parseReport(stdout);
    const web = expected ? compareHosting(expected, found) : { findings: [], compared: 0 };
    const dns = zones ? compareZones(zones, found, this.d.dns.names()) : { findings: [], compared: 0 };
    return done([...web.findings, ...dns.findings], web.compared + dns.compared, null);
  }

  private finding(serverId: string, id: string): Finding {
    const f = this.last.get(serverId)?.findings.find((x) => x.item.id === id);
    if (!f) throw new AppError('not-found', msg('That difference is not in the last check of this server; check again.'));
    return f;
  }

  /** The tasks and the record changes (in English, and as templates and values for the UI). */
  preview(serverId: string, id: string, action: DriftAction): { tasks: Preview['tasks']; records: string[]; recordsSaid: Said[] } {
    const { tasks, records } = this.previewOf(serverId, id, action);
    return { tasks, records: english(records), recordsSaid: records };
  }

  private previewOf(serverId: string, id: string, action: DriftAction): Preview {
    const f = this.finding(serverId, id);
    if (f.item.kind === 'zone') return this.zoneAction(serverId, f, action).preview;
    const { sites, settings } = this.d.sites.state(serverId);
    const plan = remedy(f, action, sites, settings);
    return { tasks: plan.steps.map((s) => ({ serverId, kind: s.kind, params: s.params, ...this.d.queue.preview(s.kind, s.params) })), records: plan.records };
  }

  async resolve(serverId: string, id: string, action: DriftAction, confirm?: string): Promise<{ tasks: Task[]; records: string[]; password: string | null; report: DriftReport }> {
    const f = this.finding(serverId, id);
    const needs = action === 'fix' ? f.item.confirm : null;
    if (needs !== null && confirm !== needs) throw AppError.worded('invalid-input', msg('Type "{{confirm}}" to confirm.'), { confirm: needs }, { fields: { confirm: `Must be "${needs}" to confirm` } });
    let out: { tasks: Task[]; records: string[]; password: string | null };
    if (f.item.kind === 'zone') {
      const z = this.zoneAction(serverId, f, action);
      out = { tasks: await z.apply(), records: english(z.preview.records), password: null };
    } else {
      let records: string[] = [];
      let password: string | null = null;
      const { tasks } = await this.d.sites.applied(serverId, (sites, settings) => {
        const plan = remedy(f, action, sites, settings);
        records = english(plan.records);
        password = plan.password ?? null;
        return plan;
      });
      out = { tasks, records, password };
    }
    // The item is answered: it leaves the report until the next check says otherwise.
    const last = this.last.get(serverId);
    if (last) {
      const findings = last.findings.filter((x) => x.item.id !== id);
      this.last.set(serverId, { findings, report: { ...last.report, items: findings.map((x) => x.item), answered: last.report.answered + 1 } });
    }
    return { ...out, report: this.last.get(serverId)?.report ?? unchecked(serverId) };
  }

  /** Zones: fix pushes the zone as pushed last (or removes one Hostdeck does not have); accept records the server's. */
  private zoneAction(serverId: string, f: Finding, action: DriftAction): { preview: Preview; apply: () => Promise<Task[]> } {
    const item: DriftItem = f.item;
    if ((action === 'fix' ? item.fix : item.accept) === null) throw AppError.worded('conflict', msg('That action is not offered for {{item}}.'), { item: item.title });
    const zone = item.id.slice('zone:'.length, item.id.lastIndexOf(':'));
    const nsTask = (id: string, kind: string, params: Record<string, unknown>) => ({ serverId: id, kind, params, ...this.d.queue.preview(kind, params) });
    const settingsOf = (id: string): NsSettings & { queryHost: string } => {
      const s = this.d.dns.nsSettings(id);
      return { ...s, queryHost: s.queryHost ?? this.d.store.servers().find((x) => x.id === id)!.host };
    };
    if (item.way === 'extra') {
      if (action === 'accept') return { preview: { tasks: [], records: [said(msg('Zone {{zone}} imported from this nameserver into Hostdeck'), { zone })] }, apply: async () => { await this.d.importZone(serverId, zone); return []; } };
      const params = { zone, settings: settingsOf(serverId) };
      return { preview: { tasks: [nsTask(serverId, 'dns.remove', params)], records: [] }, apply: async () => [this.d.queue.enqueue(serverId, 'dns.remove', params)] };
    }
    const stored = this.d.dns.get(zone);
    if (!stored?.pushed) throw AppError.worded('not-found', msg('The zone {{zone}} is no longer pushed in Hostdeck.'), { zone });
    const pushed = stored.pushed;
    if (action === 'accept') {
      if (f.evidence.kind !== 'zone' || !f.evidence.zone || f.evidence.serial === null) throw AppError.worded('conflict', msg('Nothing to take from the server for {{item}}.'), { item: item.title });
      const serverZone = f.evidence.zone;
      const serial = f.evidence.serial;
      const unpushedEdits = JSON.stringify(stored.zone) !== JSON.stringify(pushed.zone);
      const values = { zone, serial, n: serverZone.records.length };
      const records = [unpushedEdits ? said(msg('Zone {{zone}} recorded as this nameserver has it (serial {{serial}}, {{n}} records); its unpushed edits are kept'), values) : said(msg('Zone {{zone}} recorded as this nameserver has it (serial {{serial}}, {{n}} records)'), values)];
      return { preview: { tasks: [], records }, apply: async () => { await this.d.dns.put({ ...stored, zone: unpushedEdits ? stored.zone : serverZone, pushed: { zone: serverZone, serial, at: new Date().toISOString() } }); return []; } };
    }
    const serial = nextSerial([pushed.serial, f.evidence.kind === 'zone' ? f.evidence.serial : null]);
    const nameservers = this.d.store.servers().filter((s) => s.roles.includes('ns')).map((s) => s.id);
    const text = renderZone(pushed.zone, serial);
    const params = (id: string, blob: string) => ({ zones: [{ zone, serial, blob }], settings: settingsOf(id) });
    return {
      preview: { tasks: nameservers.map((id) => nsTask(id, 'dns.push', params(id, sha256(text)))), records: [said(msg('Zone {{zone}}: serial {{serial}} recorded as pushed (its records as pushed last)'), { zone, serial })] },
      apply: async () => {
        const [blob] = await this.d.queue.blobs.putMany([text]);
        const tasks = nameservers.map((id) => this.d.queue.enqueue(id, 'dns.push', params(id, blob!)));
        await this.d.dns.put({ ...stored, pushed: { ...pushed, serial, at: new Date().toISOString() } });
        return tasks;
      },
    };
  }
}

function unchecked(serverId: string): DriftReport {
  return { serverId, checkedAt: null, ms: null, compared: 0, items: [], answered: 0, error: null };
}
