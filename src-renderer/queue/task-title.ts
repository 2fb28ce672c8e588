// A task's title in the UI's language, from its kind and parameters (the core's title is English
// and stays the record's). Kinds without words here (the rarer ones) show the core's title.
import type { Task } from '../../shared/queue';
import { i18n } from '../i18n';

type P = Record<string, unknown>;
const str = (p: P, k: string) => String(p[k] ?? '');
const list = (p: P, k: string): unknown[] => (Array.isArray(p[k]) ? (p[k] as unknown[]) : []);

const TITLES: Record<string, (p: P) => string> = {
  'site.create': (p) => (p.quotaMb ? i18n.t('Create site {{site}} ({{quota}} MB)', { site: str(p, 'site'), quota: p.quotaMb }) : i18n.t('Create site {{site}}', { site: str(p, 'site') })),
  'site.suspend': (p) => i18n.t('Suspend site {{site}}', { site: str(p, 'site') }),
  'site.unsuspend': (p) => i18n.t('Unsuspend site {{site}}', { site: str(p, 'site') }),
  'site.delete': (p) => i18n.t('Delete site {{site}} (account, home and files)', { site: str(p, 'site') }),
  'ftp.create': (p) =>
    p.subdir
      ? i18n.t('Create FTP login {{user}} for site {{site}} (folder {{folder}})', { user: str(p, 'user'), site: str(p, 'site'), folder: str(p, 'subdir') })
      : i18n.t('Create FTP login {{user}} for site {{site}}', { user: str(p, 'user'), site: str(p, 'site') }),
  'ftp.delete': (p) => i18n.t('Delete FTP login {{user}} of site {{site}}', { user: str(p, 'user'), site: str(p, 'site') }),
  'db.create': (p) => i18n.t('Create database {{name}} with user {{user}} for site {{site}}', { name: str(p, 'name'), user: str(p, 'user'), site: str(p, 'site') }),
  'db.password': (p) => i18n.t('Set the password of database user {{user}} (site {{site}})', { user: str(p, 'user'), site: str(p, 'site') }),
  'db.drop': (p) => i18n.t('Drop database {{name}} and user {{user}} of site {{site}}', { name: str(p, 'name'), user: str(p, 'user'), site: str(p, 'site') }),
  'domain.bind': (p) =>
    list(p, 'aliases').length
      ? i18n.t('Bind {{domain}} (+{{count, number}} aliases) to site {{site}}', { domain: str(p, 'domain'), count: list(p, 'aliases').length, site: str(p, 'site') })
      : i18n.t('Bind {{domain}} to site {{site}}', { domain: str(p, 'domain'), site: str(p, 'site') }),
  'domain.unbind': (p) => i18n.t('Unbind {{domain}} from site {{site}}', { domain: str(p, 'domain'), site: str(p, 'site') }),
  'php.pool': (p) => (p.active ? i18n.t('PHP {{version}} pool of site {{site}}', { version: str(p, 'version'), site: str(p, 'site') }) : i18n.t('Stop the PHP pool of site {{site}} (suspended)', { site: str(p, 'site') })),
  'php.remove': (p) => i18n.t('Remove the PHP {{version}} pool of site {{site}}', { version: str(p, 'version'), site: str(p, 'site') }),
  'cron.file': (p) => (p.active ? i18n.t('Cron jobs of site {{site}} ({{n}})', { site: str(p, 'site'), n: list(p, 'jobs').length }) : i18n.t('Cron jobs of site {{site}} commented out (suspended)', { site: str(p, 'site') })),
  'cron.remove': (p) => i18n.t('Remove the cron jobs of site {{site}}', { site: str(p, 'site') }),
  'logs.site': (p) => i18n.t('Logs of site {{site}} (folder and daily rotation, {{keep}} kept)', { site: str(p, 'site'), keep: p.keep }),
  'logs.remove': (p) => i18n.t('Remove the logs of site {{site}}', { site: str(p, 'site') }),
  'tls.install': (p) => i18n.t('Install the certificate of {{domain}} (site {{site}})', { domain: str(p, 'domain'), site: str(p, 'site') }),
  'tls.remove': (p) => i18n.t('Remove HTTPS from {{domain}} (site {{site}})', { domain: str(p, 'domain'), site: str(p, 'site') }),
  'tls.issue': (p) => i18n.t('Issue a certificate for {{names}} ({{challenge}}) and install it for {{domain}} of site {{site}}', { names: list(p, 'names').join(', '), challenge: str(p, 'challenge'), domain: str(p, 'domain'), site: str(p, 'site') }),
  'acme.http01': () => i18n.t('Answer ACME HTTP-01 challenges on this server (nginx)'),
  'dns.push': (p) => {
    const zones = list(p, 'zones') as { zone?: string; serial?: number }[];
    return zones.length === 1 ? i18n.t('Push zone {{zone}} (serial {{serial}})', { zone: zones[0]!.zone, serial: zones[0]!.serial }) : i18n.t('Push {{count, number}} zones', { count: zones.length });
  },
  'dns.remove': (p) => i18n.t('Remove zone {{zone}}', { zone: str(p, 'zone') }),
  'backup.site': (p) =>
    list(p, 'databases').length
      ? i18n.t('Back up site {{site}} with {{count, number}} databases', { site: str(p, 'site'), count: list(p, 'databases').length })
      : i18n.t('Back up site {{site}}', { site: str(p, 'site') }),
  'backup.check': (p) => i18n.t('Check the backup repository {{repo}}', { repo: str(p, 'repoPath') }),
  'backup.restore-db': (p) => i18n.t('Restore database {{db}} of site {{site}} from snapshot {{snapshot}} into {{target}}', { db: str(p, 'db'), site: str(p, 'site'), snapshot: str(p, 'snapshot').slice(0, 8), target: str(p, 'target') }),
  'deploy.import': (p) => i18n.t('Import {{dump}} into database {{name}} as {{user}} (site {{site}})', { dump: str(p, 'dump'), name: str(p, 'name'), user: str(p, 'user'), site: str(p, 'site') }),
  'deploy.commands': (p) => i18n.t('Run {{count, number}} commands in public_html/{{target}} as site {{site}}', { count: list(p, 'commands').length, target: str(p, 'target'), site: str(p, 'site') }),
};

/** A queued task, or a previewed one (with its parameters where the preview gives them). */
export function taskTitle(task: Pick<Task, 'kind' | 'title'> & { params?: Task['params'] }): string {
  const words = TITLES[task.kind];
  return words && task.params ? words(task.params) : task.title;
}
