// Team mode: a save refused because someone else changed the record since it was opened. Shows
// both versions side by side (only what differs) and asks: overwrite theirs with yours, or take
// theirs (and drop this edit). Nothing was saved until the user chooses.
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../shared/errors';
import './team.css';

export type Conflict = { baseVersion: number | null; theirs: { version: number; data: Record<string, unknown>; updatedBy: string; updatedAt: string } | null };

/** The conflict a save was refused with, or null for any other error. */
export function conflictOf(error: AppError | null): Conflict | null {
  if (error?.code !== 'conflict' || !error.data || !('theirs' in error.data)) return null;
  return error.data as unknown as Conflict;
}

const show = (v: unknown) => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : JSON.stringify(v));

export function ConflictNote({ conflict, yours, labels, onOverwrite, onTakeTheirs, busy }: {
  conflict: Conflict;
  yours: Record<string, unknown>;
  /** Field key -> label, in the order to show them. */
  labels: Record<string, string>;
  onOverwrite: (theirVersion: number) => void;
  onTakeTheirs: (theirs: Record<string, unknown>, theirVersion: number) => void;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  const { theirs } = conflict;
  if (!theirs) {
    return (
      <div className="note note-error conflict-note" role="alertdialog" aria-label={t('Edit conflict')}>
        <strong>{t('Someone removed this while you were editing it.')}</strong> {t('Nothing was saved.')}
      </div>
    );
  }
  const differing = Object.keys(labels).filter((k) => show(yours[k]) !== show(theirs.data[k]));
  return (
    <div className="note note-warn conflict-note" role="alertdialog" aria-label={t('Edit conflict')}>
      <strong>
        {t('{{who}} changed this at {{when}} (version {{version}}) while you were editing version {{base}}.', { who: theirs.updatedBy, when: theirs.updatedAt, version: theirs.version, base: conflict.baseVersion ?? '—' })}
      </strong>{' '}
      {t('Nothing was saved. Which one should stay?')}
      <table className="conflict-table">
        <thead>
          <tr>
            <th />
            <th>{t('Yours')}</th>
            <th>{t('Theirs')}</th>
          </tr>
        </thead>
        <tbody>
          {differing.map((k) => (
            <tr key={k} data-field={k}>
              <th scope="row">{labels[k]}</th>
              <td className="conflict-yours">{show(yours[k])}</td>
              <td className="conflict-theirs">{show(theirs.data[k])}</td>
            </tr>
          ))}
          {differing.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                {t('The same values as yours.')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="danger" disabled={busy} onClick={() => onOverwrite(theirs.version)}>
          {t('Overwrite with mine')}
        </button>
        <button type="button" disabled={busy} onClick={() => onTakeTheirs(theirs.data, theirs.version)}>
          {t('Take theirs')}
        </button>
      </div>
    </div>
  );
}
