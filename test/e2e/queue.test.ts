// A server's task queue in Chromium: generic tasks put on the queue through the contract (the
// hosting screens' own tasks are in hosting-full), the first fails and stops the queue (a
// desktop notification, the badge in the fleet, the failed task's detail with its commands and
// stderr); the missing file is created, Retry, and every task is done.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, fillServerForm, recordNotifications, shot, shown } from './app';

const suite = e2eSuite();

/** One contract call over a WebSocket of the page's own (the same origin and session as the UI). */
function contract<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    ([method, input]) =>
      new Promise<T>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        ws.onopen = () => ws.send(JSON.stringify({ kind: 'call', id: 1, method, input }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { kind: string; id?: number; ok?: boolean; output?: T; error?: unknown };
          if (m.kind !== 'result' || m.id !== 1) return;
          ws.close();
          if (m.ok) resolve(m.output as T);
          else reject(new Error(JSON.stringify(m.error)));
        };
        ws.onerror = () => reject(new Error('WebSocket failed'));
      }),
    [method, input] as const,
  );
}

describe('the task queue in the UI', () => {
  it('shows a stopped queue and its failed task, and goes on after Retry', async () => {
    const app = await suite.start('e2e-queue');
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
      await contract(page, 'queue.enqueue', { serverId, kind: 'fail-unless-file', params: { path: marker } });
      await contract(page, 'queue.enqueue', { serverId, kind: 'ensure-line', params: { path: file, line: 'server_name shop.test;' } });
      await contract(page, 'queue.enqueue', { serverId, kind: 'ensure-line', params: { path: file, line: "it's $(not) run" } });

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
});
