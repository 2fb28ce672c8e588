// The server settings of web1's Sites tab pointed at the testbed, as a user fills them in: FTP
// at its pure-ftpd, server blocks and HTTPS at its nginx (TLS port, certificates in the state
// folder), MySQL at its MariaDB socket; and its PHP, log and ACME settings.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestbedInfo } from '../../testbed/testbed';

export async function fillTestbedServerSettings(page: Page, tb: TestbedInfo): Promise<void> {
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.hosting-settings summary').click();
  const settings = view.getByRole('form', { name: 'Server settings' });
  const setting = (key: string) => settings.locator(`[data-field="${key}"] input`);
  await setting('ftp.passwdFile').fill(tb.ftp.passwdFile);
  await setting('ftp.dbFile').fill(tb.ftp.dbFile);
  await setting('web.vhostDir').fill(tb.nginx.sitesDir);
  await setting('web.nginxConf').fill(tb.nginx.conf);
  await setting('web.listen').fill(`${tb.nginx.host}:${tb.nginx.port}`);
  await setting('web.suspendedDir').fill(`${tb.root}/nginx-suspended`);
  await setting('web.tlsListen').fill(`${tb.nginx.host}:${tb.nginx.tlsPort}`);
  await setting('web.tlsDir').fill(`${tb.root}/tls`);
  await setting('mysql.socket').fill(tb.mariadb.socket);
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.hosting-settings summary').click();
}

/** PHP settings of web1's Sites tab: the testbed's php-fpm master (its pool folder, main config, pid file, sockets), reloaded by signal. */
export async function fillTestbedPhpSettings(page: Page, tb: TestbedInfo): Promise<void> {
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.php-settings summary').click();
  const php = view.getByRole('form', { name: 'PHP settings' });
  const setting = (key: string) => php.locator(`[data-field="php.${key}"] input`);
  await setting('poolDir').fill(tb.php.poolsDir);
  await setting('fpmConf').fill(tb.php.conf);
  await setting('pidFile').fill(tb.php.pidFile);
  await setting('socketDir').fill(tb.php.socketDir);
  await php.locator('[data-field="php.reload"] select').selectOption('pidfile');
  await php.getByRole('button', { name: 'Save PHP settings' }).click();
  await php.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.php-settings summary').click();
}

/** Log settings of web1's Sites tab: the sites' logs and rotation rules in the testbed's state folder. */
export async function fillTestbedLogSettings(page: Page, tb: TestbedInfo): Promise<void> {
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.log-settings summary').click();
  const logs = view.getByRole('form', { name: 'Log settings' });
  await logs.locator('[data-field="logs.dir"] input').fill(`${tb.root}/site-logs`);
  await logs.locator('[data-field="logs.rotateDir"] input').fill(`${tb.root}/logrotate.d`);
  await logs.getByRole('button', { name: 'Save log settings' }).click();
  await logs.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.log-settings summary').click();
}

/** ACME settings of web1's Sites tab: the testbed's pebble (trusting its API's CA) and ns1 as the resolver. */
export async function fillPebbleAcmeSettings(page: Page, tb: TestbedInfo): Promise<void> {
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.acme-settings summary').click();
  const acme = view.getByRole('form', { name: 'ACME settings' });
  const field = (key: string) => acme.locator(`[data-field="${key}"] input, [data-field="${key}"] textarea`);
  await field('directoryUrl').fill(tb.pebble.directoryUrl);
  await field('email').fill('hostmaster@example.test');
  await field('caRootPem').fill(readFileSync(tb.pebble.apiCaFile, 'utf8'));
  await field('resolver').fill(tb.pebble.dnsServer);
  await acme.getByRole('button', { name: 'Save ACME settings' }).click();
  await acme.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.acme-settings summary').click();
}
