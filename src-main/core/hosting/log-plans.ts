// Plans of a site's logs (see plans.ts): the folder and rotation rule come with the site and go
// with it; server blocks and the PHP pool write into that folder. Pure: settings in, steps out.
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import { DEFAULT_LOG_SETTINGS, type LogSettings } from '../../../shared/api/logs';
import { siteLogDir } from './log-tasks';
import type { Plan, Step } from './plans';

export function logSettings(settings: HostingSettings): LogSettings {
  return settings.logs ?? DEFAULT_LOG_SETTINGS;
}

/** The site's log folder, for its server blocks and PHP pool. */
export function logDirParam(site: string, settings: HostingSettings): { logDir: string } {
  return { logDir: siteLogDir(logSettings(settings).dir, site) };
}

export function logsStep(site: string, settings: HostingSettings): Step {
  const s = logSettings(settings);
  return { kind: 'logs.site', params: { site, dir: s.dir, rotateDir: s.rotateDir, keep: s.keep, nginxConf: settings.web.nginxConf } };
}

export function logsRemoveStep(site: string, settings: HostingSettings): Step {
  const s = logSettings(settings);
  return { kind: 'logs.remove', params: { site, dir: s.dir, rotateDir: s.rotateDir } };
}

/**
 * The site's log folder and rotation rule written again with the current log settings: for a
 * site made before Hostdeck kept logs (or adopted), or after the settings changed.
 */
export function setUpLogs(sites: SiteRecord[], settings: HostingSettings, name: string): Plan {
  if (!sites.some((s) => s.name === name)) throw AppError.worded('not-found', msg('No site "{{site}}" on this server in Hostdeck\'s records.'), { site: name });
  return { steps: [logsStep(name, settings)], sites, secrets: [] };
}
