// Adoption: what already lives on a server — Linux accounts shaped like sites (uid >= 1000, home
// /home/<name>), pure-ftpd logins mapped to their uid, databases and users carrying a site's
// prefix, Hostdeck server blocks in the vhost folder — read in one read-only command and offered
// for import into the records as they are (no task runs). Only names the contract accepts are
// offered; the rest is listed as notes.
import type { AdoptionScan, HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import { DbName, DbUser, Domain, ExistingFtpUser, SiteName, belongsToSite } from '../../../shared/hosting';
import { PhpVersion } from '../../../shared/php';
import type { TlsOptions } from '../../../shared/tls';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';
import { mysqlCommand } from './db-tasks';
import { parsePool } from './php-pool';
import { phpSettings } from './php-plans';
import { parseCronFile } from './cron-file';
import { cronSettings } from './cron-plans';
import { vhostFileName } from './vhost-tasks';

const TAB = '\t';

/** The read-only scan: one line per thing found, tab-separated, first field its type. */
export function scanScript(settings: HostingSettings): string {
  const { passwdFile } = settings.ftp;
  const { vhostDir } = settings.web;
  const mysql = mysqlCommand(settings.mysql);
  return [
    `getent passwd | awk -F: '$3 >= 1000 && $3 < 60000 && $6 == "/home/" $1 { print "site\\t" $1 "\\t" $3 "\\t" $6 }'`,
    `for f in ${shQuote(settings.web.suspendedDir)}/*; do [ -f "$f" ] && printf 'suspended\\t%s\\n' "$(basename "$f")"; done`,
    `if [ -r ${shQuote(passwdFile)} ]; then awk -F: 'NF >= 6 { print "ftp\\t" $1 "\\t" $3 }' ${shQuote(passwdFile)}; fi`,
    `if command -v mysql >/dev/null 2>&1; then`,
    `  ${mysql} -e 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA' 2>/dev/null | sed 's/^/db\\t/'`,
    `  ${mysql} -e "SELECT User, Db FROM mysql.db WHERE Host = 'localhost'" 2>/dev/null | sed 's/^/grant\\t/'`,
    'fi',
    // Hostdeck's PHP pools (active and parked), in every version's pool folder.
    `for f in ${phpSettings(settings).poolDir.split('{version}').map((part) => (part === '' ? '' : shQuote(part))).join('*')}/hd-*.conf*; do [ -f "$f" ] || continue; awk -v f="$f" '{ print "pool\t" f "\t" $0 }' "$f"; done`,
    `for f in ${shQuote(vhostDir)}/hostdeck-*.conf; do [ -f "$f" ] || continue; awk -v f="$(basename "$f")" '$1 == "server_name" && !seen { s = ""; for (i = 2; i <= NF; i++) { t = $i; sub(/;$/, "", t); if (t != "") s = s (s == "" ? "" : " ") t } print "vhost\\t" f "\\t" s; seen = 1 } $1 == "ssl_certificate" { ssl = 1 } /return 301 https:/ { rd = 1 } /Strict-Transport-Security/ { hs = 1 } END { if (ssl) print "vhosttls\\t" f "\\t" (rd ? "redirect" : "") "\\t" (hs ? "hsts" : "") }' "$f"; done`,
    // Hostdeck's cron files (hostdeck-<site>), line by line.
    `for f in ${shQuote(cronSettings(settings).dir)}/hostdeck-*; do [ -f "$f" ] || continue; awk -v f="$(basename "$f")" '{ print "cron\t" f "\t" $0 }' "$f"; done`,
    'true',
  ].join('\n');
}

/** mysql --batch escapes backslash, tab, newline and NUL in values (so a name cannot fake a line of the scan). */
function unbatch(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === '0' ? '\0' : c));
}

type Found = { sites: Map<string, number>; suspended: Set<string>; ftp: { user: string; uid: number }[]; dbs: string[]; grants: { user: string; db: string }[]; vhosts: { file: string; names: string[] }[]; vhostTls: Map<string, TlsOptions>; pools: Map<string, string>; crons: Map<string, string> };

export function parseScan(stdout: string): Found {
  const found: Found = { sites: new Map(), suspended: new Set(), ftp: [], dbs: [], grants: [], vhosts: [], vhostTls: new Map(), pools: new Map(), crons: new Map() };
  for (const line of stdout.split('\n')) {
    const [type, a = '', b = ''] = line.split(TAB);
    if (type === 'site') found.sites.set(a, Number(b));
    else if (type === 'suspended') found.suspended.add(a);
    else if (type === 'ftp') found.ftp.push({ user: a, uid: Number(b) });
    else if (type === 'db') found.dbs.push(unbatch(a));
    // Grants name databases with _ and % escaped (\_): the plain name is what the records hold.
    else if (type === 'grant') found.grants.push({ user: unbatch(a), db: unbatch(b).replace(/\\([_%])/g, '$1') });
    else if (type === 'vhost') found.vhosts.push({ file: a, names: b.split(' ').filter(Boolean) });
    else if (type === 'vhosttls') found.vhostTls.set(a, { redirect: b === 'redirect', hsts: line.split(TAB)[3] === 'hsts' });
    else if (type === 'cron') found.crons.set(a, `${found.crons.get(a) ?? ''}${line.slice(type.length + a.length + 2)}\n`);
    else if (type === 'pool') found.pools.set(a, `${found.pools.get(a) ?? ''}${line.slice(type.length + a.length + 2)}\n`);
  }
  return found;
}

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: string) => schema.safeParse(v).success;

/** What the server has that the records do not, matched to sites (held or found). */
export function compare(held: SiteRecord[], found: Found, settings: HostingSettings): AdoptionScan {
  const scan: AdoptionScan = { sites: [], ftpUsers: [], databases: [], domains: [], php: [], cron: [], notes: [] };
  const heldNames = new Set(held.map((s) => s.name));
  const siteNames = new Set(heldNames);
  const uidOf = new Map<number, string>();
  for (const [name, uid] of found.sites) {
    uidOf.set(uid, name);
    if (heldNames.has(name)) continue;
    if (!ok(SiteName, name)) { scan.notes.push(`Linux account ${name}: not a name Hostdeck accepts for a site (reserved or malformed)`); continue; }
    siteNames.add(name);
    scan.sites.push({ name, home: `/home/${name}`, status: found.suspended.has(name) ? 'suspended' : 'active' });
  }
  const heldFtp = new Set(held.flatMap((s) => s.ftpUsers));
  for (const { user, uid } of found.ftp) {
    if (heldFtp.has(user)) continue;
    const site = uidOf.get(uid);
    if (!site || !siteNames.has(site)) { scan.notes.push(`FTP login ${user}: its uid ${uid} is not a site's account`); continue; }
    if (!ok(ExistingFtpUser, user)) { scan.notes.push(`FTP login ${user}: not a name Hostdeck accepts`); continue; }
    scan.ftpUsers.push({ user, site });
  }
  const heldDbs = new Set(held.flatMap((s) => s.databases.map((d) => d.name)));
  for (const name of found.dbs) {
    if (heldDbs.has(name)) continue;
    const site = [...siteNames].find((s) => belongsToSite(s, name));
    if (!site || !ok(DbName, name)) continue;
    const users = found.grants.filter((g) => g.db === name && belongsToSite(site, g.user) && ok(DbUser, g.user)).map((g) => g.user);
    if (users.length === 0) { scan.notes.push(`database ${name}: no user of site ${site} has a grant on it, so it is not offered`); continue; }
    scan.databases.push({ name, site, users });
  }
  const heldDomains = new Set(held.flatMap((s) => s.domains.map((d) => d.domain)));
  for (const { file, names } of found.vhosts) {
    const [domain, ...aliases] = names;
    const site = [...siteNames].find((s) => domain !== undefined && file === vhostFileName(s, domain));
    if (!site || domain === undefined) { scan.notes.push(`server block ${file}: it does not match a site and its first server_name`); continue; }
    if (heldDomains.has(domain)) continue;
    if (![domain, ...aliases].every((d) => ok(Domain, d))) { scan.notes.push(`server block ${file}: a server_name Hostdeck does not accept`); continue; }
    const tls = found.vhostTls.get(file);
    scan.domains.push({ site, domain, aliases, ...(tls ? { tls } : {}) });
  }
  const heldPhp = new Set(held.filter((s) => s.php).map((s) => s.name));
  for (const [file, text] of found.pools) {
    const head = /^; Hostdeck: PHP (\S+) pool of site (\S+)\. /.exec(text);
    const site = head?.[2];
    const version = head?.[1];
    if (!site || !version || !PhpVersion.safeParse(version).success || !file.endsWith(`/hd-${site}.conf${file.endsWith('.suspended') ? '.suspended' : ''}`)) { scan.notes.push(`PHP pool ${file}: not a pool Hostdeck wrote`); continue; }
    if (heldPhp.has(site) || scan.php.some((x) => x.site === site)) continue;
    if (!siteNames.has(site)) { scan.notes.push(`PHP pool ${file}: no site ${site}`); continue; }
    const parsed = parsePool(text, phpSettings(settings).defaults);
    if (!parsed) { scan.notes.push(`PHP pool ${file}: values Hostdeck does not accept`); continue; }
    scan.php.push({ site, php: { version, ...parsed } });
  }
  const heldCron = new Set(held.filter((s) => s.cron.length > 0).map((s) => s.name));
  for (const [file, text] of found.crons) {
    const site = file.slice('hostdeck-'.length);
    if (!siteNames.has(site)) { scan.notes.push(`cron file ${file}: no site ${site}`); continue; }
    if (heldCron.has(site)) continue;
    const { jobs, foreign } = parseCronFile(text, site, cronSettings(settings).runner);
    if (foreign > 0) scan.notes.push(`cron file ${file}: ${foreign} line${foreign === 1 ? '' : 's'} Hostdeck did not write (left out; rewriting the file drops them)`);
    if (jobs.length > 0) scan.cron.push({ site, jobs });
  }
  return scan;
}

/**
 * The records with what the scan found for the chosen sites taken in. A site recorded meanwhile
 * (while the scan ran) is kept as recorded.
 */
export function merge(held: SiteRecord[], scan: AdoptionScan, chosen: string[], now = new Date()): SiteRecord[] {
  const pick = new Set(chosen);
  const out = new Map(held.map((s) => [s.name, { ...s }]));
  for (const s of scan.sites) if (pick.has(s.name) && !out.has(s.name)) out.set(s.name, { name: s.name, quotaMb: 0, status: s.status, createdAt: now.toISOString(), ftpUsers: [], databases: [], domains: [], creations: [], tls: [], cron: [] });
  for (const f of scan.ftpUsers) { const s = out.get(f.site); if (s && pick.has(f.site)) s.ftpUsers = [...s.ftpUsers, f.user].sort(); }
  for (const d of scan.databases) { const s = out.get(d.site); if (s && pick.has(d.site)) s.databases = [...s.databases, { name: d.name, user: d.users[0]! }].sort((a, b) => a.name.localeCompare(b.name)); }
  for (const d of scan.domains) {
    const s = out.get(d.site);
    if (!s || !pick.has(d.site)) continue;
    s.domains = [...s.domains, { domain: d.domain, aliases: d.aliases }].sort((a, b) => a.domain.localeCompare(b.domain));
    if (d.tls && !s.tls.some((t) => t.domain === d.domain)) s.tls = [...s.tls, { domain: d.domain, source: 'uploaded' as const, ...d.tls }].sort((a, b) => a.domain.localeCompare(b.domain));
  }
  for (const x of scan.cron) { const s = out.get(x.site); if (s && pick.has(x.site) && s.cron.length === 0) s.cron = x.jobs; }
  for (const x of scan.php) { const s = out.get(x.site); if (s && pick.has(x.site) && !s.php) s.php = x.php; }
  return [...out.values()];
}

export async function scanServer(connections: ConnectionManager, serverId: string, settings: HostingSettings, held: SiteRecord[]): Promise<AdoptionScan> {
  const lease = await connections.acquire(serverId, { interactive: false });
  try {
    const result = await exec(await lease.ready(), scanScript(settings), 60_000);
    if (result.code !== 0) throw new AppError('ssh', msg('The scan of the server failed.'), { details: result.stderr.slice(-2000) });
    return compare(held, parseScan(result.stdout), settings);
  } finally {
    lease.release();
  }
}
