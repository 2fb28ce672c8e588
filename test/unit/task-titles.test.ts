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
import { registerPrepareKinds } from '../../src-main/core/prepare/tasks';
import { taskKind } from '../../src-main/core/queue/kinds';
import { i18n } from '../../src-renderer/i18n';
import { taskTitle } from '../../src-renderer/queue/task-title';

// A title needs no server: the prepare kinds' login and connections are never asked here.
registerPrepareKinds({ inventory: {} as never, connections: {} as never });

const site = 'shop';
const snapshot = '0123456789abcdef';
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
  ['backup.restore-files', { site, snapshot, paths: [''], to: 'place' }],
  ['backup.restore-files', { site, snapshot, paths: [''], to: 'beside' }],
  ['backup.restore-files', { site, snapshot, paths: ['public_html/a'], to: 'place' }],
  ['backup.restore-files', { site, snapshot, paths: ['public_html/a', 'b'], to: 'beside' }],
  ['backup.drop-scratch', { site, database: 'shop_db_restored' }],
  ['backup.sftp-account', { source: 'web1', repoPath: '/srv/backups/web1', user: 'bk_web1' }],
  ['backup.sftp-client', { target: { name: 'vault' } }],
  ['backup.sftp-revoke', { source: 'web1', user: 'bk_web1' }],
  ['backup.sftp-forget', { name: 'vault' }],
  ['deploy.unpack', { site, archive: 'release.tar.gz', target: 'app' }],
  ['deploy.unpack', { site, url: 'https://example.com/r.zip', target: '' }],
  ['deploy.configure', { site, files: ['wp-config.php', '.env'] }],
  ['tls.forget', { site, domain: 'shop.test' }],
  ['tls.forget', { site }],
  ['prepare.base', {}],
  ['prepare.web', {}],
  ['prepare.db', { bufferPoolMb: 1024 }],
  ['prepare.ftp', { passiveFrom: 30000, passiveTo: 30099 }],
  ['prepare.ns', { peers: [] }],
  ['prepare.ns', { peers: ['203.0.113.5', '203.0.113.6'] }],
  ['prepare.firewall', { tcp: [22, 80, 443], udp: [], tcpRanges: [] }],
  ['prepare.firewall', { tcp: [21, 22, 53], udp: [53], tcpRanges: [[30000, 30099]] }],
  ['prepare.ssh-check', {}],
  ['prepare.ssh-harden', {}],
];

describe('task titles in the queue view', () => {
  it('are, in English, the core title of each kind', () => {
    for (const [kind, params] of SAMPLES) expect(taskTitle({ kind, params, title: '' }), kind).toBe(taskKind(kind).title(params));
  });

  it('are Russian in Russian (every kind above), and the core title for a kind without words', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(taskTitle({ kind: 'site.create', params: { site, quotaMb: 500 }, title: '' })).toBe('Создать сайт shop (500 МБ)');
      expect(taskTitle({ kind: 'domain.bind', params: { site, domain: 'shop.test', aliases: ['a', 'b'] }, title: '' })).toBe('Привязать shop.test (+2 псевдонима) к сайту shop');
      expect(taskTitle({ kind: 'test.kind', params: {}, title: 'As the core said' })).toBe('As the core said');
      expect(taskTitle({ kind: 'prepare.firewall', params: { tcp: [22], udp: [53], tcpRanges: [[30000, 30099]] }, title: '' })).toBe('Подготовка межсетевого экрана: входящие только TCP 22, 30000-30099 и UDP 53');
      expect(taskTitle({ kind: 'backup.restore-files', params: { site, snapshot, paths: ['a', 'b'], to: 'place' }, title: '' })).toBe('Восстановить 2 пути сайта shop из снимка 01234567 на место');
      for (const [kind, params] of SAMPLES) expect(taskTitle({ kind, params, title: '' }), kind).not.toBe(taskKind(kind).title(params));
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
