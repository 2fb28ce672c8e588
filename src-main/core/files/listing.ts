// A folder listed as it arrives: SFTP READDIR answers (about a hundred entries each) are read
// ahead into a buffer the window drains with files.listMore, so the first rows show before a
// folder of 100,000 entries is read to its end.
import { AppError } from '../../../shared/errors';
import type { FileEntry } from '../../../shared/api/files';
import { sftpError, toEntry, type SiteSession } from './session';

/** Entries handed to the window in one files.listMore at most. */
const PAGE_MAX = 25_000;
/** How long files.listMore waits for more entries to arrive before answering. */
const GATHER_MS = 150;

export class Listing {
  private buffer: FileEntry[] = [];
  private done = false;
  private error: AppError | null = null;
  private wake: (() => void) | null = null;
  lastUsed = Date.now();

  constructor(
    private readonly session: SiteSession,
    private readonly abs: string,
    private readonly what: string,
  ) {}

  /** Opens the folder (errors such as permission denied surface here) and reads on in the background. */
  async start(): Promise<void> {
    const handle = await this.session.call<Buffer>(this.what, (cb) => this.session.sftp.opendir(this.abs, cb));
    void this.readAll(handle);
  }

  private async readAll(handle: Buffer): Promise<void> {
    const { sftp } = this.session;
    try {
      for (;;) {
        const list = await new Promise<ReturnType<typeof toEntry>[] | false>((resolve, reject) =>
          sftp.readdir(handle, (e, items) => {
            if (e && (e as { code?: number }).code === 1) return resolve(false);
            if (e) return reject(sftpError(e, this.what));
            resolve(items ? items.filter((i) => i.filename !== '.' && i.filename !== '..').map(toEntry) : false);
          }),
        );
        if (list === false) break;
        this.buffer.push(...list);
        this.notify();
      }
    } catch (error) {
      this.error = error instanceof AppError ? error : sftpError(error, this.what);
    } finally {
      this.done = true;
      sftp.close(handle, () => undefined);
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** What has arrived (waiting for something when nothing has), and whether the folder is read to its end. */
  async next(gather = true): Promise<{ entries: FileEntry[]; done: boolean }> {
    this.lastUsed = Date.now();
    if (this.buffer.length === 0 && !this.done) await new Promise<void>((resolve) => (this.wake = resolve));
    // Gathers for a moment so a big folder comes in a few large pieces rather than a thousand small ones.
    const until = Date.now() + GATHER_MS;
    while (gather && !this.done && this.buffer.length < PAGE_MAX && Date.now() < until) await new Promise<void>((resolve) => setTimeout(resolve, 5));
    if (this.error) throw this.error;
    const entries = this.buffer.splice(0, PAGE_MAX);
    return { entries, done: this.done && this.buffer.length === 0 };
  }
}
