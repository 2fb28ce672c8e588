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
import { AppError } from '../../../shared/errors';
import { CHUNK_BYTES } from '../../../shared/api/files';
import { exec } from '../ssh/connect';
import { shJoin } from '../ssh/sh-quote';
import { firstError, sftpError, type SiteSession } from './session';

export const partName = (name: string): string => `.${name}.hostdeck-part-${randomBytes(6).toString('hex')}`.slice(0, 255);

function decode(data: string): Buffer {
  return Buffer.from(data, 'base64');
}

/** Waits until a stream took the data (backpressure: the window's next chunk waits for the server). */
type Sink = { write(data: Buffer): boolean; once(event: 'drain', listener: () => void): unknown; end(data?: undefined): unknown };

function write(stream: Sink, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(data)) resolve();
    else stream.once('drain', resolve);
  });
}

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
    if (!overwrite && (await session.exists(target))) throw new AppError('conflict', `${name} already exists in ${shownDir || 'the home folder'}.`, { data: { exists: true } });
    const part = path.posix.join(dir, partName(name));
    const handle = await session.call<Buffer>(name, (cb) => session.sftp.open(part, 'wx', { mode: 0o644 }, cb));
    return new FileUpload(session, handle, part, target, name, size);
  }

  async chunk(data: string): Promise<number> {
    this.lastUsed = Date.now();
    if (this.failed) throw this.failed;
    const buf = decode(data);
    if (this.received + buf.length > this.size) throw await this.fail(new AppError('invalid-input', `${this.name}: more data than its size.`));
    try {
      await this.session.call(this.name, (cb) => this.session.sftp.write(this.handle, buf, 0, buf.length, this.received, cb));
    } catch (error) {
      throw await this.fail(sftpError(error, `Writing ${this.name}`));
    }
    this.received += buf.length;
    return this.received;
  }

  async finish(): Promise<void> {
    if (this.received !== this.size) throw await this.fail(new AppError('invalid-input', `${this.name}: ${this.received} of ${this.size} bytes arrived.`));
    const { sftp } = this.session;
    try {
      await this.session.call(this.name, (cb) => sftp.close(this.handle, cb));
      // posix-rename replaces an existing file in one step (plain SFTP rename refuses to).
      await this.session.call(this.name, (cb) => sftp.ext_openssh_rename(this.part, this.target, cb));
    } catch (error) {
      throw await this.fail(sftpError(error, `Saving ${this.name}`));
    }
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

// Run by the site's user: $1 the folder, $2 the hidden folder tar unpacks into. Each top-level
// entry is then moved into place (a folder that exists gets the new files merged into it).
const UNPACK = `d="$1"; s="$1/$2"
mkdir -- "$s" || exit 1
if ! tar -x -C "$s" -f - --no-same-owner; then rm -rf -- "$s"; exit 1; fi
for e in "$s"/* "$s"/.[!.]* "$s"/..?*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  t="$d/\${e##*/}"
  if [ -d "$e" ] && [ -d "$t" ] && [ ! -L "$t" ]; then cp -a -- "$e/." "$t/" || { rm -rf -- "$s"; exit 1; }
  else rm -rf -- "$t" && mv -- "$e" "$t" || { rm -rf -- "$s"; exit 1; }
  fi
done
rm -rf -- "$s"`;

export class TreeUpload implements Transfer {
  lastUsed = Date.now();
  private readonly pack = tarStream.pack();
  private current: { path: string; size: number; written: number; stream: Sink } | null = null;
  private files = 0;
  private received = 0;
  private stderr = '';
  private readonly exit: Promise<number | null>;

  constructor(private readonly channel: ClientChannel) {
    channel.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')).length > 20_000 && (this.stderr = this.stderr.slice(-10_000)));
    this.exit = new Promise((resolve) => channel.on('close', (code: number | null) => resolve(code)));
    channel.on('error', () => undefined); // a write after tar has gone: its exit status tells why
    channel.resume(); // its stdout is empty, but must be read for the channel to close
    // Pumped by hand: tar-stream's streamx pipe does not end an ssh2 channel.
    this.pack.on('data', (d: unknown) => {
      if (!channel.write(d as Buffer)) {
        this.pack.pause();
        channel.once('drain', () => this.pack.resume());
      }
    });
    this.pack.on('end', () => channel.end());
  }

  static async begin(session: SiteSession, dir: string): Promise<TreeUpload> {
    const command = `sh -c ${shJoin([UNPACK])} sh ${shJoin([dir, partName('upload')])}`;
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      session.client.exec(command, (e, ch) => (e ? reject(new AppError('ssh', 'The server refused to start tar.', { details: e.message })) : resolve(ch))),
    );
    return new TreeUpload(channel);
  }

  async add(items: { path: string; size: number; offset: number; data: string }[]): Promise<number> {
    this.lastUsed = Date.now();
    for (const item of items) {
      const data = decode(item.data);
      if (item.offset === 0 && this.current?.path !== item.path) {
        if (this.current) throw new AppError('invalid-input', `${this.current.path} was not complete before ${item.path} began.`);
        const stream = this.pack.entry({ name: item.path, size: item.size, mode: 0o644, mtime: new Date() });
        this.current = { path: item.path, size: item.size, written: 0, stream };
        this.files++;
      }
      const cur = this.current;
      if (!cur || cur.path !== item.path || cur.written !== item.offset || cur.written + data.length > cur.size) throw new AppError('invalid-input', `${item.path}: a piece out of order.`);
      // tar gone early (no permission in the folder, disk full): fail now rather than wait for room.
      if (data.length) await Promise.race([write(cur.stream, data), this.exit.then((code) => Promise.reject(this.failure(code)))]);
      cur.written += data.length;
      this.received += data.length;
      if (cur.written === cur.size) {
        cur.stream.end();
        this.current = null;
      }
    }
    return this.received;
  }

  async finish(): Promise<number> {
    if (this.current) throw new AppError('invalid-input', `${this.current.path} is not complete.`);
    this.pack.finalize();
    const code = await this.exit;
    if (code !== 0) throw this.failure(code);
    return this.files;
  }

  private failure(code: number | null): AppError {
    return new AppError('conflict', `The upload failed on the server${code === 0 ? ' (tar ended early)' : ''}: ${firstError(this.stderr)}`, { details: this.stderr.slice(-2000) });
  }

  /** tar sees the stream end mid-archive, fails, and the script removes the hidden folder. */
  async cancel(): Promise<void> {
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
