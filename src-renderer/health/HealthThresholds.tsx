// Alert thresholds per role (in the Fleet health tab): a limit per metric for all servers and,
// replacing it, for the servers of a role. A server past a limit at its latest sample turns red
// at its next check, with the usual toast and desktop notification. Empty: no limit.
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { NO_LIMITS, type Limits, type SampleMetric, type Thresholds } from '../../shared/api/fleet';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';

export const thresholdsKey = ['health.thresholds'] as const;

const ROWS: { key: keyof Thresholds; label: string }[] = [
  { key: 'all', label: 'All servers' },
  { key: 'web', label: 'web servers' },
  { key: 'db', label: 'db servers' },
  { key: 'ftp', label: 'ftp servers' },
  { key: 'ns', label: 'ns servers' },
];

const COLUMNS: { key: SampleMetric; label: string }[] = [
  { key: 'load', label: 'Load above' },
  { key: 'memoryPct', label: 'Memory % above' },
  { key: 'diskPct', label: 'Disk % above' },
  { key: 'certDays', label: 'Certificate days below' },
  { key: 'backupAgeH', label: 'Backup age (h) above' },
];

type Draft = Record<keyof Thresholds, Record<SampleMetric, string>>;

const toDraft = (t: Thresholds): Draft => Object.fromEntries(ROWS.map((r) => [r.key, Object.fromEntries(COLUMNS.map((c) => [c.key, t[r.key][c.key] === null ? '' : String(t[r.key][c.key])]))])) as Draft;

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
      setError(e instanceof AppError ? e : new AppError('internal', 'Saving failed.'));
    }
  }

  if (!draft) return null;
  const fields = error?.fields ?? {};
  return (
    <details className="thresholds">
      <summary>Alert thresholds per role</summary>
      <form onSubmit={save} aria-label="Alert thresholds">
        <p className="muted">A server past a limit at its latest sample needs action (red) from its next check on, with a notification. A role's limit replaces the one for all servers; empty: no limit.</p>
        {error && (error.fields ? <div className="note note-error" role="alert">{error.message}</div> : <ErrorNote error={error} />)}
        <table className="table">
          <thead>
            <tr>
              <th />
              {COLUMNS.map((c) => <th key={c.key}>{c.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key} data-role={r.key}>
                <th scope="row">{r.label}</th>
                {COLUMNS.map((c) => {
                  const problem = fields[`${r.key}.${c.key}`];
                  return (
                    <td key={c.key} className={problem ? 'has-error' : ''}>
                      <input
                        inputMode="decimal"
                        aria-label={`${c.label} for ${r.label}`}
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
          <button type="submit" className="primary">Save thresholds</button>
          {saved && <span className="muted" role="status">Saved.</span>}
        </div>
      </form>
    </details>
  );
}
