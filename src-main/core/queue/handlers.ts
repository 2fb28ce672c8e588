// The queue's part of the contract. A team's dns login answers DNS tasks only (answerable.ts):
// refused here before any SQL, and held by the team database's trigger whatever the client.
import type { queueApi } from '../../../shared/api/queue';
import type { TeamRole } from '../../../shared/api/team-admin';
import { AppError, msg } from '../../../shared/errors';
import type { HandlersFor } from '../dispatch';
import { mayAnswer } from './answerable';
import type { QueueService } from './service';

export function queueHandlers(queue: QueueService, role: () => TeamRole | null = () => null): HandlersFor<typeof queueApi> {
  /** Refuses a dns login's answer to a task that is not a DNS one (taskId absent: the failed task, or every pending one). */
  const mayAnswerAll = (serverId: string, taskId: string | undefined, which: 'failed' | 'pending') => {
    const tasks = queue.list(serverId).tasks.filter((t) => (taskId ? t.id === taskId : t.status === which));
    if (tasks.some((t) => !mayAnswer(role(), t))) throw new AppError('refused', msg('Your team role (dns) may retry, skip or cancel DNS tasks only; ask an operator or an admin.'));
  };
  return {
    'queue.list': async ({ serverId }) => {
      const list = queue.list(serverId);
      return { ...list, unanswerable: list.tasks.filter((t) => !mayAnswer(role(), t)).map((t) => t.id) };
    },
    'queue.preview': async ({ kind, params }) => queue.preview(kind, params),
    'queue.retry': async ({ serverId, taskId }) => {
      mayAnswerAll(serverId, taskId, 'failed');
      return { tasks: queue.retry(serverId, taskId) };
    },
    'queue.retryWithPassword': async ({ serverId, taskId, password }) => {
      mayAnswerAll(serverId, taskId, 'failed');
      return { tasks: await queue.retryWithSecret(serverId, taskId, password) };
    },
    'queue.skip': async ({ serverId, taskId }) => {
      mayAnswerAll(serverId, taskId, 'failed');
      return { tasks: queue.skip(serverId, taskId) };
    },
    'queue.cancel': async ({ serverId, taskId }) => {
      mayAnswerAll(serverId, taskId, 'pending');
      return { tasks: queue.cancel(serverId, taskId) };
    },
    'queue.overview': async () => ({ servers: queue.overview() }),
  };
}
