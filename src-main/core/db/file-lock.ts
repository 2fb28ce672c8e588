// A short exclusive lock between processes sharing a data folder (the app, browser-mode hosts,
// the command line): a lock file created with O_EXCL holding the holder's pid and start time.
// Held for one append, so a waiter sleeps a millisecond at a time; a lock whose holder died
// (or whose pid was reused) is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { AppError, msg } from '../../../shared/errors';
import { isStale, processStart } from '../queue/lock';

const WAIT_MS = 5000;
const nap = new Int32Array(new SharedArrayBuffer(4));
const startedAt = processStart(process.pid) ?? '';

export class FileLock {
  constructor(private readonly file: string) {}

  hold<T>(work: () => T): T {
    this.take();
    try {
      return work();
    } finally {
      rmSync(this.file, { force: true });
    }
  }

  private take(): void {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(this.file, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, startedAt, owner: 'audit' }));
        closeSync(fd);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (this.stale()) {
        rmSync(this.file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw AppError.worded('internal', msg('The audit log stayed locked for {{seconds}} s ({{file}}).'), { seconds: WAIT_MS / 1000, file: this.file });
      Atomics.wait(nap, 0, 0, 1);
    }
  }

  private stale(): boolean {
    try {
      const info = JSON.parse(readFileSync(this.file, 'utf8')) as { pid: number; startedAt: string; owner: string };
      return isStale(info);
    } catch {
      // Empty: being written this very moment, or its holder died between creating and writing it.
      try {
        return Date.now() - statSync(this.file).mtimeMs > 1000;
      } catch {
        return false;
      }
    }
  }
}
