// A site's PHP: off, or a PHP-FPM pool of its own (version, limits, extra php_admin_value lines).
// "Turn PHP on" / "Change…" opens the form — the version among the php-fpm found on the server,
// the values with the server's defaults, extra settings one `name = value` per line — with a
// Preview of its tasks; each value's error shows under its field (an extra line's with its line
// number). "Turn PHP off…" asks first: the server blocks stop passing .php, the pool goes.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { DEFAULT_PHP_VALUES, poolName, type PhpExtra, type PhpValues } from '../../shared/php';
import { client } from '../client/client';
import { Field, FormError, useAction } from './common';
import { usePreview } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };

export function Php({ server, site, onChanged }: Props) {
  // The server's default values (its PHP settings), from the Sites tab's own query.
  const sites = useQuery({ queryKey: ['hosting.sites', server.id], queryFn: () => client.call('hosting.sites', { serverId: server.id }) });
  const defaults = sites.data?.settings.php?.defaults ?? DEFAULT_PHP_VALUES;
  const [editing, setEditing] = useState(false);
  const [disabling, setDisabling] = useState(false);
  const php = site.php;
  return (
    <section className="site-part php" data-site={site.name} aria-label={`PHP of ${site.name}`}>
      <h4>PHP</h4>
      {php ? (
        <>
          <p data-testid="php-summary">
            PHP <strong>{php.version}</strong>, pool <code>{poolName(site.name)}</code> as user <code>{site.name}</code>
            {site.status === 'suspended' ? ' (stopped while suspended)' : ''}
          </p>
          <p className="muted">
            memory {php.values.memoryLimit} · uploads {php.values.uploadMaxFilesize} · POST {php.values.postMaxSize} · {php.values.maxExecutionTime} s · up to {php.values.maxChildren} processes
            {php.extras.length > 0 ? ` · ${php.extras.length} extra setting${php.extras.length === 1 ? '' : 's'}` : ''}
          </p>
        </>
      ) : <p className="muted">PHP is off: .php files are not run.</p>}
      {disabling && php && <DisablePhp server={server} site={site} onCancel={() => setDisabling(false)} onDone={async (m) => { setDisabling(false); await onChanged(m); }} />}
      {editing
        ? <PhpForm server={server} site={site} defaults={defaults} onCancel={() => setEditing(false)} onDone={async (m) => { setEditing(false); await onChanged(m); }} />
        : !disabling && (
          <div className="actions">
            <button onClick={() => { setDisabling(false); setEditing(true); }}>{php ? 'Change PHP…' : 'Turn PHP on'}</button>
            {php && <button className="link danger" onClick={() => { setEditing(false); setDisabling(true); }}>Turn PHP off…</button>}
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

function PhpForm({ server, site, defaults, onCancel, onDone }: FormProps & { defaults: PhpValues }) {
  const versions = useQuery({ queryKey: ['hosting.phpVersions', server.id], queryFn: () => client.call('hosting.phpVersions', { serverId: server.id }) });
  const installed = versions.data?.installed ?? [];
  const [version, setVersion] = useState(site.php?.version ?? '');
  const [texts, setTexts] = useState<Texts>(() => textsOf(site.php?.values ?? defaults));
  const [extras, setExtras] = useState(() => (site.php?.extras ?? []).map((e) => `${e.name} = ${e.value}`).join('\n'));
  const action = useAction();
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
    return line === undefined ? m : `Line ${Number(line) + 1}: ${m}`;
  });

  const save = () =>
    action.run(async () => {
      const r = await client.call('hosting.setPhp', { serverId: server.id, ...input });
      await onDone(`PHP ${input.version} for ${site.name} queued on ${server.name} (${r.tasks.length === 1 ? '1 task' : `${r.tasks.length} tasks`}).`);
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
    <form className="form sub-form php-form" onSubmit={submit} aria-label={`PHP of ${site.name}`}>
      <FormError error={action.error} />
      {versions.error && <div className="note note-error" role="alert">Could not look for php-fpm on {server.name}: {versions.error.message}</div>}
      {versions.data && installed.length === 0 && <div className="note note-warn" role="alert">No php-fpm found on {server.name} where the PHP settings look (install php-fpm, or check the settings).</div>}
      <Field name="version" label="PHP version" error={f.version} hint={versions.isLoading ? 'Looking for php-fpm on the server…' : 'The php-fpm versions installed on the server'}>
        <select value={chosen} onChange={(e) => setVersion(e.target.value)}>
          {installed.map((i) => <option key={i.version} value={i.version}>PHP {i.version} ({i.binary})</option>)}
          {chosen !== '' && !installed.some((i) => i.version === chosen) && <option value={chosen}>PHP {chosen} (not found on the server)</option>}
        </select>
      </Field>
      <div className="php-values">
        {value('memoryLimit', 'Memory limit', 'Like 128M; -1 = no limit')}
        {value('uploadMaxFilesize', 'Upload size limit', 'Like 32M')}
        {value('postMaxSize', 'POST size limit', 'Like 32M')}
        {value('maxExecutionTime', 'Max execution time (s)', '0 = no limit')}
        {value('maxChildren', 'Max processes', 'PHP processes of the site at once')}
        {value('idleTimeout', 'Idle timeout (s)', 'An idle process ends after this')}
      </div>
      <Field name="extras" label="Extra settings (optional)" error={extraErrors.join(' · ') || undefined} hint="One per line: name = value, like display_errors = Off or date.timezone = Europe/Berlin">
        <textarea value={extras} onChange={(e) => setExtras(e.target.value)} rows={3} spellCheck={false} />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy || chosen === ''}>{site.php ? 'Apply PHP settings' : 'Turn PHP on'}</button>
        <button type="button" disabled={action.busy || chosen === ''} onClick={() => void preview.open(`PHP ${chosen} for ${site.name}`, { op: 'setPhp', input }, save)}>Preview</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {preview.dialog}
    </form>
  );
}

function DisablePhp({ server, site, onCancel, onDone }: FormProps) {
  const action = useAction();
  const preview = usePreview(server.id, action);
  const disable = () =>
    action.run(async () => {
      await client.call('hosting.disablePhp', { serverId: server.id, site: site.name });
      await onDone(`PHP off for ${site.name} queued on ${server.name}.`);
    });
  return (
    <div className="note note-warn" role="alertdialog" aria-label={`Turn PHP off for ${site.name}`}>
      <p>Turn PHP off for <strong>{site.name}</strong>? Its domains stop running .php files and its pool is removed; the site's files stay.</p>
      <FormError error={action.error} />
      <div className="actions">
        <button className="danger solid" disabled={action.busy} onClick={() => void disable()}>Turn PHP off</button>
        <button disabled={action.busy} onClick={() => void preview.open(`PHP off for ${site.name}`, { op: 'disablePhp', site: site.name }, disable)}>Preview</button>
        <button onClick={onCancel} autoFocus>Keep it</button>
      </div>
      {preview.dialog}
    </div>
  );
}
