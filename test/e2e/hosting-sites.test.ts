// Sites in Chromium: web1 added as root with the ed25519 key (host key trusted in the UI), the
// Sites tab: a hostile name gets its field error, a new site becomes active with its task done
// on the queue, an FTP login (generated password shown once) works with a real FTP client and is
// deleted after a confirmation, then Delete site… lists what goes, takes the typed name, and the
// account and its home are gone.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { Client } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, e2eSuite, shot } from './app';

const suite = e2eSuite();
const site = `hdsite${randomUUID().replaceAll('-', '').slice(0, 8)}`;
const canary = `/tmp/hd-site-e2e-canary-${randomUUID().slice(0, 8)}`;
const ftpUser = `${site}-ftp`;

const userExists = () => {
  try {
    execFileSync('id', ['-u', site], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

afterAll(() => {
  try {
    execFileSync('pure-pw', ['userdel', ftpUser, '-f', suite.tb.ftp.passwdFile, '-F', suite.tb.ftp.dbFile, '-m'], { stdio: 'ignore' });
  } catch {
    // absent
  }
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
    await addTrustedWeb1(page, suite.tb, 'root');

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

    // FTP: point the server's pure-ftpd settings at the testbed's files, add a login with a
    // generated password (shown once), log in with a real FTP client, then delete the login.
    await view.locator('details.hosting-settings summary').click();
    const settings = view.getByRole('form', { name: 'Server settings' });
    await settings.locator('[data-field="ftp.passwdFile"] input').fill('relative/path');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => settings.locator('[data-field="ftp.passwdFile"] .field-error').textContent()).toMatch(/absolute path/);
    await settings.locator('[data-field="ftp.passwdFile"] input').fill(suite.tb.ftp.passwdFile);
    await settings.locator('[data-field="ftp.dbFile"] input').fill(suite.tb.ftp.dbFile);
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => view.locator('details.hosting-settings summary').textContent()).toContain(suite.tb.ftp.passwdFile);

    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    await detail.getByRole('button', { name: 'Add FTP login' }).click();
    const ftpForm = detail.getByRole('form', { name: `Add FTP login to ${site}` });
    await ftpForm.locator('[data-field=user] input').fill(`x; touch ${canary}`);
    await ftpForm.locator('[data-field=subdir] input').fill('../etc');
    await ftpForm.getByRole('button', { name: 'Add login' }).click();
    await expect.poll(() => ftpForm.locator('[data-field=user] .field-error').textContent()).toMatch(/FTP user must not contain spaces/);
    expect(await ftpForm.locator('[data-field=subdir] .field-error').textContent()).toMatch(/inside the site's home/);
    await ftpForm.locator('[data-field=user] input').fill(ftpUser);
    await ftpForm.locator('[data-field=subdir] input').fill('');
    await ftpForm.getByRole('button', { name: 'Add login' }).click();
    const once = detail.getByRole('status', { name: `Password of ${ftpUser}` });
    await once.waitFor();
    const password = (await once.getByTestId('ftp-password').textContent()) ?? '';
    expect(password).toMatch(/^[A-Za-z0-9._+=-]{20}$/);
    registerSecret('UI-shown generated FTP password (hosting-sites)', password);
    expect(await once.textContent()).toContain('Shown once; Hostdeck does not keep it');
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await shot(page, 'sites-03-ftp-password-once');
    const ftp = new Client(20_000);
    try {
      await ftp.access({ host: suite.tb.ftp.host, port: suite.tb.ftp.port, user: ftpUser, password, secure: false });
      expect((await ftp.list()).map((f) => f.name)).toContain('public_html');
    } finally {
      ftp.close();
    }
    await once.getByRole('button', { name: 'Done, hide it' }).click();
    await once.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(password);

    await detail.getByRole('button', { name: `Delete FTP login ${ftpUser}` }).click();
    const ftpDialog = detail.getByRole('alertdialog', { name: `Delete FTP login ${ftpUser}` });
    await ftpDialog.getByRole('button', { name: `Delete ${ftpUser}` }).click();
    await detail.locator(`[data-ftp-user="${ftpUser}"]`).waitFor({ state: 'detached' });
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    expect(execFileSync('sh', ['-c', `pure-pw show ${ftpUser} -f ${suite.tb.ftp.passwdFile} >/dev/null 2>&1 && echo present || echo absent`], { encoding: 'utf8' }).trim()).toBe('absent');

    await detail.getByRole('button', { name: 'Delete site…' }).click();
    const dialog = view.getByRole('alertdialog', { name: `Delete site ${site}` });
    await dialog.waitFor();
    expect(await dialog.locator('.deletion-list li').allTextContents()).toEqual([`Linux account ${site} with /home/${site} and all its files`]);
    await dialog.locator('[data-field=confirm] input').fill(site);
    await shot(page, 'sites-02-confirm-delete');
    await dialog.getByRole('button', { name: `Delete ${site}` }).click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(() => userExists() || existsSync(`/home/${site}`), { timeout: 30_000 }).toBe(false);

    // The link after the action opens the server's queue: every task done.
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    const queue = page.getByRole('region', { name: 'Queue of web1' });
    await expect.poll(() => queue.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), { timeout: 20_000 }).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });
});
