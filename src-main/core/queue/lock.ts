// One runner per server across processes (and across cores in one process): a lock file
// <dataDir>/queue/<serverId>.lock created with O_EXCL, holding {pid, startedAt, owner}. It is
// stale when its pid is dead, or alive but started at another time (the pid was reused); a
// stale lock is moved aside and taken. The holder checks it still holds the lock before each
// task, so a lock wrongly taken from it ends its run at the next task.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

type LockInfo = { pid: number; startedAt: string; owner: string };

/** The process's start time as the OS knows it: /proc/<pid>/stat field 22 on Linux; null elsewhere. */
export function processStart(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22, counted from field 3 (state)
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const selfStart = processStart(process.pid) ?? new Date(Date.now() - process.uptime() * 1000).toISOString();

export function isStale(info: LockInfo): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0 || !alive(info.pid)) return true;
  const start = processStart(info.pid);
  return start !== null && start !== info.startedAt;
}

export class QueueLock {
  private held = false;

  constructor(
    readonly file: string,
    readonly owner: string,
  ) {}

  tryAcquire(): boolean {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.file, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: selfStart, owner: this.owner } satisfies LockInfo));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.held = true;
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const info = this.read();
      if (info === undefined) continue; // gone meanwhile: try again
      // Unreadable: being written this very moment, or torn by a crash: stale once old.
      const stale = info === null ? this.ageMs() > 5000 : isStale(info);
      if (!stale) return false;
      const aside = `${this.file}.stale-${randomUUID()}`;
      try {
        renameSync(this.file, aside);
        rmSync(aside, { force: true });
      } catch {
        // someone else moved it first
      }
    }
    return false;
  }

  /** Whether the lock file still names this holder. */
  stillMine(): boolean {
    if (!this.held) return false;
    const info = this.read();
    return !!info && info.owner === this.owner && info.pid === process.pid;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.stillMine0()) rmSync(this.file, { force: true });
  }

  private stillMine0(): boolean {
    const info = this.read();
    return !!info && info.owner === this.owner && info.pid === process.pid;
  }

  /** undefined: no file; null: unreadable. */
  private read(): LockInfo | null | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const info = JSON.parse(text) as LockInfo;
      return typeof info.pid === 'number' && typeof info.owner === 'string' ? info : null;
    } catch {
      return null;
    }
  }

  private ageMs(): number {
    try {
      return Date.now() - statSync(this.file).mtimeMs;
    } catch {
      return 0;
    }
  }
}
