// The logs' part of the contract. A tail belongs to the window that started it.
import type { logsApi } from '../../../shared/api/logs';
import type { Task } from '../../../shared/queue';
import type { HandlersFor } from '../dispatch';
import type { LogService } from './service';

export function logsHandlers(logs: LogService, setUp: (serverId: string, site: string, baseVersion?: number) => Promise<Task[]>): HandlersFor<typeof logsApi> {
  const ok = { ok: true as const };
  return {
    'logs.list': async ({ serverId, site }) => logs.list(serverId, site),
    'logs.follow': async ({ serverId, site, log, backlog }, caller) => logs.follow(serverId, site, log, backlog, caller.windowId),
    'logs.ack': async ({ tailId, lines }, caller) => {
      logs.tails.ack(tailId, caller.windowId, lines);
      return ok;
    },
    'logs.stop': async ({ tailId }, caller) => {
      logs.tails.stop(tailId, caller.windowId);
      return ok;
    },
    'logs.setUp': async ({ serverId, site, baseVersion }) => ({ tasks: await setUp(serverId, site, baseVersion) }),
    'logs.search': async ({ serverId, site, log, text, limit }) => logs.search(serverId, site, log, text, limit),
    'logs.download': async ({ serverId, site, log, text, from, to }) => logs.download(serverId, site, log, { ...(text === undefined ? {} : { text }), ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }),
  };
}
