// Server views' part of the contract: process list and kill, status and variables, users and
// the account changes (previewed, then run; a drop only with its typed confirmation).
import type { dbServerApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { DbAdmin } from './admin';

export function dbAdminHandlers(admin: DbAdmin): HandlersFor<typeof dbServerApi> {
  return {
    'db.processList': ({ serverId }) => admin.processList(serverId),
    'db.kill': async ({ serverId, id, queryOnly }) => {
      await admin.kill(serverId, id, queryOnly);
      return { ok: true as const };
    },
    'db.status': ({ serverId, kind }) => admin.status(serverId, kind),
    'db.users': ({ serverId }) => admin.accounts.users(serverId),
    'db.accountPreview': ({ serverId, change }) => admin.accounts.preview(serverId, change),
    'db.accountChange': ({ serverId, change }) => admin.accounts.change(serverId, change),
    'db.dropAccount': ({ serverId, user, host, confirm }) => admin.accounts.drop(serverId, user, host, confirm),
  };
}
