// One site opened in the Sites tab: Suspend / Unsuspend and Delete… (each with a Preview of its
// tasks), then its FTP logins, databases and domains side by side. Delete… lists everything that
// goes and takes the site's name typed to confirm. The server's queue tells each item's state.
import { useState, type FormEvent } from 'react';
import { deletionList, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
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
  const [deleting, setDeleting] = useState(false);
  const status = useAction();
  const preview = usePreview(server.id, status);
  const tasks = useQueue(server.id).data?.tasks ?? [];
  const suspend = site.status === 'active';
  const change = { op: suspend ? 'suspendSite' : 'unsuspendSite', site: site.name } as const;

  const setStatus = () =>
    status.run(async () => {
      await client.call(suspend ? 'hosting.suspendSite' : 'hosting.unsuspendSite', { serverId: server.id, site: site.name });
      await onChanged(`${suspend ? 'Suspension' : 'Unsuspension'} of ${site.name} queued on ${server.name}.`);
    });

  return (
    <div className="site-detail" id={`site-detail-${site.name}`} data-site={site.name} role="region" aria-label={`Site ${site.name}`}>
      <div className="site-detail-head">
        <p className="muted">Home <code>/home/{site.name}</code>, web root <code>/home/{site.name}/public_html</code></p>
        <div className="actions">
          {onOpenFiles && <button disabled={!suspend} title={suspend ? 'Browse, upload, edit the site’s files as its own user' : 'A suspended site’s account is locked'} onClick={onOpenFiles}>Files</button>}
          <button disabled={status.busy} onClick={() => void setStatus()}>{suspend ? 'Suspend' : 'Unsuspend'}</button>
          <button disabled={status.busy} onClick={() => void preview.open(`${suspend ? 'suspend' : 'unsuspend'} ${site.name}`, change, setStatus)} aria-label={`Preview ${suspend ? 'suspending' : 'unsuspending'} ${site.name}`}>Preview {suspend ? 'suspend' : 'unsuspend'}</button>
          <span className="spacer" />
          <button className="danger" disabled={status.busy} onClick={() => setDeleting(true)}>Delete site…</button>
        </div>
      </div>
      {site.status === 'suspended' && (
        <div className="note note-warn suspended-note">
          <strong>Suspended.</strong> Its logins are refused and its domains answer “This site is suspended” (HTTP 503) until it is unsuspended.
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
  const [typed, setTyped] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const matches = typed === site.name;

  const remove = () =>
    action.run(async () => {
      await client.call('hosting.deleteSite', { serverId: server.id, site: site.name, confirm: typed });
      await onChanged(`Deletion of ${site.name} queued on ${server.name}.`);
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) void remove();
  }

  return (
    <form className="note note-warn delete-site" role="alertdialog" aria-label={`Delete site ${site.name}`} onSubmit={submit}>
      <p>Delete the site <strong>{site.name}</strong> from {server.name}? What goes, for good:</p>
      <ul className="deletion-list">
        {deletionList(site).map((line) => <li key={line}>{line}</li>)}
      </ul>
      <FormError error={action.error} />
      <Field name="confirm" label={`Type ${site.name} to confirm`} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || !matches}>Delete {site.name}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(`delete ${site.name}`, { op: 'deleteSite', site: site.name }, matches ? remove : null, `Type ${site.name} in the confirmation to queue these tasks.`)}>Preview</button>
        <button type="button" onClick={onCancel}>Keep it</button>
      </div>
      {preview.dialog}
    </form>
  );
}
