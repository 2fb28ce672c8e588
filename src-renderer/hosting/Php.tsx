// A site's PHP: off, or a PHP-FPM pool of its own (version, limits, extra php_admin_value lines).
// "Turn PHP on" / "Change…" opens the form — the version among the php-fpm found on the server,
// the values with the server's defaults, extra settings one `name = value` per line — with a
// Preview of its tasks; each value's error shows under its field (an extra line's with its line
// number). "Turn PHP off…" asks first: the server blocks stop passing .php, the pool goes. In a
// team both are based on the version of the site the form was opened at: someone else's change
// since shows both (ConflictNote) and asks which stays.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { DEFAULT_PHP_VALUES, poolName, type PhpExtra, type PhpValues } from '../../shared/php';
import { client } from '../client/client';
import { Field, FormError, useAction } from './common';
import { usePreview } from './PreviewDialog';
import { sendBased, useSiteBase } from './site-version';
import { ConflictNote, conflictOf } from '../team/ConflictNote';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };

export function Php({ server, site, onChanged }: Props) {
  const { t } = useTranslation();
  // The server's default values (its PHP settings), from the Sites tab's own query.
  const sites = useQuery({ queryKey: ['hosting.sites', server.id], queryFn: () => client.call('hosting.sites', { serverId: server.id }) });
  const defaults = sites.data?.settings.php?.defaults ?? DEFAULT_PHP_VALUES;
  const [editing, setEditing] = useState(false);
  const [disabling, setDisabling] = useState(false);
  const php = site.php;
  return (
    <section className="site-part php" data-site={site.name} aria-label={t('PHP of {{site}}', { site: site.name })}>
      <h4>PHP</h4>
      {php ? (
        <>
          <p data-testid="php-summary">
            PHP <strong>{php.version}</strong>, {t('pool')} <code>{poolName(site.name)}</code> {t('as user')} <code>{site.name}</code>
            {site.status === 'suspended' ? t(' (stopped while suspended)') : ''}
          </p>
          <p className="muted">
            {t('memory')} {php.values.memoryLimit} · {t('uploads')} {php.values.uploadMaxFilesize} · {t('POST')} {php.values.postMaxSize} · {php.values.maxExecutionTime} s · {t('up to {{count, number}} processes', { count: php.values.maxChildren })}
            {php.extras.length > 0 ? ` · ${t('{{count, number}} extra settings', { count: php.extras.length })}` : ''}
          </p>
        </>
      ) : <p className="muted">{t('PHP is off: .php files are not run.')}</p>}
      {disabling && php && <DisablePhp server={server} site={site} onCancel={() => setDisabling(false)} onDone={async (m) => { setDisabling(false); await onChanged(m); }} />}
      {editing
        ? <PhpForm server={server} site={site} defaults={defaults} onCancel={() => setEditing(false)} onDone={async (m) => { setEditing(false); await onChanged(m); }} />
        : !disabling && (
          <div className="actions">
            <button onClick={() => { setDisabling(false); setEditing(true); }}>{php ? t('Change PHP…') : t('Turn PHP on')}</button>
            {php && <button className="link danger" onClick={() => { setEditing(false); setDisabling(true); }}>{t('Turn PHP off…')}</button>}
          </div>
        )}
    </section>
  );
}

type FormProps = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string) => Promise<void> };
type Texts = Record<keyof PhpValues, string>;

const textsOf = (v: PhpValues): Texts => ({ ...v, maxExecutionTime: String(v.maxExecutionTime), maxChildren: String(v.maxChildren), idleTimeout: String(v.idleTimeout) });
/** A number field's text as the contract sees it: a number when it is one, else the text (refused with its message). */
const num = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** `name = value` per line; a line without " = " is kept whole as the name (the contract names what is wrong). */
function parseExtras(text: string): PhpExtra[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const at = line.indexOf('=');
    return at < 0 ? { name: line.trim(), value: '' } : { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
  });
}

/** What the form shows of a site's PHP, field by field (the conflict note compares these); PHP off: none. */
const shownOf = (php: SiteRecord['php']): Record<string, string> =>
  php ? { version: php.version, ...textsOf(php.values), extras: php.extras.map((e) => `${e.name} = ${e.value}`).join('\n') } : {};

const PHP_LABELS = (t: TFunction): Record<string, string> => ({
  version: t('PHP version'), memoryLimit: t('Memory limit'), uploadMaxFilesize: t('Upload size limit'), postMaxSize: t('POST size limit'),
  maxExecutionTime: t('Max execution time (s)'), maxChildren: t('Max processes'), idleTimeout: t('Idle timeout (s)'), extras: t('Extra settings (optional)'),
});

/** The conflict a save of the site was refused with, their side shown as the PHP form's fields. */
function usePhpConflict(action: ReturnType<typeof useAction>) {
  const conflict = conflictOf(action.error);
  return conflict && { ...conflict, theirs: conflict.theirs && { ...conflict.theirs, data: shownOf((conflict.theirs.data as unknown as SiteRecord).php) } };
}

function PhpForm({ server, site, defaults, onCancel, onDone }: FormProps & { defaults: PhpValues }) {
  const { t } = useTranslation();
  const versions = useQuery({ queryKey: ['hosting.phpVersions', server.id], queryFn: () => client.call('hosting.phpVersions', { serverId: server.id }) });
  const installed = versions.data?.installed ?? [];
  const [version, setVersion] = useState(site.php?.version ?? '');
  const [texts, setTexts] = useState<Texts>(() => textsOf(site.php?.values ?? defaults));
  const [extras, setExtras] = useState(() => (site.php?.extras ?? []).map((e) => `${e.name} = ${e.value}`).join('\n'));
  const [base, setBase] = useSiteBase(server.id, site.name);
  const [shown] = useState(site);
  const action = useAction();
  const conflict = usePhpConflict(action);
  const preview = usePreview(server.id, action);
  const f = action.fields;
  const chosen = version || installed[0]?.version || '';
  const input = {
    site: site.name,
    version: chosen,
    values: { memoryLimit: texts.memoryLimit.trim(), uploadMaxFilesize: texts.uploadMaxFilesize.trim(), postMaxSize: texts.postMaxSize.trim(), maxExecutionTime: num(texts.maxExecutionTime), maxChildren: num(texts.maxChildren), idleTimeout: num(texts.idleTimeout) },
    extras: parseExtras(extras),
  };
  const extraErrors = Object.entries(f).filter(([k]) => k.startsWith('extras')).map(([k, m]) => {
    const line = /^extras\.(\d+)/.exec(k)?.[1];
    return line === undefined ? m : t('Line {{line}}: {{message}}', { line: Number(line) + 1, message: m });
  });

  const save = (based = base) =>
    action.run(async () => {
      const r = await sendBased(shown, based, (v) => client.call('hosting.setPhp', { serverId: server.id, ...input, ...v }));
      await onDone(t('PHP {{version}} for {{site}} queued on {{server}} ({{count, number}} tasks).', { version: input.version, site: site.name, server: server.name, count: r.tasks.length }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void save();
  }

  const value = (key: keyof PhpValues, label: string, hint: string) => (
    <Field name={`values.${key}`} label={label} error={f[`values.${key}`]} hint={hint}>
      <input value={texts[key]} onChange={(e) => setTexts({ ...texts, [key]: e.target.value })} spellCheck={false} autoComplete="off" />
    </Field>
  );

  return (
    <form className="form sub-form php-form" onSubmit={submit} aria-label={t('PHP of {{site}}', { site: site.name })}>
      {conflict ? (
        <ConflictNote
          conflict={conflict}
          yours={{ version: chosen, ...texts, extras }}
          labels={PHP_LABELS(t)}
          busy={action.busy}
          onOverwrite={(theirVersion) => {
            setBase(theirVersion);
            void save(theirVersion);
          }}
          onTakeTheirs={(theirs, theirVersion) => {
            // Their PHP in the form (off: the values as they were); saved only when the user applies it.
            if (typeof theirs.version === 'string') {
              setVersion(theirs.version);
              setTexts(Object.fromEntries(Object.keys(texts).map((k) => [k, String(theirs[k] ?? '')])) as Texts);
              setExtras(String(theirs.extras ?? ''));
            }
            setBase(theirVersion);
            action.clear();
          }}
        />
      ) : <FormError error={action.error} />}
      {versions.error && <div className="note note-error" role="alert">{t('Could not look for php-fpm on {{server}}:', { server: server.name })} {versions.error.message}</div>}
      {versions.data && installed.length === 0 && <div className="note note-warn" role="alert">{t('No php-fpm found on {{server}} where the PHP settings look (install php-fpm, or check the settings).', { server: server.name })}</div>}
      <Field name="version" label={t('PHP version')} error={f.version} hint={versions.isLoading ? t('Looking for php-fpm on the server…') : t('The php-fpm versions installed on the server')}>
        <select value={chosen} onChange={(e) => setVersion(e.target.value)}>
          {installed.map((i) => <option key={i.version} value={i.version}>PHP {i.version} ({i.binary})</option>)}
          {chosen !== '' && !installed.some((i) => i.version === chosen) && <option value={chosen}>PHP {chosen} {t('(not found on the server)')}</option>}
        </select>
      </Field>
      <div className="php-values">
        {value('memoryLimit', t('Memory limit'), t('Like 128M; -1 = no limit'))}
        {value('uploadMaxFilesize', t('Upload size limit'), t('Like 32M'))}
        {value('postMaxSize', t('POST size limit'), t('Like 32M'))}
        {value('maxExecutionTime', t('Max execution time (s)'), t('0 = no limit'))}
        {value('maxChildren', t('Max processes'), t('PHP processes of the site at once'))}
        {value('idleTimeout', t('Idle timeout (s)'), t('An idle process ends after this'))}
      </div>
      <Field name="extras" label={t('Extra settings (optional)')} error={extraErrors.join(' · ') || undefined} hint={t('One per line: name = value, like display_errors = Off or date.timezone = Europe/Berlin')}>
        <textarea value={extras} onChange={(e) => setExtras(e.target.value)} rows={3} spellCheck={false} />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy || chosen === ''}>{site.php ? t('Apply PHP settings') : t('Turn PHP on')}</button>
        <button type="button" disabled={action.busy || chosen === ''} onClick={() => void preview.open(t('PHP {{version}} for {{site}}', { version: chosen, site: site.name }), { op: 'setPhp', input }, () => save())}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}

function DisablePhp({ server, site, onCancel, onDone }: FormProps) {
  const { t } = useTranslation();
  const [base, setBase] = useSiteBase(server.id, site.name);
  const [shown] = useState(site);
  const action = useAction();
  const conflict = usePhpConflict(action);
  const preview = usePreview(server.id, action);
  const disable = (based = base) =>
    action.run(async () => {
      await sendBased(shown, based, (v) => client.call('hosting.disablePhp', { serverId: server.id, site: site.name, ...v }));
      await onDone(t('PHP off for {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
    });
  return (
    <div className="note note-warn" role="alertdialog" aria-label={t('Turn PHP off for {{site}}', { site: site.name })}>
      <p>{t('Turn PHP off for')} <strong>{site.name}</strong>? {t('Its domains stop running .php files and its pool is removed; the site\'s files stay.')}</p>
      {conflict ? (
        <ConflictNote
          conflict={conflict}
          yours={{}}
          labels={PHP_LABELS(t)}
          busy={action.busy}
          onOverwrite={(theirVersion) => {
            setBase(theirVersion);
            void disable(theirVersion);
          }}
          onTakeTheirs={onCancel}
        />
      ) : <FormError error={action.error} />}
      <div className="actions">
        <button className="danger solid" disabled={action.busy} onClick={() => void disable()}>{t('Turn PHP off')}</button>
        <button disabled={action.busy} onClick={() => void preview.open(t('PHP off for {{site}}', { site: site.name }), { op: 'disablePhp', site: site.name }, () => disable())}>{t('Preview')}</button>
        <button onClick={onCancel} autoFocus>{t('Keep it')}</button>
      </div>
      {preview.dialog}
    </div>
  );
}
