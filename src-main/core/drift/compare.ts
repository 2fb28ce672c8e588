// Records against what the server reported: one finding per difference, with both sides in words
// (a diff for files) and the actions that mean something for it. What an action needs later
// (the server's text of a file, a zone as the server has it) is kept with the finding, in memory.
import type { DriftItem } from '../../../shared/api/drift';
import { recordKey, ZoneName, type Zone } from '../../../shared/dns';
import { Domain, DomainList, ExistingFtpUser } from '../../../shared/hosting';
import { PhpVersion } from '../../../shared/php';
import { AppError, fill, msg, said, type Said } from '../../../shared/errors';
import { parseCronFile, renderCronFile } from '../hosting/cron-file';
import { cronSettings } from '../hosting/cron-plans';
import { parsePool, renderPool } from '../hosting/php-pool';
import { phpSettings } from '../hosting/php-plans';
import { vhostFileName } from '../hosting/vhost-tasks';
import { parseZoneFile } from '../dns/parse';
import { renderZone } from '../dns/render';
import { lineDiff } from './line-diff';
import type { Expected } from './expected';
import type { Found, ZoneCheck } from './script';
import type { SitePhp } from '../../../shared/php';
import type { CronJob } from '../../../shared/cron';

export type Evidence =
  | { kind: 'php'; php: SitePhp | null; version: string | null }
  | { kind: 'cron'; jobs: CronJob[] | null }
  | { kind: 'vhostExtra'; domain: string; aliases: string[] }
  | { kind: 'zone'; zone: Zone | null; serial: number | null }
  | { kind: 'none' };

export type Finding = { item: DriftItem; evidence: Evidence };

const NONE: Evidence = { kind: 'none' };

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

const WORDED = ['title', 'records', 'server', 'fix', 'accept'] as const;
type Worded = (typeof WORDED)[number];
type Draft = Omit<DriftItem, 'diff' | 'confirm' | 'said' | Worded> & Partial<Pick<DriftItem, 'diff' | 'confirm'>> & { title: string | Said; records: string | Said; server: string | Said; fix: string | Said | null; accept: string | Said | null };

/** The item in English, with the templates and values of its texts that have names in them. */
function finding(draft: Draft, evidence: Evidence = NONE): Finding {
  const item: DriftItem = { diff: null, confirm: null, ...draft, title: '', records: '', server: '', fix: null, accept: null };
  const worded: NonNullable<DriftItem['said']> = {};
  for (const field of WORDED) {
    const text = draft[field];
    if (text !== null && typeof text === 'object') {
      worded[field] = text;
      item[field] = fill(text.key, text.params);
    } else item[field] = text as string;
  }
  if (Object.keys(worded).length) item.said = worded;
  return { item, evidence };
}

const FILE_WORDS = { vhost: 'Server block', php: 'PHP pool', cron: 'Cron file' } as const;
const WRITE_AGAIN = { vhost: msg('Write the server block again'), php: msg('Write the php pool again'), cron: msg('Write the cron file again') } as const;
const WRITE_AS_RECORDED = { vhost: msg('Write the server block as recorded'), php: msg('Write the php pool as recorded'), cron: msg('Write the cron file as recorded') } as const;

/** The site's PHP as a pool file Hostdeck could have written, when re-rendering it gives the same text. */
function phpOf(text: string, path: string, site: string, e: Expected): SitePhp | null {
  const head = /^; Hostdeck: PHP (\S+) pool of site (\S+)\. /.exec(text);
  if (!head || head[2] !== site || !ok(PhpVersion, head[1])) return null;
  const s = phpSettings(e.settings);
  const parsed = parsePool(text, s.defaults);
  if (!parsed) return null;
  const php: SitePhp = { version: head[1]!, ...parsed };
  const record = e.sites.find((x) => x.name === site);
  const logDir = /^slowlog = (.*)\/php-slow\.log$/m.exec(text)?.[1];
  try {
    const again = `${renderPool({ site, version: php.version, values: php.values, extras: php.extras, socketDir: s.socketDir, webGroup: s.webGroup, ...(logDir ? { logDir } : {}) })}\n`;
    return again === text && record && path.endsWith(record.status === 'active' ? '.conf' : '.conf.suspended') ? php : null;
  } catch {
    return null;
  }
}

/** The jobs of a cron file when Hostdeck would write exactly this text for them. */
function cronOf(text: string, site: string, e: Expected): CronJob[] | null {
  const runner = cronSettings(e.settings).runner;
  const record = e.sites.find((x) => x.name === site);
  const { jobs, foreign } = parseCronFile(text, site, runner);
  if (foreign > 0 || !record) return null;
  try {
    return renderCronFile({ site, jobs, active: record.status === 'active', runner }) === text ? jobs : null;
  } catch {
    return null;
  }
}

function fileFindings(e: Expected, found: Found): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const f of e.files) {
    seen.add(f.path);
    const hash = found.files.get(f.path);
    const id = `${f.kind}:${f.site}:${f.name}`;
    const title = `${FILE_WORDS[f.kind]} ${f.kind === 'vhost' ? `of ${f.name} ` : ''}(site ${f.site})`;
    if (hash === f.hash) continue;
    if (hash === undefined) {
      // A pool parked while the records say active (or the other way round) is a changed pool, not a missing one.
      const other = f.kind === 'php' ? [...found.files.keys()].find((p) => p !== f.path && e.globs.some((g) => g.kind === 'php' && g.site === f.site && matches(g.pattern, p))) : undefined;
      if (other !== undefined) {
        seen.add(other);
        const text = found.bodies.get(other) ?? '';
        out.push(finding({ id, kind: f.kind, way: 'changed', site: f.site, title, records: `${f.path}`, server: said(msg('{{path}} instead'), { path: other }), diff: lineDiff(f.text, text), fix: msg('Write the pool as recorded'), accept: null }, NONE));
        continue;
      }
      const accept = f.kind === 'vhost' ? said(msg('Forget the domain {{domain}} (records only)'), { domain: f.name }) : f.kind === 'php' ? msg('Record the site without PHP') : msg('Record no cron jobs for the site');
      out.push(finding({ id, kind: f.kind, way: 'missing', site: f.site, title, records: said(msg('{{path}} ({{n}} lines)'), { path: f.path, n: f.text.split('\n').length - 1 }), server: msg('no such file'), diff: lineDiff(f.text, ''), fix: WRITE_AGAIN[f.kind], accept }, NONE));
      continue;
    }
    const text = found.bodies.get(f.path) ?? '';
    const php = f.kind === 'php' ? phpOf(text, f.path, f.site, e) : null;
    const jobs = f.kind === 'cron' ? cronOf(text, f.site, e) : null;
    const accept = php ? msg('Take the server\'s pool values into the records') : jobs ? msg('Take the server\'s jobs into the records') : null;
    out.push(finding(
      { id, kind: f.kind, way: 'changed', site: f.site, title, records: said(msg('{{path}} as Hostdeck writes it'), { path: f.path }), server: msg('the file was edited on the server'), diff: lineDiff(f.text, text), fix: WRITE_AS_RECORDED[f.kind], accept },
      php ? { kind: 'php', php, version: php.version } : jobs ? { kind: 'cron', jobs } : NONE,
    ));
  }
  for (const [path] of found.files) {
    if (seen.has(path)) continue;
    const glob = e.globs.find((g) => matches(g.pattern, path) && !e.sites.some((s) => s.name.length > g.site.length && s.name.startsWith(g.site) && e.globs.some((o) => o.site === s.name && o.kind === g.kind && matches(o.pattern, path))));
    if (!glob) continue;
    const text = found.bodies.get(path) ?? null;
    const site = glob.site;
    if (glob.kind === 'vhost') {
      const names = /^\s*server_name\s+([^;]*);/m.exec(text ?? '')?.[1]?.trim().split(/\s+/) ?? [];
      const [domain, ...aliases] = names;
      const valid = domain !== undefined && ok(Domain, domain) && ok(DomainList, aliases) && path.endsWith(`/${vhostFileName(site, domain)}`);
      out.push(finding(
        { id: `vhost:${site}:${valid ? domain : path}`, kind: 'vhost', way: 'extra', site, title: `Server block ${valid ? `of ${domain} ` : ''}(site ${site})`, records: msg('no such domain binding'), server: names.length ? said(msg('{{path}} serving {{names}}'), { path, names: names.join(', ') }) : path, diff: text === null ? null : lineDiff('', text), fix: valid ? msg('Remove the server block from the server') : null, accept: valid ? msg('Record the domain binding') : null },
        valid ? { kind: 'vhostExtra', domain: domain!, aliases } : NONE,
      ));
    } else if (glob.kind === 'php') {
      const php = text === null ? null : phpOf(text, path, site, e);
      const version = /^; Hostdeck: PHP (\S+) pool of site /.exec(text ?? '')?.[1];
      out.push(finding(
        { id: `php:${site}:${path}`, kind: 'php', way: 'extra', site, title: `PHP pool (site ${site})`, records: msg('no PHP for the site'), server: path, diff: text === null ? null : lineDiff('', text), fix: version && ok(PhpVersion, version) ? msg('Remove the pool from the server') : null, accept: php ? msg('Record the site\'s PHP as the server has it') : null },
        { kind: 'php', php, version: version && ok(PhpVersion, version) ? version : null },
      ));
    } else {
      const jobs = text === null ? null : cronOf(text, site, e);
      out.push(finding(
        { id: `cron:${site}:cron jobs`, kind: 'cron', way: 'extra', site, title: `Cron file (site ${site})`, records: msg('no cron jobs for the site'), server: path, diff: text === null ? null : lineDiff('', text), fix: msg('Remove the cron file from the server'), accept: jobs ? msg('Take the server\'s jobs into the records') : null },
        { kind: 'cron', jobs },
      ));
    }
  }
  return out;
}

/** Whether a path matches a glob whose only wildcard is `*` (not crossing `/`). */
function matches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return re.test(path);
}

export function compareHosting(e: Expected, found: Found): { findings: Finding[]; compared: number } {
  const out: Finding[] = [];
  const missingAccounts = new Set<string>();
  for (const site of e.sites) {
    const account = found.accounts.get(site.name);
    if (!account || account.uid < 1000) {
      missingAccounts.add(site.name);
      out.push(finding({ id: `site:${site.name}:account`, kind: 'site', way: 'missing', site: site.name, title: `Site ${site.name}: its Linux account`, records: said(msg('account {{site}} with /home/{{site}}'), { site: site.name }), server: account ? said(msg('{{site}} is a system account (uid {{uid}})'), { site: site.name, uid: account.uid }) : said(msg('no account {{site}}'), { site: site.name }), fix: msg('Create the account again with its server blocks, PHP pool and cron file'), accept: said(msg('Forget the site {{site}} (records only)'), { site: site.name }) }));
      continue;
    }
    const suspended = found.suspended.has(site.name);
    if (suspended !== (site.status === 'suspended')) {
      out.push(finding({ id: `status:${site.name}:status`, kind: 'status', way: 'changed', site: site.name, title: `Site ${site.name}: suspension`, records: site.status === 'suspended' ? msg('suspended') : msg('active'), server: suspended ? msg('suspended (its suspension flag is set)') : msg('active (no suspension flag)'), fix: site.status === 'suspended' ? msg('Suspend the site again') : msg('Unsuspend the site'), accept: suspended ? msg('Record the site as suspended') : msg('Record the site as active') }));
    }
  }
  const uids = new Map([...found.accounts].filter(([name]) => e.sites.some((s) => s.name === name)).map(([name, a]) => [a.uid, name]));
  if (found.ftp === null) {
    for (const f of e.ftp) if (!missingAccounts.has(f.site)) out.push(finding({ id: `ftp:${f.site}:${f.user}`, kind: 'ftp', way: 'missing', site: f.site, title: `FTP login ${f.user} (site ${f.site})`, records: said(msg('login {{user}}'), { user: f.user }), server: said(msg('no FTP users file {{file}}'), { file: e.settings.ftp.passwdFile }), fix: msg('Create the login again (a new password, shown once)'), accept: said(msg('Forget the login {{user}}'), { user: f.user }) }));
  } else {
    const have = new Set(found.ftp.map((f) => f.user));
    for (const f of e.ftp) {
      if (have.has(f.user) || missingAccounts.has(f.site)) continue;
      out.push(finding({ id: `ftp:${f.site}:${f.user}`, kind: 'ftp', way: 'missing', site: f.site, title: `FTP login ${f.user} (site ${f.site})`, records: said(msg('login {{user}}'), { user: f.user }), server: msg('no such login'), fix: msg('Create the login again (a new password, shown once)'), accept: said(msg('Forget the login {{user}}'), { user: f.user }) }));
    }
    const recorded = new Set(e.sites.flatMap((s) => s.ftpUsers));
    for (const f of found.ftp) {
      // The site's uid and a home inside the site's (a login left by a deleted site whose uid was reused is not this site's).
      const site = uids.get(f.uid);
      if (!site || recorded.has(f.user) || !`${f.home}/`.startsWith(`/home/${site}/`)) continue;
      const valid = ok(ExistingFtpUser, f.user);
      out.push(finding({ id: `ftp:${site}:${f.user}`, kind: 'ftp', way: 'extra', site, title: `FTP login ${f.user} (site ${site})`, records: msg('no such login'), server: said(msg("login {{user}} as the site's user, home {{home}}"), { user: f.user, home: f.home }), fix: valid ? msg('Delete the login from the server') : null, accept: valid ? said(msg('Record the login {{user}}'), { user: f.user }) : null }));
    }
  }
  if (found.dbs !== null) {
    for (const db of e.dbs) {
      if (missingAccounts.has(db.site)) continue;
      if (!found.dbs.has(db.name)) {
        out.push(finding({ id: `db:${db.site}:${db.name}`, kind: 'db', way: 'missing', site: db.site, title: `Database ${db.name} (site ${db.site})`, records: said(msg('database {{name}}, user {{user}}'), { name: db.name, user: db.user }), server: found.dbUsers.has(db.user) ? said(msg('no database {{name}}'), { name: db.name }) : said(msg('no database {{name}} and no user {{user}}'), { name: db.name, user: db.user }), fix: msg('Create it again, empty (a new password for its user, shown once)'), accept: said(msg('Mark the database gone (forget {{name}})'), { name: db.name }) }));
      } else if (!found.dbUsers.has(db.user)) {
        out.push(finding({ id: `dbuser:${db.site}:${db.name}`, kind: 'dbuser', way: 'missing', site: db.site, title: said(msg('Database user {{user}} of {{name}} (site {{site}})'), { user: db.user, name: db.name, site: db.site }), records: said(msg('user {{user}}@localhost'), { user: db.user }), server: said(msg('database {{name}} is there, its user is not'), { name: db.name }), fix: msg('Create the user again with its grants (a new password, shown once)'), accept: null }));
      }
    }
  } else if (e.dbs.length > 0) {
    out.push(finding({ id: 'db:*:mysql', kind: 'db', way: 'changed', site: null, title: 'Databases', records: e.dbs.length === 1 ? msg('1 database') : said(msg('{{n}} databases'), { n: e.dbs.length }), server: msg('MySQL could not be asked (is it running? see the server settings)'), fix: null, accept: null }));
  }
  const files = fileFindings({ ...e, files: e.files.filter((f) => !missingAccounts.has(f.site)) }, found).filter((f) => !f.item.site || !missingAccounts.has(f.item.site));
  out.push(...files);
  for (const c of e.certs) {
    if (missingAccounts.has(c.site) || found.certs.has(c.crt)) continue;
    out.push(finding({ id: `cert:${c.site}:${c.domain}`, kind: 'cert', way: 'missing', site: c.site, title: `Certificate of ${c.domain} (site ${c.site})`, records: said(msg('{{path}} and its key'), { path: c.crt }), server: msg('no certificate or key there (upload or issue one in the site\'s HTTPS section)'), fix: null, accept: said(msg('Forget the certificate of {{domain}} (its server block is then written without HTTPS)'), { domain: c.domain }) }));
  }
  const compared = e.sites.length + e.ftp.length + e.dbs.length * 2 + e.files.length + e.certs.length;
  return { findings: out, compared };
}

function sameZone(a: Zone, b: Zone): boolean {
  const key = (z: Zone) => z.records.map((r) => `${recordKey(r)}\u0000${r.ttl}`).sort().join('\n');
  const soa = (z: Zone) => [z.soa.primary, z.soa.email, z.soa.refresh, z.soa.retry, z.soa.expire, z.soa.minimum].join(' ');
  return soa(a) === soa(b) && key(a) === key(b);
}

export function compareZones(check: ZoneCheck, found: Found, recordedZones: readonly string[]): { findings: Finding[]; compared: number } {
  const out: Finding[] = [];
  const conf = check.settings.zonesConf;
  for (const z of check.zones) {
    const id = `zone:${z.zone}:file`;
    const title = `Zone ${z.zone}`;
    const onServer = found.zones.get(z.zone);
    const records = said(msg('serial {{serial}}, as pushed last'), { serial: z.serial });
    if (!onServer || (found.stanzas !== null && !found.stanzas.has(z.zone))) {
      out.push(finding({ id, kind: 'zone', way: 'missing', site: null, title, records, server: onServer ? said(msg('not in {{file}}'), { file: conf }) : said(msg('no file {{file}}'), { file: `${check.settings.zoneDir}/db.${z.zone}` }), diff: lineDiff(z.text, ''), fix: msg('Push the zone to the nameservers again (a new serial)'), accept: null }, { kind: 'zone', zone: null, serial: null }));
      continue;
    }
    if (onServer.hash === z.hash && !onServer.journal) continue;
    const body = found.zoneBodies.get(z.zone) ?? '';
    let parsed: { zone: Zone; serial: number } | null = null;
    try {
      if (!body.startsWith(';hostdeck: does not load')) {
        const p = parseZoneFile(body, z.zone);
        parsed = { zone: p.zone, serial: p.serial };
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
    if (!parsed) {
      out.push(finding({ id, kind: 'zone', way: 'changed', site: null, title, records, server: msg('the file on the server does not load (named-compilezone refuses it)'), fix: msg('Push the zone to the nameservers again (a new serial)'), accept: null }, { kind: 'zone', zone: null, serial: null }));
      continue;
    }
    const recordedZone = z.recorded;
    if (parsed.serial === z.serial && sameZone(parsed.zone, recordedZone)) continue;
    const shown = renderZone({ ...parsed.zone, ttl: recordedZone.ttl }, parsed.serial).split('\n').slice(1).join('\n');
    out.push(finding(
      { id, kind: 'zone', way: 'changed', site: null, title, records, server: said(msg('serial {{serial}}, {{n}} records'), { serial: parsed.serial, n: parsed.zone.records.length }), diff: lineDiff(z.text.split('\n').slice(1).join('\n'), shown), fix: msg('Push the zone as recorded to the nameservers (a new serial)'), accept: msg('Take the server\'s zone into the records') },
      { kind: 'zone', zone: { ...parsed.zone, ttl: recordedZone.ttl }, serial: parsed.serial },
    ));
  }
  const known = new Set(recordedZones);
  for (const zone of found.stanzas ?? []) {
    if (known.has(zone)) continue;
    // A name from the server's file: acted on only when it is one Hostdeck accepts.
    const valid = ok(ZoneName, zone);
    out.push(finding({ id: `zone:${zone}:extra`, kind: 'zone', way: 'extra', site: null, title: `Zone ${zone}`, records: msg('not in Hostdeck'), server: valid ? said(msg('in {{file}}'), { file: conf }) : said(msg('in {{file}} (a name Hostdeck does not accept)'), { file: conf }), fix: valid ? msg('Remove the zone from this nameserver') : null, accept: valid ? msg('Import the zone into Hostdeck') : null, confirm: valid ? zone : null }));
  }
  return { findings: out, compared: check.zones.length };
}
