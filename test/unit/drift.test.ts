// Drift's pure parts: the line diff, the server's report parsed (a name cannot fake a line),
// a zone stanza with a name Hostdeck does not accept offered no action, and records that were
// tampered with refused before they reach the script.
import { describe, expect, it } from 'vitest';
import type { DriftItem } from '../../shared/api/drift';
import type { HostingSettings, SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS } from '../../shared/api/hosting';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import { compareHosting, compareZones, type Finding } from '../../src-main/core/drift/compare';
import { remedy } from '../../src-main/core/drift/remedies';
import { expectedOf } from '../../src-main/core/drift/expected';
import { lineDiff } from '../../src-main/core/drift/line-diff';
import { hostingScript, parseReport } from '../../src-main/core/drift/script';

const settings: HostingSettings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
const site = (name: string, extra: Partial<SiteRecord> = {}): SiteRecord => ({ name, quotaMb: 0, status: 'active', createdAt: '', ftpUsers: [], databases: [], domains: [], creations: [], cron: [], tls: [], ...extra });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('drift', () => {
  it('diffs lines with context, an empty side as all added or removed', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\n')).toEqual([' a', '-b', '+B', ' c']);
    expect(lineDiff('x\n', '')).toEqual(['-x']);
    expect(lineDiff('', 'y')).toEqual(['+y']);
    const long = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const edited = long.map((l, i) => (i === 10 ? 'changed' : l));
    expect(lineDiff(long.join('\n'), edited.join('\n'))).toEqual([' l8', ' l9', '-l10', '+changed', ' l11', ' l12']);
  });

  it('parses the report; bodies travel as base64, so a file cannot add a line of its own', () => {
    const evil = 'x\nacct\troot\t0\t/root\n';
    const found = parseReport(['acct\tshop\t1001\t/home/shop', 'ftp\tshopf\t1001\t/home/shop/./', 'file\t/etc/nginx/x.conf\tabc', `body\t/etc/nginx/x.conf\t${b64(evil)}`, 'stanza\tshop.test', 'zone\tshop.test\tdef\t1'].join('\n'));
    expect([...found.accounts.keys()]).toEqual(['shop']);
    expect(found.bodies.get('/etc/nginx/x.conf')).toBe(evil);
    expect(found.zones.get('shop.test')).toEqual({ hash: 'def', journal: true });
  });

  it('reports a missing account alone, and an FTP login of the site added on the server', () => {
    const e = expectedOf([site('shop', { ftpUsers: ['shopf'] }), site('blog')], settings, []);
    const found = parseReport(['acct\tshop\t1001\t/home/shop', 'ftp\tshopf\t1001\t/home/shop/./', 'ftp\tadded\t1001\t/home/shop/./', 'ftp\tother\t1001\t/home/elsewhere/./'].join('\n'));
    const { findings } = compareHosting(e, found);
    expect(findings.map((f) => f.item.id).sort()).toEqual(['ftp:shop:added', 'site:blog:account']);
  });

  it('offers no action on a zone whose name Hostdeck does not accept', () => {
    const found = parseReport(['stanza\tgood.test', 'stanza\tbad$(touch x).test'].join('\n'));
    const { findings } = compareZones({ settings: DEFAULT_NS_SETTINGS, zones: [] }, found, []);
    const bad = findings.find((f) => f.item.id.includes('$('))!;
    expect([bad.item.fix, bad.item.accept, bad.item.confirm]).toEqual([null, null, null]);
    expect(findings.find((f) => f.item.id === 'zone:good.test:extra')!.item.fix).not.toBeNull();
  });

  it('refuses records with a name that would reach the shell', () => {
    expect(() => hostingScript(expectedOf([site("shop'; touch /tmp/x; '")], settings, []))).toThrow();
  });
});

describe('drift answers', () => {
  const full = site('shop', { domains: [{ domain: 'shop.test', aliases: [] }], php: { version: '8.2', values: DEFAULT_PHP_VALUES, extras: [] }, cron: [{ id: '0000000a', schedule: '@daily', command: 'true' }], databases: [{ name: 'shop_db', user: 'shop_u' }], tls: [{ domain: 'shop.test', source: 'uploaded', redirect: false, hsts: false }] });
  const item = (id: string, kind: DriftItem['kind'], way: DriftItem['way'], fix: boolean, accept: boolean): Finding => ({ item: { id, kind, way, site: 'shop', title: id, records: '', server: '', diff: null, fix: fix ? 'fix' : null, accept: accept ? 'accept' : null, confirm: null }, evidence: { kind: 'none' } });

  it('makes a missing account again with the site\'s configuration, or forgets the site', () => {
    const fix = remedy(item('site:shop:account', 'site', 'missing', true, true), 'fix', [full], settings);
    expect(fix.steps.map((s) => s.kind)).toEqual(['site.create', 'logs.site', 'php.pool', 'domain.bind', 'cron.file']);
    expect(remedy(item('site:shop:account', 'site', 'missing', true, true), 'accept', [full], settings).sites).toEqual([]);
  });

  it('suspends again or records the server\'s status; a user made again with a new password; a certificate forgotten', () => {
    const suspended = { ...full, status: 'suspended' as const };
    expect(remedy(item('status:shop:status', 'status', 'changed', true, true), 'fix', [suspended], settings).steps[0]!.kind).toBe('site.suspend');
    expect(remedy(item('status:shop:status', 'status', 'changed', true, true), 'accept', [suspended], settings).sites[0]!.status).toBe('active');
    const user = remedy(item('dbuser:shop:shop_db', 'dbuser', 'missing', true, false), 'fix', [full], settings);
    expect(user.steps.map((s) => s.kind)).toEqual(['db.create']);
    expect(user.password).toMatch(/^.{20}$/);
    expect(user.sites[0]!.databases).toEqual(full.databases);
    expect(remedy(item('cert:shop:shop.test', 'cert', 'missing', false, true), 'accept', [full], settings).sites[0]!.tls).toEqual([]);
    expect(() => remedy(item('cert:shop:shop.test', 'cert', 'missing', false, true), 'fix', [full], settings)).toThrow(/not offered/);
  });
});
