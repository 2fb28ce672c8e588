// The backups part of the contract.
import type { backupsApi } from '../../../shared/api/backups';
import type { HandlersFor } from '../dispatch';
import type { BackupService } from './service';

export function backupsHandlers(backups: BackupService): HandlersFor<typeof backupsApi> {
  return {
    'backups.state': async ({ serverId }) => backups.state(serverId),
    'backups.setSettings': async ({ serverId, repoPath, policy, target, baseVersion }) => backups.setSettings(serverId, repoPath, policy, target, baseVersion),
    'backups.previewSettings': async ({ serverId, repoPath, target }) => ({ tasks: await backups.previewSettings(serverId, repoPath, target ?? { kind: 'local' }) }),
    'backups.setSitePolicy': async ({ serverId, site, policy, baseVersion }) => backups.setSitePolicy(serverId, site, policy, baseVersion),
    'backups.backUpNow': async ({ serverId, site }) => ({ tasks: backups.backUpNow(serverId, site) }),
    'backups.snapshots': async ({ serverId, site }) => ({ snapshots: await backups.snapshots(serverId, site) }),
    'backups.ls': async ({ serverId, site, snapshot, path }) => backups.ls(serverId, site, snapshot, path),
    'backups.check': async ({ serverId }) => ({ tasks: backups.check(serverId) }),
    'backups.restoreFiles': async ({ serverId, ...input }) => ({ tasks: backups.restoreFiles(serverId, input) }),
    'backups.restoreDb': async ({ serverId, ...input }) => backups.restoreDb(serverId, input),
    'backups.dropScratch': async ({ serverId, site, database, confirm }) => ({ tasks: backups.dropScratch(serverId, site, database, confirm) }),
    'backups.restoreSite': async ({ serverId, site, run, confirm }) => backups.restoreSite(serverId, site, run, confirm),
  };
}
