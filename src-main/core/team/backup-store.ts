// Backup settings in team mode: one row of `backup_policies` per server (the repository's place
// and its keychain reference — never the password —, the policies, each site's last backup), read
// from the synced cache (records.ts). A change is applied to the latest row, again to someone
// else's when they wrote first (records.putLatest). A person's edit of the place or policies is
// checked against the version of them it was based on (`edited`, kept in the row: the row's own
// version also grows with every backup run recorded, which is no reason to refuse an edit).
import { AppError, msg } from '../../../shared/errors';
import { ServerBackups, serverBackupsOf, type BackupsStore } from '../backups/store';
import type { ConflictData, TeamRecords } from './records';

/** A time as the team's rows give theirs (a conflict shows it): UTC, "2026-12-07 06:57:59.011". */
const rowTime = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

/** What a person edits of a server's backups, as a conflict shows theirs. */
const editedPart = (s: ServerBackups) => ({ repoPath: s.repoPath, target: s.target, policy: s.policy, sitePolicies: s.sitePolicies });

export function teamBackupStore(records: TeamRecords, workstation: string): BackupsStore {
  const conflict = (serverId: string, baseVersion: number, s: ServerBackups): AppError => {
    const row = records.get('backup_policies', serverId);
    const by = s.edited?.by ?? row?.updatedBy ?? 'someone';
    const data: ConflictData = {
      table: 'backup_policies', id: serverId, baseVersion,
      theirs: { version: s.edited?.version ?? 0, data: editedPart(s), updatedBy: by, updatedAt: s.edited?.at ?? row?.updatedAt ?? '' },
    };
    return AppError.worded('conflict', msg('{{by}} changed these backup settings since you opened them (version {{version}}, yours was based on {{base}}); nothing was saved.'), { by, version: data.theirs!.version, base: baseVersion }, { data: data as unknown as Record<string, unknown> });
  };
  return {
    servers: () => [...records.all('backup_policies').keys()],
    get: (serverId) => serverBackupsOf(records.get('backup_policies', serverId)?.data),
    update: (serverId, change, baseVersion) =>
      records.putLatest('backup_policies', serverId, (current) => {
        const s = serverBackupsOf(current);
        if (baseVersion === undefined) return ServerBackups.parse(change(s));
        // Checked again on someone else's row when they wrote first (putLatest makes the record again from theirs).
        if ((s.edited?.version ?? 0) !== baseVersion) throw conflict(serverId, baseVersion, s);
        return ServerBackups.parse({ ...change(s), edited: { version: baseVersion + 1, by: workstation, at: rowTime(new Date()) } });
      }),
    editVersion: (s) => s.edited?.version ?? 0,
    // The feed read first: an edit made elsewhere a moment ago is a conflict before any work, not after.
    assertVersion: async (serverId, baseVersion) => {
      await records.refresh();
      const s = serverBackupsOf(records.get('backup_policies', serverId)?.data);
      if ((s.edited?.version ?? 0) !== baseVersion) throw conflict(serverId, baseVersion, s);
    },
  };
}
