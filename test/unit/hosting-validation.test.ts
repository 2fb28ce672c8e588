// The hosting contract refuses hostile names, paths and domains field by field, with one clear
// message each, and accepts any printable password.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fieldErrors } from '../../shared/errors';
import { ftpCreateLines, ftpDeleteLines } from '../../src-main/core/hosting/ftp-tasks';
import { createFtp, createSite, recordCreations, settle } from '../../src-main/core/hosting/plans';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, itemState, RecordedSiteItem, SiteItem } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import {
  DbCreate, DomainBind, FtpCreate, Password, QuotaMb, SiteCreate, SiteName,
  belongsToSite, dbPrefix, isReservedSiteName,
} from '../../shared/hosting';

function errorsOf(schema: z.ZodType, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  return result.success ? {} : fieldErrors(result.error.issues);
}

const site = { name: 'shop', quotaMb: 1024, domains: ['www.shop.test'] };
const ftp = { site: 'shop', user: 'shop_upload', subdir: 'public_html/uploads', password: 'correct horse' };
const db = { site: 'shop', name: 'shop_main', user: 'shop_app', password: 'correct horse' };
const bind = { site: 'shop', domain: 'shop.test', aliases: ['www.shop.test'] };

const SITE_CHARS = 'Site name may use lowercase letters a-z, digits, _ and -, and must start with a letter';
const SITE_ASCII = 'Site name may use only plain ASCII characters (no accented, look-alike or full-width letters)';
const SITE_CTRL = 'Site name must not contain line breaks or control characters';
const SITE_SPACE = 'Site name must not contain spaces';
const system = (n: string) => `Site name "${n}" is reserved for a system account; choose another name`;
const FTP_CHARS = 'FTP user may use lowercase letters a-z, digits, _ and -, and must start with a letter';
const ftpSystem = (n: string) => `FTP user "${n}" is reserved for a system account; choose another name`;
const DIR_UP = "Folder must stay inside the site's home (no ..)";
const DIR_CHARS = 'Folder names may use letters, digits, . _ and -, separated by /';
const DB_CHARS = 'Database name may use lowercase letters a-z, digits and _, and must start with a letter';
const DBU_CHARS = 'Database user may use lowercase letters a-z, digits and _, and must start with a letter';
const PUNY = 'Domain must be plain ASCII: use the punycode form (xn--…)';
const DOM_CHARS = 'Domain may use only letters a-z, digits, - and dots';

describe('hosting inputs: good values', () => {
  it('accepts normal sites, FTP logins, databases and bindings', () => {
    expect(errorsOf(SiteCreate, site)).toEqual({});
    expect(errorsOf(SiteCreate, { name: 'a1', quotaMb: 0 })).toEqual({});
    expect(errorsOf(SiteCreate, { name: 'my-shop_2', quotaMb: 10_000_000 })).toEqual({});
    expect(errorsOf(FtpCreate, ftp)).toEqual({});
    expect(errorsOf(FtpCreate, { site: 'shop', user: 'shop' })).toEqual({});
    expect(errorsOf(FtpCreate, { site: 'shop', user: 'web-1_upload' })).toEqual({});
    expect(errorsOf(DbCreate, db)).toEqual({});
    expect(errorsOf(DbCreate, { site: 'my-shop', name: 'my_shop_wp', user: 'my_shop_wp' })).toEqual({});
    expect(errorsOf(DomainBind, bind)).toEqual({});
    expect(errorsOf(DomainBind, { site: 'shop', domain: 'xn--bcher-kva.example', aliases: [] })).toEqual({});
  });

  it('lower-cases domains and aliases', () => {
    const parsed = DomainBind.parse({ site: 'shop', domain: 'Shop.TEST', aliases: ['WWW.Shop.Test'] });
    expect(parsed).toEqual({ site: 'shop', domain: 'shop.test', aliases: ['www.shop.test'] });
  });

  it('derives the database prefix from the site', () => {
    expect(dbPrefix('shop')).toBe('shop_');
    expect(dbPrefix('my-shop')).toBe('my_shop_');
    expect(belongsToSite('shop', 'shop_x')).toBe(true);
    expect(belongsToSite('shop', 'shop_')).toBe(false);
    expect(belongsToSite('shop', 'shopping_x')).toBe(false);
    expect(isReservedSiteName('systemd-resolve')).toBe(true);
    expect(isReservedSiteName('shop')).toBe(false);
  });
});

// [label, schema, input, field, message]
const hostile: Array<[string, z.ZodType, Record<string, unknown>, string, string]> = [
  // --- site names
  ['site name with ;', SiteCreate, { ...site, name: 'shop;rm' }, 'name', SITE_CHARS],
  ['site name with $()', SiteCreate, { ...site, name: '$(reboot)' }, 'name', SITE_CHARS],
  ['site name with backticks', SiteCreate, { ...site, name: '`id`' }, 'name', SITE_CHARS],
  ['site name with a newline', SiteCreate, { ...site, name: 'shop\nroot' }, 'name', SITE_CTRL],
  ['site name with NUL', SiteCreate, { ...site, name: 'shop\u0000' }, 'name', SITE_CTRL],
  ['site name with ../', SiteCreate, { ...site, name: '../etc' }, 'name', SITE_CHARS],
  ['site name with a single quote', SiteCreate, { ...site, name: "sh'op" }, 'name', SITE_CHARS],
  ['site name with a double quote', SiteCreate, { ...site, name: 'sh"op' }, 'name', SITE_CHARS],
  ['site name with Cyrillic а', SiteCreate, { ...site, name: 'shоp' }, 'name', SITE_ASCII],
  ['site name in full-width letters', SiteCreate, { ...site, name: 'ｓｈｏｐ' }, 'name', SITE_ASCII],
  ['site name of 300 characters', SiteCreate, { ...site, name: 'a'.repeat(300) }, 'name', 'Site name is too long (at most 31 characters)'],
  ['site name root', SiteCreate, { ...site, name: 'root' }, 'name', system('root')],
  ['site name www-data', SiteCreate, { ...site, name: 'www-data' }, 'name', system('www-data')],
  ['site name mysql', SiteCreate, { ...site, name: 'mysql' }, 'name', system('mysql')],
  ['site name systemd-network', SiteCreate, { ...site, name: 'systemd-network' }, 'name', system('systemd-network')],
  ['site name hostdeck', SiteCreate, { ...site, name: 'hostdeck' }, 'name', system('hostdeck')],
  ['site name nobody', SiteCreate, { ...site, name: 'nobody' }, 'name', system('nobody')],
  ['site name -rf', SiteCreate, { ...site, name: '-rf' }, 'name', SITE_CHARS],
  ['site name with a space', SiteCreate, { ...site, name: 'my shop' }, 'name', SITE_SPACE],
  ['site name *', SiteCreate, { ...site, name: 'shop*' }, 'name', SITE_CHARS],
  ['site name ?', SiteCreate, { ...site, name: 'sho?' }, 'name', SITE_CHARS],
  ['empty site name', SiteCreate, { ...site, name: '' }, 'name', 'Site name is required'],
  ['whitespace-only site name', SiteCreate, { ...site, name: '   ' }, 'name', 'Site name is required'],
  ['missing site name', SiteCreate, { quotaMb: 1 }, 'name', 'Site name is required'],
  ['site name in upper case', SiteCreate, { ...site, name: 'Shop' }, 'name', SITE_CHARS],
  ['one-letter site name', SiteCreate, { ...site, name: 'a' }, 'name', 'Site name is too short (at least 2 characters)'],
  ['site name starting with a digit', SiteCreate, { ...site, name: '1shop' }, 'name', SITE_CHARS],
  // --- quota
  ['negative quota', SiteCreate, { ...site, quotaMb: -1 }, 'quotaMb', 'Quota must be between 0 (no limit) and 10000000 MB'],
  ['huge quota', SiteCreate, { ...site, quotaMb: 10_000_001 }, 'quotaMb', 'Quota must be between 0 (no limit) and 10000000 MB'],
  ['fractional quota', SiteCreate, { ...site, quotaMb: 1.5 }, 'quotaMb', 'Quota must be a whole number of MB'],
  ['quota as text', SiteCreate, { ...site, quotaMb: '1;reboot' }, 'quotaMb', 'Quota must be a number'],
  ['quota NaN', SiteCreate, { ...site, quotaMb: Number.NaN }, 'quotaMb', 'Quota must be a number'],
  // --- FTP
  ['FTP user with ;', FtpCreate, { ...ftp, user: 'u;id' }, 'user', FTP_CHARS],
  ['FTP user with $()', FtpCreate, { ...ftp, user: '$(id)' }, 'user', FTP_CHARS],
  ['FTP user -rf', FtpCreate, { ...ftp, user: '-rf' }, 'user', FTP_CHARS],
  ['FTP user with a newline', FtpCreate, { ...ftp, user: 'u\nv' }, 'user', 'FTP user must not contain line breaks or control characters'],
  ['FTP user with a colon', FtpCreate, { ...ftp, user: 'u:0:0' }, 'user', FTP_CHARS],
  ['FTP user with a Cyrillic look-alike', FtpCreate, { ...ftp, user: 'аdmin' }, 'user', 'FTP user may use only plain ASCII characters (no accented, look-alike or full-width letters)'],
  ['FTP user of 300 characters', FtpCreate, { ...ftp, user: 'u'.repeat(300) }, 'user', 'FTP user is too long (at most 31 characters)'],
  ['FTP user of 32 characters', FtpCreate, { ...ftp, user: 'u'.repeat(32) }, 'user', 'FTP user is too long (at most 31 characters)'],
  ['FTP user ..', FtpCreate, { ...ftp, user: '..' }, 'user', FTP_CHARS],
  ['one-letter FTP user', FtpCreate, { ...ftp, user: 'u' }, 'user', 'FTP user is too short (at least 2 characters)'],
  // The shape and reserved names of site names: no login can pass for a system or service account.
  ['FTP user root', FtpCreate, { ...ftp, user: 'root' }, 'user', ftpSystem('root')],
  ['FTP user www-data', FtpCreate, { ...ftp, user: 'www-data' }, 'user', ftpSystem('www-data')],
  ['FTP user nobody', FtpCreate, { ...ftp, user: 'nobody' }, 'user', ftpSystem('nobody')],
  ['FTP user daemon', FtpCreate, { ...ftp, user: 'daemon' }, 'user', ftpSystem('daemon')],
  ['FTP user mysql', FtpCreate, { ...ftp, user: 'mysql' }, 'user', ftpSystem('mysql')],
  ['FTP user bind', FtpCreate, { ...ftp, user: 'bind' }, 'user', ftpSystem('bind')],
  ['FTP user ftp', FtpCreate, { ...ftp, user: 'ftp' }, 'user', ftpSystem('ftp')],
  ['FTP user sshd', FtpCreate, { ...ftp, user: 'sshd' }, 'user', ftpSystem('sshd')],
  ['FTP user systemd-network', FtpCreate, { ...ftp, user: 'systemd-network' }, 'user', ftpSystem('systemd-network')],
  ['FTP user hostdeck-agent', FtpCreate, { ...ftp, user: 'hostdeck-agent' }, 'user', ftpSystem('hostdeck-agent')],
  ['FTP user starting with a digit', FtpCreate, { ...ftp, user: '1abc' }, 'user', FTP_CHARS],
  ['FTP user with two dots', FtpCreate, { ...ftp, user: 'a..b' }, 'user', FTP_CHARS],
  ['FTP user with a dot', FtpCreate, { ...ftp, user: 'shop.upload' }, 'user', FTP_CHARS],
  ['FTP user starting with _', FtpCreate, { ...ftp, user: '_apt' }, 'user', FTP_CHARS],
  ['FTP site root', FtpCreate, { ...ftp, site: 'root' }, 'site', system('root')],
  ['subdir ../', FtpCreate, { ...ftp, subdir: '../other' }, 'subdir', DIR_UP],
  ['subdir a/../../b', FtpCreate, { ...ftp, subdir: 'a/../../etc' }, 'subdir', DIR_UP],
  ['subdir ..', FtpCreate, { ...ftp, subdir: '..' }, 'subdir', DIR_UP],
  ['absolute subdir', FtpCreate, { ...ftp, subdir: '/etc' }, 'subdir', "Folder must be relative to the site's home (no leading /)"],
  ['subdir with $()', FtpCreate, { ...ftp, subdir: 'a/$(id)' }, 'subdir', DIR_CHARS],
  ['subdir with backticks', FtpCreate, { ...ftp, subdir: '`id`' }, 'subdir', DIR_CHARS],
  ['subdir with ;', FtpCreate, { ...ftp, subdir: 'a;b' }, 'subdir', DIR_CHARS],
  ['subdir with *', FtpCreate, { ...ftp, subdir: 'a/*' }, 'subdir', DIR_CHARS],
  ['subdir with a newline', FtpCreate, { ...ftp, subdir: 'a\nb' }, 'subdir', 'Folder must not contain line breaks or control characters'],
  ['subdir with NUL', FtpCreate, { ...ftp, subdir: 'a\u0000b' }, 'subdir', 'Folder must not contain line breaks or control characters'],
  ['subdir -rf', FtpCreate, { ...ftp, subdir: 'a/-rf' }, 'subdir', 'Folder names must not start with -'],
  ['subdir with a space', FtpCreate, { ...ftp, subdir: 'my files' }, 'subdir', 'Folder must not contain spaces'],
  ['subdir with //', FtpCreate, { ...ftp, subdir: 'a//b' }, 'subdir', 'Folder must not contain empty or "." parts (no // or /./)'],
  ['subdir of 300 characters', FtpCreate, { ...ftp, subdir: 'd/'.repeat(150) + 'x' }, 'subdir', 'Folder is too long (at most 255 characters)'],
  ['empty subdir', FtpCreate, { ...ftp, subdir: '' }, 'subdir', "Folder must not be empty (leave it out to use the site's home)"],
  ['subdir in full-width', FtpCreate, { ...ftp, subdir: 'ｗｗｗ' }, 'subdir', 'Folder may use only plain ASCII characters (no accented, look-alike or full-width letters)'],
  ['FTP password with a newline', FtpCreate, { ...ftp, password: 'secret12\nroot::0:0' }, 'password', 'Password must not contain control characters (line breaks, tabs, NUL)'],
  ['FTP password with NUL', FtpCreate, { ...ftp, password: 'secret12\u0000' }, 'password', 'Password must not contain control characters (line breaks, tabs, NUL)'],
  ['short password', FtpCreate, { ...ftp, password: 'abc' }, 'password', 'Password is too short (at least 8 characters)'],
  ['password of 300 characters', FtpCreate, { ...ftp, password: 'p'.repeat(300) }, 'password', 'Password is too long (at most 128 characters)'],
  // --- databases
  ['database name with a backtick', DbCreate, { ...db, name: 'shop_x`; DROP DATABASE mysql; --' }, 'name', 'Database name must not contain spaces'],
  ['database name with a lone backtick', DbCreate, { ...db, name: 'shop_x`' }, 'name', DB_CHARS],
  ['database name with ;', DbCreate, { ...db, name: 'shop_x;drop' }, 'name', DB_CHARS],
  ['database name with a quote', DbCreate, { ...db, name: "shop_x'" }, 'name', DB_CHARS],
  ['database name with a dot', DbCreate, { ...db, name: 'shop_x.user' }, 'name', DB_CHARS],
  ['database name with -', DbCreate, { ...db, name: 'shop-x' }, 'name', DB_CHARS],
  ['database of another site', DbCreate, { ...db, name: 'other_db' }, 'name', 'Database name must start with "shop_" followed by a name'],
  ['database name mysql', DbCreate, { ...db, name: 'mysql' }, 'name', 'Database name must start with "shop_" followed by a name'],
  ['database name of only the prefix', DbCreate, { ...db, name: 'shop_' }, 'name', 'Database name must start with "shop_" followed by a name'],
  ['database name of 300 characters', DbCreate, { ...db, name: 'shop_' + 'x'.repeat(295) }, 'name', 'Database name is too long (at most 64 characters)'],
  ['database name with a newline', DbCreate, { ...db, name: 'shop_x\n' }, 'name', 'Database name must not contain line breaks or control characters'],
  ['database user root', DbCreate, { ...db, user: 'root' }, 'user', 'Database user must start with "shop_" followed by a name'],
  ['database user with @', DbCreate, { ...db, user: "shop_a'@'%" }, 'user', DBU_CHARS],
  ['database user of 33 characters', DbCreate, { ...db, user: 'shop_' + 'u'.repeat(28) }, 'user', 'Database user is too long (at most 32 characters)'],
  ['database user empty', DbCreate, { ...db, user: '' }, 'user', 'Database user is required'],
  ['database user with Cyrillic', DbCreate, { ...db, user: 'shop_аpp' }, 'user', 'Database user may use only plain ASCII characters (no accented, look-alike or full-width letters)'],
  ['database password with a newline', DbCreate, { ...db, password: "x'; DROP USER root;\n--" }, 'password', 'Password must not contain control characters (line breaks, tabs, NUL)'],
  // --- domains
  ['domain with Cyrillic а', DomainBind, { ...bind, domain: 'pаypal.com' }, 'domain', PUNY],
  ['domain in unicode', DomainBind, { ...bind, domain: 'bücher.example' }, 'domain', PUNY],
  ['domain in full-width', DomainBind, { ...bind, domain: 'ｓｈｏｐ．ｔｅｓｔ' }, 'domain', PUNY],
  ['domain with ;', DomainBind, { ...bind, domain: 'shop.test;reboot' }, 'domain', DOM_CHARS],
  ['domain with $()', DomainBind, { ...bind, domain: '$(id).test' }, 'domain', DOM_CHARS],
  ['domain with a newline', DomainBind, { ...bind, domain: 'shop.test\nserver_name evil' }, 'domain', 'Domain must not contain line breaks or control characters'],
  ['domain with a space', DomainBind, { ...bind, domain: 'shop.test evil.test' }, 'domain', 'Domain must not contain spaces'],
  ['domain with { }', DomainBind, { ...bind, domain: 'a.test{}' }, 'domain', DOM_CHARS],
  ['wildcard domain', DomainBind, { ...bind, domain: '*.shop.test' }, 'domain', DOM_CHARS],
  ['domain with a slash', DomainBind, { ...bind, domain: '../shop.test' }, 'domain', DOM_CHARS],
  ['single-label domain', DomainBind, { ...bind, domain: 'localhost' }, 'domain', 'Domain must have at least two parts (like example.com)'],
  ['domain with a double dot', DomainBind, { ...bind, domain: 'shop..test' }, 'domain', 'Domain must not have empty parts (no leading, trailing or double dots)'],
  ['domain starting with -', DomainBind, { ...bind, domain: '-rf.test' }, 'domain', 'Domain parts must not start or end with -'],
  ['domain label of 64 characters', DomainBind, { ...bind, domain: 'a'.repeat(64) + '.test' }, 'domain', 'Each part of a domain may be at most 63 characters'],
  ['domain of 300 characters', DomainBind, { ...bind, domain: ('a'.repeat(50) + '.').repeat(6) + 'test' }, 'domain', 'Domain is too long (at most 253 characters)'],
  ['domain with reserved --', DomainBind, { ...bind, domain: 'ab--cd.test' }, 'domain', 'Domain parts may have -- in 3rd and 4th place only as punycode (xn--…)'],
  ['IP address as domain', DomainBind, { ...bind, domain: '127.0.0.1' }, 'domain', 'Domain must end in a name, not a number (IP addresses are not domains)'],
  ['empty domain', DomainBind, { ...bind, domain: '' }, 'domain', 'Domain is required'],
  ['whitespace-only domain', DomainBind, { ...bind, domain: ' \t ' }, 'domain', 'Domain is required'],
  ['alias with a Cyrillic look-alike', DomainBind, { ...bind, aliases: ['www.shоp.test'] }, 'aliases.0', PUNY],
  ['repeated aliases', DomainBind, { ...bind, aliases: ['a.test', 'A.test'] }, 'aliases', 'Aliases must not repeat'],
  ['alias equal to the domain', DomainBind, { ...bind, aliases: ['shop.test'] }, 'aliases', 'Aliases must not repeat the main domain'],
  ['51 aliases', DomainBind, { ...bind, aliases: Array.from({ length: 51 }, (_, i) => `a${i}.test`) }, 'aliases', 'At most 50 aliases'],
  ['site domains with ;', SiteCreate, { ...site, domains: ['ok.test', 'x.test;id'] }, 'domains.1', DOM_CHARS],
];

describe('hosting inputs: hostile values', () => {
  it('has at least 50 hostile cases', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(50);
  });

  it.each(hostile)('rejects %s', (_label, schema, input, field, message) => {
    const errors = errorsOf(schema, input);
    expect(errors[field]).toBe(message);
  });

  it('refuses reserved and malformed FTP users again where they reach the shell', () => {
    const params = { site: 'shop', passwdFile: '/etc/pure-ftpd/pureftpd.passwd', dbFile: '/etc/pure-ftpd/pureftpd.pdb' };
    for (const user of ['root', 'www-data', 'nobody', 'daemon', 'mysql', 'bind', 'ftp', 'sshd', '1abc', 'a..b']) {
      expect(() => ftpCreateLines({ ...params, user, passwordRef: `ftp-${'0'.repeat(36)}` }), user).toThrow(/FTP user/);
    }
    expect(ftpCreateLines({ ...params, user: 'shop_up', passwordRef: `ftp-${'0'.repeat(36)}` }).join('\n')).toContain("user='shop_up'");
  });

  it('still removes, suspends and forgets a login recorded under the older, wider rule (shop.ftp, 1abc, even root)', () => {
    const params = { site: 'shop', passwdFile: '/etc/pure-ftpd/pureftpd.passwd', dbFile: '/etc/pure-ftpd/pureftpd.pdb' };
    for (const user of ['shop.ftp', '1abc', 'root', 'a..b']) {
      expect(ftpDeleteLines({ ...params, user }).join('\n'), user).toContain(`user='${user}'`);
      expect(errorsOf(RecordedSiteItem, { kind: 'ftp', name: user }), user).toEqual({});
      expect(errorsOf(SiteItem, { kind: 'ftp', name: user }), user).not.toEqual({});
    }
    for (const user of ['$(id)', '-rf', 'u:0:0', 'u\nv', 'u v', '.hidden', 'u'.repeat(33)]) {
      expect(() => ftpDeleteLines({ ...params, user }), JSON.stringify(user)).toThrow(/FTP user/);
      expect(errorsOf(RecordedSiteItem, { kind: 'ftp', name: user }), JSON.stringify(user)).not.toEqual({});
    }
  });

  it('refuses a login named like another site (its Linux account), not like its own', () => {
    const settings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
    const sites = createSite(createSite([], settings, { name: 'shop', quotaMb: 0 }).sites, settings, { name: 'blog', quotaMb: 0 }).sites;
    expect(() => createFtp(sites, settings, { site: 'shop', user: 'blog' })).toThrow('"blog" is the Linux account of the site "blog"; choose another name');
    expect(createFtp(sites, settings, { site: 'shop', user: 'shop' }).steps.map((s) => s.kind)).toEqual(['ftp.create']);
  });

  it('records the task that creates a login and settles it with the queue', () => {
    const settings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
    const plan = createFtp(createSite([], settings, { name: 'shop', quotaMb: 0 }).sites, settings, { site: 'shop', user: 'shop_up', subdir: 'public_html' });
    const task = (status: Task['status']) => ({ id: 't1', status }) as Task;
    const [site] = recordCreations(plan, [task('pending')]);
    expect(site!.creations).toEqual([{ kind: 'ftp', name: 'shop_up', taskId: 't1', subdir: 'public_html', notApplied: false }]);
    expect(itemState(site!, 'ftp', 'shop_up', [task('pending')])).toBe('queued');
    expect(itemState(site!, 'ftp', 'shop_up', [task('failed')])).toBe('failed');
    expect(itemState(site!, 'ftp', 'shop_up', [task('cancelled')])).toBe('not-applied');
    expect(settle([site!], [task('pending')])).toBeNull();
    // Skipped: kept as not applied, even once the queue has forgotten the task.
    const [skipped] = settle([site!], [task('skipped')])!;
    expect(itemState(skipped!, 'ftp', 'shop_up', [])).toBe('not-applied');
    expect(settle([skipped!], [])).toBeNull();
    // Done (or gone from the queue before it was seen skipped): applied, nothing kept.
    expect(settle([site!], [task('done')])![0]!.creations).toEqual([]);
    expect(itemState(site!, 'ftp', 'shop_up', [task('done')])).toBe('applied');
  });

  it('rejects unknown fields (no smuggling)', () => {
    expect(errorsOf(SiteCreate, { ...site, uid: 0 })).not.toEqual({});
    expect(errorsOf(FtpCreate, { ...ftp, home: '/' })).not.toEqual({});
    expect(errorsOf(DbCreate, { ...db, grants: 'ALL' })).not.toEqual({});
  });

  it('gives each field a single message', () => {
    const result = SiteName.safeParse('$(id)\n');
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues).toHaveLength(1);
    expect(QuotaMb.safeParse(Infinity).success).toBe(false);
  });
});

describe('passwords: the opposite case', () => {
  const accepted = [
    `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`,
    "it's a 'quoted' pass",
    'say "hello" please',
    '$(reboot) `id` ${HOME}',
    'a; rm -rf / #',
    'back\\slash\\n\\0',
    '   spaces   ',
    'пароль-Пароль',
    'ｆｕｌｌｗｉｄｔｈ！',
    '密码密码密码密码',
    '🔑🔐🗝️🔒emoji',
    "'; DROP USER root; --",
    '%s %n %x %%',
    "--password='x'",
    'x'.repeat(128),
    '🔑'.repeat(128),
    'é\u0301ñ\u0303 combining',
  ];
  it.each(accepted)('accepts %j', (password) => {
    expect(Password.safeParse(password).success).toBe(true);
    expect(errorsOf(FtpCreate, { ...ftp, password })).toEqual({});
    expect(errorsOf(DbCreate, { ...db, password })).toEqual({});
  });

  it.each([
    ['a tab', 'secret\tsecret', 'Password must not contain control characters (line breaks, tabs, NUL)'],
    ['a carriage return', 'secret\rsecret', 'Password must not contain control characters (line breaks, tabs, NUL)'],
    ['DEL', 'secret\u007fsecret', 'Password must not contain control characters (line breaks, tabs, NUL)'],
    ['a line separator', 'secret\u2028secret', 'Password must not contain control characters (line breaks, tabs, NUL)'],
    ['a lone surrogate', 'secret\ud800secret', 'Password contains an invalid (unpaired) Unicode character'],
    ['7 characters', '1234567', 'Password is too short (at least 8 characters)'],
    ['129 characters', 'x'.repeat(129), 'Password is too long (at most 128 characters)'],
    ['not text', 12345678, 'Password is required'],
  ])('refuses a password with %s', (_label, password, message) => {
    expect(errorsOf(Password, password)).toEqual({ _: message });
  });
});
