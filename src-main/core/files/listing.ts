// A folder listed as it arrives: one `find -printf` run by the site's user streams the entries
// (NUL-separated, so any name survives), parsed as they come into a buffer the window drains
// with files.listMore. One round trip for the whole folder, where SFTP READDIR would take one per
// hundred entries (a thousand for 100,000), and the first rows show before the end is read.
import type { ClientChannel } from 'ssh2';
import { AppError, msg } from '../../../shared/errors';
import type { FileEntry, FileType } from '../../../shared/api/files';
import { shJoin } from '../ssh/sh-quote';
import { firstError, label, type SiteSession } from './session';

/** Entries handed to the window in one files.listMore at most. */
const PAGE_MAX = 25_000;
/** How long files.listMore waits for more entries to arrive before answering. */
const GATHER_MS = 150;
const FORMAT = '%y\\t%s\\t%m\\t%u\\t%T@\\t%f\\0';
const TYPES: Record<string, FileType> = { f: 'file', d: 'dir', l: 'link' };

/** One record of the find output: type, size, mode (octal), owner, mtime, name. */
export function parseRecord(record: string): FileEntry | null {
  const parts = record.split('\t');
  if (parts.length < 6) return null;
  const [type, size, mode, owner, mtime] = parts as [string, string, string, string, string];
  return { name: parts.slice(5).join('\t'), type: TYPES[type] ?? 'other', size: Number(size), mode: parseInt(mode, 8), owner, mtime: Math.floor(Number(mtime)) };
}

export class Listing {
  private buffer: FileEntry[] = [];
  private done = false;
  private error: AppError | null = null;
  private wake: (() => void) | null = null;
  private channel: ClientChannel | null = null;
  lastUsed = Date.now();

  constructor(
    private readonly session: SiteSession,
    private readonly abs: string,
    private readonly what: string,
  ) {}

  /** Checks the folder can be opened (a permission error surfaces here), then streams it. */
  async start(): Promise<void> {
    const handle = await this.session.call<Buffer>(this.what, (cb) => this.session.sftp.opendir(this.abs, cb));
    this.session.sftp.close(handle, () => undefined);
    const command = `find ${shJoin([`${this.abs}/`, '-mindepth', '1', '-maxdepth', '1', '-printf', FORMAT])}`;
    this.channel = await new Promise<ClientChannel>((resolve, reject) =>
      this.session.client.exec(command, (e, ch) => (e ? reject(new AppError('ssh', msg('The server refused to list the folder.'), { details: e.message })) : resolve(ch))),
    );
    let rest = Buffer.alloc(0);
    let stderr = '';
    this.channel.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
    this.channel.on('data', (d: Buffer) => {
      const all = rest.length ? Buffer.concat([rest, d]) : d;
      let start = 0;
      for (let nul = all.indexOf(0, start); nul !== -1; nul = all.indexOf(0, start)) {
        const entry = parseRecord(all.subarray(start, nul).toString('utf8'));
        if (entry) this.buffer.push(entry);
        start = nul + 1;
      }
      rest = Buffer.from(all.subarray(start));
      this.notify();
    });
    this.channel.on('close', (code: number | null) => {
      if (code !== 0 && stderr.trim()) this.error = this.failed(firstError(stderr));
      this.done = true;
      this.notify();
    });
  }

  /** The listing's failure; the home folder has a sentence of its own. */
  private failed(reason: string): AppError {
    return this.what === label('')
      ? AppError.worded('conflict', msg('Listing The home folder failed: {{reason}}'), { reason })
      : AppError.worded('conflict', msg('Listing {{folder}} failed: {{reason}}'), { folder: this.what, reason });
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
    // Gathers for a moment so a big folder comes in a few large pieces rather than many small ones.
    const until = Date.now() + GATHER_MS;
    while (gather && !this.done && this.buffer.length < PAGE_MAX && Date.now() < until) await new Promise<void>((resolve) => setTimeout(resolve, 5));
    if (this.error) throw this.error;
    const entries = this.buffer.splice(0, PAGE_MAX);
    return { entries, done: this.done && this.buffer.length === 0 };
  }

  /** Stops the find of a listing nobody reads any more. */
  stop(): void {
    this.channel?.close();
  }
}
