// Sites in Chromium: web1 added as root with the ed25519 key (host key trusted in the UI), the
// Sites tab: a hostile name gets its field error, a new site becomes active with its task done
// on the queue, then Delete… names what goes and the account and its home are gone.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { e2eSuite, fillServerForm, shot } from './app';

const suite = e2eSuite();
const site = `hdsite${randomUUID().replaceAll('-', '').slice(0, 8)}`;
const canary = `/tmp/hd-site-e2e-canary-${randomUUID().slice(0, 8)}`;

const userExists = () => {
  try {
    execFileSync('id', ['-u', site], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

afterAll(() => {
  if (userExists()) {
    try {
      execFileSync('userdel', ['-r', site], { stdio: 'ignore' });
    } catch {
      // cleaned below
    }
  }
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(canary, { force: true });
});

describe('sites in the UI', () => {
  it('creates a site through the queue, then deletes it after a confirmation naming what goes', async () => {
    const { page } = await suite.open('e2e-sites');
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'root', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'testbed' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('alertdialog', { name: 'Unknown host key' }).getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();

    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const form = view.getByRole('form', { name: 'New site' });

    // A hostile name: the contract's field error under the field, nothing queued, nothing ran.
    await form.locator('[data-field=name] input').fill(`x; touch ${canary}`);
    await form.getByRole('button', { name: 'Create site' }).click();
    await expect.poll(() => form.locator('[data-field=name] .field-error').textContent()).toMatch(/Site name must not contain spaces/);
    expect(existsSync(canary)).toBe(false);

    await form.locator('[data-field=name] input').fill(site);
    await form.locator('[data-field=quotaMb] input').fill('100');
    await form.getByRole('button', { name: 'Create site' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('active');
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    expect(userExists()).toBe(true);
    expect(existsSync(`/home/${site}/public_html/index.html`)).toBe(true);
    await shot(page, 'sites-01');

    await row.getByRole('button', { name: 'Delete…' }).click();
    const dialog = view.getByRole('alertdialog', { name: `Delete site ${site}` });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain(`the Linux account ${site}`);
    expect(text).toContain(`/home/${site}`);
    await shot(page, 'sites-02-confirm-delete');
    await dialog.getByRole('button', { name: `Delete ${site}` }).click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(() => userExists() || existsSync(`/home/${site}`), { timeout: 30_000 }).toBe(false);

    // The link after the action opens the server's queue: both tasks done.
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    const queue = page.getByRole('region', { name: 'Queue of web1' });
    await expect.poll(() => queue.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), { timeout: 20_000 }).toEqual(['done', 'done']);
  });
});
