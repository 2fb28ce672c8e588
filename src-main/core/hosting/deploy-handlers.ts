// The deploy part of the contract: a preview of the deploy's tasks, or the tasks queued (through
// the site service, so they take their turn with the other changes and their secrets are held).
import type { deployApi } from '../../../shared/api/deploy';
import type { HandlersFor } from '../dispatch';
import type { QueueService } from '../queue/service';
import { deployPlan } from './deploy-plans';
import type { SiteService } from './sites';

export function deployHandlers(sites: SiteService, queue: QueueService): HandlersFor<typeof deployApi> {
  return {
    'deploy.preview': async ({ serverId, ...input }) => {
      const { sites: records, settings } = sites.state(serverId);
      return { tasks: deployPlan(records, settings, input).steps.map((s) => ({ kind: s.kind, ...queue.preview(s.kind, s.params) })) };
    },
    'deploy.run': async ({ serverId, ...input }) => {
      const { plan, tasks } = await sites.applied(serverId, (records, settings) => deployPlan(records, settings, input));
      return { tasks, password: plan.password };
    },
  };
}
