// One table (the 'table' tab): a virtualised grid of 100-row pages (keyset paging on the key,
// offset for a jump), sort, filters and a raw WHERE, estimate and exact count, faithful cells
// with a full view, and staged edits shown as SQL before they run.
import { useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Cell, Column, Edit, Filter, PageRequest } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { asAppError, dbCall } from './api';
import { CellView, cellText, formatCount, isPartial, prettyIfJson } from './cells';

export const PAGE_SIZE = 100;
const ROW_HEIGHT = 26;
const GUTTER = 72;

type Props = { server: Server; database: string; table: string };
/** Where the shown page starts: keyset (after) or offset; start = 0-based index of its first row. */
type Pos = { after: Cell[] | null; offset: number; start: number };
type Sort = { column: string; dir: 'asc' | 'desc' } | null;
type DraftFilter = { column: string; op: Filter['op']; value: string };
type Staged = { key: Record<string, Cell>; set: Record<string, Cell> };
type Editing = { row: number; col: number; value: string; isNull: boolean; loading: boolean };
type Full = { row: number; col: number; value: Cell | undefined; error: AppError | null };

const OPS: Filter['op'][] = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE', 'IS NULL', 'IS NOT NULL', 'IN'];
const START: Pos = { after: null, offset: 0, start: 0 };

function widthFor(c: Column): number {
  const t = c.type.toLowerCase();
  if (/^(tiny|small|medium)?int|^bigint|^year|^bit/.test(t)) return Math.max(80, Math.min(c.name.length * 8 + 30, 160));
  if (/^(decimal|float|double)/.test(t)) return 120;
  if (/^(datetime|timestamp)/.test(t)) return 180;
  if (/^(date|time)/.test(t)) return 110;
  if (/^(enum|set)/.test(t)) return 120;
  const m = /^var(?:char|binary)\((\d+)\)/.exec(t);
  if (m) return Math.max(110, Math.min(Number(m[1]) * 7, 260));
  if (/text|blob|json|geometry|point|polygon|linestring/.test(t)) return 260;
  return 160;
}

const keyString = (k: Record<string, Cell>) => JSON.stringify(k);

export function TableTab({ server, database, table }: Props) {
  const serverId = server.id;
  const queryClient = useQueryClient();
  // gcTime 0: a table opened again (or a page visited again) is read again, never shown stale.
  const meta = useQuery({ queryKey: ['db.columns', serverId, database, table], queryFn: () => dbCall('db.columns', { serverId, database, table }), gcTime: 0 });
  const access = useQuery({ queryKey: ['db.getAccess', serverId], queryFn: () => dbCall('db.getAccess', { serverId }) });

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
  const [editing, setEditing] = useState<Editing | null>(null);
  const [staged, setStaged] = useState<Map<string, Staged>>(new Map());
  const [inserts, setInserts] = useState<Record<string, Cell>[]>([]);
  const [deletes, setDeletes] = useState<Map<string, Record<string, Cell>>>(new Map());
  const [review, setReview] = useState<{ sql: string[] | null; busy: boolean; error: AppError | null } | null>(null);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [full, setFull] = useState<Full | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const request: PageRequest = { serverId, database, table, pageSize: PAGE_SIZE, after: pos.after, offset: pos.offset, sort, filters, where };
  const requestKey = JSON.stringify(request);
  const page = useQuery({ queryKey: ['db.page', serverId, database, table, requestKey], queryFn: () => dbCall('db.page', request), placeholderData: keepPreviousData, gcTime: 0 });
  const filterKey = JSON.stringify({ filters, where });

  const columns: Column[] = page.data?.columns ?? meta.data?.columns ?? [];
  const key = meta.data?.key ?? null;
  const readOnly = access.data?.readOnly ?? false;
  const editable = key !== null && !readOnly && !!meta.data;
  const rows = page.data?.rows ?? [];
  const colIndex = useMemo(() => new Map(columns.map((c, i) => [c.name, i])), [columns]);
  const total = rows.length + inserts.length;
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

  function reset() {
    setPos(START);
    setStack([]);
    setSel(null);
  }

  const rowKey = (r: Cell[]): Record<string, Cell> => Object.fromEntries((key ?? []).map((k) => [k, r[colIndex.get(k)!] ?? null]));
  const canEditColumn = (c: Column | undefined) => !!c && !/GENERATED/i.test(c.extra);

  /** The cell shown at (row, col): staged values over the page's. */
  function shownCell(row: number, col: number): { value: Cell; staged: boolean; isDefault?: boolean } {
    const name = columns[col]!.name;
    if (row >= rows.length) {
      const ins = inserts[row - rows.length]!;
      return name in ins ? { value: ins[name]!, staged: true } : { value: null, staged: false, isDefault: true };
    }
    const r = rows[row]!;
    if (key) {
      const s = staged.get(keyString(rowKey(r)));
      if (s && name in s.set) return { value: s.set[name]!, staged: true };
    }
    return { value: r[col] ?? null, staged: false };
  }

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
      setCount({ value: null, busy: false, error: asAppError(e, 'Counting failed.'), forKey: filterKey });
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
  const editCount = staged.size + inserts.length + deletes.size;
  async function startEdit(row: number, col: number) {
    if (!editable || row >= total || !canEditColumn(columns[col])) return;
    const shown = shownCell(row, col);
    setSel({ row, col });
    const partial = isPartial(shown.value) && !shown.staged && row < rows.length;
    if (typeof shown.value === 'object' && shown.value !== null && shown.value.kind === 'binary') {
      setActionError(asAppError(new Error(`${columns[col]!.name} is binary`), 'Binary values are not edited in the grid; use the SQL editor (UNHEX) for them.'));
      return;
    }
    setEditing({ row, col, value: cellText(shown.value) ?? '', isNull: shown.value === null && !shown.isDefault, loading: partial });
    if (partial) {
      try {
        const r = await dbCall('db.cell', { serverId, database, table, key: rowKey(rows[row]!), column: columns[col]!.name });
        setEditing((e) => (e && e.row === row && e.col === col ? { ...e, value: cellText(r.value) ?? '', isNull: r.value === null, loading: false } : e));
      } catch (e) {
        setEditing(null);
        setActionError(asAppError(e, 'Reading the full value failed.'));
      }
    }
  }
  function commitEdit() {
    if (!editing) return;
    const { row, col } = editing;
    const name = columns[col]!.name;
    const value: Cell = editing.isNull ? null : editing.value;
    if (row >= rows.length) {
      setInserts((all) => all.map((ins, i) => (i === row - rows.length ? { ...ins, [name]: value } : ins)));
    } else {
      const r = rows[row]!;
      const k = rowKey(r);
      const ks = keyString(k);
      const original = r[col] ?? null;
      const same = value === null ? original === null : original !== null && !isPartial(original) && cellText(original) === value;
      setStaged((m) => {
        const n = new Map(m);
        const s: Staged = { key: k, set: { ...(n.get(ks)?.set ?? {}) } };
        if (same) delete s.set[name];
        else s.set[name] = value;
        if (Object.keys(s.set).length) n.set(ks, s);
        else n.delete(ks);
        return n;
      });
    }
    setEditing(null);
    scroller.current?.focus();
  }
  function buildEdits(): Edit[] {
    const out: Edit[] = [];
    for (const s of staged.values()) if (!deletes.has(keyString(s.key))) out.push({ kind: 'update', key: s.key, set: s.set });
    for (const k of deletes.values()) out.push({ kind: 'delete', key: k });
    for (const v of inserts) out.push({ kind: 'insert', values: v });
    return out;
  }
  function discard() {
    setStaged(new Map());
    setInserts([]);
    setDeletes(new Map());
    setReview(null);
    setEditing(null);
  }
  async function openReview() {
    const edits = buildEdits();
    if (!edits.length) return;
    setReview({ sql: null, busy: true, error: null });
    try {
      const r = await dbCall('db.applyEdits', { serverId, database, table, edits, preview: true });
      setReview({ sql: r.sql, busy: false, error: null });
    } catch (e) {
      setReview({ sql: null, busy: false, error: asAppError(e, 'Preparing the changes failed.') });
    }
  }
  async function apply() {
    const edits = buildEdits();
    if (!edits.length) return;
    setReview((r) => ({ sql: r?.sql ?? null, busy: true, error: null }));
    try {
      await dbCall('db.applyEdits', { serverId, database, table, edits, preview: false });
      discard();
      await queryClient.invalidateQueries({ queryKey: ['db.page', serverId, database, table] });
    } catch (e) {
      setReview((r) => ({ sql: r?.sql ?? null, busy: false, error: asAppError(e, 'The changes were not applied; nothing was changed.') }));
    }
  }
  function deletePicked() {
    const targets = picked.size ? [...picked] : sel ? [sel.row] : [];
    const newOnes = targets.filter((i) => i >= rows.length).map((i) => i - rows.length);
    if (newOnes.length) setInserts((all) => all.filter((_, i) => !newOnes.includes(i)));
    setDeletes((m) => {
      const n = new Map(m);
      for (const i of targets) if (i < rows.length) n.set(keyString(rowKey(rows[i]!)), rowKey(rows[i]!));
      return n;
    });
    setPicked(new Set());
  }
  function addRow() {
    setInserts((all) => [...all, {}]);
    const row = rows.length + inserts.length;
    setSel({ row, col: 0 });
    setTimeout(() => virtual.scrollToIndex(row), 0);
  }

  async function openFull(row: number, col: number) {
    const shown = shownCell(row, col);
    setFull({ row, col, value: shown.staged || !isPartial(shown.value) ? shown.value : undefined, error: null });
    if (!shown.staged && isPartial(shown.value)) {
      if (!key || row >= rows.length) {
        setFull({ row, col, value: shown.value, error: null });
        return;
      }
      try {
        const r = await dbCall('db.cell', { serverId, database, table, key: rowKey(rows[row]!), column: columns[col]!.name });
        setFull((f) => (f && f.row === row && f.col === col ? { ...f, value: r.value } : f));
      } catch (e) {
        setFull((f) => (f ? { ...f, error: asAppError(e, 'Reading the full value failed.') } : f));
      }
    }
  }

  // ---- keyboard -----------------------------------------------------------------------------
  function onGridKey(e: React.KeyboardEvent) {
    if (editing) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (editable && editCount) void apply();
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
      if (editable) void startEdit(sel.row, sel.col);
      else void openFull(sel.row, sel.col);
    } else if (e.key === ' ' && sel) void openFull(sel.row, sel.col);
    else if (e.key === 'Escape') {
      setFull(null);
      setSel(null);
    } else return;
    e.preventDefault();
  }

  // ---- render -------------------------------------------------------------------------------
  if (meta.isLoading) return <p className="muted">Reading the columns of {database}.{table}…</p>;
  if (meta.error) return <ErrorNote error={asAppError(meta.error, 'Reading the table failed.')} />;

  const estimate = page.data?.estimate ?? null;
  const first = rows.length ? pos.start + 1 : 0;
  const lastShown = pos.start + rows.length;
  const countShown = count.forKey === filterKey ? count.value : null;

  return (
    <section className="table-view" aria-label={`Table ${database}.${table}`}>
      <header className="table-head">
        <div className="table-title">
          <span className="muted">{server.name} ·</span> <span className="muted">{database} ·</span> <strong>{table}</strong>
          <span className="muted table-count" data-testid="row-count">
            {countShown !== null ? `${formatCount(countShown)} rows (exact)` : estimate !== null ? `≈ ${formatCount(estimate)} rows` : ''}
          </span>
          <button className="small" onClick={() => void exactCount()} disabled={count.busy} title="Count the rows exactly (SELECT COUNT(*)) with the filters">
            {count.busy ? 'Counting…' : 'Count'}
          </button>
        </div>
        <div className="table-tools">
          {editable && (
            <>
              <button className="small" onClick={addRow}>+ Row</button>
              <button className="small" onClick={deletePicked} disabled={!picked.size && !sel}>Delete selected</button>
            </>
          )}
          <button className="small" onClick={() => setDrafts((d) => [...d, { column: columns[0]?.name ?? '', op: '=', value: '' }])}>+ Filter</button>
          <button className="ghost" title="Reload the page" aria-label="Reload" onClick={() => void page.refetch()}>⟳</button>
        </div>
      </header>

      {meta.data?.readOnlyReason && (
        <div className="note note-warn readonly-banner" role="note" aria-label="Read-only">
          <strong>Read-only.</strong> {meta.data.readOnlyReason}
        </div>
      )}
      {!meta.data?.readOnlyReason && readOnly && (
        <div className="note note-warn readonly-banner" role="note" aria-label="Read-only">
          <strong>Read-only.</strong> The database access of {server.name} is set to read-only.
        </div>
      )}

      <form
        className="filter-bar"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          applyFilters();
        }}
      >
        {drafts.map((d, i) => (
          <div className="filter-row" key={i} data-filter={i}>
            <select aria-label="Filter column" value={d.column} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, column: e.target.value } : x)))}>
              {columns.map((c) => (
                <option key={c.name} value={c.name}>{c.name}</option>
              ))}
            </select>
            <select aria-label="Filter operator" value={d.op} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, op: e.target.value as Filter['op'] } : x)))}>
              {OPS.map((o) => (
                <option key={o} value={o}>{o}</option>
              ))}
            </select>
            {d.op !== 'IS NULL' && d.op !== 'IS NOT NULL' && (
              <input aria-label="Filter value" value={d.value} placeholder={d.op === 'IN' ? 'a, b, c' : d.op.includes('LIKE') ? '%text%' : 'value'} onChange={(e) => setDrafts((all) => all.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            )}
            <button type="button" className="ghost" aria-label="Remove filter" onClick={() => setDrafts((all) => all.filter((_, j) => j !== i))}>×</button>
          </div>
        ))}
        <div className="filter-row">
          <span className="muted where-label">WHERE</span>
          <input className="mono" aria-label="WHERE condition" placeholder="raw condition, e.g. amount > 100 AND status = 'paid'" value={draftWhere} onChange={(e) => setDraftWhere(e.target.value)} />
          <button type="submit" className="small">Apply</button>
          {(filters.length > 0 || where) && (
            <button type="button" className="small" onClick={clearFilters}>Clear</button>
          )}
        </div>
      </form>

      {page.error && <ErrorNote error={asAppError(page.error, 'Loading the rows failed.')} />}
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
          aria-label={`Rows of ${table}`}
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
                  title={`${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.key ? ` (${c.key})` : ''}${c.extra ? ` ${c.extra}` : ''} — click to sort`}
                  onClick={() => cycleSort(c.name)}
                >
                  <span className="th-name">
                    {key?.includes(c.name) && <span className="th-key" title="key">⚷</span>}
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
                const isDeleted = !isNew && key !== null && deletes.has(keyString(rowKey(rows[row]!)));
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
                      title={editable ? 'Click to select the row (Ctrl+click: several)' : undefined}
                      onClick={(e) =>
                        setPicked((p) => {
                          const n = new Set(e.ctrlKey || e.metaKey ? p : []);
                          if (p.has(row) && (e.ctrlKey || e.metaKey)) n.delete(row);
                          else n.add(row);
                          return n;
                        })
                      }
                    >
                      {isNew ? 'new' : formatCount(pos.start + row + 1)}
                    </div>
                    {columns.map((c, col) => {
                      const shown = shownCell(row, col);
                      const selected = sel?.row === row && sel.col === col;
                      const isEditing = editing?.row === row && editing.col === col;
                      return (
                        <div
                          key={c.name}
                          role="gridcell"
                          data-col={c.name}
                          className={`grid-cell ${selected ? 'selected' : ''} ${shown.staged ? 'cell-staged' : ''} ${typeof shown.value === 'number' ? 'num' : ''}`}
                          onClick={() => setSel({ row, col })}
                          onDoubleClick={() => (editable ? void startEdit(row, col) : void openFull(row, col))}
                        >
                          {isEditing && editing ? (
                            <CellEditor editing={editing} nullable={c.nullable || isNew} onChange={setEditing} onCommit={commitEdit} onCancel={() => { setEditing(null); scroller.current?.focus(); }} />
                          ) : shown.isDefault ? (
                            <span className="cell-default">DEFAULT</span>
                          ) : (
                            <CellView value={shown.value} onOpenFull={() => void openFull(row, col)} />
                          )}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
            {page.data && rows.length === 0 && !inserts.length && <p className="muted grid-empty">No rows{filters.length || where ? ' match the filters' : ''}.</p>}
          </div>
        </div>
        {full && (
          <FullView
            column={columns[full.col]!}
            value={full.value}
            error={full.error}
            onClose={() => {
              setFull(null);
              scroller.current?.focus();
            }}
          />
        )}
      </div>

      <footer className="table-foot">
        <div className="pager">
          <button className="small" onClick={previous} disabled={!stack.length}>← Previous</button>
          <button className="small" onClick={next} disabled={!hasNext || page.isFetching}>Next →</button>
          {key !== null && <button className="small" onClick={() => void lastPage()} disabled={count.busy}>Last page</button>}
          <form
            className="goto"
            onSubmit={(e) => {
              e.preventDefault();
              gotoRow(Number(goto.replace(/[\s,_]/g, '')));
            }}
          >
            <input aria-label="Go to row" placeholder="Go to row…" value={goto} onChange={(e) => setGoto(e.target.value)} />
          </form>
          <span className="muted pager-info" data-testid="page-info">
            {rows.length ? `rows ${formatCount(first)}–${formatCount(lastShown)}` : ''}
            {page.isFetching ? ' · loading…' : page.data ? ` · ${page.data.durationMs.toFixed(0)} ms` : ''}
          </span>
        </div>
        {editable && (
          <div className="edit-bar">
            {editCount > 0 && <span className="staged-count">{editCount} change{editCount === 1 ? '' : 's'} staged</span>}
            <button className="small" onClick={discard} disabled={!editCount}>Discard</button>
            <button className="small" onClick={() => void openReview()} disabled={!editCount}>Review changes</button>
            <button className="small primary" onClick={() => void apply()} disabled={!editCount} title="Apply the staged changes in one transaction (Ctrl+Enter)">Apply</button>
          </div>
        )}
      </footer>

      {review && (
        <div className="modal-backdrop" onClick={() => setReview(null)}>
          <div className="panel modal review" role="dialog" aria-label="Review changes" onClick={(e) => e.stopPropagation()}>
            <h3>These statements run in one transaction</h3>
            {review.busy && !review.sql && <p className="muted">Preparing…</p>}
            {review.sql && <pre className="sql-preview" data-testid="sql-preview">{review.sql.join(';\n') + ';'}</pre>}
            {review.error && <ErrorNote error={review.error} />}
            <div className="actions">
              <button className="primary" onClick={() => void apply()} disabled={review.busy}>{review.busy && review.sql ? 'Applying…' : 'Apply'}</button>
              <button onClick={() => setReview(null)}>Back</button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function CellEditor({ editing, nullable, onChange, onCommit, onCancel }: { editing: Editing; nullable: boolean; onChange: (e: Editing) => void; onCommit: () => void; onCancel: () => void }) {
  const multiline = editing.value.includes('\n');
  const common = {
    autoFocus: true,
    'aria-label': 'Cell value',
    className: 'cell-input mono',
    value: editing.isNull ? '' : editing.value,
    placeholder: editing.isNull ? 'NULL' : editing.loading ? 'loading…' : '',
    disabled: editing.loading,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange({ ...editing, value: e.target.value, isNull: false }),
    onKeyDown: (e: React.KeyboardEvent) => {
      e.stopPropagation();
      if (e.key === 'Escape') {
        e.preventDefault();
        onCancel();
      } else if (e.key === 'Enter' && (!multiline || e.ctrlKey)) {
        e.preventDefault();
        onCommit();
      } else if (e.altKey && e.key.toLowerCase() === 'n' && nullable) {
        e.preventDefault();
        onChange({ ...editing, isNull: !editing.isNull });
      }
    },
  };
  return (
    <div className="cell-editor" onDoubleClick={(e) => e.stopPropagation()}>
      {multiline ? <textarea {...common} rows={4} /> : <input {...common} />}
      {nullable && (
        <label className="check null-check" title="Set NULL (Alt+N)">
          <input type="checkbox" aria-label="NULL" checked={editing.isNull} onChange={(e) => onChange({ ...editing, isNull: e.target.checked })} /> NULL
        </label>
      )}
      <button type="button" className="small" onMouseDown={(e) => e.preventDefault()} onClick={onCommit}>OK</button>
    </div>
  );
}

function FullView({ column, value, error, onClose }: { column: Column; value: Cell | undefined; error: AppError | null; onClose: () => void }) {
  let body: React.ReactNode;
  if (error) body = <ErrorNote error={error} />;
  else if (value === undefined) body = <p className="muted">Loading the full value…</p>;
  else if (value === null) body = <span className="cell-null">NULL</span>;
  else if (typeof value === 'object' && value.kind === 'binary')
    body = (
      <>
        <p className="muted">{value.size.toLocaleString('en-US')} bytes{value.truncated ? ' (the first part shown)' : ''}</p>
        <pre className="full-text mono">{value.hex.replace(/(.{2})/g, '$1 ').replace(/((?:.. ){16})/g, '$1\n')}</pre>
      </>
    );
  else {
    const text = cellText(value) ?? '';
    const p = prettyIfJson(text);
    body = (
      <>
        <p className="muted">{text.length.toLocaleString('en-US')} characters{p.json ? ' · JSON, pretty-printed' : ''}{typeof value === 'object' && value.kind === 'text' ? ' · the first part (no key to fetch the rest)' : ''}</p>
        {text === '' ? <p className="muted">(empty string)</p> : <pre className="full-text">{p.text}</pre>}
      </>
    );
  }
  return (
    <aside className="full-view" role="complementary" aria-label="Full value">
      <header>
        <strong>{column.name}</strong> <span className="muted mono">{column.type}</span>
        <span className="spacer" />
        <button className="ghost" aria-label="Close the full value" onClick={onClose}>×</button>
      </header>
      {body}
    </aside>
  );
}
