// The staged edits' bar under the grid and the review of their exact SQL. When the server turns
// read-only with edits staged (support mode switched on), they can only be discarded.
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../components/ErrorNote';
import type { TableEdits } from './useTableEdits';

export function EditBar({ edits, writable }: { edits: TableEdits; writable: boolean }) {
  const { t } = useTranslation();
  const n = edits.count;
  if (!writable && !n) return null;
  return (
    <div className="edit-bar">
      {n > 0 && <span className="staged-count">{t('{{count}} changes staged', { count: n })}{writable ? '' : t(' · read-only now: they cannot be applied')}</span>}
      <button className="small" onClick={edits.discard} disabled={!n}>{t('Discard')}</button>
      {writable && (
        <>
          <button className="small" onClick={edits.openReview} disabled={!n}>{t('Review changes')}</button>
          <button className="small primary" onClick={edits.apply} disabled={!n} title={t('Apply the staged changes in one transaction (Ctrl+Enter)')}>{t('Apply')}</button>
        </>
      )}
    </div>
  );
}

export function ReviewDialog({ edits }: { edits: TableEdits }) {
  const { t } = useTranslation();
  const r = edits.review;
  if (!r.open) return null;
  return (
    <div className="modal-backdrop" onClick={edits.closeReview}>
      <div className="panel modal review" role="dialog" aria-label={t('Review changes')} onClick={(e) => e.stopPropagation()}>
        <h3>{t('These statements run in one transaction')}</h3>
        {r.busy && !r.sql && <p className="muted">{t('Preparing…')}</p>}
        {r.sql && <pre className="sql-preview" data-testid="sql-preview">{r.sql.join(';\n') + ';'}</pre>}
        {r.error && <ErrorNote error={r.error} />}
        <div className="actions">
          <button className="primary" onClick={edits.apply} disabled={r.busy}>{r.applying ? t('Applying…') : t('Apply')}</button>
          <button onClick={edits.closeReview}>{t('Back')}</button>
        </div>
      </div>
    </div>
  );
}
