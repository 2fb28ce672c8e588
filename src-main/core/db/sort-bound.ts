// A page sorted by a column no index orders: MariaDB builds a sort key for every row of the
// table to keep the first few (on shop.orders' 1M rows ~100 ms of the ~155 a sort costs; the
// scan itself is ~50). A bound on the column that the wanted rows all pass lets it build keys for
// a few thousand rows instead: a random sample of rows, read by random values of the table's
// integer key, ranked by MariaDB itself (its collation, its NULL order), gives a value with, by a
// wide margin, more rows before it than the page needs. The rows a monotone bound lets through are
// a prefix of the sorted table, so a page that comes back full is exactly the unbounded one; a
// page that comes back short is asked again without the bound. A wrong page is never shown; an
// unlucky sample costs one more query.
import mysql from 'mysql2/promise';
import type { Column } from '../../../shared/api/db';

type Row = Record<string, unknown>;
export type Run = (sql: string) => Promise<{ rows: Row[] }>;

/** Rows sampled (key values drawn; a value no row has draws nothing). */
export const SAMPLE_SIZE = 1000;
/** Below this many key values the plain sort is cheap, and sampling would read much of the table. */
export const MIN_KEY_SPAN = 50_000;

export interface SortedPage {
  /** `db`.`table` */
  from: string;
  /** The page's own conditions (filters, raw WHERE), already checked and formatted. */
  conds: string[];
  /** The single integer key column and the sort column (not the key, not first in an index). */
  key: Column;
  column: Column;
  dir: 'asc' | 'desc';
  /** The page's statement with one more condition (or none). */
  sql: (extra: string | null) => string;
  /** Rows the statement asks for: LIMIT; and the rows it skips: OFFSET. */
  limit: number;
  offset: number;
}

/**
 * The rank (1-based) of the sampled value to bound the first `need` of `span` key values with:
 * the expected number of sampled rows among those first `need` is λ = need·sample/span, and the
 * rank sits 5√λ + 5 above it, so a bound that cuts into them takes a tail of Poisson(λ) beyond
 * that (under 1e-7 for any λ up to the limit). Null when the bound would let a quarter of the
 * table through: then it saves too little to pay for the sample.
 */
export function boundRank(need: number, span: number, sample = SAMPLE_SIZE): number | null {
  if (span < MIN_KEY_SPAN) return null;
  const lambda = (need * sample) / span;
  const rank = Math.ceil(lambda + 5 * Math.sqrt(lambda) + 5);
  return rank > sample / 4 ? null : rank;
}

/**
 * Whether `value <= column` means what ORDER BY column means: numbers, dates and times, and
 * strings short enough that the server sorts on the whole value (it sorts on the first
 * max_sort_length bytes only; 4 bytes a character at most). Not ENUM/SET (sorted by their index,
 * compared as strings), TEXT/BLOB, JSON, BIT, spatial types.
 */
export function boundable(column: Column, maxSortLength: number): boolean {
  if (column.key !== '') return false;
  const t = column.type.toLowerCase();
  if (/^(tiny|small|medium|big)?int\b|^(decimal|numeric|float|double|real)\b|^(date|datetime|timestamp|time|year)\b/.test(t)) return true;
  const m = /^(?:var)?(?:char|binary)\((\d+)\)/.exec(t);
  return m !== null && Number(m[1]) * 4 <= maxSortLength;
}

/** `count` distinct integers drawn from [lo, hi] (fewer if the range is smaller). */
export function sampleKeys(lo: number, hi: number, count: number, random: () => number = Math.random): number[] {
  const span = hi - lo + 1;
  const out = new Set<number>();
  for (let tries = 0; out.size < Math.min(count, span) && tries < count * 4; tries++) out.add(lo + Math.floor(random() * span));
  return [...out];
}

const INT_TYPE = /^(tiny|small|medium|big)?int\b/i;

/** The page's rows: bounded where it pays, and asked again without the bound when it came back short. */
export async function sortedPageRows(run: Run, page: SortedPage, random: () => number = Math.random): Promise<Row[]> {
  // The type check before any statement; the string length is checked against the server's own
  // max_sort_length once it is read.
  const bound = INT_TYPE.test(page.key.type) && boundable(page.column, Infinity) ? await findBound(run, page, random) : null;
  if (bound !== null) {
    const { rows } = await run(page.sql(bound));
    if (rows.length === page.limit) return rows;
  }
  return (await run(page.sql(null))).rows;
}

async function findBound(run: Run, page: SortedPage, random: () => number): Promise<string | null> {
  const key = mysql.escapeId(page.key.name, true);
  const col = mysql.escapeId(page.column.name, true);
  const { rows } = await run(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi, @@max_sort_length AS sortLength FROM ${page.from}`);
  const lo = Number(rows[0]?.lo);
  const hi = Number(rows[0]?.hi);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || !boundable(page.column, Number(rows[0]?.sortLength))) return null;
  const rank = boundRank(page.offset + page.limit, hi - lo + 1);
  if (rank === null) return null;
  const dir = page.dir.toUpperCase();
  const conds = [`${key} IN (${sampleKeys(lo, hi, SAMPLE_SIZE, random).join(', ')})`, ...page.conds];
  const sample = await run(`SELECT ${col} AS v FROM ${page.from} WHERE ${conds.join(' AND ')} ORDER BY ${col} ${dir} LIMIT 1 OFFSET ${rank - 1}`);
  const row = sample.rows[0];
  // Too few sampled rows pass the filters (a selective filter: the plain sort is small), or the
  // value at that rank is NULL (mostly NULLs: they sort first ascending, last descending).
  if (!row || row.v === null || row.v === undefined) return null;
  const bound = mysql.format(`${col} ${page.dir === 'asc' ? '<=' : '>='} ?`, [row.v as mysql.SqlValue]);
  return page.dir === 'asc' && page.column.nullable ? `(${col} IS NULL OR ${bound})` : bound;
}
