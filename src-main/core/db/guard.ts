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
import { lexeme, type Mode } from './sql-lexer';

export type Verdict = { ok: true } | { ok: false; reason: string };

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

const refuse = (why: string): Verdict => ({ ok: false, reason: `This statement ${why}; this session is read-only.` });

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

function judge(stmt: string): Verdict {
  // Words the write list would misread: CHARACTER SET in casts, string functions named after
  // statements (INSERT(), REPLACE(), TRUNCATE() the number function).
  const text = stmt
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\b(CHARACTER SET|CHARSET)\b/g, 'CHARSET_')
    .replace(/\b(INSERT|REPLACE|TRUNCATE|CHECK)\s*\(/g, '$1_FN(');
  const first = /^[\s(]*([A-Z_]+)/.exec(text)?.[1] ?? '';
  if (!READS.has(first)) return { ok: false, reason: notARead(first, stmt) };
  if (PLAIN.has(first)) {
    if (first === 'CHECKSUM' && !/^CHECKSUM TABLE\b/.test(text)) return refuse('is not a plain CHECKSUM TABLE');
    return { ok: true };
  }
  if (/\bINTO\b/.test(text)) return refuse(/\bINTO\s+(OUTFILE|DUMPFILE)\b/.test(text) ? 'writes a file on the server' : /\bINTO\s+@/.test(text) ? 'assigns variables' : 'writes its result somewhere');
  if (/\bFOR\s+(UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/.test(text)) return refuse('takes row locks');
  if (/:=/.test(text)) return refuse('assigns variables');
  if (/\bNEXT\s+VALUE\s+FOR\b/.test(text)) return refuse('advances a sequence');
  const fn = SIDE_EFFECT_FUNCTIONS.exec(text);
  if (fn) return refuse(`calls ${fn[1]}(), which has side effects`);
  const word = WRITE_WORDS.exec(text);
  if (word) return refuse(`contains ${word[1]}, which can change data or the session`);
  return { ok: true };
}

/**
 * Why a statement whose first word is not a read is refused. A word MySQL would not take for a
 * keyword at all (full-width letters, other look-alikes, no word) is named as written, with the
 * keyword it imitates where compatibility normalisation (NFKC) shows one.
 */
function notARead(first: string, stmt: string): string {
  const word = /^[\s(]*([^\s(),;'"`]*)/u.exec(stmt)?.[1] ?? '';
  if (first && word.toUpperCase() === first) return `${first} statements can change data or the session; this session is read-only.`;
  const plain = word.normalize('NFKC').toUpperCase();
  const imitates = plain !== word && /^[A-Z_]+$/.test(plain) ? ` (look-alike letters for ${plain})` : '';
  const starts = word ? `starts with “${word}”${imitates}` : 'does not start with a keyword';
  return `This statement ${starts}, not with a read (${[...READS].join(', ')}); this session is read-only.`;
}

export function checkReadOnly(sql: string): Verdict {
  if (sql.includes('\u0000')) return { ok: false, reason: 'Statements with NUL characters are refused on read-only sessions.' };
  for (const mode of MODES) {
    const parts = statements(sql, mode);
    if (parts.length === 0) return { ok: false, reason: 'There is no statement to run.' };
    if (parts.length > 1) return { ok: false, reason: 'Read-only sessions run one statement at a time.' };
    const verdict = judge(parts[0]!);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
