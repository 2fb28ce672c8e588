// The queue view words a task's title in the UI's language from its kind and parameters
// (src-renderer/queue/task-title.ts). In English those words must be the core's own title, kind
// by kind, so that a title reads the same in the queue, the audit and the CLI.
import { describe, expect, it } from 'vitest';
import '../../src-main/core/hosting/site-tasks';
import '../../src-main/core/hosting/ftp-tasks';
import '../../src-main/core/hosting/db-tasks';
import '../../src-main/core/hosting/vhost-tasks';
import '../../src-main/core/hosting/php-tasks';
import '../../src-main/core/hosting/cron-tasks';
import '../../src-main/core/hosting/log-tasks';
import '../../src-main/core/hosting/tls-tasks';
import '../../src-main/core/hosting/deploy-tasks';
import '../../src-main/core/acme/http01';
import '../../src-main/core/dns/push-task';
import '../../src-main/core/dns/remove-task';
import '../../src-main/core/backups/tasks';
import { taskKind } from '../../src-main/core/queue/kinds';
import { i18n } from '../../src-renderer/i18n';
import { taskTitle } from '../../src-renderer/queue/task-title';

const site = 'shop';
const SAMPLES: [string, Record<string, unknown>][] = [
  ['site.create', { site, quotaMb: 500 }],
  ['site.create', { site, quotaMb: 0 }],
  ['site.suspend', { site }],
  ['site.unsuspend', { site }],
  ['site.delete', { site }],
  ['ftp.create', { site, user: 'shop_up', subdir: 'uploads' }],
  ['ftp.create', { site, user: 'shop_up', subdir: '' }],
  ['ftp.delete', { site, user: 'shop_up' }],
  ['db.create', { site, name: 'shop_db', user: 'shop_u' }],
  ['db.password', { site, user: 'shop_u' }],
  ['db.drop', { site, name: 'shop_db', user: 'shop_u' }],
  ['domain.bind', { site, domain: 'shop.test', aliases: [] }],
  ['domain.bind', { site, domain: 'shop.test', aliases: ['www.shop.test'] }],
  ['domain.bind', { site, domain: 'shop.test', aliases: ['www.shop.test', 'm.shop.test'] }],
  ['domain.unbind', { site, domain: 'shop.test' }],
  ['php.pool', { site, version: '8.2', active: true }],
  ['php.pool', { site, version: '8.2', active: false }],
  ['php.remove', { site, version: '8.2' }],
  ['cron.file', { site, active: true, jobs: [{}, {}] }],
  ['cron.file', { site, active: false, jobs: [] }],
  ['cron.remove', { site }],
  ['logs.site', { site, keep: 14 }],
  ['logs.remove', { site }],
  ['tls.install', { site, domain: 'shop.test' }],
  ['tls.remove', { site, domain: 'shop.test' }],
  ['acme.http01', {}],
  ['dns.push', { zones: [{ zone: 'shop.test', serial: 2026120701 }] }],
  ['dns.push', { zones: [{ zone: 'a.test', serial: 1 }, { zone: 'b.test', serial: 1 }] }],
  ['dns.remove', { zone: 'shop.test' }],
  ['backup.site', { site, databases: [] }],
  ['backup.site', { site, databases: ['shop_db'] }],
  ['backup.check', { repoPath: '/var/backups/hostdeck' }],
  ['backup.restore-db', { site, db: 'shop_db', snapshot: '0123456789abcdef', target: 'shop_db_restored' }],
  ['deploy.import', { site, dump: 'dump.sql', name: 'shop_db', user: 'shop_u' }],
  ['deploy.commands', { site, target: '', commands: ['composer install'] }],
];

describe('task titles in the queue view', () => {
  it('are, in English, the core title of each kind', () => {
    for (const [kind, params] of SAMPLES) expect(taskTitle({ kind, params, title: '' }), kind).toBe(taskKind(kind).title(params));
  });

  it('are Russian in Russian, and the core title for a kind without words', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(taskTitle({ kind: 'site.create', params: { site, quotaMb: 500 }, title: '' })).toBe('Создать сайт shop (500 МБ)');
      expect(taskTitle({ kind: 'domain.bind', params: { site, domain: 'shop.test', aliases: ['a', 'b'] }, title: '' })).toBe('Привязать shop.test (+2 псевдонима) к сайту shop');
      expect(taskTitle({ kind: 'test.kind', params: {}, title: 'As the core said' })).toBe('As the core said');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
