// How MySQL text divides into comments, quoted literals and code: one reading shared by the
// read-only guard (guard.ts) and the statement splitter (split.ts), so the two can never disagree
// on where a literal or a comment ends.
// - /* … */ is a comment, except MySQL's executable comments (/*! … */, /*!50000 … */,
//   /*M!100100 … */), whose body the server runs as code.
// - "-- " is a comment only when a space or control character follows (as in MySQL: `1--1` is
//   arithmetic); `#` always is. Both end before the newline.
// - '…', "…" and `…` are literals; a doubled quote is the quote itself, and a backslash escapes the
//   next character in '…' and "…" when the mode says so (sql_mode NO_BACKSLASH_ESCAPES turns it
//   off). An unterminated comment or literal runs to the end of the text.

/** How the server reads literals: backslash escapes in '…' and in "…". */
export type Mode = { single: boolean; double: boolean };
/** The server's default, and the mysql client's reading. */
export const DEFAULT_MODE: Mode = { single: true, double: true };

export type Lexeme =
  /** `code` is where an executable comment's code starts (after its version prefix), else null. */
  | { kind: 'block-comment'; end: number; code: number | null; codeEnd: number }
  | { kind: 'line-comment'; end: number }
  | { kind: 'quoted'; quote: "'" | '"' | '`'; end: number }
  | { kind: 'char'; end: number };

/** The lexeme starting at `i`; `end` is the index just after it. */
export function lexeme(sql: string, i: number, mode: Mode = DEFAULT_MODE): Lexeme {
  const c = sql[i]!;
  const next = sql[i + 1];
  if (c === '/' && next === '*') {
    const close = sql.indexOf('*/', i + 2);
    const codeEnd = close < 0 ? sql.length : close;
    const exec = /^(M?!)(\d{5,6})?/.exec(sql.slice(i + 2, Math.min(codeEnd, i + 11)));
    return { kind: 'block-comment', end: close < 0 ? sql.length : close + 2, code: exec ? i + 2 + exec[0].length : null, codeEnd };
  }
  if ((c === '-' && next === '-' && /^[\u0000-\u0020]?$/.test(sql[i + 2] ?? '')) || c === '#') {
    const newline = sql.indexOf('\n', i);
    return { kind: 'line-comment', end: newline < 0 ? sql.length : newline };
  }
  if (c === "'" || c === '"' || c === '`') {
    const escapes = (c === "'" && mode.single) || (c === '"' && mode.double);
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) break;
      else j++;
    }
    return { kind: 'quoted', quote: c, end: Math.min(j + 1, sql.length) };
  }
  return { kind: 'char', end: i + 1 };
}
