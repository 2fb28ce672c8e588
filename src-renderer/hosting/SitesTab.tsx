// A server's sites (the 'sites' tab): the hosting accounts Hostdeck holds for it with their
// status and the state of their latest task; a site's row opens its detail (SiteDetail.tsx:
// suspend, delete, FTP logins, databases, domains). "New site", the server's hosting settings
// and "Adopt from server…" sit above. Every change becomes tasks on the server's queue, which
// the link after an action opens.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { itemState, type ItemKind, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { ErrorNote } from '../components/ErrorNote';
import { client } from '../client/client';
import { useQueue } from '../queue/hooks';
import type { Tab } from '../tabs';
import { AdoptDialog } from './AdoptDialog';
import { RestoreDeletedSite } from './RestoreDeletedSite';
import { asError } from './common';
import { HostingSettings } from './HostingSettings';
import { PhpSettings } from './PhpSettings';
import { AcmeSettings } from './AcmeSettings';
import { LogSettings } from '../logs/LogSettings';
import { NewSiteForm } from './NewSiteForm';
import { SiteDetail } from './SiteDetail';
import { formatDate } from '../i18n/format';

/** Task kinds that belong to a site (their params carry `site`). */
const SITE_KINDS = ['site.', 'ftp.', 'db.', 'domain.', 'php.'];

export function SitesTab({ server, site, onOpenTab }: { server: Server; site?: string | undefined; onOpenTab: (tab: Tab) => void }) {
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
  const lastTask = (site: string) => [...tasks].reverse().find((t) => SITE_KINDS.some((k) => t.kind.startsWith(k)) && t.params.site === site);
  const list: SiteRecord[] = sites.data?.sites ?? [];
  // The summary counts what is (or will be) on the server: a not-applied item is only in its detail.
  const live = (site: SiteRecord, kind: ItemKind, name: string) => itemState(site, kind, name, tasks) !== 'not-applied';

  return (
    <section className="sites-view" aria-label={`Sites of ${server.name}`}>
      <header className="queue-head">
        <h2>Sites</h2>
        <span className="muted">{list.length} {list.length === 1 ? 'site' : 'sites'} · hosting accounts Hostdeck keeps on {server.name} (tasks run as {server.user})</span>
        <span className="spacer" />
        <button onClick={() => setRestoring(true)}>Restore a deleted site…</button>
        <button onClick={() => setAdopting(true)}>Adopt from server…</button>
      </header>
      {queued && (
        <div className="note" role="status">
          {queued} <button className="link" onClick={openQueue}>Open the queue of {server.name}</button>
        </div>
      )}
      {sites.error && <ErrorNote error={asError(sites.error)} />}
      {restoring && <RestoreDeletedSite server={server} onClose={() => setRestoring(false)} onChanged={changed} />}

      <div className="sites-top">
        <NewSiteForm server={server} onQueued={changed} />
        {sites.data && <HostingSettings key={server.id} server={server} current={sites.data.settings} onSaved={refresh} />}
        {sites.data && <PhpSettings key={`php:${server.id}`} server={server} current={sites.data.settings} onSaved={refresh} />}
        <AcmeSettings />
        {sites.data && <LogSettings key={`logs:${server.id}`} server={server} current={sites.data.settings} onSaved={refresh} />}
      </div>

      {list.length === 0 && sites.data && <p className="muted">No sites yet. Create one above, or adopt the ones already on {server.name}.</p>}
      {list.length > 0 && (
        <table className="table sites-table">
          <thead>
            <tr><th>Site</th><th>Status</th><th>Last task</th><th>Quota</th><th>FTP</th><th>Databases</th><th>Domains</th><th>Created</th></tr>
          </thead>
          {list.map((s) => {
            const t = lastTask(s.name);
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
                  <td><span className={`site-status site-${s.status}`}>{s.status}</span></td>
                  <td>{t ? <button className="link" onClick={openQueue} title={t.title}><span className={`task-status task-${t.status}`} data-testid="site-task">{t.status}</span></button> : <span className="muted">—</span>}</td>
                  <td className="num">{s.quotaMb ? `${s.quotaMb} MB` : 'no limit'}</td>
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
