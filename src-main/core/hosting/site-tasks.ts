// Task kinds of sites (hosting accounts): idempotent "ensure" scripts run as the server's SSH
// user (root, to manage Linux accounts). Every value is re-validated (assertSafe) and reaches
// the shell only through shQuote, assigned once to a shell variable at the top of the script.
// commands(params) is the script itself, line by line: what is shown is exactly what runs.
import { z } from 'zod';
import { QuotaMb, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from './quote';

const SiteParams = z.object({ site: SiteName }).strict();
const CreateParams = z.object({ site: SiteName, quotaMb: QuotaMb }).strict();

const INDEX_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title></head><body><h1>It works</h1><p>This site is hosted by Hostdeck.</p></body></html>';

/** The variables every site script starts with, and the refusal to touch a non-site account. */
function head(site: string): string[] {
  const name = assertSafe(SiteName, site, 'site');
  return [
    `site=${shQuote(name)}`,
    `home=${shQuote(`/home/${name}`)}`,
  ];
}

/** If the account exists, its home must be /home/<site>: never adopt or change another account. */
const REFUSE_FOREIGN = [
  'if id -u "$site" >/dev/null 2>&1; then cur=$(getent passwd "$site" | cut -d: -f6); if [ "$cur" != "$home" ]; then echo "refused: a user $site already exists with home $cur (not $home); it is not a Hostdeck site, nothing was changed" >&2; exit 3; fi; if [ "$(id -u "$site")" -lt 1000 ]; then echo "refused: $site is a system account (uid below 1000); it is not a Hostdeck site, nothing was changed" >&2; exit 3; fi; fi',
];

const REQUIRE_USER = ['if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server" >&2; exit 4; fi'];

export function createLines(p: { site: string; quotaMb: number }): string[] {
  const quota = assertSafe(QuotaMb, p.quotaMb, 'quotaMb');
  return [
    ...head(p.site),
    `quota_mb=${shQuote(String(quota))}`,
    ...REFUSE_FOREIGN,
    'if id -u "$site" >/dev/null 2>&1; then echo "user $site exists"; else useradd -m -d "$home" -s /bin/bash "$site" || exit $?; echo "user $site created"; fi',
    'chmod 0750 "$home" || exit $?',
    'mkdir -p "$home/public_html" || exit $?',
    `if [ ! -e "$home/public_html/index.html" ]; then printf '%s\\n' ${shQuote(INDEX_HTML)} > "$home/public_html/index.html" || exit $?; fi`,
    'chown "$site:" "$home/public_html" "$home/public_html/index.html" || exit $?',
    'echo "home $home (0750), web root $home/public_html"',
    'if [ "$quota_mb" = 0 ]; then echo "quota: none (0 = no limit)";',
    'elif ! command -v setquota >/dev/null 2>&1; then echo "quota not applied: setquota is not installed on this server (package quota)";',
    'else mnt=$(df -P "$home" | awk \'NR==2 {print $6}\'); kb=$((quota_mb * 1024));',
    '  if out=$(setquota -u "$site" "$kb" "$kb" 0 0 "$mnt" 2>&1); then echo "quota set: $quota_mb MB on $mnt"; else echo "quota not applied: the filesystem at $mnt does not support user quotas here ($out)"; fi',
    'fi',
  ];
}

export function suspendLines(p: { site: string }): string[] {
  return [
    ...head(p.site),
    ...REQUIRE_USER,
    ...REFUSE_FOREIGN,
    'usermod -L -s /usr/sbin/nologin "$site" || exit $?',
    'echo "suspended: $site is locked, shell /usr/sbin/nologin"',
  ];
}

export function unsuspendLines(p: { site: string }): string[] {
  return [
    ...head(p.site),
    ...REQUIRE_USER,
    ...REFUSE_FOREIGN,
    'usermod -s /bin/bash "$site" || exit $?',
    // An account without a password stays "!" (no password login) — unlocking it fully would make it passwordless.
    'if passwd -S "$site" | awk \'{exit !($2 == "L")}\' && getent shadow "$site" | cut -d: -f2 | grep -q \'^!.\'; then usermod -U "$site" || exit $?; fi',
    'echo "active: $site has shell /bin/bash"',
  ];
}

export function deleteLines(p: { site: string }): string[] {
  return [
    ...head(p.site),
    ...REFUSE_FOREIGN,
    'if id -u "$site" >/dev/null 2>&1; then pkill -KILL -u "$site" 2>/dev/null; userdel -r "$site" 2>&1; rc=$?; if [ "$rc" != 0 ] && [ "$rc" != 12 ]; then exit "$rc"; fi; echo "user $site deleted with its home"; else echo "user $site is already absent"; fi',
    'if id -u "$site" >/dev/null 2>&1; then echo "user $site still exists" >&2; exit 5; fi',
    'if [ -e "$home" ]; then echo "note: $home still exists (not owned by a Linux account $site any more); left in place" >&2; fi',
  ];
}

registerTaskKind('site.create', {
  params: CreateParams,
  title: (p) => `Create site ${p.site}${p.quotaMb ? ` (${p.quotaMb} MB)` : ''}`,
  commands: createLines,
  script: (p) => `${createLines(p).join('\n')}\n`,
});

registerTaskKind('site.suspend', {
  params: SiteParams,
  title: (p) => `Suspend site ${p.site}`,
  commands: suspendLines,
  script: (p) => `${suspendLines(p).join('\n')}\n`,
});

registerTaskKind('site.unsuspend', {
  params: SiteParams,
  title: (p) => `Unsuspend site ${p.site}`,
  commands: unsuspendLines,
  script: (p) => `${unsuspendLines(p).join('\n')}\n`,
});

registerTaskKind('site.delete', {
  params: SiteParams,
  title: (p) => `Delete site ${p.site} (account, home and files)`,
  commands: deleteLines,
  script: (p) => `${deleteLines(p).join('\n')}\n`,
});
