// A server's queue journal: <dataDir>/queue/<serverId>.jsonl, append-only JSON lines. An event
// counts once it is written and fsynced (a task's start: once written, see append()); the state is the replay of the file, in file order, in
// every process that reads it (an enqueue from another app instance is just a line it appended).
//
// - Torn last line (a crash mid-write): never parsed until it ends with "\n"; a writer finding
//   the file not ending in "\n" starts its line on a fresh one, so the torn text is one bad line,
//   skipped.
// - Compaction (by the runner holding the lock only): the live state as one snapshot record
//   per task (finished history bounded) into <file>.tmp.<pid>, fsync, rename over the journal,
//   fsync the directory. A reader notices the new inode and replays from the start. A writer
//   in another process that appended to the old inode notices the same and writes its line again
//   (every event is idempotent: a second `enqueued` of a known id, a second `cancelled`, … change
//   nothing).
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FINISHED, TAIL_BYTES, type Task } from '../../../shared/queue';

export type NewTask = Pick<Task, 'id' | 'kind' | 'title' | 'params' | 'commands' | 'enqueuedAt'>;

export type JournalEvent =
  | { t: 'enqueued'; task: NewTask }
  | { t: 'started'; id: string; at: string }
  | { t: 'finished'; id: string; at: string; status: 'done' | 'failed'; exitCode: number | null; stdoutTail: string; stderrTail: string; ms: number; secretLost?: true }
  | { t: 'skipped'; id: string; at: string }
  | { t: 'cancelled'; id: string; at: string }
  | { t: 'retried'; id: string; at: string }
  | { t: 'snapshot'; task: Task };

/** Finished tasks (done / skipped / cancelled) a compaction keeps, the most recent ones. */
export const KEEP_FINISHED = 500;
/** Compaction when the file has more lines than this plus twice the tasks it holds. */
export const COMPACT_LINES = 2000;

export function tail(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= TAIL_BYTES) return text;
  return bytes.subarray(bytes.length - TAIL_BYTES).toString('utf8').replace(/^\uFFFD+/, '');
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported on this platform (Windows): the rename is still atomic
  }
}

export class Journal {
  private replay: TaskReplay;
  private lineCount = 0;
  private offset = 0;
  private ino = -1;

  constructor(
    readonly file: string,
    readonly serverId: string,
  ) {
    this.replay = new TaskReplay(serverId);
  }

  get tasks(): Map<string, Task> {
    return this.replay.tasks;
  }

  /** Tasks in queue order. */
  ordered(): Task[] {
    return [...this.tasks.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Reads what was appended since the last call (or everything, if the file was replaced); returns the tasks that changed. */
  catchUp(): Task[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return [];
    }
    const changed = new Map<string, Task>();
    try {
      const st = fstatSync(fd);
      if (st.ino !== this.ino || st.size < this.offset) {
        this.replay = new TaskReplay(this.serverId);
        this.lineCount = 0;
        this.offset = 0;
        this.ino = st.ino;
      }
      if (st.size === this.offset) return [];
      const buf = Buffer.alloc(st.size - this.offset);
      let read = 0;
      while (read < buf.length) {
        const n = readSync(fd, buf, read, buf.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      const end = buf.subarray(0, read).lastIndexOf(0x0a);
      if (end < 0) return [];
      this.offset += end + 1;
      for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
        if (!line) continue;
        this.lineCount++;
        let event: JournalEvent;
        try {
          event = JSON.parse(line) as JournalEvent;
        } catch {
          continue; // a torn line
        }
        const task = this.apply(event);
        if (task) changed.set(task.id, task);
      }
    } finally {
      closeSync(fd);
    }
    return [...changed.values()];
  }

  /**
   * Appends events (one write, fsynced); call catchUp() to see them applied. Events that only say
   * a task started are not flushed on their own (a flush costs milliseconds on the event loop,
   * before every task): lost to a power cut, the task replays as pending instead of running, and
   * either way runs again at the next start; the next flushed write makes them durable too.
   */
  append(events: JournalEvent[]): void {
    const flush = events.some((e) => e.t !== 'started');
    const data = events.map((e) => JSON.stringify(e) + '\n').join('');
    for (let attempt = 0; attempt < 5; attempt++) {
      const fd = openSync(this.file, 'a+', 0o600);
      let ino: number;
      try {
        const st = fstatSync(fd);
        ino = st.ino;
        let prefix = '';
        if (st.size > 0) {
          const last = Buffer.alloc(1);
          readSync(fd, last, 0, 1, st.size - 1);
          if (last[0] !== 0x0a) prefix = '\n';
        }
        writeSync(fd, prefix + data);
        if (flush || st.size === 0) fsyncSync(fd);
        if (st.size === 0) fsyncDir(path.dirname(this.file));
      } finally {
        closeSync(fd);
      }
      try {
        if (statSync(this.file).ino === ino) return;
      } catch {
        // replaced right now: write again
      }
    }
    throw new Error('the queue journal kept being replaced while writing');
  }

  needsCompaction(): boolean {
    return this.lineCount > COMPACT_LINES + 2 * this.tasks.size;
  }

  /** Rewrites the journal as a snapshot of the live state (finished history bounded). */
  compact(): void {
    this.catchUp();
    const ordered = this.ordered();
    const finished = ordered.filter((t) => FINISHED.includes(t.status));
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)).map((t) => t.id));
    const kept = ordered.filter((t) => !drop.has(t.id));
    const tmp = `${this.file}.tmp.${process.pid}`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, kept.map((task) => JSON.stringify({ t: 'snapshot', task } satisfies JournalEvent) + '\n').join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    // Replay what is now there (including a line another process may have appended since).
    this.ino = -1;
    this.catchUp();
  }

  /** Resolves once what was appended is durable and read back: at once for a file (append is synchronous). */
  flushed(): Promise<void> {
    return Promise.resolve();
  }

  private apply(event: JournalEvent): Task | null {
    return this.replay.apply(event);
  }
}

/** The queue's state as a replay of its events, in order (the file's, or the team database's seq). */
export class TaskReplay {
  readonly tasks = new Map<string, Task>();
  maxSeq = 0;

  constructor(readonly serverId: string) {}

  /** A copy to apply events on top of without touching this one. */
  clone(): TaskReplay {
    const copy = new TaskReplay(this.serverId);
    for (const [id, task] of this.tasks) copy.tasks.set(id, task);
    copy.maxSeq = this.maxSeq;
    return copy;
  }

  apply(event: JournalEvent): Task | null {
    if (event.t === 'snapshot') {
      this.tasks.set(event.task.id, event.task);
      this.maxSeq = Math.max(this.maxSeq, event.task.seq);
      return event.task;
    }
    if (event.t === 'enqueued') {
      if (this.tasks.has(event.task.id)) return null;
      const task: Task = {
        ...event.task,
        serverId: this.serverId,
        seq: ++this.maxSeq,
        status: 'pending',
        attempts: 0,
        exitCode: null,
        stdoutTail: '',
        stderrTail: '',
        startedAt: null,
        finishedAt: null,
        ms: null,
      };
      this.tasks.set(task.id, task);
      return task;
    }
    const task = this.tasks.get(event.id);
    if (!task) return null;
    let next: Task | null = null;
    switch (event.t) {
      case 'started':
        if (task.status === 'pending' || task.status === 'running') {
          const { secretLost: _lost, ...rest } = task;
          next = { ...rest, status: 'running', attempts: task.attempts + 1, startedAt: event.at, finishedAt: null, ms: null, exitCode: null, stdoutTail: '', stderrTail: '' };
        }
        break;
      case 'finished':
        if (task.status === 'running') {
          next = { ...task, status: event.status, exitCode: event.exitCode, stdoutTail: event.stdoutTail, stderrTail: event.stderrTail, ms: event.ms, finishedAt: event.at, ...(event.secretLost ? { secretLost: true } : {}) };
        }
        break;
      case 'skipped':
        if (task.status === 'failed') next = { ...task, status: 'skipped', finishedAt: event.at };
        break;
      case 'cancelled':
        if (task.status === 'pending') next = { ...task, status: 'cancelled', finishedAt: event.at };
        break;
      case 'retried':
        if (task.status === 'failed') next = { ...task, status: 'pending' };
        break;
    }
    if (next) this.tasks.set(next.id, next);
    return next;
  }
}
