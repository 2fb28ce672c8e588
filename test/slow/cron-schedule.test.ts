// The one cron test that waits for the clock: a job scheduled every minute, written by Hostdeck's
// task to the machine's /etc/cron.d, is run by the testbed's real cron within 70 s, as the site's
// user, with ', % and \% in its command reaching sh exactly as typed, and its exit logged.
// In the `slow` project (vitest.config.ts): it mostly sleeps, beside the other groups.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CronJob } from '../../shared/cron';
import { coreSuite } from '../helpers/core';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdcs${tag}`;
const cronFile = `/etc/cron.d/hostdeck-${site}`;
const proof = `/home/${site}/cron-proof`;

afterAll(() => {
  rmSync(cronFile, { force: true });
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
});

describe('cron runs a site\'s job on its schedule', () => {
  it('runs an every-minute job within 70 s as the site, its command as typed', async () => {
    const t = await suite.web1('cron-slow', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    const command = `printf '%s|%s|%s\\n' "it's" '50%' 'a\\%b' > cron-proof.tmp; id -u >> cron-proof.tmp; mv cron-proof.tmp cron-proof`;
    const { job } = await t.call<{ job: CronJob }>('hosting.setCronJob', { serverId, site, schedule: '* * * * *', command });
    const tasks = await settleQueue(t, serverId);
    expect(tasks.filter((x) => x.status !== 'done').map((x) => `${x.kind}: ${x.stderrTail}`)).toEqual([]);
    const written = Date.now();
    while (!existsSync(proof) && Date.now() - written < 70_000) await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(proof), `cron did not run the job within 70 s (cron running: ${sh('pgrep -a cron') ?? 'no'})`).toBe(true);
    expect(readFileSync(proof, 'utf8')).toBe(`it's|50%|a\\%b\n${sh(`id -u ${site}`)!.trim()}\n`);
    await expect.poll(() => (existsSync(`/home/${site}/logs/cron.log`) ? readFileSync(`/home/${site}/logs/cron.log`, 'utf8') : ''), { timeout: 10_000 }).toMatch(new RegExp(`job ${job.id} exit 0\\n`));

    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    await settleQueue(t, serverId);
    expect(existsSync(cronFile)).toBe(false);
  }, 120_000);
});
