// Where DNS state lives in the data directory: one JSON file per zone (dns/zones/<zone>.json:
// the zone as edited, and the zone as last pushed with its serial — what plans compare with),
// written atomically (temp file + rename), and the nameservers' settings (`conf`).
import Conf from 'conf';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NS_SETTINGS, NsSettings, Zone, ZoneName } from '../../../shared/dns';
import { AppError, msg } from '../../../shared/errors';
import { writeDurably } from '../durable-files';

export const StoredZone = z.object({
  version: z.literal(1),
  zone: Zone,
  pushed: z.object({ zone: Zone, serial: z.number().int(), at: z.string() }).nullable(),
});
export type StoredZone = z.infer<typeof StoredZone>;

const Settings = z.object({ version: z.literal(1), servers: z.record(z.string(), NsSettings) });
type Settings = z.infer<typeof Settings>;

/** Zones and nameserver settings: this folder's files (solo) or the team's tables (team/dns-store.ts). */
export interface ZoneStore {
  names(): string[];
  get(zone: string): StoredZone | null;
  /** Team mode's version of the zone (an edit carries the one it was based on); undefined in solo mode. */
  versionOf(zone: string): number | undefined;
  /** Team mode: a conflict carrying both versions when the zone changed since baseVersion (solo: nothing to check). */
  assertVersion(zone: string, baseVersion: number): void;
  /** baseVersion (team mode): someone else's change since is a conflict carrying both. */
  put(stored: StoredZone, baseVersion?: number): void | Promise<void>;
  /** A push's record of many zones (in a team: each one's `pushed` over the latest zone, an edit made elsewhere meanwhile kept). */
  putMany(list: StoredZone[]): Promise<void>;
  remove(zone: string): void | Promise<void>;
  nsSettings(serverId: string): NsSettings;
  /** Every nameserver with settings of its own (moving a folder into a team). */
  nsServerIds(): string[];
  saveNsSettings(serverId: string, settings: NsSettings): void | Promise<void>;
}

export class DnsStore implements ZoneStore {
  private readonly dir: string;
  private readonly settings: Conf<Settings>;
  /** Parsed zone files by name, with the mtime they were read at (another instance may write). */
  private readonly cache = new Map<string, { mtimeMs: number; stored: StoredZone }>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'dns', 'zones');
    mkdirSync(this.dir, { recursive: true });
    this.settings = new Conf<Settings>({
      cwd: dataDir,
      configName: 'dns-settings',
      projectName: 'hostdeck',
      defaults: { version: 1, servers: {} },
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
    const parsed = Settings.safeParse(this.settings.store);
    if (!parsed.success) throw new Error(`The DNS settings file ${this.settings.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  }

  names(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => ZoneName.safeParse(n).success)
      .sort();
  }

  private file(zone: string): string {
    if (!ZoneName.safeParse(zone).success) throw new AppError('invalid-input', msg('Not a zone name.'));
    return path.join(this.dir, `${zone}.json`);
  }

  get(zone: string): StoredZone | null {
    const file = this.file(zone);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    const cached = this.cache.get(zone);
    if (cached && cached.mtimeMs === mtimeMs) return cached.stored;
    const parsed = StoredZone.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw AppError.worded('internal', msg('The stored zone {{zone}} is not valid: {{problem}}'), { zone, problem: parsed.error.issues[0]?.message ?? 'unknown problem' });
    this.cache.set(zone, { mtimeMs, stored: parsed.data });
    return parsed.data;
  }

  versionOf(): undefined {
    return undefined;
  }

  assertVersion(): void {}

  put(stored: StoredZone): void {
    const file = this.file(stored.zone.name);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored), { flush: true });
    renameSync(tmp, file);
    // What was just written is what a read would parse: a 10,000-record zone is not parsed again.
    this.cache.set(stored.zone.name, { mtimeMs: statSync(file).mtimeMs, stored });
  }

  /** put() for many zones, their files flushed to disk in parallel. */
  async putMany(list: StoredZone[]): Promise<void> {
    await writeDurably(list.map((stored) => ({ file: this.file(stored.zone.name), content: JSON.stringify(stored) })));
    for (const stored of list) this.cache.set(stored.zone.name, { mtimeMs: statSync(this.file(stored.zone.name)).mtimeMs, stored });
  }

  remove(zone: string): void {
    rmSync(this.file(zone), { force: true });
    this.cache.delete(zone);
  }

  nsSettings(serverId: string): NsSettings {
    return Settings.shape.servers.parse(this.settings.get('servers'))[serverId] ?? DEFAULT_NS_SETTINGS;
  }

  nsServerIds(): string[] {
    return Object.keys(Settings.shape.servers.parse(this.settings.get('servers')));
  }

  saveNsSettings(serverId: string, settings: NsSettings): void {
    const all = Settings.shape.servers.parse(this.settings.get('servers'));
    all[serverId] = settings;
    this.settings.set('servers', all);
  }
}
