// The cron file of a site (/etc/cron.d/hostdeck-<site>) and the runner every job goes through.
// The file is rendered whole from the records: a header, then one line per job,
//   <schedule> <site> <runner> <job id> <command, quoted by cronQuote>
// so cron runs the runner as the site's own user, and the runner (sh) takes care of the rest: no
// overlap with the job's previous run, the output and exit code in the site's log. A suspended
// site's lines are kept commented out. Every value is validated again here, right before it
// reaches the file, and the rendered text is checked to hold exactly the lines it should.
import { z } from 'zod';
import { AppError, msg } from '../../../shared/errors';
import { CronJob, CronPath, cronQuote, cronUnquote, CRON_JOBS_MAX, CRON_JOB_ID, normalSchedule, scheduleProblem, utf8Length, type CronJob as Job } from '../../../shared/cron';
import { SiteName } from '../../../shared/hosting';
import { assertSafe } from './quote';

/** Marks a suspended site's job lines (cron reads a line starting with # as a comment). */
export const SUSPENDED_MARK = '#suspended# ';

/** cron(8) keeps at most 999 bytes of a line's command and drops the rest silently. */
const CRON_COMMAND_BYTES = 999;

export const CronFileParams = z.object({ site: SiteName, jobs: z.array(CronJob).max(CRON_JOBS_MAX), active: z.boolean(), runner: CronPath }).strict();
export type CronFileParams = z.infer<typeof CronFileParams>;

export function renderCronFile(raw: CronFileParams): string {
  const p = assertSafe(CronFileParams, raw, 'cron');
  const header = [
    `# Hostdeck: cron jobs of site ${p.site}, each run as ${p.site} through ${p.runner}`,
    `# (never twice at once; output and exit code appended to /home/${p.site}/logs/cron.log).`,
    '# Written whole by Hostdeck from its records: changes made here are overwritten.',
    ...(p.active ? [] : ['# Suspended: the jobs below stay commented out until the site is unsuspended.']),
    'SHELL=/bin/sh',
    'PATH=/usr/local/bin:/usr/bin:/bin',
    'MAILTO=""',
  ];
  const lines = p.jobs.map((job) => {
    const command = `${p.runner} ${job.id} ${cronQuote(job.command)}`;
    if (utf8Length(command) > CRON_COMMAND_BYTES) throw AppError.worded('invalid-input', msg('The cron line of job {{id}} would be longer than cron reads ({{max}} bytes); shorten its command.'), { id: job.id, max: CRON_COMMAND_BYTES }, { fields: { command: 'Command is too long for a cron line' } });
    return `${p.active ? '' : SUSPENDED_MARK}${job.schedule} ${p.site} ${command}`;
  });
  const text = `${[...header, ...lines].join('\n')}\n`;
  // Belt and braces: nothing a value held may have added a line.
  if (text.split('\n').length !== header.length + lines.length + 1 || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new AppError('internal', msg('The cron file would not have one line per job; nothing was written.'));
  return text;
}

/** The jobs of a file Hostdeck wrote (adoption), active or suspended; lines it did not write are left out. */
export function parseCronFile(text: string, site: string, runner: string): { jobs: Job[]; suspended: boolean; foreign: number } {
  const jobs: Job[] = [];
  let suspended = false;
  let foreign = 0;
  for (const raw of text.split('\n')) {
    const line = raw.startsWith(SUSPENDED_MARK) ? raw.slice(SUSPENDED_MARK.length) : raw;
    if (line !== raw) suspended = true;
    if (line.trim() === '' || (line === raw && (line.startsWith('#') || /^[A-Z]+=/.test(line)))) continue;
    const job = parseJobLine(line, site, runner);
    if (job) jobs.push(job);
    else foreign++;
  }
  return { jobs, suspended, foreign };
}

function parseJobLine(line: string, site: string, runner: string): Job | null {
  const lead = `${site} ${runner} `;
  const at = line.indexOf(` ${lead}`);
  if (at < 0) return null;
  const schedule = line.slice(0, at);
  const rest = line.slice(at + 1 + lead.length);
  const id = rest.slice(0, 8);
  const command = rest[8] === ' ' ? cronUnquote(rest.slice(9)) : null;
  if (!CRON_JOB_ID.test(id) || command === null || scheduleProblem(schedule) !== null) return null;
  const job = CronJob.safeParse({ id, schedule: normalSchedule(schedule), command });
  return job.success ? job.data : null;
}

/**
 * The runner (POSIX sh), run as the site's user by cron and by "Run now" alike: refuses root,
 * takes the site's home, HOME/LOGNAME/PATH as cron sets them, holds the job's lock (flock -n; a
 * second run while one runs exits 75 saying so), appends a start line, the output and an
 * "exit N" line to ~/logs/cron.log and passes the output on (to "Run now"; cron drops it, MAILTO
 * is empty). The job keeps the lock's descriptor, so what it leaves running holds the lock too.
 */
export const RUNNER = `#!/bin/sh
# Hostdeck's cron job runner (written by Hostdeck): runs one job of a site as the site's own user,
# never twice at once, its output and exit code appended to ~/logs/cron.log.
PATH=/usr/local/bin:/usr/bin:/bin
export PATH
id=$1
cmd=$2
case "$id" in ''|*[!a-z0-9]*) echo "cron-run: bad job id" >&2; exit 64;; esac
if [ "$(id -u)" = 0 ]; then echo "cron-run: refused: a site's job never runs as root" >&2; exit 77; fi
user=$(id -un) || exit 70
home=$(getent passwd "$user" | cut -d: -f6)
if [ -z "$home" ] || ! cd "$home"; then echo "cron-run: no home for $user" >&2; exit 70; fi
HOME=$home LOGNAME=$user USER=$user SHELL=/bin/sh
export HOME LOGNAME USER SHELL
log=$home/logs/cron.log
(umask 077; mkdir -p .hostdeck/cron) && (umask 027; mkdir -p logs && : >> "$log") || exit 73
stamp() { date '+%Y-%m-%d %H:%M:%S %z'; }
exec 9>> "$home/.hostdeck/cron/$id.lock" || exit 73
if ! flock -n 9; then
  echo "job $id is still running (its previous run has not ended): not started again"
  printf '=== %s job %s not started: still running\\n' "$(stamp)" "$id" >> "$log"
  exit 75
fi
printf '=== %s job %s start\\n' "$(stamp)" "$id" >> "$log"
{ rc=$( { { sh -c "$cmd" < /dev/null 2>&1 3>&- 4>&-; echo $? >&3; } | tee -a "$log" >&4; } 3>&1 ); } 4>&1
printf '=== %s job %s exit %s\\n' "$(stamp)" "$id" "$rc" >> "$log"
exit "$rc"`;

/** The runner's exit when the job's previous run still holds its lock. */
export const STILL_RUNNING_EXIT = 75;

/** The last event of each job in the log's `=== <time> job <id> …` lines. */
export function parseLastRuns(text: string): { id: string; at: string; exitCode: number | null; note?: string }[] {
  const last = new Map<string, { id: string; at: string; exitCode: number | null; note?: string }>();
  for (const line of text.split('\n')) {
    const m = /^=== (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}) job ([a-z0-9]{8}) (start|exit (\d{1,3})|not started: still running)$/.exec(line);
    if (!m) continue;
    const [, at = '', id = '', what = '', code] = m;
    if (what === 'start') last.set(id, { id, at, exitCode: null, note: 'running' });
    else if (code !== undefined) last.set(id, { id, at, exitCode: Number(code) });
    else if (last.get(id)?.note !== 'running') last.set(id, { id, at, exitCode: null, note: 'skipped: still running' });
  }
  return [...last.values()];
}
