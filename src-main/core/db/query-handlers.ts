// The SQL editor's part of the contract: run a script, cancel it, the history per server.
import type { dbQueryApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { Inventory } from '../inventory/service';
import type { DbQuery } from './query';

export function dbQueryHandlers(query: DbQuery, inventory: Inventory): HandlersFor<typeof dbQueryApi> {
  return {
    'db.query': (input) => {
      inventory.stored(input.serverId);
      return query.query(input);
    },
    'db.cancel': async ({ queryId }) => {
      await query.cancel(queryId);
      return { ok: true as const };
    },
    'db.history': async ({ serverId }) => {
      inventory.stored(serverId);
      return query.history(serverId);
    },
  };
}
