// What a server should have according to Hostdeck's records, rendered locally by the same plan
// code that writes it: each generated file with its exact content (compared by hash with the
// server's), the accounts, logins, databases and certificates by name. Items whose creating task
// has not run (queued, failed, not applied) are left out: the queue says where they stand.
import { createHash } from 'node:crypto';
import { itemState, type HostingSettings, type SiteRecord } from '../../../shared/api/hosting';
import { cronFileName } from '../../../shared/cron';
import { phpPath, poolName } from '../../../shared/php';
import type { Task } from '../../../shared/queue';
import { renderCronFile } from '../hosting/cron-file';
import { cronOnStatus, cronSettings } from '../hosting/cron-plans';
import { renderPool } from '../hosting/php-pool';
import { phpOnStatus, phpSettings } from '../hosting/php-plans';
import { bindDomain } from '../hosting/plans';
import { serverBlock, tlsPaths, vhostFileName, type BindParams } from '../hosting/vhost-tasks';
import type { CronFileParams } from '../hosting/cron-file';
import type { PoolParams } from '../hosting/php-pool';

export type FileKind = 'vhost' | 'php' | 'cron';
/** A file Hostdeck writes: where, and its text. */
export type ExpectedFile = { kind: FileKind; site: string; name: string; path: string; text: string; hash: string };

export type Expected = {
  sites: SiteRecord[];
  settings: HostingSettings;
  files: ExpectedFile[];
  ftp: { site: string; user: string }[];
  dbs: { site: string; name: string; user: string }[];
  certs: { site: string; domain: string; crt: string; key: string }[];
  /** Globs (per recorded site) under which Hostdeck's files of that site live: what else is there is extra. */
  globs: { kind: FileKind; site: string; pattern: string }[];
};

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function file(kind: FileKind, site: string, name: string, path: string, text: string): ExpectedFile {
  return { kind, site, name, path, text, hash: sha256(text) };
}

/** The pool folders of every version (the `{version}` of the setting as a glob). */
export function poolDirGlob(settings: HostingSettings): string {
  return phpPath(phpSettings(settings).poolDir, '*');
}

export function expectedOf(sites: SiteRecord[], settings: HostingSettings, tasks: readonly Task[]): Expected {
  const out: Expected = { sites, settings, files: [], ftp: [], dbs: [], certs: [], globs: [] };
  const applied = (site: SiteRecord, kind: 'ftp' | 'db' | 'domain', name: string) => itemState(site, kind, name, tasks) === 'applied';
  for (const site of sites) {
    out.globs.push(
      { kind: 'vhost', site: site.name, pattern: `${settings.web.vhostDir}/hostdeck-${site.name}-*.conf` },
      { kind: 'php', site: site.name, pattern: `${poolDirGlob(settings)}/${poolName(site.name)}.conf*` },
      { kind: 'cron', site: site.name, pattern: `${cronSettings(settings).dir}/${cronFileName(site.name)}` },
    );
    for (const b of site.domains) {
      if (!applied(site, 'domain', b.domain)) continue;
      const step = bindDomain(sites, settings, { site: site.name, domain: b.domain, aliases: b.aliases }).steps[0]!;
      out.files.push(file('vhost', site.name, b.domain, `${settings.web.vhostDir}/${vhostFileName(site.name, b.domain)}`, `${serverBlock(step.params as BindParams)}\n`));
    }
    const pool = phpOnStatus(site, settings, site.status)[0];
    if (pool && site.php) {
      const p = pool.params as PoolParams & { active: boolean };
      const dir = phpPath(phpSettings(settings).poolDir, site.php.version);
      out.files.push(file('php', site.name, `PHP ${site.php.version}`, `${dir}/${poolName(site.name)}.conf${p.active ? '' : '.suspended'}`, `${renderPool({ site: p.site, version: p.version, values: p.values, extras: p.extras, socketDir: p.socketDir, webGroup: p.webGroup, ...(p.logDir ? { logDir: p.logDir } : {}) })}\n`));
    }
    const cron = cronOnStatus(site, settings, site.status)[0];
    if (cron) {
      const p = cron.params as CronFileParams & { dir: string };
      out.files.push(file('cron', site.name, 'cron jobs', `${p.dir}/${cronFileName(site.name)}`, renderCronFile({ site: p.site, jobs: p.jobs, active: p.active, runner: p.runner })));
    }
    for (const user of site.ftpUsers) if (applied(site, 'ftp', user)) out.ftp.push({ site: site.name, user });
    for (const db of site.databases) if (applied(site, 'db', db.name)) out.dbs.push({ site: site.name, name: db.name, user: db.user });
    for (const t of site.tls) {
      const paths = tlsPaths(settings.web.tlsDir, site.name, t.domain);
      out.certs.push({ site: site.name, domain: t.domain, crt: paths.crt, key: paths.key });
    }
  }
  return out;
}
