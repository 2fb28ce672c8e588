// The two answers to a difference of a site: fix the server (the plan's steps that restore what
// the records say: existing task kinds, made by the same plan code as every other change) or
// accept the server's state (the records changed, no step). Each is a plan over the records as
// they are when it runs, with a sentence per record change for the preview.
import type { DriftAction } from '../../../shared/api/drift';
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg, said, type Said } from '../../../shared/errors';
import { cronOnStatus, cronSettings } from '../hosting/cron-plans';
import { logsStep } from '../hosting/log-plans';
import { disablePhp, phpOnStatus, phpSettings } from '../hosting/php-plans';
import * as plans from '../hosting/plans';
import type { Finding } from './compare';

/** `records`: a line per record change, as its template (marked msg()) and values. */
export type Remedy = plans.Plan & { password?: string; records: Said[] };

const none = (sites: SiteRecord[], records: Said[]): Remedy => ({ steps: [], sites, secrets: [], records });

function unavailable(f: Finding, action: DriftAction): never {
  const key = action === 'fix' ? msg('"Fix the server" is not offered for {{item}}.') : msg('"Accept the server\'s state" is not offered for {{item}}.');
  throw AppError.worded('conflict', key, { item: f.item.title });
}

/** The site's configuration written again from its records (server blocks, PHP pool, cron file). */
function rebuildSteps(sites: SiteRecord[], site: SiteRecord, settings: HostingSettings): plans.Step[] {
  return [
    ...phpOnStatus(site, settings, site.status),
    ...site.domains.map((b) => plans.bindDomain(sites, settings, { site: site.name, domain: b.domain, aliases: b.aliases }).steps[0]!),
    ...cronOnStatus(site, settings, site.status),
  ];
}

export function remedy(f: Finding, action: DriftAction, sites: SiteRecord[], settings: HostingSettings): Remedy {
  const { item, evidence } = f;
  if ((action === 'fix' ? item.fix : item.accept) === null || item.site === null) unavailable(f, action);
  const site = plans.find(sites, item.site);
  const name = item.id.slice(item.id.indexOf(':', item.id.indexOf(':') + 1) + 1);
  const change = (fn: (s: SiteRecord) => SiteRecord, line: Said) => none(plans.replace(sites, site.name, fn), [line]);
  const at = { site: site.name };
  const withoutCreation = (s: SiteRecord, kind: string, n: string) => s.creations.filter((c) => !(c.kind === kind && c.name === n));
  if (action === 'fix') {
    switch (item.kind) {
      case 'site': {
        const steps = [{ kind: 'site.create', params: { site: site.name, quotaMb: site.quotaMb } }, logsStep(site.name, settings), ...rebuildSteps(sites, site, settings)];
        if (site.status === 'suspended') steps.push(...plans.setStatus(sites, settings, site.name, 'suspended').steps.slice(0, 1));
        return { steps, sites, secrets: [], records: [] };
      }
      case 'status': return { ...plans.setStatus(sites, settings, site.name, site.status), records: [] };
      case 'ftp':
        if (item.way === 'extra') return { steps: [{ kind: 'ftp.delete', params: { site: site.name, user: name, ...settings.ftp } }], sites, secrets: [], records: [] };
        return { ...plans.createFtp(plans.replace(sites, site.name, (s) => ({ ...s, ftpUsers: s.ftpUsers.filter((u) => u !== name) })), settings, { site: site.name, user: name }), records: [] };
      case 'db':
      case 'dbuser': {
        const db = site.databases.find((d) => d.name === name);
        if (!db) throw AppError.worded('not-found', msg('No database {{database}} in the records of site {{site}}.'), { database: name, site: site.name });
        return { ...plans.createDb(plans.replace(sites, site.name, (s) => ({ ...s, databases: s.databases.filter((d) => d.name !== name) })), settings, { site: site.name, name, user: db.user }), records: [] };
      }
      case 'vhost': {
        if (item.way === 'extra' && evidence.kind === 'vhostExtra') return { steps: [{ kind: 'domain.unbind', params: { site: site.name, domain: evidence.domain, vhostDir: settings.web.vhostDir, nginxConf: settings.web.nginxConf } }], sites, secrets: [], records: [] };
        const b = site.domains.find((d) => d.domain === name);
        if (!b) throw AppError.worded('not-found', msg('The domain {{domain}} is no longer bound to site {{site}} in the records.'), { domain: name, site: site.name });
        return { ...plans.bindDomain(sites, settings, { site: site.name, domain: b.domain, aliases: b.aliases }), creates: [], records: [] };
      }
      case 'php':
        if (item.way === 'extra' && evidence.kind === 'php' && evidence.version) {
          const version = evidence.version;
          const steps = disablePhp(sites, { ...site, php: { version, values: phpSettings(settings).defaults, extras: [] } }, settings).steps;
          return { steps: steps.filter((s) => s.kind === 'php.remove'), sites, secrets: [], records: [] };
        }
        if (!site.php) throw AppError.worded('conflict', msg('Site {{site}} has no PHP in the records.'), { site: site.name });
        return { steps: phpOnStatus(site, settings, site.status), sites, secrets: [], records: [] };
      case 'cron':
        if (item.way === 'extra') return { steps: [{ kind: 'cron.remove', params: { site: site.name, dir: cronSettings(settings).dir } }], sites, secrets: [], records: [] };
        return { steps: cronOnStatus(site, settings, site.status), sites, secrets: [], records: [] };
      default: return unavailable(f, action);
    }
  }
  switch (item.kind) {
    case 'site': return none(sites.filter((s) => s.name !== site.name), [said(msg('Site {{site}} forgotten (its records only; nothing runs on the server)'), at)]);
    case 'status': {
      const status = site.status === 'suspended' ? 'active' : 'suspended';
      return change((s) => ({ ...s, status }), said(status === 'active' ? msg('Site {{site}}: recorded as active') : msg('Site {{site}}: recorded as suspended'), at));
    }
    case 'ftp':
      return item.way === 'extra'
        ? change((s) => ({ ...s, ftpUsers: [...s.ftpUsers, name].sort() }), said(msg('Site {{site}}: FTP login {{user}} recorded'), { ...at, user: name }))
        : change((s) => ({ ...s, ftpUsers: s.ftpUsers.filter((u) => u !== name), creations: withoutCreation(s, 'ftp', name) }), said(msg('Site {{site}}: FTP login {{user}} forgotten'), { ...at, user: name }));
    case 'db': return change((s) => ({ ...s, databases: s.databases.filter((d) => d.name !== name), creations: withoutCreation(s, 'db', name) }), said(msg('Site {{site}}: database {{name}} marked gone (forgotten)'), { ...at, name }));
    case 'vhost': {
      if (item.way === 'extra' && evidence.kind === 'vhostExtra') {
        const bound = plans.bindDomain(sites, settings, { site: site.name, domain: evidence.domain, aliases: evidence.aliases });
        return none(bound.sites, [said(msg('Site {{site}}: domain {{domains}} recorded'), { ...at, domains: [evidence.domain, ...evidence.aliases].join(', ') })]);
      }
      return change((s) => ({ ...s, domains: s.domains.filter((d) => d.domain !== name), tls: s.tls.filter((t) => t.domain !== name), creations: withoutCreation(s, 'domain', name) }), said(msg('Site {{site}}: domain {{domain}} forgotten'), { ...at, domain: name }));
    }
    case 'php': {
      if (item.way === 'missing') return change(({ php: _php, ...s }) => s, said(msg('Site {{site}}: recorded without PHP'), at));
      if (evidence.kind !== 'php' || !evidence.php) return unavailable(f, action);
      const php = evidence.php;
      return change((s) => ({ ...s, php }), said(msg('Site {{site}}: PHP {{version}} recorded as the server has it'), { ...at, version: php.version }));
    }
    case 'cron': {
      if (item.way === 'missing') return change((s) => ({ ...s, cron: [] }), said(msg('Site {{site}}: recorded with no cron jobs'), at));
      if (evidence.kind !== 'cron' || !evidence.jobs) return unavailable(f, action);
      const jobs = evidence.jobs;
      return change((s) => ({ ...s, cron: jobs }), jobs.length === 1 ? said(msg('Site {{site}}: 1 cron job recorded as the server has them'), at) : said(msg('Site {{site}}: {{n}} cron jobs recorded as the server has them'), { ...at, n: jobs.length }));
    }
    case 'cert': return change((s) => ({ ...s, tls: s.tls.filter((t) => t.domain !== name) }), said(msg('Site {{site}}: certificate of {{domain}} forgotten'), { ...at, domain: name }));
    default: return unavailable(f, action);
  }
}
