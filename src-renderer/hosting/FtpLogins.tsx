// A site's FTP logins: the pure-ftpd virtual users Hostdeck holds for it, by name; "Add FTP
// login" (user, optional subfolder, optional password — empty = generated) with the contract's
// field errors and a Preview of its tasks; after creation the password is shown once (Hostdeck
// does not keep it); Delete… asks for confirmation first. A login whose task was skipped or
// cancelled shows "not applied" with Apply again… (a new password) and Forget.
import { useState, type FormEvent } from 'react';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { FTP_USER_MAX } from '../../shared/hosting';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field, FormError, ItemStateTag, PASSWORD_HINT, SecretOnce, useAction, useNotApplied } from './common';
import { usePreview } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; tasks: Task[]; onChanged: (message: string) => Promise<void> };

export function FtpLogins({ server, site, tasks, onChanged }: Props) {
  const [open, setOpen] = useState(false);
  const [user, setUser] = useState('');
  const [subdir, setSubdir] = useState('');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState<{ user: string; password: string } | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const form = useAction();
  const removal = useAction();
  const preview = usePreview(server.id, form);
  const notApplied = useNotApplied(server, site, onChanged, (item, password) => setShown({ user: item.name, password }));
  const f = form.fields;
  const login = { site: site.name, user, ...(subdir === '' ? {} : { subdir }) };

  const add = () =>
    form.run(async () => {
      const r = await client.call('hosting.createFtp', { serverId: server.id, ...login, ...(password === '' ? {} : { password }) });
      setShown({ user: r.user, password: r.password });
      setUser('');
      setSubdir('');
      setPassword('');
      setOpen(false);
      await onChanged(`FTP login ${r.user} recorded; ${r.tasks.length === 1 ? '1 task' : `${r.tasks.length} tasks`} queued to create it on ${server.name}.`);
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void add();
  }

  const remove = (name: string) =>
    removal.run(async () => {
      await client.call('hosting.deleteFtp', { serverId: server.id, site: site.name, user: name });
      setConfirm(null);
      await onChanged(`Deletion of the FTP login ${name} queued on ${server.name}.`);
    });

  return (
    <section className="site-part ftp-logins" data-site={site.name} aria-label={`FTP logins of ${site.name}`}>
      <h4>FTP logins</h4>
      {site.ftpUsers.length === 0 ? <p className="muted">No FTP logins.</p> : (
        <ul className="item-list">
          {site.ftpUsers.map((u) => {
            const state = itemState(site, 'ftp', u, tasks);
            return (
              <li key={u} data-ftp-user={u} data-state={state}>
                <span className="item-main"><span><code>{u}</code> <ItemStateTag state={state} /></span></span>
                <span className="item-actions">
                  {state === 'not-applied'
                    ? notApplied.actions({ kind: 'ftp', name: u })
                    : <button className="link danger" disabled={removal.busy} onClick={() => setConfirm(u)} aria-label={`Delete FTP login ${u}`}>Delete…</button>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {notApplied.panel}
      {removal.error && <ErrorNote error={removal.error} />}
      {confirm && (
        <div className="note note-warn" role="alertdialog" aria-label={`Delete FTP login ${confirm}`}>
          <p>Delete the FTP login <strong>{confirm}</strong> of {site.name}? It can no longer log in; the site's files stay.</p>
          <div className="actions">
            <button className="danger solid" disabled={removal.busy} onClick={() => void remove(confirm)}>Delete {confirm}</button>
            <button onClick={() => setConfirm(null)} autoFocus>Keep it</button>
          </div>
        </div>
      )}
      {shown && <SecretOnce label={`Password of ${shown.user}`} what={<>Password of the FTP login <code>{shown.user}</code></>} secret={shown.password} testId="ftp-password" onDone={() => setShown(null)} />}
      {!open ? (
        <button disabled={form.busy} onClick={() => { setOpen(true); form.clear(); }}>Add FTP login</button>
      ) : (
        <form className="form sub-form" onSubmit={submit} aria-label={`Add FTP login to ${site.name}`}>
          <FormError error={form.error} />
          <Field name="user" label="FTP user" error={f.user} hint={`2 to ${FTP_USER_MAX} characters: a-z, digits, _ and -, starting with a letter; not a system account's name (root, ftp, www-data, …)`}>
            <input value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
          </Field>
          <Field name="subdir" label="Subfolder (optional)" error={f.subdir} hint={`Inside /home/${site.name}; empty = the whole home`}>
            <input value={subdir} onChange={(e) => setSubdir(e.target.value)} spellCheck={false} autoComplete="off" placeholder="public_html" />
          </Field>
          <Field name="password" label="Password (optional)" error={f.password} hint={PASSWORD_HINT}>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </Field>
          <div className="actions">
            <button className="primary" type="submit" disabled={form.busy}>Add login</button>
            <button type="button" disabled={form.busy} onClick={() => void preview.open(`add FTP login ${user}`, { op: 'createFtp', input: login }, add)}>Preview</button>
            <button type="button" onClick={() => setOpen(false)}>Cancel</button>
          </div>
          {preview.dialog}
        </form>
      )}
    </section>
  );
}
