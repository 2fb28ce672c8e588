// Cron jobs of a site: the schedule grammar (cron(8)'s fields, ranges, lists, steps and names,
// the @ forms; @reboot refused), the command's quoting (a % reaches sh as typed through cron's own
// % handling, simulated here as cron does it and read back by a real sh), the file rendered whole
// (hostile values refused again there), its reading back for adoption, and the log's last runs.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, HostingChange, type HostingSettings, type SiteRecord } from '../../shared/api/hosting';
import { CronCommand, CronSchedule, cronQuote, cronUnquote, readSchedule, scheduleProblem } from '../../shared/cron';
import { i18n } from '../../src-renderer/i18n';
import { describeSchedule } from '../../src-renderer/hosting/cron-text';
import { parseCronFile, parseLastRuns, renderCronFile } from '../../src-main/core/hosting/cron-file';
import { setCronJob, removeCronJob } from '../../src-main/core/hosting/cron-plans';
import { fileLines } from '../../src-main/core/hosting/cron-tasks';
import { runNowCommand } from '../../src-main/core/hosting/cron-run';
import { deleteSite, setStatus } from '../../src-main/core/hosting/plans';
import { hostileCommands, hostileSchedules } from '../helpers/cron';

const settings: HostingSettings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
const RUNNER = '/usr/local/lib/hostdeck/cron-run';
const site = (cron: SiteRecord['cron'] = []): SiteRecord => ({ name: 'shop', quotaMb: 0, status: 'active', createdAt: '2026-01-01T00:00:00.000Z', ftpUsers: [], databases: [], domains: [], creations: [], tls: [], cron });

/** What cron(8) (Debian's do_command) hands to sh: \% becomes %, a bare % ends the command. */
function cronCommandOf(text: string): string {
  let out = '';
  let escaped = false;
  for (const ch of text) {
    if (escaped) {
      out = ch === '%' ? `${out.slice(0, -1)}%` : out + ch;
      escaped = false;
      continue;
    }
    if (ch === '%') break;
    out += ch;
    if (ch === '\\') escaped = true;
  }
  return out;
}

/** The one word a real sh reads from `word`. */
function shWord(word: string): string {
  return execFileSync('/bin/sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
}

describe('cron schedule', () => {
  const valid = ['* * * * *', '*/5 * * * *', '0 3 * * *', '15,45 8-18 * * 1-5', '0 0 1 jan *', '30 2 * * sun', '0 9 * * MON-fri', '0 0 1-31/2 * *', '0 */6 * * *', '59 23 31 12 7', '0-59/15 0 * * 0', '0 12 * jan-mar,oct-dec *', '@hourly', '@DAILY', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', ' 0  3 * * * '];
  it.each(valid)('accepts %j', (v) => {
    expect(scheduleProblem(v)).toBeNull();
    expect(CronSchedule.safeParse(v).success).toBe(true);
  });

  it('normalises spaces and case', () => {
    expect(CronSchedule.parse(' 0  9 * * MON-fri ')).toBe('0 9 * * mon-fri');
    expect(CronSchedule.parse('@DAILY')).toBe('@daily');
  });

  it.each(hostileSchedules('/tmp/canary'))('refuses %j', (v) => {
    expect(scheduleProblem(v)).not.toBeNull();
    expect(CronSchedule.safeParse(v).success).toBe(false);
  });

  it('says why in one sentence', () => {
    expect(scheduleProblem('@reboot')).toMatch(/@reboot is not offered/);
    expect(scheduleProblem('60 * * * *')).toBe('Schedule minute: 60 is out of range (0-59)');
    expect(scheduleProblem('* * * *')).toMatch(/five fields .* found 4/);
    expect(scheduleProblem('5/10 * * * *')).toMatch(/a step needs \* or a range/);
  });

  it('reads common schedules aloud', () => {
    expect(describeSchedule('0 3 * * *')).toBe('every day at 03:00');
    expect(describeSchedule('*/5 * * * *')).toBe('every 5 minutes');
    expect(describeSchedule('* * * * *')).toBe('every minute');
    expect(describeSchedule('15 * * * *')).toBe('every hour at :15');
    expect(describeSchedule('30 9 * * 1-5')).toBe('Monday to Friday at 09:30');
    expect(describeSchedule('0 8 * * sun')).toBe('every Sunday at 08:00');
    expect(describeSchedule('0 4 1 * *')).toBe('on day 1 of every month at 04:00');
    expect(describeSchedule('0 */6 * * *')).toBe('every 6 hours at :00');
    expect(describeSchedule('@daily')).toBe('every day at 00:00');
    expect(describeSchedule('0 6 1 1 *')).toBe('every year on 1 January at 06:00');
    expect(describeSchedule('0 8 * * 7')).toBe('every Sunday at 08:00');
    expect(describeSchedule('5,35 1 * * *')).toBeNull();
    expect(readSchedule('30 9 * * mon-fri')).toEqual({ every: 'days-of-week', from: 1, to: 5, hour: 9, minute: 30 });
  });

  it('reads them aloud in Russian too, with the right forms', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(describeSchedule('0 3 * * *')).toBe('ежедневно в 03:00');
      expect(describeSchedule('*/5 * * * *')).toBe('каждые 5 минут');
      expect(describeSchedule('*/2 * * * *')).toBe('каждые 2 минуты');
      expect(describeSchedule('0 8 * * wed')).toBe('по средам в 08:00');
      expect(describeSchedule('30 9 * * 1-5')).toBe('понедельник–пятница в 09:30');
      expect(describeSchedule('0 6 1 1 *')).toBe('ежегодно 1 января в 06:00');
      expect(describeSchedule('0 4 15 * *')).toBe('15-го числа каждого месяца в 04:00');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});

describe('cron command', () => {
  const typed = ["php artisan schedule:run >> storage/logs/cron.log 2>&1", "date +%Y-%m-%d", "echo 100% 'done'", "printf '%s\\n' a\\%b", "echo \\%", "echo '\\' \"%\" %% '%'", "echo héllo 😀 $HOME `id -u`", "a'b'%'c"];
  it.each(typed)('reaches sh as typed through cron: %j', (command) => {
    expect(CronCommand.safeParse(command).success).toBe(true);
    const word = cronQuote(command);
    expect(word).not.toMatch(/(^|[^\\])%/);
    expect(cronUnquote(word)).toBe(command);
    expect(shWord(cronCommandOf(word))).toBe(command);
  });

  it.each(hostileCommands('/tmp/canary'))('refuses %j', (v) => {
    expect(CronCommand.safeParse(v).success).toBe(false);
  });

  it('reads only its own quoting back', () => {
    for (const w of ["'a'b", "a", "'a", "'a'\\x'b'", "'a'';'"]) expect(cronUnquote(w)).toBeNull();
  });
});

describe('cron file', () => {
  const jobs = [
    { id: 'a1b2c3d4', schedule: '0 3 * * *', command: "php artisan backup:run --quiet" },
    { id: '0000beef', schedule: '@hourly', command: "date +%F >> ~/logs/dates; echo it's" },
  ];

  it('is rendered whole: header, environment, one line per job run as the site through the runner', () => {
    expect(renderCronFile({ site: 'shop', jobs, active: true, runner: RUNNER })).toBe(
      [
        `# Hostdeck: cron jobs of site shop, each run as shop through ${RUNNER}`,
        '# (never twice at once; output and exit code appended to /home/shop/logs/cron.log).',
        '# Written whole by Hostdeck from its records: changes made here are overwritten.',
        'SHELL=/bin/sh',
        'PATH=/usr/local/bin:/usr/bin:/bin',
        'MAILTO=""',
        `0 3 * * * shop ${RUNNER} a1b2c3d4 'php artisan backup:run --quiet'`,
        `@hourly shop ${RUNNER} 0000beef 'date +'\\%'F >> ~/logs/dates; echo it'\\''s'`,
        '',
      ].join('\n'),
    );
  });

  it('keeps a suspended site\'s lines commented out, and reads both back', () => {
    const text = renderCronFile({ site: 'shop', jobs, active: false, runner: RUNNER });
    const lines = text.split('\n').filter((l) => l.includes(RUNNER) && !l.startsWith('# Hostdeck'));
    expect(lines.every((l) => l.startsWith('#suspended# '))).toBe(true);
    expect(parseCronFile(text, 'shop', RUNNER)).toEqual({ jobs, suspended: true, foreign: 0 });
    expect(parseCronFile(renderCronFile({ site: 'shop', jobs, active: true, runner: RUNNER }), 'shop', RUNNER)).toEqual({ jobs, suspended: false, foreign: 0 });
    expect(parseCronFile(`${text}* * * * * root rm -rf /\n`, 'shop', RUNNER).foreign).toBe(1);
  });

  it('refuses hostile values again where they reach the file, the task and the run', () => {
    const all = [...hostileSchedules('/tmp/canary').map((schedule) => ({ id: 'a1b2c3d4', schedule, command: 'true' })), ...hostileCommands('/tmp/canary').map((command) => ({ id: 'a1b2c3d4', schedule: '* * * * *', command }))];
    expect(all.length).toBeGreaterThanOrEqual(40);
    for (const job of all) {
      expect(() => renderCronFile({ site: 'shop', jobs: [job], active: true, runner: RUNNER })).toThrow();
      expect(() => fileLines({ site: 'shop', jobs: [job], active: true, runner: RUNNER, dir: '/etc/cron.d' })).toThrow();
      expect(() => runNowCommand('shop', job, RUNNER)).toThrow();
    }
    for (const bad of ['root', '../x', 'shop\n* * * * * root x', 'a.b']) expect(() => renderCronFile({ site: bad, jobs, active: true, runner: RUNNER })).toThrow();
    for (const runner of ['relative', '/x/../y', '/x y', "/x'y"]) expect(() => renderCronFile({ site: 'shop', jobs, active: true, runner })).toThrow();
    expect(() => renderCronFile({ site: 'shop', jobs: [{ id: 'ABC', schedule: '* * * * *', command: 'true' }], active: true, runner: RUNNER })).toThrow();
  });
});

describe('cron plans', () => {
  it('writes the file whole on add and change, removes it with the last job', () => {
    const added = setCronJob([site()], site(), settings, { site: 'shop', schedule: '0 3 * * *', command: 'true' }, 'a1b2c3d4');
    expect(added.steps).toEqual([{ kind: 'cron.file', params: { site: 'shop', jobs: [added.job], active: true, dir: '/etc/cron.d', runner: RUNNER } }]);
    const s = added.sites[0]!;
    const changed = setCronJob(added.sites, s, settings, { site: 'shop', id: 'a1b2c3d4', schedule: '@daily', command: 'false' });
    expect(changed.sites[0]!.cron).toEqual([{ id: 'a1b2c3d4', schedule: '@daily', command: 'false' }]);
    expect(removeCronJob(changed.sites, changed.sites[0]!, settings, 'a1b2c3d4').steps).toEqual([{ kind: 'cron.remove', params: { site: 'shop', dir: '/etc/cron.d' } }]);
    expect(() => removeCronJob(changed.sites, changed.sites[0]!, settings, 'ffffffff')).toThrow(/No cron job/);
  });

  it('follows suspension and goes before the account on delete', () => {
    const s = site([{ id: 'a1b2c3d4', schedule: '0 3 * * *', command: 'true' }]);
    const suspended = setStatus([s], settings, 'shop', 'suspended').steps.find((x) => x.kind === 'cron.file');
    expect(suspended?.params.active).toBe(false);
    expect(setStatus([{ ...s, status: 'suspended' }], settings, 'shop', 'active').steps.find((x) => x.kind === 'cron.file')?.params.active).toBe(true);
    const kinds = deleteSite([s], settings, 'shop').steps.map((x) => x.kind);
    expect(kinds.indexOf('cron.remove')).toBeLessThan(kinds.indexOf('site.delete'));
    expect(deleteSite([site()], settings, 'shop').steps.some((x) => x.kind.startsWith('cron.'))).toBe(false);
  });

  it('previews as a change of the contract', () => {
    expect(HostingChange.safeParse({ op: 'setCronJob', input: { site: 'shop', schedule: '0 3 * * *', command: 'true' } }).success).toBe(true);
    expect(HostingChange.safeParse({ op: 'setCronJob', input: { site: 'shop', schedule: '@reboot', command: 'true' } }).success).toBe(false);
    expect(HostingChange.safeParse({ op: 'removeCronJob', site: 'shop', id: 'a1b2c3d4' }).success).toBe(true);
  });
});

describe('cron log', () => {
  it('gives the last run of each job', () => {
    const log = [
      '=== 2026-12-06 03:00:00 +0000 job a1b2c3d4 start',
      'some output',
      '=== 2026-12-06 03:00:02 +0000 job a1b2c3d4 exit 0',
      '=== 2026-12-06 04:00:00 +0000 job a1b2c3d4 start',
      '=== 2026-12-06 04:00:01 +0000 job a1b2c3d4 exit 3',
      '=== 2026-12-06 04:00:00 +0000 job 0000beef start',
      '=== 2026-12-06 04:01:00 +0000 job 0000beef not started: still running',
      '=== fake line job zzz exit 0',
    ].join('\n');
    expect(parseLastRuns(log)).toEqual([
      { id: 'a1b2c3d4', at: '2026-12-06 04:00:01 +0000', exitCode: 3 },
      { id: '0000beef', at: '2026-12-06 04:00:00 +0000', exitCode: null, note: 'running' },
    ]);
  });
});
