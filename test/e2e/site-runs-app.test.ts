// A site that runs a small PHP application, in one flow in Chromium as an admin builds it: web1
// added as root and ns1 as its nameserver; the site's names in a zone pushed to ns1 through
// Hostdeck's DNS (pebble asks ns1); the testbed's server, PHP, log and ACME settings; a site,
// PHP turned on with its default values, a domain bound with one alias; a PHP page in its web
// root that prints the user it runs as and counts the rows it appends to a file in the home;
// a certificate from pebble issued in the HTTPS section, the page then opened over HTTPS by a
// browser that trusts pebble's CA; a cron job run now that reads the same rows; requests seen
// arriving in the site's live access log; the site deleted (its name typed) and the zone
// deleted, both through the UI, after which nothing of the site is left on the server.
import { randomUUID, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCredentials } from '@napi-rs/keyring/keytar.js';
import { chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE } from '../../src-main/core/secrets/keychain';
import { soaSerial } from '../../testbed/named';
import { sh } from '../helpers/hosting';
import { httpGet, removeTestPool } from '../helpers/php';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, e2eSuite, fillServerForm, shot } from './app';
import { fillPebbleAcmeSettings, fillTestbedLogSettings, fillTestbedPhpSettings, fillTestbedServerSettings } from './server-settings';
import { createSiteInUi } from './sites';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdappui${tag}`;
const zone = `${site}.test`;
const alias = `www.${zone}`;
const cronFile = `/etc/cron.d/hostdeck-${site}`;

// Registered before the suite's own hooks, so it runs after them (once the app is closed): what
// the UI's deletions should already have removed, removed by hand if the test stopped halfway.
afterAll(async () => {
  const tb = suite.tb;
  await removeTestPool(site);
  rmSync(cronFile, { force: true });
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(`${tb.root}/tls/${site}`, { recursive: true, force: true });
  rmSync(`${logDir()}/${site}`, { recursive: true, force: true });
  rmSync(`${tb.root}/logrotate.d/hostdeck-${site}`, { force: true });
  sh(`rm -f '${tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; nginx -p '${tb.nginx.prefix}/' -c '${tb.nginx.conf}' -s reload`);
  const ns1 = tb.ns.ns1;
  if (sh(`grep -q '"${zone}"' '${ns1.zonesConf}' && echo left`)) sh(`sed -i '/"${zone}"/d' '${ns1.zonesConf}'; rm -f '${ns1.dir}/db.${zone}'; rndc -c '${ns1.rndcConfFile}' reconfig`);
});

const suite = e2eSuite();
const logDir = () => `${suite.tb.root}/site-logs`;

async function calmShot(page: Page, name: string) {
  await page.mouse.move(5, 790);
  await shot(page, `site-runs-app-${name}`);
}

/** The page the site runs: each visit appends a row to a file beside the web root, then says who ran it and how many rows there are. */
const APP_PHP = `<?php
$rows = dirname(__DIR__) . '/data/visits.txt';
file_put_contents($rows, date('c') . "\\n", FILE_APPEND | LOCK_EX);
header('Content-Type: text/plain');
printf("uid %d, %d rows\\n", posix_geteuid(), count(file($rows)));
`;

/**
 * Puts the page into the web root as the site's own user, over SSH (as root on web1, then
 * runuser): the site's file manager is not in the UI yet, and a user would upload it with SFTP.
 */
function uploadAsSiteUser(): void {
  const tb = suite.tb;
  const web1 = tb.ssh.web1;
  const dir = mkdtempSync(path.join(tmpdir(), 'hd-app-'));
  try {
    writeFileSync(path.join(dir, 'known_hosts'), `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
    const script = `runuser -u ${site} -- sh -c 'umask 022; mkdir -p /home/${site}/data && cat > /home/${site}/public_html/app.php'`;
    execFileSync('ssh', ['-i', tb.keys.ed25519.path, '-p', String(web1.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`, `root@${web1.host}`, script], { input: APP_PHP, stdio: ['pipe', 'ignore', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SHA-256 of each certificate's public key in a PEM bundle, as Chromium's --ignore-certificate-errors-spki-list takes them. */
function spkiHashes(pem: string): string[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((c) => {
    const der = new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' });
    return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
  });
}

describe('a site that runs an application', () => {
  it('DNS, PHP, a domain with an alias, a certificate from pebble, the page over HTTPS as the site user, cron, live logs, then all removed', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-site-runs-app');
    await addTrustedWeb1(page, tb, 'root');

    // ns1 (the testbed BIND pebble asks) as a nameserver, over web1's sshd as root.
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'ns1', host: tb.ssh.web1.host, port: String(tb.ssh.web1.port), user: 'root', method: 'Private key', keyPath: tb.keys.ed25519.path, tags: 'dns' });
    const serverForm = page.getByRole('form', { name: /server/i });
    await serverForm.locator('input[name=role-web]').uncheck();
    await serverForm.locator('input[name=role-ns]').check();
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('region', { name: 'Server ns1' }).waitFor();

    // The site's names in a zone of their own, pushed to ns1.
    await page.getByRole('button', { name: 'DNS zones' }).click();
    const dns = page.getByRole('region', { name: 'DNS zones' });
    await dns.getByRole('button', { name: 'Nameservers…' }).click();
    const ns1 = tb.ns.ns1;
    const nsForm = dns.getByRole('form', { name: 'DNS settings of ns1' });
    await nsForm.getByLabel('Zone directory of ns1').fill(ns1.dir);
    await nsForm.getByLabel('Zones config of ns1').fill(ns1.zonesConf);
    await nsForm.getByLabel('named.conf of ns1').fill(`${ns1.dir}/named.conf`);
    await nsForm.getByLabel('rndc config of ns1').fill(ns1.rndcConfFile);
    await nsForm.getByLabel('Query address of ns1').fill(ns1.host);
    await nsForm.getByLabel('DNS port of ns1').fill(String(ns1.port));
    await nsForm.getByRole('button', { name: 'Save settings of ns1' }).click();
    await dns.getByRole('status').filter({ hasText: 'Settings of ns1 saved.' }).waitFor();
    await dns.getByRole('button', { name: 'New zone' }).click();
    const newZone = dns.getByRole('form', { name: 'New zone' });
    await newZone.getByLabel('Zone', { exact: true }).fill(zone);
    await newZone.getByLabel('Nameservers').fill('ns1.example.test.');
    await newZone.getByLabel('Default TTL').fill('60');
    await newZone.getByRole('button', { name: 'Create zone' }).click();
    const editor = dns.getByRole('region', { name: `Zone ${zone}` });
    await editor.waitFor();
    const addRecord = editor.getByRole('form', { name: 'Add a record' });
    for (const name of ['@', 'www']) {
      await addRecord.getByLabel('Name').fill(name);
      await addRecord.getByLabel('Value').fill(tb.ssh.web1.host);
      await addRecord.getByRole('button', { name: 'Add record' }).click();
      await editor.locator(`tr[data-record="${name} A"]`).waitFor();
    }
    await editor.getByRole('button', { name: 'Push zone' }).click();
    await dns.locator(`tr[data-zone="${zone}"] [data-testid=ns-status-ns1][data-state=in-sync]`).waitFor({ timeout: 60_000 });
    await calmShot(page, '01-zone-pushed');

    // web1's Sites tab pointed at the testbed: nginx, php-fpm, the log folders, pebble.
    await page.getByRole('tab', { name: 'web1', exact: true }).click();
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    await fillTestbedServerSettings(page, tb);
    await fillTestbedPhpSettings(page, tb);
    await fillTestbedLogSettings(page, tb);
    await fillPebbleAcmeSettings(page, tb);

    // The site, then PHP on with the values it proposes.
    const row = await createSiteInUi(view, site, '');
    const siteTaskDone = () => expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 60_000 }).toBe('done');
    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    const phpPart = detail.getByRole('region', { name: `PHP of ${site}` });
    await phpPart.getByRole('button', { name: 'Turn PHP on' }).click();
    const phpForm = phpPart.getByRole('form', { name: `PHP of ${site}` });
    await expect.poll(() => phpForm.locator('[data-field=version] select').inputValue(), { timeout: 15_000 }).toBe(tb.php.version);
    await calmShot(page, '02-php-form');
    await phpForm.getByRole('button', { name: 'Turn PHP on' }).click();
    await expect.poll(() => phpPart.getByTestId('php-summary').textContent(), { timeout: 60_000 }).toContain(`PHP ${tb.php.version}`);
    await siteTaskDone();

    // The domain with one alias.
    const domains = detail.getByRole('region', { name: `Domains of ${site}` });
    await domains.getByRole('button', { name: 'Bind domain' }).click();
    const bind = domains.getByRole('form', { name: `Bind a domain to ${site}` });
    await bind.locator('[data-field=domain] input').fill(zone);
    await bind.locator('[data-field=aliases] input').fill(alias);
    await calmShot(page, '03-bind-domain');
    await bind.getByRole('button', { name: 'Bind domain' }).click();
    await bind.waitFor({ state: 'detached' });
    await siteTaskDone();
    expect(await domains.locator(`li[data-domain="${zone}"]`).textContent()).toContain(`also ${alias}`);

    uploadAsSiteUser();
    const uid = sh(`id -u ${site}`)!.trim();

    // A certificate from pebble: both names checked, issued over HTTP-01, the task done.
    const https = detail.getByRole('region', { name: `HTTPS of ${site}` });
    await https.locator(`li[data-domain="${zone}"]`).getByRole('button', { name: 'Issue with ACME…' }).click();
    const issue = https.getByRole('form', { name: `Issue a certificate for ${site}` });
    await issue.getByRole('button', { name: 'Check names' }).click();
    for (const name of [zone, alias]) await expect.poll(() => issue.locator(`li[data-name="${name}"]`).getAttribute('data-check'), { timeout: 20_000 }).toBe('ok');
    await issue.scrollIntoViewIfNeeded();
    await calmShot(page, '04-names-checked');
    await issue.getByRole('button', { name: 'Issue certificate' }).click();
    await view.getByRole('status').filter({ hasText: `Certificate for ${zone}, ${alias} queued` }).waitFor();
    const certStatus = https.locator(`li[data-domain="${zone}"]`).getByTestId('https-status');
    await expect.poll(() => certStatus.textContent(), { timeout: 90_000 }).toMatch(/issued by .*Pebble.*ACME, renewed by itself/);
    await siteTaskDone();
    expect(await certStatus.textContent()).toContain(`Names: ${zone}, ${alias}`);
    registerSecret('certificate key (site-runs-app)', readFileSync(`${tb.root}/tls/${site}/${zone}.key`, 'utf8').trim());
    for (const c of await findCredentials(SERVICE)) if (c.account.startsWith('acme-account:')) registerSecret(`keychain ${c.account}`, c.password);
    await https.scrollIntoViewIfNeeded();
    await calmShot(page, '05-certificate-issued');

    // A browser that trusts pebble's CA (its issuing root and the intermediate in the site's
    // chain) opens the page over HTTPS by its name: PHP runs it as the site's own user.
    const trusted = [...spkiHashes(readFileSync(tb.pebble.issuingRootFile, 'utf8')), ...spkiHashes(readFileSync(`${tb.root}/tls/${site}/${zone}.crt`, 'utf8')).slice(1)];
    const visitor = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${zone} ${tb.nginx.host}, MAP ${alias} ${tb.nginx.host}`, `--ignore-certificate-errors-spki-list=${trusted.join(',')}`],
    });
    try {
      const tab = await (await visitor.newContext({ viewport: { width: 900, height: 400 } })).newPage();
      const response = await tab.goto(`https://${alias}:${tb.nginx.tlsPort}/app.php`);
      expect(response?.status()).toBe(200);
      expect((await response?.securityDetails())?.issuer).toMatch(/Pebble/);
      expect(await tab.locator('body').textContent()).toMatch(new RegExp(`^uid ${uid}, 1 rows\\n?$`));
      await shot(tab, 'site-runs-app-06-page-over-https');
    } finally {
      await visitor.close();
    }
    expect(sh(`stat -c %U /home/${site}/data/visits.txt`)?.trim()).toBe(site);

    // A cron job, run now: it reads the rows the page wrote, as the site's user.
    const cron = detail.getByRole('region', { name: `Cron jobs of ${site}` });
    await cron.getByRole('button', { name: 'Add cron job' }).click();
    const cronForm = cron.getByRole('form', { name: `Add a cron job of ${site}` });
    await cronForm.locator('[data-field=schedule] input').fill('*/15 * * * *');
    await cronForm.locator('[data-field=command] input, [data-field=command] textarea').fill(`echo "$(id -un) counts $(wc -l < /home/${site}/data/visits.txt) rows"`);
    await cronForm.getByRole('button', { name: 'Add job' }).click();
    await cronForm.waitFor({ state: 'detached' });
    await siteTaskDone();
    await expect.poll(() => existsSync(cronFile), { timeout: 30_000 }).toBe(true);
    const job = cron.locator('li[data-job]');
    await job.getByRole('button', { name: /^Run now/ }).click();
    const run = cron.getByRole('status', { name: /^Run of / });
    await expect.poll(() => run.getByTestId('cron-run-status').textContent(), { timeout: 30_000 }).toBe('Ended with exit 0.');
    expect(await run.getByTestId('cron-output').textContent()).toBe(`${site} counts 1 rows\n`);
    await cron.scrollIntoViewIfNeeded();
    await calmShot(page, '07-cron-ran');
    await run.getByRole('button', { name: 'Close' }).click();

    // The live access log: requests by the domain's Host arrive within seconds.
    const logs = detail.getByRole('region', { name: `Logs of ${site}` });
    await logs.getByRole('button', { name: 'Open logs' }).click();
    const logView = logs.getByTestId('log-view');
    await expect.poll(() => logView.getByRole('tab', { selected: true }).textContent(), { timeout: 20_000 }).toContain('nginx access log');
    await expect.poll(() => logView.getByTestId('log-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('open');
    for (let i = 0; i < 5; i++) await httpGet(i % 2 ? alias : zone, `/app.php?visit=${i}&t=${tag}`);
    // Plain HTTP is redirected (the certificate turned that on); the visitor's HTTPS request is there too.
    await expect.poll(() => logView.getByRole('log').textContent(), { timeout: 5000 }).toContain(`"GET /app.php?visit=4&t=${tag} HTTP/1.1" 301`);
    expect(await logView.getByRole('log').textContent()).toMatch(/"GET \/app\.php HTTP\/2\.0" 200/);
    await logs.scrollIntoViewIfNeeded();
    await calmShot(page, '08-live-log');
    await logs.getByRole('button', { name: 'Close logs' }).click();

    // The site deleted (its name typed): pool, cron file, certificate, logs, account all gone.
    await detail.getByRole('button', { name: 'Delete site…' }).click();
    const del = detail.getByRole('alertdialog', { name: `Delete site ${site}` });
    expect(await del.locator('.deletion-list li').allTextContents()).toEqual([
      `Linux account ${site} with /home/${site} and all its files`,
      `server block of ${zone}, ${alias}`,
      `PHP pool hd-${site} (PHP ${tb.php.version})`,
      `certificate and private key of ${zone}`,
      `1 cron job (the site's cron file)`,
    ]);
    await del.locator('[data-field=confirm] input').fill(site);
    await calmShot(page, '09-delete-site');
    await del.getByRole('button', { name: `Delete ${site}` }).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => sh(`id -u '${site}' >/dev/null 2>&1 && echo present`), { timeout: 60_000 }).toBeNull();
    expect(existsSync(cronFile)).toBe(false);
    expect(existsSync(`${tb.php.poolsDir}/hd-${site}.conf`)).toBe(false);
    expect(existsSync(`${tb.root}/tls/${site}`)).toBe(false);
    expect(existsSync(`${logDir()}/${site}`)).toBe(false);
    expect(existsSync(`/home/${site}`)).toBe(false);

    // The zone deleted (its name typed): ns1 stops serving it.
    await page.getByRole('button', { name: 'DNS zones' }).click();
    const zoneRow = dns.locator(`tr[data-zone="${zone}"]`);
    if (!(await editor.isVisible())) await zoneRow.locator('.dns-zone-open').click();
    await editor.getByRole('button', { name: 'Delete zone…' }).click();
    const confirmZone = editor.getByRole('form', { name: `Delete zone ${zone}` });
    await confirmZone.getByLabel(`Type ${zone} to confirm`).fill(zone);
    await confirmZone.getByRole('button', { name: `Delete ${zone}` }).click();
    await zoneRow.waitFor({ state: 'detached' });
    await expect.poll(() => soaSerial('ns1', zone), { timeout: 30_000 }).toBeNull();
    await calmShot(page, '10-zone-deleted');
  }, 300_000);
});
