// What the cell editor edits (pure: unit-tested in test/unit/db-visible-text.test.ts): which
// editor a value gets, and its line endings kept exactly through a textarea.
import type { Column } from '../../shared/api/db';

/**
 * `eol`: the value's line breaks. A textarea reads every CR and CRLF back as LF, so a CRLF value
 * is edited with LFs and written back with CRLFs; a value mixing them (a lone CR) cannot be kept
 * exactly once typed in, and the editor says so.
 */
export type EditText = { value: string; eol: Eol };
export type Eol = 'lf' | 'crlf' | 'mixed';

export function lineEndings(text: string): Eol {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const cr = (text.match(/\r/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length;
  if (cr === 0) return 'lf';
  return cr === crlf && lf === crlf ? 'crlf' : 'mixed';
}

/** The text the editor starts from, and its line endings. */
export function forEditing(text: string): EditText {
  const eol = lineEndings(text);
  return { value: eol === 'crlf' ? text.replace(/\r\n/g, '\n') : text, eol };
}

/** The value to stage from what the editor holds. */
export function edited(e: EditText): string {
  return e.eol === 'crlf' ? e.value.replace(/\r?\n/g, '\r\n') : e.value;
}

/** Longer VARCHAR/CHAR values than this open in the multi-line editor. */
const INLINE_MAX = 60;

/**
 * Whether a value is edited in the multi-line editor: always for TEXT and JSON columns, and for
 * any value holding a line break (a one-line input would drop it) or too long to read inline.
 */
export function wantsMultiline(column: Column, value: string): boolean {
  if (/text\b|^json\b/i.test(column.type)) return true;
  return /[\r\n]/.test(value) || (/char\b|char\(/i.test(column.type) && value.length > INLINE_MAX);
}
