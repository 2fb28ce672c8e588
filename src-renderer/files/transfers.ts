// Moving file content between this window and the core over the ordinary call channel. One file
// goes by itself in base64 chunks (a hidden part file on the server, renamed at the end); a folder
// or several files go as one tar stream (files.tree*) of bytes, batched so many small files cost a
// few calls rather than several each, several calls under way. Every transfer reports progress and can be cancelled.
import { CHUNK_BYTES, TREE_BATCH_BYTES, TREE_BATCH_MAX, TREE_IN_FLIGHT } from '../../shared/api/files';
import { client } from '../client/client';
import { saveFile } from '../components/save-file';

export type Where = { serverId: string; site: string };
/** A file to upload, with its path under the folder it goes into (`a.txt`, `site/css/a.css`). */
export type Picked = { path: string; file: File };

export type Transfer = {
  id: number;
  label: string;
  kind: 'upload' | 'download';
  done: number;
  total: number | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
  cancel: () => void;
};

export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}

function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(blob);
  });
}

export type Progress = { done: (bytes: number) => void; cancelled: () => boolean };

/** One file into `dir` (`overwrite` once the user agreed to replace it). */
export async function uploadOne(where: Where, dir: string, file: File, overwrite: boolean, p: Progress): Promise<void> {
  const { uploadId } = await client.call('files.uploadBegin', { ...where, dir, name: file.name, size: file.size, overwrite });
  try {
    for (let at = 0; at < file.size; at += CHUNK_BYTES) {
      if (p.cancelled()) throw new Cancelled();
      const { received } = await client.call('files.uploadChunk', { uploadId, data: await base64(file.slice(at, at + CHUNK_BYTES)) });
      p.done(received);
    }
    if (p.cancelled()) throw new Cancelled();
    await client.call('files.uploadFinish', { uploadId });
  } catch (error) {
    await client.call('files.uploadCancel', { uploadId }).catch(() => undefined);
    throw error;
  }
}

/**
 * Many files as one tar stream into `dir`: their bytes batched into calls of up to
 * TREE_BATCH_BYTES, up to TREE_IN_FLIGHT calls under way (the core answers as the server keeps up).
 */
export async function uploadTree(where: Where, dir: string, files: Picked[], p: Progress): Promise<void> {
  const { uploadId } = await client.call('files.treeBegin', { ...where, dir });
  const inFlight = new Set<Promise<unknown>>();
  let batch: { path: string; size: number; offset: number; data: Uint8Array }[] = [];
  let bytes = 0;
  let seq = 0;
  let sent = 0;
  const flush = async () => {
    if (p.cancelled()) throw new Cancelled();
    if (batch.length) {
      const call = client.call('files.treeAdd', { uploadId, seq: seq++, items: batch }).then(({ received }) => {
        inFlight.delete(call);
        sent = Math.max(sent, received);
        p.done(sent);
      });
      inFlight.add(call);
      if (inFlight.size >= TREE_IN_FLIGHT) await Promise.race(inFlight);
    }
    batch = [];
    bytes = 0;
  };
  try {
    for (const { path, file } of files) {
      for (let at = 0; at === 0 || at < file.size; at += TREE_BATCH_BYTES) {
        const piece = file.slice(at, at + TREE_BATCH_BYTES);
        if (bytes + piece.size > TREE_BATCH_BYTES || batch.length >= TREE_BATCH_MAX) await flush();
        batch.push({ path, size: file.size, offset: at, data: new Uint8Array(await piece.arrayBuffer()) });
        bytes += piece.size;
      }
    }
    await flush();
    await Promise.all(inFlight);
    await client.call('files.treeFinish', { uploadId });
  } catch (error) {
    await Promise.allSettled(inFlight);
    await client.call('files.uploadCancel', { uploadId }).catch(() => undefined);
    throw error;
  }
}

/** A file (or a folder as .tar.gz) saved by the browser as a download. */
export async function download(where: Where, path: string, p: Progress & { size: (n: number | null) => void }): Promise<void> {
  const { downloadId, name, size } = await client.call('files.downloadBegin', { ...where, path });
  p.size(size);
  const parts: BlobPart[] = [];
  let got = 0;
  try {
    for (;;) {
      if (p.cancelled()) throw new Cancelled();
      const chunk = await client.call('files.downloadChunk', { downloadId });
      const bin = atob(chunk.data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      parts.push(bytes);
      got += bytes.length;
      p.done(got);
      if (chunk.done) break;
    }
  } catch (error) {
    await client.call('files.downloadCancel', { downloadId }).catch(() => undefined);
    throw error;
  }
  saveFile(name, parts);
}

/** What was dropped: files, and folders walked with webkitGetAsEntry (paths relative to the drop). */
export async function droppedFiles(items: DataTransferItemList): Promise<{ files: Picked[]; folders: boolean }> {
  const entries = [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const files: Picked[] = [];
  let folders = false;
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push({ path: prefix + entry.name, file });
      return;
    }
    folders = true;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return { files, folders };
}
