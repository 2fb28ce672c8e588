// The records of what each server should have (sites with their FTP logins, databases and
// domains) and where each server's pure-ftpd, nginx and MySQL keep things, in the data directory
// (`conf`: one JSON file, atomic writes). Records change when the admin asks (the desired state);
// the queue reports how the server follows.
import Conf from 'conf';
import { z } from 'zod';
import {
  DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, FtpSettings, MysqlSettings, SiteRecord, WebSettings, type HostingSettings,
} from '../../../shared/api/hosting';
import { PhpSettings } from '../../../shared/php';
import { CronSettings } from '../../../shared/cron';
import { LogSettings } from '../../../shared/api/logs';
import { readCached } from '../read-cache';

const Schema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.array(SiteRecord)),
  /** Per server (absent = the Debian defaults). */
  ftp: z.record(z.string(), FtpSettings).default({}),
  web: z.record(z.string(), WebSettings).default({}),
  mysql: z.record(z.string(), MysqlSettings).default({}),
  php: z.record(z.string(), PhpSettings).default({}),
  cron: z.record(z.string(), CronSettings).default({}),
  logs: z.record(z.string(), LogSettings).default({}),
});
type Data = z.infer<typeof Schema>;

/** A server's sites and hosting settings: this folder's file (solo) or the team's tables (team/site-store.ts). */
export interface HostingStore {
  /** settingsVersion: team mode's version of the settings, 0 when none are saved (an edit carries the one it was based on). */
  /** siteVersions: team mode's version of each site's record (an edit of one site carries its own). */
  state(serverId: string): { sites: SiteRecord[]; settings: HostingSettings; settingsVersion?: number; siteVersions?: Record<string, number> };
  /** based (team mode): the site an edit was based on and its version then; someone else's change since is a conflict carrying both (solo: nothing to check). */
  assertSiteVersion(serverId: string, based: SiteBase): void;
  /** Team mode: the change feed read now, so that a change is planned over what another workstation did a moment ago (solo: nothing to do). */
  sync(): void | Promise<void>;
  save(serverId: string, sites: SiteRecord[], based?: SiteBase): void | Promise<void>;
  /** baseVersion (team mode): someone else's change since is a conflict carrying both. */
  saveSettings(serverId: string, change: Partial<HostingSettings>, baseVersion?: number): void | Promise<void>;
}

/** Team mode: the site an edit is based on and the version of its record it was opened at. */
export type SiteBase = { site: string; baseVersion: number };

/** The settings as stored, Debian's defaults where none is. */
export function settingsWithDefaults(s: Partial<HostingSettings> | undefined): HostingSettings {
  const { php, cron, logs } = s ?? {};
  return { ftp: s?.ftp ?? DEFAULT_FTP_SETTINGS, web: s?.web ?? DEFAULT_WEB_SETTINGS, mysql: s?.mysql ?? DEFAULT_MYSQL_SETTINGS, ...(php ? { php } : {}), ...(cron ? { cron } : {}), ...(logs ? { logs } : {}) };
}

export class SiteStore implements HostingStore {
  private readonly conf: Conf<Data>;
  /** The whole file, checked once per change (20,000 sites take tens of ms to parse; conf reads the file on every access). */
  private readonly data: () => Data;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({
      cwd: dataDir,
      configName: 'sites',
      projectName: 'hostdeck',
      defaults: { version: 1, servers: {}, ftp: {}, web: {}, mysql: {}, php: {}, cron: {}, logs: {} },
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
    const parsed = Schema.safeParse(this.conf.store);
    if (!parsed.success) throw new Error(`The sites file ${this.conf.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
    this.data = readCached(this.conf.path, () => Schema.parse(this.conf.store));
  }

  /** One server's sites (by name) and settings, from one read of the file. */
  state(serverId: string): { sites: SiteRecord[]; settings: HostingSettings } {
    const data = this.data();
    return {
      sites: [...(data.servers[serverId] ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
      settings: settingsWithDefaults({ ftp: data.ftp[serverId], web: data.web[serverId], mysql: data.mysql[serverId], php: data.php[serverId], cron: data.cron[serverId], logs: data.logs[serverId] }),
    };
  }

  // The writes build new records: what data() returns is shared by every reader until the file changes.
  /** Every server that has sites (moving a folder's records into a team). */
  serverIds(): string[] {
    return Object.keys(this.data().servers);
  }

  /** Every server with hosting settings of its own. */
  settingsServerIds(): string[] {
    const { ftp, web, mysql, php, cron, logs } = this.data();
    return [...new Set([ftp, web, mysql, php, cron, logs].flatMap((m) => Object.keys(m)))];
  }

  assertSiteVersion(): void {}

  sync(): void {}

  save(serverId: string, sites: SiteRecord[]): void {
    const all = { ...this.data().servers };
    if (sites.length === 0) delete all[serverId];
    else all[serverId] = sites;
    this.conf.set('servers', all);
  }

  saveSettings(serverId: string, change: Partial<HostingSettings>): void {
    const { ftp, web, mysql, php, cron, logs } = this.data();
    const data = structuredClone({ ftp, web, mysql, php, cron, logs });
    if (change.ftp) data.ftp[serverId] = change.ftp;
    if (change.web) data.web[serverId] = change.web;
    if (change.mysql) data.mysql[serverId] = change.mysql;
    if (change.php) data.php[serverId] = change.php;
    if (change.cron) data.cron[serverId] = change.cron;
    if (change.logs) data.logs[serverId] = change.logs;
    this.conf.set({ ftp: data.ftp, web: data.web, mysql: data.mysql, php: data.php, cron: data.cron, logs: data.logs });
  }
}
