// PHP of a site in Chromium, as an admin does it: web1 added as root, the server and PHP
// settings pointed at the testbed (nginx's folders, its php-fpm master), a site with a domain,
// then "Turn PHP on": a bad value gets its error under its field (an extra line's with its line
// number) and nothing is queued; the preview shows the pool; queued, the task is done and nginx
// runs the site's PHP as the site's own user. Another Hostdeck adopts the site with its pool;
// PHP turned off, .php is refused again.
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { getUntil, removeTestPool } from '../helpers/php';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { createSiteInUi } from './sites';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdphpui${tag}`;
const domain = `${site}.test`;
const suspendedDir = () => `${suite.tb.root}/nginx/suspended`;

afterAll(async () => {
  await removeTestPool(site);
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f '${suite.tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
});

/** Server settings (nginx, the suspension flags) and PHP settings: the testbed's (`withError`: a bad path first). */
async function configure(page: Page, withError: boolean) {
  const tb = suite.tb;
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.hosting-settings summary').click();
  const settings = view.getByRole('form', { name: 'Server settings' });
  const setting = (key: string) => settings.locator(`[data-field="${key}"] input`);
  await setting('ftp.passwdFile').fill(tb.ftp.passwdFile);
  await setting('ftp.dbFile').fill(tb.ftp.dbFile);
  await setting('web.vhostDir').fill(tb.nginx.sitesDir);
  await setting('web.nginxConf').fill(tb.nginx.conf);
  await setting('web.listen').fill(`${tb.nginx.host}:${tb.nginx.port}`);
  await setting('web.suspendedDir').fill(suspendedDir());
  await setting('mysql.socket').fill(tb.mariadb.socket);
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.hosting-settings summary').click();

  await view.locator('details.php-settings summary').click();
  const php = view.getByRole('form', { name: 'PHP settings' });
  const phpSetting = (key: string) => php.locator(`[data-field="php.${key}"] input`);
  if (withError) {
    await phpSetting('poolDir').fill('pools');
    await php.getByRole('button', { name: 'Save PHP settings' }).click();
    await expect.poll(() => php.locator('[data-field="php.poolDir"] .field-error').textContent()).toMatch(/absolute path/);
  }
  await phpSetting('poolDir').fill(tb.php.poolsDir);
  await phpSetting('fpmConf').fill(tb.php.conf);
  await phpSetting('pidFile').fill(tb.php.pidFile);
  await phpSetting('socketDir').fill(tb.php.socketDir);
  await php.locator('[data-field="php.reload"] select').selectOption('pidfile');
  await php.getByRole('button', { name: 'Save PHP settings' }).click();
  await php.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  if (withError) await calmShot(page, 'hosting-php-01-settings');
  await view.locator('details.php-settings summary').click();
}

describe('PHP of a site in the UI', () => {
  it('turns PHP on with its values (a bad one refused at its field), previews, queues, and the site runs PHP as its user', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-hosting-php');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });

    await configure(page, true);

    // A site with a domain.
    const row = await createSiteInUi(view, site, domain);
    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    const part = detail.getByRole('region', { name: `PHP of ${site}` });
    expect(await part.textContent()).toContain('PHP is off');
    writeFileSync(`/home/${site}/public_html/who.php`, '<?php echo posix_geteuid(), " ", ini_get("memory_limit"), " ", ini_get("date.timezone");');
    sh(`chown ${site}: /home/${site}/public_html/who.php`);
    // Without PHP the file is refused, not sent as source.
    expect((await getUntil(domain, '/who.php', (x) => x.status === 403)).status).toBe(403);

    // Turn PHP on: the version found on the server; a bad size and a hostile extra line refused.
    await part.getByRole('button', { name: 'Turn PHP on' }).click();
    const form = part.getByRole('form', { name: `PHP of ${site}` });
    await expect.poll(async () => `${await form.locator('[data-field=version] select').inputValue()} | ${await form.textContent()}`, { timeout: 15_000 }).toMatch(new RegExp(`^${tb.php.version.replace('.', '\\.')} \\|`));
    await form.locator('[data-field="values.memoryLimit"] input').fill('128MB');
    await form.locator('[data-field=extras] textarea').fill('display_errors = Off\nauto_prepend_file = /etc/passwd');
    await form.getByRole('button', { name: 'Turn PHP on' }).click();
    await expect.poll(() => form.locator('[data-field="values.memoryLimit"] .field-error').textContent()).toMatch(/size like 128M/);
    expect(await form.locator('[data-field=extras] .field-error').textContent()).toMatch(/Line 2: auto_prepend_file is not a PHP setting a site may set here/);
    await calmShot(page, 'hosting-php-02-field-errors');
    const tasksBefore = await row.getByTestId('site-task').textContent();
    expect(tasksBefore).toBe('done');

    await form.locator('[data-field="values.memoryLimit"] input').fill('192M');
    await form.locator('[data-field=extras] textarea').fill('display_errors = Off\ndate.timezone = Europe/Berlin');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: PHP ${tb.php.version} for ${site}` });
    await preview.waitFor();
    expect(await preview.locator('.preview-tasks li').count()).toBe(2);
    const commands = (await preview.locator('.preview-commands').first().textContent()) ?? '';
    expect(commands).toContain(`php_admin_value[open_basedir] = /home/${site}/`);
    expect(commands).toContain('php_admin_value[memory_limit] = 192M');
    await calmShot(page, 'hosting-php-03-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => part.getByTestId('php-summary').textContent()).toContain(`PHP ${tb.php.version}`);

    // nginx runs the site's PHP as the site's own user, with its values.
    // Asked until nginx's new workers answer (the reload lands a moment after the task).
    const r = await getUntil(domain, '/who.php', (x) => x.status === 200 && !x.body.startsWith('<?php'));
    expect(r).toEqual({ status: 200, body: `${sh(`id -u ${site}`)!.trim()} 192M Europe/Berlin` });
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-php-04-on');

    // Another Hostdeck without records adopts the site: its pool is found with its values.
    const other = await suite.open('e2e-hosting-php-adopt');
    await addTrustedWeb1(other.page, tb, 'root');
    await other.page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    await configure(other.page, false);
    const otherView = other.page.getByRole('region', { name: 'Sites of web1' });
    await otherView.getByRole('button', { name: 'Adopt from server…' }).click();
    const adopt = other.page.getByRole('dialog', { name: 'Adopt from web1' });
    const found = adopt.locator(`[data-adopt-site=${site}]`);
    await found.waitFor({ timeout: 30_000 });
    expect(await found.locator('.adopt-found').textContent()).toContain(`PHP ${tb.php.version} pool (memory 192M)`);
    await found.getByRole('checkbox').check();
    await found.scrollIntoViewIfNeeded();
    await calmShot(other.page, 'hosting-php-05-adopt');
    await adopt.getByRole('button', { name: 'Import selected (1)' }).click();
    await adopt.waitFor({ state: 'detached' });
    const adoptedRow = otherView.locator(`tr.site-row[data-site=${site}]`);
    await adoptedRow.getByRole('button', { name: site }).click();
    expect(await otherView.getByRole('region', { name: `PHP of ${site}` }).getByTestId('php-summary').textContent()).toContain(`PHP ${tb.php.version}`);

    // Turned off (asked first): .php is refused again, the pool is gone.
    await part.getByRole('button', { name: 'Turn PHP off…' }).click();
    const off = part.getByRole('alertdialog', { name: `Turn PHP off for ${site}` });
    await calmShot(page, 'hosting-php-06-off-confirm');
    await off.getByRole('button', { name: 'Turn PHP off', exact: true }).click();
    await expect.poll(() => part.textContent()).toContain('PHP is off');
    // Its two tasks: the server block without PHP, then the pool removed (the row's last task).
    await expect.poll(() => existsSync(`${tb.php.poolsDir}/hd-${site}.conf`), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    expect((await getUntil(domain, '/who.php', (x) => x.status === 403)).status).toBe(403);
  }, 180_000);
});
