// A drift difference in Russian: its title worded from kind and id, its sides and actions looked
// up as the core marked them; English is the core's own text.
import { describe, expect, it } from 'vitest';
import type { DriftItem } from '../../shared/api/drift';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, type HostingSettings, type SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import { compareHosting, compareZones } from '../../src-main/core/drift/compare';
import { expectedOf } from '../../src-main/core/drift/expected';
import { remedy } from '../../src-main/core/drift/remedies';
import { parseReport } from '../../src-main/core/drift/script';
import { fill } from '../../shared/errors';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import { i18n } from '../../src-renderer/i18n';
import { coreText, saidText } from '../../src-renderer/i18n/core-text';
import { driftText, driftTitle } from '../../src-renderer/drift/item-text';

const item = (over: Partial<DriftItem>): DriftItem => ({ id: 'ftp:shop:shop_up', kind: 'ftp', way: 'missing', site: 'shop', title: 'FTP login shop_up (site shop)', records: 'login shop_up', server: 'no such login', diff: null, fix: 'Create the login again (a new password, shown once)', accept: 'Forget the login shop_up', confirm: null, ...over });

// Differences as the core finds them: a site whose account is gone, one whose account is a
// system account, FTP logins and databases missing or extra, files missing, a certificate gone,
// zones missing and unknown.
const settings: HostingSettings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
const record = (name: string, extra: Partial<SiteRecord> = {}): SiteRecord => ({ name, quotaMb: 0, status: 'active', createdAt: '', ftpUsers: [], databases: [], domains: [], creations: [], cron: [], tls: [], ...extra });
const shop = record('shop', { status: 'suspended', ftpUsers: ['shopf'], domains: [{ domain: 'shop.test', aliases: [] }], php: { version: '8.2', values: DEFAULT_PHP_VALUES, extras: [] }, cron: [{ id: '0000000a', schedule: '@daily', command: 'true' }], databases: [{ name: 'shop_db', user: 'shop_u' }, { name: 'shop_two', user: 'shop_v' }], tls: [{ domain: 'shop.test', source: 'uploaded', redirect: false, hsts: false }] });
const sites = [shop, record('blog'), record('sys')];
const found = parseReport(['acct\tshop\t1001\t/home/shop', 'acct\tsys\t5\t/home/sys', 'ftp\tadded\t1001\t/home/shop/./', 'db\tshop_two', 'stanza\tother.test', 'zone\tpushed.test\tabc\t0', 'stanza\tpushed.test'].join('\n'));
const hosting = compareHosting(expectedOf(sites, settings, []), found).findings;
const zones = compareZones({ settings: DEFAULT_NS_SETTINGS, zones: [{ zone: 'gone.test', serial: 7, hash: 'x', text: '; zone\n', recorded: null as never }] }, found, ['gone.test', 'pushed.test']).findings;
const items = [...hosting, ...zones].map((f) => f.item);
const FIELDS = ['records', 'server', 'fix', 'accept'] as const;
const records = hosting.flatMap((f) => (['fix', 'accept'] as const).flatMap((action) => (f.item[action] === null ? [] : remedy(f, action, sites, settings).records)));

describe('drift items in the UI', () => {
  it('with names in them, read in English as the core wrote them', () => {
    expect(items.filter((i) => i.said).length).toBeGreaterThanOrEqual(10);
    for (const i of items) for (const field of FIELDS) expect(driftText(i, field), `${i.id} ${field}`).toBe(i[field] ?? '');
    expect(items.find((i) => i.kind === 'dbuser')!.title).toBe('Database user shop_v of shop_two (site shop)');
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const r of records) expect(saidText(r)).toBe(fill(r.key, r.params));
  });

  it('with names in them, read in Russian: sides, actions, record changes and the database user title', async () => {
    await i18n.changeLanguage('ru');
    try {
      for (const i of items) {
        for (const field of FIELDS) {
          if (!i.said?.[field]) continue;
          const shown = driftText(i, field);
          expect(shown, `${i.id} ${field}`).not.toBe(i[field]);
          expect(shown).not.toMatch(/\{\{/);
        }
      }
      for (const r of records) expect(saidText(r), r.key).not.toBe(fill(r.key, r.params));
      const account = items.find((i) => i.id === 'site:sys:account')!;
      expect(driftText(account, 'server')).toBe('sys — системная учётная запись (uid 5)');
      expect(driftText(account, 'accept')).toBe('Забыть сайт sys (только в записях)');
      expect(driftTitle(items.find((i) => i.kind === 'dbuser')!)).toBe('Пользователь shop_v базы данных shop_two (сайт shop)');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('keep the core’s English', () => {
    expect(driftTitle(item({}))).toBe('FTP login shop_up (site shop)');
    expect(coreText('no such login')).toBe('no such login');
  });

  it('read in Russian where the UI has words', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(driftTitle(item({}))).toBe('FTP-логин shop_up (сайт shop)');
      expect(driftTitle(item({ id: 'vhost:shop:shop.test', kind: 'vhost', title: 'Server block of shop.test (site shop)' }))).toBe('Блок server для shop.test (сайт shop)');
      expect(driftTitle(item({ id: 'vhost:shop:/etc/nginx/sites-enabled/x.conf', kind: 'vhost' }))).toBe('Блок server (сайт shop)');
      expect(driftTitle(item({ id: 'zone:shop.test:extra', kind: 'zone', site: null }))).toBe('Зона shop.test');
      expect(coreText('no such login')).toBe('такого логина нет');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
