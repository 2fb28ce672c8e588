// The queue's part of the contract.
import type { queueApi } from '../../../shared/api/queue';
import type { HandlersFor } from '../dispatch';
import type { Inventory } from '../inventory/service';
import type { QueueService } from './service';

export function queueHandlers(queue: QueueService, inventory: Inventory): HandlersFor<typeof queueApi> {
  return {
    'queue.list': async ({ serverId }) => queue.list(serverId),
    'queue.enqueue': async ({ serverId, kind, params }) => {
      inventory.stored(serverId); // not-found for a server not in the inventory
      return { task: queue.enqueue(serverId, kind, params) };
    },
    'queue.preview': async ({ kind, params }) => queue.preview(kind, params),
    'queue.retry': async ({ serverId, taskId }) => ({ tasks: queue.retry(serverId, taskId) }),
    'queue.skip': async ({ serverId, taskId }) => ({ tasks: queue.skip(serverId, taskId) }),
    'queue.cancel': async ({ serverId, taskId }) => ({ tasks: queue.cancel(serverId, taskId) }),
    'queue.overview': async () => ({ servers: queue.overview() }),
  };
}
