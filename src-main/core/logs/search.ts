// Search and download of a log, done on the server: `zgrep -F` over the log and its rotated files
// (plain and .gz, oldest first), or a line range of the current file with sed. The text is
// checked again here and reaches the shell only single-quoted, as one `-e` argument of grep.
import { SearchText } from '../../../shared/api/logs';
import { assertSafe } from '../hosting/quote';
import { shQuote } from '../ssh/sh-quote';
import type { LogSource } from './catalog';

/** Prints the files of a log, oldest first: rotated ones by their number (highest first), then the log itself. */
function filesOldestFirst(path: string): string[] {
  return [
    `f=${shQuote(path)}`,
    'files() {',
    '  for g in "$f".[0-9]*; do if [ -f "$g" ]; then printf \'%s\\n\' "$g"; fi; done | awk -F. \'{ n = $NF; if (n == "gz") n = $(NF - 1); if (n ~ /^[0-9]+$/) print n "\\t" $0 }\' | sort -rn | cut -f2-',
    '  if [ -f "$f" ]; then printf \'%s\\n\' "$f"; fi',
    '}',
  ];
}

/**
 * Lines containing `text`: `file:line:text` (with `withNames`) or the lines alone, at most `limit`
 * plus one (the extra line says the answer was cut). LC_ALL=C: bytes are matched as they are.
 */
export function grepScript(source: LogSource, rawText: string, limit: number, withNames: boolean): string {
  const text = assertSafe(SearchText, rawText, 'text');
  const n = String(Math.floor(limit) + 1);
  if (source.journal) {
    return `export LC_ALL=C; journalctl --no-pager -o short-iso 2>/dev/null | grep -F ${withNames ? '-n ' : ''}-e ${shQuote(text)} | head -n ${n}${withNames ? ' | sed \'s/^/journal:/\'' : ''}; exit 0`;
  }
  return [
    'export LC_ALL=C',
    ...filesOldestFirst(source.path),
    `t=${shQuote(text)}`,
    `files | while IFS= read -r g; do zgrep -F ${withNames ? '-H -n' : '-h'} -e "$t" -- "$g"; done | head -n ${n}`,
    'exit 0',
  ].join('\n');
}

/** Lines from..to of the current file (or of the journal's output). */
export function rangeScript(source: LogSource, from: number, to: number): string {
  const a = Math.max(1, Math.floor(from));
  const b = Math.max(a, Math.floor(to));
  const sed = `sed -n '${a},${b}p;${b}q'`;
  return source.journal ? `journalctl --no-pager -o short-iso 2>/dev/null | ${sed}; exit 0` : `${sed} -- ${shQuote(source.path)}`;
}

/** `file:line:text` lines of grepScript(withNames) into hits; the file is one of the log's own paths (no colon in them). */
export function parseHits(stdout: string, lineMax: number): { file: string; line: number; text: string }[] {
  const hits: { file: string; line: number; text: string }[] = [];
  for (const row of stdout.split('\n')) {
    const m = /^([^:]*):(\d+):(.*)$/s.exec(row);
    if (!m) continue;
    const text = m[3]!;
    hits.push({ file: m[1]!, line: Number(m[2]), text: text.length > lineMax ? `${text.slice(0, lineMax)}…` : text });
  }
  return hits;
}
