// HTTPS of a site in Chromium, as an admin does it: web1 added as root, the server settings
// pointed at the testbed's nginx (HTTPS on 127.0.0.2:8443, certificates under the state folder),
// a site with a domain; in its HTTPS section "Upload certificate…": a key of another certificate
// is refused under its field, nothing queued; the certificate pasted and the key chosen as a
// file are installed; the section shows issuer, names and days left; a browser that trusts only
// that certificate opens the site over HTTPS; the options add HSTS; HTTPS removed; a certificate
// 10 days from expiry is shown amber and fleet health warns about it.
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { makeCa, makeLeaf } from '../helpers/tls';
import { addTrustedWeb1, calmShot, e2eSuite, shot } from './app';
import { createSiteInUi } from './sites';
import { fillTestbedServerSettings } from './server-settings';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdtlsui${tag}`;
const domain = `${site}.test`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(`${suite.tb.root}/tls/${site}`, { recursive: true, force: true });
  sh(`rm -f '${suite.tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
});

describe('HTTPS of a site in the UI', () => {
  it('uploads a certificate (a wrong key refused at its field), shows its status, serves the site over HTTPS, redirects, removes HTTPS', async () => {
    const tb = suite.tb;
    const ca = makeCa();
    const leaf = makeLeaf(ca, [domain]);
    const stranger = makeLeaf(ca, [domain]);
    const { page } = await suite.open('e2e-hosting-tls');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    await fillTestbedServerSettings(page, tb);

    const row = await createSiteInUi(view, site, domain);
    writeFileSync(`/home/${site}/public_html/index.html`, `<!doctype html><title>${site}</title><h1>Hello over HTTPS</h1>`);
    await row.getByRole('button', { name: site }).click();
    const part = view.getByRole('region', { name: `HTTPS of ${site}` });
    await part.scrollIntoViewIfNeeded();
    await expect.poll(() => part.getByTestId('https-status').textContent()).toBe('No certificate: plain HTTP only.');

    // Upload: a key of another certificate is refused under its field; nothing is queued.
    // By keyboard: the button opens the form with the certificate field focused; Escape closes it.
    await part.getByRole('button', { name: 'Upload certificate…' }).focus();
    await page.keyboard.press('Enter');
    const form = part.getByRole('form', { name: `Upload a certificate for ${domain}` });
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field'))).toBe('chainPem');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await part.getByRole('button', { name: 'Upload certificate…' }).click();
    await form.locator('[data-field=chainPem] textarea').fill(leaf.certPem);
    await form.locator('[data-field=keyPem] textarea').fill(stranger.keyPem);
    await form.getByRole('button', { name: 'Upload and install' }).click();
    await expect.poll(() => form.locator('[data-field=keyPem] .field-error').textContent()).toBe('This private key does not belong to the certificate (the first certificate of the chain)');
    expect(await form.locator('.note-error').textContent()).toBe('The certificate or key was refused; nothing was queued.');
    expect(await row.getByTestId('site-task').textContent()).toBe('done');
    await calmShot(page, 'hosting-tls-01-wrong-key');

    // The right key, chosen as a file (the field is filled from it, masked).
    await form.getByLabel('Private key file').setInputFiles({ name: 'site.key', mimeType: 'application/x-pem-file', buffer: Buffer.from(leaf.keyPem) });
    await expect.poll(() => form.locator('[data-field=keyPem] textarea').inputValue()).toBe(leaf.keyPem);
    // Preview: the install's exact commands, the key only as its mask; queued from the dialog.
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: certificate for ${domain}` });
    await preview.waitFor();
    const commands = (await preview.locator('.preview-commands').first().textContent()) ?? '';
    expect(commands).toContain('# stdin: the private key (••••••; never on a command line)');
    expect(commands).toContain(`ssl_certificate ${tb.root}/tls/${site}/${domain}.crt;`);
    expect(commands).not.toContain(leaf.keyPem.split('\n')[1]);
    await calmShot(page, 'hosting-tls-02a-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    const status = part.getByTestId('https-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Valid until \d{4}-\d\d-\d\d \((89|90) days left\) · issued by Hostdeck Test CA · uploaded/);
    expect(await status.getAttribute('data-tone')).toBe('valid');
    expect(await status.textContent()).toContain(`Names: ${domain}`);
    await calmShot(page, 'hosting-tls-02-installed');

    // A browser that trusts only this certificate's key opens the site over HTTPS.
    const spki = createHash('sha256').update(new X509Certificate(leaf.certPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const visitor = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${domain} ${tb.nginx.host}`, `--ignore-certificate-errors-spki-list=${spki}`],
    });
    try {
      const tab = await (await visitor.newContext({ viewport: { width: 1000, height: 500 } })).newPage();
      const response = await tab.goto(`https://${domain}:${tb.nginx.tlsPort}/`);
      expect(response?.status()).toBe(200);
      expect(await tab.locator('h1').textContent()).toBe('Hello over HTTPS');
      expect((await response?.securityDetails())?.subjectName).toBe(domain);
      await shot(tab, 'hosting-tls-03-site-over-https');
    } finally {
      await visitor.close();
    }

    // Redirect is on by default: plain HTTP answers 301 to HTTPS. HSTS turned on in the options.
    await expect.poll(() => sh(`curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: ${domain}' http://${tb.nginx.host}:${tb.nginx.port}/x`), { timeout: 30_000 }).toBe(`301 https://${domain}:${tb.nginx.tlsPort}/x`);
    const https = part.locator(`li[data-domain="${domain}"]`);
    expect(await https.getByLabel('Redirect HTTP to HTTPS').isChecked()).toBe(true);
    await https.getByLabel('HSTS (browsers then refuse plain HTTP').check();
    await https.getByRole('button', { name: 'Save options' }).click();
    // Recorded (the button goes), then applied when the queue reaches it.
    await https.getByRole('button', { name: 'Save options' }).waitFor({ state: 'detached' });
    const headers = () => sh(`curl -s -D - -o /dev/null --cacert '${ca.crt}' --resolve ${domain}:${tb.nginx.tlsPort}:${tb.nginx.host} https://${domain}:${tb.nginx.tlsPort}/`) ?? '';
    await expect.poll(headers, { timeout: 30_000 }).toMatch(/strict-transport-security: max-age=31536000/i);

    // Remove HTTPS: the domain typed to confirm.
    await https.getByRole('button', { name: 'Remove HTTPS…' }).click();
    const confirm = part.getByRole('alertdialog', { name: `Remove HTTPS from ${domain}` });
    await confirm.locator('[data-field=confirm] input').fill(domain);
    await calmShot(page, 'hosting-tls-04-remove');
    await confirm.getByRole('button', { name: 'Remove HTTPS' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => part.getByTestId('https-status').textContent(), { timeout: 30_000 }).toBe('No certificate: plain HTTP only.');

    // A certificate that runs out in 10 days: amber, with the note that Hostdeck will not renew it; fleet health warns.
    const short = makeLeaf(ca, [domain], { to: new Date(Date.now() + 10.5 * 86_400_000) });
    await part.getByRole('button', { name: 'Upload certificate…' }).click();
    const again = part.getByRole('form', { name: `Upload a certificate for ${domain}` });
    await again.locator('[data-field=chainPem] textarea').fill(short.certPem);
    await again.locator('[data-field=keyPem] textarea').fill(short.keyPem);
    await again.getByRole('button', { name: 'Upload and install' }).click();
    await again.waitFor({ state: 'detached' });
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => status.getAttribute('data-tone'), { timeout: 30_000 }).toBe('expiring');
    expect(await status.textContent()).toMatch(/\(10 days left\).*Hostdeck does not renew an uploaded certificate/);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-tls-05-expiring');
    await page.getByRole('button', { name: /^Fleet health/ }).click();
    const fleet = page.getByRole('region', { name: 'Fleet health' });
    await fleet.getByRole('button', { name: 'Check now' }).click();
    const web1 = fleet.locator('tr.health-row[data-server=web1]');
    await expect.poll(() => web1.locator('.reason').textContent(), { timeout: 20_000 }).toContain(`certificate of ${domain} (site ${site}) expires in 10 days`);
    expect(await web1.locator('.status-warn').count()).toBe(1);
    await calmShot(page, 'hosting-tls-06-fleet-health');
  }, 180_000);
});
