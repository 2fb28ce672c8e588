// One site's file session: a connection as the site's user with one SFTP channel, its home, and
// the paths the window names turned into absolute ones that stay inside that home. Links and
// `..` are resolved by the server (SFTP realpath) before anything is touched.
import path from 'node:path';
import type { Client, SFTPWrapper, Stats } from 'ssh2';
import { AppError, msg, type Said } from '../../../shared/errors';
import type { FileType } from '../../../shared/api/files';
import { exec, openSftp, type ExecResult } from '../ssh/connect';
import { shJoin } from '../ssh/sh-quote';

const S_IFMT = 0o170000;
const TYPES: Record<number, FileType> = { 0o100000: 'file', 0o040000: 'dir', 0o120000: 'link' };

export function typeOf(mode: number): FileType {
  return TYPES[mode & S_IFMT] ?? 'other';
}

const HOME = 'The home folder';

/** What an SFTP call was about: a path, the home folder, or writing or saving an uploaded file. */
type Subject = 'path' | 'home' | 'writing' | 'saving';

/** One whole sentence per SFTP status and subject, so each reads whole in the UI's language. */
const SFTP_FAILED: Record<Subject, { missing: string; denied: string; refused: string; other: string }> = {
  path: {
    missing: msg('{{what}}: no such file or folder.'),
    denied: msg('{{what}}: permission denied.'),
    refused: msg('{{what}}: the server refused ({{reason}}; a full disk or the site’s quota can be the cause).'),
    other: msg('{{what}}: {{reason}}.'),
  },
  home: {
    missing: msg('The home folder: no such file or folder.'),
    denied: msg('The home folder: permission denied.'),
    refused: msg('The home folder: the server refused ({{reason}}; a full disk or the site’s quota can be the cause).'),
    other: msg('The home folder: {{reason}}.'),
  },
  writing: {
    missing: msg('Writing {{what}}: no such file or folder.'),
    denied: msg('Writing {{what}}: permission denied.'),
    refused: msg('Writing {{what}}: the server refused ({{reason}}; a full disk or the site’s quota can be the cause).'),
    other: msg('Writing {{what}}: {{reason}}.'),
  },
  saving: {
    missing: msg('Saving {{what}}: no such file or folder.'),
    denied: msg('Saving {{what}}: permission denied.'),
    refused: msg('Saving {{what}}: the server refused ({{reason}}; a full disk or the site’s quota can be the cause).'),
    other: msg('Saving {{what}}: {{reason}}.'),
  },
};

/**
 * An SFTP status error as one sentence naming the file (sshd reports quota and disk full as a
 * plain failure); `doing` when it failed writing or saving an upload.
 */
export function sftpError(error: unknown, what: string, doing?: 'writing' | 'saving'): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: number | string }).code;
  const reason = error instanceof Error ? error.message : String(error);
  const said = SFTP_FAILED[doing ?? (what === HOME ? 'home' : 'path')];
  if (code === 2) return AppError.worded('not-found', said.missing, { what });
  if (code === 3) return AppError.worded('conflict', said.denied, { what });
  if (code === 4) return AppError.worded('conflict', said.refused, { what, reason });
  return AppError.worded('ssh', said.other, { what, reason });
}

/**
 * A full disk or a used-up quota, told by a tool's words (strerror: tar's, head's), as a sentence
 * naming the file (null: a file of the uploaded folder, unnamed); null for any other error.
 */
export function spaceError(text: string, file: string | null): AppError | null {
  if (/No space left on device/i.test(text)) {
    const key = file === null
      ? msg('A file of the folder could not be written: the disk on the server is full (No space left on device). Free some space there and upload it again.')
      : msg('{{file}} could not be written: the disk on the server is full (No space left on device). Free some space there and upload it again.');
    return AppError.worded('conflict', key, file === null ? {} : { file }, { data: { disk: 'full' } });
  }
  if (/Disk quota exceeded/i.test(text)) {
    const key = file === null
      ? msg('A file of the folder could not be written: the site’s disk quota is used up (Disk quota exceeded). Delete some of its files or raise its quota, and upload it again.')
      : msg('{{file}} could not be written: the site’s disk quota is used up (Disk quota exceeded). Delete some of its files or raise its quota, and upload it again.');
    return AppError.worded('conflict', key, file === null ? {} : { file }, { data: { disk: 'quota' } });
  }
  return null;
}

// Run by the site's user in $1: sshd's SFTP says only "Failure" for a full disk or quota, so a
// write of 1 MB in a hidden file there has the kernel say which (its words on stderr).
const PROBE_SPACE = `f=$(mktemp -p "$1" .hostdeck-space-XXXXXX) || exit 0
head -c 1048576 /dev/zero > "$f"
rm -f -- "$f"`;

/** Why writing in `dir` failed, when it is a full disk or quota (checked before the part file is removed). */
export async function probeSpace(session: SiteSession, dir: string, file: string): Promise<AppError | null> {
  const r = await exec(session.client, `sh -c ${shJoin([PROBE_SPACE])} sh ${shJoin([dir])}`, 15_000).catch(() => null);
  return r ? spaceError(r.stderr, file) : null;
}

/** Is `inner` the home or inside it? */
export function insideHome(home: string, inner: string): boolean {
  return inner === home || inner.startsWith(`${home}/`);
}

export class SiteSession {
  lastUsed = Date.now();
  closed = false;

  private constructor(
    readonly site: string,
    readonly client: Client,
    readonly sftp: SFTPWrapper,
    readonly home: string,
    private readonly closeConnection: () => void,
  ) {
    client.once('close', () => (this.closed = true));
  }

  static async start(site: string, connected: { client: Client; close(): void }): Promise<SiteSession> {
    try {
      const sftp = await openSftp(connected.client);
      const home = await new Promise<string>((resolve, reject) => sftp.realpath('.', (e, p) => (e ? reject(sftpError(e, HOME)) : resolve(p))));
      return new SiteSession(site, connected.client, sftp, home, connected.close);
    } catch (error) {
      connected.close();
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    this.closeConnection();
  }

  /** The absolute path of a (contract-checked) relative path, before any link is resolved. */
  lexical(rel: string): string {
    return rel === '' ? this.home : path.posix.join(this.home, rel);
  }

  /** Where `rel` leads once every link is followed; refused outside the home. */
  async real(rel: string): Promise<string> {
    const abs = this.lexical(rel);
    const real = await new Promise<string>((resolve, reject) => this.sftp.realpath(abs, (e, p) => (e ? reject(sftpError(e, label(rel))) : resolve(p))));
    if (!insideHome(this.home, real)) throw AppError.worded('invalid-input', msg('{{path}} leads outside the site’s home ({{home}}); refused.'), { path: label(rel), home: this.home });
    return real;
  }

  /**
   * An entry itself (not what a link points to): its folder resolved and confined, its own name
   * kept, so deleting or renaming a link acts on the link.
   */
  async entry(rel: string): Promise<string> {
    if (rel === '') throw new AppError('invalid-input', msg('Not the home folder itself.'));
    const dir = await this.real(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    return path.posix.join(dir, path.posix.basename(rel));
  }

  /** A new name in a folder of the home. */
  async child(dirRel: string, name: string): Promise<string> {
    return path.posix.join(await this.real(dirRel), name);
  }

  call<T>(what: string, fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    this.lastUsed = Date.now();
    return new Promise<T>((resolve, reject) => fn((e, v) => (e ? reject(sftpError(e, what)) : resolve(v as T))));
  }

  lstat(abs: string, what: string): Promise<Stats> {
    return this.call(what, (cb) => this.sftp.lstat(abs, cb));
  }

  async exists(abs: string): Promise<boolean> {
    return this.lstat(abs, abs).then(
      () => true,
      (e: AppError) => (e.code === 'not-found' ? false : Promise.reject(e)),
    );
  }

  /**
   * A command as the site's user (its words quoted by the caller); `failed` is the sentence of its
   * failure, a template whose {{reason}} is the tool's first error line.
   */
  async run(command: string, failed: Said, timeoutMs = 10 * 60_000): Promise<ExecResult> {
    this.lastUsed = Date.now();
    const r = await exec(this.client, command, timeoutMs);
    if (r.code !== 0) throw AppError.worded('conflict', failed.key, { ...failed.params, reason: firstError(r.stderr) }, { details: r.stderr.slice(-2000) });
    return r;
  }
}

/** The first line of a tool's stderr, for the one-sentence error. */
export function firstError(stderr: string): string {
  return stderr.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? 'the server gave no reason';
}

export function label(rel: string): string {
  return rel === '' ? HOME : rel;
}
