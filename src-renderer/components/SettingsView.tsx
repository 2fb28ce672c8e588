// App settings (a tab): SSH keepalive and idle close, the health timer and how many servers it
// checks at once, desktop notifications. The core validates; each field shows its own message.
// It lives with health because health brought the first settings worth a screen.
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from './ErrorNote';
import { NotificationsButton } from '../health/NotificationsButton';
import { LanguageSelect } from '../i18n/LanguageSelect';
import { msg } from '../i18n';

const settingsKey = ['settings'] as const;

type Editable = 'keepaliveIntervalS' | 'idleCloseS' | 'healthIntervalS' | 'healthConcurrency';
const FIELDS: { key: Editable; label: string; hint: string }[] = [
  { key: 'healthIntervalS', label: msg('Health check every (s)'), hint: msg('Each server is checked this often (5–3600 s)') },
  { key: 'healthConcurrency', label: msg('Servers checked at once'), hint: msg('The rest wait their turn (1–256)') },
  { key: 'keepaliveIntervalS', label: msg('SSH keepalive (s)'), hint: msg('Notices dead connections; 0 turns it off') },
  { key: 'idleCloseS', label: msg('Close unused connections after (s)'), hint: msg('Except those health checks keep for their next tick') },
];

export function SettingsView() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: settingsKey, queryFn: () => client.call('settings.get', {}) });
  const [draft, setDraft] = useState<Record<Editable, string> | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => client.on('settings.changed', () => void queryClient.invalidateQueries({ queryKey: settingsKey })), [queryClient]);
  useEffect(() => {
    if (settings.data && !draft) setDraft(Object.fromEntries(FIELDS.map((f) => [f.key, String(settings.data[f.key])])) as Record<Editable, string>);
  }, [settings.data, draft]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const patch: Partial<Settings> = Object.fromEntries(FIELDS.map((f) => [f.key, /^\d+$/.test(draft[f.key].trim()) ? Number(draft[f.key].trim()) : Number.NaN]));
    setError(null);
    setSaved(false);
    try {
      queryClient.setQueryData(settingsKey, await client.call('settings.update', patch));
      setSaved(true);
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('Saving failed.')));
    }
  }

  if (!draft) return <p className="muted">{t('Loading the settings…')}</p>;
  const fields = error?.fields ?? {};
  return (
    <form className="panel form settings-view" onSubmit={save} aria-label={t('Settings')}>
      <h2>{t('Settings')}</h2>
      {error && (error.fields ? <div className="note note-error" role="alert">{error.message}</div> : <ErrorNote error={error} />)}
      <div className="grid">
        <LanguageSelect />
        {FIELDS.map((f) => (
          <label key={f.key} className={`field ${fields[f.key] ? 'has-error' : ''}`} data-field={f.key}>
            <span className="label">{t(f.label)}</span>
            <input name={f.key} inputMode="numeric" value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
            {fields[f.key] ? <span className="field-error" role="alert">{fields[f.key]}</span> : <span className="hint">{t(f.hint)}</span>}
          </label>
        ))}
      </div>
      <label className="field support-mode-switch" data-field="supportMode">
        <span className="label">
          <input
            type="checkbox"
            name="supportMode"
            checked={settings.data?.supportMode ?? false}
            onChange={async (e) => {
              setError(null);
              try {
                queryClient.setQueryData(settingsKey, await client.call('settings.update', { supportMode: e.target.checked }));
              } catch (err) {
                setError(err instanceof AppError ? err : new AppError('internal', t('Saving failed.')));
              }
            }}
          />{' '}
          {t('Support mode (read-only databases)')}
        </span>
        <span className="hint">{t('Every database session on every server becomes read-only: statements that could write are refused before they are sent, and MySQL sessions run READ ONLY. Everything sent is in the audit log (status bar).')}</span>
      </label>
      <div className="actions">
        <button type="submit" className="primary">{t('Save settings')}</button>
        {saved && <span className="muted" role="status">{t('Saved.')}</span>}
        <span className="spacer" />
        <NotificationsButton />
      </div>
    </form>
  );
}
