// DNS zones as the app holds them (the desired state) and their push to every nameserver — the
// servers with the `ns` role — as one task on each nameserver's queue (push-task.ts). Serials
// are chosen greater than what every nameserver serves now and what was pushed last; the pushed
// zone is recorded at once (plans compare with it), while each nameserver's status says whether
// it really serves it.
import type { Nameserver, ZonePlan, ZoneSummary } from '../../../shared/api/dns';
import { canonicalIpv6, canonicalRecord, canonicalSoa, DnsRecord as DnsRecordSchema, recordKey, zoneProblems, type DnsRecord, type NsSettings, type Soa, type Zone } from '../../../shared/dns';
import { AppError, msg } from '../../../shared/errors';
import { IPV4 } from '../../../shared/validation';
import type { Task } from '../../../shared/queue';
import type { EventHub } from '../events';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import { exec, openSftp } from '../ssh/connect';
import type { ConnectionManager } from '../ssh/connections';
import { parseZoneFile } from './parse';
import { planZone } from './plan';
import { zoneFile } from './push-task';
import { renderZone } from './render';
import { renderUpdate } from './update';
import { nextSerial } from './serial';
import type { DnsStatus, NsTarget } from './status';
import type { StoredZone, ZoneStore } from './store';
import './push-task';
import './remove-task';

const IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/** The domains (and aliases) bound to a site, as the hosting records have them. */
type SiteDomains = (serverId: string, site: string) => { domain: string; aliases: string[] }[];

export class DnsService {
  private readonly unsubscribe: () => void;
  private readonly healthRefresh = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ZoneStore,
    private readonly queue: QueueService,
    private readonly inventory: Inventory,
    private readonly connections: ConnectionManager,
    private readonly status: DnsStatus,
    private readonly siteDomains: SiteDomains,
    events: EventHub,
  ) {
    // The health tick checks every server; after a nameserver's check its zones are asked too.
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event !== 'health.changed') return;
      const serverId = (payload as { health: { serverId: string } }).health.serverId;
      if (this.healthRefresh.has(serverId) || !this.isNameserver(serverId)) return;
      const timer = setTimeout(() => {
        this.healthRefresh.delete(serverId);
        void this.targets().then((ts) => {
          const target = ts.find((t) => t.serverId === serverId);
          return target ? this.status.refresh([target], this.store.names()) : undefined;
        });
      }, 0);
      timer.unref();
      this.healthRefresh.set(serverId, timer);
    });
  }

  /** From the stored inventory (no keychain lookup): the health tick reports every server. */
  private isNameserver(serverId: string): boolean {
    try {
      return this.inventory.stored(serverId).roles.includes('ns');
    } catch {
      return false; // removed meanwhile
    }
  }

  stop(): void {
    this.unsubscribe();
    for (const t of this.healthRefresh.values()) clearTimeout(t);
  }

  // ---- nameservers ---------------------------------------------------------------------------

  /** Each nameserver with the host its DNS answers are asked at (its setting, else its SSH host). */
  private async resolved(): Promise<{ serverId: string; name: string; settings: NsSettings; host: string }[]> {
    return (await this.inventory.list()).filter((s) => s.roles.includes('ns')).map((s) => {
      const settings = this.store.nsSettings(s.id);
      return { serverId: s.id, name: s.name, settings, host: settings.queryHost ?? s.host };
    });
  }

  private async targets(): Promise<NsTarget[]> {
    return (await this.resolved()).map(target);
  }

  settings(serverId: string): NsSettings {
    this.inventory.stored(serverId);
    return this.store.nsSettings(serverId);
  }

  async setSettings(serverId: string, settings: NsSettings): Promise<NsSettings> {
    this.inventory.stored(serverId);
    await this.store.saveNsSettings(serverId, settings);
    return settings;
  }

  // ---- zones ---------------------------------------------------------------------------------

  async zones(refresh: boolean): Promise<{ zones: ZoneSummary[]; nameservers: Nameserver[] }> {
    const names = this.store.names();
    const nameservers = await this.resolved();
    const targets = nameservers.map(target);
    if (refresh) await this.status.refresh(targets, names);
    const zones = names.flatMap((name) => {
      const s = this.store.get(name);
      if (!s) return [];
      const plan = planZone(s.zone, s.pushed?.zone ?? null);
      const serial = s.pushed?.serial ?? null;
      return [{ name, records: s.zone.records.length, serial, pushedAt: s.pushed?.at ?? null, changed: plan.hasChanges, nameservers: targets.map((t) => this.status.of(t, name, serial)) }];
    });
    return { zones, nameservers: nameservers.map(shown) };
  }

  zone(name: string): { zone: Zone; plan: ZonePlan; version?: number } {
    const s = this.existing(name);
    const version = this.store.versionOf(name);
    return { zone: s.zone, plan: planZone(s.zone, s.pushed?.zone ?? null), ...(version ? { version } : {}) };
  }

  async createZone(input: { zone: string; ttl: number; soa: Soa; nameservers: string[] }): Promise<Zone> {
    if (this.store.get(input.zone)) throw AppError.worded('invalid-input', msg('The zone {{zone}} already exists'), { zone: input.zone }, { fields: { zone: `The zone ${input.zone} already exists` } });
    const records = input.nameservers.map((ns, i) => this.checked(input.zone, { name: '@', type: 'NS', ttl: input.ttl, value: ns }, `nameservers.${i}`));
    const zone = this.validZone({ name: input.zone, ttl: input.ttl, soa: canonicalSoa(input.zone, input.soa), records });
    await this.store.put({ version: 1, zone, pushed: null });
    return zone;
  }

  /** baseVersion (team mode): the zone's version the edit was based on. */
  async saveZone(input: Zone, baseVersion?: number): Promise<Zone> {
    const s = this.existing(input.name, baseVersion);
    const zone = this.validZone({ ...input, soa: canonicalSoa(input.name, input.soa), records: input.records.map((r) => canonicalRecord(input.name, r)) });
    await this.store.put({ ...s, zone }, baseVersion);
    return zone;
  }

  async putRecord(name: string, record: DnsRecord, old?: DnsRecord, baseVersion?: number): Promise<Zone> {
    const s = this.existing(name, baseVersion);
    const next = canonicalRecord(name, record);
    let records = s.zone.records;
    if (old) {
      const key = recordKey(canonicalRecord(name, old));
      if (!records.some((r) => recordKey(r) === key)) throw new AppError('conflict', msg('That record is no longer in the zone (changed meanwhile?); nothing was saved.'));
      records = records.filter((r) => recordKey(r) !== key);
    }
    const candidate = { ...s.zone, records: [...records, next] };
    const problems = zoneProblems(candidate);
    const at = `records.${records.length}.`;
    const fields: Record<string, string> = {};
    for (const [path, message] of Object.entries(problems)) {
      if (path.startsWith(at)) fields[`record.${path.slice(at.length)}`] = message;
      else if (path !== 'records' && candidate.records[Number(path.split('.')[1])]?.name === next.name) fields['record.name'] = message;
      else if (path === 'records' && !old) continue;
      else fields['record.value'] = message;
    }
    if (Object.keys(fields).length > 0) throw new AppError('invalid-input', Object.values(fields)[0]!, { fields });
    const zone = { ...s.zone, records: candidate.records };
    await this.store.put({ ...s, zone }, baseVersion);
    return zone;
  }

  async deleteRecord(name: string, record: DnsRecord, baseVersion?: number): Promise<Zone> {
    const s = this.existing(name, baseVersion);
    const key = recordKey(canonicalRecord(name, record));
    if (!s.zone.records.some((r) => recordKey(r) === key)) throw new AppError('not-found', msg('That record is not in the zone.'));
    const zone = this.validZone({ ...s.zone, records: s.zone.records.filter((r) => recordKey(r) !== key) });
    await this.store.put({ ...s, zone }, baseVersion);
    return zone;
  }

  /** Takes the zone off every nameserver (one dns.remove task each) and out of Hostdeck. */
  async deleteZone(name: string, confirm: string): Promise<Task[]> {
    this.existing(name);
    if (confirm !== name) throw AppError.worded('invalid-input', msg("Type the zone's name ({{zone}}) to confirm"), { zone: name }, { fields: { confirm: `Type ${name} to confirm` } });
    const tasks = (await this.resolved()).map((ns) => this.queue.enqueue(ns.serverId, 'dns.remove', { zone: name, settings: { ...ns.settings, queryHost: ns.host } }));
    await this.store.remove(name);
    return tasks;
  }

  async forgetZone(name: string, confirm: string): Promise<void> {
    this.existing(name);
    if (confirm !== name) throw AppError.worded('invalid-input', msg("Type the zone's name ({{zone}}) to confirm"), { zone: name }, { fields: { confirm: `Type ${name} to confirm` } });
    await this.store.remove(name);
  }

  plan(zones?: string[]): ZonePlan[] {
    return (zones ?? this.store.names()).map((n) => this.zone(n).plan);
  }

  // ---- push ----------------------------------------------------------------------------------

  async push(zones: string[] | undefined, confirm: string[] = []): Promise<{ serials: Record<string, number>; tasks: Task[] }> {
    const nameservers = await this.resolved();
    if (nameservers.length === 0) throw new AppError('conflict', msg('No server has the ns role: add the role to your nameservers in the inventory first.'));
    const plans = (zones ? [...new Set(zones)] : this.store.names())
      .map((n) => {
        const stored = this.existing(n);
        return { stored, ...planZone(stored.zone, stored.pushed?.zone ?? null) };
      })
      .filter((p) => zones || p.hasChanges);
    if (plans.length === 0) return { serials: {}, tasks: [] };
    const unconfirmed = plans.filter((p) => p.confirmReasons.length > 0 && !confirm.includes(p.zone));
    if (unconfirmed.length > 0) {
      throw AppError.worded('conflict', msg('Confirm the push of {{zones}}.'), { zones: unconfirmed.map((p) => `${p.zone} (${p.confirmReasons.join('; ')})`).join(', ') }, { data: { zones: unconfirmed.map((p) => p.zone) } });
    }
    const targets = nameservers.map(target);
    await this.status.refresh(targets, plans.map((p) => p.zone));
    const at = new Date().toISOString();
    const rendered = plans.map(({ stored: s, ...plan }) => {
      const name = plan.zone;
      const serial = nextSerial([...targets.map((t) => this.status.served(t.serverId, name)), s.pushed?.serial]);
      // A nameserver that serves exactly what was pushed last can take the change as an update.
      const update = s.pushed ? renderUpdate(s.pushed, { zone: s.zone, serial }, plan) : null;
      return { zone: name, serial, file: renderZone(s.zone, serial), update, from: s.pushed?.serial, stored: { ...s, pushed: { zone: s.zone, serial, at } } };
    });
    // Per nameserver, the zones it takes in place (it serves exactly what was pushed last) and their update.
    const inPlace = nameservers.map((ns) => rendered.filter((r) => r.update !== null && r.from !== undefined && this.status.served(ns.serverId, r.zone) === r.from));
    const updates = inPlace.map((list) => list.map((r) => r.update).join('')).filter((u) => u !== '');
    // Zone files and updates flushed to disk together (one round of parallel flushes).
    const blobs = await this.queue.blobs.putMany([...rendered.map((r) => r.file), ...updates]);
    const tasks = nameservers.map((ns, n) => {
      const zones = rendered.map((r, i) => ({ zone: r.zone, serial: r.serial, blob: blobs[i]!, ...(inPlace[n]!.includes(r) ? { inPlace: true } : {}) }));
      const mine = inPlace[n]!.map((r) => r.update).join('');
      const update = mine !== '' ? { update: blobs[rendered.length + updates.indexOf(mine)]! } : {};
      return this.queue.enqueue(ns.serverId, 'dns.push', { zones, ...update, settings: { ...ns.settings, queryHost: ns.host } });
    });
    // The runners send their scripts first (microtasks: before this callback); the zones'
    // records, written meanwhile, are what plans compare with from now on.
    await new Promise((resolve) => setImmediate(resolve));
    const pushed: StoredZone[] = rendered.map((r) => r.stored);
    await this.store.putMany(pushed);
    return { serials: Object.fromEntries(rendered.map((r) => [r.zone, r.serial])), tasks };
  }

  // ---- import --------------------------------------------------------------------------------

  async importZone(serverId: string, name: string, path: string | undefined, save: boolean): Promise<{ zone: Zone; serial: number; warnings: string[] }> {
    this.inventory.stored(serverId);
    const file = path ?? zoneFile(this.store.nsSettings(serverId).zoneDir, name);
    const { text, note } = await this.readRemote(serverId, name, file);
    const { zone, serial, warnings } = parseZoneFile(text, name);
    if (note) warnings.unshift(note);
    if (save) {
      if (this.store.get(name)) throw AppError.worded('conflict', msg('The zone {{zone}} is already in Hostdeck; forget it first to import it again.'), { zone: name });
      await this.store.put({ version: 1, zone, pushed: { zone, serial, at: new Date().toISOString() } });
      await this.status.refresh(await this.targets(), [name]);
    }
    return { zone, serial, warnings };
  }

  /**
   * The zone as named serves it: a dynamic zone's recent updates are in its journal (<file>.jnl)
   * until named writes them to the file (up to 15 minutes later), so with a journal the file and
   * journal are read together by named-compilezone; without one, the file itself (kept as
   * written: its $INCLUDE and comments reach the parser's warnings).
   */
  private async readRemote(serverId: string, zone: string, file: string): Promise<{ text: string; note: string | null }> {
    const lease = await this.connections.acquire(serverId);
    try {
      const client = await lease.ready();
      const sftp = await openSftp(client);
      try {
        const size = await new Promise<number>((resolve, reject) => sftp.stat(file, (e, st) => (e ? reject(AppError.worded('not-found', msg('{{file}} could not be read on the server: {{reason}}'), { file, reason: e.message })) : resolve(st.size))));
        if (size > IMPORT_MAX_BYTES) throw AppError.worded('invalid-input', msg('{{file}} is larger than {{mb}} MB.'), { file, mb: IMPORT_MAX_BYTES / 1024 / 1024 });
        const journal = await new Promise<boolean>((resolve) => sftp.stat(`${file}.jnl`, (e) => resolve(!e)));
        let note: string | null = null;
        if (journal) {
          // The names travel on stdin, not in the command line.
          const out = await exec(client, 'IFS= read -r z && IFS= read -r f && named-compilezone -q -j -o - "$z" "$f"', 60_000, `${zone}\n${file}\n`);
          if (out.code === 0 && out.stdout.length <= IMPORT_MAX_BYTES) return { text: out.stdout, note: null };
          note = `The journal of dynamic updates beside ${file} could not be applied (${(out.stderr.trim() || `named-compilezone exited with ${out.code}`).slice(0, 200)}): what was read is the file alone, which may be older than what named serves.`;
        }
        const text = await new Promise<string>((resolve, reject) => sftp.readFile(file, (e, data) => (e ? reject(AppError.worded('not-found', msg('{{file}} could not be read on the server: {{reason}}'), { file, reason: e.message })) : resolve(data.toString('utf8')))));
        return { text, note };
      } finally {
        sftp.end();
      }
    } finally {
      lease.release();
    }
  }

  // ---- site records --------------------------------------------------------------------------

  async addSiteRecords(input: { serverId: string; site?: string; names?: string[]; addresses: string[]; ttl?: number }): Promise<{ added: { zone: string; record: DnsRecord }[]; uncovered: string[] }> {
    this.inventory.stored(input.serverId);
    const addresses = input.addresses.map((a, i) => {
      if (IPV4.test(a)) return { type: 'A' as const, value: a };
      const v6 = canonicalIpv6(a);
      if (!v6) throw AppError.worded('invalid-input', msg('"{{address}}" is not an IP address'), { address: a.slice(0, 45) }, { fields: { [`addresses.${i}`]: 'An IPv4 or IPv6 address' } });
      return { type: 'AAAA' as const, value: v6 };
    });
    let names = input.names;
    if (!names) {
      if (!input.site) throw new AppError('invalid-input', msg('Name a site or the host names'), { fields: { site: 'Choose a site' } });
      names = this.siteDomains(input.serverId, input.site).flatMap((d) => [d.domain, ...d.aliases]);
    }
    const zoneNames = this.store.names();
    const byZone = new Map<string, string[]>();
    const uncovered: string[] = [];
    for (const raw of names) {
      const host = raw.toLowerCase().replace(/\.$/, '');
      const zone = zoneNames.filter((z) => host === z || host.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
      if (!zone) {
        uncovered.push(host);
        continue;
      }
      byZone.set(zone, [...(byZone.get(zone) ?? []), host === zone ? '@' : host.slice(0, -zone.length - 1)]);
    }
    const added: { zone: string; record: DnsRecord }[] = [];
    const updates: StoredZone[] = [];
    for (const [name, owners] of byZone) {
      const s = this.existing(name);
      const have = new Set(s.zone.records.map(recordKey));
      const fresh: DnsRecord[] = [];
      for (const owner of [...new Set(owners)]) {
        for (const a of addresses) {
          const record = this.checked(name, { name: owner, type: a.type, ttl: input.ttl ?? s.zone.ttl, value: a.value }, 'names');
          if (have.has(recordKey(record))) continue;
          have.add(recordKey(record));
          fresh.push(record);
        }
      }
      updates.push({ ...s, zone: this.validZone({ ...s.zone, records: [...s.zone.records, ...fresh] }) });
      added.push(...fresh.map((record) => ({ zone: name, record })));
    }
    for (const u of updates) await this.store.put(u);
    return { added, uncovered };
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** baseVersion (team mode): an edit based on an older version is a conflict before anything else is checked. */
  private existing(name: string, baseVersion?: number): StoredZone {
    const s = this.store.get(name);
    if (!s) throw AppError.worded('not-found', msg('No zone {{zone}} in Hostdeck.'), { zone: name });
    if (baseVersion !== undefined) this.store.assertVersion(name, baseVersion);
    return s;
  }

  /** A record validated (as the contract does) and in canonical form; problems under `field`. */
  private checked(zone: string, record: DnsRecord, field: string): DnsRecord {
    const problems = zoneProblems({ name: zone, ttl: 0, soa: { primary: '.', email: '.', refresh: 60, retry: 60, expire: 60, minimum: 0 }, records: [record] });
    delete problems.records;
    const parsed = DnsRecordSchema.safeParse(record);
    const message = parsed.success ? Object.values(problems)[0] : parsed.error.issues[0]?.message;
    if (message) throw new AppError('invalid-input', message, { fields: { [field]: message } });
    return canonicalRecord(zone, record);
  }

  private validZone(zone: Zone): Zone {
    const problems = zoneProblems(zone);
    const entries = Object.entries(problems);
    if (entries.length > 0) throw new AppError('invalid-input', entries[0]![1], { fields: problems });
    return zone;
  }
}

function target(n: { serverId: string; name: string; host: string; settings: NsSettings }): NsTarget {
  return { serverId: n.serverId, name: n.name, host: n.host, port: n.settings.queryPort };
}

/** A nameserver as the UI shows it: where its answers are asked. */
function shown(n: { serverId: string; name: string; host: string; settings: NsSettings }): Nameserver {
  return { serverId: n.serverId, name: n.name, settings: n.settings, queryAt: `${n.host}:${n.settings.queryPort}` };
}
