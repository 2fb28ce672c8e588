// Not-applied items in Chromium, as a user meets them: an FTP login's task fails (pure-ftpd's
// file set to a folder that does not exist) and is skipped in the queue — the site lists the
// login as "not applied"; after the settings are fixed, Apply again… (a typed password, the
// Preview, then queued) creates it and a real FTP client logs in with that password. A domain
// queued behind another failed task is cancelled, then forgotten: its record goes and nothing
// reached the server.
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { Client } from 'basic-ftp';
import type { Locator } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdnae${tag}`;
const ftpUser = `hdnae-${tag}`;
const ftpUser2 = `hdnae2-${tag}`;
const domain = `nae-${tag}.test`;
const PASSWORD = `Typed again ${tag} "quoted" $x`;
registerSecret('typed FTP password (hosting-not-applied e2e)', PASSWORD);
const missing = `/nonexistent-${tag}`;

afterAll(() => {
  for (const u of [ftpUser, ftpUser2]) sh(`pure-pw userdel ${u} -f ${suite.tb.ftp.passwdFile} -F ${suite.tb.ftp.dbFile} -m`);
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site}`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
});

/** Waits until the site's latest task (the row's "Last task") reaches `status`. */
const lastTask = (row: Locator, status: string) => expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 60_000 }).toBe(status);

/** A screenshot without the hover look of the button clicked last. */
describe('not-applied items in the UI', () => {
  it('a skipped FTP login applied again logs in; a cancelled domain is forgotten', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-not-applied');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });

    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(site);
    await newSite.getByRole('button', { name: 'Create site' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    await lastTask(row, 'done');

    // pure-ftpd's files in a folder that does not exist: the FTP login's task will fail.
    const setFtp = async (passwdFile: string, dbFile: string) => {
      await view.locator('details.hosting-settings summary').click();
      const settings = view.getByRole('form', { name: 'Server settings' });
      await settings.locator('[data-field="ftp.passwdFile"] input').fill(passwdFile);
      await settings.locator('[data-field="ftp.dbFile"] input').fill(dbFile);
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await view.locator('details.hosting-settings summary').click();
    };
    await setFtp(`${missing}/pureftpd.passwd`, `${missing}/pureftpd.pdb`);

    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    const addLogin = async (user: string) => {
      await detail.getByRole('button', { name: 'Add FTP login' }).click();
      const form = detail.getByRole('form', { name: `Add FTP login to ${site}` });
      // A system account's name is refused under the field, with the rule in the message.
      await form.locator('[data-field=user] input').fill('root');
      await form.getByRole('button', { name: 'Add login' }).click();
      await expect.poll(() => form.locator('[data-field=user] .field-error').textContent()).toBe('FTP user "root" is reserved for a system account; choose another name');
      await form.locator('[data-field=user] input').fill(user);
      await form.getByRole('button', { name: 'Add login' }).click();
      const once = detail.getByRole('status', { name: `Password of ${user}` });
      await once.waitFor();
      registerSecret(`UI-shown generated FTP password of ${user} (hosting-not-applied e2e)`, (await once.getByTestId('ftp-password').textContent()) ?? '');
      await once.getByRole('button', { name: 'Done, hide it' }).click();
    };
    await addLogin(ftpUser);
    const login = detail.locator(`[data-ftp-user="${ftpUser}"]`);
    await lastTask(row, 'failed');
    expect(await login.getByTestId('item-state').textContent()).toBe('task failed');

    // The queue stops on it; the user skips it there.
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    const queue = page.getByRole('region', { name: 'Queue of web1' });
    await queue.getByRole('alert').filter({ hasText: 'The queue is stopped' }).waitFor();
    await queue.getByRole('button', { name: 'Skip', exact: true }).click();
    await expect.poll(() => queue.locator('tr.queue-row').last().getAttribute('data-status')).toBe('skipped');
    await page.getByRole('tab', { name: 'web1 · sites' }).click();

    // Not applied: said next to the login, with Apply again… and Forget instead of Delete….
    await expect.poll(() => login.getAttribute('data-state')).toBe('not-applied');
    expect(await login.getByTestId('item-state').textContent()).toBe('not applied');
    expect(await login.getByRole('button', { name: `Delete FTP login ${ftpUser}` }).count()).toBe(0);
    // The site's summary counts only logins that are (or will be) on the server.
    expect(await row.locator('td').nth(4).textContent()).toBe('0');
    await calmShot(page, 'not-applied-01-ftp-login');

    // Fixed settings, then Apply again…: a typed password (too short first), the Preview, queued.
    await setFtp(tb.ftp.passwdFile, tb.ftp.dbFile);
    await login.getByRole('button', { name: `Apply FTP login ${ftpUser} again` }).click();
    const again = detail.getByRole('form', { name: `Apply FTP login ${ftpUser} again` });
    expect(await again.locator('[data-field=password] .hint').textContent()).toMatch(/^8 to 128 characters/);
    await again.locator('[data-field=password] input').fill('short');
    await again.getByRole('button', { name: 'Apply again' }).click();
    await expect.poll(() => again.locator('[data-field=password] .field-error').textContent()).toBe('Password is too short (at least 8 characters)');
    await calmShot(page, 'not-applied-02-apply-again-short-password');
    await again.locator('[data-field=password] input').fill(PASSWORD);
    await again.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: apply FTP login ${ftpUser} again` });
    await preview.waitFor();
    expect(await preview.locator('.preview-tasks li').getAttribute('data-kind')).toBe('ftp.create');
    expect(await preview.locator('.preview-commands').textContent()).toContain(`passwd_file='${tb.ftp.passwdFile}'`);
    expect(await preview.textContent()).not.toContain(PASSWORD);
    await calmShot(page, 'not-applied-03-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await detail.getByRole('status', { name: `Password of ${ftpUser}` }).getByRole('button', { name: 'Done, hide it' }).click();
    await lastTask(row, 'done');
    await expect.poll(() => login.getAttribute('data-state')).toBe('applied');
    expect(await login.getByTestId('item-state').count()).toBe(0);
    expect(await row.locator('td').nth(4).textContent()).toBe('1');
    const ftp = new Client(20_000);
    try {
      await ftp.access({ host: tb.ftp.host, port: tb.ftp.port, user: ftpUser, password: PASSWORD, secure: false });
      expect((await ftp.list()).map((f) => f.name)).toContain('public_html');
    } finally {
      ftp.close();
    }

    // A domain queued behind another failed login task, cancelled in the queue, then forgotten.
    await setFtp(`${missing}/pureftpd.passwd`, `${missing}/pureftpd.pdb`);
    await addLogin(ftpUser2);
    await lastTask(row, 'failed');
    await detail.getByRole('button', { name: 'Bind domain' }).click();
    const bind = detail.getByRole('form', { name: `Bind a domain to ${site}` });
    await bind.locator('[data-field=domain] input').fill(domain);
    await bind.getByRole('button', { name: 'Bind domain' }).click();
    const bound = detail.locator(`section.domains [data-domain="${domain}"]`);
    await expect.poll(() => bound.getAttribute('data-state')).toBe('queued');
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    await queue.getByRole('button', { name: 'Cancel pending (1)' }).click();
    await queue.getByRole('button', { name: 'Skip', exact: true }).click();
    await expect.poll(() => queue.locator('tr.queue-row').evaluateAll((rows) => rows.slice(-2).map((r) => r.getAttribute('data-status')))).toEqual(['skipped', 'cancelled']);
    const tasksBefore = await queue.locator('tr.queue-row').count();
    await page.getByRole('tab', { name: 'web1 · sites' }).click();
    await expect.poll(() => bound.getAttribute('data-state')).toBe('not-applied');
    await expect.poll(() => detail.locator(`[data-ftp-user="${ftpUser2}"]`).getAttribute('data-state')).toBe('not-applied');
    await calmShot(page, 'not-applied-04-domain-cancelled');

    await bound.getByRole('button', { name: `Forget domain ${domain}` }).click();
    await bound.waitFor({ state: 'detached' });
    await detail.locator(`[data-ftp-user="${ftpUser2}"]`).getByRole('button', { name: `Forget FTP login ${ftpUser2}` }).click();
    await detail.locator(`[data-ftp-user="${ftpUser2}"]`).waitFor({ state: 'detached' });
    await expect.poll(() => view.getByRole('status').filter({ hasText: `FTP login ${ftpUser2} is no longer recorded` }).count()).toBe(1);
    expect(await detail.locator('.domains').textContent()).toContain('No domains bound.');
    await calmShot(page, 'not-applied-05-forgotten');
    // Nothing ran: no new task, no server block, no such login in pure-ftpd.
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    expect(await queue.locator('tr.queue-row').count()).toBe(tasksBefore);
    expect(existsSync(`${tb.nginx.sitesDir}/hostdeck-${site}-${domain}.conf`)).toBe(false);
    expect(sh(`pure-pw show ${ftpUser2} -f ${tb.ftp.passwdFile}`)).toBeNull();
  }, 600_000);
});
