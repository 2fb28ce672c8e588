// Read-only enforcement, before anything is sent: a statement may run on a read-only session
// only if it can be shown to only read. Comments are stripped first — except MySQL's
// executable comments (/*! … */, /*M! … */), which run, and are judged as code.
export type Verdict = { ok: true } | { ok: false; reason: string };

const READS = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'HELP', 'WITH', 'VALUES', 'TABLE']);

/** Removes comments and string/identifier literals' contents, keeping the statement's shape. */
export function skeleton(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const body = sql.slice(i + 2, end < 0 ? sql.length : end);
      // Executable comments run on the server: keep their code (minus the version prefix).
      const exec = /^(M?!)(\d{5,6})?/.exec(body);
      out += exec ? ` ${skeleton(body.slice(exec[0].length))} ` : ' ';
      i = end < 0 ? sql.length : end + 2;
    } else if ((c === '-' && next === '-' && /\s|$/.test(sql[i + 2] ?? '')) || c === '#') {
      const end = sql.indexOf('\n', i);
      out += ' ';
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\' && c !== '`') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += c === '`' ? '`x`' : `${c}${c}`;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Splits on semicolons outside literals and comments (on the skeleton). */
export function statements(sql: string): string[] {
  return skeleton(sql)
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function checkReadOnly(sql: string): Verdict {
  const parts = statements(sql);
  if (parts.length === 0) return { ok: false, reason: 'There is no statement to run.' };
  if (parts.length > 1) return { ok: false, reason: 'Read-only sessions run one statement at a time.' };
  const stmt = parts[0]!.toUpperCase().replace(/\s+/g, ' ');
  const first = /^[\s(]*([A-Z]+)/.exec(stmt)?.[1] ?? '';
  if (!READS.has(first)) return { ok: false, reason: `${first || 'This'} statements can change data; this session is read-only.` };
  const forbidden = [
    [/\bINTO\s+(OUTFILE|DUMPFILE)\b/, 'writes a file on the server'],
    [/\bINTO\s+@/, 'assigns variables'],
    [/\bFOR\s+UPDATE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/, 'takes row locks'],
    [/\b(INSERT|UPDATE|DELETE|REPLACE|DROP|CREATE|ALTER|TRUNCATE|RENAME|GRANT|REVOKE|LOAD|CALL|SET|HANDLER|LOCK|UNLOCK|DO|PREPARE|EXECUTE|FLUSH|PURGE|RESET|KILL|INSTALL|UNINSTALL|SHUTDOWN|IMPORT|OPTIMIZE|REPAIR|ANALYZE)\b/, 'contains a statement that can change data'],
    [/\b(GET_LOCK|RELEASE_LOCK|RELEASE_ALL_LOCKS|NEXTVAL|SETVAL|LASTVAL|SLEEP|BENCHMARK|LOAD_FILE|SYS_EXEC|SYS_EVAL)\s*\(/, 'calls a function with side effects'],
  ] as const;
  for (const [pattern, why] of forbidden) if (pattern.test(stmt)) return { ok: false, reason: `This statement ${why}; this session is read-only.` };
  return { ok: true };
}
