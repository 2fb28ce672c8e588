// Uploads and downloads of a site's files, chunk by chunk as the window sends or asks.
// A file goes to `.<name>.hostdeck-part-<random>` beside its place and is renamed over it only
// once complete, so no half file ever shows under the final name; a cancelled, failed or
// abandoned upload removes its part file. Many files go as one tar stream (tar-stream packs
// the pieces as they come) into `tar -x` run by the site's user, unpacked into a hidden folder
// that is moved into place at the end.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ClientChannel } from 'ssh2';
import tarStream from 'tar-stream';
import { AppError, msg } from '../../../shared/errors';
import { CHUNK_BYTES, FilePath, TREE_IN_FLIGHT } from '../../../shared/api/files';
import { exec } from '../ssh/connect';
import { shJoin } from '../ssh/sh-quote';
import { firstError, probeSpace, sftpError, spaceError, type SiteSession } from './session';

export const partName = (name: string): string => `.${name}.hostdeck-part-${randomBytes(6).toString('hex')}`.slice(0, 255);

function decode(data: string): Buffer {
  return Buffer.from(data, 'base64');
}

/** A tar-stream entry being written. */
type Sink = { write(data: Buffer): boolean; end(data?: undefined): unknown };

export interface Transfer {
  lastUsed: number;
  cancel(): Promise<void>;
}

export class FileUpload implements Transfer {
  lastUsed = Date.now();
  private received = 0;
  private failed: AppError | null = null;

  constructor(
    private readonly session: SiteSession,
    private readonly handle: Buffer,
    private readonly part: string,
    private readonly target: string,
    private readonly name: string,
    private readonly size: number,
  ) {}

  static async begin(session: SiteSession, dir: string, name: string, size: number, overwrite: boolean, shownDir: string): Promise<FileUpload> {
    const target = path.posix.join(dir, name);
    if (!overwrite && (await session.exists(target))) throw shownDir
      ? AppError.worded('conflict', msg('{{name}} already exists in {{folder}}.'), { name, folder: shownDir }, { data: { exists: true } })
      : AppError.worded('conflict', msg('{{name}} already exists in the home folder.'), { name }, { data: { exists: true } });
    const part = path.posix.join(dir, partName(name));
    const handle = await session.call<Buffer>(name, (cb) => session.sftp.open(part, 'wx', { mode: 0o644 }, cb));
    return new FileUpload(session, handle, part, target, name, size);
  }

  async chunk(data: string): Promise<number> {
    this.lastUsed = Date.now();
    if (this.failed) throw this.failed;
    const buf = decode(data);
    if (this.received + buf.length > this.size) throw await this.fail(AppError.worded('invalid-input', msg('{{file}}: more data than its size.'), { file: this.name }));
    try {
      await new Promise<void>((resolve, reject) => this.session.sftp.write(this.handle, buf, 0, buf.length, this.received, (e) => (e ? reject(e) : resolve())));
    } catch (error) {
      throw await this.fail(await this.explain(error, 'writing'));
    }
    this.received += buf.length;
    return this.received;
  }

  async finish(): Promise<void> {
    if (this.received !== this.size) throw await this.fail(AppError.worded('invalid-input', msg('{{file}}: {{received}} of {{size}} bytes arrived.'), { file: this.name, received: this.received, size: this.size }));
    const { sftp } = this.session;
    try {
      await new Promise<void>((resolve, reject) => sftp.close(this.handle, (e) => (e ? reject(e) : resolve())));
      // posix-rename replaces an existing file in one step (plain SFTP rename refuses to).
      await this.session.call(this.name, (cb) => sftp.ext_openssh_rename(this.part, this.target, cb));
    } catch (error) {
      throw await this.fail(await this.explain(error, 'saving'));
    }
  }

  /** SFTP's plain "Failure" (its code 4) is what a full disk or quota looks like: the server is asked which. */
  private async explain(error: unknown, doing: 'writing' | 'saving'): Promise<AppError> {
    const full = (error as { code?: unknown }).code === 4 ? await probeSpace(this.session, path.posix.dirname(this.part), this.name) : null;
    return full ?? sftpError(error, this.name, doing);
  }

  private async fail(error: AppError): Promise<AppError> {
    this.failed = error;
    await this.cancel();
    return error;
  }

  async cancel(): Promise<void> {
    const { sftp } = this.session;
    await settle((cb) => sftp.close(this.handle, cb));
    const refused = await settle((cb) => sftp.unlink(this.part, cb));
    // The SFTP channel may be unusable by now (the app closing, the channel failing): the part
    // file must go all the same, so it is removed over an exec channel of the same login.
    if (refused && (refused as { code?: unknown }).code !== 2) {
      await exec(this.session.client, `rm -f -- ${shJoin([this.part])}`, 10_000).catch(() => undefined);
    }
  }
}

// Run by the site's user: $1 the folder, $2 the hidden folder tar unpacks into, $3 the name of
// the empty file that ends a finished upload's stream. tar also ends well when the stream stops
// between two files (a cancel, the app gone), so only that last file says the tree is whole.
// Each top-level entry is then moved into place (a folder that exists gets the new files merged
// into it; a link in the way is replaced, never followed).
const UNPACK = `d="$1"; s="$1/$2"
mkdir -- "$s" || exit 1
if ! tar -x -C "$s" -f - --no-same-owner; then rm -rf -- "$s"; exit 1; fi
if [ ! -f "$s/$3" ]; then rm -rf -- "$s"; echo "the upload stopped before its end" >&2; exit 1; fi
rm -f -- "$s/$3"
for e in "$s"/* "$s"/.[!.]* "$s"/..?*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  t="$d/\${e##*/}"
  if [ -d "$e" ] && [ -d "$t" ] && [ ! -L "$t" ]; then cp -a -- "$e/." "$t/" || { rm -rf -- "$s"; exit 1; }
  else rm -rf -- "$t" && mv -- "$e" "$t" || { rm -rf -- "$s"; exit 1; }
  fi
done
rm -rf -- "$s"`;

/** Bytes handed to tar-stream and not yet taken by the channel, past which a treeAdd call waits. */
const TREE_BUFFER_BYTES = 8 * 1024 * 1024;

type Piece = { path: string; size: number; offset: number; data: Uint8Array };

export class TreeUpload implements Transfer {
  lastUsed = Date.now();
  private readonly pack = tarStream.pack();
  private current: { path: string; size: number; written: number; stream: Sink } | null = null;
  private files = 0;
  private received = 0;
  /** Bytes given to the pack that it has not passed to the channel yet (headers counted roughly). */
  private queued = 0;
  private nextSeq = 0;
  private readonly turns = new Map<number, () => void>();
  private roomWaiters: (() => void)[] = [];
  private failed: AppError | null = null;
  private stderr = '';
  private readonly exit: Promise<number | null>;
  /** Rejects once tar has exited: a call waiting for room fails then instead of waiting forever. */
  private readonly gone: Promise<never>;

  constructor(
    private readonly channel: ClientChannel,
    private readonly endMark: string,
  ) {
    channel.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')).length > 20_000 && (this.stderr = this.stderr.slice(-10_000)));
    this.exit = new Promise((resolve) => channel.on('close', (code: number | null) => resolve(code)));
    this.gone = this.exit.then((code) => Promise.reject(this.failure(code)));
    this.gone.catch(() => undefined);
    channel.on('error', () => undefined); // a write after tar has gone: its exit status tells why
    channel.resume(); // its stdout is empty, but must be read for the channel to close
    // Pumped by hand: tar-stream's streamx pipe does not end an ssh2 channel.
    this.pack.on('data', (d: unknown) => {
      this.queued = Math.max(0, this.queued - (d as Buffer).length);
      if (this.queued <= TREE_BUFFER_BYTES) for (const wake of this.roomWaiters.splice(0)) wake();
      if (!channel.write(d as Buffer)) {
        this.pack.pause();
        channel.once('drain', () => this.pack.resume());
      }
    });
    this.pack.on('end', () => channel.end());
  }

  static async begin(session: SiteSession, dir: string): Promise<TreeUpload> {
    // Random, so that no file of the tree can take its place.
    const endMark = `.hostdeck-end-${randomBytes(8).toString('hex')}`;
    const command = `sh -c ${shJoin([UNPACK])} sh ${shJoin([dir, partName('upload'), endMark])}`;
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      session.client.exec(command, (e, ch) => (e ? reject(new AppError('ssh', msg('The server refused to start tar.'), { details: e.message })) : resolve(ch))),
    );
    return new TreeUpload(channel, endMark);
  }

  /**
   * Call `seq` of the window's (several may be under way): its pieces go into the tar stream in
   * `seq` order; it returns once the stream's backlog is below TREE_BUFFER_BYTES.
   */
  async add(seq: number, items: Piece[]): Promise<number> {
    this.lastUsed = Date.now();
    if (seq < this.nextSeq || seq >= this.nextSeq + 2 * TREE_IN_FLIGHT || this.turns.has(seq)) throw AppError.worded('invalid-input', msg('Tree upload call {{seq}} is out of order.'), { seq });
    if (seq !== this.nextSeq) await new Promise<void>((resolve) => this.turns.set(seq, resolve));
    try {
      if (this.failed) throw this.failed;
      this.take(items);
    } catch (error) {
      this.failed ??= error instanceof AppError ? error : new AppError('internal', String(error));
      throw this.failed;
    } finally {
      this.nextSeq = seq + 1;
      const next = this.turns.get(this.nextSeq);
      this.turns.delete(this.nextSeq);
      next?.();
    }
    // tar gone early (no permission in the folder, disk full): fail now rather than wait for room.
    while (this.queued > TREE_BUFFER_BYTES) await Promise.race([new Promise<void>((resolve) => this.roomWaiters.push(resolve)), this.gone]);
    return this.received;
  }

  private take(items: Piece[]): void {
    for (const item of items) {
      const data = Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength);
      // Checked again where the name reaches tar (GNU tar also refuses `..` and strips a leading /).
      if (!FilePath.safeParse(item.path).success || item.path === '') throw new AppError('invalid-input', msg('A file path of the tree is not allowed.'));
      if (item.offset === 0 && this.current?.path !== item.path) {
        if (this.current) throw AppError.worded('invalid-input', msg('{{file}} was not complete before {{next}} began.'), { file: this.current.path, next: item.path });
        this.files++;
        if (data.length === item.size) {
          // A whole file in one piece (most files of a site): no entry stream to go through.
          this.pack.entry({ name: item.path, size: item.size, mode: 0o644, mtime: new Date() }, data);
          this.count(data.length);
          continue;
        }
        const stream = this.pack.entry({ name: item.path, size: item.size, mode: 0o644, mtime: new Date() });
        this.current = { path: item.path, size: item.size, written: 0, stream };
      }
      const cur = this.current;
      if (!cur || cur.path !== item.path || cur.written !== item.offset || cur.written + data.length > cur.size) throw AppError.worded('invalid-input', msg('{{file}}: a piece out of order.'), { file: item.path });
      // Buffered by the entry when the pack is behind: `queued` bounds the backlog.
      if (data.length) cur.stream.write(data);
      cur.written += data.length;
      this.count(data.length);
      if (cur.written === cur.size) {
        cur.stream.end();
        this.current = null;
      }
    }
  }

  private count(bytes: number): void {
    this.received += bytes;
    this.queued += bytes + 512;
  }

  async finish(): Promise<number> {
    if (this.failed) throw this.failed;
    if (this.current) throw AppError.worded('invalid-input', msg('{{file}} is not complete.'), { file: this.current.path });
    this.pack.entry({ name: this.endMark, size: 0, mode: 0o600 }, Buffer.alloc(0));
    this.pack.finalize();
    const code = await this.exit;
    if (code !== 0) throw this.failure(code);
    return this.files;
  }

  private failure(code: number | null): AppError {
    // GNU tar names the files ("tar: site/a.bin: Wrote only 512 of 10240 bytes", then "tar:
    // site/b.css: Cannot open: No space left on device"): the first one it could not write is named.
    const first = /^tar: (.+?): (?:Cannot [a-z]+|Wrote only \d+ of \d+ bytes)/m.exec(this.stderr);
    const space = spaceError(this.stderr, first?.[1] ?? null);
    if (space) return space;
    const key = code === 0 ? msg('The upload failed on the server (tar ended early): {{reason}}') : msg('The upload failed on the server: {{reason}}');
    return AppError.worded('conflict', key, { reason: firstError(this.stderr) }, { details: this.stderr.slice(-2000) });
  }

  /** tar sees the stream end mid-archive, fails, and the script removes the hidden folder. */
  async cancel(): Promise<void> {
    this.failed ??= new AppError('conflict', msg('The upload was cancelled.'));
    for (const wake of this.turns.values()) wake();
    this.turns.clear();
    this.pack.removeAllListeners('data');
    this.pack.destroy();
    this.channel.end();
    await this.exit;
  }
}

export class Download implements Transfer {
  lastUsed = Date.now();
  private buffered: Buffer[] = [];
  private size = 0;
  private ended = false;
  private error: AppError | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly source: NodeJS.ReadableStream & { destroy?: () => void },
    what: string,
    private readonly stop: () => void,
  ) {
    source.on('data', (d: Buffer) => {
      this.buffered.push(d);
      this.size += d.length;
      if (this.size >= 4 * CHUNK_BYTES) source.pause();
      this.notify();
    });
    source.on('end', () => ((this.ended = true), this.notify()));
    source.on('error', (e: unknown) => ((this.error = sftpError(e, what)), (this.ended = true), this.notify()));
  }

  /** For a command's stdout: its exit status decides whether the end was a success. */
  failWith(error: AppError): void {
    this.error = error;
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async chunk(): Promise<{ data: string; done: boolean }> {
    this.lastUsed = Date.now();
    while (this.size < CHUNK_BYTES && !this.ended) await new Promise<void>((resolve) => ((this.wake = resolve), this.source.resume()));
    if (this.error) throw this.error;
    const all = Buffer.concat(this.buffered);
    const out = all.subarray(0, CHUNK_BYTES);
    const rest = all.subarray(out.length);
    this.buffered = rest.length ? [rest] : [];
    this.size = rest.length;
    if (this.size < 4 * CHUNK_BYTES) this.source.resume();
    return { data: out.toString('base64'), done: this.ended && this.size === 0 };
  }

  async cancel(): Promise<void> {
    this.stop();
  }
}

/** Runs an SFTP call to its end: its error (a synchronous throw included), or null. */
function settle(call: (cb: (error?: Error | null) => void) => void): Promise<Error | null> {
  return new Promise((resolve) => {
    try {
      call((error) => resolve(error ?? null));
    } catch (error) {
      resolve(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
