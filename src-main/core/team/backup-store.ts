// Backup settings in team mode: one row of `backup_policies` per server (the repository's place
// and its keychain reference — never the password —, the policies, each site's last backup), read
// from the synced cache (records.ts). A change is applied to the latest row, again to someone
// else's when they wrote first (records.putLatest).
import { ServerBackups, serverBackupsOf, type BackupsStore } from '../backups/store';
import type { TeamRecords } from './records';

export function teamBackupStore(records: TeamRecords): BackupsStore {
  return {
    servers: () => [...records.all('backup_policies').keys()],
    get: (serverId) => serverBackupsOf(records.get('backup_policies', serverId)?.data),
    update: (serverId, change) => records.putLatest('backup_policies', serverId, (current) => ServerBackups.parse(change(serverBackupsOf(current)))),
  };
}
