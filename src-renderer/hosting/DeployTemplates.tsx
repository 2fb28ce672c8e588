// Deploy templates in the deploy form: a template chosen fills the form in; "Save as template…"
// keeps the form's answers under a name (never the site, database or password); "Templates…"
// lists them to rename, delete (the name typed again), export as JSON or YAML text to copy, and
// import from pasted text. The core checks every template as strictly as a deploy.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PLACEHOLDERS, type Placeholder } from '../../shared/api/deploy';
import type { DeployTemplate } from '../../shared/api/deploy-templates';
import { client } from '../client/client';
import { useAction as useSharedAction } from '../components/use-action';
import { Field, FormError, fieldsOf, splitList } from './common';

/** The deploy form's answers, as typed. */
export type DeployValues = {
  source: string; target: string; maxMb: string; dump: string; files: string; placeholders: Placeholder[]; commands: string; schedule: string; cronCommand: string;
};

export const EMPTY_VALUES: DeployValues = { source: '', target: 'app', maxMb: '512', dump: '', files: '', placeholders: [...PLACEHOLDERS], commands: '', schedule: '', cronCommand: '' };

export function valuesOf(t: DeployTemplate): DeployValues {
  return {
    source: t.source.kind === 'url' ? t.source.url : t.source.archive,
    target: t.target,
    maxMb: String(t.maxUnpackedMb),
    dump: t.dump ?? '',
    files: t.placeholderFiles.join(' '),
    placeholders: t.placeholders.length > 0 ? t.placeholders : [...PLACEHOLDERS],
    commands: t.commands.join('\n'),
    schedule: t.cron?.schedule ?? '',
    cronCommand: t.cron?.command ?? '',
  };
}

export const lines = (text: string) => text.split('\n').map((c) => c.trim()).filter(Boolean);

export const sourceOf = (source: string) => (source.startsWith('https://') ? { kind: 'url' as const, url: source } : { kind: 'staged' as const, archive: source });

function templateOf(name: string, v: DeployValues) {
  return {
    name,
    source: sourceOf(v.source),
    target: v.target,
    maxUnpackedMb: Number(v.maxMb),
    dump: v.dump === '' ? null : v.dump,
    placeholderFiles: splitList(v.files),
    placeholders: splitList(v.files).length > 0 ? v.placeholders : [],
    commands: lines(v.commands),
    cron: v.schedule === '' && v.cronCommand === '' ? null : { schedule: v.schedule, command: v.cronCommand },
  };
}

const KEY = ['deploy.templates'];
// A folder name, the same in every language.
const WEB_ROOT_DIR = 'public_html';

export function useTemplates() {
  return useQuery({ queryKey: KEY, queryFn: () => client.call('deploy.templates', {}) });
}

/** A template's field errors under the deploy form's own fields ("template.source.url" → "source.url"). */
export function useTemplateAction() {
  return useSharedAction((e) => Object.fromEntries(Object.entries(fieldsOf(e)).map(([k, m]) => [k.replace(/^template\./, ''), m])));
}

export function TemplatePicker({ onPick }: { onPick: (tpl: DeployTemplate) => void }) {
  const { t } = useTranslation();
  const templates = useTemplates();
  const [chosen, setChosen] = useState('');
  const list = templates.data?.templates ?? [];
  return (
    <Field name="template" label={t('Template')} hint={list.length === 0 ? t('None saved yet: fill the form in, then "Save as template…"') : t('Fills the form in; the database and its password stay yours to choose')}>
      <select
        value={chosen}
        onChange={(e) => {
          setChosen(e.target.value);
          const tpl = list.find((x) => x.name === e.target.value);
          if (tpl) onPick(tpl);
        }}
      >
        <option value="">{t('None')}</option>
        {list.map((tpl) => <option key={tpl.name} value={tpl.name}>{tpl.name}</option>)}
      </select>
    </Field>
  );
}

/** "Save as template…": the form's answers under a name; a name in use is replaced only when asked. */
export function SaveTemplate({ values, action, onDone }: { values: DeployValues; action: ReturnType<typeof useTemplateAction>; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [replace, setReplace] = useState(false);
  const queryClient = useQueryClient();
  const save = () =>
    action.run(async () => {
      const r = await client.call('deploy.saveTemplate', { template: templateOf(name, values), replace });
      queryClient.setQueryData(KEY, r);
      onDone(t('Template "{{name}}" saved.', { name: name.trim() }));
    });
  return (
    <div className="sub-form deploy-save-template" role="group" aria-label={t('Save as template')}>
      <Field name="name" label={t('Template name')} error={action.fields.name} hint={t('e.g. PrestaShop 8: the archive, folder, dump, files, placeholders, commands and cron job above')}>
        <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <label className="check"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t('Replace a template of this name')}</label>
      <div className="actions">
        <button type="button" className="primary" disabled={action.busy} onClick={() => void save()}>{t('Save template')}</button>
      </div>
    </div>
  );
}

/** The saved templates: rename, delete, export, and import from text. */
export function ManageTemplates({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const templates = useTemplates();
  const [exported, setExported] = useState<{ fileName: string; text: string } | null>(null);
  const [editing, setEditing] = useState<{ name: string; mode: 'rename' | 'delete'; text: string } | null>(null);
  const [importText, setImportText] = useState('');
  const [importFormat, setImportFormat] = useState<'json' | 'yaml'>('yaml');
  const [note, setNote] = useState<string | null>(null);
  const action = useSharedAction(fieldsOf);
  const queryClient = useQueryClient();
  const saved = (r: { templates: DeployTemplate[] }, message: string) => {
    queryClient.setQueryData(KEY, { templates: r.templates });
    setEditing(null);
    setNote(message);
  };
  const list = templates.data?.templates ?? [];
  const act = (fn: () => Promise<void>) => {
    setNote(null);
    return action.run(fn);
  };

  const apply = (tpl: DeployTemplate) =>
    act(async () => {
      if (!editing) return;
      if (editing.mode === 'rename') saved(await client.call('deploy.saveTemplate', { template: { ...tpl, name: editing.text }, previous: tpl.name }), t('Renamed "{{from}}" to "{{to}}".', { from: tpl.name, to: editing.text.trim() }));
      else saved(await client.call('deploy.deleteTemplate', { name: tpl.name, confirm: editing.text }), t('Template "{{name}}" deleted.', { name: tpl.name }));
    });
  const exportAs = (tpl: DeployTemplate, format: 'json' | 'yaml') =>
    act(async () => setExported(await client.call('deploy.exportTemplate', { name: tpl.name, format })));
  const importIt = () =>
    act(async () => {
      const r = await client.call('deploy.importTemplate', { text: importText, format: importFormat });
      saved(r, t('Template "{{name}}" imported.', { name: r.template.name }));
      setImportText('');
    });

  return (
    <section className="sub-form deploy-templates" aria-label={t('Deploy templates')}>
      <h5>{t('Deploy templates')}</h5>
      {note && <div className="note note-ok" role="status">{note}</div>}
      <FormError error={action.error} />
      {list.length === 0 ? <p className="muted">{t('No templates saved.')}</p> : (
        <ul className="item-list">
          {list.map((tpl) => (
            <li key={tpl.name} data-template={tpl.name}>
              <span className="item-main">
                <strong>{tpl.name}</strong>
                <span className="item-sub">{tpl.source.kind === 'url' ? tpl.source.url : tpl.source.archive} → {WEB_ROOT_DIR}/{tpl.target}{tpl.dump ? ` · ${t('dump {{file}}', { file: tpl.dump })}` : ''}{tpl.placeholderFiles.length > 0 ? ` · ${tpl.placeholderFiles.join(', ')}` : ''}</span>
              </span>
              {editing?.name === tpl.name ? (
                <span className="actions">
                  <input
                    aria-label={editing.mode === 'rename' ? t('New name of {{name}}', { name: tpl.name }) : t('Type {{name}} to delete it', { name: tpl.name })}
                    placeholder={editing.mode === 'rename' ? t('New name') : t('Type {{name}}', { name: tpl.name })}
                    value={editing.text}
                    onChange={(e) => setEditing({ ...editing, text: e.target.value })}
                    autoFocus
                  />
                  <button className={editing.mode === 'delete' ? 'danger' : 'primary'} disabled={action.busy} onClick={() => void apply(tpl)}>{editing.mode === 'rename' ? t('Rename') : t('Delete')}</button>
                  <button onClick={() => setEditing(null)}>{t('Cancel')}</button>
                </span>
              ) : (
                <span className="actions">
                  <button onClick={() => setEditing({ name: tpl.name, mode: 'rename', text: tpl.name })}>{t('Rename…')}</button>
                  <button onClick={() => void exportAs(tpl, 'yaml')}>{t('Export YAML')}</button>
                  <button onClick={() => void exportAs(tpl, 'json')}>{t('Export JSON')}</button>
                  <button className="danger" onClick={() => setEditing({ name: tpl.name, mode: 'delete', text: '' })}>{t('Delete…')}</button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {exported && (
        <div className="deploy-export" role="group" aria-label={t('Exported {{file}}', { file: exported.fileName })}>
          <Field label={exported.fileName} hint={t('Copy this text; Import below (here or in another Hostdeck) reads it back')}>
            <textarea readOnly value={exported.text} rows={Math.min(16, exported.text.split('\n').length)} spellCheck={false} />
          </Field>
          <div className="actions">
            <button onClick={() => void navigator.clipboard?.writeText(exported.text)}>{t('Copy')}</button>
            <button onClick={() => setExported(null)}>{t('Close')}</button>
          </div>
        </div>
      )}
      <Field name="text" label={t('Import a template')} error={action.fields.text} hint={t('Paste an exported template')}>
        <textarea value={importText} onChange={(e) => setImportText(e.target.value)} rows={4} spellCheck={false} />
      </Field>
      <div className="actions">
        <select aria-label={t('Import format')} value={importFormat} onChange={(e) => setImportFormat(e.target.value as 'json' | 'yaml')}>
          <option value="yaml">{t('YAML')}</option>
          <option value="json">JSON</option>
        </select>
        <button disabled={action.busy || importText.trim() === ''} onClick={() => void importIt()}>{t('Import')}</button>
        <button onClick={onClose}>{t('Close templates')}</button>
      </div>
    </section>
  );
}
