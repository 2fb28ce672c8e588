// Cron jobs of a site against the real sshd web1 as root and the testbed's cron (which reads the
// machine's real /etc/cron.d: the test removes its file): the file as written (content, root:root
// 0644), Run now as the site's user (uid checked) with its output streamed as it comes and
// logged with "exit N", no overlap (two runs at once: the second says the first still runs),
// suspension comments the lines out and unsuspension brings them back, adoption reads the file,
// deletion removes it; hostile schedules and commands are refused before anything is queued (a
// canary shows nothing ran). That cron itself runs a job is the slow test's (test/slow).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdoptionScan, SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_CRON_SETTINGS, type CronJob, type CronLastRun } from '../../shared/cron';
import type { Task } from '../../shared/queue';
import { renderCronFile } from '../../src-main/core/hosting/cron-file';
import { coreSuite, type TestCore } from '../helpers/core';
import { hostileCommands, hostileSchedules } from '../helpers/cron';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdcr${tag}`;
const canary = `/tmp/hd-cron-canary-${tag}`;
const cronFile = `/etc/cron.d/hostdeck-${site}`;

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

type Done = { runId: string; exitCode: number | null; stillRunning: boolean };

/** Starts a run and collects its streamed output (with when each piece came) until cron.done. */
async function runNow(t: TestCore, serverId: string, id: string): Promise<{ chunks: { at: number; data: string }[]; output: string; done: Done & { at: number } }> {
  const runId = randomUUID();
  const start = t.events.length;
  await t.call('hosting.runCronJob', { serverId, site, id, runId });
  const deadline = Date.now() + 20_000;
  const chunks: { at: number; data: string }[] = [];
  let seen = start;
  for (;;) {
    for (; seen < t.events.length; seen++) {
      const e = t.events[seen]!;
      const p = e.payload as { runId?: string; data?: string };
      if (p.runId !== runId) continue;
      if (e.event === 'cron.output') chunks.push({ at: Date.now(), data: p.data! });
      if (e.event === 'cron.done') return { chunks, output: chunks.map((c) => c.data).join(''), done: { ...(e.payload as Done), at: Date.now() } };
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${chunks.map((c) => c.data).join('')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterAll(() => {
  rmSync(cronFile, { force: true });
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(canary, { force: true });
});

describe('cron jobs of a site', () => {
  it('writes the file, runs now as the site with streamed output and a log, never overlaps, suspends, adopts, deletes; refuses hostile input', async () => {
    const t = await suite.web1('cron-life', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb), cron: DEFAULT_CRON_SETTINGS });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    const uid = sh(`id -u ${site}`)!.trim();

    // Hostile schedules and commands: refused at the contract, nothing queued or written.
    const before = (await settleQueue(t, serverId)).length;
    const hostile = [
      ...hostileSchedules(canary).map((schedule) => ({ schedule, command: 'true' })),
      ...hostileCommands(canary).map((command) => ({ schedule: '* * * * *', command })),
    ];
    expect(hostile.length).toBeGreaterThanOrEqual(40);
    for (const job of hostile) {
      const error = await t.fail('hosting.setCronJob', { serverId, site, ...job });
      expect(error.code, JSON.stringify(job)).toBe('invalid-input');
      expect(Object.keys(error.fields ?? {}).some((k) => k === 'schedule' || k === 'command'), JSON.stringify(error)).toBe(true);
      expect((await t.fail('hosting.preview', { serverId, change: { op: 'setCronJob', input: { site, ...job } } })).code).toBe('invalid-input');
    }
    expect((await settleQueue(t, serverId)).length).toBe(before);
    expect(existsSync(cronFile)).toBe(false);
    expect(existsSync(canary)).toBe(false);

    // A job: the file is written whole, root:root 0644, the command quoted for cron.
    const command = `id -u; pwd; echo "50% of it's \\%"; echo "$HOME $LOGNAME $PATH"`;
    const preview = await t.call<{ tasks: { kind: string; commands: string[] }[] }>('hosting.preview', { serverId, change: { op: 'setCronJob', input: { site, schedule: '0 3 * * *', command } } });
    expect(preview.tasks.map((x) => x.kind)).toEqual(['cron.file']);
    const { job } = await t.call<{ job: CronJob }>('hosting.setCronJob', { serverId, site, schedule: '0  3 * * *', command });
    expect(job.schedule).toBe('0 3 * * *');
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    const runner = DEFAULT_CRON_SETTINGS.runner;
    expect(readFileSync(cronFile, 'utf8')).toBe(renderCronFile({ site, jobs: [job], active: true, runner }));
    expect(readFileSync(cronFile, 'utf8')).toContain(`0 3 * * * ${site} ${runner} ${job.id} 'id -u; pwd; echo "50'\\%' of it'\\''s \\'\\%'"; echo "$HOME $LOGNAME $PATH"'`);
    const st = statSync(cronFile);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([0, 0, 0o644]);
    expect(statSync(runner).mode & 0o7777).toBe(0o755);

    // Run now: as the site's user, in its home, with cron's environment; logged with exit 0.
    const first = await runNow(t, serverId, job.id);
    expect(first.done.exitCode).toBe(0);
    expect(first.output.split('\n')).toEqual([uid, `/home/${site}`, "50% of it's \\%", `/home/${site} ${site} /usr/local/bin:/usr/bin:/bin`, '']);
    const log = readFileSync(`/home/${site}/logs/cron.log`, 'utf8');
    expect(log).toMatch(new RegExp(`^=== \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} job ${job.id} start\\n${uid}\\n`));
    expect(log).toMatch(new RegExp(`=== [^\\n]+ job ${job.id} exit 0\\n$`));
    expect(statSync(`/home/${site}/logs/cron.log`).uid).toBe(Number(uid));
    const { runs } = await t.call<{ runs: CronLastRun[] }>('hosting.cronLastRuns', { serverId, site });
    expect(runs).toEqual([expect.objectContaining({ id: job.id, exitCode: 0 })]);

    // A slow job: output streamed as it comes; two runs at once never overlap.
    const { job: slow } = await t.call<{ job: CronJob }>('hosting.setCronJob', { serverId, site, schedule: '*/5 * * * *', command: 'echo started; sleep 2; echo ended; exit 3' });
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    const [a, b] = await Promise.all([runNow(t, serverId, slow.id), new Promise((r) => setTimeout(r, 400)).then(() => runNow(t, serverId, slow.id))]);
    expect(a.done).toMatchObject({ exitCode: 3, stillRunning: false });
    expect(a.output).toBe('started\nended\n');
    expect(a.done.at - a.chunks[0]!.at).toBeGreaterThan(1500);
    expect(b.done).toMatchObject({ exitCode: 75, stillRunning: true });
    expect(b.output).toMatch(/still running/);
    expect(readFileSync(`/home/${site}/logs/cron.log`, 'utf8')).toMatch(new RegExp(`job ${slow.id} not started: still running\\n[^]*job ${slow.id} exit 3\\n$`));

    // Suspension comments the lines out (run now is refused meanwhile); unsuspension brings them back.
    await t.call('hosting.suspendSite', { serverId, site });
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    const jobs = (await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites.find((s) => s.name === site)!.cron;
    expect(readFileSync(cronFile, 'utf8')).toBe(renderCronFile({ site, jobs, active: false, runner }));
    expect(readFileSync(cronFile, 'utf8').split('\n').filter((l) => l.includes(` ${runner} `) && !l.startsWith('# '))).toEqual(jobs.map((j) => expect.stringMatching(new RegExp(`^#suspended# .* ${j.id} `))));
    expect((await t.fail('hosting.runCronJob', { serverId, site, id: job.id, runId: randomUUID() })).message).toMatch(/suspended/);
    await t.call('hosting.unsuspendSite', { serverId, site });
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    expect(readFileSync(cronFile, 'utf8')).toBe(renderCronFile({ site, jobs, active: true, runner }));

    // Adoption: another Hostdeck finds the site with its jobs.
    const fresh = await suite.web1('cron-adopt', 'root');
    await fresh.call('hosting.setSettings', { serverId: fresh.server.id, ...testbedHostingSettings(suite.tb) });
    const scan = await fresh.call<AdoptionScan>('hosting.adoptScan', { serverId: fresh.server.id });
    expect(scan.cron.find((c) => c.site === site)?.jobs).toEqual(jobs);
    const adopted = await fresh.call<{ sites: SiteRecord[] }>('hosting.adoptImport', { serverId: fresh.server.id, sites: [site] });
    expect(adopted.sites.find((s) => s.name === site)?.cron).toEqual(jobs);

    // Removing one job rewrites the file; deleting the site removes it before the account.
    await t.call('hosting.removeCronJob', { serverId, site, id: slow.id });
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    expect(readFileSync(cronFile, 'utf8')).toBe(renderCronFile({ site, jobs: [job], active: true, runner }));
    const del = await t.call<{ tasks: Task[] }>('hosting.deleteSite', { serverId, site, confirm: site });
    expect(del.tasks.map((x) => x.kind).indexOf('cron.remove')).toBeLessThan(del.tasks.map((x) => x.kind).indexOf('site.delete'));
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    expect(existsSync(cronFile)).toBe(false);
    expect(existsSync(canary)).toBe(false);
  });
});
