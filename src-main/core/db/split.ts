// Splits SQL text (a .sql file, an editor's contents) into statements the way the mysql client
// does: on `;` (or the current DELIMITER) outside quotes and comments as sql-lexer.ts reads them
// (the client's reading: backslash escapes on); executable comments (/*! … */) stay part of their
// statement. `DELIMITER x` lines (mysqldump's stored routines) change the delimiter and are not
// statements themselves.
import { lexeme } from './sql-lexer';

export type SqlStatement = {
  /** The statement's text, trimmed, without its delimiter. */
  text: string;
  /** 1-based line where the statement starts. */
  line: number;
};

export function splitSql(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let delimiter = ';';
  let start = 0;
  let line = 1;
  let stmtLine = 1;
  let onlySpace = true;
  const code = () => {
    if (onlySpace) stmtLine = line;
    onlySpace = false;
  };
  const push = (end: number) => {
    if (!onlySpace) out.push({ text: stripLeadingComments(sql.slice(start, end).trim()), line: stmtLine });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    // DELIMITER at the start of a statement (the client command, not SQL).
    if (onlySpace && (c === 'D' || c === 'd') && /^DELIMITER[ \t]+\S/i.test(sql.slice(i, i + 12))) {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      delimiter = sql.slice(i + 9, stop).trim();
      i = stop;
      start = i;
      continue;
    }
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith(delimiter, i)) {
      push(i);
      i += delimiter.length;
      start = i;
      onlySpace = true;
      continue;
    }
    const l = lexeme(sql, i);
    // Plain comments are not the start of a statement; executable ones are code.
    if (l.kind === 'char' || l.kind === 'quoted' || (l.kind === 'block-comment' && l.code !== null)) code();
    if (l.kind !== 'char') line += countNl(sql, i, l.end);
    i = l.end;
  }
  push(sql.length);
  return out;
}

function countNl(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Plain comments before a statement are dropped (executable ones are kept). */
function stripLeadingComments(text: string): string {
  let t = text;
  for (;;) {
    const m = /^(?:--[\u0000-\u0020][^\n]*(?:\n|$)|--$|#[^\n]*(?:\n|$)|\/\*(?![!M]!?)[\s\S]*?\*\/)\s*/.exec(t);
    if (!m || !m[0]) return t;
    t = t.slice(m[0].length);
  }
}
