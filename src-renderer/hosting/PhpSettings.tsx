// Where the server's php-fpm keeps the sites' pools and how it is checked and reloaded (the
// `php` part of hosting.setSettings), with {version} standing for a site's PHP version. Each
// path is checked by the contract with its error under its field. Tasks queued from then on use
// the new values.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostingSettings } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { DEFAULT_PHP_SETTINGS, type PhpReload, type PhpSettings as Settings } from '../../shared/php';
import { client } from '../client/client';
import { Field, FormError, useAction } from './common';
import { msg } from '../i18n';

type Key = 'poolDir' | 'fpmConf' | 'binary' | 'pidFile' | 'socketDir' | 'webGroup';
const FIELDS: [Key, string, string][] = [
  ['poolDir', msg('Pool folder'), msg('The master includes *.conf from it (Debian: /etc/php/{version}/fpm/pool.d)')],
  ['fpmConf', msg('php-fpm main config'), msg('Checked with php-fpm -t --fpm-config before each reload')],
  ['binary', msg('php-fpm binary'), msg('Installed versions are found by putting * for {version}')],
  ['pidFile', msg('Master pid file'), msg('For the reload by signal (SIGUSR2)')],
  ['socketDir', msg('Socket folder'), msg('The pools listen on hd-<site>.sock here')],
  ['webGroup', msg('Web server group'), msg("The only group that may open a pool's socket")],
];

const SYSTEMD_RELOAD = 'systemd: systemctl reload php{version}-fpm';
const SYSTEMCTL = 'systemctl reload';

export function PhpSettings({ server, current, onSaved }: { server: Server; current: HostingSettings; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const stored = current.php ?? DEFAULT_PHP_SETTINGS;
  const [v, setV] = useState<Settings>(stored);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const changed = JSON.stringify(v) !== JSON.stringify(stored);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const ok = await action.run(async () => {
      const r = await client.call('hosting.setSettings', { serverId: server.id, php: v });
      setV(r.settings.php ?? DEFAULT_PHP_SETTINGS);
      await onSaved();
    });
    setSaved(ok);
  }

  return (
    <details className="panel php-settings">
      <summary>
        <strong>{t('PHP settings')}</strong>
        <span className="muted"> · {t('pools in')} <code>{stored.poolDir}</code> · {t('reload by')} {stored.reload === 'systemd' ? <code>systemctl reload php{'{version}'}-fpm</code> : t('signal to the master')}</span>
      </summary>
      <form className="form" onSubmit={save} aria-label={t('PHP settings')}>
        <FormError error={action.error} />
        {saved && !changed && <div className="note note-ok" role="status">{t('Saved. Tasks queued from now on use these settings.')}</div>}
        <div className="settings-groups">
          <fieldset>
            <legend>php-fpm</legend>
            {FIELDS.slice(0, 3).map(([key, label, hint]) => (
              <Field key={key} name={`php.${key}`} label={t(label)} error={action.fields[`php.${key}`]} hint={t(hint)}>
                <input value={v[key]} onChange={(e) => { setSaved(false); setV({ ...v, [key]: e.target.value }); }} spellCheck={false} autoComplete="off" />
              </Field>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('Reload and sockets')}</legend>
            <Field name="php.reload" label={t('Reload')} error={action.fields['php.reload']} hint={SYSTEMD_RELOAD}>
              <select value={v.reload} onChange={(e) => { setSaved(false); setV({ ...v, reload: e.target.value as PhpReload }); }}>
                <option value="systemd">{SYSTEMCTL}</option>
                <option value="pidfile">{t("SIGUSR2 to the pid file's master")}</option>
              </select>
            </Field>
            {FIELDS.slice(3).map(([key, label, hint]) => (
              <Field key={key} name={`php.${key}`} label={t(label)} error={action.fields[`php.${key}`]} hint={t(hint)}>
                <input value={v[key]} onChange={(e) => { setSaved(false); setV({ ...v, [key]: e.target.value }); }} spellCheck={false} autoComplete="off" />
              </Field>
            ))}
          </fieldset>
        </div>
        <div className="actions">
          <button className="primary" type="submit" disabled={action.busy || !changed}>{t('Save PHP settings')}</button>
          <button type="button" disabled={action.busy || !changed} onClick={() => { setV(stored); action.clear(); }}>{t('Revert')}</button>
        </div>
      </form>
    </details>
  );
}
