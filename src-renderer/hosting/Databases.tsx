// A site's databases, each with its own MySQL user: "New database" (name and user prefilled with
// the site's prefix, optional password — empty = generated, shown once), "Change password"
// (shown once) and "Drop…" (the database's name typed to confirm). Creating and dropping offer
// a Preview of their tasks. A database whose task was skipped or cancelled shows "not applied"
// with Apply again… (a new password) and Forget.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { dbPrefix } from '../../shared/hosting';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { Field, FormError, ItemStateTag, passwordHint, SecretOnce, useAction, useNotApplied } from './common';
import { usePreview } from './PreviewDialog';

type Shown = { what: 'new' | 'changed'; name: string; user: string; password: string };
type Db = SiteRecord['databases'][number];

export function Databases({ server, site, tasks, onChanged }: { server: Server; site: SiteRecord; tasks: Task[]; onChanged: (message: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const [passwordOf, setPasswordOf] = useState<Db | null>(null);
  const [dropping, setDropping] = useState<Db | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  // One form at a time, so a typed confirmation never applies to another database.
  const open = (which: 'create' | 'password' | 'drop' | null, db: Db | null = null) => {
    setCreating(which === 'create');
    setPasswordOf(which === 'password' ? db : null);
    setDropping(which === 'drop' ? db : null);
  };
  const done = async (message: string, secret?: Shown) => {
    open(null);
    if (secret) setShown(secret);
    await onChanged(message);
  };
  const notApplied = useNotApplied(server, site, onChanged, (item, password) => {
    open(null);
    setShown({ what: 'new', name: item.name, user: site.databases.find((d) => d.name === item.name)?.user ?? '', password });
  });

  return (
    <section className="site-part databases" data-site={site.name} aria-label={t('Databases of {{site}}', { site: site.name })}>
      <h4>{t('Databases')}</h4>
      {site.databases.length === 0 ? <p className="muted">{t('No databases.')}</p> : (
        <ul className="item-list">
          {site.databases.map((db) => {
            const state = itemState(site, 'db', db.name, tasks);
            return (
              <li key={db.name} data-db={db.name} data-state={state}>
                <span className="item-main">
                  <span><code>{db.name}</code> <ItemStateTag state={state} /></span>
                  <span className="item-sub">{t('user')} <code>{db.user}</code></span>
                </span>
                <span className="item-actions">
                  {state === 'not-applied' ? notApplied.actions({ kind: 'db', name: db.name }) : (
                    <>
                      <button className="link" onClick={() => open('password', db)} aria-label={t('Change password of {{user}}', { user: db.user })}>{t('Change password')}</button>
                      <button className="link danger" onClick={() => open('drop', db)} aria-label={t('Drop database {{db}}', { db: db.name })}>{t('Drop…')}</button>
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {notApplied.panel}
      {shown && (
        <SecretOnce
          label={t('Password of {{user}}', { user: shown.user })}
          what={<>{shown.what === 'new' ? t('Password of the new database user') : t('New password of')} <code>{shown.user}</code> ({t('database')} <code>{shown.name}</code>)</>}
          secret={shown.password}
          testId="db-password"
          onDone={() => setShown(null)}
        />
      )}
      {passwordOf && <ChangePassword key={passwordOf.name} server={server} site={site} db={passwordOf} onCancel={() => setPasswordOf(null)} onDone={done} />}
      {dropping && <DropDatabase key={dropping.name} server={server} site={site} db={dropping} onCancel={() => setDropping(null)} onDone={done} />}
      {creating
        ? <NewDatabase server={server} site={site} onCancel={() => setCreating(false)} onDone={done} />
        : <button onClick={() => open('create')}>{t('New database')}</button>}
    </section>
  );
}

type Props = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string, secret?: Shown) => Promise<void> };

function NewDatabase({ server, site, onCancel, onDone }: Props) {
  const { t } = useTranslation();
  const prefix = dbPrefix(site.name);
  const [name, setName] = useState(prefix);
  const [user, setUser] = useState(prefix);
  const [password, setPassword] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const f = action.fields;
  const input = { site: site.name, name, user };

  const create = () =>
    action.run(async () => {
      const r = await client.call('hosting.createDb', { serverId: server.id, ...input, ...(password === '' ? {} : { password }) });
      await onDone(t('Database {{db}} recorded; 1 task queued to create it and its user {{user}} on {{server}}.', { db: r.name, user: r.user, server: server.name }), { what: 'new', name: r.name, user: r.user, password: r.password });
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void create();
  }

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={t('New database for {{site}}', { site: site.name })}>
      <FormError error={action.error} />
      <Field name="name" label={t('Database name')} error={f.name} hint={<>{t('Starts with')} <code>{prefix}</code>; {t('a-z, digits and _')}</>}>
        <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <Field name="user" label={t('Database user')} error={f.user} hint={<>{t('Starts with')} <code>{prefix}</code>; {t('at most 32 characters')}</>}>
        <input value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="password" label={t('Password (optional)')} error={f.password} hint={passwordHint(t)}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{t('Create database')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('create database {{db}}', { db: name }), { op: 'createDb', input }, create)}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}

function ChangePassword({ server, site, db, onCancel, onDone }: Props & { db: Db }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const action = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void action.run(async () => {
      const r = await client.call('hosting.setDbPassword', { serverId: server.id, site: site.name, name: db.name, ...(password === '' ? {} : { password }) });
      await onDone(t('New password of {{user}} queued on {{server}}.', { user: r.user, server: server.name }), { what: 'changed', name: db.name, user: r.user, password: r.password });
    });
  }

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={t('Change password of {{user}}', { user: db.user })}>
      <p>{t('New password for the database user')} <code>{db.user}</code>; {t('the old one stops working once the task has run.')}</p>
      <FormError error={action.error} />
      <Field name="password" label={t('New password (optional)')} error={action.fields.password} hint={passwordHint(t)}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{t('Change password')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
    </form>
  );
}

function DropDatabase({ server, site, db, onCancel, onDone }: Props & { db: Db }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const matches = typed === db.name;

  const drop = () =>
    action.run(async () => {
      await client.call('hosting.dropDb', { serverId: server.id, site: site.name, name: db.name, confirm: typed });
      await onDone(t('Dropping of the database {{db}} queued on {{server}}.', { db: db.name, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) void drop();
  }

  return (
    <form className="note note-warn sub-form" role="alertdialog" aria-label={t('Drop database {{db}}', { db: db.name })} onSubmit={submit}>
      <p>
        {t('Drop the database')} <strong>{db.name}</strong> {t('with all its tables and data, and its user')} <code>{db.user}</code>? {t('This cannot be undone.')}
      </p>
      <FormError error={action.error} />
      <Field name="confirm" label={t('Type {{db}} to confirm', { db: db.name })} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || !matches}>{t('Drop {{db}}', { db: db.name })}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('drop database {{db}}', { db: db.name }), { op: 'dropDb', site: site.name, name: db.name }, matches ? drop : null, t('Type {{db}} in the confirmation to queue these tasks.', { db: db.name }))}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Keep it')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}
