// Task kinds of sites (hosting accounts): idempotent "ensure" scripts run as the server's SSH
// user (root, to manage Linux accounts). Every value is re-validated (assertSafe) and reaches
// the shell only through shQuote, assigned once to a shell variable at the top of the script.
// commands(params) is the script itself, line by line: what is shown is exactly what runs.
import { z } from 'zod';
import { FtpPath } from '../../../shared/api/hosting';
import { ExistingFtpUser, QuotaMb, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { rewritePasswdFile } from './ftp-tasks';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from './quote';

/**
 * Suspension reaches the site's FTP logins and web answers too. The extra fields are optional
 * only so that tasks journalled by an earlier version (site name alone) still run.
 */
const StatusParams = z
  .object({ site: SiteName, ftpUsers: z.array(ExistingFtpUser).max(1000).optional(), passwdFile: FtpPath.optional(), dbFile: FtpPath.optional(), suspendedDir: FtpPath.optional() })
  .strict();
type StatusParams = z.infer<typeof StatusParams>;
const DeleteParams = z.object({ site: SiteName, suspendedDir: FtpPath.optional() }).strict();
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
    // The web server reads the web root through the home's group (others get nothing).
    'if getent group www-data >/dev/null 2>&1; then chgrp www-data "$home" || exit $?; fi',
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

/**
 * FTP logins of a suspended site: their password hash in pure-pw's file gets a leading "!" (no
 * password can match it), then the puredb is rebuilt; unsuspending removes it again.
 */
function ftpLock(p: StatusParams, lock: boolean): string[] {
  if (!p.ftpUsers?.length || !p.passwdFile || !p.dbFile) return [];
  const users = p.ftpUsers.map((u) => assertSafe(ExistingFtpUser, u, 'ftpUsers'));
  return [
    `ftp_users=${shQuote(users.join(' '))}`,
    `passwd_file=${shQuote(assertSafe(FtpPath, p.passwdFile, 'passwdFile'))}`,
    `db_file=${shQuote(assertSafe(FtpPath, p.dbFile, 'dbFile'))}`,
    'if [ -f "$passwd_file" ]; then',
    ...rewritePasswdFile(
      lock
        ? `awk -F: -v OFS=: -v users=" $ftp_users " 'index(users, " " $1 " ") && substr($2, 1, 1) != "!" { $2 = "!" $2 } { print }' "$passwd_file"`
        : `awk -F: -v OFS=: -v users=" $ftp_users " 'index(users, " " $1 " ") && substr($2, 1, 1) == "!" { $2 = substr($2, 2) } { print }' "$passwd_file"`,
      '  ',
    ),
    `  echo "FTP logins ${lock ? 'refused' : 'allowed again'}: $ftp_users"`,
    'fi',
  ];
}

function flagLines(p: StatusParams, suspended: boolean): string[] {
  if (!p.suspendedDir) return [];
  const dir = assertSafe(FtpPath, p.suspendedDir, 'suspendedDir');
  return suspended
    ? [`flag_dir=${shQuote(dir)}`, 'mkdir -p "$flag_dir" && touch "$flag_dir/$site" || exit $?', 'echo "web: the site\'s domains answer the suspension page"']
    : [`flag_dir=${shQuote(dir)}`, 'rm -f "$flag_dir/$site" || exit $?', 'echo "web: the site\'s domains serve its web root"'];
}

export function suspendLines(p: StatusParams): string[] {
  return [
    ...head(p.site),
    ...REQUIRE_USER,
    ...REFUSE_FOREIGN,
    'usermod -L -s /usr/sbin/nologin "$site" || exit $?',
    'echo "suspended: $site is locked, shell /usr/sbin/nologin"',
    ...ftpLock(p, true),
    ...flagLines(p, true),
  ];
}

export function unsuspendLines(p: StatusParams): string[] {
  return [
    ...head(p.site),
    ...REQUIRE_USER,
    ...REFUSE_FOREIGN,
    'usermod -s /bin/bash "$site" || exit $?',
    // An account without a password stays "!" (no password login) — unlocking it fully would make it passwordless.
    'if passwd -S "$site" | awk \'{exit !($2 == "L")}\' && getent shadow "$site" | cut -d: -f2 | grep -q \'^!.\'; then usermod -U "$site" || exit $?; fi',
    'echo "active: $site has shell /bin/bash"',
    ...ftpLock(p, false),
    ...flagLines(p, false),
  ];
}

export function deleteLines(p: { site: string; suspendedDir?: string }): string[] {
  return [
    ...(p.suspendedDir ? [`rm -f ${shQuote(`${assertSafe(FtpPath, p.suspendedDir, 'suspendedDir')}/${assertSafe(SiteName, p.site, 'site')}`)} || exit $?`] : []),
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
  params: StatusParams,
  title: (p) => `Suspend site ${p.site}`,
  commands: suspendLines,
  script: (p) => `${suspendLines(p).join('\n')}\n`,
});

registerTaskKind('site.unsuspend', {
  params: StatusParams,
  title: (p) => `Unsuspend site ${p.site}`,
  commands: unsuspendLines,
  script: (p) => `${unsuspendLines(p).join('\n')}\n`,
});

registerTaskKind('site.delete', {
  params: DeleteParams,
  title: (p) => `Delete site ${p.site} (account, home and files)`,
  commands: deleteLines,
  script: (p) => `${deleteLines(p).join('\n')}\n`,
});
