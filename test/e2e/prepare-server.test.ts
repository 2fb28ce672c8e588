// "Prepare server…" in Chromium: from a server's page, the preflight report of web1 (this
// machine, read-only), the roles, what would change and the tasks with their commands; queued,
// the tasks show in the server's queue, which stops at the first (here: not logged in as root,
// and no sudo to become it, so nothing changes on this machine) with the reason. The real preparation of a fresh machine is
// test/slow/prepare-server.test.ts.
import { describe, expect, it } from 'vitest';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';

const suite = e2eSuite();

describe('Prepare server (UI)', () => {
  it('shows the preflight, the roles and the plan, queues the tasks and the queue stops at the first failure', async () => {
    const { page } = await suite.open('prepare-ui');
    await addTrustedWeb1(page, suite.tb);
    const serverView = page.getByRole('region', { name: 'Server web1' });
    await serverView.getByRole('button', { name: 'Prepare server…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Prepare web1' });
    const preflight = dialog.getByRole('region', { name: 'Preflight' });
    await preflight.waitFor();
    expect(await preflight.textContent()).toMatch(/Debian GNU\/Linux 12/);
    expect(await preflight.textContent()).toMatch(/Listening/);
    // Base and the server's own roles (web1: web) at first; DNS adds BIND's task before the firewall.
    const changes = dialog.getByRole('region', { name: 'What would change' });
    await changes.waitFor();
    await calmShot(page, 'prepare-preflight');
    const kinds = () => dialog.locator('ol.preview-tasks > li').evaluateAll((li) => li.map((l) => l.getAttribute('data-kind')));
    await expect.poll(kinds).toEqual(['prepare.base', 'prepare.web', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    await dialog.getByRole('checkbox', { name: /DNS: BIND/ }).check();
    await expect.poll(kinds).toEqual(['prepare.base', 'prepare.web', 'prepare.ns', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(await changes.textContent()).toMatch(/UDP 53/);
    await dialog.getByRole('checkbox', { name: /DNS: BIND/ }).uncheck();
    await expect.poll(kinds).toEqual(['prepare.base', 'prepare.web', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(await changes.textContent()).toMatch(/firewall \(nftables table inet hostdeck\): in only TCP .*80, 443/);
    await dialog.locator('li[data-kind="prepare.web"] summary').click();
    expect(await dialog.getByLabel('Commands of Prepare web: nginx, PHP-FPM, quota, folders').textContent()).toContain('ensure_running nginx');
    await calmShot(page, 'prepare-dialog');

    await dialog.getByRole('button', { name: 'Queue these tasks' }).click();
    await dialog.getByRole('status').filter({ hasText: '5 tasks queued' }).waitFor();
    await calmShot(page, 'prepare-queued');
    await dialog.getByRole('button', { name: 'Open the queue' }).click();
    const queue = page.getByRole('region', { name: 'Queue of web1' });
    await queue.locator('tr.queue-row[data-status=failed]').waitFor({ timeout: 30_000 });
    expect(await queue.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['failed', 'pending', 'pending', 'pending', 'pending']);
    await queue.locator('tr.queue-row[data-status=failed]').getByRole('button').click();
    const detail = queue.getByRole('complementary', { name: 'Task detail' });
    expect(await detail.locator('.task-err').textContent()).toMatch(/this login \(hdtest\) is not root and sudo is not installed: .*nothing was changed|sudo asks hdtest for a password.*nothing was changed/);
    await calmShot(page, 'prepare-queue-stopped');
  });
});
