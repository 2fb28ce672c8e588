// Task kinds of a site's logs: its folder <dir>/<site>/ (root's, group the site's, 0750) with the
// nginx access and error logs, PHP-FPM's slow log and the PHP error log, and its logrotate rule.
// The folder is root's so that nothing the site can write decides where nginx's master (root)
// opens a log: a site owning it could put a link there to any file on the server. Only the PHP
// error log is the site's (its pool's workers, running as the site, append to it).
import { z } from 'zod';
import { LogSettings } from '../../../shared/api/logs';
import { FtpPath } from '../../../shared/api/hosting';
import { SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from './quote';

const Dir = LogSettings.shape.dir;
export const LogsParams = z
  .object({ site: SiteName, dir: Dir, rotateDir: Dir, keep: LogSettings.shape.keep, nginxConf: FtpPath })
  .strict();
export type LogsParams = z.infer<typeof LogsParams>;
const RemoveParams = z.object({ site: SiteName, dir: Dir, rotateDir: Dir }).strict();
type RemoveParams = z.infer<typeof RemoveParams>;

/** The files of a site's log folder (names only). */
export const SITE_LOG_FILES = { access: 'access.log', error: 'error.log', phpError: 'php-error.log', phpSlow: 'php-slow.log' } as const;

export function siteLogDir(dir: string, site: string): string {
  return `${assertSafe(Dir, dir, 'logs.dir')}/${assertSafe(SiteName, site, 'site')}`;
}

export function rotateRulePath(rotateDir: string, site: string): string {
  return `${assertSafe(Dir, rotateDir, 'logs.rotateDir')}/hostdeck-${assertSafe(SiteName, site, 'site')}`;
}

/**
 * Lines that make sure the site's log folder and files are there, for a script that has set
 * $site (an existing account): used by the logs task and before nginx or php-fpm is pointed at them
 * (`nginx -t` and `php-fpm -t` open the files).
 */
export function ensureLogDirLines(logDir: string): string[] {
  const dir = assertSafe(FtpPath, logDir, 'logDir');
  const base = dir.slice(0, dir.lastIndexOf('/')) || '/';
  const f = SITE_LOG_FILES;
  return [
    `log_dir=${shQuote(dir)}`,
    `if [ ! -d ${shQuote(base)} ]; then mkdir -p -m 0755 ${shQuote(base)} || exit $?; fi`,
    'install -d -o root -g "$site" -m 0750 "$log_dir" || exit $?',
    `for f in ${f.access} ${f.error} ${f.phpSlow}; do if [ ! -e "$log_dir/$f" ]; then install -m 0640 -o root -g "$site" /dev/null "$log_dir/$f" || exit $?; fi; done`,
    `if [ ! -e "$log_dir/${f.phpError}" ]; then install -m 0640 -o "$site" -g "$site" /dev/null "$log_dir/${f.phpError}" || exit $?; fi`,
  ];
}

/**
 * The logrotate rule: daily, `keep` old files, compressed from the second one on (the newest
 * stays plain while a writer may still hold it), rotated as root with the site's group, new files
 * made as before; then nginx reopens its logs. PHP's error log needs no signal (PHP opens it for
 * each message); the slow log is written by the php-fpm master, which has no per-pool reopen,
 * so it is copied and emptied in place (copytruncate) and whatever way the master holds it, it
 * goes on writing there.
 */
export function renderRotateRule(raw: LogsParams): string {
  const p = assertSafe(LogsParams, raw, 'logs');
  const dir = siteLogDir(p.dir, p.site);
  const f = SITE_LOG_FILES;
  const common = ['    daily', `    rotate ${p.keep}`, '    compress', '    delaycompress', '    missingok', '    notifempty', `    su root ${p.site}`];
  return [
    `# Hostdeck: logs of site ${p.site}. Written by Hostdeck; changes here are overwritten.`,
    `${dir}/${f.access} ${dir}/${f.error} {`,
    ...common,
    `    create 0640 root ${p.site}`,
    '    sharedscripts',
    '    postrotate',
    `        nginx -s reopen -c ${shQuote(p.nginxConf)} >/dev/null 2>&1 || true`,
    '    endscript',
    '}',
    `${dir}/${f.phpSlow} {`,
    ...common,
    '    copytruncate',
    '}',
    `${dir}/${f.phpError} {`,
    ...common,
    `    create 0640 ${p.site} ${p.site}`,
    '}',
  ].join('\n');
}

export function logsLines(raw: LogsParams): string[] {
  const p = assertSafe(LogsParams, raw, 'logs');
  return [
    `site=${shQuote(p.site)}`,
    `rule=${shQuote(rotateRulePath(p.rotateDir, p.site))}`,
    `rotate_dir=${shQuote(p.rotateDir)}`,
    'if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
    ...ensureLogDirLines(siteLogDir(p.dir, p.site)),
    'echo "logs: $log_dir (root, group $site, 0750)"',
    'if [ ! -d "$rotate_dir" ]; then mkdir -p -m 0755 "$rotate_dir" || exit $?; fi',
    `new=${shQuote(renderRotateRule(p))}`,
    'if [ -f "$rule" ] && [ "$(cat "$rule")" = "$new" ]; then echo "rotation rule $rule is up to date"; exit 0; fi',
    // Checked outside the folder: logrotate reads every file there, and skips all of them over one bad rule.
    'tmp=$(mktemp) && printf \'%s\\n\' "$new" > "$tmp" || exit 1',
    'if command -v logrotate >/dev/null 2>&1; then out=$(logrotate -d "$tmp" 2>&1); rc=$?; if [ "$rc" != 0 ] || printf \'%s\\n\' "$out" | grep -q \'^error:\'; then rm -f "$tmp"; printf \'logrotate refused the rule:\\n%s\\n\' "$out" >&2; exit 7; fi; else echo "note: logrotate is not installed on this server; the rule waits for it"; fi',
    'install -m 0644 "$tmp" "$rule"; rc=$?; rm -f "$tmp"; [ "$rc" = 0 ] || exit "$rc"',
    'echo "rotation rule written: $rule"',
  ];
}

export function logsRemoveLines(raw: RemoveParams): string[] {
  const p = assertSafe(RemoveParams, raw, 'logs');
  return [
    `rule=${shQuote(rotateRulePath(p.rotateDir, p.site))}`,
    `log_dir=${shQuote(siteLogDir(p.dir, p.site))}`,
    'rm -f "$rule" || exit $?',
    'rm -rf -- "$log_dir" || exit $?',
    'echo "logs removed: $log_dir and $rule"',
  ];
}

registerTaskKind('logs.site', {
  params: LogsParams,
  title: (p) => `Logs of site ${p.site} (folder and daily rotation, ${p.keep} kept)`,
  commands: logsLines,
  script: (p) => `${logsLines(p).join('\n')}\n`,
});

registerTaskKind('logs.remove', {
  params: RemoveParams,
  title: (p) => `Remove the logs of site ${p.site}`,
  commands: logsRemoveLines,
  script: (p) => `${logsRemoveLines(p).join('\n')}\n`,
});
