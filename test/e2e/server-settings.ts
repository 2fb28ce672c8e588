// The server settings of web1's Sites tab pointed at the testbed, as a user fills them in: FTP
// at its pure-ftpd, server blocks and HTTPS at its nginx (TLS port, certificates in the state
// folder), MySQL at its MariaDB socket.
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
