// A site's Logs section: its nginx access and error logs, PHP error and slow logs and cron log,
// live. The view (and with it the tail on the server) exists only while the section is open.
// "Set up logs again" (with a Preview) writes the site's log folder and rotation rule with the
// current log settings: for a site made before Hostdeck kept logs, or after the settings changed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { FormError, useAction } from '../hosting/common';
import { usePreview } from '../hosting/PreviewDialog';
import { LogView } from './LogView';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };

export function SiteLogs({ server, site, onChanged }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const action = useAction();
  const preview = usePreview(server.id, action);
  const setUp = () =>
    action.run(async () => {
      await client.call('logs.setUp', { serverId: server.id, site: site.name });
      await onChanged(t('Logs of {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
    });
  return (
    <section className="site-part site-logs" data-site={site.name} aria-label={t('Logs of {{site}}', { site: site.name })}>
      <h4>
        {t('Logs')}
        <button className="log-toggle" aria-expanded={open} onClick={() => setOpen((v) => !v)}>{open ? t('Close logs') : t('Open logs')}</button>
        <span className="spacer" />
        <button disabled={action.busy} onClick={() => void preview.open(t('logs of {{site}}', { site: site.name }), { op: 'setUpLogs', site: site.name }, setUp)} title={t('Writes the site\'s log folder and rotation rule again with the current log settings')}>{t('Set up logs again…')}</button>
      </h4>
      <FormError error={action.error} />
      {preview.dialog}
      {open ? <LogView serverId={server.id} site={site.name} label={t('Logs of site {{site}}', { site: site.name })} /> : <p className="muted">{t('Access, error, PHP and cron logs of {{site}}, live, with search of older files on the server.', { site: site.name })}</p>}
    </section>
  );
}
