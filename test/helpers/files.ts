// For the file manager tests: upload and download through the core's files.* calls as the window
// does (base64 chunks for one file, bytes for a tree), and the hostile paths every method must refuse.
import { CHUNK_BYTES, TREE_BATCH_BYTES, TREE_BATCH_MAX, TREE_IN_FLIGHT } from '../../shared/api/files';
import ssh2 from 'ssh2';
import type { TestCore } from './core';
import { registerSecret } from './secrets';

type Call = TestCore['call'];
type Where = { serverId: string; site: string };

export async function uploadFile(call: Call, where: Where, dir: string, name: string, data: Buffer, overwrite = false): Promise<void> {
  const { uploadId } = await call<{ uploadId: string }>('files.uploadBegin', { ...where, dir, name, size: data.length, overwrite });
  for (let at = 0; at < data.length; at += CHUNK_BYTES) await call('files.uploadChunk', { uploadId, data: data.subarray(at, at + CHUNK_BYTES).toString('base64') });
  await call('files.uploadFinish', { uploadId });
}

/**
 * Many files as one tar stream, as the window sends them: bytes batched into calls of up to
 * TREE_BATCH_BYTES, up to TREE_IN_FLIGHT calls under way.
 */
export async function uploadTree(call: Call, where: Where, dir: string, files: { path: string; data: Buffer }[]): Promise<number> {
  const { uploadId } = await call<{ uploadId: string }>('files.treeBegin', { ...where, dir });
  const inFlight = new Set<Promise<unknown>>();
  let batch: { path: string; size: number; offset: number; data: Uint8Array }[] = [];
  let bytes = 0;
  let seq = 0;
  const flush = async () => {
    if (batch.length) {
      const sent = call('files.treeAdd', { uploadId, seq: seq++, items: batch });
      inFlight.add(sent);
      void sent.then(() => inFlight.delete(sent), () => undefined);
      if (inFlight.size >= TREE_IN_FLIGHT) await Promise.race(inFlight);
    }
    batch = [];
    bytes = 0;
  };
  for (const f of files) {
    for (let at = 0; at === 0 || at < f.data.length; at += TREE_BATCH_BYTES) {
      const piece = f.data.subarray(at, at + TREE_BATCH_BYTES);
      if (bytes + piece.length > TREE_BATCH_BYTES || batch.length >= TREE_BATCH_MAX) await flush();
      batch.push({ path: f.path, size: f.data.length, offset: at, data: piece });
      bytes += piece.length;
    }
  }
  await flush();
  await Promise.all(inFlight);
  return (await call<{ files: number }>('files.treeFinish', { uploadId })).files;
}

type KeyPairMaker = (type: string, options?: unknown) => { private: string; public: string };
let registering = false;

/**
 * From now on in this test process, every key pair made (the file manager's short-lived login
 * key as the site's user, files/site-login.ts, among them) is registered for the final scan:
 * such a key lives only in memory, never in a file the app writes.
 */
export function registerSiteLoginKeys(): void {
  if (registering) return;
  registering = true;
  const utils = ssh2.utils as unknown as { generateKeyPairSync: KeyPairMaker };
  const make = utils.generateKeyPairSync.bind(utils);
  utils.generateKeyPairSync = (type, options) => {
    const pair = make(type, options);
    registerSecret('files: site login private key', pair.private);
    // Its base64 body as one line too, in case it were written without the armour.
    registerSecret('files: site login private key (body)', pair.private.replace(/-----[^-]+-----|\s/g, ''));
    return pair;
  };
}

export async function download(call: Call, where: Where, path: string): Promise<{ name: string; data: Buffer }> {
  const { downloadId, name } = await call<{ downloadId: string; name: string }>('files.downloadBegin', { ...where, path });
  const parts: Buffer[] = [];
  for (;;) {
    const c = await call<{ data: string; done: boolean }>('files.downloadChunk', { downloadId });
    parts.push(Buffer.from(c.data, 'base64'));
    if (c.done) return { name, data: Buffer.concat(parts) };
  }
}

/** Paths the contract refuses outright (absolute, `..`, control characters, empty parts). */
export function hostileGrammarPaths(canary: string): string[] {
  return [
    canary,
    '/etc/passwd',
    '/',
    '..',
    '../..',
    `../../..${canary}`,
    'public_html/../../x',
    'public_html/..',
    './public_html',
    '.',
    'a//b',
    'a/',
    'a\u0000b',
    'a\nb',
    'a\rb',
    'x\ttouch',
    `a\n; touch ${canary}`,
    `$(touch ${canary})`.replace('(', '/../('),
    '\u007f',
    'x'.repeat(5000),
  ];
}

/** Names a folder may not hold (mkdir, upload). */
export function hostileNames(canary: string): string[] {
  return ['', '.', '..', 'a/b', `../${canary}`, '/etc', 'a\u0000', 'a\nb', 'x'.repeat(256), 'a\u001bb'];
}
