// The audit log: every statement sent to a customer database, appended as one JSON line and
// never rewritten. Passwords inside statements (IDENTIFIED BY '…', PASSWORD('…'), USING '…',
// MASTER_PASSWORD='…', encryption keys) are masked before they are written — and again when an
// entry is read or exported, so that a line written by an older version never leaks either.
import { createWriteStream, appendFileSync, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { AuditEntry } from '../../../shared/api/db';

const LITERAL = String.raw`(['"])(?:\\.|(?:\1\1)|(?!\1)[\s\S])*\1`;
const SECRET_BEFORE = [
  // IDENTIFIED BY 'x' | BY PASSWORD 'x' | WITH plugin AS 'x' | VIA plugin USING 'x' | USING PASSWORD('x')
  String.raw`IDENTIFIED\s+(?:(?:WITH|VIA)\s+\S+\s+)?(?:BY|AS|USING)\s+(?:PASSWORD\s*\(?\s*)?`,
  String.raw`\bOR\s+\S+\s+(?:AS|USING)\s+(?:PASSWORD\s*\(\s*)?`,
  String.raw`\b(?:OLD_)?PASSWORD\s*\(\s*`,
  String.raw`\bSET\s+PASSWORD\s*(?:FOR\s+\S+\s*)?=\s*`,
  String.raw`\b(?:MASTER|SOURCE)_PASSWORD\s*=\s*`,
  String.raw`\b(?:AES_ENCRYPT|AES_DECRYPT|DES_ENCRYPT|DES_DECRYPT|ENCODE|DECODE|ENCRYPT)\s*\(\s*(?:${LITERAL.replace('\\1', '\\2').replace('\\1\\1', '\\2\\2').replace('(?!\\1)', '(?!\\2)')}|[^,()]+)\s*,\s*`,
];

export function redact(statement: string): string {
  let out = statement;
  for (const before of SECRET_BEFORE) {
    out = out.replace(new RegExp(`(${before})(['"])(?:\\\\.|(?:\\2\\2)|(?!\\2)[\\s\\S])*?\\2(?!\\2)`, 'gi'), (_m, prefix: string, q: string) => `${prefix}${q}***${q}`);
  }
  return out;
}

export type AuditFilter = { serverId: string | null; limit: number; outcome?: AuditEntry['outcome'] | null };

export class AuditLog {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'audit.jsonl');
  }

  record(entry: AuditEntry): void {
    appendFileSync(this.file, `${JSON.stringify({ ...entry, statement: redact(entry.statement), error: entry.error === null ? null : redact(entry.error) })}\n`, { mode: 0o600 });
  }

  /** Newest first. */
  list(serverId: string | null, limit: number, outcome: AuditEntry['outcome'] | null = null): AuditEntry[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const out: AuditEntry[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      try {
        const entry = JSON.parse(lines[i]!) as AuditEntry;
        if ((!serverId || entry.serverId === serverId) && (!outcome || entry.outcome === outcome)) out.push({ ...entry, statement: redact(entry.statement) });
      } catch {
        // A line torn by a crash mid-write is skipped, not fatal.
      }
    }
    return out;
  }

  /** Writes the whole log (oldest first) to `file`: CSV when it ends in .csv, else JSON lines. */
  async export(file: string): Promise<number> {
    const entries = this.list(null, Number.MAX_SAFE_INTEGER).reverse();
    const csv = file.toLowerCase().endsWith('.csv');
    const out = createWriteStream(file, { mode: 0o600 });
    const columns = ['at', 'serverId', 'serverName', 'database', 'statement', 'rows', 'durationMs', 'outcome', 'error'] as const;
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    try {
      if (csv) await write(stringify([columns as unknown as string[]], { record_delimiter: 'windows' }));
      for (const e of entries) {
        await write(csv ? stringify([columns.map((c) => e[c])], { record_delimiter: 'windows', quoted_empty: true }) : `${JSON.stringify(e)}\n`);
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    return entries.length;
  }
}
