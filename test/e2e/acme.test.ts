// Certificates from the ACME CA in Chromium, as an admin does it: web1 added as root, the server
// settings pointed at the testbed nginx (its TLS port and a certificate folder), the ACME
// settings at the testbed's pebble (an http:// URL refused at its field first), a site with its
// domain and two aliases — one of which resolves nowhere. In the site's HTTPS section, "Issue
// with ACME…" and "Check names" report that alias; without it the certificate is issued over HTTP-01 and the testbed nginx
// serves the site over HTTPS with the domain and the other alias on it. The names live in a zone
// put on ns1 by hand (DNS that Hostdeck does not manage); the account key the app made is read
// from the keychain and the certificate's key from the server, both registered for the scan.
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { findCredentials } from '@napi-rs/keyring/keytar.js';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE } from '../../src-main/core/secrets/keychain';
import { httpsGet } from '../helpers/acme';
import { sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { fillTestbedServerSettings } from './server-settings';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdacmeui${tag}`;
const zone = `${site}.test`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f '${suite.tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; rm -rf '${suite.tb.root}/tls/${site}'; nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
  const ns1 = suite.tb.ns.ns1;
  sh(`sed -i '/"${zone}"/d' '${ns1.zonesConf}'; rm -f '${ns1.dir}/db.${zone}'; rndc -c '${ns1.rndcConfFile}' reconfig`);
});

/** The zone of the test's names on ns1, as DNS hosted elsewhere would have it: the domain and www to web1, no typo. */
function zoneOnNs1(): void {
  const ns1 = suite.tb.ns.ns1;
  const ip = suite.tb.ssh.web1.host;
  writeFileSync(`${ns1.dir}/db.${zone}`, `$TTL 60\n@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60\n@ IN NS ns1.example.test.\n@ IN A ${ip}\nwww IN A ${ip}\n`);
  appendFileSync(ns1.zonesConf, `zone "${zone}" { type primary; file "${ns1.dir}/db.${zone}"; };\n`);
  sh(`rndc -c '${ns1.rndcConfFile}' reconfig`);
}

describe('certificates from the ACME CA in the UI', () => {
  it('saves the ACME settings, checks the names and issues a certificate the site is then served with', async () => {
    const tb = suite.tb;
    zoneOnNs1();
    const { page } = await suite.open('e2e-acme');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    await fillTestbedServerSettings(page, tb);

    // ACME settings: plain http is refused at its field, then the testbed's pebble.
    await view.locator('details.acme-settings summary').click();
    const acme = view.getByRole('form', { name: 'ACME settings' });
    const field = (key: string) => acme.locator(`[data-field="${key}"] input, [data-field="${key}"] textarea`);
    await field('directoryUrl').fill(tb.pebble.directoryUrl.replace('https:', 'http:'));
    await field('email').fill('hostmaster@example.test');
    await field('caRootPem').fill(readFileSync(tb.pebble.apiCaFile, 'utf8'));
    await field('resolver').fill(tb.pebble.dnsServer);
    await acme.getByRole('button', { name: 'Save ACME settings' }).click();
    await expect.poll(() => acme.locator('[data-field="directoryUrl"] .field-error').textContent()).toMatch(/https:\/\//);
    await calmShot(page, 'acme-01-settings-error');
    await field('directoryUrl').fill(tb.pebble.directoryUrl);
    await acme.getByRole('button', { name: 'Save ACME settings' }).click();
    await acme.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await calmShot(page, 'acme-02-settings-saved');
    await view.locator('details.acme-settings summary').click();

    // A site with its domain and two aliases.
    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(site);
    await newSite.locator('[data-field=quotaMb] input').fill('0');
    await newSite.locator('[data-field=domains] input').fill(`${zone} www.${zone} typo.${zone}`);
    await newSite.getByRole('button', { name: 'Create site' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    sh(`printf 'hello over https' > /home/${site}/public_html/index.html`);
    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    const part = detail.getByRole('region', { name: `HTTPS of ${site}` });
    await part.locator(`li[data-domain="${zone}"]`).getByRole('button', { name: 'Issue with ACME…' }).click();
    const form = part.getByRole('form', { name: `Issue a certificate for ${site}` });

    // The check reports the alias that resolves nowhere; the issue is refused with it, nothing queued.
    await form.getByRole('button', { name: 'Check names' }).click();
    await expect.poll(() => form.locator(`li[data-name="typo.${zone}"]`).getAttribute('data-check'), { timeout: 15_000 }).toBe('failed');
    expect(await form.locator(`li[data-name="${zone}"]`).getAttribute('data-check')).toBe('ok');
    expect(await form.locator(`li[data-name="typo.${zone}"]`).textContent()).toContain('Does not resolve');
    await form.scrollIntoViewIfNeeded();
    await calmShot(page, 'acme-03-names-checked');
    await form.getByRole('button', { name: 'Issue certificate' }).click();
    await expect.poll(() => form.getByRole('alert').first().textContent()).toContain(`typo.${zone}`);

    // Without it: issued over HTTP-01, the site is served over HTTPS with both names.
    await form.locator(`li[data-name="typo.${zone}"] input`).uncheck();
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: certificate for ${zone}, www.${zone}` });
    await preview.waitFor();
    expect(await preview.locator('.preview-tasks li').evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')))).toEqual(['acme.http01', 'domain.bind', 'tls.issue']);
    const commands = (await preview.locator('.preview-commands').allTextContents()).join('\n');
    expect(commands).toContain('location ^~ /.well-known/acme-challenge/');
    expect(commands).toContain(`ACME order at ${tb.pebble.directoryUrl} for ${zone}, www.${zone} (http-01)`);
    expect(commands).not.toMatch(/PRIVATE KEY-----\n[A-Za-z0-9+/]/);
    await calmShot(page, 'acme-04-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await view.getByRole('status').filter({ hasText: `Certificate for ${zone}, www.${zone} queued` }).waitFor();
    const deadline = Date.now() + 90_000;
    let got = { status: 0, body: '', altNames: '' };
    while (Date.now() < deadline) {
      got = await httpsGet(`www.${zone}`).catch((e: Error) => ({ status: 0, body: e.message, altNames: '' }));
      if (got.status === 200 && got.altNames.includes(`DNS:www.${zone}`)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(got.body).toBe('hello over https');
    expect(got.altNames.split(', ').sort()).toEqual([`DNS:${zone}`, `DNS:www.${zone}`]);
    registerSecret('certificate key (e2e)', readFileSync(`${tb.root}/tls/${site}/${zone}.key`, 'utf8').trim());
    for (const c of await findCredentials(SERVICE)) if (c.account.startsWith('acme-account:')) registerSecret(`keychain ${c.account}`, c.password);
    // The HTTPS section shows the certificate the CA issued, as an ACME one, with its options.
    const summary = part.locator(`li[data-domain="${zone}"]`).getByTestId('https-status');
    await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toMatch(/issued by .*Pebble.*ACME, renewed by itself/);
    expect(await summary.textContent()).toContain(`Names: ${zone}, www.${zone}`);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'acme-05-issued');
  }, 180_000);
});
