// What goes with a site when it is deleted, for the confirmation, in the UI's language (its
// account is deleted last, so it is listed first).
import type { TFunction } from 'i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import { poolName } from '../../shared/php';

export function deletionList(t: TFunction, site: SiteRecord): string[] {
  return [
    t('Linux account {{site}} with {{home}} and all its files', { site: site.name, home: `/home/${site.name}` }),
    ...site.ftpUsers.map((u) => t('FTP login {{name}}', { name: u })),
    ...site.databases.map((d) => t('database {{name}} and its user {{user}}', { name: d.name, user: d.user })),
    ...site.domains.map((b) => t('server block of {{domains}}', { domains: [b.domain, ...b.aliases].join(', ') })),
    ...(site.php ? [t('PHP pool {{pool}} (PHP {{version}})', { pool: poolName(site.name), version: site.php.version })] : []),
    ...site.tls.map((c) => t('certificate and private key of {{domain}}', { domain: c.domain })),
    ...(site.cron.length > 0 ? [t("{{count, number}} cron jobs (the site's cron file)", { count: site.cron.length })] : []),
  ];
}
