// A site's FTP logins: the pure-ftpd virtual users Hostdeck holds for it, by name; "Add FTP
// login" (user, optional subfolder, optional password — empty = generated) with the contract's
// field errors and a Preview of its tasks; after creation the password is shown once (Hostdeck
// does not keep it); Delete… asks for confirmation first. A login whose task was skipped or
// cancelled shows "not applied" with Apply again… (a new password) and Forget.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { FTP_USER_MAX } from '../../shared/hosting';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field, FormError, ItemStateTag, passwordHint, SecretOnce, useAction, useNotApplied } from './common';
import { usePreview } from './PreviewDialog';

// A folder name, the same in every language.
const WEB_ROOT_DIR = 'public_html';

type Props = { server: Server; site: SiteRecord; tasks: Task[]; onChanged: (message: string) => Promise<void> };

export function FtpLogins({ server, site, tasks, onChanged }: Props) {
  const { t } = useTranslation();
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
      await onChanged(t('FTP login {{user}} recorded; {{count, number}} tasks queued to create it on {{server}}.', { user: r.user, count: r.tasks.length, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void add();
  }

  const remove = (name: string) =>
    removal.run(async () => {
      await client.call('hosting.deleteFtp', { serverId: server.id, site: site.name, user: name });
      setConfirm(null);
      await onChanged(t('Deletion of the FTP login {{user}} queued on {{server}}.', { user: name, server: server.name }));
    });

  return (
    <section className="site-part ftp-logins" data-site={site.name} aria-label={t('FTP logins of {{site}}', { site: site.name })}>
      <h4>{t('FTP logins')}</h4>
      {site.ftpUsers.length === 0 ? <p className="muted">{t('No FTP logins.')}</p> : (
        <ul className="item-list">
          {site.ftpUsers.map((u) => {
            const state = itemState(site, 'ftp', u, tasks);
            return (
              <li key={u} data-ftp-user={u} data-state={state}>
                <span className="item-main"><span><code>{u}</code> <ItemStateTag state={state} /></span></span>
                <span className="item-actions">
                  {state === 'not-applied'
                    ? notApplied.actions({ kind: 'ftp', name: u })
                    : <button className="link danger" disabled={removal.busy} onClick={() => setConfirm(u)} aria-label={t('Delete FTP login {{user}}', { user: u })}>{t('Delete…')}</button>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {notApplied.panel}
      {removal.error && <ErrorNote error={removal.error} />}
      {confirm && (
        <div className="note note-warn" role="alertdialog" aria-label={t('Delete FTP login {{user}}', { user: confirm })}>
          <p>{t('Delete the FTP login')} <strong>{confirm}</strong> {t('of {{site}}? It can no longer log in; the site\'s files stay.', { site: site.name })}</p>
          <div className="actions">
            <button className="danger solid" disabled={removal.busy} onClick={() => void remove(confirm)}>{t('Delete {{user}}', { user: confirm })}</button>
            <button onClick={() => setConfirm(null)} autoFocus>{t('Keep it')}</button>
          </div>
        </div>
      )}
      {shown && <SecretOnce label={t('Password of {{user}}', { user: shown.user })} what={<>{t('Password of the FTP login')} <code>{shown.user}</code></>} secret={shown.password} testId="ftp-password" onDone={() => setShown(null)} />}
      {!open ? (
        <button disabled={form.busy} onClick={() => { setOpen(true); form.clear(); }}>{t('Add FTP login')}</button>
      ) : (
        <form className="form sub-form" onSubmit={submit} aria-label={t('Add FTP login to {{site}}', { site: site.name })}>
          <FormError error={form.error} />
          <Field name="user" label={t('FTP user')} error={f.user} hint={t('2 to {{max}} characters: a-z, digits, _ and -, starting with a letter; not a system account\'s name (root, ftp, www-data, …)', { max: FTP_USER_MAX })}>
            <input value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
          </Field>
          <Field name="subdir" label={t('Subfolder (optional)')} error={f.subdir} hint={t('Inside /home/{{site}}; empty = the whole home', { site: site.name })}>
            <input value={subdir} onChange={(e) => setSubdir(e.target.value)} spellCheck={false} autoComplete="off" placeholder={WEB_ROOT_DIR} />
          </Field>
          <Field name="password" label={t('Password (optional)')} error={f.password} hint={passwordHint(t)}>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </Field>
          <div className="actions">
            <button className="primary" type="submit" disabled={form.busy}>{t('Add login')}</button>
            <button type="button" disabled={form.busy} onClick={() => void preview.open(t('add FTP login {{user}}', { user }), { op: 'createFtp', input: login }, add)}>{t('Preview')}</button>
            <button type="button" onClick={() => setOpen(false)}>{t('Cancel')}</button>
          </div>
          {preview.dialog}
        </form>
      )}
    </section>
  );
}
