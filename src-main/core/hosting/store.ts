// The records of what each server should have (sites with their FTP logins, databases and
// domains) and where each server's pure-ftpd, nginx and MySQL keep things, in the data directory
// (`conf`: one JSON file, atomic writes). Records change when the admin asks (the desired state);
// the queue reports how the server follows.
import Conf from 'conf';
import { z } from 'zod';
import {
  DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, FtpSettings, MysqlSettings, SiteRecord, WebSettings, type HostingSettings,
} from '../../../shared/api/hosting';

const Schema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.array(SiteRecord)),
  /** Per server (absent = the Debian defaults). */
  ftp: z.record(z.string(), FtpSettings).default({}),
  web: z.record(z.string(), WebSettings).default({}),
  mysql: z.record(z.string(), MysqlSettings).default({}),
});
type Data = z.infer<typeof Schema>;

export class SiteStore {
  private readonly conf: Conf<Data>;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({
      cwd: dataDir,
      configName: 'sites',
      projectName: 'hostdeck',
      defaults: { version: 1, servers: {}, ftp: {}, web: {}, mysql: {} },
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

  settings(serverId: string): HostingSettings {
    return {
      ftp: Schema.shape.ftp.parse(this.conf.get('ftp'))[serverId] ?? DEFAULT_FTP_SETTINGS,
      web: Schema.shape.web.parse(this.conf.get('web'))[serverId] ?? DEFAULT_WEB_SETTINGS,
      mysql: Schema.shape.mysql.parse(this.conf.get('mysql'))[serverId] ?? DEFAULT_MYSQL_SETTINGS,
    };
  }

  saveSettings(serverId: string, change: Partial<HostingSettings>): void {
    for (const key of ['ftp', 'web', 'mysql'] as const) {
      const value = change[key];
      if (!value) continue;
      const all = Schema.shape[key].parse(this.conf.get(key)) as Record<string, unknown>;
      all[serverId] = value;
      this.conf.set(key, all as never);
    }
  }
}
