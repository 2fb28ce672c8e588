// The staged edits of one table tab: updates by row key, new rows, deletions; what a cell shows
// with them; the exact SQL for review (db.applyEdits with preview) and the apply, in one
// transaction, as mutations.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Cell, Column, Edit } from '../../shared/api/db';
import { asAppError, dbCall } from './api';
import { cellText, isPartial } from './cells';

type Staged = { key: Record<string, Cell>; set: Record<string, Cell> };
export type Shown = { value: Cell; staged: boolean; isDefault?: boolean };

const keyString = (k: Record<string, Cell>) => JSON.stringify(k);

type Table = { serverId: string; database: string; table: string; columns: Column[]; rows: Cell[][]; key: string[] | null };

export function useTableEdits({ serverId, database, table, columns, rows, key }: Table) {
  const queryClient = useQueryClient();
  const [staged, setStaged] = useState<Map<string, Staged>>(new Map());
  const [inserts, setInserts] = useState<Record<string, Cell>[]>([]);
  const [deletes, setDeletes] = useState<Map<string, Record<string, Cell>>>(new Map());
  const [reviewing, setReviewing] = useState(false);

  const colIndex = new Map(columns.map((c, i) => [c.name, i]));
  const rowKey = (r: Cell[]): Record<string, Cell> => Object.fromEntries((key ?? []).map((k) => [k, r[colIndex.get(k)!] ?? null]));
  const count = staged.size + inserts.length + deletes.size;

  /** The cell shown at (row, col): staged values over the page's; rows past the page are new. */
  function shown(row: number, col: number): Shown {
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

  /** Stages a cell's new value; setting a row's original value back unstages it. */
  function set(row: number, col: number, value: Cell) {
    const name = columns[col]!.name;
    if (row >= rows.length) {
      setInserts((all) => all.map((ins, i) => (i === row - rows.length ? { ...ins, [name]: value } : ins)));
      return;
    }
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

  function build(): Edit[] {
    const out: Edit[] = [];
    for (const s of staged.values()) if (!deletes.has(keyString(s.key))) out.push({ kind: 'update', key: s.key, set: s.set });
    for (const k of deletes.values()) out.push({ kind: 'delete', key: k });
    for (const v of inserts) out.push({ kind: 'insert', values: v });
    return out;
  }

  const preview = useMutation({ mutationFn: () => dbCall('db.applyEdits', { serverId, database, table, edits: build(), preview: true }) });
  const apply = useMutation({
    mutationFn: () => dbCall('db.applyEdits', { serverId, database, table, edits: build(), preview: false }),
    onSuccess: async () => {
      discard();
      await queryClient.invalidateQueries({ queryKey: ['db.page', serverId, database, table] });
    },
  });

  function discard() {
    setStaged(new Map());
    setInserts([]);
    setDeletes(new Map());
    setReviewing(false);
    preview.reset();
  }

  return {
    count,
    shown,
    set,
    discard,
    isNew: (row: number) => row >= rows.length,
    isDeleted: (row: number) => row < rows.length && key !== null && deletes.has(keyString(rowKey(rows[row]!))),
    rowKey,
    insertCount: inserts.length,
    addRow: () => setInserts((all) => [...all, {}]),
    /** Marks page rows for deletion; new rows are simply dropped. */
    deleteRows(targets: number[]) {
      const newOnes = targets.filter((i) => i >= rows.length).map((i) => i - rows.length);
      if (newOnes.length) setInserts((all) => all.filter((_, i) => !newOnes.includes(i)));
      setDeletes((m) => {
        const n = new Map(m);
        for (const i of targets) if (i < rows.length) n.set(keyString(rowKey(rows[i]!)), rowKey(rows[i]!));
        return n;
      });
    },
    review: {
      open: reviewing,
      sql: preview.data?.sql ?? null,
      busy: preview.isPending || apply.isPending,
      applying: apply.isPending,
      error: apply.error ? asAppError(apply.error, 'The changes were not applied; nothing was changed.') : preview.error ? asAppError(preview.error, 'Preparing the changes failed.') : null,
    },
    openReview() {
      if (!count) return;
      apply.reset();
      setReviewing(true);
      preview.mutate();
    },
    closeReview: () => setReviewing(false),
    apply() {
      if (!count) return;
      setReviewing(true);
      apply.mutate();
    },
  };
}

export type TableEdits = ReturnType<typeof useTableEdits>;
