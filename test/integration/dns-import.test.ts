// Import of a zone file written by hand on a nameserver (read over SFTP, parsed): the records
// round-trip exactly; A/AAAA records for a site's host names land in the longest-matching zone;
// hostile values never reach a zone file.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZonePlan } from '../../shared/api/dns';
import type { DnsRecord, Zone } from '../../shared/dns';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { addNameservers, SOA, uniqueZone } from '../helpers/dns';
import { sh } from '../helpers/hosting';

const suite = coreSuite();
const SITE = `hddns${Date.now().toString(36)}`;
const written: string[] = [];
afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
  // The site's account was created for real (its domain binding failed: no vhost folder).
  if (sh(`id -u ${SITE}`) !== null) sh(`pkill -KILL -u ${SITE}; userdel -r ${SITE} 2>/dev/null`);
});

describe('dns import', () => {
  it('imports a hand-written zone file and its records round-trip exactly', async () => {
    const t = await suite.core('dns-import', { trust: [suite.tb.ssh.web1] });
    const ns = await addNameservers(t);
    const zone = uniqueZone('imp');
    const file = `${suite.tb.ns.ns1.dir}/db.${zone}`;
    written.push(file);
    writeFileSync(
      file,
      `; written by hand
$TTL 1h
$ORIGIN ${zone}.
@   IN  SOA ns1.example.test. hostmaster.${zone}. (
        2026010507 ; serial
        3h         ; refresh
        15M        ; retry
        1w         ; expire
        300 )      ; minimum
    IN  NS  ns1.example.test.
    IN  NS  ns2.example.test.
@       IN A     192.0.2.1
        MX 10 mail          ; relative target
        MX 20 mail.example.net.
        TXT "v=spf1 mx -all"
        CAA 0 issue "letsencrypt.org"
mail  600 IN A 192.0.2.25
www   IN  600 AAAA 2001:0db8:0000::0010
www   A 192.0.2.10
ftp   CNAME www
long  TXT ( "first part; with a semicolon "
            "and \\"quotes\\" and a back\\\\slash" )
_sip._tcp SRV 10 5 5060 sip
sip   A 192.0.2.40
$ORIGIN sub.${zone}.
host  A 192.0.2.50
*     A 192.0.2.51
$ORIGIN ${zone}.
7     PTR host.sub
weird HINFO "PC" "Linux"   ; not managed: left out with a warning
`,
    );
    const out = await t.call<{ zone: Zone; serial: number; warnings: string[] }>('dns.importZone', { serverId: ns.ns1.id, zone, save: true });
    expect(out.serial).toBe(2026010507);
    expect(out.warnings).toEqual([expect.stringContaining('HINFO records are not managed')]);
    expect(out.zone.ttl).toBe(3600);
    expect(out.zone.soa).toEqual({ primary: 'ns1.example.test.', email: `hostmaster.${zone}.`, refresh: 10800, retry: 900, expire: 604800, minimum: 300 });
    const expected: DnsRecord[] = [
      { name: '@', type: 'NS', ttl: 3600, value: 'ns1.example.test.' },
      { name: '@', type: 'NS', ttl: 3600, value: 'ns2.example.test.' },
      { name: '@', type: 'A', ttl: 3600, value: '192.0.2.1' },
      { name: '@', type: 'MX', ttl: 3600, value: `10 mail.${zone}.` },
      { name: '@', type: 'MX', ttl: 3600, value: '20 mail.example.net.' },
      { name: '@', type: 'TXT', ttl: 3600, value: 'v=spf1 mx -all' },
      { name: '@', type: 'CAA', ttl: 3600, value: '0 issue "letsencrypt.org"' },
      { name: 'mail', type: 'A', ttl: 600, value: '192.0.2.25' },
      { name: 'www', type: 'AAAA', ttl: 600, value: '2001:db8::10' },
      { name: 'www', type: 'A', ttl: 3600, value: '192.0.2.10' },
      { name: 'ftp', type: 'CNAME', ttl: 3600, value: `www.${zone}.` },
      { name: 'long', type: 'TXT', ttl: 3600, value: 'first part; with a semicolon and "quotes" and a back\\slash' },
      { name: '_sip._tcp', type: 'SRV', ttl: 3600, value: `10 5 5060 sip.${zone}.` },
      { name: 'sip', type: 'A', ttl: 3600, value: '192.0.2.40' },
      { name: 'host.sub', type: 'A', ttl: 3600, value: '192.0.2.50' },
      { name: '*.sub', type: 'A', ttl: 3600, value: '192.0.2.51' },
      { name: '7', type: 'PTR', ttl: 3600, value: `host.sub.${zone}.` },
    ];
    expect(out.zone.records).toEqual(expected);
    // Saved as pushed: nothing to push until something changes.
    const { plan } = await t.call<{ zone: Zone; plan: ZonePlan }>('dns.zone', { zone });
    expect(plan.hasChanges).toBe(false);
    // A file with $INCLUDE is refused as a whole.
    const inc = uniqueZone('inc');
    written.push(`${suite.tb.ns.ns1.dir}/db.${inc}`);
    writeFileSync(`${suite.tb.ns.ns1.dir}/db.${inc}`, `$TTL 300\n$INCLUDE /etc/passwd\n@ SOA a. b. 1 2 3 4 5\n`);
    const e = await t.fail('dns.importZone', { serverId: ns.ns1.id, zone: inc, save: false });
    expect(e.message).toMatch(/Line 2: \$INCLUDE is not supported/);
  });

  it("adds A/AAAA records for a site's host names in the longest-matching zone", async () => {
    const t = await suite.core('dns-site', { trust: [suite.tb.ssh.web1] });
    const ns = await addNameservers(t);
    const zone = uniqueZone('site');
    await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
    await t.call('dns.createZone', { zone: `sub.${zone}`, ttl: 600, soa: SOA, nameservers: ['ns1.example.test.'] });
    const out = await t.call<{ added: { zone: string; record: DnsRecord }[]; uncovered: string[] }>('dns.addSiteRecords', {
      serverId: ns.ns1.id,
      names: [zone, `www.${zone}`, `shop.sub.${zone}`, 'other.example.org'],
      addresses: ['192.0.2.80', '2001:db8::80'],
    });
    expect(out.uncovered).toEqual(['other.example.org']);
    expect(out.added.map((a) => [a.zone, a.record.name, a.record.type, a.record.value, a.record.ttl])).toEqual([
      [zone, '@', 'A', '192.0.2.80', 300],
      [zone, '@', 'AAAA', '2001:db8::80', 300],
      [zone, 'www', 'A', '192.0.2.80', 300],
      [zone, 'www', 'AAAA', '2001:db8::80', 300],
      [`sub.${zone}`, 'shop', 'A', '192.0.2.80', 600],
      [`sub.${zone}`, 'shop', 'AAAA', '2001:db8::80', 600],
    ]);
    // A site's bound domains and aliases, from the hosting records, in one step.
    await t.call('hosting.setSettings', { serverId: ns.ns1.id, web: { vhostDir: '/nonexistent-hd-dns', nginxConf: '/etc/nginx/nginx.conf', listen: '80', suspendedDir: '/nonexistent-hd-dns' } });
    await t.call('hosting.createSite', { serverId: ns.ns1.id, name: SITE, quotaMb: 0 });
    await t.call('hosting.bindDomain', { serverId: ns.ns1.id, site: SITE, domain: `blog.sub.${zone}`, aliases: [`www.blog.sub.${zone}`, 'blog.example.org'] });
    const bySite = await t.call<{ added: { zone: string; record: DnsRecord }[]; uncovered: string[] }>('dns.addSiteRecords', { serverId: ns.ns1.id, site: SITE, addresses: ['192.0.2.81'] });
    expect(bySite.uncovered).toEqual(['blog.example.org']);
    expect(bySite.added.map((a) => [a.zone, a.record.name, a.record.type, a.record.value])).toEqual([
      [`sub.${zone}`, 'blog', 'A', '192.0.2.81'],
      [`sub.${zone}`, 'www.blog', 'A', '192.0.2.81'],
    ]);
    // Again: nothing new.
    expect((await t.call<{ added: unknown[] }>('dns.addSiteRecords', { serverId: ns.ns1.id, names: [`www.${zone}`], addresses: ['192.0.2.80'] })).added).toEqual([]);
    // A name that has a CNAME cannot get an A record too.
    await t.call('dns.putRecord', { zone, record: { name: 'blog', type: 'CNAME', ttl: 300, value: 'www' } });
    const e = await t.fail('dns.addSiteRecords', { serverId: ns.ns1.id, names: [`blog.${zone}`], addresses: ['192.0.2.80'] });
    expect(e.message).toMatch(/CNAME/);
  });

  it('refuses hostile values with field errors; nothing reaches a zone file or a nameserver', async () => {
    const t = await suite.core('dns-hostile', { trust: [suite.tb.ssh.web1] });
    const ns = await addNameservers(t);
    const zone = uniqueZone('hostile');
    const canary = `/tmp/hd-dns-canary-${zone}`;
    await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
    const bad: [Partial<DnsRecord>, string][] = [
      [{ name: 'x\n$INCLUDE /etc/passwd' }, 'record.name'],
      [{ name: 'a;b' }, 'record.name'],
      [{ name: 'a b' }, 'record.name'],
      [{ name: `$(touch ${canary})` }, 'record.name'],
      [{ name: 'x'.repeat(64) }, 'record.name'],
      [{ value: '192.0.2.1\nevil IN A 192.0.2.66' }, 'record.value'],
      [{ type: 'TXT', value: 'a\n$INCLUDE /etc/shadow' }, 'record.value'],
      [{ type: 'TXT', value: 'a\rb' }, 'record.value'],
      [{ type: 'TXT', value: 'a\u0000b' }, 'record.value'],
      [{ type: 'CNAME', value: `www.${zone}.; touch ${canary}` }, 'record.value'],
      [{ ttl: -1 }, 'record.ttl'],
      [{ ttl: 2 ** 31 }, 'record.ttl'],
    ];
    for (const [patch, field] of bad) {
      const e = await t.fail('dns.putRecord', { zone, record: { name: 'h', type: 'A', ttl: 300, value: '192.0.2.1', ...patch } });
      expect(e.code, JSON.stringify(patch)).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {}), JSON.stringify(patch)).toEqual([field]);
    }
    const zoneErr = await t.fail('dns.createZone', { zone: `evil.test";\ninclude "/etc/passwd`, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
    expect(Object.keys(zoneErr.fields ?? {})).toEqual(['zone']);
    const settingsErr = await t.fail('dns.setSettings', { serverId: ns.ns1.id, settings: { zoneDir: `/var/lib/bind; touch ${canary}`, zonesConf: '/etc/bind/z', namedConf: '/etc/bind/named.conf', rndcConf: null, queryHost: null, queryPort: 53 } });
    expect(Object.keys(settingsErr.fields ?? {})).toEqual(['settings.zoneDir']);
    // A TXT full of zone-file syntax is data, rendered quoted: it is stored, not refused.
    await t.call('dns.putRecord', { zone, record: { name: 'txt', type: 'TXT', ttl: 300, value: '"; $INCLUDE /etc/passwd ; ( ) \\' } });
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId: ns.ns1.id })).tasks).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });
});
