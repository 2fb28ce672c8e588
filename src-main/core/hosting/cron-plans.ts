// Plans of a site's cron jobs (see plans.ts): adding, changing or removing a job rewrites the
// site's cron file whole (or removes it with the last job); suspending comments its lines out,
// unsuspending brings them back, deleting the site removes the file before the account.
// Pure: records and settings in, steps out.
import { randomBytes } from 'node:crypto';
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { CRON_JOBS_MAX, DEFAULT_CRON_SETTINGS, type CronJob, type CronJobSet, type CronSettings } from '../../../shared/cron';
import { AppError, msg } from '../../../shared/errors';
import type { Plan, Step } from './plans';
import './cron-tasks';

export function cronSettings(settings: HostingSettings): CronSettings {
  return settings.cron ?? DEFAULT_CRON_SETTINGS;
}

/** A fresh job id: 8 lowercase hex digits. */
export function newJobId(taken: readonly CronJob[]): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.some((j) => j.id === id)) return id;
  }
}

/** The file as the site's jobs and status want it: written, or removed when there are none. */
function fileStep(site: SiteRecord, settings: HostingSettings, status: SiteRecord['status']): Step {
  const s = cronSettings(settings);
  return site.cron.length === 0
    ? { kind: 'cron.remove', params: { site: site.name, dir: s.dir } }
    : { kind: 'cron.file', params: { site: site.name, jobs: site.cron, active: status === 'active', dir: s.dir, runner: s.runner } };
}

/** The jobs follow the site's status: commented out while suspended, running while active. */
export function cronOnStatus(site: SiteRecord, settings: HostingSettings, status: SiteRecord['status']): Step[] {
  return site.cron.length > 0 ? [fileStep(site, settings, status)] : [];
}

/** The file goes before the account (cron would run lines of a user that no longer exists). */
export function cronOnDelete(site: SiteRecord, settings: HostingSettings): Step[] {
  return site.cron.length > 0 ? [{ kind: 'cron.remove', params: { site: site.name, dir: cronSettings(settings).dir } }] : [];
}

function changed(sites: SiteRecord[], site: SiteRecord, cron: CronJob[], settings: HostingSettings): Plan {
  const updated: SiteRecord = { ...site, cron };
  return { steps: [fileStep(updated, settings, site.status)], sites: sites.map((x) => (x.name === site.name ? updated : x)), secrets: [] };
}

/** A new job (no id) or a changed one; the file is written whole either way. */
export function setCronJob(sites: SiteRecord[], site: SiteRecord, settings: HostingSettings, input: CronJobSet, id = newJobId(site.cron)): Plan & { job: CronJob } {
  if (input.id !== undefined && !site.cron.some((j) => j.id === input.id)) throw AppError.worded('not-found', msg('No cron job {{id}} for site "{{site}}" in Hostdeck\'s records.'), { id: input.id, site: site.name });
  if (input.id === undefined && site.cron.length >= CRON_JOBS_MAX) throw AppError.worded('invalid-input', msg('A site has at most {{max}} cron jobs.'), { max: CRON_JOBS_MAX }, { fields: { command: `At most ${CRON_JOBS_MAX} jobs per site` } });
  const job: CronJob = { id: input.id ?? id, schedule: input.schedule, command: input.command };
  const cron = input.id === undefined ? [...site.cron, job] : site.cron.map((j) => (j.id === input.id ? job : j));
  return { ...changed(sites, site, cron, settings), job };
}

export function removeCronJob(sites: SiteRecord[], site: SiteRecord, settings: HostingSettings, id: string): Plan {
  if (!site.cron.some((j) => j.id === id)) throw AppError.worded('not-found', msg('No cron job {{id}} for site "{{site}}" in Hostdeck\'s records.'), { id, site: site.name });
  return changed(sites, site, site.cron.filter((j) => j.id !== id), settings);
}
