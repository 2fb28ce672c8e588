// Task kinds of backups: restic run on the server as the SSH user (root), against a repository
// that is a folder there. The repository's password reaches the script only on its stdin (from
// the keychain, at run time) and restic only through a here-document on descriptor 3 read as
// --password-file /dev/fd/3 (dash makes a here-document a pipe): never on a command line, in the
// environment, a file, the parameters or the commands shown.
import { z } from 'zod';
import { HomePath, RepoPath, Retention, SnapshotId } from '../../../shared/api/backups';
import { FtpPath } from '../../../shared/api/hosting';
import { DbName, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe, sqlIdent } from '../hosting/quote';

export const RepoRef = z.string().regex(/^backup-repo:[0-9a-f-]{36}$/, 'Bad repository reference');
const Repo = { repoPath: RepoPath, repoRef: RepoRef };
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

/** The password from stdin, restic found, and `r` running restic on the repository. */
export function resticHead(p: { repoPath: string }): string[] {
  const repo = assertSafe(RepoPath, p.repoPath, 'repoPath');
  return [
    `repo=${shQuote(repo)}`,
    'command -v restic >/dev/null 2>&1 || { echo "restic is not installed on this server (apt-get install restic)" >&2; exit 6; }',
    'IFS= read -r pw || { echo "the repository password did not reach the task" >&2; exit 5; }',
    'r() { restic -r "$repo" --password-file /dev/fd/3 "$@" 3<<HDPW',
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
    'if [ ! -f "$repo/config" ]; then mkdir -p "$repo" && chmod 0700 "$repo" && r init >/dev/null || { echo "could not create the repository $repo" >&2; exit 9; }; echo "repository created at $repo"; fi',
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
    ...(keep.length > 0 ? [`r forget --quiet --tag "site=$site" ${keep.join(' ')} --prune >/dev/null || { echo "restic forget --prune failed (exit $?)" >&2; exit 13; }`, `echo "old snapshots of site $site forgotten and pruned (${keep.join(' ')})"`] : []),
  ];
}

export function checkLines(raw: z.infer<typeof CheckParams>): string[] {
  const p = assertSafe(CheckParams, raw, 'check');
  return [...resticHead(p), 'if [ ! -f "$repo/config" ]; then echo "there is no repository at $repo yet (it is made by the first backup)" >&2; exit 4; fi', 'r unlock >/dev/null 2>&1', 'r check'];
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
