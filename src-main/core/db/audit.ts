// The audit log: every statement sent to a customer database, appended as one JSON line and
// never rewritten. Passwords inside statements (IDENTIFIED BY '…', PASSWORD('…')) are masked
// before they are written.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from '../../../shared/api/db';

export function redact(statement: string): string {
  return statement
    .replace(/(IDENTIFIED\s+(?:WITH\s+\S+\s+)?(?:BY|AS)\s+)(['"])(?:\\.|(?!\2).)*\2/gi, '$1$2***$2')
    .replace(/(PASSWORD\s*\(\s*)(['"])(?:\\.|(?!\2).)*\2/gi, '$1$2***$2');
}

export class AuditLog {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'audit.jsonl');
  }

  record(entry: AuditEntry): void {
    appendFileSync(this.file, `${JSON.stringify({ ...entry, statement: redact(entry.statement) })}\n`, { mode: 0o600 });
  }

  /** Newest first. */
  list(serverId: string | null, limit: number): AuditEntry[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const out: AuditEntry[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      try {
        const entry = JSON.parse(lines[i]!) as AuditEntry;
        if (!serverId || entry.serverId === serverId) out.push(entry);
      } catch {
        // A line torn by a crash mid-write is skipped, not fatal.
      }
    }
    return out;
  }
}
