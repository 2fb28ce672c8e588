// A site's FTP logins (in the Sites tab): the pure-ftpd virtual users Hostdeck holds for it, by
// name; "Add FTP login" (user, optional subfolder, optional password — empty = generated) with
// the contract's field errors; after creation the password is shown once in a dismissible box
// (Hostdeck does not keep it); Delete… asks for confirmation first.
import { useState, type FormEvent } from 'react';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';

const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', 'That did not work.'));

export function FtpLogins({ server, site, onChanged }: { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> | void }) {
  const [open, setOpen] = useState(false);
  const [user, setUser] = useState('');
  const [subdir, setSubdir] = useState('');
  const [password, setPassword] = useState('');
  const [formError, setFormError] = useState<AppError | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<{ user: string; password: string } | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setBusy(true);
    try {
      const r = await client.call('hosting.createFtp', {
        serverId: server.id,
        site: site.name,
        user,
        ...(subdir === '' ? {} : { subdir }),
        ...(password === '' ? {} : { password }),
      });
      setShown({ user: r.user, password: r.password });
      setUser('');
      setSubdir('');
      setPassword('');
      setOpen(false);
      await onChanged(`FTP login ${r.user} recorded; ${r.tasks.length} task queued to create it on ${server.name}.`);
    } catch (e) {
      setFormError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove(login: string) {
    setError(null);
    setBusy(true);
    try {
      await client.call('hosting.deleteFtp', { serverId: server.id, site: site.name, user: login });
      setConfirm(null);
      await onChanged(`Deletion of the FTP login ${login} queued on ${server.name}.`);
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  const fields = formError?.fields ?? {};
  return (
    <div className="ftp-logins" data-site={site.name} aria-label={`FTP logins of ${site.name}`}>
      {site.ftpUsers.length === 0 ? <span className="muted">No FTP logins</span> : (
        <ul className="ftp-list">
          {site.ftpUsers.map((u) => (
            <li key={u} data-ftp-user={u}>
              <code>{u}</code>{' '}
              <button className="link danger" disabled={busy} onClick={() => setConfirm(u)} aria-label={`Delete FTP login ${u}`}>Delete…</button>
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorNote error={error} />}
      {confirm && (
        <div className="note note-warn" role="alertdialog" aria-label={`Delete FTP login ${confirm}`}>
          <p>Delete the FTP login <strong>{confirm}</strong> of {site.name}? It can no longer log in; the site's files stay.</p>
          <div className="actions">
            <button className="danger" disabled={busy} onClick={() => void remove(confirm)}>Delete {confirm}</button>
            <button onClick={() => setConfirm(null)} autoFocus>Keep it</button>
          </div>
        </div>
      )}
      {shown && (
        <div className="note note-ok ftp-password-once" role="status" aria-label={`Password of ${shown.user}`}>
          <p>
            Password of the FTP login <code>{shown.user}</code>: <code className="secret-once" data-testid="ftp-password">{shown.password}</code>
          </p>
          <p className="muted">Shown once; Hostdeck does not keep it. Copy it now.</p>
          <div className="actions">
            <button onClick={() => void navigator.clipboard?.writeText(shown.password)}>Copy</button>
            <button onClick={() => setShown(null)}>Done, hide it</button>
          </div>
        </div>
      )}
      {!open ? (
        <button disabled={busy} onClick={() => { setOpen(true); setFormError(null); }}>Add FTP login</button>
      ) : (
        <form className="panel form" onSubmit={add} aria-label={`Add FTP login to ${site.name}`}>
          {formError && (formError.fields ? <div className="note note-error" role="alert">{formError.message}</div> : <ErrorNote error={formError} />)}
          <label className={`field ${fields.user ? 'has-error' : ''}`} data-field="user">
            <span className="label">FTP user</span>
            <input value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} autoComplete="off" />
            {fields.user ? <span className="field-error" role="alert">{fields.user}</span> : <span className="hint">a-z, digits, . _ and -</span>}
          </label>
          <label className={`field ${fields.subdir ? 'has-error' : ''}`} data-field="subdir">
            <span className="label">Subfolder (optional)</span>
            <input value={subdir} onChange={(e) => setSubdir(e.target.value)} spellCheck={false} autoComplete="off" placeholder="public_html" />
            {fields.subdir ? <span className="field-error" role="alert">{fields.subdir}</span> : <span className="hint">Inside /home/{site.name}; empty = the whole home</span>}
          </label>
          <label className={`field ${fields.password ? 'has-error' : ''}`} data-field="password">
            <span className="label">Password (optional)</span>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
            {fields.password ? <span className="field-error" role="alert">{fields.password}</span> : <span className="hint">Empty = a generated 20-character password</span>}
          </label>
          <div className="actions">
            <button className="primary" type="submit" disabled={busy}>Add login</button>
            <button type="button" onClick={() => setOpen(false)}>Cancel</button>
          </div>
        </form>
      )}
    </div>
  );
}
