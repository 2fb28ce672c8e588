// Task kinds of FTP logins: pure-ftpd virtual users (pure-pw) chrooted to a site's home or a
// folder of it, mapped to the site's Linux uid/gid. The password never appears in params, the
// journal, the commands shown or any command line: the task names a secret (`passwordRef`) that
// the secret source holds (queue/task-secrets.ts), and it reaches the script on stdin (the worker shell's stdin
// option), is hashed there and written to pure-pw's file, which pure-pw turns into the puredb. Every value is re-validated (assertSafe) and reaches the shell
// only through shQuote, assigned once to a shell variable at the top of the script.
import { z } from 'zod';
import { FtpPath } from '../../../shared/api/hosting';
import { ExistingFtpUser, FtpSubdir, FtpUser, Password, SiteName } from '../../../shared/hosting';
import { SECRET_MASK } from '../../../shared/queue';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from './quote';

const SecretRef = z.string().regex(/^ftp-[0-9a-f-]{36}$/, 'Bad secret reference');

const CreateParams = z
  .object({ site: SiteName, user: FtpUser, subdir: FtpSubdir.optional(), passwdFile: FtpPath, dbFile: FtpPath, passwordRef: SecretRef })
  .strict();
type CreateParams = z.infer<typeof CreateParams>;
const DeleteParams = z.object({ site: SiteName, user: ExistingFtpUser, passwdFile: FtpPath, dbFile: FtpPath }).strict();
type DeleteParams = z.infer<typeof DeleteParams>;

/** `userRule`: FtpUser for a new login, ExistingFtpUser for one that is removed. */
function head(p: { site: string; user: string; passwdFile: string; dbFile: string }, userRule: typeof FtpUser): string[] {
  return [
    `site=${shQuote(assertSafe(SiteName, p.site, 'site'))}`,
    `user=${shQuote(assertSafe(userRule, p.user, 'user'))}`,
    `passwd_file=${shQuote(assertSafe(FtpPath, p.passwdFile, 'passwdFile'))}`,
    `db_file=${shQuote(assertSafe(FtpPath, p.dbFile, 'dbFile'))}`,
  ];
}

/**
 * Replaces pure-pw's text file ($passwd_file) with what `produce` prints (a temp file beside it,
 * renamed over it), then rebuilds the puredb ($db_file) pure-ftpd reads.
 */
export function rewritePasswdFile(produce: string, indent = ''): string[] {
  return [
    'tmp=$(mktemp "$passwd_file.XXXXXX") || exit $?',
    `${produce} > "$tmp" && chmod 600 "$tmp" && mv "$tmp" "$passwd_file" || { rm -f "$tmp"; exit 1; }`,
    'pure-pw mkdb "$db_file" -f "$passwd_file" </dev/null || exit $?',
  ].map((line) => indent + line);
}

export function ftpCreateLines(p: CreateParams): string[] {
  const subdir = p.subdir === undefined ? undefined : assertSafe(FtpSubdir, p.subdir, 'subdir');
  const site = assertSafe(SiteName, p.site, 'site');
  return [
    `# stdin: printf '%s\\n' '${SECRET_MASK}' (the password; never on a command line)`,
    ...head(p, FtpUser),
    `dir=${shQuote(subdir === undefined ? `/home/${site}` : `/home/${site}/${subdir}`)}`,
    'if ! uid=$(id -u "$site" 2>/dev/null); then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
    'gid=$(id -g "$site") || exit $?',
    'if [ "$uid" -lt 1000 ]; then echo "refused: $site is a system account (uid below 1000)" >&2; exit 3; fi',
    // pure-ftpd may also log in Linux accounts: a login must not take one's name (except its own site's).
    'if [ "$user" != "$site" ] && id -u "$user" >/dev/null 2>&1; then echo "refused: $user is a Linux account on this server; choose another FTP login name" >&2; exit 3; fi',
    'command -v pure-pw >/dev/null 2>&1 || { echo "pure-pw is not installed on this server (package pure-ftpd)" >&2; exit 6; }',
    'if [ ! -d "$dir" ]; then mkdir -p "$dir" || exit $?; chown "$uid:$gid" "$dir" || exit $?; fi',
    'IFS= read -r pw || { echo "no password was given on stdin" >&2; exit 1; }',
    // pure-pw hashes with argon2id tuned to take seconds of CPU per login; a SHA-512 crypt hash
    // (what /etc/shadow uses, verified by pure-ftpd through crypt(3)) takes milliseconds.
    'if command -v openssl >/dev/null 2>&1; then',
    `  hash=$(printf '%s\\n' "$pw" | openssl passwd -6 -stdin) || exit $?`,
    `  case "$hash" in '$6$'*) ;; *) echo "openssl gave no SHA-512 crypt hash" >&2; exit 1 ;; esac`,
    '  [ -e "$passwd_file" ] || { touch "$passwd_file" && chmod 600 "$passwd_file"; } || exit $?',
    ...rewritePasswdFile(`{ awk -F: -v u="$user" '$1 != u' "$passwd_file" && printf '%s:%s:%s:%s::%s/./::::::::::::\\n' "$user" "$hash" "$uid" "$gid" "$dir"; }`, '  '),
    '  echo "FTP user $user set: password, home $dir (uid $uid)"',
    'elif pure-pw show "$user" -f "$passwd_file" </dev/null >/dev/null 2>&1; then',
    '  pure-pw usermod "$user" -u "$uid" -g "$gid" -d "$dir" -f "$passwd_file" </dev/null >/dev/null || exit $?',
    `  printf '%s\\n%s\\n' "$pw" "$pw" | pure-pw passwd "$user" -f "$passwd_file" -F "$db_file" -m >/dev/null || exit $?`,
    '  echo "FTP user $user existed: password set, home $dir"',
    'else',
    `  printf '%s\\n%s\\n' "$pw" "$pw" | pure-pw useradd "$user" -u "$uid" -g "$gid" -d "$dir" -f "$passwd_file" -F "$db_file" -m >/dev/null || exit $?`,
    '  echo "FTP user $user created, home $dir (uid $uid)"',
    'fi',
  ];
}

export function ftpDeleteLines(p: DeleteParams): string[] {
  return [
    ...head(p, ExistingFtpUser),
    'command -v pure-pw >/dev/null 2>&1 || { echo "pure-pw is not installed on this server (package pure-ftpd)" >&2; exit 6; }',
    'if pure-pw show "$user" -f "$passwd_file" </dev/null >/dev/null 2>&1; then',
    '  pure-pw userdel "$user" -f "$passwd_file" -F "$db_file" -m </dev/null || exit $?',
    '  echo "FTP user $user deleted"',
    'else echo "FTP user $user is already absent"; fi',
  ];
}

registerTaskKind('ftp.create', {
  params: CreateParams,
  title: (p) => `Create FTP login ${p.user} for site ${p.site}${p.subdir ? ` (folder ${p.subdir})` : ''}`,
  commands: ftpCreateLines,
  script: (p) => `${ftpCreateLines(p).join('\n')}\n`,
  stdin: async (p, secrets) => `${await secrets(p.passwordRef)}\n`,
  secret: { ref: (p) => p.passwordRef, value: Password },
});

registerTaskKind('ftp.delete', {
  params: DeleteParams,
  title: (p) => `Delete FTP login ${p.user} of site ${p.site}`,
  commands: ftpDeleteLines,
  script: (p) => `${ftpDeleteLines(p).join('\n')}\n`,
});
