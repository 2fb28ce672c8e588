// Restoring a site that is no longer in the records from its backup: its name, then its backup
// runs in the server's repository, one picked and the name typed again. The core creates the
// site again with the normal site tasks (its databases with new passwords, shown here once) and
// queues the restore of its files and databases.
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Snapshot } from '../../shared/api/backups';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, SecretOnce, useAction } from './common';
import { formatDateTime } from '../i18n/format';

type Props = { server: Server; onClose: () => void; onChanged: (message: string) => Promise<void> };

export function RestoreDeletedSite({ server, onClose, onChanged }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [runs, setRuns] = useState<{ run: string; time: string; dbs: string[] }[] | null>(null);
  const [run, setRun] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [passwords, setPasswords] = useState<{ db: string; user: string; password: string }[] | null>(null);
  const action = useAction();
  const find = () => action.run(async () => {
    const { snapshots } = await client.call('backups.snapshots', { serverId: server.id, site: name });
    const byRun = new Map<string, { run: string; time: string; dbs: string[] }>();
    for (const s of snapshots.filter((x: Snapshot) => x.run)) {
      const r = byRun.get(s.run!) ?? { run: s.run!, time: s.time, dbs: [] };
      if (s.kind === 'db' && s.db) r.dbs.push(s.db);
      byRun.set(s.run!, r);
    }
    setRuns([...byRun.values()].sort((a, b) => b.time.localeCompare(a.time)));
    setRun(null);
  });
  const restore = () => action.run(async () => {
    const out = await client.call('backups.restoreSite', { serverId: server.id, site: name, run: run!, confirm: typed });
    await onChanged(t('Site {{site}} is created again and restored from its backup on {{server}} (queued).', { site: name, server: server.name }));
    if (out.passwords.length > 0) setPasswords(out.passwords);
    else onClose();
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void (runs && run ? restore() : find());
  }
  function keys(event: KeyboardEvent) {
    if (event.key === 'Escape') { event.stopPropagation(); onClose(); }
  }
  if (passwords) {
    return (
      <div className="note restore-deleted" role="dialog" aria-label={t('New database passwords')}>
        {passwords.map((p) => <SecretOnce key={p.db} label={t('Password of {{user}}', { user: p.user })} what={<>{t('New password of database user')} <strong>{p.user}</strong> ({p.db})</>} secret={p.password} testId="restored-db-password" onDone={() => setPasswords((list) => list!.filter((x) => x.db !== p.db))} />)}
        <div className="actions"><button onClick={onClose}>{t('Close')}</button></div>
      </div>
    );
  }
  return (
    <form className="form sub-form note restore-deleted" role="dialog" aria-label={t('Restore a deleted site')} onSubmit={submit} onKeyDown={keys}>
      <p><strong>{t('Restore a deleted site')}</strong> {t('from the backups in {{server}}\'s repository.', { server: server.name })}</p>
      <Field name="site" label={t('Site name')} error={action.fields.site}>
        <input value={name} onChange={(e) => { setName(e.target.value); setRuns(null); }} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      {runs && (runs.length === 0 ? <p className="muted">{t('No backups of {{site}} in the repository.', { site: name })}</p> : (
        <fieldset className="backup-run-pick">
          <legend>{t('Backup to restore')}</legend>
          {runs.map((r) => (
            <label key={r.run} className="check"><input type="radio" name="run" checked={run === r.run} onChange={() => setRun(r.run)} /> {formatDateTime(r.time)} {r.dbs.length ? <span className="muted">({t('files')}, {r.dbs.join(', ')})</span> : <span className="muted">({t('files')})</span>}</label>
          ))}
        </fieldset>
      ))}
      {run && (
        <Field name="confirm" label={t('Type {{site}} to confirm', { site: name })} error={action.fields.confirm}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
      )}
      <FormError error={action.error} />
      <div className="actions">
        {runs && run
          ? <button className="danger solid" type="submit" disabled={action.busy || typed !== name}>{t('Create {{site}} again and restore it', { site: name })}</button>
          : <button className="primary" type="submit" disabled={action.busy || name === ''}>{t('Find backups')}</button>}
        <button type="button" onClick={onClose}>{t('Cancel')}</button>
      </div>
    </form>
  );
}
