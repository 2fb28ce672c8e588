// A deploy as a plan: its tasks in order (db.password, deploy.unpack, deploy.import,
// deploy.configure, deploy.commands, then the cron job's cron.file), queued all or none; the
// first failure stops the queue there and a retry runs that step again.
//
// The app needs its database's password, and Hostdeck never keeps one (it was shown once, when
// the database was created). So the deploy sets a new generated password for the chosen
// database's user (db.password) rather than creating a second database: the site keeps the
// database it has (and its backups and grants), and the new password is shown once, like any
// other. Each task that needs it holds its own copy under its own reference, released when that
// task is done.
import { randomUUID } from 'node:crypto';
import { PLACEHOLDERS, type DeployInput } from '../../../shared/api/deploy';
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import { setCronJob } from './cron-plans';
import { deployValue } from './deploy-tasks';
import { find, generatePassword, type Plan, type Step } from './plans';

export type DeployRequest = Omit<DeployInput, 'serverId'>;

export function deployPlan(sites: SiteRecord[], settings: HostingSettings, input: DeployRequest): Plan & { password: string | null } {
  const site = find(sites, input.site);
  const db = input.database === undefined ? null : site.databases.find((d) => d.name === input.database);
  if (db === undefined) throw AppError.worded('not-found', msg('No database "{{database}}" for site "{{site}}" in Hostdeck\'s records.'), { database: String(input.database), site: site.name }, { fields: { database: 'Not a database of this site' } });
  const password = db === null ? null : (input.password ?? generatePassword());
  const placeholders = input.placeholders ?? [...PLACEHOLDERS];
  const domain = site.domains[0]?.domain ?? '';
  const siteUrl = domain === '' ? '' : `${site.tls.some((t) => t.domain === domain) ? 'https' : 'http'}://${domain}`;
  if (password !== null && input.placeholderFiles.length > 0) {
    // Refused here, before anything is queued, rather than by the configure task halfway through.
    try {
      for (const file of input.placeholderFiles) deployValue(file, password);
    } catch (error) {
      throw new AppError('invalid-input', (error as Error).message, { fields: { password: (error as Error).message } });
    }
  }
  const secrets: Plan['secrets'] = [];
  const ref = (): string => {
    const r = `db-${randomUUID()}`;
    secrets.push({ ref: r, password: password! });
    return r;
  };
  const steps: Step[] = [];
  if (db !== null) steps.push({ kind: 'db.password', params: { site: site.name, name: db.name, user: db.user, passwordRef: ref(), ...settings.mysql } });
  steps.push({
    kind: 'deploy.unpack',
    params: {
      site: site.name,
      archive: input.source.kind === 'staged' ? input.source.archive : null,
      url: input.source.kind === 'url' ? input.source.url : null,
      target: input.target,
      maxBytes: input.maxUnpackedMb * 1024 * 1024,
    },
  });
  if (db !== null && input.dump !== undefined) {
    steps.push({ kind: 'deploy.import', params: { site: site.name, name: db.name, user: db.user, dump: input.dump, passwordRef: ref(), socket: settings.mysql.socket } });
  }
  if (db !== null && input.placeholderFiles.length > 0) {
    steps.push({
      kind: 'deploy.configure',
      params: { site: site.name, target: input.target, files: input.placeholderFiles, placeholders, name: db.name, user: db.user, host: 'localhost', domain, siteUrl, passwordRef: ref() },
    });
  }
  if (input.commands.length > 0) steps.push({ kind: 'deploy.commands', params: { site: site.name, target: input.target, commands: input.commands } });
  let after = sites;
  if (input.cron !== undefined) {
    const cron = setCronJob(sites, site, settings, { site: site.name, ...input.cron });
    steps.push(...cron.steps);
    after = cron.sites;
  }
  return { steps, sites: after, secrets, password };
}
