// Inputs of the hosting layer (sites, FTP logins, databases, domains), defined once as zod
// schemas. Names, paths and domains are validated strictly here and again right before they
// reach a shell or SQL (see src-main/core/hosting/quote.ts). Passwords are the opposite case:
// any printable character is accepted and quoted where used (at least PASSWORD_MIN of them),
// only control characters are refused.
// Every field gets one clear message: the first failing rule wins.
// Pure: no node, no DOM.
import { z } from 'zod';
import { CONTROL_CHARS } from './validation';

// ---------------------------------------------------------------------------------------------
// Patterns

/** Linux account name of a site (also its home directory name). */
export const SITE_NAME = /^[a-z][a-z0-9_-]{1,30}$/;
export const SITE_NAME_MAX = 31;

/**
 * pure-ftpd virtual user: the shape of a site name (a Linux-account-like name) and none of its
 * reserved names, so a login can never be taken for a system or service account (`root`, `ftp`).
 */
export const FTP_USER = SITE_NAME;
export const FTP_USER_MAX = SITE_NAME_MAX;

/** One folder name of a path inside a site's home. */
export const FTP_SUBDIR_SEGMENT = /^[A-Za-z0-9._-]+$/;
export const FTP_SUBDIR_MAX = 255;

/** MySQL database name (before the site-prefix rule). */
export const DB_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const DB_NAME_MAX = 64;
/** MySQL user name: same charset, at most 32 characters. */
export const DB_USER = /^[a-z][a-z0-9_]{0,31}$/;
export const DB_USER_MAX = 32;

export const DOMAIN_MAX = 253;
export const DOMAIN_LABEL = /^[a-z0-9-]{1,63}$/;
export const ALIASES_MAX = 50;

export const QUOTA_MB_MAX = 10_000_000;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Names of accounts a distribution, its packages or Hostdeck itself use. A site may not take one. */
export const RESERVED_SITE_NAMES: ReadonlySet<string> = new Set([
  // Debian / Ubuntu base-passwd and friends
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy',
  'www-data', 'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', 'messagebus', 'sshd', '_apt',
  'syslog', 'uuidd', 'tcpdump', 'tss', 'dnsmasq', 'avahi', 'polkitd', 'statd', 'rpc', 'rpcuser',
  'landscape', 'pollinate', 'lxd', 'ubuntu', 'debian', 'operator', 'halt', 'shutdown', 'adm',
  'wheel', 'sudo', 'staff', 'users', 'shadow', 'utmp', 'tty', 'disk', 'kmem', 'dialout', 'cdrom',
  'floppy', 'audio', 'video', 'plugdev', 'netdev', 'input', 'render', 'kvm', 'crontab', 'ssl-cert',
  'dbus', 'usbmux', 'rtkit', 'colord', 'geoclue', 'chrony', 'ntp', 'postdrop', 'ssh',
  // Services a hosting server runs
  'mysql', 'mariadb', 'postgres', 'redis', 'memcache', 'memcached', 'ftp', 'ftpuser', 'ftpgroup',
  'pure-ftpd', 'proftpd', 'vsftpd', 'nginx', 'apache', 'apache2', 'httpd', 'http', 'www', 'web',
  'php-fpm', 'named', 'bind', 'pdns', 'postfix', 'exim', 'dovecot', 'dovenull', 'vmail',
  'opendkim', 'clamav', 'amavis', 'spamd', 'certbot', 'letsencrypt', 'acme', 'git', 'docker',
  // Hostdeck and administrators
  'admin', 'administrator', 'hostdeck', 'localhost',
]);
/** Reserved name families (systemd-network, debian-exim, hostdeck-agent, …). */
export const RESERVED_SITE_PREFIXES: readonly string[] = ['systemd-', 'debian-', 'hostdeck'];

export function isReservedSiteName(name: string): boolean {
  return RESERVED_SITE_NAMES.has(name) || RESERVED_SITE_PREFIXES.some((p) => name.startsWith(p));
}

// ---------------------------------------------------------------------------------------------
// Helpers

type Rule = readonly [test: (v: string) => boolean, message: string | ((v: string) => string)];

const NON_ASCII = /[^\x00-\x7f]/;
/** A lone UTF-16 surrogate: not a character, cannot be sent as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string field whose rules are checked in order; the first failing one is the field's only
 * message. `what` names the field in the "required" and type messages.
 */
function field(what: string, rules: readonly Rule[]) {
  return z.string({ error: `${what} is required` }).superRefine((v, ctx) => {
    for (const [test, message] of rules) {
      if (!test(v)) {
        ctx.addIssue({ code: 'custom', message: typeof message === 'function' ? message(v) : message });
        return;
      }
    }
  });
}

/** The rules every name-like field starts with, in this order. */
function baseRules(what: string, max: number): Rule[] {
  return [
    [(v) => v.trim().length > 0, `${what} is required`],
    [(v) => !CONTROL_CHARS.test(v), `${what} must not contain line breaks or control characters`],
    [(v) => !/\s/u.test(v), `${what} must not contain spaces`],
    [(v) => !NON_ASCII.test(v), `${what} may use only plain ASCII characters (no accented, look-alike or full-width letters)`],
    [(v) => v.length <= max, `${what} is too long (at most ${max} characters)`],
  ];
}

// ---------------------------------------------------------------------------------------------
// Fields

export const SiteName = field('Site name', [
  ...baseRules('Site name', SITE_NAME_MAX),
  [(v) => v.length >= 2, 'Site name is too short (at least 2 characters)'],
  [(v) => SITE_NAME.test(v), 'Site name may use lowercase letters a-z, digits, _ and -, and must start with a letter'],
  [(v) => !isReservedSiteName(v), (v) => `Site name "${v}" is reserved for a system account; choose another name`],
]);
export type SiteName = z.infer<typeof SiteName>;

export const QuotaMb = z
  .number({ error: 'Quota must be a number' })
  .int('Quota must be a whole number of MB')
  .min(0, `Quota must be between 0 (no limit) and ${QUOTA_MB_MAX} MB`)
  .max(QUOTA_MB_MAX, `Quota must be between 0 (no limit) and ${QUOTA_MB_MAX} MB`);
export type QuotaMb = z.infer<typeof QuotaMb>;

export const FtpUser = field('FTP user', [
  ...baseRules('FTP user', FTP_USER_MAX),
  [(v) => v.length >= 2, 'FTP user is too short (at least 2 characters)'],
  [(v) => FTP_USER.test(v), 'FTP user may use lowercase letters a-z, digits, _ and -, and must start with a letter'],
  [(v) => !isReservedSiteName(v), (v) => `FTP user "${v}" is reserved for a system account; choose another name`],
]);
export type FtpUser = z.infer<typeof FtpUser>;

/**
 * The name of a login that already exists: recorded before the rule above, or adopted from a
 * server. Its older, wider shape (dots, a leading digit) is still safe in a shell and in pure-pw's
 * file, so such a login can always be removed, suspended or forgotten; only new logins need FtpUser.
 */
export const EXISTING_FTP_USER = /^[a-z0-9][a-z0-9._-]{0,31}$/;
export const ExistingFtpUser = field('FTP user', [
  ...baseRules('FTP user', 32),
  [(v) => EXISTING_FTP_USER.test(v), 'FTP user may use lowercase letters a-z, digits, . _ and -, and must start with a letter or digit'],
]);
export type ExistingFtpUser = z.infer<typeof ExistingFtpUser>;

export const FtpSubdir = field('Folder', [
  [(v) => v.length > 0, 'Folder must not be empty (leave it out to use the site\'s home)'],
  [(v) => v.trim().length > 0, 'Folder must not be blank'],
  [(v) => !CONTROL_CHARS.test(v), 'Folder must not contain line breaks or control characters'],
  [(v) => !v.startsWith('/'), 'Folder must be relative to the site\'s home (no leading /)'],
  [(v) => !v.split('/').some((s) => s === '..'), 'Folder must stay inside the site\'s home (no ..)'],
  [(v) => !/\s/u.test(v), 'Folder must not contain spaces'],
  [(v) => !NON_ASCII.test(v), 'Folder may use only plain ASCII characters (no accented, look-alike or full-width letters)'],
  [(v) => v.length <= FTP_SUBDIR_MAX, `Folder is too long (at most ${FTP_SUBDIR_MAX} characters)`],
  [(v) => !v.split('/').some((s) => s === '' || s === '.'), 'Folder must not contain empty or "." parts (no // or /./)'],
  [(v) => v.split('/').every((s) => FTP_SUBDIR_SEGMENT.test(s)), 'Folder names may use letters, digits, . _ and -, separated by /'],
  [(v) => !v.split('/').some((s) => s.startsWith('-')), 'Folder names must not start with -'],
]);
export type FtpSubdir = z.infer<typeof FtpSubdir>;

/**
 * Any printable Unicode, 8..128 characters (counted as code points): quotes, $, ;, backslash,
 * spaces, emoji. Refused only: control characters (line breaks, NUL, tab, DEL, C1) and lone
 * surrogates, which cannot be sent to the server as text.
 */
export const Password = z
  .string({ error: 'Password is required' })
  .superRefine((v, ctx) => {
    const length = [...v].length;
    const message =
      CONTROL_CHARS.test(v) ? 'Password must not contain control characters (line breaks, tabs, NUL)'
      : LONE_SURROGATE.test(v) ? 'Password contains an invalid (unpaired) Unicode character'
      : length < PASSWORD_MIN ? `Password is too short (at least ${PASSWORD_MIN} characters)`
      : length > PASSWORD_MAX ? `Password is too long (at most ${PASSWORD_MAX} characters)`
      : null;
    if (message) ctx.addIssue({ code: 'custom', message });
  });
export type Password = z.infer<typeof Password>;

export const DbName = field('Database name', [
  ...baseRules('Database name', DB_NAME_MAX),
  [(v) => DB_NAME.test(v), 'Database name may use lowercase letters a-z, digits and _, and must start with a letter'],
]);
export type DbName = z.infer<typeof DbName>;

export const DbUser = field('Database user', [
  ...baseRules('Database user', DB_USER_MAX),
  [(v) => DB_USER.test(v), 'Database user may use lowercase letters a-z, digits and _, and must start with a letter'],
]);
export type DbUser = z.infer<typeof DbUser>;

/**
 * The prefix a site's database names and database users must start with: the site name with
 * '-' turned into '_' (MySQL names here have no '-'), then '_'. Site "shop-1" -> "shop_1_".
 * Because "shop-1" and "shop_1" share a prefix, whoever creates sites must treat
 * `siteKey(name)` as unique (refuse "shop_1" while "shop-1" exists).
 */
export function dbPrefix(site: string): string {
  return `${siteKey(site)}_`;
}

/** The form of a site name that must be unique on a server (see dbPrefix). */
export function siteKey(site: string): string {
  return site.replaceAll('-', '_');
}

/** Whether `name` is a database (or database user) name that belongs to `site`. */
export function belongsToSite(site: string, name: string): boolean {
  const prefix = dbPrefix(site);
  return name.startsWith(prefix) && name.length > prefix.length;
}

function domainProblem(raw: string): string | null {
  if (raw.trim().length === 0) return 'Domain is required';
  if (CONTROL_CHARS.test(raw)) return 'Domain must not contain line breaks or control characters';
  if (/\s/u.test(raw)) return 'Domain must not contain spaces';
  if (NON_ASCII.test(raw)) return 'Domain must be plain ASCII: use the punycode form (xn--…)';
  const v = raw.toLowerCase();
  if (v.length > DOMAIN_MAX) return `Domain is too long (at most ${DOMAIN_MAX} characters)`;
  if (!/^[a-z0-9.-]+$/.test(v)) return 'Domain may use only letters a-z, digits, - and dots';
  const labels = v.split('.');
  if (labels.some((l) => l.length === 0)) return 'Domain must not have empty parts (no leading, trailing or double dots)';
  if (labels.length < 2) return 'Domain must have at least two parts (like example.com)';
  if (labels.some((l) => l.length > 63)) return 'Each part of a domain may be at most 63 characters';
  if (labels.some((l) => !DOMAIN_LABEL.test(l) || l.startsWith('-') || l.endsWith('-'))) return 'Domain parts must not start or end with -';
  if (labels.some((l) => l.slice(2, 4) === '--' && !l.startsWith('xn--'))) return 'Domain parts may have -- in 3rd and 4th place only as punycode (xn--…)';
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return 'Domain must end in a name, not a number (IP addresses are not domains)';
  return null;
}

/** IDNA-safe ASCII host name, lower-cased on the way in (Shop.Test -> shop.test). */
export const Domain = z
  .string({ error: 'Domain is required' })
  .superRefine((v, ctx) => {
    const message = domainProblem(v);
    if (message) ctx.addIssue({ code: 'custom', message });
  })
  .overwrite((v) => v.toLowerCase());
export type Domain = z.infer<typeof Domain>;

export const DomainList = z
  .array(Domain, { error: 'Aliases must be a list of domains' })
  .max(ALIASES_MAX, `At most ${ALIASES_MAX} aliases`)
  .refine((list) => new Set(list).size === list.length, 'Aliases must not repeat');
export type DomainList = z.infer<typeof DomainList>;

// ---------------------------------------------------------------------------------------------
// Inputs

export const SiteCreate = z
  .object({
    name: SiteName,
    quotaMb: QuotaMb,
    domains: DomainList.optional(),
  })
  .strict();
export type SiteCreate = z.infer<typeof SiteCreate>;

export const FtpCreate = z
  .object({
    site: SiteName,
    user: FtpUser,
    subdir: FtpSubdir.optional(),
    password: Password.optional(),
  })
  .strict();
export type FtpCreate = z.infer<typeof FtpCreate>;

export const DbCreate = z
  .object({
    site: SiteName,
    name: DbName,
    user: DbUser,
    password: Password.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const prefix = dbPrefix(v.site);
    if (!belongsToSite(v.site, v.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `Database name must start with "${prefix}" followed by a name` });
    if (!belongsToSite(v.site, v.user)) ctx.addIssue({ code: 'custom', path: ['user'], message: `Database user must start with "${prefix}" followed by a name` });
  });
export type DbCreate = z.infer<typeof DbCreate>;

export const DomainBind = z
  .object({
    site: SiteName,
    domain: Domain,
    aliases: DomainList,
  })
  .strict()
  .refine((v) => !v.aliases.includes(v.domain), { path: ['aliases'], message: 'Aliases must not repeat the main domain' });
export type DomainBind = z.infer<typeof DomainBind>;
