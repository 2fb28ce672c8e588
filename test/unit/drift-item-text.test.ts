// A drift difference in Russian: its title worded from kind and id, its sides and actions looked
// up as the core marked them; English is the core's own text.
import { describe, expect, it } from 'vitest';
import type { DriftItem } from '../../shared/api/drift';
import { i18n } from '../../src-renderer/i18n';
import { coreText } from '../../src-renderer/i18n/core-text';
import { driftTitle } from '../../src-renderer/drift/item-text';

const item = (over: Partial<DriftItem>): DriftItem => ({ id: 'ftp:shop:shop_up', kind: 'ftp', way: 'missing', site: 'shop', title: 'FTP login shop_up (site shop)', records: 'login shop_up', server: 'no such login', diff: null, fix: 'Create the login again (a new password, shown once)', accept: 'Forget the login shop_up', confirm: null, ...over });

describe('drift items in the UI', () => {
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
      expect(driftTitle(item({ id: 'dbuser:shop:shop_db', kind: 'dbuser', title: 'Database user shop_u of shop_db (site shop)' }))).toBe('Database user shop_u of shop_db (site shop)');
      expect(coreText('no such login')).toBe('такого логина нет');
      expect(coreText('Forget the login shop_up')).toBe('Forget the login shop_up');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
