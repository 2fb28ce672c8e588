// A server's sites (the 'sites' tab): the hosting accounts Hostdeck holds for it with their
// status; "New site" (name, quota) with the contract's field errors; Suspend / Unsuspend /
// Delete… (a confirmation naming what goes). Every action becomes tasks on the server's queue,
// which the link after an action opens. Each site lists its FTP logins (FtpLogins.tsx).
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FtpSettings, SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { useQueue } from '../queue/hooks';
import { FtpLogins } from './FtpLogins';
import type { Tab } from '../tabs';

const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', 'That did not work.'));

export function SitesTab({ server, onOpenTab }: { server: Server; onOpenTab: (tab: Tab) => void }) {
  const queryClient = useQueryClient();
  const sites = useQuery({ queryKey: ['hosting.sites', server.id], queryFn: () => client.call('hosting.sites', { serverId: server.id }) });
  const queue = useQueue(server.id);
  const [name, setName] = useState('');
  const [quota, setQuota] = useState('1024');
  const [formError, setFormError] = useState<AppError | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['hosting.sites', server.id] });
  const openQueue = () => onOpenTab({ id: `queue:${server.id}`, kind: 'queue', serverId: server.id });

  // A site whose latest task is still on the queue (or failed) shows that next to its status.
  const tasks = queue.data?.tasks ?? [];
  const lastTask = (site: string) => [...tasks].reverse().find((t) => (t.kind.startsWith('site.') || t.kind.startsWith('ftp.')) && t.params.site === site);
  useEffect(() => setConfirmDelete(null), [server.id]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setBusy(true);
    try {
      const quotaMb = /^\s*\d+\s*$/.test(quota) ? Number(quota) : Number.NaN;
      const r = await client.call('hosting.createSite', { serverId: server.id, name, quotaMb });
      setQueued(`Site ${r.site.name} recorded; ${r.tasks.length} task queued to create it on ${server.name}.`);
      setName('');
      await refresh();
    } catch (e) {
      setFormError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  async function act(site: string, what: 'suspend' | 'unsuspend' | 'delete') {
    setError(null);
    setBusy(true);
    try {
      if (what === 'delete') await client.call('hosting.deleteSite', { serverId: server.id, site, confirm: site });
      else await client.call(what === 'suspend' ? 'hosting.suspendSite' : 'hosting.unsuspendSite', { serverId: server.id, site });
      setQueued(`${what === 'delete' ? 'Deletion' : what === 'suspend' ? 'Suspension' : 'Unsuspension'} of ${site} queued on ${server.name}.`);
      setConfirmDelete(null);
      await refresh();
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  const fields = formError?.fields ?? {};
  const list: SiteRecord[] = sites.data?.sites ?? [];

  return (
    <section className="sites-view" aria-label={`Sites of ${server.name}`}>
      <header className="queue-head">
        <h2>Sites</h2>
        <span className="muted">{list.length} {list.length === 1 ? 'site' : 'sites'} · hosting accounts Hostdeck keeps on {server.name} (tasks run as {server.user})</span>

      </header>
      {queued && (
        <div className="note" role="status">
          {queued} <button className="link" onClick={openQueue}>Open the queue of {server.name}</button>
        </div>
      )}
      {error && <ErrorNote error={error} />}
      {sites.error && <ErrorNote error={asError(sites.error)} />}

      <form className="panel form" onSubmit={create} aria-label="New site">
        <h3>New site</h3>
        {formError && (formError.fields ? <div className="note note-error" role="alert">{formError.message}</div> : <ErrorNote error={formError} />)}
        <label className={`field ${fields.name ? 'has-error' : ''}`} data-field="name">
          <span className="label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" />
          {fields.name ? <span className="field-error" role="alert">{fields.name}</span> : <span className="hint">The Linux account and /home/&lt;name&gt;: a-z, digits, _ and -</span>}
        </label>
        <label className={`field ${fields.quotaMb ? 'has-error' : ''}`} data-field="quotaMb">
          <span className="label">Quota (MB)</span>
          <input value={quota} onChange={(e) => setQuota(e.target.value)} inputMode="numeric" />
          {fields.quotaMb ? <span className="field-error" role="alert">{fields.quotaMb}</span> : <span className="hint">0 = no limit; applied where the filesystem supports quotas</span>}
        </label>
        <div className="actions">
          <button className="primary" type="submit" disabled={busy}>Create site</button>
        </div>
      </form>

      {sites.data && <FtpSettingsForm key={`${server.id}:${sites.data.ftp.passwdFile}:${sites.data.ftp.dbFile}`} server={server} current={sites.data.ftp} onSaved={refresh} />}

      {list.length === 0 && sites.data && <p className="muted">No sites yet.</p>}
      {list.length > 0 && (
        <table className="table sites-table">
          <thead>
            <tr><th>Site</th><th>Quota</th><th>Status</th><th>Last task</th><th>Created</th><th>FTP logins</th><th /></tr>
          </thead>
          <tbody>
            {list.map((s) => {
              const t = lastTask(s.name);
              return (
                <tr key={s.name} className="site-row" data-site={s.name} data-status={s.status}>
                  <td>{s.name}</td>
                  <td className="num">{s.quotaMb ? `${s.quotaMb} MB` : 'no limit'}</td>
                  <td><span className={`site-status site-${s.status}`}>{s.status}</span></td>
                  <td>{t ? <button className="link" onClick={openQueue}><span className={`task-status task-${t.status}`} data-testid="site-task">{t.status}</span></button> : '—'}</td>
                  <td>{new Date(s.createdAt).toLocaleString()}</td>
                  <td><FtpLogins server={server} site={s} onChanged={async (message) => { setQueued(message); await refresh(); }} /></td>
                  <td className="actions">
                    {s.status === 'active'
                      ? <button disabled={busy} onClick={() => void act(s.name, 'suspend')}>Suspend</button>
                      : <button disabled={busy} onClick={() => void act(s.name, 'unsuspend')}>Unsuspend</button>}
                    <button className="danger" disabled={busy} onClick={() => setConfirmDelete(s.name)}>Delete…</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {confirmDelete && (
        <div className="note note-warn" role="alertdialog" aria-label={`Delete site ${confirmDelete}`}>
          <p>
            Delete the site <strong>{confirmDelete}</strong> from {server.name}? What goes: the Linux account <code>{confirmDelete}</code>, its home{' '}
            <code>/home/{confirmDelete}</code> and every file in it (the web root <code>public_html</code> included)
            {(() => {
              const ftp = list.find((s) => s.name === confirmDelete)?.ftpUsers ?? [];
              return ftp.length > 0 ? <>, and its FTP logins {ftp.map((u, i) => <span key={u}>{i > 0 ? ', ' : ''}<code>{u}</code></span>)}</> : null;
            })()}. This cannot be undone.
          </p>
          <div className="actions">
            <button className="danger" disabled={busy} onClick={() => void act(confirmDelete, 'delete')}>Delete {confirmDelete}</button>
            <button onClick={() => setConfirmDelete(null)} autoFocus>Keep it</button>
          </div>
        </div>
      )}
    </section>
  );
}

/** Where the server's pure-ftpd keeps its virtual users (used by FTP tasks queued from now on). */
function FtpSettingsForm({ server, current, onSaved }: { server: Server; current: FtpSettings; onSaved: () => Promise<void> }) {
  const [passwdFile, setPasswdFile] = useState(current.passwdFile);
  const [dbFile, setDbFile] = useState(current.dbFile);
  const [formError, setFormError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = passwdFile !== current.passwdFile || dbFile !== current.dbFile;

  async function save(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setBusy(true);
    try {
      await client.call('hosting.setFtpSettings', { serverId: server.id, passwdFile, dbFile });
      await onSaved();
    } catch (e) {
      setFormError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  const fields = formError?.fields ?? {};
  return (
    <details className="panel ftp-settings">
      <summary>pure-ftpd users on {server.name}: <code>{current.passwdFile}</code>, <code>{current.dbFile}</code></summary>
      <form className="form" onSubmit={save} aria-label="FTP settings">
        {formError && !formError.fields && <ErrorNote error={formError} />}
        <label className={`field ${fields.passwdFile ? 'has-error' : ''}`} data-field="passwdFile">
          <span className="label">Passwd file</span>
          <input value={passwdFile} onChange={(e) => setPasswdFile(e.target.value)} spellCheck={false} autoComplete="off" />
          {fields.passwdFile ? <span className="field-error" role="alert">{fields.passwdFile}</span> : <span className="hint">pure-pw's text file (Debian: /etc/pure-ftpd/pureftpd.passwd)</span>}
        </label>
        <label className={`field ${fields.dbFile ? 'has-error' : ''}`} data-field="dbFile">
          <span className="label">PureDB file</span>
          <input value={dbFile} onChange={(e) => setDbFile(e.target.value)} spellCheck={false} autoComplete="off" />
          {fields.dbFile ? <span className="field-error" role="alert">{fields.dbFile}</span> : <span className="hint">What pure-ftpd reads (Debian: /etc/pure-ftpd/pureftpd.pdb)</span>}
        </label>
        <div className="actions">
          <button className="primary" type="submit" disabled={busy || !changed}>Save FTP settings</button>
        </div>
      </form>
    </details>
  );
}
