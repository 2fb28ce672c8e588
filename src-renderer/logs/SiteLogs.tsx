// A site's Logs section: its nginx access and error logs, PHP error and slow logs and cron log,
// live. The view (and with it the tail on the server) exists only while the section is open.
import { useState } from 'react';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { LogView } from './LogView';

export function SiteLogs({ server, site }: { server: Server; site: SiteRecord }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="site-part site-logs" data-site={site.name} aria-label={`Logs of ${site.name}`}>
      <h4>
        Logs
        <button className="log-toggle" aria-expanded={open} onClick={() => setOpen((v) => !v)}>{open ? 'Close logs' : 'Open logs'}</button>
      </h4>
      {open ? <LogView serverId={server.id} site={site.name} label={`Logs of site ${site.name}`} /> : <p className="muted">Access, error, PHP and cron logs of {site.name}, live, with search of older files on the server.</p>}
    </section>
  );
}
