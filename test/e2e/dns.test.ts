// DNS in Chromium: two nameservers (ns1, ns2 on web1's sshd as root) added in the UI with their
// DNS settings; a zone created, a hostile value refused under its field, a record added and
// pushed until both nameservers show the serial in green; then a record edited, the plan shows
// the change, the push turns both green again with a higher serial, and the nameservers answer
// the new address; the zone is deleted (typed confirmation) and both stop serving it; a live
// zone file is imported from ns1.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { resolver, uniqueZone } from '../helpers/dns';
import { freshHome } from '../helpers/env';
import { soaSerial, startNamed } from '../../testbed/named';
import { e2eSuite, fillServerForm, shot } from './app';

const suite = e2eSuite();

async function bothInSync(page: Page, zone: string): Promise<number> {
  const row = page.locator(`tr[data-zone="${zone}"]`);
  await row.locator('[data-testid=ns-status-ns1][data-state=in-sync]').waitFor({ timeout: 30_000 });
  await row.locator('[data-testid=ns-status-ns2][data-state=in-sync]').waitFor({ timeout: 30_000 });
  const s1 = Number(await row.locator('[data-testid=ns-status-ns1] .ns-serial').textContent());
  const s2 = Number(await row.locator('[data-testid=ns-status-ns2] .ns-serial').textContent());
  expect(s1).toBe(s2);
  return s1;
}

describe('DNS in the UI', () => {
  it('edits a record, shows the plan, pushes, and both nameservers turn green with the new serial', async () => {
    await startNamed('ns2'); // in case another test left it stopped
    const home = freshHome('e2e-dns');
    const web1 = suite.tb.ssh.web1;
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
    const { page } = await suite.open('e2e-dns', home);
    await page.setViewportSize({ width: 1400, height: 900 });

    for (const name of ['ns1', 'ns2']) {
      await page.getByRole('button', { name: '+ Add server' }).first().click();
      await fillServerForm(page, { name, host: web1.host, port: String(web1.port), user: 'root', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'dns' });
      const form = page.getByRole('form', { name: /server/i });
      await form.locator('input[name=role-web]').uncheck();
      await form.locator('input[name=role-ns]').check();
      await page.getByRole('button', { name: 'Add server', exact: true }).click();
      await page.getByRole('region', { name: `Server ${name}` }).waitFor();
    }

    await page.getByRole('button', { name: 'DNS zones' }).click();
    const view = page.getByRole('region', { name: 'DNS zones' });
    await view.getByRole('button', { name: 'Nameservers…' }).click();
    for (const name of ['ns1', 'ns2'] as const) {
      const ns = suite.tb.ns[name];
      const form = view.getByRole('form', { name: `DNS settings of ${name}` });
      await form.getByLabel(`Zone directory of ${name}`).fill(ns.dir);
      await form.getByLabel(`Zones config of ${name}`).fill(ns.zonesConf);
      await form.getByLabel(`named.conf of ${name}`).fill(`${ns.dir}/named.conf`);
      await form.getByLabel(`rndc config of ${name}`).fill(ns.rndcConfFile);
      await form.getByLabel(`Query address of ${name}`).fill(ns.host);
      const port = form.getByLabel(`DNS port of ${name}`);
      // Typed over as a user does: a cleared field stays empty (not "NaN") while the new port is typed.
      await port.fill('');
      expect(await port.inputValue()).toBe('');
      await port.pressSequentially(String(ns.port));
      expect(await port.inputValue()).toBe(String(ns.port));
      if (name === 'ns2') await shot(page, 'dns-00-nameservers');
      await form.getByRole('button', { name: `Save settings of ${name}` }).click();
      await view.getByRole('status').filter({ hasText: `Settings of ${name} saved.` }).waitFor();
      if (name === 'ns1') await view.getByRole('button', { name: 'Nameservers…' }).click();
    }
    await expect.poll(() => view.locator('.dns-summary').textContent()).toContain(`ns2 (127.0.0.1:${suite.tb.ns.ns2.port})`);

    const zone = uniqueZone('e2e');
    await view.getByRole('button', { name: 'New zone' }).click();
    const nz = view.getByRole('form', { name: 'New zone' });
    await nz.getByLabel('Zone', { exact: true }).fill(zone);
    await nz.getByLabel('Nameservers').fill('ns1.example.test., ns2.example.test.');
    await nz.getByLabel('Default TTL').fill('300');
    await nz.getByRole('button', { name: 'Create zone' }).click();
    const editor = view.getByRole('region', { name: `Zone ${zone}` });
    await editor.waitFor();

    // A zone-file injection attempt is a field error, and nothing is saved.
    const add = editor.getByRole('form', { name: 'Add a record' });
    await add.getByLabel('Name').fill('www');
    await add.getByLabel('Value').fill('192.0.2.10; $INCLUDE /etc/passwd');
    await add.getByRole('button', { name: 'Add record' }).click();
    await expect.poll(() => add.locator('.field.has-error .field-error').first().textContent()).toContain('IPv4 address');
    await shot(page, 'dns-01-field-error');

    await add.getByLabel('Value').fill('192.0.2.10');
    await add.getByRole('button', { name: 'Add record' }).click();
    await editor.locator('tr[data-record="www A"]').waitFor();
    await editor.getByRole('button', { name: 'Push zone' }).click();
    const first = await bothInSync(page, zone);
    await shot(page, 'dns-02-pushed-green');

    // Edit the record: the plan shows the change.
    await editor.getByRole('button', { name: 'Edit A record www' }).click();
    const edit = editor.getByRole('form', { name: 'Edit A record www' });
    await edit.getByLabel('Value').fill('192.0.2.11');
    await edit.getByRole('button', { name: 'Save' }).click();
    const plan = editor.getByLabel(`Plan for ${zone}`);
    await expect.poll(() => plan.textContent()).toContain('~1 changed');
    expect(await plan.textContent()).toContain('www 300 A 192.0.2.10 → 192.0.2.11');
    await expect.poll(() => page.locator(`tr[data-zone="${zone}"] .dns-changed`).count()).toBe(1);
    await shot(page, 'dns-03-plan');

    await editor.getByRole('button', { name: 'Push zone' }).click();
    await expect.poll(async () => Number(await page.locator(`tr[data-zone="${zone}"] [data-testid=ns-status-ns1] .ns-serial`).textContent()), { timeout: 30_000 }).toBeGreaterThan(first);
    const second = await bothInSync(page, zone);
    expect(second).toBeGreaterThan(first);
    await shot(page, 'dns-04-pushed-again');
    for (const name of ['ns1', 'ns2'] as const) expect(await resolver(name).resolve4(`www.${zone}`)).toEqual(['192.0.2.11']);

    // Delete the zone: typed confirmation, then both nameservers stop serving it.
    await editor.getByRole('button', { name: 'Delete zone…' }).click();
    const confirmDelete = editor.getByRole('form', { name: `Delete zone ${zone}` });
    await confirmDelete.getByLabel(`Type ${zone} to confirm`).fill(zone);
    await shot(page, 'dns-05-delete-confirm');
    await confirmDelete.getByRole('button', { name: `Delete ${zone}` }).click();
    await view.getByRole('status').filter({ hasText: `${zone}: removal queued on 2 nameservers` }).waitFor();
    await view.locator(`tr[data-zone="${zone}"]`).waitFor({ state: 'detached' });
    for (const name of ['ns1', 'ns2'] as const) await expect.poll(() => soaSerial(name, zone), { timeout: 30_000 }).toBeNull();

    // Import the testbed's hand-written example.test from ns1: it joins the list as pushed.
    await view.getByRole('button', { name: 'Import…' }).click();
    const imp = view.getByRole('form', { name: 'Import a zone' });
    await imp.getByLabel('Zone to import').fill('example.test');
    await imp.getByRole('button', { name: 'Import' }).click();
    await view.getByRole('status').filter({ hasText: 'Imported example.test from ns1: 5 records, serial 2026112201.' }).waitFor();
    await view.locator('tr[data-zone="example.test"]').waitFor();
    expect(await view.locator('tr[data-zone="example.test"] .dns-changed').count()).toBe(0);
    await view.locator('tr[data-zone="example.test"] [data-testid=ns-status-ns1][data-state=in-sync]').waitFor();
    await shot(page, 'dns-06-imported');
  });
});
