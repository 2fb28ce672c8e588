// Alert thresholds per role (in the Fleet health tab): a limit per metric for all servers and,
// replacing it, for the servers of a role. A server past a limit at its latest sample turns red
// at its next check, with the usual toast and desktop notification. Empty: no limit.
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NO_LIMITS, type Limits, type SampleMetric, type Thresholds } from '../../shared/api/fleet';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { msg } from '../i18n';

export const thresholdsKey = ['health.thresholds'] as const;

const ROWS: { key: keyof Thresholds; label: string }[] = [
  { key: 'all', label: msg('All servers') },
  { key: 'web', label: msg('web servers') },
  { key: 'db', label: msg('db servers') },
  { key: 'ftp', label: msg('ftp servers') },
  { key: 'ns', label: msg('ns servers') },
];

const COLUMNS: { key: SampleMetric; label: string }[] = [
  { key: 'load', label: msg('Load above') },
  { key: 'memoryPct', label: msg('Memory % above') },
  { key: 'diskPct', label: msg('Disk % above') },
  { key: 'certDays', label: msg('Certificate days below') },
  { key: 'backupAgeH', label: msg('Backup age (h) above') },
];

type Draft = Record<keyof Thresholds, Record<SampleMetric, string>>;

const toDraft = (th: Thresholds): Draft => Object.fromEntries(ROWS.map((r) => [r.key, Object.fromEntries(COLUMNS.map((c) => [c.key, th[r.key][c.key] === null ? '' : String(th[r.key][c.key])]))])) as Draft;

function fromDraft(d: Draft): Thresholds {
  const limits = (row: Record<SampleMetric, string>): Limits => {
    const out: Limits = { ...NO_LIMITS };
    for (const c of COLUMNS) {
      const text = row[c.key].trim();
      // Not a number: sent as typed, so that the core's message shows under the field.
      out[c.key] = text === '' ? null : /^\d+(\.\d+)?$/.test(text) ? Number(text) : (text as unknown as number);
    }
    return out;
  };
  return Object.fromEntries(ROWS.map((r) => [r.key, limits(d[r.key])])) as Thresholds;
}

export function HealthThresholds() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const thresholds = useQuery({ queryKey: thresholdsKey, queryFn: () => client.call('health.thresholds', {}) });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (thresholds.data && !draft) setDraft(toDraft(thresholds.data));
  }, [thresholds.data, draft]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(false);
    try {
      queryClient.setQueryData(thresholdsKey, await client.call('health.setThresholds', fromDraft(draft)));
      setSaved(true);
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('Saving failed.')));
    }
  }

  if (!draft) return null;
  const fields = error?.fields ?? {};
  return (
    <details className="thresholds">
      <summary>{t('Alert thresholds per role')}</summary>
      <form onSubmit={save} aria-label={t('Alert thresholds')}>
        <p className="muted">{t("A server past a limit at its latest sample needs action (red) from its next check on, with a notification. A role's limit replaces the one for all servers; empty: no limit.")}</p>
        {error && (error.fields ? <div className="note note-error" role="alert">{error.message}</div> : <ErrorNote error={error} />)}
        <table className="table">
          <thead>
            <tr>
              <th />
              {COLUMNS.map((c) => <th key={c.key}>{t(c.label)}</th>)}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key} data-role={r.key}>
                <th scope="row">{t(r.label)}</th>
                {COLUMNS.map((c) => {
                  const problem = fields[`${r.key}.${c.key}`];
                  return (
                    <td key={c.key} className={problem ? 'has-error' : ''}>
                      <input
                        inputMode="decimal"
                        aria-label={t('{{limit}} for {{servers}}', { limit: t(c.label), servers: t(r.label) })}
                        value={draft[r.key][c.key]}
                        onChange={(e) => setDraft({ ...draft, [r.key]: { ...draft[r.key], [c.key]: e.target.value } })}
                      />
                      {problem && <div className="field-error" role="alert">{problem}</div>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button type="submit" className="primary">{t('Save thresholds')}</button>
          {saved && <span className="muted" role="status">{t('Saved.')}</span>}
        </div>
      </form>
    </details>
  );
}
