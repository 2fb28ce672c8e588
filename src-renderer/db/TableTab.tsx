// One table (the 'table' tab): a virtualised grid of 100-row pages (keyset paging on the key,
// offset for a jump), sort, filters and a raw WHERE, estimate and exact count, faithful cells
// with a full view, and staged edits shown as SQL before they run (useTableEdits, useCellEditor).
// A read-only server (support mode, its own flag) or a keyless table offers no editing at all.
import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { Cell, Column, Filter, PageRequest } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { asAppError, dbCall } from './api';
import { CellView, formatCount } from './cells';
import { InlineEditor, MultilineEditor, type Anchor } from './CellEditor';
import { EditBar, ReviewDialog } from './EditBar';
import { FullView, useFullValue } from './FullView';
import { useCellEditor } from './useCellEditor';
import { useTableEdits } from './useTableEdits';
import { useWriteAccess } from './useWriteAccess';
import { formatDuration } from '../i18n/format';
import { coreText } from '../i18n/core-text';

export const PAGE_SIZE = 100;
const ROW_HEIGHT = 26;
const GUTTER = 72;

type Props = { server: Server; database: string; table: string };
/** Where the shown page starts: keyset (after) or offset; start = 0-based index of its first row. */
type Pos = { after: Cell[] | null; offset: number; start: number };
type Sort = { column: string; dir: 'asc' | 'desc' } | null;
type DraftFilter = { column: string; op: Filter['op']; value: string };

const OPS: Filter['op'][] = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE', 'IS NULL', 'IS NOT NULL', 'IN'];
const IN_EXAMPLE = 'a, b, c';
const START: Pos = { after: null, offset: 0, start: 0 };

function widthFor(c: Column): number {
  const type = c.type.toLowerCase();
  if (/^(tiny|small|medium)?int|^bigint|^year|^bit/.test(type)) return Math.max(80, Math.min(c.name.length * 8 + 30, 160));
  if (/^(decimal|float|double)/.test(type)) return 120;
  if (/^(datetime|timestamp)/.test(type)) return 180;
  if (/^(date|time)/.test(type)) return 110;
  if (/^(enum|set)/.test(type)) return 120;
  const m = /^var(?:char|binary)\((\d+)\)/.exec(type);
  if (m) return Math.max(110, Math.min(Number(m[1]) * 7, 260));
  if (/text|blob|json|geometry|point|polygon|linestring/.test(type)) return 260;
  return 160;
}

export function TableTab({ server, database, table }: Props) {
  const { t } = useTranslation();
  const serverId = server.id;
  // gcTime 0: a table opened again (or a page visited again) is read again, never shown stale.
  const meta = useQuery({ queryKey: ['db.columns', serverId, database, table], queryFn: () => dbCall('db.columns', { serverId, database, table }), gcTime: 0 });
  const access = useWriteAccess(serverId, server.name);

  const [pos, setPos] = useState<Pos>(START);
  const [stack, setStack] = useState<Pos[]>([]);
  const [sort, setSort] = useState<Sort>(null);
  const [filters, setFilters] = useState<Filter[]>([]);
  const [where, setWhere] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<DraftFilter[]>([]);
  const [draftWhere, setDraftWhere] = useState('');
  const [goto, setGoto] = useState('');
  const [count, setCount] = useState<{ value: number | null; busy: boolean; error: AppError | null; forKey: string }>({ value: null, busy: false, error: null, forKey: '' });
  const [sel, setSel] = useState<{ row: number; col: number } | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [anchor, setAnchor] = useState<Anchor | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const request: PageRequest = { serverId, database, table, pageSize: PAGE_SIZE, after: pos.after, offset: pos.offset, sort, filters, where };
  const requestKey = JSON.stringify(request);
  const page = useQuery({ queryKey: ['db.page', serverId, database, table, requestKey], queryFn: () => dbCall('db.page', request), placeholderData: keepPreviousData, gcTime: 0 });
  const filterKey = JSON.stringify({ filters, where });

  const columns: Column[] = page.data?.columns ?? meta.data?.columns ?? [];
  const key = meta.data?.key ?? null;
  const writable = access.state === 'writable';
  const editable = key !== null && writable && !!meta.data;
  const rows = page.data?.rows ?? [];
  const edits = useTableEdits({ serverId, database, table, columns, rows, key });
  const editor = useCellEditor({ serverId, database, table, columns, pageRows: rows.length, edits, onError: setActionError });
  const fullValue = useFullValue((row, col) => (key && row < rows.length ? dbCall('db.cell', { serverId, database, table, key: edits.rowKey(rows[row]!), column: columns[col]!.name }).then((r) => r.value) : null));
  const editing = editor.editing;
  const total = rows.length + edits.insertCount;
  const template = `${GUTTER}px ${columns.map((c) => `${widthFor(c)}px`).join(' ')}`;
  const width = GUTTER + columns.reduce((s, c) => s + widthFor(c), 0);

  const virtual = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  // A new page: back to its top, selection kept in range.
  const shownKey = page.isPlaceholderData ? null : requestKey;
  useEffect(() => {
    if (shownKey) {
      scroller.current?.scrollTo({ top: 0 });
      setPicked(new Set());
    }
  }, [shownKey]);

  // Support mode switched on (or the access made read-only) while a cell is open: close it.
  const cancelEdit = editor.cancel;
  useEffect(() => {
    if (!editable) cancelEdit();
  }, [editable, cancelEdit]);

  function reset() {
    setPos(START);
    setStack([]);
    setSel(null);
  }

  const canEditColumn = (c: Column | undefined) => !!c && !/GENERATED/i.test(c.extra);

  // ---- paging -------------------------------------------------------------------------------
  const hasNext = !!page.data && !page.isPlaceholderData && page.data.more;
  function next() {
    if (!page.data) return;
    setStack((s) => [...s, pos]);
    if (page.data.next) setPos({ after: page.data.next, offset: 0, start: pos.start + rows.length });
    else setPos({ after: null, offset: pos.start + rows.length, start: pos.start + rows.length });
    setSel(null);
  }
  function previous() {
    const last = stack[stack.length - 1];
    if (!last) return;
    setStack((s) => s.slice(0, -1));
    setPos(last);
    setSel(null);
  }
  function gotoRow(n: number) {
    if (!Number.isFinite(n) || n < 1) return;
    const offset = Math.floor(n) - 1;
    setStack((s) => [...s, pos]);
    setPos({ after: null, offset, start: offset });
    setSel(null);
  }
  async function exactCount(): Promise<number | null> {
    setCount((c) => ({ ...c, busy: true, error: null }));
    try {
      const r = await dbCall('db.count', { serverId, database, table, filters, where });
      setCount({ value: r.count, busy: false, error: null, forKey: filterKey });
      return r.count;
    } catch (e) {
      setCount({ value: null, busy: false, error: asAppError(e, t('Counting failed.')), forKey: filterKey });
      return null;
    }
  }
  async function lastPage() {
    const n = count.forKey === filterKey && count.value !== null ? count.value : await exactCount();
    if (n === null) return;
    const offset = Math.max(0, Math.floor((n - 1) / PAGE_SIZE) * PAGE_SIZE);
    setStack((s) => [...s, pos]);
    setPos({ after: null, offset, start: offset });
    setSel(null);
  }

  // ---- sort and filters ---------------------------------------------------------------------
  function cycleSort(column: string) {
    setSort((s) => (!s || s.column !== column ? { column, dir: 'asc' } : s.dir === 'asc' ? { column, dir: 'desc' } : null));
    reset();
  }
  function applyFilters() {
    const list: Filter[] = drafts
      .filter((d) => d.column && (d.op === 'IS NULL' || d.op === 'IS NOT NULL' || d.value !== ''))
      .map((d) => (d.op === 'IS NULL' || d.op === 'IS NOT NULL' ? { column: d.column, op: d.op } : d.op === 'IN' ? { column: d.column, op: d.op, value: d.value.split(',').map((v) => v.trim()) } : { column: d.column, op: d.op, value: d.value }));
    setFilters(list);
    setWhere(draftWhere.trim() || null);
    reset();
  }
  function clearFilters() {
    setDrafts([]);
    setDraftWhere('');
    setFilters([]);
    setWhere(null);
    reset();
  }

  // ---- edits --------------------------------------------------------------------------------
  /** Where the cell is on screen, for the multi-line editor (the rows are transformed: it is fixed). */
  function cellAnchor(row: number, col: number): Anchor | null {
    const name = CSS.escape(columns[col]!.name);
    const r = row >= rows.length ? `new-${row - rows.length}` : String(pos.start + row + 1);
    const rect = scroller.current?.querySelector(`.grid-row[data-row="${r}"] .grid-cell[data-col="${name}"]`)?.getBoundingClientRect();
    return rect ? { top: rect.top, bottom: rect.bottom, left: rect.left } : null;
  }
  function startEdit(row: number, col: number) {
    if (!editable || row >= total || !canEditColumn(columns[col])) return;
    setSel({ row, col });
    setAnchor(cellAnchor(row, col));
    void editor.start(row, col, () => edits.rowKey(rows[row]!));
  }
  function endEdit(save: boolean) {
    if (save) editor.commit();
    else editor.cancel();
    scroller.current?.focus();
  }
  function deletePicked() {
    edits.deleteRows(picked.size ? [...picked] : sel ? [sel.row] : []);
    setPicked(new Set());
  }
  function addRow() {
    const row = total;
    edits.addRow();
    setSel({ row, col: 0 });
    setTimeout(() => virtual.scrollToIndex(row), 0);
  }
  const openFull = (row: number, col: number) => void fullValue.open(row, col, edits.shown(row, col));

  // ---- keyboard -----------------------------------------------------------------------------
  function onGridKey(e: React.KeyboardEvent) {
    if (editing) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (editable && edits.count) edits.apply();
      return;
    }
    if (!columns.length || !total) return;
    const cur = sel ?? { row: 0, col: 0 };
    const move = (row: number, col: number) => {
      const r = Math.max(0, Math.min(total - 1, row));
      const c = Math.max(0, Math.min(columns.length - 1, col));
      setSel({ row: r, col: c });
      virtual.scrollToIndex(r);
    };
    if (e.key === 'ArrowDown') move(cur.row + 1, cur.col);
    else if (e.key === 'ArrowUp') move(cur.row - 1, cur.col);
    else if (e.key === 'ArrowRight') move(cur.row, cur.col + 1);
    else if (e.key === 'ArrowLeft') move(cur.row, cur.col - 1);
    else if (e.key === 'PageDown') move(cur.row + 20, cur.col);
    else if (e.key === 'PageUp') move(cur.row - 20, cur.col);
    else if (e.key === 'Enter' && sel) {
      if (editable) startEdit(sel.row, sel.col);
      else openFull(sel.row, sel.col);
    } else if (e.key === ' ' && sel) openFull(sel.row, sel.col);
    else if (e.key === 'Escape') {
      fullValue.close();
      setSel(null);
    } else return;
    e.preventDefault();
  }

  // ---- render -------------------------------------------------------------------------------
  if (meta.isLoading) return <p className="muted">{t('Reading the columns of {{table}}…', { table: `${database}.${table}` })}</p>;
  if (meta.error) return <ErrorNote error={asAppError(meta.error, t('Reading the table failed.'))} />;

  const estimate = page.data?.estimate ?? null;
  const first = rows.length ? pos.start + 1 : 0;
  const lastShown = pos.start + rows.length;
  const countShown = count.forKey === filterKey ? count.value : null;

  return (
    <section className="table-view" aria-label={t('Table {{table}}', { table: `${database}.${table}` })}>
      <header className="table-head">
        <div className="table-title">
          <span className="muted">{server.name} ·</span> <span className="muted">{database} ·</span> <strong>{table}</strong>
          {access.state === 'read-only' && (
            <span className="chip chip-warn ro-pill" data-testid="read-only-pill" title={access.why}>
              {access.label}
            </span>
          )}
          <span className="muted table-count" data-testid="row-count">
            {countShown !== null ? t('{{count, number}} rows (exact)', { count: countShown }) : estimate !== null ? t('≈ {{count, number}} rows', { count: estimate }) : ''}
          </span>
          <button className="small" onClick={() => void exactCount()} disabled={count.busy} title={t('Count the rows exactly (SELECT COUNT(*)) with the filters')}>
            {count.busy ? t('Counting…') : t('Count')}
          </button>
        </div>
        <div className="table-tools">
          {editable && (
            <>
              <button className="small" onClick={addRow}>{t('+ Row')}</button>
              <button className="small" onClick={deletePicked} disabled={!picked.size && !sel}>{t('Delete selected')}</button>
            </>
          )}
          <button className="small" onClick={() => setDrafts((d) => [...d, { column: columns[0]?.name ?? '', op: '=', value: '' }])}>{t('+ Filter')}</button>
          <button className="ghost" title={t('Reload the page')} aria-label={t('Reload')} onClick={() => void page.refetch()}>⟳</button>
        </div>
      </header>

      {meta.data?.readOnlyReason && (
        <div className="note note-warn readonly-banner" role="note" aria-label={t('Read-only')}>
          <strong>{t('Read-only.')}</strong> {coreText(meta.data.readOnlyReason)}
        </div>
      )}

      <form
        className="filter-bar"
        aria-label={t('Filters')}
        onSubmit={(e) => {
          e.preventDefault();
          applyFilters();
        }}
      >
        {drafts.map((d, i) => (
          <div className="filter-row" key={i} data-filter={i}>
            <select aria-label={t('Filter column')} value={d.column} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, column: e.target.value } : x)))}>
              {columns.map((c) => (
                <option key={c.name} value={c.name}>{c.name}</option>
              ))}
            </select>
            <select aria-label={t('Filter operator')} value={d.op} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, op: e.target.value as Filter['op'] } : x)))}>
              {OPS.map((o) => (
                <option key={o} value={o}>{o}</option>
              ))}
            </select>
            {d.op !== 'IS NULL' && d.op !== 'IS NOT NULL' && (
              <input aria-label={t('Filter value')} value={d.value} placeholder={d.op === 'IN' ? IN_EXAMPLE : d.op.includes('LIKE') ? t('%text%') : t('value')} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            )}
            <button type="button" className="ghost" aria-label={t('Remove filter')} onClick={() => setDrafts((all) => all.filter((_, j) => j !== i))}>×</button>
          </div>
        ))}
        <div className="filter-row">
          <span className="muted where-label">WHERE</span>
          <input className="mono" aria-label={t('WHERE condition')} placeholder={t("raw condition, e.g. amount > 100 AND status = 'paid'")} value={draftWhere} onChange={(e) => setDraftWhere(e.target.value)} />
          <button type="submit" className="small">{t('Apply')}</button>
          {(filters.length > 0 || where) && (
            <button type="button" className="small" onClick={clearFilters}>{t('Clear')}</button>
          )}
        </div>
      </form>

      {page.error && <ErrorNote error={asAppError(page.error, t('Loading the rows failed.'))} />}
      {count.error && count.forKey === filterKey && <ErrorNote error={count.error} />}
      {actionError && (
        <div onClick={() => setActionError(null)}>
          <ErrorNote error={actionError} />
        </div>
      )}

      <div className="grid-wrap">
        <div
          ref={scroller}
          className="grid-scroll"
          tabIndex={0}
          role="grid"
          aria-label={t('Rows of {{table}}', { table })}
          aria-rowcount={total}
          aria-busy={page.isFetching}
          data-testid="grid"
          data-shown={page.isPlaceholderData || !page.data ? '' : requestKey}
          data-first={first}
          onKeyDown={onGridKey}
        >
          <div className="grid-inner" style={{ width }}>
            <div className="grid-header" role="row" style={{ gridTemplateColumns: template }}>
              <div className="grid-gutter-head">#</div>
              {columns.map((c) => (
                <button
                  key={c.name}
                  role="columnheader"
                  className={`grid-th ${sort?.column === c.name ? 'sorted' : ''}`}
                  aria-sort={sort?.column === c.name ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  data-col={c.name}
                  title={`${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.key ? ` (${c.key})` : ''}${c.extra ? ` ${c.extra}` : ''} — ${t('click to sort')}`}
                  onClick={() => cycleSort(c.name)}
                >
                  <span className="th-name">
                    {key?.includes(c.name) && <span className="th-key" title={t('key')}>⚷</span>}
                    {c.name}
                    {sort?.column === c.name && <span className="th-sort">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                  </span>
                  <span className="th-type">{c.type}</span>
                </button>
              ))}
            </div>
            <div className="grid-body" style={{ height: virtual.getTotalSize() }}>
              {virtual.getVirtualItems().map((v) => {
                const row = v.index;
                const isNew = row >= rows.length;
                const isDeleted = edits.isDeleted(row);
                return (
                  <div
                    key={v.key}
                    role="row"
                    className={`grid-row ${row % 2 ? 'odd' : ''} ${isNew ? 'row-new' : ''} ${isDeleted ? 'row-deleted' : ''} ${picked.has(row) ? 'row-picked' : ''}`}
                    data-row={isNew ? `new-${row - rows.length}` : pos.start + row + 1}
                    style={{ gridTemplateColumns: template, transform: `translateY(${v.start}px)` }}
                  >
                    <div
                      className="grid-gutter"
                      title={editable ? t('Click to select the row (Ctrl+click: several)') : undefined}
                      onClick={(e) =>
                        setPicked((p) => {
                          const n = new Set(e.ctrlKey || e.metaKey ? p : []);
                          if (p.has(row) && (e.ctrlKey || e.metaKey)) n.delete(row);
                          else n.add(row);
                          return n;
                        })
                      }
                    >
                      {isNew ? t('new') : formatCount(pos.start + row + 1)}
                    </div>
                    {columns.map((c, col) => {
                      const shown = edits.shown(row, col);
                      const selected = sel?.row === row && sel.col === col;
                      const isEditing = editing?.row === row && editing.col === col && !editing.multiline;
                      return (
                        <div
                          key={c.name}
                          role="gridcell"
                          data-col={c.name}
                          className={`grid-cell ${selected ? 'selected' : ''} ${shown.staged ? 'cell-staged' : ''} ${typeof shown.value === 'number' ? 'num' : ''}`}
                          onClick={() => setSel({ row, col })}
                          onDoubleClick={() => (editable ? startEdit(row, col) : openFull(row, col))}
                        >
                          {isEditing && editing ? (
                            <InlineEditor editing={editing} nullable={c.nullable || isNew} onChange={editor.change} onCommit={() => endEdit(true)} onCancel={() => endEdit(false)} />
                          ) : shown.isDefault ? (
                            <span className="cell-default">DEFAULT</span>
                          ) : (
                            <CellView value={shown.value} onOpenFull={() => openFull(row, col)} />
                          )}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
            {page.data && rows.length === 0 && !edits.insertCount && <p className="muted grid-empty">{filters.length || where ? t('No rows match the filters.') : t('No rows.')}</p>}
          </div>
        </div>
        {fullValue.full && (
          <FullView
            column={columns[fullValue.full.col]!}
            value={fullValue.full.value}
            error={fullValue.full.error}
            onClose={() => {
              fullValue.close();
              scroller.current?.focus();
            }}
          />
        )}
      </div>

      <footer className="table-foot">
        <div className="pager">
          <button className="small" onClick={previous} disabled={!stack.length}>{t('← Previous')}</button>
          <button className="small" onClick={next} disabled={!hasNext || page.isFetching}>{t('Next →')}</button>
          {key !== null && <button className="small" onClick={() => void lastPage()} disabled={count.busy}>{t('Last page')}</button>}
          <form
            className="goto"
            onSubmit={(e) => {
              e.preventDefault();
              gotoRow(Number(goto.replace(/[\s,_]/g, '')));
            }}
          >
            <input aria-label={t('Go to row')} placeholder={t('Go to row…')} value={goto} onChange={(e) => setGoto(e.target.value)} />
          </form>
          <span className="muted pager-info" data-testid="page-info">
            {rows.length ? t('rows {{first}}–{{last}}', { first: formatCount(first), last: formatCount(lastShown) }) : ''}
            {page.isFetching ? ` · ${t('loading…')}` : page.data ? ` · ${formatDuration(Math.round(page.data.durationMs))}` : ''}
          </span>
        </div>
        {key !== null && <EditBar edits={edits} writable={editable} />}
      </footer>

      <ReviewDialog edits={edits} />
      {editing?.multiline && (
        <MultilineEditor
          editing={editing}
          column={columns[editing.col]!}
          anchor={anchor ?? { top: 120, bottom: 120, left: 120 }}
          nullable={columns[editing.col]!.nullable || editing.row >= rows.length}
          onChange={editor.change}
          onCommit={() => endEdit(true)}
          onCancel={() => endEdit(false)}
        />
      )}
    </section>
  );
}
