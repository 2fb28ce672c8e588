// Cron jobs of a site: a schedule as cron(8) reads it and a command run as the site's own user.
// Hostdeck writes them whole to one file per site in /etc/cron.d (src-main/core/hosting/cron-file.ts),
// one line per job. A line ends a job: a command or schedule that could end its line (a line
// break, CR, NUL or any other control character) could add a job of its own, running as root, so
// both are refused here and again where the file is written. `%` means "line break / stdin" to
// cron: cronQuote escapes it so the command runs as typed.
// Pure: no node, no DOM.
import { z } from 'zod';
import { CONTROL_CHARS } from './validation';

// ---------------------------------------------------------------------------------------------
// Schedule

type FieldSpec = { name: string; min: number; max: number; names?: readonly string[]; namesFrom?: number };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const CRON_FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  // 0 and 7 are both Sunday, as cron(8) reads them.
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

/** The @ forms cron(8) reads. @reboot is not one a site may use (see CRON_REFUSED). */
export const CRON_SPECIALS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'] as const;

/**
 * @reboot runs once when the cron daemon starts, not on a schedule: on a hosting server that is a
 * site starting a long-running process of its own outside any supervision (a daemon that then
 * holds its lock for ever), and nobody sees it run until the next boot. Refused.
 */
export const CRON_REFUSED: Readonly<Record<string, string>> = {
  '@reboot': '@reboot is not offered: a site may not start processes of its own at boot; use a schedule (like @hourly)',
};

export const CRON_SCHEDULE_MAX = 100;

function valueOf(text: string, f: FieldSpec): number | string {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : `${f.name}: ${text} is out of range (${f.min}-${f.max})`;
  }
  if (/^[a-z]{3}$/i.test(text) && f.names) {
    const i = f.names.indexOf(text.toLowerCase());
    if (i >= 0) return i + (f.namesFrom ?? 0);
  }
  return f.names
    ? `${f.name}: "${text}" is not a number ${f.min}-${f.max} or a name (${f.names.slice(0, 3).join(', ')}, …)`
    : `${f.name}: "${text}" is not a number ${f.min}-${f.max}`;
}

/** One field (a list of *, values, ranges, each with an optional /step); null when cron reads it. */
function fieldProblem(text: string, f: FieldSpec): string | null {
  if (text === '') return `${f.name} is empty`;
  for (const item of text.split(',')) {
    if (item === '') return `${f.name}: empty item in the list "${text}"`;
    const m = /^([^/]+)(?:\/([^/]*))?$/.exec(item);
    if (!m) return `${f.name}: "${item}" is not a value, a range or */step`;
    const [, base = '', step] = m;
    if (step !== undefined) {
      if (!/^[0-9]{1,2}$/.test(step) || Number(step) < 1 || Number(step) > f.max - f.min + 1) return `${f.name}: the step in "${item}" must be a number from 1 to ${f.max - f.min + 1}`;
    }
    if (base === '*') continue;
    const range = base.split('-');
    if (range.length > 2) return `${f.name}: "${item}" is not a value or a range like 1-5`;
    const [from = '', to] = range.map((r) => valueOf(r, f));
    if (typeof from === 'string') return from || `${f.name} is empty`;
    if (to === undefined) {
      // cron(8) reads "5/10" as 5 and then stumbles on the rest: a step needs * or a range.
      if (step !== undefined) return `${f.name}: a step needs * or a range ("*/${step}" or "${base}-${f.max}/${step}"), not "${item}"`;
      continue;
    }
    if (typeof to === 'string') return to;
    if (from > to) return `${f.name}: the range "${base}" goes backwards (write the smaller value first)`;
  }
  return null;
}

/** Why a schedule is refused (one sentence), or null. Five fields, or one of CRON_SPECIALS. */
export function scheduleProblem(raw: string): string | null {
  if (raw.trim() === '') return 'Schedule is required';
  if (CONTROL_CHARS.test(raw)) return 'Schedule must not contain line breaks, tabs or control characters';
  if (raw.length > CRON_SCHEDULE_MAX) return `Schedule is too long (at most ${CRON_SCHEDULE_MAX} characters)`;
  const v = raw.trim();
  if (v.startsWith('@')) {
    const lower = v.toLowerCase();
    if (CRON_REFUSED[lower]) return CRON_REFUSED[lower];
    return (CRON_SPECIALS as readonly string[]).includes(lower) ? null : `"${v}" is not one of ${CRON_SPECIALS.join(', ')}`;
  }
  if (!/^[A-Za-z0-9*,/ -]+$/.test(v)) return 'Schedule may use digits, names like mon or jan, and * , - / between its five fields';
  const fields = v.split(/ +/);
  if (fields.length !== 5) return `Schedule needs five fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i]!, CRON_FIELDS[i]!);
    if (problem) return `Schedule ${problem}`;
  }
  return null;
}

/** The schedule as the file has it: fields one space apart, names and @ forms in lower case. */
export function normalSchedule(v: string): string {
  return v.trim().split(/ +/).join(' ').toLowerCase();
}

export const CronSchedule = z
  .string({ error: 'Schedule is required' })
  .superRefine((v, ctx) => {
    const message = scheduleProblem(v);
    if (message) ctx.addIssue({ code: 'custom', message });
  })
  .overwrite(normalSchedule);
export type CronSchedule = z.infer<typeof CronSchedule>;

// ---------------------------------------------------------------------------------------------
// Command

export const CRON_COMMAND_MAX = 500;
/**
 * cron(8) keeps the first 999 bytes of a line's command and drops the rest without a word, so a
 * long command would run cut. The quoted command gets at most this many bytes, which leaves room
 * for the runner's path (at most 255) and the job's id in the line.
 */
export const CRON_QUOTED_MAX = 700;

/** A lone UTF-16 surrogate: not a character, cannot be sent as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The command as one sh word of a cron line: single-quoted (each ' as '\''), and each % as '\%'
 * — outside the quotes, where cron turns \% into % (a bare % would end the command, the rest
 * going to its stdin) and sh then reads a plain %. The quote just before a \% also keeps cron from
 * taking a backslash of the command as the escape of that %.
 */
export function cronQuote(command: string): string {
  return `'${command.replaceAll("'", "'\\''").replaceAll('%', "'\\%'")}'`;
}

/** The command back from its quoted word (cronQuote's own output only), or null. */
export function cronUnquote(word: string): string | null {
  let out = '';
  let quoted = false;
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (quoted) {
      if (c === "'") quoted = false;
      else out += c;
    } else if (c === "'") quoted = true;
    else if (c === '\\' && (word[i + 1] === "'" || word[i + 1] === '%')) out += word[++i];
    else return null;
  }
  return !quoted && cronQuote(out) === word ? out : null;
}

/** Bytes of a string as UTF-8 (what cron counts). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

export function commandProblem(v: string): string | null {
  if (v.trim() === '') return 'Command is required';
  if (CONTROL_CHARS.test(v)) return 'Command must not contain line breaks, tabs or control characters (one line; use ; or && between commands)';
  if (LONE_SURROGATE.test(v)) return 'Command contains an invalid (unpaired) Unicode character';
  if ([...v].length > CRON_COMMAND_MAX) return `Command is too long (at most ${CRON_COMMAND_MAX} characters; put longer work in a script in the site's home)`;
  if (utf8Length(cronQuote(v)) > CRON_QUOTED_MAX) return `Command is too long for a cron line once quoted (every ' and % takes 4 characters; at most ${CRON_QUOTED_MAX} bytes): put it in a script in the site's home`;
  return null;
}

/** Any printable text on one line, run by sh as the site's user exactly as typed. */
export const CronCommand = z.string({ error: 'Command is required' }).superRefine((v, ctx) => {
  const message = commandProblem(v);
  if (message) ctx.addIssue({ code: 'custom', message });
});
export type CronCommand = z.infer<typeof CronCommand>;

// ---------------------------------------------------------------------------------------------
// Jobs and settings

/** A job's id: made by Hostdeck, names its lock file and its lines in the log. */
export const CRON_JOB_ID = /^[a-z0-9]{8}$/;
export const CronJobId = z.string({ error: 'Job id is required' }).regex(CRON_JOB_ID, 'Job id must be 8 lowercase letters or digits');
export const CRON_JOBS_MAX = 50;

export const CronJob = z.object({ id: CronJobId, schedule: CronSchedule, command: CronCommand }).strict();
export type CronJob = z.infer<typeof CronJob>;

export const CronPath = z
  .string({ error: 'Path is required' })
  .max(255, 'Path is too long (at most 255 characters)')
  .regex(/^(\/[A-Za-z0-9_.][A-Za-z0-9._-]{0,63})+$/, 'An absolute path of letters, digits, ".", "_" and "-" (like /etc/cron.d)')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'No "." or ".." segments');

/** Where a server's cron reads job files and where Hostdeck's job runner goes. */
export const CronSettings = z
  .object({
    /** cron(8) reads every file here (Hostdeck writes hostdeck-<site>). */
    dir: CronPath.default('/etc/cron.d'),
    /** The script every job runs through (no overlap, the log, the exit code), written by the tasks. */
    runner: CronPath.default('/usr/local/lib/hostdeck/cron-run'),
  })
  .strict();
export type CronSettings = z.infer<typeof CronSettings>;
export const DEFAULT_CRON_SETTINGS: CronSettings = { dir: '/etc/cron.d', runner: '/usr/local/lib/hostdeck/cron-run' };

/**
 * The file of a site's jobs. Debian's cron ignores files in /etc/cron.d whose names hold anything
 * but letters, digits, _ and -; site names (a-z, digits, _ and -) always fit.
 */
export function cronFileName(site: string): string {
  return `hostdeck-${site}`;
}

/** Where each job's output and exit code go (in the site's home, owned by the site). */
export function cronLogPath(site: string): string {
  return `/home/${site}/logs/cron.log`;
}

/** Add a job (no id) or change one. */
export const CronJobSet = z
  .object({ site: z.string(), id: CronJobId.optional(), schedule: CronSchedule, command: CronCommand })
  .strict();
export type CronJobSet = z.infer<typeof CronJobSet>;

/** The last run of a job as the site's log has it. */
export const CronLastRun = z.object({ id: z.string(), at: z.string(), exitCode: z.number().int().nullable(), note: z.string().optional() });
export type CronLastRun = z.infer<typeof CronLastRun>;

// ---------------------------------------------------------------------------------------------
// Reading a schedule aloud (the common shapes; null for the rest). The reading is data: the UI
// words it in its own language.

const single = (s: string, f: FieldSpec): number | null => {
  if (!/^[a-z0-9]+$/.test(s)) return null;
  const v = valueOf(s, f);
  return typeof v === 'number' ? v : null;
};

/** Days are 0 (Sunday) to 6, months 1 to 12. */
export type ScheduleReading =
  | { every: 'minute' }
  | { every: 'minutes'; n: number }
  | { every: 'hour'; minute: number }
  | { every: 'hours'; n: number; minute: number }
  | { every: 'day'; hour: number; minute: number }
  | { every: 'week'; day: number; hour: number; minute: number }
  | { every: 'days-of-week'; from: number; to: number; hour: number; minute: number }
  | { every: 'month'; day: number; hour: number; minute: number }
  | { every: 'year'; day: number; month: number; hour: number; minute: number };

/** "every day at 03:00", "every 5 minutes", "Monday to Friday at 09:30"…, or null. */
export function readSchedule(raw: string): ScheduleReading | null {
  if (scheduleProblem(raw) !== null) return null;
  const s = normalSchedule(raw);
  const midnight = { hour: 0, minute: 0 };
  switch (s) {
    case '@hourly': return { every: 'hour', minute: 0 };
    case '@daily': case '@midnight': return { every: 'day', ...midnight };
    case '@weekly': return { every: 'week', day: 0, ...midnight };
    case '@monthly': return { every: 'month', day: 1, ...midnight };
    case '@yearly': case '@annually': return { every: 'year', day: 1, month: 1, ...midnight };
  }
  const [mi = '', ho = '', dom = '', mon = '', dow = ''] = s.split(' ');
  const [fMin, fHour, fDom, fMon, fDow] = CRON_FIELDS as [FieldSpec, FieldSpec, FieldSpec, FieldSpec, FieldSpec];
  const minute = single(mi, fMin);
  const hour = single(ho, fHour);
  const everyDay = dom === '*' && mon === '*' && dow === '*';
  if (everyDay && ho === '*') {
    if (mi === '*') return { every: 'minute' };
    const step = /^\*\/(\d+)$/.exec(mi);
    if (step) return step[1] === '1' ? { every: 'minute' } : { every: 'minutes', n: Number(step[1]) };
    if (minute !== null) return { every: 'hour', minute };
    return null;
  }
  if (minute === null) return null;
  const hourStep = /^\*\/(\d+)$/.exec(ho);
  if (everyDay && hourStep) return { every: 'hours', n: Number(hourStep[1]), minute };
  if (hour === null) return null;
  const at = { hour, minute };
  if (everyDay) return { every: 'day', ...at };
  // cron takes 7 for Sunday as well as 0.
  const weekday = (d: number) => d % 7;
  if (dom === '*' && mon === '*') {
    const day = single(dow, fDow);
    if (day !== null) return { every: 'week', day: weekday(day), ...at };
    const range = /^([a-z0-9]+)-([a-z0-9]+)$/.exec(dow);
    const from = range ? single(range[1]!, fDow) : null;
    const to = range ? single(range[2]!, fDow) : null;
    if (from !== null && to !== null) return { every: 'days-of-week', from: weekday(from), to: weekday(to), ...at };
    return null;
  }
  const d = single(dom, fDom);
  if (d !== null && dow === '*') {
    if (mon === '*') return { every: 'month', day: d, ...at };
    const m = single(mon, fMon);
    if (m !== null) return { every: 'year', day: d, month: m, ...at };
  }
  return null;
}
