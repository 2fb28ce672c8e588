// A whole site in Chromium, as an admin does it: web1 added as root, the server's hosting
// settings pointed at the testbed (pure-ftpd files, nginx's server block folder and config,
// MariaDB's socket), a site created after a look at its Preview, an FTP login, a database (its
// password shown once, then used to log in, then changed), a domain bound — nginx serves the site's index for
// it — and the site suspended (503) and back. Then a task fails on purpose: a second domain that
// a hand-made server block already serves is refused; the failed task's detail says why, the
// blocking file goes, Retry, done. Adoption imports an account made by hand. Last, Delete site…
// lists what goes and everything is gone from the server.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { dbPrefix } from '../../shared/hosting';
import { nginxGet, sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdfull${tag}`;
const adopted = `hdadopt${tag}`;
const ftpUser = `${site}-ftp`;
const db = `${dbPrefix(site)}app`;
const domain = `${site}.test`;
const second = `${site}-two.test`;
const blocker = () => path.join(suite.tb.nginx.sitesDir, `e2e-blocker-${site}.conf`);
const suspendedDir = () => `${suite.tb.root}/nginx/suspended`;
const mariadb = (...args: string[]) => execFileSync('mariadb', [`--socket=${suite.tb.mariadb.socket}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A task is done once nginx got its reload signal; its new workers answer a moment later (so: polled). */
const get = nginxGet;

afterAll(() => {
  sh(`pure-pw userdel '${ftpUser}' -f '${suite.tb.ftp.passwdFile}' -F '${suite.tb.ftp.dbFile}' -m`);
  sh(`mariadb --socket='${suite.tb.mariadb.socket}' -e "DROP DATABASE IF EXISTS \\\`${db}\\\`; DROP USER IF EXISTS '${db}'@'localhost'"`);
  for (const name of [site, adopted]) {
    sh(`id -u '${name}' >/dev/null 2>&1 && userdel -r '${name}'`);
    rmSync(`/home/${name}`, { recursive: true, force: true });
    rmSync(`${suspendedDir()}/${name}`, { force: true });
  }
  // Only this test's own server blocks; the testbed's nginx is shared with other tests.
  const ours = readdirSync(suite.tb.nginx.sitesDir).filter((f) => f === path.basename(blocker()) || f.startsWith(`hostdeck-${site}-`));
  for (const f of ours) rmSync(path.join(suite.tb.nginx.sitesDir, f), { force: true });
  if (ours.length > 0) sh(`nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
});

/** Waits until the site's latest task (the row's "Last task") reaches `status`. */
/** A login's answer, or null while the task that makes it work has not run yet. */
function tryMariadb(...args: string[]): string | null {
  try {
    return mariadb(...args).trim();
  } catch {
    return null;
  }
}
const lastTask = (row: Locator, status: string, timeout = 30_000) => expect.poll(() => row.getByTestId('site-task').textContent(), { timeout }).toBe(status);

async function openTab(page: Page, title: string) {
  await page.getByRole('tab', { name: title }).click();
}

/** A screenshot without the hover look of the button clicked last (the pointer rests on the status bar). */
describe('a whole site in the UI', () => {
  it('settings, site, FTP, database, domain served by nginx, a failed task retried, adoption, deletion', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-hosting-full');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });

    // ---- Server settings: a bad path gets its error under its own field, then the testbed's.
    await view.locator('details.hosting-settings summary').click();
    const settings = view.getByRole('form', { name: 'Server settings' });
    const setting = (key: string) => settings.locator(`[data-field="${key}"]`);
    await setting('web.vhostDir').locator('input').fill('sites-enabled');
    await setting('web.listen').locator('input').fill('127.0.0.2:99999');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => setting('web.vhostDir').locator('.field-error').textContent()).toMatch(/absolute path/);
    expect(await setting('web.listen').locator('.field-error').textContent()).toMatch(/between 1 and 65535/);
    expect(await setting('ftp.passwdFile').locator('.field-error').count()).toBe(0);
    await setting('web.vhostDir').scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-00-settings-field-errors');
    await setting('ftp.passwdFile').locator('input').fill(tb.ftp.passwdFile);
    await setting('ftp.dbFile').locator('input').fill(tb.ftp.dbFile);
    await setting('web.vhostDir').locator('input').fill(tb.nginx.sitesDir);
    await setting('web.nginxConf').locator('input').fill(tb.nginx.conf);
    await setting('web.listen').locator('input').fill(`${tb.nginx.host}:${tb.nginx.port}`);
    await setting('web.suspendedDir').locator('input').fill(suspendedDir());
    await setting('mysql.socket').locator('input').fill(tb.mariadb.socket);
    await setting('mysql.defaultsFile').locator('input').fill('');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await view.locator('details.hosting-settings summary').textContent()).toContain(tb.nginx.sitesDir);
    expect(await setting('web.vhostDir').locator('.field-error').count()).toBe(0);
    await calmShot(page, 'hosting-01-settings');
    await view.locator('details.hosting-settings summary').click();

    // ---- New site: Preview first (titles and exact commands), then queue from the preview.
    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(site);
    await newSite.locator('[data-field=quotaMb] input').fill('100');
    await newSite.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: create site ${site}` });
    await preview.waitFor();
    expect(await preview.locator('.preview-tasks li').evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')))).toEqual(['site.create', 'logs.site']);
    expect(await preview.locator('.preview-commands').first().textContent()).toContain(site);
    await calmShot(page, 'hosting-02-preview');
    await preview.getByRole('button', { name: 'Back' }).click();
    await preview.waitFor({ state: 'detached' });
    expect(await view.locator(`tr.site-row[data-site=${site}]`).count()).toBe(0);
    await newSite.getByRole('button', { name: 'Preview' }).click();
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    await lastTask(row, 'done');
    expect(existsSync(`/home/${site}/public_html/index.html`)).toBe(true);

    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    await detail.waitFor();

    // ---- FTP login with a generated password.
    await detail.getByRole('button', { name: 'Add FTP login' }).click();
    const ftpForm = detail.getByRole('form', { name: `Add FTP login to ${site}` });
    await ftpForm.locator('[data-field=user] input').fill(ftpUser);
    await ftpForm.getByRole('button', { name: 'Add login' }).click();
    await detail.getByRole('status', { name: `Password of ${ftpUser}` }).waitFor();
    registerSecret('UI-shown generated FTP password (hosting-full)', (await detail.getByRole('status', { name: `Password of ${ftpUser}` }).getByTestId('ftp-password').textContent()) ?? '');
    // The row may still show the site's own finished task until the login's task reaches it: wait for the login itself.
    await expect.poll(() => sh(`pure-pw show '${ftpUser}' -f '${tb.ftp.passwdFile}'`) ?? '', { timeout: 30_000 }).toContain(`/home/${site}`);
    await lastTask(row, 'done');
    await detail.getByRole('status', { name: `Password of ${ftpUser}` }).getByRole('button', { name: 'Done, hide it' }).click();

    // ---- Database: a name without the site's prefix is refused at its field; then one that works.
    await detail.getByRole('button', { name: 'New database' }).click();
    const dbForm = detail.getByRole('form', { name: `New database for ${site}` });
    expect(await dbForm.locator('[data-field=name] input').inputValue()).toBe(dbPrefix(site));
    await dbForm.locator('[data-field=name] input').fill('shop_app');
    await dbForm.locator('[data-field=user] input').fill(db);
    await dbForm.getByRole('button', { name: 'Create database' }).click();
    await expect.poll(() => dbForm.locator('[data-field=name] .field-error').textContent()).toContain(`must start with "${dbPrefix(site)}"`);
    await dbForm.locator('[data-field=name] input').fill(db);
    await dbForm.getByRole('button', { name: 'Create database' }).click();
    const dbOnce = detail.getByRole('status', { name: `Password of ${db}` });
    await dbOnce.waitFor();
    const dbPassword = (await dbOnce.getByTestId('db-password').textContent()) ?? '';
    expect(dbPassword).toMatch(/^[A-Za-z0-9._+=-]{20}$/);
    registerSecret('UI-shown generated database password (hosting-full)', dbPassword);
    await expect.poll(() => tryMariadb(`--user=${db}`, `--password=${dbPassword}`, db, '-N', '-e', 'SELECT DATABASE()'), { timeout: 30_000 }).toBe(db);
    await lastTask(row, 'done');
    await dbOnce.getByRole('button', { name: 'Done, hide it' }).click();
    await dbOnce.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(dbPassword);

    // A new generated password, shown once: it works and the old one no longer does.
    await detail.getByRole('button', { name: `Change password of ${db}` }).click();
    await detail.getByRole('form', { name: `Change password of ${db}` }).getByRole('button', { name: 'Change password' }).click();
    await dbOnce.waitFor();
    const newPassword = (await dbOnce.getByTestId('db-password').textContent()) ?? '';
    expect(newPassword).not.toBe(dbPassword);
    registerSecret('UI-shown changed database password (hosting-full)', newPassword);
    await expect.poll(() => tryMariadb(`--user=${db}`, `--password=${newPassword}`, db, '-N', '-e', 'SELECT 1'), { timeout: 30_000 }).toBe('1');
    await lastTask(row, 'done');
    expect(() => mariadb(`--user=${db}`, `--password=${dbPassword}`, db, '-e', 'SELECT 1')).toThrow();
    await dbOnce.getByRole('button', { name: 'Done, hide it' }).click();

    // ---- Domain: bound with an alias; nginx serves the site's index for both names.
    await detail.getByRole('button', { name: 'Bind domain' }).click();
    const bindForm = detail.getByRole('form', { name: `Bind a domain to ${site}` });
    await bindForm.locator('[data-field=domain] input').fill(domain);
    await bindForm.locator('[data-field=aliases] input').fill(`www.${domain}, ${domain}`);
    await bindForm.getByRole('button', { name: 'Bind domain' }).click();
    await expect.poll(() => bindForm.locator('[data-field=aliases] .field-error').textContent()).toMatch(/must not repeat the main domain/);
    await bindForm.locator('[data-field=aliases] input').fill(`www.${domain}`);
    // The preview is one click away and Escape goes back to the form.
    await bindForm.getByRole('button', { name: 'Preview' }).click();
    const bindPreview = page.getByRole('dialog', { name: `Preview: bind ${domain} to ${site}` });
    expect(await bindPreview.locator('.preview-commands').textContent()).toContain(`server_name ${domain} www.${domain};`);
    await page.keyboard.press('Escape');
    await bindPreview.waitFor({ state: 'detached' });
    await bindForm.getByRole('button', { name: 'Bind domain' }).click();
    await detail.locator(`section.domains [data-domain="${domain}"]`).waitFor();
    await lastTask(row, 'done');
    const index = readFileSync(`/home/${site}/public_html/index.html`, 'utf8');
    await expect.poll(() => get(domain)).toEqual({ status: 200, body: index });
    await expect.poll(() => get(`www.${domain}`)).toEqual({ status: 200, body: index });
    await calmShot(page, 'hosting-03-site-detail');

    // ---- The queue ran it all, in order.
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    const queue = page.getByRole('region', { name: 'Queue of web1' });
    await expect.poll(() => queue.locator('tr.queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    await calmShot(page, 'hosting-04-queue');
    await openTab(page, 'web1 · sites');

    // ---- Suspended: the status says so and nginx answers 503; then back.
    await detail.getByRole('button', { name: 'Suspend', exact: true }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('suspended');
    await lastTask(row, 'done');
    await expect.poll(() => get(domain)).toMatchObject({ status: 503, body: expect.stringContaining('This site is suspended') });
    expect(await row.locator('.site-status').textContent()).toBe('suspended');
    await calmShot(page, 'hosting-05-suspended');
    await detail.getByRole('button', { name: 'Unsuspend', exact: true }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('active');
    await lastTask(row, 'done');
    await expect.poll(() => get(domain)).toEqual({ status: 200, body: index });

    // ---- A task fails on purpose: a hand-made server block already serves the second domain.
    writeFileSync(blocker(), `server {\n    listen ${tb.nginx.host}:${tb.nginx.port};\n    server_name ${second};\n    return 200 "blocker\\n";\n}\n`);
    await detail.getByRole('button', { name: 'Bind domain' }).click();
    await bindForm.locator('[data-field=domain] input').fill(second);
    await bindForm.getByRole('button', { name: 'Bind domain' }).click();
    await lastTask(row, 'failed');
    await view.getByRole('button', { name: 'Open the queue of web1' }).click();
    await queue.getByRole('alert').filter({ hasText: 'The queue is stopped' }).waitFor();
    await queue.locator('tr.queue-row[data-status=failed]').getByRole('button').click();
    const taskDetail = queue.getByRole('complementary', { name: 'Task detail' });
    await expect.poll(() => taskDetail.locator('.task-err').textContent()).toContain(`refused: ${second} is already served by ${blocker()}`);
    await taskDetail.locator('.task-err').scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-06-failed-task');
    rmSync(blocker());
    await taskDetail.getByRole('button', { name: 'Retry this task' }).click();
    await expect.poll(() => queue.locator('tr.queue-row').last().getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => get(second)).toEqual({ status: 200, body: index });
    await openTab(page, 'web1 · sites');
    await lastTask(row, 'done');

    // ---- Adoption: an account made by hand on the server is found and imported.
    execFileSync('useradd', ['-m', '-d', `/home/${adopted}`, '-s', '/usr/sbin/nologin', adopted]);
    await view.getByRole('button', { name: 'Adopt from server…' }).click();
    const adopt = page.getByRole('dialog', { name: 'Adopt from web1' });
    const found = adopt.locator(`[data-adopt-site=${adopted}]`);
    await found.waitFor({ timeout: 30_000 });
    expect(await adopt.locator(`[data-adopt-site=${site}]`).count()).toBe(0);
    await found.getByRole('checkbox').check();
    await calmShot(page, 'hosting-07-adopt');
    await adopt.getByRole('button', { name: 'Import selected (1)' }).click();
    await adopt.waitFor({ state: 'detached' });
    await view.locator(`tr.site-row[data-site=${adopted}]`).waitFor();

    // ---- Delete: the confirmation names what goes and takes the typed name.
    await detail.getByRole('button', { name: 'Delete site…' }).click();
    const confirm = detail.getByRole('alertdialog', { name: `Delete site ${site}` });
    const goes = await confirm.locator('.deletion-list li').allTextContents();
    expect(goes[0]).toBe(`Linux account ${site} with /home/${site} and all its files`);
    expect(goes.slice(1).sort()).toEqual([`FTP login ${ftpUser}`, `database ${db} and its user ${db}`, `server block of ${domain}, www.${domain}`, `server block of ${second}`].sort());
    const remove = confirm.getByRole('button', { name: `Delete ${site}` });
    expect(await remove.isDisabled()).toBe(true);
    await confirm.locator('[data-field=confirm] input').fill(site);
    await calmShot(page, 'hosting-08-confirm-delete');
    await remove.click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(() => sh(`id -u '${site}'`) === null && !existsSync(`/home/${site}`), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => readdirSync(tb.nginx.sitesDir).filter((f) => f.startsWith(`hostdeck-${site}-`)), { timeout: 30_000 }).toEqual([]);
    await expect.poll(async () => (await get(domain)).body).not.toBe(index);
    expect(mariadb('-N', '-e', `SHOW DATABASES LIKE '${db}'`).trim()).toBe('');
    expect(sh(`pure-pw show '${ftpUser}' -f '${tb.ftp.passwdFile}'`)).toBeNull();
  });
});
