// Plans of a site's PHP (see plans.ts): turning it on or changing it writes the pool, then has
// the site's server blocks pass .php to its socket; turning it off does the reverse. Suspending,
// deleting and binding a domain take the site's PHP along (plans.ts calls the helpers below).
// Pure: records and settings in, steps out.
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import { DEFAULT_PHP_SETTINGS, phpPath, type PhpSet, type PhpSettings, type SitePhp } from '../../../shared/php';
import { logDirParam } from './log-plans';
import { poolSocket } from './php-pool';
import type { Plan, Step } from './plans';
import './php-tasks';
import { tlsParam } from './vhost-tasks';

export function phpSettings(settings: HostingSettings): PhpSettings {
  return settings.php ?? DEFAULT_PHP_SETTINGS;
}

function fpm(s: PhpSettings) {
  return { poolDir: s.poolDir, fpmConf: s.fpmConf, binary: s.binary, reload: s.reload, pidFile: s.pidFile, socketDir: s.socketDir };
}

function poolStep(site: string, php: SitePhp, settings: HostingSettings, active: boolean): Step {
  const s = phpSettings(settings);
  return { kind: 'php.pool', params: { site, version: php.version, values: php.values, extras: php.extras, ...fpm(s), webGroup: s.webGroup, ...logDirParam(site, settings), active } };
}

function removeStep(site: string, version: string, settings: HostingSettings): Step {
  return { kind: 'php.remove', params: { site, version, ...fpm(phpSettings(settings)) } };
}

/** The socket a server block of the site passes .php to, when it has PHP. */
export function phpSocketParam(site: SiteRecord, settings: HostingSettings): { phpSocket?: string } {
  return site.php ? { phpSocket: poolSocket(phpSettings(settings).socketDir, site.php.version, site.name) } : {};
}

function bindSteps(site: SiteRecord, settings: HostingSettings): Step[] {
  return site.domains.map((b) => ({ kind: 'domain.bind', params: { site: site.name, domain: b.domain, aliases: b.aliases, ...settings.web, ...phpSocketParam(site, settings), ...logDirParam(site.name, settings), ...tlsParam(site, b.domain) } }));
}

/** The pool follows the site's status: parked while suspended, serving while active. */
export function phpOnStatus(site: SiteRecord, settings: HostingSettings, status: SiteRecord['status']): Step[] {
  return site.php ? [poolStep(site.name, site.php, settings, status === 'active')] : [];
}

/** The pool goes before the account (php-fpm refuses a pool whose user does not exist). */
export function phpOnDelete(site: SiteRecord, settings: HostingSettings): Step[] {
  return site.php ? [removeStep(site.name, site.php.version, settings)] : [];
}

/**
 * PHP on (or changed): a pool of another version whose files would be elsewhere (or whose socket
 * the new one takes) goes first, then the pool, then the server blocks pass .php to it.
 */
export function setPhp(sites: SiteRecord[], site: SiteRecord, settings: HostingSettings, input: PhpSet): Plan {
  const php: SitePhp = { version: input.version, values: input.values, extras: input.extras };
  const updated: SiteRecord = { ...site, php };
  const s = phpSettings(settings);
  const moved = site.php !== undefined && site.php.version !== php.version
    && (['poolDir', 'fpmConf', 'socketDir'] as const).some((k) => phpPath(s[k], site.php!.version) !== phpPath(s[k], php.version));
  const socketChanged = site.php === undefined || site.php.version !== php.version;
  return {
    steps: [
      ...(moved ? [removeStep(site.name, site.php!.version, settings)] : []),
      poolStep(site.name, php, settings, site.status === 'active'),
      ...(socketChanged ? bindSteps(updated, settings) : []),
    ],
    sites: sites.map((x) => (x.name === site.name ? updated : x)),
    secrets: [],
  };
}

/** PHP off: the server blocks stop passing .php first, then the pool goes. */
export function disablePhp(sites: SiteRecord[], site: SiteRecord, settings: HostingSettings): Plan {
  if (!site.php) throw AppError.worded('conflict', msg('Site "{{site}}" has no PHP in Hostdeck\'s records.'), { site: site.name });
  const { php: _php, ...rest } = site;
  const updated: SiteRecord = rest;
  return {
    steps: [...bindSteps(updated, settings), removeStep(site.name, site.php.version, settings)],
    sites: sites.map((x) => (x.name === site.name ? updated : x)),
    secrets: [],
  };
}
