// One site opened in the Sites tab: Suspend / Unsuspend and Delete… (each with a Preview of its
// tasks), then its FTP logins, databases and domains side by side. Delete… lists everything that
// goes and takes the site's name typed to confirm. The server's queue tells each item's state.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { deletionList } from './deletion-text';
import { useQueue } from '../queue/hooks';
import { Databases } from './Databases';
import { Domains } from './Domains';
import { Field, FormError, useAction } from './common';
import { FtpLogins } from './FtpLogins';
import { Https } from './Https';
import { Php } from './Php';
import { CronJobs } from './CronJobs';
import { Backups } from './Backups';
import { Deploy } from './Deploy';
import { SiteLogs } from '../logs/SiteLogs';
import { usePreview } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void>; onOpenFiles?: () => void };

export function SiteDetail({ server, site, onChanged, onOpenFiles }: Props) {
  const { t } = useTranslation();
  const [deleting, setDeleting] = useState(false);
  const status = useAction();
  const preview = usePreview(server.id, status);
  const tasks = useQueue(server.id).data?.tasks ?? [];
  const suspend = site.status === 'active';
  const change = { op: suspend ? 'suspendSite' : 'unsuspendSite', site: site.name } as const;

  const setStatus = () =>
    status.run(async () => {
      await client.call(suspend ? 'hosting.suspendSite' : 'hosting.unsuspendSite', { serverId: server.id, site: site.name });
      await onChanged(suspend ? t('Suspension of {{site}} queued on {{server}}.', { site: site.name, server: server.name }) : t('Unsuspension of {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
    });

  return (
    <div className="site-detail" id={`site-detail-${site.name}`} data-site={site.name} role="region" aria-label={t('Site {{site}}', { site: site.name })}>
      <div className="site-detail-head">
        <p className="muted">{t('Home')} <code>/home/{site.name}</code>, {t('web root')} <code>/home/{site.name}/public_html</code></p>
        <div className="actions">
          {onOpenFiles && <button disabled={!suspend} title={suspend ? t('Browse, upload, edit the site’s files as its own user') : t('A suspended site’s account is locked')} onClick={onOpenFiles}>{t('Files')}</button>}
          <button disabled={status.busy} onClick={() => void setStatus()}>{suspend ? t('Suspend') : t('Unsuspend')}</button>
          <button disabled={status.busy} onClick={() => void preview.open(suspend ? t('suspend {{site}}', { site: site.name }) : t('unsuspend {{site}}', { site: site.name }), change, setStatus)} aria-label={suspend ? t('Preview suspending {{site}}', { site: site.name }) : t('Preview unsuspending {{site}}', { site: site.name })}>{suspend ? t('Preview suspend') : t('Preview unsuspend')}</button>
          <span className="spacer" />
          <button className="danger" disabled={status.busy} onClick={() => setDeleting(true)}>{t('Delete site…')}</button>
        </div>
      </div>
      {site.status === 'suspended' && (
        <div className="note note-warn suspended-note">
          <strong>{t('Suspended.')}</strong> {t('Its logins are refused and its domains answer “This site is suspended” (HTTP 503) until it is unsuspended.')}
        </div>
      )}
      <FormError error={status.error} />
      {preview.dialog}
      {deleting && <DeleteSite key={site.name} server={server} site={site} onCancel={() => setDeleting(false)} onChanged={onChanged} />}
      <div className="site-parts">
        <FtpLogins server={server} site={site} tasks={tasks} onChanged={onChanged} />
        <Databases server={server} site={site} tasks={tasks} onChanged={onChanged} />
        <Domains server={server} site={site} tasks={tasks} onChanged={onChanged} />
        <Php server={server} site={site} onChanged={onChanged} />
        <Https server={server} site={site} onChanged={onChanged} />
        <CronJobs server={server} site={site} onChanged={onChanged} />
        <SiteLogs server={server} site={site} onChanged={onChanged} />
        <Backups server={server} site={site} onChanged={onChanged} />
        <Deploy server={server} site={site} onChanged={onChanged} />
      </div>
    </div>
  );
}

function DeleteSite({ server, site, onCancel, onChanged }: Props & { onCancel: () => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const matches = typed === site.name;

  const remove = () =>
    action.run(async () => {
      await client.call('hosting.deleteSite', { serverId: server.id, site: site.name, confirm: typed });
      await onChanged(t('Deletion of {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) void remove();
  }

  return (
    <form className="note note-warn delete-site" role="alertdialog" aria-label={t('Delete site {{site}}', { site: site.name })} onSubmit={submit}>
      <p>{t('Delete the site')} <strong>{site.name}</strong> {t('from {{server}}? What goes, for good:', { server: server.name })}</p>
      <ul className="deletion-list">
        {deletionList(t, site).map((line) => <li key={line}>{line}</li>)}
      </ul>
      <FormError error={action.error} />
      <Field name="confirm" label={t('Type {{site}} to confirm', { site: site.name })} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || !matches}>{t('Delete {{site}}', { site: site.name })}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('delete {{site}}', { site: site.name }), { op: 'deleteSite', site: site.name }, matches ? remove : null, t('Type {{site}} in the confirmation to queue these tasks.', { site: site.name }))}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Keep it')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}
