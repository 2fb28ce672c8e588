// The one cell being edited: which cell, the text typed, NULL or not, inline or in the multi-line
// editor; loads the full value first when the grid shows only a part of it.
import { useState } from 'react';
import type { Cell, Column } from '../../shared/api/db';
import type { AppError } from '../../shared/errors';
import { asAppError, dbCall } from './api';
import { edited, forEditing, wantsMultiline, type EditText } from './cell-text';
import { cellText, isPartial } from './cells';
import type { TableEdits } from './useTableEdits';

export type Editing = EditText & { row: number; col: number; isNull: boolean; loading: boolean; multiline: boolean };

type Options = { serverId: string; database: string; table: string; columns: Column[]; pageRows: number; edits: TableEdits; onError: (e: AppError) => void };

export function useCellEditor({ serverId, database, table, columns, pageRows, edits, onError }: Options) {
  const [editing, setEditing] = useState<Editing | null>(null);

  async function start(row: number, col: number, rowKey: () => Record<string, Cell>) {
    const column = columns[col]!;
    const shown = edits.shown(row, col);
    if (typeof shown.value === 'object' && shown.value !== null && shown.value.kind === 'binary') {
      onError(asAppError(new Error(`${column.name} is binary`), 'Binary values are not edited in the grid; use the SQL editor (UNHEX) for them.'));
      return;
    }
    const partial = isPartial(shown.value) && !shown.staged && row < pageRows;
    const text = cellText(shown.value) ?? '';
    setEditing({ row, col, ...forEditing(text), isNull: shown.value === null && !shown.isDefault, loading: partial, multiline: partial || wantsMultiline(column, text) });
    if (!partial) return;
    try {
      const r = await dbCall('db.cell', { serverId, database, table, key: rowKey(), column: column.name });
      setEditing((e) => (e && e.row === row && e.col === col ? { ...e, ...forEditing(cellText(r.value) ?? ''), isNull: r.value === null, loading: false } : e));
    } catch (e) {
      setEditing(null);
      onError(asAppError(e, 'Reading the full value failed.'));
    }
  }

  function commit() {
    if (!editing || editing.loading) return;
    edits.set(editing.row, editing.col, editing.isNull ? null : edited(editing));
    setEditing(null);
  }

  return { editing, change: setEditing, start, commit, cancel: () => setEditing(null) };
}
