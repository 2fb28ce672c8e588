// "Run now" and the last runs of a site's cron jobs. Run now is not a queue task: it changes no
// configuration, and a job may run for minutes while the queue's lock would hold every other
// change of the server behind it. It runs on an exec channel of its own, as the site's user
// (runuser, environment emptied: the runner sets what cron sets), through the same runner as
// cron, so it cannot overlap the scheduled run either. Its output is streamed to the window that
// asked as it comes (cron.output events, like a terminal's), then cron.done.
import type { ClientChannel } from 'ssh2';
import { CronJob, CronPath, cronLogPath, type CronLastRun } from '../../../shared/cron';
import { AppError, msg } from '../../../shared/errors';
import { SiteName } from '../../../shared/hosting';
import type { EventHub } from '../events';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';
import { parseLastRuns, STILL_RUNNING_EXIT } from './cron-file';
import { REQUIRE_SITE_ACCOUNT } from './cron-tasks';
import { assertSafe } from './quote';

/** Checks, as root, that the job can be handed over: a site's account and the runner in place. */
export function runCheckScript(site: string, runner: string): string {
  return [
    `site=${shQuote(assertSafe(SiteName, site, 'site'))}`,
    `home=${shQuote(`/home/${site}`)}`,
    `runner=${shQuote(assertSafe(CronPath, runner, 'runner'))}`,
    ...REQUIRE_SITE_ACCOUNT,
    'if [ ! -x "$runner" ]; then echo "the job runner $runner is not on this server yet: the task that writes the site\'s cron jobs has not run (see the queue)" >&2; exit 4; fi',
  ].join('\n');
}

/** Hands the job to the runner as the site's user, with an empty environment (the runner sets what cron sets). */
export function runNowCommand(site: string, raw: CronJob, runner: string): string {
  const job = assertSafe(CronJob, raw, 'job');
  return `exec runuser -u ${shQuote(assertSafe(SiteName, site, 'site'))} -- env -i ${shQuote(assertSafe(CronPath, runner, 'runner'))} ${shQuote(job.id)} ${shQuote(job.command)}`;
}

/** Reads the end of the site's log as the site's user (never as root: the site owns that path). */
export function lastRunsScript(site: string): string {
  const name = assertSafe(SiteName, site, 'site');
  return [
    `site=${shQuote(name)}`,
    `home=${shQuote(`/home/${name}`)}`,
    ...REQUIRE_SITE_ACCOUNT,
    `runuser -u "$site" -- sh -c 'if [ -f "$1" ]; then tail -c 1048576 "$1" | grep "^=== "; fi; true' sh ${shQuote(cronLogPath(name))}`,
  ].join('\n');
}

export class CronRunner {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly events: EventHub,
  ) {}

  async lastRuns(serverId: string, site: string): Promise<CronLastRun[]> {
    const lease = await this.connections.acquire(serverId, { interactive: false });
    try {
      const result = await exec(await lease.ready(), lastRunsScript(site), 30_000);
      if (result.code !== 0) throw AppError.worded('ssh', msg('Reading the cron log of {{site}} failed.'), { site }, { details: `${result.stderr}`.slice(-2000) });
      return parseLastRuns(result.stdout);
    } finally {
      lease.release();
    }
  }

  /** Resolves once the job started (or throws why it could not); the rest arrives as events to `windowId`. */
  async run(serverId: string, site: string, job: CronJob, runner: string, runId: string, windowId: string | null): Promise<void> {
    const to = windowId ?? undefined;
    const lease = await this.connections.acquire(serverId);
    let channel: ClientChannel;
    try {
      const client = await lease.ready();
      const check = await exec(client, runCheckScript(site, runner), 30_000);
      if (check.code !== 0) throw check.stderr.trim() ? new AppError('conflict', check.stderr.trim()) : AppError.worded('conflict', msg('The job of {{site}} cannot run on this server.'), { site });
      channel = await new Promise<ClientChannel>((resolve, reject) => client.exec(runNowCommand(site, job, runner), (error, ch) => (error ? reject(new AppError('ssh', msg('The server refused to run the job.'), { details: error.message })) : resolve(ch))));
    } catch (error) {
      lease.release();
      throw error;
    }
    const decoder = { out: new TextDecoder(), err: new TextDecoder() };
    let head = '';
    const send = (data: string) => {
      if (data === '') return;
      if (head.length < 200) head += data;
      this.events.emit('cron.output', { runId, data }, to);
    };
    channel.on('data', (d: Buffer) => send(decoder.out.decode(d, { stream: true })));
    channel.stderr.on('data', (d: Buffer) => send(decoder.err.decode(d, { stream: true })));
    channel.on('close', (code: number | null) => {
      lease.release();
      send(decoder.out.decode());
      send(decoder.err.decode());
      const stillRunning = code === STILL_RUNNING_EXIT && head.startsWith(`job ${job.id} is still running`);
      this.events.emit('cron.done', { runId, exitCode: code, stillRunning }, to);
    });
  }
}
