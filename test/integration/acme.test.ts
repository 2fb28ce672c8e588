// Certificates ordered from a real ACME CA (the testbed's pebble, validating for real against
// the testbed nginx and BIND): one name over the stateless HTTP-01 answer, served over HTTPS by
// the testbed nginx's TLS port; the name check reports a name that does not resolve before the
// CA is asked (pebble saw no order); a name that does not answer the challenge (a suspended site
// answers 503) fails the task before the CA is told; a SAN certificate with the domain's alias; a
// wildcard over DNS-01 with its TXT record pushed to both nameservers and taken out after; the
// CA's refusal (its resolver asks a nameserver Hostdeck did not push to) fails the task with the
// CA's words. Hostile input is refused with nothing run. Every key the app makes goes through the keychain, which registers
// it for the final scan.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { NameCheck } from '../../shared/api/acme';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { nsSettings, resolver, SOA } from '../helpers/dns';
import { httpsGet, pebbleSettings, registeringKeychain, zoneWithNames } from '../helpers/acme';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { addWeb1 } from '../helpers/core';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdacme${tag}`;
const zone = `acme-${tag}.test`;
/** An alias in no zone Hostdeck holds (and resolving nowhere). */
const elsewhere = `elsewhere-${tag}.test`;
const canary = `/tmp/hd-acme-canary-${tag}`;
const refusedSite = `hdacmr${tag}`;
const ns2Zone = `acme-ns2-${tag}.test`;

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

async function setup(label: string) {
  const t = await suite.core(label, { trust: [suite.tb.ssh.web1], keychain: await registeringKeychain() });
  const server = await addWeb1(t, 'root');
  await t.call('hosting.setSettings', { serverId: server.id, ...testbedHostingSettings(suite.tb) });
  await t.call('acme.setSettings', pebbleSettings(suite.tb));
  return { t, serverId: server.id };
}

/** HTTPS GET until the certificate served has these names (nginx applies a reload about 100 ms after its signal). */
async function servedWith(name: string, altNames: string[]): Promise<{ status: number; body: string; altNames: string }> {
  const want = [...altNames].sort().join(', ');
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = await httpsGet(name).catch((error: Error) => ({ status: 0, body: error.message, altNames: '' }));
    if (got.altNames.split(', ').sort().join(', ') === want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pebbleLog(): string {
  return readFileSync(suite.tb.pebble.logFile, 'utf8');
}

afterAll(() => {
  for (const s of [site, refusedSite]) {
    if (sh(`id -u ${s}`) !== null) sh(`pkill -KILL -u ${s}; userdel -r ${s} 2>/dev/null`);
    rmSync(`/home/${s}`, { recursive: true, force: true });
    sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${s}-*.conf; rm -rf ${suite.tb.root}/tls/${s}`);
  }
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
  rmSync(canary, { force: true });
});

describe('ACME', () => {
  it('checks names, issues over HTTP-01 (one name, then with its alias) and over DNS-01 (wildcard); HTTPS serves each', async () => {
    const { t, serverId } = await setup('acme');
    await zoneWithNames(t, zone, ['@', 'www']);
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await t.call('hosting.bindDomain', { serverId, site, domain: zone, aliases: [`www.${zone}`, `typo.${zone}`, elsewhere] });
    let tasks = await settleQueue(t, serverId);
    expect(tasks.every((x) => x.status === 'done' || x.status === 'skipped'), statuses(tasks)).toBe(true);
    sh(`printf 'hello from ${site}' > /home/${site}/public_html/index.html`);

    // The name check: the alias with no record is reported, and the issue is refused before pebble hears of it.
    const siteRecord = async () => (await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites.find((s) => s.name === site)!;
    const { results } = await t.call<{ results: NameCheck[] }>('acme.checkNames', { serverId, site, domain: zone, names: [zone, `www.${zone}`, `typo.${zone}`], challenge: 'http-01' });
    expect(results.map((r) => [r.name, r.ok])).toEqual([[zone, true], [`www.${zone}`, true], [`typo.${zone}`, false]]);
    expect(results[2]!.detail).toMatch(/Does not resolve/);
    // DNS-01 needs the zone of the name in Hostdeck.
    const dns01 = await t.call<{ results: NameCheck[] }>('acme.checkNames', { serverId, site, domain: zone, names: [`*.${zone}`, `*.${elsewhere}`], challenge: 'dns-01' });
    expect(dns01.results.map((r) => [r.name, r.ok])).toEqual([[`*.${zone}`, true], [`*.${elsewhere}`, false]]);
    expect(dns01.results[1]!.detail).toBe(`No DNS zone in Hostdeck holds ${elsewhere}: DNS-01 needs its zone here (DNS zones).`);
    const ordersBefore = (pebbleLog().match(/new-order|order-plz/g) ?? []).length;
    const refused = await t.fail('acme.issue', { serverId, site, domain: zone, challenge: 'http-01', redirect: false, hsts: false });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`typo.${zone}`);
    expect((pebbleLog().match(/new-order|order-plz/g) ?? []).length).toBe(ordersBefore);

    // A name that does not answer the challenge (a suspended site answers 503 on every path) fails
    // the task before the CA is told, which would count a failed validation; the queue stops.
    await t.call('hosting.suspendSite', { serverId, site });
    await settleQueue(t, serverId);
    await t.call('acme.issue', { serverId, site, domain: zone, names: [zone], challenge: 'http-01', redirect: false, hsts: false });
    tasks = await settleQueue(t, serverId, 90_000);
    const refusedTask = tasks.find((x) => x.status === 'failed');
    expect(refusedTask?.kind, statuses(tasks)).toBe('tls.issue');
    expect(refusedTask!.stderrTail).toContain(`Not sent to the CA (a failed validation counts against its limits): ${zone} (127.0.0.2:${suite.tb.nginx.port}) does not answer the challenge with this account's key authorization: it answers HTTP 503.`);
    await t.call('queue.skip', { serverId, taskId: refusedTask!.id });
    await t.call('hosting.unsuspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.filter((x) => x.status === 'failed' || x.status === 'pending'), statuses(tasks)).toEqual([]);
    // No certificate, so no HTTPS in the records: a server block written now must not point nginx at missing files.
    expect((await siteRecord()).tls).toEqual([]);

    // One name over HTTP-01.
    const one = await t.call<{ tasks: Task[]; names: string[] }>('acme.issue', { serverId, site, domain: zone, names: [zone], challenge: 'http-01', redirect: false, hsts: false });
    expect(one.tasks.map((x) => x.kind)).toEqual(['acme.http01', 'domain.bind', 'tls.issue']);
    expect(JSON.stringify(one.tasks)).not.toContain('PRIVATE KEY-----\nM');
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done' || x.status === 'skipped'), statuses(tasks)).toBe(true);
    let got = await servedWith(zone, [`DNS:${zone}`]);
    expect(got.status).toBe(200);
    expect(got.body).toBe(`hello from ${site}`);
    expect(got.altNames).toBe(`DNS:${zone}`);
    const key = `${suite.tb.root}/tls/${site}/${zone}.key`;
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect((await siteRecord()).tls).toEqual([{ domain: zone, source: 'acme', redirect: false, hsts: false }]);
    expect(await t.call<{ tasks: Task[] }>('queue.list', { serverId }).then((q) => q.tasks.at(-1)!.stdoutTail)).toContain('HTTPS on');

    // The domain and its alias (a SAN certificate), dropping the failing name by choice.
    const san = await t.call<{ names: string[]; dropped: NameCheck[] }>('acme.issue', { serverId, site, domain: zone, challenge: 'http-01', redirect: true, hsts: false, dropFailing: true });
    expect(san.names).toEqual([zone, `www.${zone}`]);
    expect(san.dropped.map((d) => d.name)).toEqual([`typo.${zone}`, elsewhere]);
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done' || x.status === 'skipped'), statuses(tasks)).toBe(true);
    got = await servedWith(`www.${zone}`, [`DNS:${zone}`, `DNS:www.${zone}`]);
    expect(got.status).toBe(200);
    expect(got.altNames.split(', ').sort()).toEqual([`DNS:${zone}`, `DNS:www.${zone}`]);

    // A wildcard over DNS-01: the TXT record reaches both nameservers and is gone after.
    await t.call('acme.issue', { serverId, site, domain: zone, names: [zone, `*.${zone}`], challenge: 'dns-01', redirect: true, hsts: true });
    tasks = await settleQueue(t, serverId, 120_000);
    expect(tasks.every((x) => x.status === 'done' || x.status === 'skipped'), statuses(tasks)).toBe(true);
    got = await servedWith(zone, [`DNS:*.${zone}`, `DNS:${zone}`]);
    expect(got.altNames.split(', ').sort()).toEqual([`DNS:*.${zone}`, `DNS:${zone}`]);
    const records = await t.call<{ zone: { records: { name: string; type: string }[] } }>('dns.zone', { zone });
    expect(records.zone.records.some((r) => r.type === 'TXT')).toBe(false);
    for (const ns of ['ns1', 'ns2'] as const) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const txt = await resolver(ns).resolveTxt(`_acme-challenge.${zone}`).catch(() => []);
        if (txt.length === 0) break;
        if (Date.now() > deadline) throw new Error(`${ns} still answers the challenge TXT record`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 300_000);

  it("fails the task with the CA's words when the CA refuses", async () => {
    // The zone is pushed to ns2 only, where Hostdeck verifies the TXT record; pebble asks ns1.
    const t = await suite.core('acme-refused', { trust: [suite.tb.ssh.web1], keychain: await registeringKeychain() });
    const server = await addWeb1(t, 'root');
    const serverId = server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('acme.setSettings', pebbleSettings(suite.tb));
    const ns2 = await t.call<{ id: string }>('servers.add', { name: 'ns2', host: suite.tb.ssh.web1.host, port: suite.tb.ssh.web1.port, user: 'root', auth: { method: 'key', keyPath: suite.tb.keys.ed25519.path }, roles: ['ns'], tags: [] });
    await t.call('dns.setSettings', { serverId: ns2.id, settings: nsSettings('ns2') });
    await t.call('dns.createZone', { zone: ns2Zone, ttl: 300, soa: SOA, nameservers: ['ns2.example.test.'] });
    await t.call('hosting.createSite', { serverId, name: refusedSite, quotaMb: 0 });
    await t.call('hosting.bindDomain', { serverId, site: refusedSite, domain: ns2Zone, aliases: [] });
    await settleQueue(t, serverId);
    await t.call('acme.issue', { serverId, site: refusedSite, domain: ns2Zone, challenge: 'dns-01', redirect: false, hsts: false });
    const tasks = await settleQueue(t, serverId, 120_000);
    const failed = tasks.find((x) => x.status === 'failed');
    expect(failed?.kind, statuses(tasks)).toBe('tls.issue');
    expect(failed!.stderrTail).toMatch(new RegExp(`^The CA refused the dns-01 validation of ${ns2Zone.replace(/\./g, '\\.')}: .+`));
    // The TXT record is out of the zone again.
    const zoneNow = await t.call<{ zone: { records: { type: string }[] } }>('dns.zone', { zone: ns2Zone });
    expect(zoneNow.zone.records.some((r) => r.type === 'TXT')).toBe(false);
    await t.call('queue.skip', { serverId, taskId: failed!.id });
    await settleQueue(t, serverId);
    await settleQueue(t, ns2.id, 40_000);
    await t.call('dns.deleteZone', { zone: ns2Zone, confirm: ns2Zone });
    await settleQueue(t, ns2.id, 40_000);
  }, 180_000);

  it('refuses hostile input before anything runs', async () => {
    const { t, serverId } = await setup('acme-hostile');
    const bad = [`x$(touch ${canary})`, `a.test; touch ${canary}`, `\`touch ${canary}\``, 'a.test\nb', '../../etc', 'a..test', '*.*.test', '-a.test', 'ａ.test', "a'b.test"];
    for (const value of bad) {
      for (const input of [
        { serverId, site: value, domain: 'a.test', challenge: 'http-01', redirect: false, hsts: false },
        { serverId, site: 'hdx', domain: value, challenge: 'http-01', redirect: false, hsts: false },
        { serverId, site: 'hdx', domain: 'a.test', names: [value], challenge: 'http-01', redirect: false, hsts: false },
        { serverId, site: 'hdx', domain: 'a.test', challenge: value, redirect: false, hsts: false },
      ]) {
        expect((await t.fail('acme.issue', input)).code).toBe('invalid-input');
      }
      for (const settings of [
        ...(/[^A-Za-z0-9._~%/-]/.test(value) ? [{ ...pebbleSettings(suite.tb), directoryUrl: `https://x.test/${value}` }] : []),
        { ...pebbleSettings(suite.tb), email: value },
        { ...pebbleSettings(suite.tb), resolver: value },
        { ...pebbleSettings(suite.tb), caRootPem: value },
      ]) {
        expect((await t.fail('acme.setSettings', settings)).code).toBe('invalid-input');
      }
    }
    expect((await t.fail('acme.setSettings', { ...pebbleSettings(suite.tb), directoryUrl: 'http://127.0.0.1:14000/dir' })).code).toBe('invalid-input');
    expect((await t.fail('acme.issue', { serverId, site: 'hdx', domain: 'a.test', challenge: 'http-01', redirect: false, hsts: false, extra: 1 })).code).toBe('invalid-input');
    expect(existsSync(canary)).toBe(false);
  });
});
