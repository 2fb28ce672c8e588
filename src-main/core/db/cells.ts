// Values between mysql2 and the UI, faithfully (pure: unit-tested in test/unit/db-cells.test.ts).
//
// What mysql2 gives with the sessions' options (supportBigNumbers + bigNumberStrings, dateStrings):
//   NULL -> null; TINYINT..INT, YEAR -> number; BIGINT, DECIMAL -> string (exact); FLOAT/DOUBLE ->
//   number; DATE/DATETIME/TIMESTAMP/TIME -> the server's text; text columns -> string; binary
//   charset (BINARY, VARBINARY, BLOBs, BIT) -> Buffer. Two types it would alter are selected
//   differently by the browser (selectExpr): GEOMETRY (mysql2 turns it into objects) as its
//   internal bytes (hex, plus its WKT from wkb.ts), and JSON (MariaDB's extended metadata makes
//   mysql2 JSON.parse it, losing the server's text: number formats, key order) as text.
import mysql from 'mysql2/promise';
import type { Cell } from '../../../shared/api/db';
import { AppError, msg } from '../../../shared/errors';
import { geometryText } from './wkb';

/** Long text is cut here (UTF-16 units, never inside a surrogate pair); the full value via db.cell. */
export const TEXT_PREVIEW = 2000;
/** Binary values show this many leading bytes as hex. */
export const BINARY_PREVIEW = 64;
/** A geometry's text in full (db.cell) is cut here: 8 MB of WKB would be some 20 MB of WKT. */
export const WKT_MAX = 1_000_000;

const GEOMETRY = /^(geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection)\b/i;

export function isGeometryType(type: string): boolean {
  return GEOMETRY.test(type);
}

/** The expression that selects a column so that encodeCell sees the server's own value. */
export function selectExpr(column: { name: string; type: string }): string {
  const id = mysql.escapeId(column.name, true);
  if (isGeometryType(column.type)) return `CAST(${id} AS BINARY)`;
  // MariaDB's JSON is LONGTEXT with a CHECK; MySQL's is JSON: both read back as text.
  if (/^(longtext|json)\b/i.test(column.type)) return `CAST(${id} AS CHAR)`;
  return id;
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return value.slice(0, end);
}

/** Characters (code points), as a person counts them. */
function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * One mysql2 value as a Cell. `full`: no preview cuts (db.cell), binary in full.
 * `type` is the column's COLUMN_TYPE (used for integer safety checks).
 */
export function encodeCell(value: unknown, type: string, options: { full?: boolean } = {}): Cell {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const buf = Buffer.isBuffer(value) ? value : Buffer.from(value);
    const cut = !options.full && buf.length > BINARY_PREVIEW;
    const wkt = isGeometryType(type) ? geometryText(buf, options.full ? WKT_MAX : TEXT_PREVIEW) : null;
    return { kind: 'binary', hex: buf.subarray(0, cut ? BINARY_PREVIEW : buf.length).toString('hex'), size: buf.length, truncated: cut, ...(wkt === null ? {} : { wkt }) };
  }
  if (typeof value === 'number') {
    // Integers beyond 2^53 would be rounded by JSON: mysql2 gives BIGINT as strings, so this is a
    // guard only; NaN/Infinity are not JSON at all.
    if (!Number.isFinite(value)) return String(value);
    if (/int\b|int\(/i.test(type) && !Number.isSafeInteger(value)) return String(value);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') {
    if (!options.full && value.length > TEXT_PREVIEW) return { kind: 'text', preview: cutText(value, TEXT_PREVIEW), length: codePoints(value) };
    return value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  // Anything parsed (a JSON value on a path we did not wrap): its JSON text.
  return encodeCell(JSON.stringify(value), type, options);
}

/** The length in characters a text Cell stands for. */
export function textLength(cell: Cell): number | null {
  if (typeof cell === 'string') return codePoints(cell);
  if (cell && typeof cell === 'object' && cell.kind === 'text') return cell.length;
  return null;
}

export type SqlParam = string | number | Buffer | null;

/**
 * A Cell from the UI as a statement parameter. `what` names the value in errors (e.g. "key id").
 * A cut preview (truncated binary, text preview) is refused: it is not the value.
 */
export function decodeCell(cell: Cell, what: string): SqlParam {
  if (cell === null) return null;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw AppError.worded('invalid-input', msg('The value of {{what}} is not a finite number.'), { what });
    return cell;
  }
  if (cell.kind === 'binary') {
    if (cell.truncated) throw AppError.worded('invalid-input', msg('The value of {{what}} is only a preview of {{size}} bytes; load the full value (db.cell) before using it.'), { what, size: cell.size });
    if (cell.hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(cell.hex)) throw AppError.worded('invalid-input', msg('The value of {{what}} is not valid hex.'), { what });
    const buf = Buffer.from(cell.hex, 'hex');
    if (buf.length !== cell.size) throw AppError.worded('invalid-input', msg('The value of {{what}} has {{bytes}} bytes of hex but says {{size}}.'), { what, bytes: buf.length, size: cell.size });
    return buf;
  }
  throw AppError.worded('invalid-input', msg('The value of {{what}} is only a preview of {{length}} characters; load the full value (db.cell) before using it.'), { what, length: cell.length });
}
