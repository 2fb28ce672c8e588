// Which logs a site and a server have, and where: the only place a log id becomes a path. A site's
// logs are in its folder (log-tasks.ts) and its home's logs/cron.log; a server's are the usual
// Debian places, php-fpm's per installed version, and the systemd journal where there is one.
import type { HostingSettings } from '../../../shared/api/hosting';
import type { LogInfo } from '../../../shared/api/logs';
import { AppError, msg } from '../../../shared/errors';
import { SiteName } from '../../../shared/hosting';
import { logSettings } from '../hosting/log-plans';
import { SITE_LOG_FILES, siteLogDir } from '../hosting/log-tasks';
import { assertSafe } from '../hosting/quote';
import { shQuote } from '../ssh/sh-quote';

/** A log as the core knows it: a file, or the journal (a command, not a path). */
export type LogSource = { id: string; label: string; path: string; journal: boolean };

export function siteLogs(settings: HostingSettings, site: string): LogSource[] {
  const name = assertSafe(SiteName, site, 'site');
  const dir = siteLogDir(logSettings(settings).dir, name);
  const file = (id: string, label: string, path: string): LogSource => ({ id, label, path, journal: false });
  return [
    file('access', 'nginx access log', `${dir}/${SITE_LOG_FILES.access}`),
    file('error', 'nginx error log', `${dir}/${SITE_LOG_FILES.error}`),
    file('php-error', 'PHP error log', `${dir}/${SITE_LOG_FILES.phpError}`),
    file('php-slow', 'PHP slow log', `${dir}/${SITE_LOG_FILES.phpSlow}`),
    file('cron', 'cron log', `/home/${name}/logs/cron.log`),
  ];
}

const SERVER_FILES: { id: string; label: string; path: string }[] = [
  { id: 'syslog', label: 'syslog', path: '/var/log/syslog' },
  { id: 'messages', label: 'messages', path: '/var/log/messages' },
  { id: 'nginx-error', label: 'nginx error log', path: '/var/log/nginx/error.log' },
  { id: 'nginx-access', label: 'nginx access log', path: '/var/log/nginx/access.log' },
];
const JOURNAL: LogSource = { id: 'journal', label: 'systemd journal', path: 'journalctl', journal: true };
const PHP_FPM = /^php(\d{1,2}\.\d{1,2})-fpm$/;

/** A server's log by id (the php-fpm one of any version: it is listed only where found). */
export function serverLog(id: string): LogSource | null {
  if (id === 'journal') return JOURNAL;
  const fixed = SERVER_FILES.find((f) => f.id === id);
  if (fixed) return { ...fixed, journal: false };
  const php = PHP_FPM.exec(id);
  return php ? { id, label: `php-fpm ${php[1]} log`, path: `/var/log/php${php[1]}-fpm.log`, journal: false } : null;
}

export function resolveLog(settings: HostingSettings, site: string | undefined, id: string): LogSource {
  const found = site === undefined ? serverLog(id) : (siteLogs(settings, site).find((l) => l.id === id) ?? null);
  if (!found) throw site === undefined ? AppError.worded('not-found', msg('This server has no log "{{log}}".'), { log: id }) : AppError.worded('not-found', msg('Site {{site}} has no log "{{log}}".'), { site, log: id });
  return found;
}

/**
 * One command listing the candidates: id, readable (1; 2: there but not readable; 0: absent) and size per line. The journal counts
 * where journalctl answers; php-fpm logs are found by a glob.
 */
export function listScript(sources: LogSource[], server: boolean): string {
  const files = sources.filter((s) => !s.journal).map((s) => `${shQuote(s.id)} ${shQuote(s.path)}`).join(' ');
  return [
    `set -- ${files}`,
    ...(server ? ['for f in /var/log/php*-fpm.log; do if [ -f "$f" ]; then v=${f#/var/log/php}; set -- "$@" "php${v%-fpm.log}-fpm" "$f"; fi; done'] : []),
    'while [ "$#" -ge 2 ]; do if [ -r "$2" ] && [ -f "$2" ]; then printf \'%s\\t1\\t%s\\n\' "$1" "$(stat -c %s -- "$2")"; elif [ -e "$2" ] || { [ -d "${2%/*}" ] && [ ! -x "${2%/*}" ]; }; then printf \'%s\\t2\\t\\n\' "$1"; else printf \'%s\\t0\\t\\n\' "$1"; fi; shift 2; done',
    ...(server ? ['if command -v journalctl >/dev/null 2>&1 && journalctl -n 1 --no-pager >/dev/null 2>&1; then printf \'journal\\t1\\t\\n\'; fi'] : []),
  ].join('\n');
}

export function parseList(stdout: string, sources: LogSource[], server: boolean): LogInfo[] {
  const seen = new Map<string, { exists: boolean; denied: boolean; size: number | null }>();
  for (const line of stdout.split('\n')) {
    const [id = '', readable = '', size = ''] = line.split('\t');
    if (!id) continue;
    seen.set(id, { exists: readable === '1', denied: readable === '2', size: size === '' ? null : Number(size) });
  }
  const all = [...sources];
  if (server) {
    for (const id of seen.keys()) {
      const php = serverLog(id);
      if (php && PHP_FPM.test(id)) all.push(php);
    }
    if (seen.has('journal')) all.unshift(JOURNAL);
  }
  return all
    .map((s) => ({ id: s.id, label: s.label, path: s.path, ...(seen.get(s.id) ?? { exists: false, denied: false, size: null }) }))
    // A server lists what it has; a site lists all of its logs (one not written yet appears when followed).
    .filter((l) => !server || l.exists || l.denied);
}

export function serverCandidates(): LogSource[] {
  return SERVER_FILES.map((f) => ({ ...f, journal: false }));
}
