// Read-only enforcement, before anything is sent: a statement may run on a read-only session
// only if it can be shown to only read. The rule is an allow-list, not a block-list: one
// statement, whose first keyword is a read (SELECT, SHOW, …), with nothing inside it that
// writes, locks, assigns, or has side effects. Everything else is refused.
//
// How the text is read (sql-lexer.ts), so that nothing can hide from the guard: comments are
// stripped except executable ones, whose body is judged as code; literals are read in every
// quoting mode the server could be in (backslash escapes on or off (NO_BACKSLASH_ESCAPES), "…" as
// a string or as an identifier (ANSI_QUOTES)): a statement passes only if it is a single harmless
// read under each reading, so `'\'; DROP …` cannot smuggle a second statement past a guard that
// guessed the mode wrong.
// The server-side line behind this: read-only sessions run SET SESSION TRANSACTION READ ONLY,
// so a write that somehow passed would still be refused by MariaDB (stored functions included).
import { fill, msg, type Said } from '../../../shared/errors';
import { lexeme, type Mode } from './sql-lexer';

/** A refusal carries its reason as written (for the audit log) and as a template (for the UI's language). */
export type Verdict = { ok: true } | { ok: false; reason: string; said: Said };

const MODES: Mode[] = [
  { single: true, double: true }, // the default
  { single: false, double: false }, // NO_BACKSLASH_ESCAPES
  { single: true, double: false }, // ANSI_QUOTES ("…" is an identifier)
];

/** First keywords of statements that only read. */
const READS = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'HELP', 'WITH', 'VALUES', 'TABLE', 'CHECKSUM', 'USE']);
/** Reads that cannot carry anything else (no sub-statement, no function calls). */
const PLAIN = new Set(['SHOW', 'HELP', 'USE', 'CHECKSUM']);

/** Removes comments and string/identifier literals' contents, keeping the statement's shape. */
export function skeleton(sql: string, mode: Mode = MODES[0]!): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const l = lexeme(sql, i, mode);
    if (l.kind === 'block-comment') out += l.code === null ? ' ' : ` ${skeleton(sql.slice(l.code, l.codeEnd), mode)} `;
    else if (l.kind === 'line-comment') out += ' ';
    else if (l.kind === 'quoted') out += l.quote === '`' ? '`x`' : `${l.quote}${l.quote}`;
    else out += sql[i];
    i = l.end;
  }
  return out;
}

/** Splits on semicolons outside literals and comments (on the skeleton). */
export function statements(sql: string, mode: Mode = MODES[0]!): string[] {
  return skeleton(sql, mode)
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

const refuse = (key: string, params: Said['params'] = {}): Verdict => ({ ok: false, reason: fill(key, params), said: { key, params } });

/**
 * Words that, anywhere in a read, mean it is not one: DML inside EXPLAIN or a CTE (WITH … DELETE),
 * EXPLAIN ANALYZE (which executes), PROCEDURE ANALYSE, … Only reserved words, so that unquoted
 * column names (start, status, …) do not trip it; statement starters that are not reserved
 * (DO, HANDLER, XA, FLUSH, …) are caught by the first-keyword allow-list instead.
 */
const WRITE_WORDS =
  /\b(INSERT|UPDATE|DELETE|REPLACE|DROP|CREATE|ALTER|TRUNCATE|RENAME|GRANT|REVOKE|LOAD|CALL|SET|LOCK|UNLOCK|KILL|PURGE|OPTIMIZE|ANALYZE|CHECK|RELEASE|SIGNAL|RESIGNAL|PROCEDURE)\b/;
/** Functions that change state, wait, or read server files. */
const SIDE_EFFECT_FUNCTIONS =
  /\b(GET_LOCK|RELEASE_LOCK|RELEASE_ALL_LOCKS|IS_USED_LOCK|IS_FREE_LOCK|NEXTVAL|SETVAL|LASTVAL|SLEEP|BENCHMARK|LOAD_FILE|SYS_EXEC|SYS_EVAL|SYS_GET|SYS_SET|MASTER_POS_WAIT|MASTER_GTID_WAIT|SOURCE_POS_WAIT|WAIT_FOR_EXECUTED_GTID_SET|WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS|LAST_INSERT_ID)\s*\(/;

const ASSIGNS = msg('This statement assigns variables; this session is read-only.');

function judge(stmt: string): Verdict {
  // Words the write list would misread: CHARACTER SET in casts, string functions named after
  // statements (INSERT(), REPLACE(), TRUNCATE() the number function).
  const text = stmt
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\b(CHARACTER SET|CHARSET)\b/g, 'CHARSET_')
    .replace(/\b(INSERT|REPLACE|TRUNCATE|CHECK)\s*\(/g, '$1_FN(');
  const first = /^[\s(]*([A-Z_]+)/.exec(text)?.[1] ?? '';
  if (!READS.has(first)) return notARead(first, stmt);
  if (PLAIN.has(first)) {
    if (first === 'CHECKSUM' && !/^CHECKSUM TABLE\b/.test(text)) return refuse(msg('This statement is not a plain CHECKSUM TABLE; this session is read-only.'));
    return { ok: true };
  }
  if (/\bINTO\b/.test(text)) {
    if (/\bINTO\s+(OUTFILE|DUMPFILE)\b/.test(text)) return refuse(msg('This statement writes a file on the server; this session is read-only.'));
    return refuse(/\bINTO\s+@/.test(text) ? ASSIGNS : msg('This statement writes its result somewhere; this session is read-only.'));
  }
  if (/\bFOR\s+(UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/.test(text)) return refuse(msg('This statement takes row locks; this session is read-only.'));
  if (/:=/.test(text)) return refuse(ASSIGNS);
  if (/\bNEXT\s+VALUE\s+FOR\b/.test(text)) return refuse(msg('This statement advances a sequence; this session is read-only.'));
  const fn = SIDE_EFFECT_FUNCTIONS.exec(text);
  if (fn) return refuse(msg('This statement calls {{fn}}(), which has side effects; this session is read-only.'), { fn: fn[1]! });
  const word = WRITE_WORDS.exec(text);
  if (word) return refuse(msg('This statement contains {{word}}, which can change data or the session; this session is read-only.'), { word: word[1]! });
  return { ok: true };
}

/**
 * Why a statement whose first word is not a read is refused. A word MySQL would not take for a
 * keyword at all (full-width letters, other look-alikes, no word) is named as written, with the
 * keyword it imitates where compatibility normalisation (NFKC) shows one.
 */
function notARead(first: string, stmt: string): Verdict {
  const word = /^[\s(]*([^\s(),;'"`]*)/u.exec(stmt)?.[1] ?? '';
  if (first && word.toUpperCase() === first) return refuse(msg('{{keyword}} statements can change data or the session; this session is read-only.'), { keyword: first });
  const plain = word.normalize('NFKC').toUpperCase();
  const reads = [...READS].join(', ');
  if (!word) return refuse(msg('This statement does not start with a keyword, not with a read ({{reads}}); this session is read-only.'), { reads });
  if (plain !== word && /^[A-Z_]+$/.test(plain)) {
    return refuse(msg('This statement starts with “{{word}}” (look-alike letters for {{plain}}), not with a read ({{reads}}); this session is read-only.'), { word, plain, reads });
  }
  return refuse(msg('This statement starts with “{{word}}”, not with a read ({{reads}}); this session is read-only.'), { word, reads });
}

export function checkReadOnly(sql: string): Verdict {
  if (sql.includes('\u0000')) return refuse(msg('Statements with NUL characters are refused on read-only sessions.'));
  for (const mode of MODES) {
    const parts = statements(sql, mode);
    if (parts.length === 0) return refuse(msg('There is no statement to run.'));
    if (parts.length > 1) return refuse(msg('Read-only sessions run one statement at a time.'));
    const verdict = judge(parts[0]!);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
