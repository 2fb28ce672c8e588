// The file managers of sites: one session per site (a connection as the site's user, closed
// after a few idle minutes), the listings, uploads and downloads under way, and the operations.
// Every path is confined to the site's home on the server side (session.ts) before use.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { EDIT_MAX_BYTES, type ArchiveFormat } from '../../../shared/api/files';
import { AppError, msg, said } from '../../../shared/errors';
import type { SiteRecord } from '../../../shared/api/hosting';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shJoin } from '../ssh/sh-quote';
import { Listing } from './listing';
import { loginAsSite } from './site-login';
import { firstError, label, SiteSession, typeOf } from './session';
import { Download, FileUpload, partName, TreeUpload, type Transfer } from './transfers';

const IDLE_MS = 5 * 60_000;
const TRANSFER_IDLE_MS = 2 * 60_000;

export type SiteOf = (serverId: string, site: string) => SiteRecord;

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|zip)$/i;

/** Packing a folder for download failed; the home folder has a sentence of its own. */
function packingFailed(rel: string, reason: string): AppError {
  return rel === ''
    ? AppError.worded('conflict', msg('Packing The home folder failed: {{reason}}'), { reason })
    : AppError.worded('conflict', msg('Packing {{folder}} failed: {{reason}}'), { folder: rel, reason });
}

export class FilesService {
  private readonly sessions = new Map<string, Promise<SiteSession>>();
  private readonly listings = new Map<string, Listing>();
  private readonly transfers = new Map<string, Transfer>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly siteOf: SiteOf,
  ) {
    this.timer = setInterval(() => void this.sweep(), 15_000);
    this.timer.unref();
  }

  async open(serverId: string, site: string) {
    const s = await this.session(serverId, site);
    const r = await exec(s.client, 'for t in zip unzip; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done', 10_000);
    const found = r.stdout.split('\n');
    return { home: s.home, user: site, tools: { zip: found.includes('zip'), unzip: found.includes('unzip') } };
  }

  async list(serverId: string, site: string, rel: string) {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    const listing = new Listing(s, abs, label(rel));
    await listing.start();
    const listingId = randomUUID();
    this.listings.set(listingId, listing);
    const first = await listing.next(false);
    if (first.done) this.listings.delete(listingId);
    return { listingId, path: abs, ...first };
  }

  async listMore(listingId: string) {
    const listing = this.listings.get(listingId);
    if (!listing) throw new AppError('not-found', msg('That listing is over; list the folder again.'));
    const next = await listing.next();
    if (next.done) this.listings.delete(listingId);
    return next;
  }

  async mkdir(serverId: string, site: string, dir: string, name: string): Promise<void> {
    const s = await this.session(serverId, site);
    const abs = await s.child(dir, name);
    await s.call(name, (cb) => s.sftp.mkdir(abs, { mode: 0o755 }, cb));
  }

  async rename(serverId: string, site: string, from: string, to: string): Promise<void> {
    const s = await this.session(serverId, site);
    const src = await s.entry(from);
    const dst = await s.entry(to);
    if (await s.exists(dst)) throw AppError.worded('conflict', msg('{{name}} already exists.'), { name: to });
    await s.call(from, (cb) => s.sftp.rename(src, dst, cb));
  }

  async remove(serverId: string, site: string, paths: string[]): Promise<void> {
    const s = await this.session(serverId, site);
    const targets: string[] = [];
    for (const rel of paths) targets.push(await s.entry(rel));
    // rm removes a link itself, never what it points to.
    await s.run(`rm -rf -- ${shJoin(targets)}`, said(msg('Deleting failed: {{reason}}')));
  }

  async chmod(serverId: string, site: string, rel: string, mode: number): Promise<void> {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    await s.call(label(rel), (cb) => s.sftp.chmod(abs, mode, cb));
  }

  async readText(serverId: string, site: string, rel: string) {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    const st = await s.call<import('ssh2').Stats>(rel, (cb) => s.sftp.stat(abs, cb));
    if (typeOf(st.mode) !== 'file') throw AppError.worded('invalid-input', msg('{{file}} is not a file.'), { file: rel });
    if (st.size > EDIT_MAX_BYTES) throw AppError.worded('invalid-input', msg('{{file}} is larger than 1 MB; download it instead.'), { file: rel });
    const data = await s.call<Buffer>(rel, (cb) => s.sftp.readFile(abs, cb));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw AppError.worded('invalid-input', msg('{{file}} is not UTF-8 text; download it instead.'), { file: rel });
    }
    if (text.includes('\u0000')) throw AppError.worded('invalid-input', msg('{{file}} is a binary file; download it instead.'), { file: rel });
    return { text, mtime: st.mtime };
  }

  async writeText(serverId: string, site: string, rel: string, text: string) {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    const st = await s.call<import('ssh2').Stats>(rel, (cb) => s.sftp.stat(abs, cb));
    const part = path.posix.join(path.posix.dirname(abs), partName(path.posix.basename(abs)));
    try {
      await s.call(rel, (cb) => s.sftp.writeFile(part, Buffer.from(text, 'utf8'), { mode: st.mode & 0o7777, flag: 'wx' }, cb));
      await s.call(rel, (cb) => s.sftp.chmod(part, st.mode & 0o7777, cb));
      await s.call(rel, (cb) => s.sftp.ext_openssh_rename(part, abs, cb));
    } catch (error) {
      await s.call(rel, (cb) => s.sftp.unlink(part, cb)).catch(() => undefined);
      throw error;
    }
    const after = await s.call<import('ssh2').Stats>(rel, (cb) => s.sftp.stat(abs, cb));
    return { mtime: after.mtime };
  }

  async uploadBegin(serverId: string, site: string, dir: string, name: string, size: number, overwrite: boolean) {
    const s = await this.session(serverId, site);
    const upload = await FileUpload.begin(s, await s.real(dir), name, size, overwrite, dir);
    return { uploadId: this.keep(upload) };
  }

  uploadChunk(uploadId: string, data: string) {
    return this.transfer(uploadId, FileUpload).chunk(data);
  }

  async uploadFinish(uploadId: string): Promise<void> {
    try {
      await this.transfer(uploadId, FileUpload).finish();
    } finally {
      this.transfers.delete(uploadId);
    }
  }

  async cancel(id: string): Promise<void> {
    const t = this.transfers.get(id);
    this.transfers.delete(id);
    await t?.cancel();
  }

  async treeBegin(serverId: string, site: string, dir: string) {
    const s = await this.session(serverId, site);
    return { uploadId: this.keep(await TreeUpload.begin(s, await s.real(dir))) };
  }

  treeAdd(uploadId: string, seq: number, items: { path: string; size: number; offset: number; data: Uint8Array }[]) {
    return this.transfer(uploadId, TreeUpload).add(seq, items);
  }

  async treeFinish(uploadId: string): Promise<number> {
    try {
      return await this.transfer(uploadId, TreeUpload).finish();
    } finally {
      this.transfers.delete(uploadId);
    }
  }

  async downloadBegin(serverId: string, site: string, rel: string) {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    const st = await s.call<import('ssh2').Stats>(label(rel), (cb) => s.sftp.stat(abs, cb));
    const base = rel === '' ? site : path.posix.basename(rel);
    if (typeOf(st.mode) === 'file') {
      const stream = s.sftp.createReadStream(abs);
      return { downloadId: this.keep(new Download(stream, rel, () => stream.destroy())), name: base, size: st.size };
    }
    if (typeOf(st.mode) !== 'dir') throw AppError.worded('invalid-input', msg('{{file}} is neither a file nor a folder.'), { file: label(rel) });
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      s.client.exec(`tar -czf - -C ${shJoin([path.posix.dirname(abs), '--', path.posix.basename(abs)])}`, (e, ch) => (e ? reject(new AppError('ssh', msg('The server refused to start tar.'))) : resolve(ch))),
    );
    channel.on('error', () => undefined);
    const out = new PassThrough();
    const download = new Download(out, rel, () => channel.close());
    let stderr = '';
    channel.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    channel.pipe(out, { end: false });
    channel.on('close', (code: number | null) => (code === 0 ? out.end() : download.failWith(packingFailed(rel, firstError(stderr)))));
    return { downloadId: this.keep(download), name: `${base}.tar.gz`, size: null };
  }

  async downloadChunk(downloadId: string) {
    const download = this.transfer(downloadId, Download);
    try {
      const chunk = await download.chunk();
      if (chunk.done) this.transfers.delete(downloadId);
      return chunk;
    } catch (error) {
      this.transfers.delete(downloadId);
      throw error;
    }
  }

  async extract(serverId: string, site: string, rel: string): Promise<void> {
    const s = await this.session(serverId, site);
    const abs = await s.real(rel);
    const m = ARCHIVE.exec(abs);
    if (!m) throw AppError.worded('invalid-input', msg('{{file}} is not a .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz or .zip archive.'), { file: rel });
    const dir = path.posix.dirname(abs);
    if (m[1]!.toLowerCase() === 'zip') {
      await this.needs(s, 'unzip');
      await s.run(`unzip -q -o ${shJoin([abs, '-d', dir])}`, said(msg('Extracting {{file}} failed: {{reason}}'), { file: rel }));
    } else await s.run(`tar -x --no-same-owner -f ${shJoin([abs, '-C', dir])}`, said(msg('Extracting {{file}} failed: {{reason}}'), { file: rel }));
  }

  async archive(serverId: string, site: string, dirRel: string, names: string[], name: string, format: ArchiveFormat): Promise<void> {
    const s = await this.session(serverId, site);
    const dir = await s.real(dirRel);
    const target = path.posix.join(dir, name);
    if (await s.exists(target)) throw AppError.worded('conflict', msg('{{name}} already exists.'), { name });
    const part = partName(name);
    if (format === 'zip') await this.needs(s, 'zip');
    // Made under a hidden part name and renamed at the end, so a half archive never shows.
    const members = names.map((n) => `./${n}`);
    const pack = format === 'zip' ? `zip -q -r -y ${shJoin([part, ...members])}` : `tar -czf ${shJoin([part, ...members])}`;
    await s.run(`cd ${shJoin([dir])} && { ${pack} && mv -n -- ${shJoin([part, name])} || { rm -f -- ${shJoin([part])}; exit 1; }; }`, said(msg('Making {{file}} failed: {{reason}}'), { file: name }));
  }

  /** Uploads under way are cancelled (their part files removed) before the sessions log out. */
  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.transfers.values()].map((t) => t.cancel().catch(() => undefined)));
    this.transfers.clear();
    for (const s of this.sessions.values()) void s.then((x) => x.close(), () => undefined);
    this.sessions.clear();
  }

  private async needs(s: SiteSession, tool: string): Promise<void> {
    const r = await exec(s.client, `command -v ${tool}`, 10_000);
    if (r.code !== 0) throw AppError.worded('conflict', msg('{{tool}} is not installed on the server (Debian: apt install {{tool}}).'), { tool });
  }

  private keep(t: Transfer): string {
    const id = randomUUID();
    this.transfers.set(id, t);
    return id;
  }

  private transfer<T extends Transfer>(id: string, kind: abstract new (...args: never[]) => T): T {
    const t = this.transfers.get(id);
    if (!(t instanceof kind)) throw new AppError('not-found', msg('That transfer is over (finished, cancelled or idle too long).'));
    return t;
  }

  private session(serverId: string, site: string): Promise<SiteSession> {
    const record = this.siteOf(serverId, site);
    if (record.status === 'suspended') throw AppError.worded('conflict', msg('{{site}} is suspended: its account is locked, so its files cannot be opened as its user. Unsuspend it first.'), { site });
    const key = `${serverId}/${site}`;
    const existing = this.sessions.get(key);
    if (existing) {
      return existing.then((s) => {
        if (!s.closed) return s;
        if (this.sessions.get(key) === existing) this.sessions.delete(key);
        return this.session(serverId, site);
      });
    }
    const opening = loginAsSite(this.connections, serverId, site).then((c) => SiteSession.start(site, c));
    this.sessions.set(key, opening);
    opening.catch(() => this.sessions.get(key) === opening && this.sessions.delete(key));
    return opening;
  }

  /** Abandoned transfers (a closed window) remove their part files; idle sessions log out. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [id, t] of this.transfers) if (now - t.lastUsed > TRANSFER_IDLE_MS) await this.cancel(id);
    for (const [id, l] of this.listings) if (now - l.lastUsed > TRANSFER_IDLE_MS) (l.stop(), this.listings.delete(id));
    for (const [key, opening] of this.sessions) {
      const s = await opening.catch(() => null);
      const busy = [...this.transfers.values()].length > 0;
      if (s && !busy && now - s.lastUsed > IDLE_MS) {
        this.sessions.delete(key);
        s.close();
      }
    }
  }
}
