// Where the server's sites log and how long rotated logs are kept (the `logs` part of
// hosting.setSettings). Each value is checked by the contract with its error under its field.
// Sites created (and domains bound) from then on use the new values.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostingSettings } from '../../shared/api/hosting';
import { DEFAULT_LOG_SETTINGS, type LogSettings as Settings } from '../../shared/api/logs';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, useAction } from '../hosting/common';

export function LogSettings({ server, current, onSaved }: { server: Server; current: HostingSettings; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const stored = current.logs ?? DEFAULT_LOG_SETTINGS;
  const [v, setV] = useState({ dir: stored.dir, rotateDir: stored.rotateDir, keep: String(stored.keep) });
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const changed = v.dir !== stored.dir || v.rotateDir !== stored.rotateDir || v.keep !== String(stored.keep);
  const set = (change: Partial<typeof v>) => {
    setSaved(false);
    setV({ ...v, ...change });
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const ok = await action.run(async () => {
      const logs: Settings = { dir: v.dir, rotateDir: v.rotateDir, keep: Number(v.keep) };
      const r = await client.call('hosting.setSettings', { serverId: server.id, logs });
      const now = r.settings.logs ?? DEFAULT_LOG_SETTINGS;
      setV({ dir: now.dir, rotateDir: now.rotateDir, keep: String(now.keep) });
      await onSaved();
    });
    setSaved(ok);
  }

  return (
    <details className="panel log-settings">
      <summary>
        <strong>{t('Log settings')}</strong>
        <span className="muted"> · {t('sites log into')} <code>{stored.dir}/&lt;site&gt;</code> · {t('rotated daily, {{keep}} kept', { keep: stored.keep })}</span>
      </summary>
      <form className="form" onSubmit={save} aria-label={t('Log settings')}>
        <FormError error={action.error} />
        {saved && !changed && <div className="note note-ok" role="status">{t('Saved. Sites created and domains bound from now on use these settings.')}</div>}
        <Field name="logs.dir" label={t('Log folder')} error={action.fields['logs.dir']} hint={t('Each site gets <folder>/<site>/ (root\'s, readable by the site\'s group): nginx\'s access and error logs, PHP\'s error and slow logs')}>
          <input value={v.dir} onChange={(e) => set({ dir: e.target.value })} spellCheck={false} autoComplete="off" />
        </Field>
        <Field name="logs.rotateDir" label={t('logrotate folder')} error={action.fields['logs.rotateDir']} hint={t('The site\'s rule is hostdeck-<site> here (Debian: /etc/logrotate.d)')}>
          <input value={v.rotateDir} onChange={(e) => set({ rotateDir: e.target.value })} spellCheck={false} autoComplete="off" />
        </Field>
        <Field name="logs.keep" label={t('Days kept')} error={action.fields['logs.keep']} hint={t('Rotated files kept, one a day (compressed from the second)')}>
          <input type="number" value={v.keep} onChange={(e) => set({ keep: e.target.value })} />
        </Field>
        <div className="actions">
          <button className="primary" type="submit" disabled={action.busy || !changed}>{t('Save log settings')}</button>
          <button type="button" disabled={action.busy || !changed} onClick={() => { setV({ dir: stored.dir, rotateDir: stored.rotateDir, keep: String(stored.keep) }); action.clear(); }}>{t('Revert')}</button>
        </div>
      </form>
    </details>
  );
}
