// A server's sites (the 'sites' tab): the hosting accounts Hostdeck holds for it with their
// status and the state of their latest task; a site's row opens its detail (SiteDetail.tsx:
// suspend, delete, FTP logins, databases, domains). "New site", the server's hosting settings
// and "Adopt from server…" sit above. Every change becomes tasks on the server's queue, which
// the link after an action opens.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { itemState, type ItemKind, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { ErrorNote } from '../components/ErrorNote';
import { client } from '../client/client';
import { useQueue } from '../queue/hooks';
import type { Tab } from '../tabs/tab';
import { AdoptDialog } from './AdoptDialog';
import { RestoreDeletedSite } from './RestoreDeletedSite';
import { asError } from './common';
import { HostingSettings } from './HostingSettings';
import { PhpSettings } from './PhpSettings';
import { AcmeSettings } from './AcmeSettings';
import { LogSettings } from '../logs/LogSettings';
import { NewSiteForm } from './NewSiteForm';
import { SiteDetail } from './SiteDetail';
import { formatDate, formatNumber } from '../i18n/format';
import { msg } from '../i18n';
import { TASK_STATUS } from '../queue/QueueTab';

/** Task kinds that belong to a site (their params carry `site`). */
const SITE_KINDS = ['site.', 'ftp.', 'db.', 'domain.', 'php.'];

const SITE_STATUS: Record<SiteRecord['status'], string> = { active: msg('active'), suspended: msg('suspended') };

export function SitesTab({ server, site, onOpenTab }: { server: Server; site?: string | undefined; onOpenTab: (tab: Tab) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const sites = useQuery({ queryKey: ['hosting.sites', server.id], queryFn: () => client.call('hosting.sites', { serverId: server.id }) });
  const queue = useQueue(server.id);
  const [queued, setQueued] = useState<string | null>(null);
  const [openSite, setOpenSite] = useState<string | null>(null);
  const [adopting, setAdopting] = useState(false);
  const [restoring, setRestoring] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['hosting.sites', server.id] });
  const openQueue = () => onOpenTab({ id: `queue:${server.id}`, kind: 'queue', serverId: server.id });
  const changed = async (message: string) => {
    setQueued(message);
    await refresh();
  };
  useEffect(() => setOpenSite(null), [server.id]);
  // Opened for one site (from the fleet map): its detail shows.
  useEffect(() => {
    if (site) setOpenSite(site);
  }, [site]);
  // A certificate ordered through ACME enters the site's records when its task is done.
  useEffect(
    () =>
      client.on('queue.changed', ({ serverId, task }) => {
        if (serverId === server.id && task.kind === 'tls.issue' && task.status === 'done') void queryClient.invalidateQueries({ queryKey: ['hosting.sites', server.id] });
      }),
    [queryClient, server.id],
  );

  // A site whose latest task is still on the queue (or failed) shows that next to its status.
  const tasks = queue.data?.tasks ?? [];
  const lastTask = (site: string) => [...tasks].reverse().find((k) => SITE_KINDS.some((prefix) => k.kind.startsWith(prefix)) && k.params.site === site);
  const list: SiteRecord[] = sites.data?.sites ?? [];
  // The summary counts what is (or will be) on the server: a not-applied item is only in its detail.
  const live = (site: SiteRecord, kind: ItemKind, name: string) => itemState(site, kind, name, tasks) !== 'not-applied';

  return (
    <section className="sites-view" aria-label={t('Sites of {{name}}', { name: server.name })}>
      <header className="queue-head">
        <h2>{t('Sites')}</h2>
        <span className="muted">
          {t('{{count, number}} sites', { count: list.length })} · {t('hosting accounts Hostdeck keeps on {{name}} (tasks run as {{user}})', { name: server.name, user: server.user })}
        </span>
        <span className="spacer" />
        <button onClick={() => setRestoring(true)}>{t('Restore a deleted site…')}</button>
        <button onClick={() => setAdopting(true)}>{t('Adopt from server…')}</button>
      </header>
      {queued && (
        <div className="note" role="status">
          {queued} <button className="link" onClick={openQueue}>{t('Open the queue of {{name}}', { name: server.name })}</button>
        </div>
      )}
      {sites.error && <ErrorNote error={asError(sites.error)} />}
      {restoring && <RestoreDeletedSite server={server} onClose={() => setRestoring(false)} onChanged={changed} />}

      <div className="sites-top">
        <NewSiteForm server={server} onQueued={changed} />
        {sites.data && <HostingSettings key={server.id} server={server} current={sites.data.settings} version={sites.data.settingsVersion} onSaved={refresh} />}
        {sites.data && <PhpSettings key={`php:${server.id}`} server={server} current={sites.data.settings} onSaved={refresh} />}
        <AcmeSettings />
        {sites.data && <LogSettings key={`logs:${server.id}`} server={server} current={sites.data.settings} onSaved={refresh} />}
      </div>

      {list.length === 0 && sites.data && <p className="muted">{t('No sites yet. Create one above, or adopt the ones already on {{name}}.', { name: server.name })}</p>}
      {list.length > 0 && (
        <table className="table sites-table">
          <thead>
            <tr><th>{t('Site')}</th><th>{t('Status')}</th><th>{t('Last task')}</th><th>{t('Quota')}</th><th>FTP</th><th>{t('Databases')}</th><th>{t('Domains')}</th><th>{t('Created')}</th></tr>
          </thead>
          {list.map((s) => {
            const last = lastTask(s.name);
            const open = openSite === s.name;
            const domains = s.domains.filter((b) => live(s, 'domain', b.domain)).map((b) => b.domain);
            return (
              <tbody key={s.name} className={open ? 'site-open' : undefined}>
                <tr className="site-row" data-site={s.name} data-status={s.status}>
                  <td>
                    <button className="link-plain site-toggle" aria-expanded={open} aria-controls={`site-detail-${s.name}`} onClick={() => setOpenSite(open ? null : s.name)}>
                      <span className="chevron" aria-hidden="true">{open ? '▾' : '▸'}</span> <strong>{s.name}</strong>
                    </button>
                  </td>
                  <td><span className={`site-status site-${s.status}`}>{t(SITE_STATUS[s.status])}</span></td>
                  <td>{last ? <button className="link" onClick={openQueue} title={last.title}><span className={`task-status task-${last.status}`} data-testid="site-task">{t(TASK_STATUS[last.status])}</span></button> : <span className="muted">—</span>}</td>
                  <td className="num">{s.quotaMb ? t('{{mb}} MB', { mb: formatNumber(s.quotaMb) }) : t('no limit')}</td>
                  <td className="num">{s.ftpUsers.filter((user) => live(s, 'ftp', user)).length}</td>
                  <td className="num">{s.databases.filter((d) => live(s, 'db', d.name)).length}</td>
                  <td className="site-domains">{domains.length ? domains.join(', ') : <span className="muted">—</span>}</td>
                  <td>{formatDate(s.createdAt)}</td>
                </tr>
                {open && (
                  <tr className="site-detail-row">
                    <td colSpan={8}><SiteDetail server={server} site={s} onChanged={changed} onOpenFiles={() => onOpenTab({ id: `files:${server.id}:${s.name}`, kind: 'files', serverId: server.id, site: s.name })} /></td>
                  </tr>
                )}
              </tbody>
            );
          })}
        </table>
      )}
      {adopting && <AdoptDialog server={server} onClose={() => setAdopting(false)} onImported={changed} />}
    </section>
  );
}
