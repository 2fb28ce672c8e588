// The cron part of the hosting contract: jobs recorded and queued by the site service, their last
// runs and "Run now" by the runner (cron-run.ts) on the server's connection.
import type { cronApi } from '../../../shared/api/cron';
import { AppError, msg } from '../../../shared/errors';
import type { HandlersFor } from '../dispatch';
import type { EventHub } from '../events';
import type { ConnectionManager } from '../ssh/connections';
import { cronSettings } from './cron-plans';
import { CronRunner } from './cron-run';
import type { SiteService } from './sites';

export function cronHandlers(sites: SiteService, connections: ConnectionManager, events: EventHub): HandlersFor<typeof cronApi> {
  const runner = new CronRunner(connections, events);
  return {
    'hosting.setCronJob': async ({ serverId, baseVersion, ...input }) => sites.setCronJob(serverId, input, baseVersion),
    'hosting.removeCronJob': async ({ serverId, site, id, baseVersion }) => ({ tasks: await sites.removeCronJob(serverId, site, id, baseVersion) }),
    'hosting.cronLastRuns': async ({ serverId, site }) => {
      sites.site(serverId, site);
      return { runs: await runner.lastRuns(serverId, site) };
    },
    'hosting.runCronJob': async ({ serverId, site, id, runId }, caller) => {
      const { sites: held, settings } = sites.state(serverId);
      const record = held.find((s) => s.name === site);
      if (!record) throw AppError.worded('not-found', msg('No site "{{site}}" on this server in Hostdeck\'s records.'), { site: site });
      const job = record.cron.find((j) => j.id === id);
      if (!job) throw AppError.worded('not-found', msg('No cron job {{id}} for site "{{site}}" in Hostdeck\'s records.'), { id, site });
      if (record.status === 'suspended') throw AppError.worded('conflict', msg('Site "{{site}}" is suspended: its jobs do not run until it is unsuspended.'), { site });
      await runner.run(serverId, site, job, cronSettings(settings).runner, runId, caller.windowId);
      return { started: true as const };
    },
  };
}
