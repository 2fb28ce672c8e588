// Task kinds of a site's PHP: its PHP-FPM pool file, hd-<site>.conf in the pool folder of its PHP
// version (php-pool.ts renders it). Every change is checked with `php-fpm -t` against the
// master's main config before the reload; when the check or the reload fails, the previous
// files are put back and the task fails with php-fpm's words, so the pools that ran keep running.
// A suspended site's pool is parked as hd-<site>.conf.suspended (the master includes *.conf
// only): no PHP runs for it until it is unsuspended.
import { z } from 'zod';
import { SiteName } from '../../../shared/hosting';
import { PhpPath, PhpReload, PhpVersion, phpPath, poolName } from '../../../shared/php';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { ensureLogDirLines } from './log-tasks';
import { phpDirs, PoolParams, poolSocket, renderPool } from './php-pool';
import { assertSafe } from './quote';

const Fpm = { poolDir: PhpPath, fpmConf: PhpPath, binary: PhpPath, reload: PhpReload, pidFile: PhpPath };
const EnsureParams = PoolParams.extend({ ...Fpm, active: z.boolean() }).strict();
type EnsureParams = z.infer<typeof EnsureParams>;
const RemoveParams = z.object({ site: SiteName, version: PhpVersion, socketDir: PhpPath, ...Fpm }).strict();
type RemoveParams = z.infer<typeof RemoveParams>;

/** The variables both kinds start with; every value checked again and single-quoted. */
function head(p: RemoveParams): string[] {
  const site = assertSafe(SiteName, p.site, 'site');
  const version = assertSafe(PhpVersion, p.version, 'version');
  const path = (field: 'poolDir' | 'fpmConf' | 'binary' | 'pidFile') => phpPath(assertSafe(PhpPath, p[field], field), version);
  const file = `${path('poolDir')}/${poolName(site)}.conf`;
  return [
    `site=${shQuote(site)}`,
    `version=${shQuote(version)}`,
    `pool_dir=${shQuote(path('poolDir'))}`,
    `file=${shQuote(file)}`,
    `parked=${shQuote(`${file}.suspended`)}`,
    `sock=${shQuote(poolSocket(p.socketDir, version, site))}`,
    `bin=${shQuote(path('binary'))}`,
    `conf=${shQuote(path('fpmConf'))}`,
    `pid_file=${shQuote(path('pidFile'))}`,
    `reload=${shQuote(assertSafe(PhpReload, p.reload, 'reload'))}`,
    'if [ ! -x "$bin" ]; then echo "php-fpm $version is not installed on this server ($bin not found; see the PHP settings)" >&2; exit 6; fi',
    'if [ ! -f "$conf" ]; then echo "php-fpm\'s main config $conf does not exist on this server (see the PHP settings)" >&2; exit 4; fi',
    'if [ ! -d "$pool_dir" ]; then echo "the pool folder $pool_dir does not exist on this server (see the PHP settings)" >&2; exit 4; fi',
  ];
}

/**
 * Backs up both files of the pool (active and parked), then after the change: `php-fpm -t`, the
 * reload, and on failure both files put back as they were. php-fpm applies a reload (SIGUSR2:
 * the master executes itself again) within a moment; the task waits until the pool's socket is
 * there (or gone) so that "done" means the pool serves (or has stopped).
 */
const SAVE = [
  'bak_a=$(mktemp) && bak_p=$(mktemp) || exit $?',
  'had_a=0; if [ -f "$file" ]; then cat "$file" > "$bak_a" && had_a=1 || exit $?; fi',
  'had_p=0; if [ -f "$parked" ]; then cat "$parked" > "$bak_p" && had_p=1 || exit $?; fi',
  'restore() { if [ "$had_a" = 1 ]; then cat "$bak_a" > "$file"; else rm -f "$file"; fi; if [ "$had_p" = 1 ]; then cat "$bak_p" > "$parked"; else rm -f "$parked"; fi; rm -f "$bak_a" "$bak_p"; }',
];

const CHECK_AND_RELOAD = [
  'if ! out=$("$bin" -t --fpm-config "$conf" 2>&1); then restore; printf \'php-fpm refused the new configuration; the previous one was restored:\\n%s\\n\' "$out" >&2; exit 7; fi',
  'if [ "$reload" = systemd ]; then reload_cmd() { systemctl reload "php$version-fpm"; }; else reload_cmd() { pid=$(cat "$pid_file" 2>/dev/null) && [ -n "$pid" ] && kill -USR2 "$pid"; }; fi',
  'if ! out=$(reload_cmd 2>&1); then restore; printf \'php-fpm did not reload (is php%s-fpm running?); the previous configuration was restored:\\n%s\\n\' "$version" "$out" >&2; exit 8; fi',
  'rm -f "$bak_a" "$bak_p"',
];

/** Waits up to 10 s for the socket to be there (`-S`) or gone (`! -S`). */
function waitSocket(there: boolean): string[] {
  const test = there ? '[ -S "$sock" ]' : '[ ! -S "$sock" ]';
  return [
    `i=0; while ! ${test} && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done`,
    `if ! ${test}; then echo "php-fpm reloaded but the socket $sock is ${there ? 'still missing' : 'still there'} after 10 s (see php-fpm's log)" >&2; exit 9; fi`,
  ];
}

export function ensureLines(raw: EnsureParams): string[] {
  const p = assertSafe(EnsureParams, raw, 'php');
  const dirs = phpDirs(p.site);
  return [
    ...head(p),
    `home=${shQuote(`/home/${p.site}`)}`,
    'if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
    'if [ "$(getent passwd "$site" | cut -d: -f6)" != "$home" ] || [ "$(id -u "$site")" -lt 1000 ]; then echo "refused: $site is not a Hostdeck site (home other than $home, or a system account); nothing was changed" >&2; exit 3; fi',
    // Made by the site's own user: a link the site planted there can only lead to its own files.
    `runuser -u "$site" -- sh -c 'umask 077; mkdir -p "$1" "$2" && chmod 0700 "$1/.." "$1" "$2"' sh ${shQuote(dirs.tmp)} ${shQuote(dirs.sessions)} || exit $?`,
    // php-fpm -t opens the slow log: the site's log folder must be there (log-tasks.ts).
    ...(p.logDir ? ensureLogDirLines(p.logDir) : []),
    ...SAVE,
    p.active ? 'target=$file; other=$parked' : 'target=$parked; other=$file',
    `new=${shQuote(renderPool({ site: p.site, version: p.version, values: p.values, extras: p.extras, socketDir: p.socketDir, webGroup: p.webGroup, ...(p.logDir ? { logDir: p.logDir } : {}) }))}`,
    'if [ -f "$target" ] && [ ! -e "$other" ] && [ "$(cat "$target")" = "$new" ]; then',
    '  rm -f "$bak_a" "$bak_p"; echo "pool $target is up to date"',
    'else',
    '  printf \'%s\\n\' "$new" > "$target" && rm -f "$other" || { restore; exit 1; }',
    ...CHECK_AND_RELOAD.map((l) => `  ${l}`),
    '  echo "pool written: $target"',
    'fi',
    ...(p.active
      ? [...waitSocket(true), 'echo "PHP $version serves site $site on $sock"']
      : [...waitSocket(false), 'echo "PHP of site $site stopped (pool parked as $parked)"']),
  ];
}

export function removeLines(raw: RemoveParams): string[] {
  const p = assertSafe(RemoveParams, raw, 'php');
  return [
    ...head(p),
    'if [ ! -e "$file" ] && [ ! -e "$parked" ]; then echo "pool of site $site is already absent"; exit 0; fi',
    ...SAVE,
    'rm -f "$file" "$parked" || { restore; exit 1; }',
    ...CHECK_AND_RELOAD,
    ...waitSocket(false),
    'echo "pool removed: $file"',
  ];
}

registerTaskKind('php.pool', {
  params: EnsureParams,
  title: (p) => (p.active ? `PHP ${p.version} pool of site ${p.site}` : `Stop the PHP pool of site ${p.site} (suspended)`),
  commands: ensureLines,
  script: (p) => `${ensureLines(p).join('\n')}\n`,
});

registerTaskKind('php.remove', {
  params: RemoveParams,
  title: (p) => `Remove the PHP ${p.version} pool of site ${p.site}`,
  commands: removeLines,
  script: (p) => `${removeLines(p).join('\n')}\n`,
});
