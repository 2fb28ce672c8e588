// The queue's part of the contract.
import type { queueApi } from '../../../shared/api/queue';
import type { HandlersFor } from '../dispatch';
import type { QueueService } from './service';

export function queueHandlers(queue: QueueService): HandlersFor<typeof queueApi> {
  return {
    'queue.list': async ({ serverId }) => queue.list(serverId),
    'queue.preview': async ({ kind, params }) => queue.preview(kind, params),
    'queue.retry': async ({ serverId, taskId }) => ({ tasks: queue.retry(serverId, taskId) }),
    'queue.retryWithPassword': async ({ serverId, taskId, password }) => ({ tasks: await queue.retryWithSecret(serverId, taskId, password) }),
    'queue.skip': async ({ serverId, taskId }) => ({ tasks: queue.skip(serverId, taskId) }),
    'queue.cancel': async ({ serverId, taskId }) => ({ tasks: queue.cancel(serverId, taskId) }),
    'queue.overview': async () => ({ servers: queue.overview() }),
  };
}
