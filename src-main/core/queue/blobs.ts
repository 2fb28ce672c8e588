// Content a task uploads (e.g. a rendered zone file), kept beside the journal by its SHA-256 so
// the journal holds only the hash: a task's parameters stay small, and a task run again (after
// a crash or a retry) uploads exactly the bytes it was queued with. Blobs no unfinished task
// references are pruned at start-up once a week old. In team mode each blob is also shared
// (team/blobs.ts): another workstation may run the task.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { AppError, msg } from '../../../shared/errors';
import { writeDurably } from '../durable-files';

const SHA256 = /^[0-9a-f]{64}$/;
/** The empty content's hash: never shared, any workstation can make it. */
const EMPTY = createHash('sha256').digest('hex');
const KEEP_MS = 7 * 24 * 3600_000;

/** How long a runner waits for a blob the queuing workstation is still writing to the team. */
const SHARED_WAIT_MS = 20_000;

/** Where blobs are shared with the other workstations of a team. */
export interface RemoteBlobs {
  readonly maxBytes: number;
  upload(sha: string, content: Buffer): Promise<void>;
  /** The blob's content, or null when it is not (completely) there. */
  download(sha: string): Promise<Buffer | null>;
  remove(shas: string[]): Promise<void>;
}

export class BlobStore {
  private remote: RemoteBlobs | null = null;
  private readonly sharing = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Team mode: every blob stored from now on is shared too. */
  useRemote(remote: RemoteBlobs): void {
    this.remote = remote;
  }

  /** Stores the content (atomically, once per distinct content); returns its SHA-256 (hex). */
  put(content: string | Buffer): string {
    this.checkSize(content);
    const sha = createHash('sha256').update(content).digest('hex');
    const file = this.path(sha);
    if (!existsSync(file)) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, content, { flush: true });
      renameSync(tmp, file);
    }
    void this.share(sha, content).catch(() => undefined); // logged by share; the runner says what is missing
    return sha;
  }

  /** In team mode, larger content is refused when queued (a clear error, not a failing task elsewhere). */
  private checkSize(content: string | Buffer): void {
    if (!this.remote) return;
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    if (bytes > this.remote.maxBytes) {
      throw AppError.worded('invalid-input', msg('In team mode a task uploads at most {{max}} MB (the team database carries it to whichever workstation runs the task); this content is {{mb}} MB.'), { max: this.remote.maxBytes / 1024 / 1024, mb: (bytes / 1024 / 1024).toFixed(1) });
    }
  }

  /** Writes the blob to the team (once at a time per content). */
  private share(sha: string, content: string | Buffer): Promise<void> {
    const remote = this.remote;
    if (!remote || sha === EMPTY) return Promise.resolve();
    const running = this.sharing.get(sha);
    if (running) return running;
    const p = remote
      .upload(sha, Buffer.isBuffer(content) ? content : Buffer.from(content))
      .catch((error: unknown) => {
        this.log(`[hostdeck] the content ${sha.slice(0, 12)}… a task uploads was not shared with the team: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      })
      .finally(() => this.sharing.delete(sha));
    this.sharing.set(sha, p);
    return p;
  }

  /**
   * The local file holding a blob, fetched from the team first when only another workstation
   * had it (waiting a little for one still being written by the workstation that queued it).
   */
  async ensure(sha: string): Promise<string> {
    const file = this.path(sha);
    if (existsSync(file)) return file;
    if (sha === EMPTY) return this.path(this.put(''));
    await this.sharing.get(sha)?.catch(() => undefined);
    const remote = this.remote;
    if (remote) {
      const deadline = Date.now() + SHARED_WAIT_MS;
      for (;;) {
        const content = await remote.download(sha);
        if (content) {
          mkdirSync(this.dir, { recursive: true });
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, content, { flush: true });
          renameSync(tmp, file);
          return file;
        }
        if (Date.now() > deadline) break;
        await sleep(250);
      }
    }
    return this.existing(sha);
  }

  /** Team mode: the shared copies of blobs no unfinished task uploads any more. */
  async release(shas: string[]): Promise<void> {
    await this.remote?.remove(shas);
  }

  get shared(): boolean {
    return this.remote !== null;
  }

  /**
   * Stores many contents at once: written side by side, flushed to disk in parallel (the file
   * system commits concurrent flushes together; 200 zone files one after the other cost ~0.4 s),
   * then renamed into place. Returns their SHA-256s in order.
   */
  async putMany(contents: (string | Buffer)[]): Promise<string[]> {
    for (const c of contents) this.checkSize(c);
    const shas = contents.map((c) => createHash('sha256').update(c).digest('hex'));
    const fresh = [...new Map(shas.map((sha, i) => [sha, contents[i]!])).entries()].filter(([sha]) => !existsSync(this.path(sha)));
    if (fresh.length > 0) {
      mkdirSync(this.dir, { recursive: true });
      await writeDurably(fresh.map(([sha, content]) => ({ file: this.path(sha), content })));
    }
    // Shared before the tasks naming them are queued: a runner elsewhere finds them at once.
    if (this.remote) await Promise.all([...new Map(shas.map((sha, i) => [sha, contents[i]!])).entries()].map(([sha, content]) => this.share(sha, content)));
    return shas;
  }

  /** The local file holding a blob; refuses a hash that is not one, or a blob that is gone. */
  path(sha: string): string {
    if (!SHA256.test(sha)) throw new AppError('invalid-input', msg('Not a content hash.'));
    return path.join(this.dir, sha);
  }

  existing(sha: string): string {
    const file = this.path(sha);
    if (!existsSync(file)) throw AppError.worded('not-found', msg('The content {{hash}}… this task uploads is no longer kept; queue the change again.'), { hash: sha.slice(0, 12) });
    return file;
  }

  prune(referenced: Set<string>, now = Date.now()): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (referenced.has(name)) continue;
      const file = path.join(this.dir, name);
      try {
        if (now - statSync(file).mtimeMs > KEEP_MS) rmSync(file, { force: true });
      } catch {
        /* gone meanwhile */
      }
    }
  }
}
