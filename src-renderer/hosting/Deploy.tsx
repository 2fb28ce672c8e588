// "Deploy…" of a site: an app archive (uploaded first with Files into the site's hidden staging
// folder, or an https URL the server fetches) unpacked into a subfolder of public_html, with an
// optional SQL dump imported into one of the site's databases, placeholder files filled in,
// commands run as the site's user and a cron job. Preview shows the tasks; Deploy queues them.
// With a database, its user gets a new password (typed, or generated and shown once here).
// Templates (DeployTemplates.tsx) fill the form in and keep its answers.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PLACEHOLDERS, STAGING_DIR, type Placeholder } from '../../shared/api/deploy';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, passwordHint, SecretOnce, firstError, splitList, useAction } from './common';
import { EMPTY_VALUES, lines, ManageTemplates, SaveTemplate, sourceOf, TemplatePicker, useTemplateAction, valuesOf, type DeployValues } from './DeployTemplates';
import { usePreview } from './PreviewDialog';

export function Deploy({ server, site, onChanged }: { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<{ user: string; password: string } | null>(null);
  return (
    <section className="site-part deploy" data-site={site.name} aria-label={t('Deploy an app into {{site}}', { site: site.name })}>
      <h4>{t('Deploy an app')}</h4>
      {shown && (
        <SecretOnce label={t('Password of {{user}}', { user: shown.user })} what={<>{t('New password of')} <code>{shown.user}</code>, {t('filled into the app')}</>} secret={shown.password} testId="deploy-password" onDone={() => setShown(null)} />
      )}
      {open ? (
        <DeployForm
          server={server}
          site={site}
          onCancel={() => setOpen(false)}
          onDone={async (message, secret) => {
            setOpen(false);
            if (secret) setShown(secret);
            await onChanged(message);
          }}
        />
      ) : <button onClick={() => setOpen(true)}>{t('Deploy…')}</button>}
    </section>
  );
}

type FormProps = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string, secret?: { user: string; password: string }) => Promise<void> };

function DeployForm({ server, site, onCancel, onDone }: FormProps) {
  const { t } = useTranslation();
  const [v, setValues] = useState<DeployValues>(EMPTY_VALUES);
  const set = (change: Partial<DeployValues>) => setValues((old) => ({ ...old, ...change }));
  const [database, setDatabase] = useState('');
  const [password, setPassword] = useState('');
  const [panel, setPanel] = useState<'save' | 'manage' | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const action = useAction();
  const templateAction = useTemplateAction();
  const preview = usePreview(server.id, action);
  const f = { ...action.fields, ...templateAction.fields };

  const files = splitList(v.files);
  const input = {
    serverId: server.id,
    site: site.name,
    source: sourceOf(v.source),
    target: v.target,
    maxUnpackedMb: Number(v.maxMb),
    ...(database === '' ? {} : { database }),
    ...(v.dump === '' ? {} : { dump: v.dump }),
    placeholderFiles: files,
    ...(files.length > 0 ? { placeholders: v.placeholders } : {}),
    ...(password === '' ? {} : { password }),
    commands: lines(v.commands),
    ...(v.schedule === '' && v.cronCommand === '' ? {} : { cron: { schedule: v.schedule, command: v.cronCommand } }),
  };
  const user = site.databases.find((d) => d.name === database)?.user ?? '';

  const run = () =>
    action.run(async () => {
      const r = await client.call('deploy.run', input);
      await onDone(t('Deploy of {{source}} into public_html/{{target}} queued: {{count, number}} tasks on {{server}}.', { source: v.source, target: v.target, count: r.tasks.length, server: server.name }), r.password === null ? undefined : { user, password: r.password });
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void run();
  }

  const togglePlaceholder = (p: Placeholder) => set({ placeholders: v.placeholders.includes(p) ? v.placeholders.filter((x) => x !== p) : PLACEHOLDERS.filter((x) => x === p || v.placeholders.includes(x)) });

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={t('Deploy into {{site}}', { site: site.name })}>
      <FormError error={action.error ?? templateAction.error} />
      {note && <div className="note note-ok" role="status">{note}</div>}
      <TemplatePicker onPick={(tpl) => { setValues(valuesOf(tpl)); setNote(t('The form is filled in from the template "{{name}}".', { name: tpl.name })); }} />
      <Field name="source" label={t('Archive')} error={f['source.archive'] ?? f['source.url'] ?? f.source} hint={<>{t('A .tar.gz or .zip uploaded with Files into')} <code>~/{STAGING_DIR}</code> {t('(its file name), or an https URL the server fetches (its certificate must be trusted by the server)')}</>}>
        <input value={v.source} onChange={(e) => set({ source: e.target.value })} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <Field name="target" label={t('Folder in public_html')} error={f.target} hint={t('A folder of its own; an existing one is moved aside into the staging folder')}>
        <input value={v.target} onChange={(e) => set({ target: e.target.value })} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="maxUnpackedMb" label={t('Size limit (MB, download and unpacked)')} error={f.maxUnpackedMb}>
        <input value={v.maxMb} onChange={(e) => set({ maxMb: e.target.value })} inputMode="numeric" />
      </Field>
      <Field name="database" label={t('Database')} error={f.database} hint={t('Its user gets a new password, filled into the placeholders')}>
        <select value={database} onChange={(e) => setDatabase(e.target.value)}>
          <option value="">{t('None')}</option>
          {site.databases.map((d) => <option key={d.name} value={d.name}>{d.name}</option>)}
        </select>
      </Field>
      {database !== '' && (
        <Field name="password" label={t('Its new password (optional)')} error={f.password} hint={passwordHint(t)}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </Field>
      )}
      <Field name="dump" label={t('SQL dump (optional)')} error={f.dump} hint={<>{t('A .sql or .sql.gz in')} <code>~/{STAGING_DIR}</code>, {t('imported as the database\'s user')}</>}>
        <input value={v.dump} onChange={(e) => set({ dump: e.target.value })} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="placeholderFiles" label={t('Files with placeholders (optional)')} error={firstError(f, 'placeholderFiles')} hint={t('Paths in the folder, e.g. config.php (in a .php file, placeholders go between single quotes)')}>
        <input value={v.files} onChange={(e) => set({ files: e.target.value })} spellCheck={false} autoComplete="off" />
      </Field>
      {files.length > 0 && (
        <div className={`field ${f.placeholders ? 'has-error' : ''}`} data-field="placeholders" role="group" aria-label={t('Placeholders to fill in')}>
          <span className="label">{t('Placeholders to fill in')}</span>
          <span className="check-row">
            {PLACEHOLDERS.map((p) => (
              <label key={p} className="check"><input type="checkbox" checked={v.placeholders.includes(p)} onChange={() => togglePlaceholder(p)} /> <code>{`{{${p}}}`}</code></label>
            ))}
          </span>
          {f.placeholders ? <span className="field-error" role="alert">{f.placeholders}</span> : <span className="hint">{t('Any other {{…}} in the files stays as it is')}</span>}
        </div>
      )}
      <Field name="commands" label={t('Commands after deploy (optional)')} error={firstError(f, 'commands')} hint={t('One per line, run in the folder as the site\'s user')}>
        <textarea value={v.commands} onChange={(e) => set({ commands: e.target.value })} rows={3} spellCheck={false} />
      </Field>
      <Field name="cron" label={t('Cron job (optional): schedule')} error={f['cron.schedule']}>
        <input value={v.schedule} onChange={(e) => set({ schedule: e.target.value })} placeholder="*/15 * * * *" spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="cronCommand" label={t('Cron job: command')} error={f['cron.command']}>
        <input value={v.cronCommand} onChange={(e) => set({ cronCommand: e.target.value })} spellCheck={false} autoComplete="off" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{t('Deploy')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.show(t('deploy into {{site}}', { site: site.name }), async () => (await client.call('deploy.preview', input)).tasks, run)}>{t('Preview')}</button>
        <button type="button" onClick={() => setPanel(panel === 'save' ? null : 'save')}>{t('Save as template…')}</button>
        <button type="button" onClick={() => setPanel(panel === 'manage' ? null : 'manage')}>{t('Templates…')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {panel === 'save' && <SaveTemplate values={v} action={templateAction} onDone={(message) => { setPanel(null); setNote(message); }} />}
      {panel === 'manage' && <ManageTemplates onClose={() => setPanel(null)} />}
      {preview.dialog}
    </form>
  );
}
