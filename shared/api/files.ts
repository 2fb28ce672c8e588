// A site's file manager: browse, upload, download, edit, move, delete, chmod and archives, all
// in the site's home and done as the site's own Linux user.
//
// Paths are relative to the site's home ('' is the home itself): an absolute path, `..`, `.`,
// empty segments, NUL, line breaks and other control characters are refused here; the core
// resolves links on the server and refuses anything that leads outside the home.
// File content travels as base64 chunks over the ordinary call channel, except a tree upload's,
// which goes as bytes (Uint8Array: as it is over Electron's MessagePort, as a binary frame over
// the browser-mode WebSocket, see shared/wire-bytes.ts).
import { z } from 'zod';
import { ServerId } from '../domain';
import { SiteName } from '../hosting';
import { ok } from './common';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** Raw bytes per upload/download chunk (base64 makes it a third larger on the wire). */
export const CHUNK_BYTES = 512 * 1024;
const CHUNK_B64_MAX = Math.ceil(CHUNK_BYTES / 3) * 4;
/** The editor opens text files up to this size. */
export const EDIT_MAX_BYTES = 1024 * 1024;
/** Files of a tree upload sent in one call. */
export const TREE_BATCH_MAX = 500;
/** Raw bytes of file content in one files.treeAdd call. */
export const TREE_BATCH_BYTES = 1024 * 1024;
/** files.treeAdd calls a window may have under way at once (the core takes them in `seq` order). */
export const TREE_IN_FLIGHT = 4;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** One name in a folder: no slash, not `.` or `..`, no control characters. */
export const FileName = z
  .string({ error: 'A name is required' })
  .min(1, 'A name is required')
  .max(NAME_MAX, `At most ${NAME_MAX} characters`)
  .refine((v) => !CONTROL.test(v), 'No control characters (line breaks, NUL, tabs…)')
  .refine((v) => !v.includes('/'), 'A name, not a path (no /)')
  .refine((v) => v !== '.' && v !== '..', 'Not . or ..');

/** A path inside the site's home, relative to it ('' = the home). */
export const FilePath = z
  .string()
  .max(PATH_MAX, `At most ${PATH_MAX} characters`)
  .refine((v) => !CONTROL.test(v), 'No control characters (line breaks, NUL, tabs…)')
  .refine((v) => !v.startsWith('/'), 'A path inside the site’s home, not an absolute one')
  .refine((v) => v === '' || v.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.length <= NAME_MAX), 'No empty, . or .. parts');
export type FilePath = z.infer<typeof FilePath>;

const Site = { serverId: ServerId, site: SiteName };
const Id = z.string().uuid();
/** File content as bytes (see shared/wire-bytes.ts for how they cross the WebSocket). */
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'Bytes (a Uint8Array)');
const Base64 = z.string().max(CHUNK_B64_MAX).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const FileType = z.enum(['file', 'dir', 'link', 'other']);
export type FileType = z.infer<typeof FileType>;

export const FileEntry = z.object({
  name: z.string(),
  type: FileType,
  size: z.number(),
  /** Permission bits (0..0o7777). */
  mode: z.number().int(),
  owner: z.string(),
  /** Seconds since the epoch. */
  mtime: z.number(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const ArchiveFormat = z.enum(['tar.gz', 'zip']);
export type ArchiveFormat = z.infer<typeof ArchiveFormat>;

const Chunk = z.object({ data: Base64, done: z.boolean() });

export const filesApi = {
  /** Logs in as the site's user (once; the session is kept while used): its home and which archive tools the server has. */
  'files.open': {
    input: z.object(Site).strict(),
    output: z.object({ home: z.string(), user: z.string(), tools: z.object({ zip: z.boolean(), unzip: z.boolean() }) }),
  },
  /** Starts listing a folder: the first entries at once, the rest through files.listMore. */
  'files.list': {
    input: z.object({ ...Site, path: FilePath }).strict(),
    output: z.object({ listingId: Id, path: z.string(), entries: z.array(FileEntry), done: z.boolean() }),
  },
  /** The next entries of a listing (as many as have arrived, waiting for some). */
  'files.listMore': { input: z.object({ listingId: Id }).strict(), output: z.object({ entries: z.array(FileEntry), done: z.boolean() }) },
  'files.mkdir': { input: z.object({ ...Site, dir: FilePath, name: FileName }).strict(), output: ok },
  /** Renames or moves (`to` in another folder); refused when `to` exists. */
  'files.rename': { input: z.object({ ...Site, from: FilePath.refine((v) => v !== '', 'Not the home'), to: FilePath.refine((v) => v !== '', 'Not the home') }).strict(), output: ok },
  /** Deletes files and folders (with everything in them): the window confirms first. */
  'files.delete': {
    input: z.object({ ...Site, paths: z.array(FilePath.refine((v) => v !== '', 'Not the home')).min(1).max(10_000), confirm: z.literal(true) }).strict(),
    output: ok,
  },
  'files.chmod': { input: z.object({ ...Site, path: FilePath, mode: z.number().int().min(0).max(0o7777) }).strict(), output: ok },
  /** A text file for the editor (UTF-8, at most EDIT_MAX_BYTES). */
  'files.readText': { input: z.object({ ...Site, path: FilePath }).strict(), output: z.object({ text: z.string(), mtime: z.number() }) },
  /** Saves the editor's text: written beside the file and renamed over it (its mode kept). */
  'files.writeText': { input: z.object({ ...Site, path: FilePath, text: z.string().max(EDIT_MAX_BYTES) }).strict(), output: z.object({ mtime: z.number() }) },
  /** Starts uploading one file into `dir`: it goes to a hidden part file, renamed to `name` by files.uploadFinish. */
  'files.uploadBegin': {
    input: z.object({ ...Site, dir: FilePath, name: FileName, size: z.number().int().min(0), overwrite: z.boolean() }).strict(),
    output: z.object({ uploadId: Id }),
  },
  'files.uploadChunk': { input: z.object({ uploadId: Id, data: Base64 }).strict(), output: z.object({ received: z.number() }) },
  'files.uploadFinish': { input: z.object({ uploadId: Id }).strict(), output: ok },
  /** Stops an upload (or a tree upload): its part file (folder) is removed. */
  'files.uploadCancel': { input: z.object({ uploadId: Id }).strict(), output: ok },
  /** Starts uploading many files as one tar stream unpacked on the server by the site's tar, into a hidden folder moved into place at the end. */
  'files.treeBegin': { input: z.object({ ...Site, dir: FilePath }).strict(), output: z.object({ uploadId: Id }) },
  /**
   * Files of a tree upload, in order: each item is a piece of one file (`offset` into it); a
   * file's first piece starts it, and it ends when `offset` + the piece's length reaches `size`.
   * Calls are numbered from 0 (`seq`); up to TREE_IN_FLIGHT may be under way, taken in order. A
   * call returns once its data is on its way (the server keeps up: backpressure).
   */
  'files.treeAdd': {
    input: z
      .object({
        uploadId: Id,
        seq: z.number().int().min(0),
        items: z.array(z.object({ path: FilePath.refine((v) => v !== '', 'A file path'), size: z.number().int().min(0), offset: z.number().int().min(0), data: Bytes }).strict()).min(1).max(TREE_BATCH_MAX),
      })
      .strict()
      .refine((v) => v.items.reduce((n, i) => n + i.data.byteLength, 0) <= TREE_BATCH_BYTES, 'At most 1 MB of file data in a call'),
    output: z.object({ received: z.number() }),
  },
  'files.treeFinish': { input: z.object({ uploadId: Id }).strict(), output: z.object({ files: z.number() }) },
  /** Starts a download: a file as it is, a folder as a .tar.gz made on the server. */
  'files.downloadBegin': {
    input: z.object({ ...Site, path: FilePath }).strict(),
    output: z.object({ downloadId: Id, name: z.string(), size: z.number().nullable() }),
  },
  'files.downloadChunk': { input: z.object({ downloadId: Id }).strict(), output: Chunk },
  'files.downloadCancel': { input: z.object({ downloadId: Id }).strict(), output: ok },
  /** Unpacks a .tar(.gz|.bz2|.xz)/.tgz or .zip archive into the folder it is in. */
  'files.extract': { input: z.object({ ...Site, path: FilePath }).strict(), output: ok },
  /** Packs entries of `dir` into a new archive `name` there. */
  'files.archive': {
    input: z.object({ ...Site, dir: FilePath, names: z.array(FileName).min(1).max(10_000), name: FileName, format: ArchiveFormat }).strict(),
    output: ok,
  },
} as const;
