// A task's title in the UI's language, from its kind and parameters (the core's title is English
// and stays the record's). A kind without words here shows the core's title.
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
  'backup.restore-files': (p) => {
    const where = { site: str(p, 'site'), snapshot: str(p, 'snapshot').slice(0, 8) };
    const paths = list(p, 'paths');
    const place = p.to === 'place';
    if (paths.includes('')) return place ? i18n.t('Restore the files of site {{site}} from snapshot {{snapshot}} in place', where) : i18n.t('Restore the files of site {{site}} from snapshot {{snapshot}} beside (restored-…)', where);
    return place
      ? i18n.t('Restore {{count}} paths of site {{site}} from snapshot {{snapshot}} in place', { ...where, count: paths.length })
      : i18n.t('Restore {{count}} paths of site {{site}} from snapshot {{snapshot}} beside (restored-…)', { ...where, count: paths.length });
  },
  'backup.drop-scratch': (p) => i18n.t('Drop the scratch copy {{database}} (site {{site}})', { database: str(p, 'database'), site: str(p, 'site') }),
  'backup.sftp-account': (p) => i18n.t('Let {{source}} store backups in {{repo}} over SFTP (account {{user}})', { source: str(p, 'source'), repo: str(p, 'repoPath'), user: str(p, 'user') }),
  'backup.sftp-client': (p) => i18n.t('SSH key and pinned host key for the backup server {{name}}', { name: String((p.target as P | undefined)?.name ?? '') }),
  'backup.sftp-revoke': (p) => i18n.t('Remove the backup key of {{source}} (account {{user}})', { source: str(p, 'source'), user: str(p, 'user') }),
  'backup.sftp-forget': (p) => i18n.t('Remove the SSH key for the former backup server {{name}}', { name: str(p, 'name') }),
  'deploy.unpack': (p) => i18n.t('Unpack {{archive}} into public_html/{{target}} of site {{site}}', { archive: String(p.archive ?? p.url ?? ''), target: str(p, 'target'), site: str(p, 'site') }),
  'deploy.configure': (p) => i18n.t('Fill in the placeholders of {{files}} (site {{site}})', { files: list(p, 'files').join(', '), site: str(p, 'site') }),
  'tls.forget': (p) => (p.domain ? i18n.t('Remove the certificate of {{domain}} (site {{site}})', { domain: str(p, 'domain'), site: str(p, 'site') }) : i18n.t('Remove the certificates of site {{site}}', { site: str(p, 'site') })),
  'prepare.base': () => i18n.t('Prepare: security upgrades and time sync'),
  'prepare.web': () => i18n.t('Prepare web: nginx, PHP-FPM, quota, folders'),
  'prepare.db': (p) => i18n.t('Prepare databases: MariaDB (buffer pool {{pool}} MB)', { pool: p.bufferPoolMb }),
  'prepare.ftp': (p) => i18n.t('Prepare FTP: pure-ftpd (puredb, TLS, passive {{from}}-{{to}})', { from: p.passiveFrom, to: p.passiveTo }),
  'prepare.ns': (p) => (list(p, 'peers').length ? i18n.t('Prepare DNS: BIND (transfers to {{peers}})', { peers: list(p, 'peers').join(', ') }) : i18n.t('Prepare DNS: BIND (transfers to no other nameserver)')),
  'prepare.firewall': (p) => {
    const tcp = [...list(p, 'tcp'), ...(list(p, 'tcpRanges') as [number, number][]).map(([a, b]) => `${a}-${b}`)].join(', ');
    return list(p, 'udp').length ? i18n.t('Prepare firewall: only TCP {{tcp}} and UDP {{udp}} in', { tcp, udp: list(p, 'udp').join(', ') }) : i18n.t('Prepare firewall: only TCP {{tcp}} in', { tcp });
  },
  'prepare.ssh-check': () => i18n.t('Prepare SSH: check that a second login by key works'),
  'prepare.ssh-harden': () => i18n.t('Prepare SSH: key logins only (no passwords)'),
};

/** A queued task, or a previewed one (with its parameters where the preview gives them). */
export function taskTitle(task: Pick<Task, 'kind' | 'title'> & { params?: Task['params'] }): string {
  const words = TITLES[task.kind];
  return words && task.params ? words(task.params) : task.title;
}
