// Task kinds of backups: restic run on the server as the SSH user (root), against a repository
// that is a folder there. The repository's password reaches the script only on its stdin (from
// the keychain, at run time) and restic only through a here-document on descriptor 3 read as
// --password-file /dev/fd/3 (dash makes a here-document a pipe): never on a command line, in the
// environment, a file, the parameters or the commands shown.
import { z } from 'zod';
import { HomePath, RepoPath, Retention, SFTP_USER, SnapshotId } from '../../../shared/api/backups';
import { FtpPath } from '../../../shared/api/hosting';
import { DbName, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe, sqlIdent } from '../hosting/quote';

export const RepoRef = z.string().regex(/^backup-repo:[0-9a-f-]{36}$/, 'Bad repository reference');
/** A host name or address of the inventory (no user part, no spaces, no leading -). */
const Host = z.string().regex(/^[A-Za-z0-9_.:[\]][A-Za-z0-9_.:%[\]-]{0,252}$/, 'Bad host');
/**
 * A repository on another server: restic's sftp backend through OpenSSH as `user` there, with a
 * key and a known_hosts file of their own in `dir` on this server (root-only), so the target's
 * host key is the one Hostdeck pinned (StrictHostKeyChecking=yes) and no other key is tried.
 */
export const SftpTarget = z.object({ name: z.string().max(100), user: z.literal(SFTP_USER), host: Host, port: z.number().int().min(1).max(65535), dir: FtpPath }).strict();
export type SftpTarget = z.infer<typeof SftpTarget>;
const Repo = { repoPath: RepoPath, repoRef: RepoRef, sftp: SftpTarget.nullable().optional() };
const Conn = { socket: FtpPath.nullable(), defaultsFile: FtpPath.nullable() };
/** yyyymmdd_hhmm (UTC) of when the restore was asked: names a scratch database or a restored-<stamp> folder. */
const Stamp = z.string().regex(/^\d{8}_\d{4}$/);

/** Folders of a home that are never backed up: logs, temporary files, caches. */
export const EXCLUDED = ['logs', 'tmp', '.cache', '.php/tmp', '.php/sessions'];

export const BackupParams = z.object({ site: SiteName, databases: z.array(DbName).max(100), keep: Retention.nullable(), ...Repo, ...Conn }).strict();
export type BackupParams = z.infer<typeof BackupParams>;
export const CheckParams = z.object(Repo).strict();
export const RestoreFilesParams = z.object({ site: SiteName, snapshot: SnapshotId, paths: z.array(HomePath).min(1).max(100), to: z.enum(['place', 'beside']), stamp: Stamp, ...Repo }).strict();
export type RestoreFilesParams = z.infer<typeof RestoreFilesParams>;
export const RestoreDbParams = z.object({ site: SiteName, snapshot: SnapshotId, db: DbName, target: DbName, fresh: z.boolean(), ...Repo, ...Conn }).strict();
export type RestoreDbParams = z.infer<typeof RestoreDbParams>;
export const DropScratchParams = z.object({ site: SiteName, database: DbName, ...Conn }).strict();

/** OpenSSH options of the sftp backend: only Hostdeck's key, only the pinned host key, never a prompt. */
function sshOptions(t: SftpTarget): string {
  return `-i ${t.dir}/id_ed25519 -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=${t.dir}/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o CheckHostIP=no -o BatchMode=yes -o ConnectTimeout=15`;
}

/**
 * The password from stdin, restic found, `r` running restic on the repository and `has_repo`
 * telling whether it exists. On another server, the SSH login is tried first so that a host key
 * that is not the pinned one, or a refused key, fails with words saying so.
 */
export function resticHead(p: { repoPath: string; sftp?: SftpTarget | null | undefined }): string[] {
  const repo = assertSafe(RepoPath, p.repoPath, 'repoPath');
  const t = p.sftp ? assertSafe(SftpTarget, p.sftp, 'sftp') : null;
  const common = [
    'command -v restic >/dev/null 2>&1 || { echo "restic is not installed on this server (apt-get install restic)" >&2; exit 6; }',
    'IFS= read -r pw || { echo "the repository password did not reach the task" >&2; exit 5; }',
  ];
  if (!t) {
    return [
      `repo=${shQuote(repo)}`,
      ...common,
      'has_repo() { [ -f "$repo/config" ]; }',
      'r() { restic -r "$repo" --password-file /dev/fd/3 "$@" 3<<HDPW',
      '$pw',
      'HDPW',
      '}',
    ];
  }
  const where = `${t.name} (${t.host}:${t.port})`;
  return [
    `repo=${shQuote(`sftp:${t.user}@${t.host}:${repo}`)}`,
    `path=${shQuote(repo)}`,
    `ssh_opts=${shQuote(sshOptions(t))}`,
    `dest=${shQuote(`${t.user}@${t.host}`)}`,
    `port=${t.port}`,
    ...common,
    'command -v sftp >/dev/null 2>&1 || { echo "the OpenSSH client (sftp) is not installed on this server (apt-get install openssh-client)" >&2; exit 6; }',
    `[ -f ${shQuote(`${t.dir}/id_ed25519`)} ] && [ -f ${shQuote(`${t.dir}/known_hosts`)} ] || { echo ${shQuote(`this server has no SSH key for the backup server ${where} yet: save the backup settings again (they queue its setup)`)} >&2; exit 7; }`,
    // $ssh_opts unquoted on purpose: it is split into its options (none holds a space).
    'if ! out=$(sftp -b /dev/null $ssh_opts -P "$port" "$dest" 2>&1); then',
    `  case "$out" in *"Host key verification failed"*|*"IDENTIFICATION HAS CHANGED"*) echo ${shQuote(`the backup server ${where} did not present the host key Hostdeck pinned for it: refusing to send backups there (a changed key or someone in between; check the server, then confirm its new key in Hostdeck and save the backup settings again)`)} >&2; exit 14;; esac`,
    `  echo ${shQuote(`could not log in to the backup server ${where} as ${t.user} over SFTP: `)}"$out" >&2; exit 15`,
    'fi',
    'has_repo() { echo "ls $path/config" | sftp -b - $ssh_opts -P "$port" "$dest" >/dev/null 2>&1; }',
    'r() { restic -r "$repo" -o sftp.command="ssh $ssh_opts -p $port $dest -s sftp" --password-file /dev/fd/3 "$@" 3<<HDPW',
    '$pw',
    'HDPW',
    '}',
  ];
}

/** The mysql/mariadb-dump options of the server's MySQL settings. */
function connOptions(p: { socket: string | null; defaultsFile: string | null }): string {
  const defaults = p.defaultsFile === null ? '' : ` --defaults-file=${shQuote(assertSafe(FtpPath, p.defaultsFile, 'defaultsFile'))}`;
  const socket = p.socket === null ? '' : ` --socket=${shQuote(assertSafe(FtpPath, p.socket, 'socket'))}`;
  return `${defaults}${socket}`;
}

function siteHead(site: string): string[] {
  return [
    `site=${shQuote(assertSafe(SiteName, site, 'site'))}`,
    'home="/home/$site"',
    'if ! id -u "$site" >/dev/null 2>&1 || [ "$(getent passwd "$site" | cut -d: -f6)" != "$home" ] || [ ! -d "$home" ]; then echo "no site $site with home $home on this server" >&2; exit 4; fi',
  ];
}

export function backupLines(raw: BackupParams): string[] {
  const p = assertSafe(BackupParams, raw, 'backup');
  const conn = connOptions(p);
  const keep = p.keep === null ? [] : (['daily', 'weekly', 'monthly'] as const).filter((k) => p.keep![k] > 0).map((k) => `--keep-${k} ${p.keep![k]}`);
  return [
    ...resticHead(p),
    ...siteHead(p.site),
    p.sftp
      ? 'if ! has_repo; then r init >/dev/null || { echo "could not create the repository $repo" >&2; exit 9; }; echo "repository created at $repo"; fi'
      : 'if ! has_repo; then mkdir -p "$repo" && chmod 0700 "$repo" && r init >/dev/null || { echo "could not create the repository $repo" >&2; exit 9; }; echo "repository created at $repo"; fi',
    'r unlock >/dev/null 2>&1', // locks a crash left behind; live locks are kept
    'run=$(date -u +%Y%m%dT%H%M%SZ)',
    `r backup --quiet --tag "site=$site" --tag kind=files --tag "run=$run" ${EXCLUDED.map((e) => `--exclude "$home/${e}"`).join(' ')} "$home" || { echo "restic could not back up the files of $home (exit $?)" >&2; exit 10; }`,
    'echo "files of $home backed up (run $run)"',
    ...(p.databases.length > 0 ? ['dump=$(command -v mariadb-dump || command -v mysqldump) || { echo "mariadb-dump is not installed on this server" >&2; exit 6; }', 'st=$(mktemp) && err=$(mktemp) || exit $?'] : []),
    ...p.databases.flatMap((db) => [
      `db=${shQuote(db)}`,
      // POSIX sh has no pipefail: the dump's status goes to a file, restic's is the pipeline's.
      `: > "$st"; out=$( { "$dump"${conn} --single-transaction --routines --events -- "$db" 2>"$err" || echo $? > "$st"; } | r backup --json --stdin --stdin-filename "$db.sql" --tag "site=$site" --tag kind=db --tag "db=$db" --tag "run=$run" ); rc=$?`,
      'snap=$(printf \'%s\\n\' "$out" | sed -n \'s/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p\' | tail -n 1)',
      'if [ -s "$st" ]; then [ -n "$snap" ] && r forget "$snap" >/dev/null 2>&1; echo "the dump of database $db failed (exit $(cat "$st")): $(cat "$err")" >&2; rm -f "$st" "$err"; exit 11; fi',
      'if [ "$rc" != 0 ] || [ -z "$snap" ]; then echo "restic could not back up the dump of database $db (exit $rc)" >&2; rm -f "$st" "$err"; exit 12; fi',
      'echo "database $db backed up (snapshot $snap)"',
    ]),
    ...(p.databases.length > 0 ? ['rm -f "$st" "$err"'] : []),
    ...(keep.length > 0 ? [`r forget --quiet --tag "site=$site" ${keep.join(' ')} --prune >/dev/null || { echo "restic forget --prune failed (exit $?)" >&2; exit 13; }`, `echo "retention applied to site $site (${keep.join(' ')}): snapshots beyond it forgotten, data no snapshot uses pruned"`] : []),
  ];
}

export function checkLines(raw: z.infer<typeof CheckParams>): string[] {
  const p = assertSafe(CheckParams, raw, 'check');
  return [...resticHead(p), 'if ! has_repo; then echo "there is no repository at $repo yet (it is made by the first backup)" >&2; exit 4; fi', 'r unlock >/dev/null 2>&1', 'r check'];
}

/**
 * Restores into a staging folder only root can enter, then copies into the home as the site's
 * own user (tar), so a link the site planted in its home can lead only where the site may write.
 */
export function restoreFilesLines(raw: RestoreFilesParams): string[] {
  const p = assertSafe(RestoreFilesParams, raw, 'restore');
  const whole = p.paths.includes('');
  return [
    ...resticHead(p),
    ...siteHead(p.site),
    `snap=${shQuote(p.snapshot)}`,
    'stage=$(mktemp -d /var/tmp/hostdeck-restore.XXXXXX) || exit $?',
    'trap \'rm -rf "$stage"\' EXIT',
    `r restore "$snap" --target "$stage" ${whole ? '' : p.paths.map((x) => `--include "$home"/${shQuote(x)}`).join(' ')} >/dev/null || { echo "restic could not restore from snapshot $snap (exit $?)" >&2; exit 10; }`,
    ...(whole ? ['[ -d "$stage$home" ] || { echo "snapshot $snap holds no files of $home" >&2; exit 4; }'] : p.paths.map((x) => `[ -e "$stage$home"/${shQuote(x)} ] || [ -L "$stage$home"/${shQuote(x)} ] || { echo ${shQuote(`${x} is not in snapshot `)}"$snap" >&2; exit 4; }`)),
    p.to === 'place'
      ? 'dest=$home'
      : `dest="$home/restored-${p.stamp.replace('_', '-')}"; runuser -u "$site" -- mkdir -p -m 0700 "$dest" || exit $?`,
    ': > "$stage/.st"',
    '{ (cd "$stage$home" && tar -cf - .) || echo $? > "$stage/.st"; } | runuser -u "$site" -- tar -C "$dest" --no-overwrite-dir -xf -; rc=$?',
    'if [ -s "$stage/.st" ] || [ "$rc" != 0 ]; then echo "copying the restored files into $dest failed" >&2; exit 11; fi',
    `echo "${whole ? 'the files of the home' : `${p.paths.length} path(s)`} restored from snapshot $snap into $dest"`,
  ];
}

/** The database's dump is taken out of the repository first (root-only file), so a failing restic changes no database. */
export function restoreDbLines(raw: RestoreDbParams): string[] {
  const p = assertSafe(RestoreDbParams, raw, 'restore');
  const mysql = `mysql${connOptions(p)} --batch --skip-column-names`;
  const target = sqlIdent(p.target);
  return [
    ...resticHead(p),
    `snap=${shQuote(p.snapshot)}`,
    `db=${shQuote(p.db)}`,
    `target=${shQuote(p.target)}`,
    'stage=$(mktemp -d /var/tmp/hostdeck-restore.XXXXXX) || exit $?',
    'trap \'rm -rf "$stage"\' EXIT',
    'r dump "$snap" "/$db.sql" > "$stage/dump.sql" || { echo "snapshot $snap holds no dump of database $db (restic exit $?)" >&2; exit 10; }',
    p.fresh
      ? `if ${mysql} -e ${shQuote(`USE ${target}`)} 2>/dev/null; then echo "database $target already exists; nothing was changed" >&2; exit 4; fi`
      : `${mysql} -e ${shQuote(`DROP DATABASE IF EXISTS ${target}`)} || exit $?`,
    `${mysql} -e ${shQuote(`CREATE DATABASE ${target} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)} || exit $?`,
    `${mysql} "$target" < "$stage/dump.sql" || { echo "importing the dump of $db into $target failed" >&2; exit 11; }`,
    'echo "database $db restored from snapshot $snap into $target"',
  ];
}

export function dropScratchLines(raw: z.infer<typeof DropScratchParams>): string[] {
  const p = assertSafe(DropScratchParams, raw, 'drop');
  return [`mysql${connOptions(p)} --batch -e ${shQuote(`DROP DATABASE IF EXISTS ${sqlIdent(p.database)}`)} || exit $?`, `echo ${shQuote(`scratch copy ${p.database} dropped`)}`];
}

/** The repository password, on the script's stdin. */
async function repoStdin<P extends { repoRef: string }>(p: P, secrets: (ref: string) => Promise<string>): Promise<string> {
  return `${await secrets(p.repoRef)}\n`;
}

registerTaskKind('backup.site', {
  params: BackupParams,
  title: (p) => `Back up site ${p.site}${p.databases.length ? ` with ${p.databases.length} database${p.databases.length === 1 ? '' : 's'}` : ''}`,
  commands: backupLines,
  script: (p) => `${backupLines(p).join('\n')}\n`,
  stdin: repoStdin,
});

registerTaskKind('backup.check', {
  params: CheckParams,
  title: (p) => `Check the backup repository ${p.repoPath}`,
  commands: checkLines,
  script: (p) => `${checkLines(p).join('\n')}\n`,
  stdin: repoStdin,
});

registerTaskKind('backup.restore-files', {
  params: RestoreFilesParams,
  title: (p) => `Restore ${p.paths.includes('') ? 'the files' : `${p.paths.length} path${p.paths.length === 1 ? '' : 's'}`} of site ${p.site} from snapshot ${p.snapshot.slice(0, 8)} ${p.to === 'place' ? 'in place' : 'beside (restored-…)'}`,
  commands: restoreFilesLines,
  script: (p) => `${restoreFilesLines(p).join('\n')}\n`,
  stdin: repoStdin,
});

registerTaskKind('backup.restore-db', {
  params: RestoreDbParams,
  title: (p) => `Restore database ${p.db} of site ${p.site} from snapshot ${p.snapshot.slice(0, 8)} into ${p.target}`,
  commands: restoreDbLines,
  script: (p) => `${restoreDbLines(p).join('\n')}\n`,
  stdin: repoStdin,
});

registerTaskKind('backup.drop-scratch', {
  params: DropScratchParams,
  title: (p) => `Drop the scratch copy ${p.database} (site ${p.site})`,
  commands: dropScratchLines,
  script: (p) => `${dropScratchLines(p).join('\n')}\n`,
});

/** An OpenSSH ed25519 public key, as Hostdeck makes them for a source server. */
const PublicKey = z.string().regex(/^ssh-ed25519 [A-Za-z0-9+/]{68}$/, 'Bad public key');
/** Names the source server's line in the backup account's authorized_keys (one line per source). */
const KeyTag = z.string().regex(/^hostdeck-backup-from-[0-9a-f-]{36}$/, 'Bad key tag');
export const SftpAccountParams = z.object({ user: z.literal(SFTP_USER), repoPath: RepoPath, publicKey: PublicKey, tag: KeyTag, source: z.string().max(100) }).strict();
export const SftpClientParams = z.object({ target: SftpTarget, hostKeyLine: z.string().regex(/^[A-Za-z0-9_.:[\]-]+ (ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|rsa-sha2-(256|512)) [A-Za-z0-9+/]+=*$/, 'Bad host key line'), publicKey: PublicKey, keyRef: z.string().regex(/^backup-key-[0-9a-f-]{36}$/) }).strict();

/**
 * On the backup server: a system account with no password and no shell, the repository folder
 * its own (0700), and the source server's key in its authorized_keys restricted to SFTP
 * (`restrict`: no forwarding, no pty; the forced command `internal-sftp`: no shell command).
 * A folder that exists and holds files of another owner is refused (it is not made the account's).
 */
export function sftpAccountLines(raw: z.infer<typeof SftpAccountParams>): string[] {
  const p = assertSafe(SftpAccountParams, raw, 'account');
  return [
    `u=${shQuote(p.user)}`,
    `repo=${shQuote(p.repoPath)}`,
    `tag=${shQuote(p.tag)}`,
    `line=${shQuote(`restrict,command="internal-sftp" ${p.publicKey} ${p.tag}`)}`,
    'if ! id -u "$u" >/dev/null 2>&1; then useradd --system --create-home --home-dir "/var/lib/$u" --shell /usr/sbin/nologin "$u" || exit $?; echo "account $u created"; fi',
    // No password at all ("*"): useradd's "!" would read as a locked account to an sshd without PAM.
    'usermod -p "*" "$u" || exit $?',
    'home=$(getent passwd "$u" | cut -d: -f6)',
    'if [ -e "$repo" ] && [ "$(stat -c %U "$repo")" != "$u" ] && [ -n "$(ls -A "$repo")" ]; then echo "$repo exists and is not empty: choose a new folder for the repository" >&2; exit 4; fi',
    'mkdir -p "$repo" && chown "$u:" "$repo" && chmod 0700 "$repo" || exit $?',
    // A parent folder made under a strict umask, or closed before, would lock the account out.
    'runuser -u "$u" -- test -w "$repo" -a -x "$repo" || { echo "$u cannot reach $repo: a parent folder is closed to it (each needs o+x)" >&2; exit 8; }',
    'install -d -m 0700 -o "$u" -g "$(id -gn "$u")" "$home/.ssh" || exit $?',
    'ak="$home/.ssh/authorized_keys"',
    '{ [ -f "$ak" ] && grep -v " $tag\\$" "$ak"; printf \'%s\\n\' "$line"; } > "$ak.new" && chown "$u:" "$ak.new" && chmod 0600 "$ak.new" && mv "$ak.new" "$ak" || exit $?',
    `echo ${shQuote(`${p.source} may now reach ${p.repoPath} over SFTP as ${p.user} (key ${p.tag}, SFTP only)`)}`,
  ];
}

/** On the source server: Hostdeck's key pair for the backup server (private key from stdin) and that server's pinned host key. */
export function sftpClientLines(raw: z.infer<typeof SftpClientParams>): string[] {
  const p = assertSafe(SftpClientParams, raw, 'client');
  return [
    `dir=${shQuote(p.target.dir)}`,
    'umask 077',
    'mkdir -p "$dir" && chmod 0700 "$dir" || exit $?',
    'cat > "$dir/id_ed25519.new" && [ -s "$dir/id_ed25519.new" ] || { echo "the private key did not reach the task" >&2; exit 5; }',
    'mv "$dir/id_ed25519.new" "$dir/id_ed25519" || exit $?',
    `printf '%s\\n' ${shQuote(p.publicKey)} > "$dir/id_ed25519.pub" || exit $?`,
    `printf '%s\\n' ${shQuote(p.hostKeyLine)} > "$dir/known_hosts" || exit $?`,
    `echo ${shQuote(`key pair and the pinned host key of ${p.target.name} (${p.target.host}:${p.target.port}) written to ${p.target.dir}`)}`,
  ];
}

registerTaskKind('backup.sftp-account', {
  params: SftpAccountParams,
  title: (p) => `Let ${p.source} store backups in ${p.repoPath} over SFTP (account ${p.user})`,
  commands: sftpAccountLines,
  script: (p) => `${sftpAccountLines(p).join('\n')}\n`,
});

registerTaskKind('backup.sftp-client', {
  params: SftpClientParams,
  title: (p) => `SSH key and pinned host key for the backup server ${p.target.name}`,
  commands: sftpClientLines,
  script: (p) => `${sftpClientLines(p).join('\n')}\n`,
  stdin: async (p, secrets) => secrets(p.keyRef),
});

export const SftpRevokeParams = z.object({ user: z.literal(SFTP_USER), tag: KeyTag, source: z.string().max(100) }).strict();
export const SftpForgetParams = z.object({ dir: z.string().regex(/^\/etc\/hostdeck\/backup-ssh\/[0-9a-f-]{36}$/, 'Bad key folder'), name: z.string().max(100) }).strict();

/** On a backup server no longer used by the source: its key line goes from the account's authorized_keys. */
export function sftpRevokeLines(raw: z.infer<typeof SftpRevokeParams>): string[] {
  const p = assertSafe(SftpRevokeParams, raw, 'revoke');
  return [
    `u=${shQuote(p.user)}`,
    `tag=${shQuote(p.tag)}`,
    'home=$(getent passwd "$u" | cut -d: -f6)',
    'ak="$home/.ssh/authorized_keys"',
    'if [ -n "$home" ] && [ -f "$ak" ]; then { grep -v " $tag\$" "$ak"; true; } > "$ak.new" && chown "$u:" "$ak.new" && chmod 0600 "$ak.new" && mv "$ak.new" "$ak" || exit $?; fi',
    `echo ${shQuote(`${p.source} can no longer log in as ${p.user} here (key ${p.tag} removed)`)}`,
  ];
}

export function sftpForgetLines(raw: z.infer<typeof SftpForgetParams>): string[] {
  const p = assertSafe(SftpForgetParams, raw, 'forget');
  return [`rm -rf -- ${shQuote(p.dir)} || exit $?`, `echo ${shQuote(`the key pair and pinned host key for ${p.name} removed (${p.dir})`)}`];
}

registerTaskKind('backup.sftp-revoke', {
  params: SftpRevokeParams,
  title: (p) => `Remove the backup key of ${p.source} (account ${p.user})`,
  commands: sftpRevokeLines,
  script: (p) => `${sftpRevokeLines(p).join('\n')}\n`,
});

registerTaskKind('backup.sftp-forget', {
  params: SftpForgetParams,
  title: (p) => `Remove the SSH key for the former backup server ${p.name}`,
  commands: sftpForgetLines,
  script: (p) => `${sftpForgetLines(p).join('\n')}\n`,
});
