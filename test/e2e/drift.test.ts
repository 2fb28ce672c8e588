// Drift in Chromium, as an admin meets it: web1 (as root) holds a site with a domain and PHP
// (set up through the contract, as earlier sessions would have); someone then deletes its server
// block and edits its pool on the server. Server → Drift → Check drift shows both differences,
// each with Hostdeck's records beside the server's state and the pool's diff; "Fix the server…"
// previews the domain.bind task and queues it, "Accept the server's state…" takes the pool's
// values into the records; a new check is clean; the fleet view lists web1 with none.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import { sh, testbedHostingSettings } from '../helpers/hosting';
import { removeTestPool, testbedPhpSettings } from '../helpers/php';
import { addTrustedWeb1, calmShot, contract, e2eSuite } from './app';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hddrui${tag}`;
const domain = `${site}.test`;
const vhost = () => `${suite.tb.nginx.sitesDir}/hostdeck-${site}-${domain}.conf`;
const pool = () => `${suite.tb.php.poolsDir}/hd-${site}.conf`;

afterAll(async () => {
  await removeTestPool(site);
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f '${suite.tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
});

async function settled(page: Page, serverId: string): Promise<void> {
  await expect.poll(async () => {
    const { tasks } = await contract<{ tasks: Task[] }>(page, 'queue.list', { serverId });
    return tasks.filter((t) => t.status !== 'done').map((t) => `${t.kind}:${t.status}`);
  }, { timeout: 30_000 }).toEqual([]);
}

describe('drift in the UI', () => {
  it('shows both sides of each difference, previews and applies a fix, accepts the server\'s state, and is clean after', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-drift');
    await page.setViewportSize({ width: 1280, height: 860 });
    await addTrustedWeb1(page, tb, 'root');
    const web1 = (await contract<Server[]>(page, 'servers.list', {})).find((s) => s.name === 'web1')!;
    await contract(page, 'hosting.setSettings', { serverId: web1.id, ...testbedHostingSettings(tb), php: testbedPhpSettings(tb) });
    await contract(page, 'hosting.createSite', { serverId: web1.id, name: site, quotaMb: 0, domains: [domain] });
    await contract(page, 'hosting.setPhp', { serverId: web1.id, site, version: tb.php.version, values: DEFAULT_PHP_VALUES, extras: [] });
    await settled(page, web1.id);

    // By hand on the server.
    rmSync(vhost());
    sh(`nginx -p '${tb.nginx.prefix}/' -c '${tb.nginx.conf}' -s reload`);
    writeFileSync(pool(), readFileSync(pool(), 'utf8').replace(/memory_limit\] = \S+/, 'memory_limit] = 192M'));

    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: /^Drift/ }).click();
    const view = page.getByRole('region', { name: 'Drift of web1' });
    await view.getByRole('button', { name: 'Check drift' }).click();
    await expect.poll(() => view.getByRole('status').textContent()).toMatch(/^2 differences/);
    const block = view.getByRole('listitem', { name: `Server block of ${domain} (site ${site})` });
    const poolItem = view.getByRole('listitem', { name: `PHP pool (site ${site})` });
    expect(await block.getByLabel('Hostdeck\'s records').textContent()).toContain(`hostdeck-${site}-${domain}.conf`);
    expect(await block.getByLabel('On the server').textContent()).toContain('no such file');
    expect(await poolItem.locator('.diff-add').allTextContents()).toContain('+php_admin_value[memory_limit] = 192M\n');
    expect(await poolItem.locator('.diff-del').allTextContents()).toContain(`-php_admin_value[memory_limit] = ${DEFAULT_PHP_VALUES.memoryLimit}\n`);
    // The badge on the server in the fleet list (and on its Drift button) counts them.
    const fleetList = page.getByRole('navigation', { name: 'Fleet' });
    await expect.poll(() => fleetList.locator('.drift-badge').getAttribute('aria-label')).toMatch(/^drift: 2 differences/);
    await poolItem.scrollIntoViewIfNeeded();
    await calmShot(page, 'drift-01-differences');
    // The badge on the server's Drift button counts them.

    // Fix the server block: the preview shows the task, then it is queued.
    await block.getByRole('button', { name: 'Fix the server…' }).click();
    const fix = page.getByRole('dialog', { name: `Fix the server: Server block of ${domain} (site ${site})` });
    await fix.locator('.preview-commands').first().waitFor();
    expect(await fix.locator('.preview-task-title').allTextContents()).toEqual([`Bind ${domain} to site ${site}`]);
    await calmShot(page, 'drift-02-fix-preview');
    await fix.getByRole('button', { name: 'Queue these tasks' }).click();
    await fix.waitFor({ state: 'detached' });

    // Accept the pool as the server has it: the records change, nothing runs.
    await poolItem.getByRole('button', { name: 'Accept the server\'s state…' }).click();
    const accept = page.getByRole('dialog', { name: `Accept the server's state: PHP pool (site ${site})` });
    await accept.locator('.drift-record-changes li').first().waitFor();
    expect(await accept.textContent()).toContain('nothing runs on the server');
    await calmShot(page, 'drift-03-accept-preview');
    await accept.getByRole('button', { name: 'Change the records' }).click();
    await accept.waitFor({ state: 'detached' });
    await settled(page, web1.id);

    await expect.poll(() => view.getByRole('status').textContent()).toMatch(/^Every difference answered.*2 answered since/);
    await view.getByRole('button', { name: 'Check drift' }).click();
    await view.getByRole('button', { name: 'Check drift' }).waitFor();
    await expect.poll(() => view.getByRole('status').textContent()).toMatch(/^No drift/);
    expect(readFileSync(vhost(), 'utf8')).toContain(`server_name ${domain};`);
    const { sites } = await contract<{ sites: { name: string; php?: { values: { memoryLimit: string } } }[] }>(page, 'hosting.sites', { serverId: web1.id });
    expect(sites.find((s) => s.name === site)?.php?.values.memoryLimit).toBe('192M');
    await calmShot(page, 'drift-04-clean');

    await view.getByRole('button', { name: 'Whole fleet' }).click();
    const fleet = page.getByRole('region', { name: 'Drift of the fleet' });
    expect(await fleet.getByRole('row', { name: /web1/ }).textContent()).toContain('none');
    const every = fleet.getByRole('form', { name: 'Drift settings' });
    await expect.poll(() => every.getByLabel('Health checks between drift checks').inputValue()).toBe('10');
    await every.getByLabel('Health checks between drift checks').fill('5');
    await every.getByRole('button', { name: 'Save' }).click();
    await every.getByRole('status').waitFor();
    expect(await contract(page, 'drift.settings', {})).toEqual({ everyTicks: 5 });
    await calmShot(page, 'drift-05-fleet');

    await contract(page, 'hosting.deleteSite', { serverId: web1.id, site, confirm: site });
    await settled(page, web1.id);
  }, 120_000);
});
