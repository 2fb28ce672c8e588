// Cron jobs of a site: adding, changing and removing a job are queued tasks (the site's cron
// file written whole); the last run of each job is read from the site's log; "Run now" runs a
// job at once as the site's user, through the same runner as cron (so it never overlaps the
// scheduled run), its output streamed to the window that asked (cron.output, then cron.done).
import { z } from 'zod';
import { ServerId } from '../domain';
import { SiteName } from '../hosting';
import { CronJob, CronJobId, CronJobSet, CronLastRun } from '../cron';
import { Task } from '../queue';
import { SiteBaseVersion } from './hosting';

const JobRef = z.object({ serverId: ServerId, site: SiteName, id: CronJobId }).strict();

export const cronApi = {
  /** Records a new job (no id) or a changed one and queues cron.file (the site's file written whole). */
  'hosting.setCronJob': {
    input: CronJobSet.extend({ serverId: ServerId, site: SiteName, baseVersion: SiteBaseVersion.optional() }).strict(),
    output: z.object({ job: CronJob, tasks: z.array(Task) }),
  },
  /** Removes a job from the records and queues cron.file (or cron.remove with the last job). */
  'hosting.removeCronJob': {
    input: JobRef.extend({ baseVersion: SiteBaseVersion.optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** The last run of each job of the site, from its log (as the site's user). Reads only. */
  'hosting.cronLastRuns': {
    input: z.object({ serverId: ServerId, site: SiteName }).strict(),
    output: z.object({ runs: z.array(CronLastRun) }),
  },
  /**
   * Starts the job now as the site's user; returns once it started. Its output comes as
   * cron.output events with the caller's runId, its end as cron.done.
   */
  'hosting.runCronJob': {
    input: JobRef.extend({ runId: z.uuid('runId must be a UUID') }).strict(),
    output: z.object({ started: z.literal(true) }),
  },
} as const;
