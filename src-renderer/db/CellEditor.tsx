// Editing one cell: inline for short values (Enter saves), or the multi-line editor — a popover
// by the cell with a textarea that keeps line breaks, tabs and CRs exactly (Ctrl+Enter saves,
// Enter is a new line). Esc cancels both; Alt+N toggles NULL where the column allows it.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Column } from '../../shared/api/db';
import type { Editing } from './useCellEditor';
import { formatNumber } from '../i18n/format';
import { i18n } from '../i18n';

type Props = { editing: Editing; nullable: boolean; onChange: (e: Editing) => void; onCommit: () => void; onCancel: () => void };

function keyHandler({ editing, nullable, onChange, onCommit, onCancel }: Props) {
  return (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && (!editing.multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onCommit();
    } else if (e.key === 'Tab' && editing.multiline && !e.ctrlKey && !e.altKey) {
      // A tab is a character of the value here, not a way out of the editor. insertText types it
      // at the caret as the user would (an input event, the undo history kept).
      e.preventDefault();
      document.execCommand('insertText', false, '\t');
    } else if (e.altKey && e.key.toLowerCase() === 'n' && nullable) {
      e.preventDefault();
      onChange({ ...editing, isNull: !editing.isNull });
    }
  };
}

function NullCheck({ editing, nullable, onChange }: Pick<Props, 'editing' | 'nullable' | 'onChange'>) {
  const { t } = useTranslation();
  if (!nullable) return null;
  return (
    <label className="check null-check" title={t('Set NULL (Alt+N)')}>
      <input type="checkbox" aria-label="NULL" checked={editing.isNull} onChange={(e) => onChange({ ...editing, isNull: e.target.checked })} /> NULL
    </label>
  );
}

const inputProps = (p: Props) => ({
  autoFocus: true,
  'aria-label': i18n.t('Cell value'),
  className: 'cell-input mono',
  value: p.editing.isNull ? '' : p.editing.value,
  placeholder: p.editing.isNull ? 'NULL' : p.editing.loading ? i18n.t('loading…') : '',
  disabled: p.editing.loading,
  onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => p.onChange({ ...p.editing, value: e.target.value, isNull: false }),
  onKeyDown: keyHandler(p),
});

/** The one-line editor inside the cell. */
export function InlineEditor(p: Props) {
  const { t } = useTranslation();
  return (
    <div className="cell-editor" onDoubleClick={(e) => e.stopPropagation()}>
      <input {...inputProps(p)} />
      <NullCheck {...p} />
      <button type="button" className="small ghost" title={t('Multi-line editor')} aria-label={t('Multi-line editor')} onMouseDown={(e) => e.preventDefault()} onClick={() => p.onChange({ ...p.editing, multiline: true })}>
        ⤢
      </button>
      <button type="button" className="small" onMouseDown={(e) => e.preventDefault()} onClick={p.onCommit}>{t('OK')}</button>
    </div>
  );
}

/** Where the popover goes: under the cell, kept inside the window. */
export type Anchor = { top: number; bottom: number; left: number };
const POPOVER = { width: 560, height: 300 };

/** The multi-line editor, placed by the cell (fixed: the grid's rows are transformed). */
export function MultilineEditor(p: Props & { column: Column; anchor: Anchor }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!p.editing.loading) ref.current?.focus();
  }, [p.editing.loading]);
  const below = p.anchor.bottom + POPOVER.height < window.innerHeight;
  const top = below ? p.anchor.bottom : Math.max(8, p.anchor.top - POPOVER.height);
  const left = Math.max(8, Math.min(p.anchor.left, window.innerWidth - POPOVER.width - 8));
  const text = p.editing.value;
  const lines = text === '' ? 0 : text.split(/\r\n|\r|\n/).length;
  return (
    <div className="cell-popover panel" role="dialog" aria-label={t('Edit {{column}}', { column: p.column.name })} style={{ top, left, width: POPOVER.width, height: POPOVER.height }}>
      <header>
        <strong>{p.column.name}</strong> <span className="muted mono">{p.column.type}</span>
        <span className="spacer" />
        <span className="muted">{p.editing.isNull ? 'NULL' : `${t('{{n}} characters', { n: formatNumber([...text].length) })} · ${t('{{count}} lines', { count: lines })}`}</span>
      </header>
      <textarea {...inputProps(p)} ref={ref} spellCheck={false} />
      {p.editing.eol === 'crlf' && <p className="muted popover-hint">{t('Windows line endings (CRLF): kept when saved.')}</p>}
      {p.editing.eol === 'mixed' && <p className="note note-warn popover-hint">{t('This value mixes line endings (a CR ⇤ on its own): once edited here, every line break is saved as LF.')}</p>}
      <div className="actions">
        <NullCheck {...p} />
        <span className="muted popover-hint">{t('Ctrl+Enter saves · Esc cancels')}</span>
        <span className="spacer" />
        <button type="button" onClick={p.onCancel}>{t('Cancel')}</button>
        <button type="button" className="primary" onClick={p.onCommit} disabled={p.editing.loading}>{t('Save')}</button>
      </div>
    </div>
  );
}
