// Task kinds of a deploy, each run as the site's own user (runuser), so nothing it unpacks,
// imports or runs reaches further than the site could itself:
// - deploy.unpack: the archive (staged, or fetched over https with a size limit, trusting the
//   server's own certificate store) is listed first
//   and refused whole when an entry is absolute, climbs out with "..", is not a plain file or
//   folder, or the sizes add up past the limit (a zip bomb); only then extracted into a fresh
//   hidden folder, which is then moved into place (a previous target is moved aside, not deleted).
// - deploy.import: the dump piped into the mysql client logged in as the database's own user
//   into its own database: a dump that says `USE other_db` or `GRANT` fails for lack of rights.
//   The password comes on stdin (escaped for the option file) and reaches the client as an option
//   file on a pipe (/dev/fd/3), never on a command line.
// - deploy.configure: the placeholders of the named files replaced with values escaped for the
//   file (deployValue); the values come on stdin.
// - deploy.commands: the admin's commands, one after the other, in the target folder.
import { z } from 'zod';
import { MysqlSettings } from '../../../shared/api/hosting';
import { STAGING_DIR, StagedArchive, StagedDump, ArchiveUrl, TargetRelPath, PostCommand, Placeholder } from '../../../shared/api/deploy';
import { AppError, msg } from '../../../shared/errors';
import { DbName, DbUser, Password, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shJoin, shQuote } from '../ssh/sh-quote';
import { REQUIRE_SITE_ACCOUNT } from './cron-tasks';
import { assertSafe } from './quote';

const SecretRef = z.string().regex(/^db-[0-9a-f-]{36}$/, 'Bad secret reference');

const UnpackParams = z
  .object({ site: SiteName, archive: StagedArchive.nullable(), url: ArchiveUrl.nullable(), target: TargetRelPath, maxBytes: z.number().int().min(1) })
  .strict()
  .refine((p) => (p.archive === null) !== (p.url === null), 'Either a staged archive or a URL');
type UnpackParams = z.infer<typeof UnpackParams>;
const ImportParams = z.object({ site: SiteName, name: DbName, user: DbUser, dump: StagedDump, passwordRef: SecretRef, socket: MysqlSettings.shape.socket }).strict();
type ImportParams = z.infer<typeof ImportParams>;
const ConfigureParams = z
  .object({
    site: SiteName, target: TargetRelPath, files: z.array(TargetRelPath).min(1), placeholders: z.array(Placeholder).min(1), name: DbName, user: DbUser, host: z.literal('localhost'),
    domain: z.string().regex(/^[a-z0-9.-]{0,253}$/), siteUrl: z.string().regex(/^(https?:\/\/[a-z0-9.-]{1,253})?$/), passwordRef: SecretRef,
  })
  .strict();
type ConfigureParams = z.infer<typeof ConfigureParams>;
const CommandsParams = z.object({ site: SiteName, target: TargetRelPath, commands: z.array(PostCommand).min(1) }).strict();
type CommandsParams = z.infer<typeof CommandsParams>;

function head(site: string): string[] {
  const s = assertSafe(SiteName, site, 'site');
  return [`site=${shQuote(s)}`, `home=${shQuote(`/home/${s}`)}`, ...REQUIRE_SITE_ACCOUNT];
}

function targetPath(site: string, target: string): string {
  return `/home/${site}/public_html/${assertSafe(TargetRelPath, target, 'target')}`;
}

const UNPACK = [
  'umask 022',
  'home=$1 archive=$2 url=$3 target=$4 max=$5 kind=$6',
  `stage="$home/${STAGING_DIR}"`,
  'mkdir -p -m 0700 "$stage" || exit 1',
  'if [ -n "$url" ]; then',
  '  command -v curl >/dev/null 2>&1 || { echo "curl is not installed on this server" >&2; exit 6; }',
  '  archive="$stage/download-$$.$kind"',
  // head stops the download one byte past the limit even when the server sends no length
  // (--max-filesize alone only acts on a length announced beforehand); -q: no ~/.curlrc.
  '  err="$stage/download-$$.err"',
  '  { curl -q -fsSL --proto =https --proto-redir =https --max-filesize "$max" --max-time 600 "$url" 2>"$err"; echo $? >"$err.rc"; } | head -c "$((max + 1))" >"$archive"',
  '  rc=$(cat "$err.rc"); msg=$(tail -n 1 "$err"); rm -f "$err" "$err.rc"; why=',
  '  if [ "$(wc -c <"$archive")" -gt "$max" ] || [ "$rc" = 63 ]; then why="it is larger than the limit of $max bytes"',
  '  elif [ "$rc" != 0 ]; then',
  '    case "$rc" in',
  '      22) why="the web server answered with an error" ;;',
  '      1) why="it leads to an address that is not https" ;;',
  '      6|7|28) why="the address could not be reached" ;;',
  '      35|51|58|59|60|77|83|90|91) why="its certificate is not trusted by this server" ;;',
  '      *) why="curl failed (exit $rc)" ;;',
  '    esac',
  '    why="$why: $msg"',
  '  fi',
  '  [ -z "$why" ] || { rm -f "$archive"; echo "could not download $url: $why; nothing was unpacked" >&2; exit 5; }',
  'fi',
  '{ [ -f "$archive" ] && [ ! -L "$archive" ]; } || { echo "no archive $archive (upload it first)" >&2; exit 4; }',
  'if [ "$kind" = zip ]; then',
  '  names=$(unzip -Z -1 "$archive") || { echo "$archive is not a zip archive" >&2; exit 5; }',
  '  total=$(unzip -Zt "$archive" | awk \'{ print $3 }\')',
  '  odd=$(unzip -Z "$archive" | grep -E \'^[lbcps]\' | head -n 3)',
  'else',
  // Numeric owners: a name with spaces in the archive's owner field would shift the size column.
  '  listing=$(tar --numeric-owner -tvzf "$archive") || { echo "$archive is not a tar.gz archive" >&2; exit 5; }',
  // One pass over the archive: the names are checked on the verbose lines, where a name starts
  // after a space and nothing before it (mode, uid/gid, size, date) holds " /" or a ".." part.
  '  names=$listing',
  '  total=$(printf \'%s\\n\' "$listing" | awk \'{ s += $3 } END { printf "%d", s }\')',
  '  odd=$(printf \'%s\\n\' "$listing" | grep -v \'^[-d]\' | head -n 3)',
  'fi',
  'bad=$(printf \'%s\\n\' "$names" | grep -E \'(^| )/|(^| |/)\\.\\.(/|$)\' | head -n 3)',
  '[ -z "$bad" ] || { echo "refused: the archive has entries outside its folder: $bad; nothing was unpacked" >&2; exit 3; }',
  '[ -z "$odd" ] || { echo "refused: the archive has links or special files: $odd; nothing was unpacked" >&2; exit 3; }',
  'case "$total" in ""|*[!0-9]*) echo "could not read the archive\'s sizes; nothing was unpacked" >&2; exit 5 ;; esac',
  '[ "$total" -le "$max" ] || { echo "refused: the archive unpacks to $total bytes, more than the limit of $max bytes; nothing was unpacked" >&2; exit 3; }',
  'new=$(mktemp -d "$stage/unpack.XXXXXX") || exit 1',
  'if [ "$kind" = zip ]; then unzip -q "$archive" -d "$new"; else tar -xzf "$archive" -C "$new" --no-same-owner; fi || { rm -rf "$new"; echo "extracting failed; nothing was put in place" >&2; exit 5; }',
  '[ -z "$url" ] || rm -f "$archive"',
  'chmod 0755 "$new" && mkdir -p "$(dirname "$target")" || exit 1',
  'if [ -e "$target" ] || [ -L "$target" ]; then old="$stage/replaced-$(date +%Y%m%d%H%M%S)-$$"; mv "$target" "$old" || exit 1; echo "the previous $target was moved to $old"; fi',
  'mv "$new" "$target" || exit 1',
  'echo "unpacked $total bytes into $target"',
].join('\n');

export function unpackLines(raw: UnpackParams): string[] {
  const p = assertSafe(UnpackParams, raw, 'unpack');
  const kind = /\.zip([?].*)?$/.test(p.archive ?? p.url ?? '') ? 'zip' : 'tgz';
  const archive = p.archive === null ? '' : `/home/${p.site}/${STAGING_DIR}/${p.archive}`;
  return [
    ...head(p.site),
    `runuser -u "$site" -- sh -c ${shQuote(UNPACK)} sh "$home" ${shJoin([archive, p.url ?? '', targetPath(p.site, p.target), String(p.maxBytes), kind])}`,
  ];
}

/** The client's option file arrives on fd 3 (a pipe of the site's own shell), the dump on stdin. */
const IMPORT = [
  'IFS= read -r pw || { echo "the database password did not arrive" >&2; exit 1; }',
  'dump=$1 user=$2 db=$3 socket=$4',
  '{ [ -f "$dump" ] && [ ! -L "$dump" ]; } || { echo "no dump $dump (upload it first)" >&2; exit 4; }',
  'client=$(command -v mariadb || command -v mysql) || { echo "the mysql client is not installed on this server" >&2; exit 6; }',
  'opts() { printf \'[client]\\nuser=%s\\npassword="%s"\\n\' "$user" "$pw"; }',
  'load() { "$client" --defaults-extra-file=/dev/fd/3 ${socket:+"--socket=$socket"} --batch "$db"; }',
  // A plain dump is the client's stdin itself: a cat in between costs a pipe hop per 64 KiB.
  'opts | { exec 3<&0; case "$dump" in *.gz) gzip -dc "$dump" | load ;; *) load <"$dump" ;; esac; } || { echo "the import into $db failed (as user $user); it stopped at the statement above" >&2; exit 1; }',
  'echo "dump imported into $db as $user"',
].join('\n');

export function importLines(raw: ImportParams): string[] {
  const p = assertSafe(ImportParams, raw, 'import');
  return [
    ...head(p.site),
    'IFS= read -r pw || exit 1',
    `printf '%s\\n' "$pw" | runuser -u "$site" -- sh -c ${shQuote(IMPORT)} sh ${shJoin([`/home/${p.site}/${STAGING_DIR}/${p.dump}`, p.user, p.name, p.socket ?? ''])}`,
  ];
}

/** Values that need no escaping in any file (the generated passwords, the validated names). */
const PLAIN_VALUE = /^[A-Za-z0-9._+=@:-]*$/;

/**
 * A placeholder's value as it goes into `file`: in a .php file escaped for a single-quoted PHP
 * string (placeholders there belong between single quotes); anywhere else only plain values,
 * since the file's syntax is unknown. Control characters are refused everywhere.
 */
export function deployValue(file: string, value: string): string {
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(value)) throw new AppError('invalid-input', msg('A placeholder value must not contain control characters'));
  if (file.endsWith('.php')) return value.replace(/[\\']/g, (c) => `\\${c}`);
  if (!PLAIN_VALUE.test(value)) throw AppError.worded('invalid-input', msg('A value with special characters can only go into a .php file, not {{file}}'), { file });
  return value;
}

/**
 * The script for these placeholders (names from the fixed list, checked again here): the values
 * come on stdin, one line per placeholder and file, into the environment of perl, whose
 * replacement takes a hash value's content as it is (no $, \\, & or / in it is read as syntax).
 * Any other {{…}} in a file stays as it is and is named in the task's output.
 */
function configureScript(placeholders: readonly string[]): string {
  const names = placeholders.map((n) => assertSafe(Placeholder, n, 'placeholder'));
  return [
    'target=$1; shift',
    'for f; do',
    '  p="$target/$f"',
    '  { [ -f "$p" ] && [ ! -L "$p" ]; } || { echo "no file $f in $target" >&2; exit 4; }',
    ...names.map((_, i) => `  IFS= read -r v${i} || exit 1`),
    // One pass for all of them: a value holding another placeholder's {{NAME}} stays as it is.
    `  ${names.map((_, i) => `HD_${i}=$v${i}`).join(' ')} perl -pi -e ${shQuote(`BEGIN { %v = (${names.map((n, i) => `${n} => $ENV{HD_${i}}`).join(', ')}) } s/\\{\\{(${names.join('|')})\\}\\}/$v{$1}/g;`)} "$p" || exit 1`,
    '  echo "placeholders filled in: $f"',
    '  left=$(grep -o \'{{[A-Za-z0-9_]*}}\' "$p" | sort -u | tr \'\\n\' \' \')',
    '  [ -z "$left" ] || echo "left as they are in $f: $left"',
    'done',
  ].join('\n');
}

export function configureLines(raw: ConfigureParams): string[] {
  const p = assertSafe(ConfigureParams, raw, 'configure');
  return [...head(p.site), `runuser -u "$site" -- sh -c ${shQuote(configureScript(p.placeholders))} sh ${shJoin([targetPath(p.site, p.target), ...p.files])}`];
}

async function configureStdin(p: ConfigureParams, password: string): Promise<string> {
  const values: Record<Placeholder, string> = { DB_NAME: p.name, DB_USER: p.user, DB_PASSWORD: password, DB_HOST: p.host, DOMAIN: p.domain, SITE_URL: p.siteUrl };
  return p.files.map((f) => p.placeholders.map((k) => `${deployValue(f, values[k])}\n`).join('')).join('');
}

const COMMANDS = 'cd "$1" || exit 4; shift; for c; do echo "$ $c"; sh -c "$c" || { rc=$?; echo "command failed (exit $rc): $c" >&2; exit 1; }; done';

export function commandsLines(raw: CommandsParams): string[] {
  const p = assertSafe(CommandsParams, raw, 'commands');
  return [
    ...head(p.site),
    `runuser -u "$site" -- env -i HOME="$home" USER="$site" PATH=/usr/local/bin:/usr/bin:/bin sh -c ${shQuote(COMMANDS)} sh ${shJoin([targetPath(p.site, p.target), ...p.commands])}`,
  ];
}

/**
 * The password as the double-quoted value of the client's option file: `\` and `"` escaped, any
 * other printable character as it is (MariaDB's option-file reader strips the outer quotes and
 * reads backslash escapes); control characters cannot be passed on a line and are refused.
 */
export function optionFileValue(password: string): string {
  if (password.length === 0 || /[\u0000-\u001f\u007f]/.test(password)) throw new AppError('invalid-input', msg('The database password has characters a deploy cannot pass on'));
  return password.replace(/[\\"]/g, (c) => `\\${c}`);
}

registerTaskKind('deploy.unpack', {
  params: UnpackParams,
  title: (p) => `Unpack ${p.archive ?? p.url} into public_html/${p.target} of site ${p.site}`,
  commands: unpackLines,
  script: (p) => `${unpackLines(p).join('\n')}\n`,
});

registerTaskKind('deploy.import', {
  params: ImportParams,
  title: (p) => `Import ${p.dump} into database ${p.name} as ${p.user} (site ${p.site})`,
  commands: (p) => ['# stdin: the password of the database user', ...importLines(p)],
  script: (p) => `${importLines(p).join('\n')}\n`,
  stdin: async (p, secrets) => `${optionFileValue(await secrets(p.passwordRef))}\n`,
  secret: { ref: (p) => p.passwordRef, value: Password },
});

registerTaskKind('deploy.configure', {
  params: ConfigureParams,
  title: (p) => `Fill in the placeholders of ${p.files.join(', ')} (site ${p.site})`,
  commands: (p) => ['# stdin: the values of the placeholders, escaped for each file', ...configureLines(p)],
  script: (p) => `${configureLines(p).join('\n')}\n`,
  stdin: async (p, secrets) => configureStdin(p, await secrets(p.passwordRef)),
  secret: { ref: (p) => p.passwordRef, value: Password },
});

registerTaskKind('deploy.commands', {
  params: CommandsParams,
  title: (p) => `Run ${p.commands.length} command${p.commands.length === 1 ? '' : 's'} in public_html/${p.target} as site ${p.site}`,
  commands: commandsLines,
  script: (p) => `${commandsLines(p).join('\n')}\n`,
});
