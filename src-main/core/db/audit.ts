// The audit log: every statement sent to a customer database and every queue task's outcome,
// appended as one JSON line and never rewritten, each line hash-chained to the one before
// (audit-chain.ts); several processes append to one file, so taking the chain's head and
// appending happen under a lock file. Passwords inside statements (IDENTIFIED BY '…', PASSWORD('…'), USING '…',
// MASTER_PASSWORD='…', encryption keys) are masked before they are written — and again when an
// entry is read or exported, so that a line written by an older version never leaks either.
import { closeSync, createWriteStream, existsSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { AuditEntry, AuditVerdict } from '../../../shared/api/db';
import type { Task } from '../../../shared/queue';
import { chain, isChained, verifyChain, type ChainLinks } from './audit-chain';
import { FileLock } from './file-lock';

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

/** A queue task's outcome as the audit records it. */
export type TaskOutcome = { serverId: string; serverName: string; id: string; kind: string; title: string; status: 'done' | 'failed' | 'skipped' | 'cancelled'; ms: number; error: string | null };

/** A finished task as the audit records it: for a failure, the last line it printed on stderr (already masked). */
export function taskOutcome(serverId: string, serverName: string, task: Task): TaskOutcome {
  const status = task.status === 'done' || task.status === 'failed' || task.status === 'skipped' ? task.status : 'cancelled';
  const lastLine = task.stderrTail.trim().split('\n').pop()?.slice(0, 500) ?? '';
  const error = status === 'failed' ? `exit ${task.exitCode ?? '-'}${lastLine ? `: ${lastLine}` : ''}` : null;
  return { serverId, serverName, id: task.id, kind: task.kind, title: task.title, status, ms: task.ms ?? 0, error };
}

const TASK_OUTCOME: Record<TaskOutcome['status'], AuditEntry['outcome']> = { done: 'ok', failed: 'error', skipped: 'cancelled', cancelled: 'cancelled' };
const TAIL_CHUNK = 64 * 1024;

/** Team mode's audit (team/audit-chain.ts): the team database's audit table instead of the file. */
export interface TeamAuditSink {
  record(entry: AuditEntry): void;
  /** Resolves once every entry recorded so far is written. */
  flushed(): Promise<void>;
  list(serverId: string | null, limit: number): Promise<AuditEntry[]>;
  verify(): Promise<AuditVerdict>;
}

export class AuditLog {
  readonly file: string;
  private readonly lock: FileLock;
  private team: TeamAuditSink | null = null;
  /** The head as this process last wrote it, valid while the file is the same inode and size. */
  private cached: { ino: number; size: number; head: ChainLinks | null } | null = null;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'audit.jsonl');
    this.lock = new FileLock(`${this.file}.lock`);
  }

  record(entry: AuditEntry): void {
    this.append({ ...entry, statement: redact(entry.statement), error: entry.error === null ? null : redact(entry.error) });
  }

  recordTask(t: TaskOutcome): void {
    this.append({
      at: new Date().toISOString(),
      serverId: t.serverId,
      serverName: t.serverName,
      database: null,
      statement: t.title,
      rows: null,
      durationMs: t.ms,
      outcome: TASK_OUTCOME[t.status],
      error: t.error,
      task: { id: t.id, kind: t.kind, status: t.status },
    });
  }

  /** Team mode: entries go to the team's audit table from now on. */
  useTeam(team: TeamAuditSink): void {
    this.team = team;
  }

  private append(entry: AuditEntry): void {
    if (this.team) return this.team.record(entry);
    this.keepLocally(entry);
  }

  /** Appends to the file whatever the mode: where an entry the team's audit could not take is kept. */
  keepLocally(entry: AuditEntry): void {
    this.lock.hold(() => {
      const fd = openSync(this.file, 'a+', 0o600);
      try {
        const { ino, size } = fstatSync(fd);
        const head = this.cached && this.cached.ino === ino && this.cached.size === size ? this.cached.head : lastLinks(fd, size);
        const { hash: _h, prev: _p, seq: _s, ...fields } = entry;
        const linked = chain(fields, head);
        // A line torn by a crash mid-write stays a line of its own.
        const line = `${size > 0 && !endsWithNewline(fd, size) ? '\n' : ''}${JSON.stringify(linked)}\n`;
        const bytes = Buffer.from(line, 'utf8');
        writeSync(fd, bytes);
        this.cached = { ino, size: size + bytes.length, head: { seq: linked.seq, prev: linked.prev, hash: linked.hash } };
      } finally {
        closeSync(fd);
      }
    });
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

  /** Newest first: the team's audit in team mode, else the file. */
  async entries(serverId: string | null, limit: number): Promise<AuditEntry[]> {
    if (!this.team) return this.list(serverId, limit);
    await this.team.flushed();
    return this.team.list(serverId, limit);
  }

  /** Walks the whole chain as written (oldest first): the team's audit in team mode, else the file. */
  async verify(): Promise<AuditVerdict> {
    if (!this.team) return this.verifyFile();
    await this.team.flushed();
    return this.team.verify();
  }

  verifyFile(): AuditVerdict {
    if (!existsSync(this.file)) return { verified: 0, beforeChain: 0, torn: 0, broken: null };
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    return verifyChain(lines.map((line) => ({ value: parseLine(line) })));
  }

  /** Writes the whole log (oldest first) to `file`: CSV when it ends in .csv, else JSON lines. The team's audit in team mode. */
  async export(file: string): Promise<number> {
    const entries = (await this.entries(null, Number.MAX_SAFE_INTEGER)).reverse();
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

function parseLine(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

/** The links of the newest line that parses, read backwards from the end (null: no chain yet). */
function lastLinks(fd: number, size: number): ChainLinks | null {
  let end = size;
  let carry = Buffer.alloc(0);
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const text = Buffer.concat([chunk, carry]);
    // Bytes before the first newline may be the end of a longer line: kept for the next chunk unless at the start.
    const cut = start === 0 ? -1 : text.indexOf(0x0a);
    if (start > 0 && cut < 0) {
      carry = text;
      end = start;
      continue;
    }
    const lines = text.subarray(cut + 1).toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const v = lines[i] ? parseLine(lines[i]!) : null;
      if (v) return isChained(v) ? { seq: v.seq, prev: v.prev, hash: v.hash } : null;
    }
    carry = text.subarray(0, Math.max(cut, 0));
    end = start;
  }
  return null;
}
