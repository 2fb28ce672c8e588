// Renewal of an ACME certificate against the testbed's pebble, nginx and BIND: a domain issued
// over HTTP-01, then "Renew now" (tls.renew) orders it again through the ACME service and the
// new certificate replaces the old one on the server (the status read shows the new fingerprint,
// HTTPS serves it); a second renewal while one waits in the queue is refused; an uploaded
// certificate is not renewed by Hostdeck.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstalledCert } from '../../shared/api/tls';
import type { Task } from '../../shared/queue';
import { addWeb1, coreSuite } from '../helpers/core';
import { pebbleSettings, registeringKeychain, zoneWithNames } from '../helpers/acme';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { makeCa, makeLeaf } from '../helpers/tls';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdren${tag}`;
const zone = `renew-${tag}.test`;
const other = `up-${tag}.test`;

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf; rm -rf ${suite.tb.root}/tls/${site}`);
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
});

describe('HTTPS renewal', () => {
  it('renews an ACME certificate on demand (not twice at once), and refuses to renew an uploaded one', async () => {
    const t = await suite.core('tls-renew', { trust: [suite.tb.ssh.web1], keychain: await registeringKeychain() });
    const serverId = (await addWeb1(t, 'root')).id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('acme.setSettings', pebbleSettings(suite.tb));
    await zoneWithNames(t, zone, ['@']);
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [zone] });
    await t.call('hosting.bindDomain', { serverId, site, domain: other, aliases: [] });
    let tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);

    await t.call('acme.issue', { serverId, site, domain: zone, challenge: 'http-01', redirect: false, hsts: false });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    const certOf = async () => (await t.call<{ certs: InstalledCert[] }>('tls.status', { serverId })).certs.find((c) => c.site === site && c.domain === zone);
    const first = await certOf();
    expect(first?.names).toEqual([zone]);

    // Renew now: queued through the ACME service; a second request while it waits is refused.
    const renewal = await t.call<{ tasks: Task[] }>('tls.renew', { serverId, site, domain: zone });
    expect(renewal.tasks.map((x) => x.kind)).toContain('tls.issue');
    const again = await t.fail('tls.renew', { serverId, site, domain: zone });
    expect(again.message).toMatch(new RegExp(`A new certificate for ${zone.replace(/\./g, '\\.')} is already in the queue`));
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    const renewed = await certOf();
    expect(renewed?.names).toEqual([zone]);
    expect(renewed!.fingerprint).not.toBe(first!.fingerprint);

    // An uploaded certificate: Hostdeck cannot renew it.
    const ca = makeCa();
    const leaf = makeLeaf(ca, [other]);
    await t.call('tls.upload', { serverId, site, domain: other, chainPem: leaf.certPem, keyPem: leaf.keyPem, redirect: false, hsts: false });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect((await t.fail('tls.renew', { serverId, site, domain: other })).message).toMatch(/was uploaded: Hostdeck cannot renew it/);
  }, 600_000);
});
