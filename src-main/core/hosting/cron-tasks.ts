// Task kinds of a site's cron jobs: cron.file writes /etc/cron.d/hostdeck-<site> whole (beside it
// first, then renamed over it: cron never reads half a file; root:root 0644, as cron wants) and
// the runner its lines call; cron.remove takes the file away. cron notices both by the file's and
// the folder's mtime within a minute. A file already as it should be is left alone.
import { z } from 'zod';
import { CronPath, cronFileName } from '../../../shared/cron';
import { SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { CronFileParams, renderCronFile, RUNNER } from './cron-file';
import { assertSafe } from './quote';

const FileParams = CronFileParams.extend({ dir: CronPath }).strict();
type FileParams = z.infer<typeof FileParams>;
const RemoveParams = z.object({ site: SiteName, dir: CronPath }).strict();
type RemoveParams = z.infer<typeof RemoveParams>;

function head(p: RemoveParams): string[] {
  const site = assertSafe(SiteName, p.site, 'site');
  const dir = assertSafe(CronPath, p.dir, 'dir');
  return [`site=${shQuote(site)}`, `home=${shQuote(`/home/${site}`)}`, `dir=${shQuote(dir)}`, `file=${shQuote(`${dir}/${cronFileName(site)}`)}`];
}

/** Jobs run as the site's account: it must be one of Hostdeck's sites (home /home/<site>, not a system account). */
export const REQUIRE_SITE_ACCOUNT = [
  'if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
  'if [ "$(getent passwd "$site" | cut -d: -f6)" != "$home" ] || [ "$(id -u "$site")" -lt 1000 ]; then echo "refused: $site is not a Hostdeck site (home other than $home, or a system account); nothing was changed" >&2; exit 3; fi',
];

/** Writes `$2` to `$1` by a temporary file beside it and a rename, with owner root:root and mode `$3`. */
const PUT = 'put() { tmp=$(mktemp "$(dirname "$1")/.hostdeck.XXXXXX") || return 1; if printf \'%s\\n\' "$2" > "$tmp" && chown root:root "$tmp" && chmod "$3" "$tmp" && mv -f "$tmp" "$1"; then return 0; fi; rm -f "$tmp"; return 1; }';
const SAME = 'same() { [ -f "$1" ] && [ ! -L "$1" ] && [ "$(cat "$1")" = "$2" ] && [ "$(stat -c \'%U:%G %a\' "$1")" = "root:root $3" ]; }';

export function fileLines(raw: FileParams): string[] {
  const p = assertSafe(FileParams, raw, 'cron');
  const runner = p.runner;
  return [
    ...head(p),
    `runner=${shQuote(runner)}`,
    ...REQUIRE_SITE_ACCOUNT,
    'if [ ! -d "$dir" ]; then echo "the cron folder $dir does not exist on this server (is cron installed? see the cron settings)" >&2; exit 4; fi',
    'if ! command -v flock >/dev/null 2>&1; then echo "flock (util-linux) is not installed on this server: jobs could not keep from overlapping" >&2; exit 4; fi',
    PUT,
    SAME,
    `runner_text=${shQuote(RUNNER)}`,
    'if same "$runner" "$runner_text" 755; then echo "runner $runner is up to date"; else mkdir -p "$(dirname "$runner")" && put "$runner" "$runner_text" 755 || exit 1; echo "runner written: $runner"; fi',
    // put() adds the final line break.
    `new=${shQuote(renderCronFile({ site: p.site, jobs: p.jobs, active: p.active, runner }).slice(0, -1))}`,
    `if same "$file" "$new" 644; then echo "$file is up to date"; else put "$file" "$new" 644 || exit 1; echo ${shQuote(`written: ${p.jobs.length} job${p.jobs.length === 1 ? '' : 's'}${p.active ? '' : ', commented out while the site is suspended'}`)} "in $file"; fi`,
  ];
}

export function removeLines(raw: RemoveParams): string[] {
  const p = assertSafe(RemoveParams, raw, 'cron');
  return [
    ...head(p),
    'if [ -e "$file" ] || [ -L "$file" ]; then rm -f "$file" || exit $?; echo "removed: $file"; else echo "$file is already absent"; fi',
  ];
}

registerTaskKind('cron.file', {
  params: FileParams,
  title: (p) => (p.active ? `Cron jobs of site ${p.site} (${p.jobs.length})` : `Cron jobs of site ${p.site} commented out (suspended)`),
  commands: fileLines,
  script: (p) => `${fileLines(p).join('\n')}\n`,
});

registerTaskKind('cron.remove', {
  params: RemoveParams,
  title: (p) => `Remove the cron jobs of site ${p.site}`,
  commands: removeLines,
  script: (p) => `${removeLines(p).join('\n')}\n`,
});
