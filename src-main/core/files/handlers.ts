// The files.* methods of the contract.
import type { HandlersFor } from '../dispatch';
import type { filesApi } from '../../../shared/api/files';
import type { FilesService } from './service';

const OK = { ok: true } as const;

export function filesHandlers(files: FilesService): HandlersFor<typeof filesApi> {
  return {
    'files.open': ({ serverId, site }) => files.open(serverId, site),
    'files.list': ({ serverId, site, path }) => files.list(serverId, site, path),
    'files.listMore': ({ listingId }) => files.listMore(listingId),
    'files.mkdir': async ({ serverId, site, dir, name }) => (await files.mkdir(serverId, site, dir, name), OK),
    'files.rename': async ({ serverId, site, from, to }) => (await files.rename(serverId, site, from, to), OK),
    'files.delete': async ({ serverId, site, paths }) => (await files.remove(serverId, site, paths), OK),
    'files.chmod': async ({ serverId, site, path, mode }) => (await files.chmod(serverId, site, path, mode), OK),
    'files.readText': ({ serverId, site, path }) => files.readText(serverId, site, path),
    'files.writeText': ({ serverId, site, path, text }) => files.writeText(serverId, site, path, text),
    'files.uploadBegin': ({ serverId, site, dir, name, size, overwrite }) => files.uploadBegin(serverId, site, dir, name, size, overwrite),
    'files.uploadChunk': async ({ uploadId, data }) => ({ received: await files.uploadChunk(uploadId, data) }),
    'files.uploadFinish': async ({ uploadId }) => (await files.uploadFinish(uploadId), OK),
    'files.uploadCancel': async ({ uploadId }) => (await files.cancel(uploadId), OK),
    'files.treeBegin': ({ serverId, site, dir }) => files.treeBegin(serverId, site, dir),
    'files.treeAdd': async ({ uploadId, seq, items }) => ({ received: await files.treeAdd(uploadId, seq, items) }),
    'files.treeFinish': async ({ uploadId }) => ({ files: await files.treeFinish(uploadId) }),
    'files.downloadBegin': ({ serverId, site, path }) => files.downloadBegin(serverId, site, path),
    'files.downloadChunk': ({ downloadId }) => files.downloadChunk(downloadId),
    'files.downloadCancel': async ({ downloadId }) => (await files.cancel(downloadId), OK),
    'files.extract': async ({ serverId, site, path }) => (await files.extract(serverId, site, path), OK),
    'files.archive': async ({ serverId, site, dir, names, name, format }) => (await files.archive(serverId, site, dir, names, name, format), OK),
  };
}
