// The PHP-FPM pool file of a site, rendered deterministically from validated values. Each value
// is checked again here (assertSafe) right before it becomes a line of the INI file: the
// contract's grammar (shared/php.ts) is what keeps a value on its own line.
import { z } from 'zod';
import { AppError, msg } from '../../../shared/errors';
import { SiteName } from '../../../shared/hosting';
import { PhpExtras, PhpPath, PhpValues, PhpVersion, phpPath, poolName } from '../../../shared/php';
import { assertSafe } from './quote';

export const PoolParams = z
  .object({
    site: SiteName,
    version: PhpVersion,
    values: PhpValues,
    extras: PhpExtras,
    socketDir: PhpPath,
    webGroup: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/),
    /** The site's log folder (log-tasks.ts): PHP's error log and the slow log go there. Absent in tasks queued before it. */
    logDir: PhpPath.optional(),
  })
  .strict();
export type PoolParams = z.infer<typeof PoolParams>;

/** The folders of the site's home PHP writes to (created 0700 by the site's task). */
export function phpDirs(site: string): { tmp: string; sessions: string } {
  const home = `/home/${assertSafe(SiteName, site, 'site')}`;
  return { tmp: `${home}/.php/tmp`, sessions: `${home}/.php/sessions` };
}

/** Longest path of a unix socket (sun_path is 108 bytes with its NUL). */
const SOCKET_PATH_MAX = 107;

/**
 * The pool's socket. A path too long for a unix socket is refused here: `php-fpm -t` does not
 * see it, and a master that cannot bind a socket after its reload stops, with every pool.
 */
export function poolSocket(socketDir: string, version: string, site: string): string {
  const path = `${phpPath(assertSafe(PhpPath, socketDir, 'socketDir'), assertSafe(PhpVersion, version, 'version'))}/${poolName(assertSafe(SiteName, site, 'site'))}.sock`;
  if (path.length > SOCKET_PATH_MAX) throw AppError.worded('invalid-input', msg('The socket {{path}} would be longer than the {{max}} characters a unix socket allows; choose a shorter socket folder in the PHP settings.'), { path, max: SOCKET_PATH_MAX }, { fields: { socketDir: `Too long for the socket of site ${site}` } });
  return path;
}

const MAX_REQUESTS = 5000;

/**
 * The pool: the site's user (its primary group: php-fpm takes the user's own when `group` is
 * left out), a socket the web server's group opens and nobody else (0660), ondemand processes,
 * open_basedir the site's home (trailing slash: /home/ab is not inside /home/a) and PHP's
 * temporary files and sessions in folders of that home. A process is replaced after
 * MAX_REQUESTS requests: that bounds what a leaking extension holds, and a fresh process's first
 * requests cost more (copy-on-write faults, cold caches), so a busy site pays for each
 * replacement — at 500 a small page took about 10% more CPU per request (bench php-site), at
 * 5000 under 1%.
 */
export function renderPool(raw: PoolParams): string {
  const p = assertSafe(PoolParams, raw, 'php');
  const home = `/home/${p.site}`;
  const dirs = phpDirs(p.site);
  const v = p.values;
  const admin = (name: string, value: string | number) => `php_admin_value[${name}] = ${value}`;
  return [
    `; Hostdeck: PHP ${p.version} pool of site ${p.site}. Written by Hostdeck; changes here are overwritten.`,
    `[${poolName(p.site)}]`,
    `user = ${p.site}`,
    `listen = ${poolSocket(p.socketDir, p.version, p.site)}`,
    `listen.owner = ${p.site}`,
    `listen.group = ${p.webGroup}`,
    'listen.mode = 0660',
    'pm = ondemand',
    `pm.max_children = ${v.maxChildren}`,
    `pm.process_idle_timeout = ${v.idleTimeout}s`,
    `pm.max_requests = ${MAX_REQUESTS}`,
    'security.limit_extensions = .php',
    admin('open_basedir', `${home}/`),
    admin('upload_tmp_dir', dirs.tmp),
    admin('sys_temp_dir', dirs.tmp),
    admin('session.save_path', dirs.sessions),
    admin('memory_limit', v.memoryLimit),
    admin('upload_max_filesize', v.uploadMaxFilesize),
    admin('post_max_size', v.postMaxSize),
    admin('max_execution_time', v.maxExecutionTime),
    ...(p.logDir ? logLines(p.logDir) : []),
    ...p.extras.map((e) => admin(e.name, e.value)),
  ].join('\n');
}

/**
 * The pool's logs in the site's folder: PHP's errors (written by the workers, as the site) and a
 * stack trace of any request slower than 5 s (written by the master).
 */
function logLines(logDir: string): string[] {
  return [
    `slowlog = ${logDir}/php-slow.log`,
    'request_slowlog_timeout = 5s',
    'php_admin_flag[log_errors] = on',
    `php_admin_value[error_log] = ${logDir}/php-error.log`,
  ];
}

/** The values of a pool file Hostdeck wrote (for adoption); null when it is not one. */
export function parsePool(text: string, defaults: z.infer<typeof PhpValues>): { values: z.infer<typeof PhpValues>; extras: z.infer<typeof PhpExtras> } | null {
  if (!text.startsWith('; Hostdeck: PHP ')) return null;
  const values = { ...defaults };
  const extras: z.infer<typeof PhpExtras> = [];
  const fields: Record<string, (value: string) => void> = {
    memory_limit: (x) => { values.memoryLimit = x; },
    upload_max_filesize: (x) => { values.uploadMaxFilesize = x; },
    post_max_size: (x) => { values.postMaxSize = x; },
    max_execution_time: (x) => { values.maxExecutionTime = Number(x); },
  };
  const HOSTDECK_OWN = new Set(['open_basedir', 'upload_tmp_dir', 'sys_temp_dir', 'session.save_path', 'error_log']);
  for (const line of text.split('\n')) {
    const pm = /^pm\.(max_children|process_idle_timeout) = (\d+)s?$/.exec(line);
    if (pm) {
      if (pm[1] === 'max_children') values.maxChildren = Number(pm[2]);
      else values.idleTimeout = Number(pm[2]);
      continue;
    }
    const m = /^php_admin_value\[([a-z0-9_.]+)\] = (.*)$/.exec(line);
    if (!m) continue;
    const [, name = '', value = ''] = m;
    if (fields[name]) fields[name](value);
    else if (!HOSTDECK_OWN.has(name)) extras.push({ name, value });
  }
  const checked = z.object({ values: PhpValues, extras: PhpExtras }).safeParse({ values, extras });
  return checked.success ? checked.data : null;
}
