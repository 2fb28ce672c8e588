// A team's dns login in Chromium answers DNS tasks only: it joins the team in Settings → Team and
// opens web1's queue, stopped on a failed non-DNS task and holding a pending DNS task and a
// pending non-DNS task. The stopped note says why it offers no Retry, Skip or Cancel pending; the
// failed task's detail has no Retry or Skip; the DNS task's detail cancels it; the other pending
// task's detail offers no cancel (both details say why). The queue stays stopped: nothing runs.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import type { Server } from '../../shared/domain';
import { describeTask, parseParams } from '../../src-main/core/queue/kinds';
import { activateRole } from '../../src-main/core/team/roles';
import '../../src-main/core/dns/remove-task';
import '../../src-main/core/hosting/cron-tasks';
import '../../src-main/core/hosting/log-tasks';
import { teamSuite } from '../helpers/team-mariadb';
import { calmShot, contract, e2eSuite, joinTeamInSettings, newPage } from './app';

const suite = e2eSuite();
const fx = teamSuite('e2edq');

/** A task as a workstation's core journals it (title and commands from its kind). */
function task(kind: string, params: Record<string, unknown>) {
  const parsed = parseParams(kind, params);
  return { id: randomUUID(), kind, ...describeTask(kind, parsed), params: parsed, enqueuedAt: new Date().toISOString() };
}

describe('a dns login and the queue in the UI', () => {
  it('answers the DNS task only: no Retry, Skip or Cancel for the others, and says why', async () => {
    const team = fx.team;
    const connect = { host: '127.0.0.1', port: 3307, database: team.database };

    // An admin's workstation puts web1 in the team's inventory, and is closed (it runs nothing).
    const admin = await team.person('admin');
    await activateRole(admin.conn, team.database);
    const adminApp = await suite.start('e2e-team-dnsq-admin');
    const adminPage = await newPage(suite.browser);
    await adminPage.goto(adminApp.url);
    await contract(adminPage, 'team.join', { ...connect, user: admin.user, password: admin.password, workstation: 'ws-admin' });
    const web1 = await contract<Server>(adminPage, 'servers.add', {
      name: 'web1', host: suite.tb.ssh.web1.host, port: suite.tb.ssh.web1.port, user: 'hdtest',
      auth: { method: 'key', keyPath: suite.tb.keys.ed25519.path }, roles: ['web'], tags: [],
    });
    await adminPage.context().close();
    await adminApp.stop();

    // web1's journal, written by root in one statement: a failed site task (the queue is stopped,
    // so nothing after it runs), then a DNS task and a cron task waiting.
    const site = `dnsq${randomUUID().slice(0, 6)}`;
    const failed = task('logs.remove', { site, dir: '/var/log/hostdeck', rotateDir: '/etc/logrotate.d' });
    const zone = task('dns.remove', { zone: `${site}.test`, settings: { ...DEFAULT_NS_SETTINGS, queryHost: '127.0.0.1' } });
    const cron = task('cron.remove', { site, dir: '/etc/cron.d' });
    const at = new Date().toISOString();
    const events = [
      { t: 'enqueued', task: failed },
      { t: 'started', id: failed.id, at },
      { t: 'finished', id: failed.id, at, status: 'failed', exitCode: 1, stdoutTail: '', stderrTail: 'rm: cannot remove: Permission denied\n', ms: 12 },
      { t: 'enqueued', task: zone },
      { t: 'enqueued', task: cron },
    ];
    await team.root.query(`INSERT INTO queue_events (server_id, event, author) VALUES ${events.map(() => "(?, ?, 'admin')").join(', ')}`, events.flatMap((e) => [web1.id, JSON.stringify(e)]));

    // The dns login joins in Settings → Team.
    const dns = await team.person('dns');
    await activateRole(dns.conn, team.database);
    const app = await suite.start('e2e-team-dnsq');
    const page = await newPage(suite.browser);
    await page.goto(app.url);
    await joinTeamInSettings(page, { ...connect, workstation: 'ws-dns', user: dns.user, password: dns.password });

    await page.getByRole('navigation', { name: 'Fleet' }).getByRole('button', { name: /web1/ }).click({ timeout: 20_000 });
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Queue', exact: true }).click();
    const view = page.getByRole('region', { name: 'Queue of web1' });
    const statuses = () => view.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    await expect.poll(statuses, { timeout: 20_000 }).toEqual(['failed', 'pending', 'pending']);

    // The stopped note: why, and no answer offered.
    const alert = view.getByRole('alert').filter({ hasText: 'The queue is stopped:' });
    expect(await alert.textContent()).toContain('Your team role (dns) may retry, skip or cancel DNS tasks only: an operator or an admin answers this one.');
    expect(await alert.getByRole('button').count()).toBe(0);
    await calmShot(page, 'team-dns-queue-01-stopped');

    // The failed site task: no Retry, no Skip.
    const row = (t: { id: string }) => view.locator('tr.queue-row').nth([failed.id, zone.id, cron.id].indexOf(t.id as typeof failed.id));
    const detail = view.getByRole('complementary', { name: 'Task detail' });
    await row(failed).getByRole('button').click();
    await detail.getByRole('heading', { name: failed.title }).waitFor();
    expect(await detail.locator('.actions button').count()).toBe(0);
    const why = detail.getByText('Your team role (dns) may retry, skip or cancel DNS tasks only; ask an operator or an admin.');
    await why.waitFor();

    // The waiting cron task: no cancel.
    await row(cron).getByRole('button').click();
    await detail.getByRole('heading', { name: cron.title }).waitFor();
    expect(await detail.locator('.actions button').count()).toBe(0);
    await why.scrollIntoViewIfNeeded();
    await calmShot(page, 'team-dns-queue-02-cron-task');

    // The waiting DNS task: cancelled from its detail.
    await row(zone).getByRole('button').click();
    await detail.getByRole('heading', { name: zone.title }).waitFor();
    const cancel = detail.getByRole('button', { name: 'Cancel this task' });
    expect(await why.count()).toBe(0);
    await cancel.scrollIntoViewIfNeeded();
    await calmShot(page, 'team-dns-queue-03-dns-task');
    await cancel.click();
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(['failed', 'cancelled', 'pending']);
    await detail.locator('.task-status.task-cancelled').waitFor();
    expect(await detail.locator('.actions button').count()).toBe(0);

    // In the team's journal: the dns login's cancel, and nothing else; the queue still stopped.
    const [rows] = await team.root.query<RowDataPacket[]>('SELECT CAST(event AS CHAR) AS event, author FROM queue_events WHERE server_id = ? ORDER BY seq', [web1.id]);
    const after = rows.slice(events.length).map((r) => JSON.parse(String(r.event)) as { t: string; id?: string });
    expect(after.map((e) => [e.t, e.id])).toEqual([['cancelled', zone.id]]);
    expect(await view.getByRole('alert').filter({ hasText: 'The queue is stopped:' }).count()).toBe(1);
  });
});
