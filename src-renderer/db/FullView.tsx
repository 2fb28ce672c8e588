// A cell's whole value beside the grid: text (JSON pretty-printed), binary as hex rows, a
// geometry as its WKT above its bytes.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cell, Column } from '../../shared/api/db';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { asAppError } from './api';
import { cellText, isPartial, prettyIfJson } from './cells';
import { formatNumber } from '../i18n/format';

function Body({ value, error }: { value: Cell | undefined; error: AppError | null }) {
  const { t } = useTranslation();
  if (error) return <ErrorNote error={error} />;
  if (value === undefined) return <p className="muted">{t('Loading the full value…')}</p>;
  if (value === null) return <span className="cell-null">NULL</span>;
  if (typeof value === 'object' && value.kind === 'binary')
    return (
      <>
        {value.wkt !== undefined && <pre className="full-text full-wkt">{value.wkt}</pre>}
        <p className="muted">{t('{{n}} bytes', { n: formatNumber(value.size) })}{value.truncated ? t(' (the first part shown)') : ''}</p>
        <pre className="full-text mono">{value.hex.replace(/(.{2})/g, '$1 ').replace(/((?:.. ){16})/g, '$1\n')}</pre>
      </>
    );
  const text = cellText(value) ?? '';
  const p = prettyIfJson(text);
  return (
    <>
      <p className="muted">{t('{{n}} characters', { n: formatNumber(text.length) })}{p.json ? t(' · JSON, pretty-printed') : ''}{typeof value === 'object' && value.kind === 'text' ? t(' · the first part (no key to fetch the rest)') : ''}</p>
      {text === '' ? <p className="muted">{t('(empty string)')}</p> : <pre className="full-text">{p.text}</pre>}
    </>
  );
}

export function FullView({ column, value, error, onClose }: { column: Column; value: Cell | undefined; error: AppError | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <aside className="full-view" role="complementary" aria-label={t('Full value')}>
      <header>
        <strong>{column.name}</strong> <span className="muted mono">{column.type}</span>
        <span className="spacer" />
        <button className="ghost" aria-label={t('Close the full value')} onClick={onClose}>×</button>
      </header>
      <Body value={value} error={error} />
    </aside>
  );
}

type Full = { row: number; col: number; value: Cell | undefined; error: AppError | null };

/** The full value shown beside the grid: a cut value is fetched whole (db.cell) by its row key. */
export function useFullValue(load: (row: number, col: number) => Promise<Cell> | null) {
  const [full, setFull] = useState<Full | null>(null);
  async function open(row: number, col: number, shown: { value: Cell; staged: boolean }) {
    const fetch = !shown.staged && isPartial(shown.value) ? load(row, col) : null;
    setFull({ row, col, value: fetch ? undefined : shown.value, error: null });
    if (!fetch) return;
    try {
      const value = await fetch;
      setFull((f) => (f && f.row === row && f.col === col ? { ...f, value } : f));
    } catch (e) {
      setFull((f) => (f ? { ...f, error: asAppError(e, 'Reading the full value failed.') } : f));
    }
  }
  return { full, open, close: () => setFull(null) };
}
