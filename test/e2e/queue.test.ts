// A server's task queue in Chromium: the queue's test tasks put on it by `test.enqueue` (browser
// mode started with test/helpers/serve-with-test-kinds.ts; the app has no generic enqueue, and
// the hosting screens' own tasks are in hosting-full), the first fails and stops the queue (a
// desktop notification, the badge in the fleet, the failed task's detail with its commands and
// stderr); the missing file is created, Retry, and every task is done. An FTP login whose
// password was lost before its task ran takes a new one in the task's detail, and logs in.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { Client } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '../../shared/queue';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, contract, e2eSuite, fillServerForm, recordNotifications, shot, shown } from './app';

const suite = e2eSuite();

describe('the task queue in the UI', () => {
  it('shows a stopped queue and its failed task, and goes on after Retry', async () => {
    const app = await suite.start('e2e-queue', undefined, { testKinds: true });
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await recordNotifications(context);
    await context.grantPermissions(['notifications'], { origin: app.origin });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'testbed' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('alertdialog', { name: 'Unknown host key' }).getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();

    const servers = await contract<{ id: string; name: string }[]>(page, 'servers.list', {});
    const serverId = servers.find((s) => s.name === 'web1')!.id;
    const tag = randomUUID().slice(0, 8);
    const marker = `/tmp/hdq-e2e-${tag}.ready`;
    const file = `/tmp/hdq-e2e-${tag}.txt`;
    try {
      await contract(page, 'test.enqueue', { serverId, kind: 'fail-unless-file', params: { path: marker } });
      await contract(page, 'test.enqueue', { serverId, kind: 'ensure-line', params: { path: file, line: 'server_name shop.test;' } });
      await contract(page, 'test.enqueue', { serverId, kind: 'ensure-line', params: { path: file, line: "it's $(not) run" } });

      await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Queue', exact: true }).click();
      const view = page.getByRole('region', { name: 'Queue of web1' });
      await view.locator('tr.queue-row[data-status=failed]').waitFor({ timeout: 20_000 });
      expect(await view.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['failed', 'pending', 'pending']);
      await view.getByRole('alert').getByText('The queue is stopped:').waitFor();
      await page.getByRole('navigation', { name: 'Fleet' }).getByLabel('queue stopped').waitFor();
      expect((await shown(page)).filter((n) => n.title === 'A queued task failed')).toEqual([
        { title: 'A queued task failed', body: `Check that ${marker} exists (exit 1); the server's queue is stopped.`, tag: `hostdeck-queue-${serverId}` },
      ]);
      await shot(page, 'queue-01');

      await view.locator('tr.queue-row[data-status=failed]').getByRole('button').click();
      const detail = view.getByRole('complementary', { name: 'Task detail' });
      await detail.waitFor();
      expect(await detail.locator('.task-commands').textContent()).toBe(`test -e '${marker}'`);
      expect(await detail.locator('.task-err').textContent()).toBe(`missing: ${marker}\n`);
      expect(await detail.getByTestId('exit-code').textContent()).toBe('1');
      await shot(page, 'queue-02-task-detail');

      writeFileSync(marker, ''); // the fix (the test server is this machine)
      await view.getByRole('alert').getByRole('button', { name: 'Retry', exact: true }).click();
      await expect.poll(() => view.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), { timeout: 20_000 }).toEqual(['done', 'done', 'done']);
      await page.getByRole('navigation', { name: 'Fleet' }).getByLabel('queue stopped').waitFor({ state: 'detached' });
      expect(await detail.locator('.task-out').textContent()).toBe(`present: ${marker}\n`);
      await shot(page, 'queue-03-done');
    } finally {
      rmSync(marker, { force: true });
      rmSync(file, { force: true });
    }
  });

  it('gives an FTP login whose password was lost a new one from the task detail, and the login works', async () => {
    const tag = randomUUID().replaceAll('-', '').slice(0, 6);
    const site = `hdqe${tag}`;
    const user = `hdqe-${tag}`;
    const { passwdFile, dbFile } = suite.tb.ftp;
    cleanups.push(() => {
      execFileSync('sh', ['-c', `pure-pw userdel ${user} -f ${passwdFile} -F ${dbFile} -m; id -u ${site} && userdel -r ${site}; rm -rf /var/log/hostdeck/${site} /etc/logrotate.d/hostdeck-${site}; true`], { stdio: 'ignore' });
    });
    const app = await suite.start('e2e-queue-recover', undefined, { testKinds: true });
    const page = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' }).then((c) => c.newPage());
    await page.goto(app.url);
    await addTrustedWeb1(page, suite.tb, 'root');
    const serverId = (await contract<{ id: string; name: string }[]>(page, 'servers.list', {})).find((s) => s.name === 'web1')!.id;
    const tasks = () => contract<{ tasks: Task[] }>(page, 'queue.list', { serverId }).then((l) => l.tasks);
    await contract(page, 'hosting.setSettings', { serverId, ftp: { passwdFile, dbFile } });
    // A new site is two tasks: its account (site.create) and its log folder (logs.site).
    await contract(page, 'hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await expect.poll(async () => (await tasks()).map((t) => t.status), { timeout: 30_000 }).toEqual(['done', 'done']);
    // A stopped queue keeps the login's task waiting; then its password is lost (as when the app
    // restarts without an OS keychain, or the keychain entry is removed).
    await contract(page, 'test.enqueue', { serverId, kind: 'fail-unless-file', params: { path: `/tmp/hdq-e2e-missing-${tag}` } });
    await expect.poll(async () => (await tasks()).map((t) => t.status), { timeout: 20_000 }).toEqual(['done', 'done', 'failed']);
    const first = `first'pw "${tag}"`;
    registerSecret('e2e queue: the lost FTP password', first);
    const created = await contract<{ tasks: Task[] }>(page, 'hosting.createFtp', { serverId, site, user, password: first });
    await (await openKeychain()).delete(`task:${String(created.tasks[0]!.params.passwordRef)}`);

    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Queue', exact: true }).click();
    const view = page.getByRole('region', { name: 'Queue of web1' });
    await view.getByRole('alert').getByRole('button', { name: 'Skip', exact: true }).click();
    const alert = view.getByRole('alert').filter({ hasText: 'The queue is stopped:' });
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('Its password was lost: give it a new one in its detail — or skip it.');
    await alert.getByRole('button', { name: 'Set a new password…' }).click();
    const detail = view.getByRole('complementary', { name: 'Task detail' });
    const form = detail.getByRole('form', { name: 'New password for this task' });
    await form.waitFor();
    expect(await detail.locator('.task-err').textContent()).toMatch(/no longer in the OS keychain/);
    expect(await detail.getByRole('button', { name: 'Retry this task' }).count()).toBe(0);

    await form.locator('[data-field=password] input').fill('short');
    await form.getByRole('button', { name: 'Set password and retry' }).click();
    await expect.poll(() => form.locator('[data-field=password] .field-error').textContent()).toMatch(/too short/);
    await shot(page, 'queue-04-password-lost');

    const fresh = `new'pw "${tag}" $(id)`;
    registerSecret('e2e queue: the new FTP password', fresh);
    await form.locator('[data-field=password] input').fill(fresh);
    await form.getByRole('button', { name: 'Set password and retry' }).click();
    await expect.poll(() => view.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), { timeout: 30_000 }).toEqual(['done', 'done', 'skipped', 'done']);
    await form.waitFor({ state: 'detached' });
    await shot(page, 'queue-05-password-recovered');
    const ftp = new Client(20_000);
    try {
      await ftp.access({ host: suite.tb.ftp.host, port: suite.tb.ftp.port, user, password: fresh, secure: false });
    } finally {
      ftp.close();
    }

    await contract(page, 'hosting.deleteSite', { serverId, site, confirm: site });
    await expect.poll(async () => (await tasks()).at(-1)!.status, { timeout: 30_000 }).toBe('done');
  });
});

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const clean of cleanups) clean();
});
