// The database tree's part of the contract: access settings, databases, tables, columns, search.
import type { dbTreeApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { Inventory } from '../inventory/service';
import type { DbSessions } from './sessions';
import type { DbTree } from './tree';

export function dbTreeHandlers(sessions: DbSessions, tree: DbTree, inventory: Inventory): HandlersFor<typeof dbTreeApi> {
  return {
    'db.getAccess': ({ serverId }) => sessions.getAccess(serverId),
    'db.setAccess': async ({ serverId, access, password, readOnly }) => {
      await sessions.setAccess(serverId, access, password, readOnly);
      return { ok: true as const };
    },
    'db.databases': ({ serverId }) => tree.databases(serverId),
    'db.tables': ({ serverId, database }) => tree.tables(serverId, database),
    'db.columns': ({ serverId, database, table }) => tree.columns(serverId, database, table),
    'db.search': async ({ query }) => {
      const withAccess = (await inventory.list()).filter((s) => sessions.stored(s.id) !== null).map((s) => s.id);
      return tree.search(withAccess, query);
    },
  };
}
