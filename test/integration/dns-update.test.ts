// A push to a nameserver that serves what was pushed last goes as a dynamic update (nsupdate
// with the old SOA as prerequisite), against the two real BIND instances: every kind of change
// answers on both; a nameserver changed by hand gets the whole zone instead (and loses the hand
// change) while the other takes the update; a zone with the static stanza of earlier versions
// is made dynamic by its next push; an import reads the journal's updates too; a deleted zone
// leaves no journal behind.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DnsRecord, Zone } from '../../shared/dns';
import type { Task } from '../../shared/queue';
import { coreSuite, type TestCore } from '../helpers/core';
import { addNameservers, resolver, SOA, uniqueZone } from '../helpers/dns';
import { settleQueue } from '../helpers/hosting';
import { soaSerial } from '../../testbed/named';

const suite = coreSuite();
const NS = ['ns1', 'ns2'] as const;

type Push = { serials: Record<string, number>; tasks: Task[] };

async function setup(label: string) {
  const t = await suite.core(label, { trust: [suite.tb.ssh.web1] });
  const ns = await addNameservers(t);
  const zone = uniqueZone(label);
  await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
  return { t, ns, zone };
}

async function put(t: TestCore, zone: string, record: DnsRecord, old?: DnsRecord): Promise<void> {
  await t.call<{ zone: Zone }>('dns.putRecord', { zone, record, ...(old ? { old } : {}) });
}

/** Pushes and returns, per nameserver, the push task as it ended. */
async function push(t: TestCore, ns: Record<string, { id: string }>, input: object = {}): Promise<{ serial: number; tasks: Record<(typeof NS)[number], Task> }> {
  const out = await t.call<Push>('dns.push', input);
  const tasks = {} as Record<(typeof NS)[number], Task>;
  for (const name of NS) {
    const task = (await settleQueue(t, ns[name]!.id, 40_000)).at(-1)!;
    expect(task.status, task.stderrTail).toBe('done');
    tasks[name] = task;
  }
  return { serial: Object.values(out.serials)[0]!, tasks };
}

function nsupdateByHand(name: (typeof NS)[number], lines: string[]): void {
  const info = suite.tb.ns[name];
  execFileSync('nsupdate', ['-k', `${info.dir}/session.key`], { input: [`server 127.0.0.1 ${info.port}`, ...lines, 'send', ''].join('\n') });
}

describe('dns push as a dynamic update', () => {
  it('sends every kind of change in place and both nameservers answer it', async () => {
    const { t, ns, zone } = await setup('dns-upd');
    // Long enough to be split into two strings; random, so no other test's secret can match it.
    const long = randomBytes(160).toString('hex');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' };
    const mx: DnsRecord = { name: '@', type: 'MX', ttl: 300, value: '10 mail' };
    const txt: DnsRecord = { name: '@', type: 'TXT', ttl: 300, value: 'v=spf1 mx -all' };
    const old: DnsRecord = { name: 'old', type: 'A', ttl: 300, value: '192.0.2.99' };
    for (const r of [www, mx, txt, old, { name: 'mail', type: 'A', ttl: 300, value: '192.0.2.25' } as DnsRecord]) await put(t, zone, r);
    const first = await push(t, ns);
    for (const name of NS) expect(first.tasks[name].stdoutTail).toContain(`installed whole: ${zone}`);

    await put(t, zone, { ...www, value: '192.0.2.11', ttl: 600 }, www);
    await put(t, zone, { ...mx, value: '20 mx2' }, mx);
    await put(t, zone, { name: 'mx2', type: 'A', ttl: 300, value: '192.0.2.26' });
    await put(t, zone, { ...txt, value: `v=spf1 "quoted" back\\slash ${long}` }, txt);
    await put(t, zone, { name: 'alias', type: 'CNAME', ttl: 300, value: 'www' });
    await put(t, zone, { name: '@', type: 'NS', ttl: 300, value: 'ns2.example.test.' });
    await t.call('dns.deleteRecord', { zone, record: old });
    const second = await push(t, ns, { zones: [zone], confirm: [zone] });
    expect(second.serial).toBeGreaterThan(first.serial);
    for (const name of NS) {
      expect(second.tasks[name].stdoutTail).toContain(`updated in place (dynamic update): ${zone}`);
      expect(second.tasks[name].stdoutTail).not.toContain('installed whole');
      expect(await soaSerial(name, zone)).toBe(second.serial);
      const r = resolver(name);
      expect(await r.resolve4(`www.${zone}`, { ttl: true })).toEqual([{ address: '192.0.2.11', ttl: 600 }]);
      expect(await r.resolveMx(zone)).toEqual([{ priority: 20, exchange: `mx2.${zone}` }]);
      expect((await r.resolveTxt(zone))[0]!.join('')).toBe(`v=spf1 "quoted" back\\slash ${long}`);
      expect(await r.resolveCname(`alias.${zone}`)).toEqual([`www.${zone}`]);
      expect((await r.resolveNs(zone)).sort()).toEqual(['ns1.example.test', 'ns2.example.test']);
      await expect(r.resolve4(`old.${zone}`)).rejects.toThrow(/ENOTFOUND|ENODATA/);
    }
    // The apex NS set shrinks back to one name: the other goes, the one kept stays.
    await t.call('dns.deleteRecord', { zone, record: { name: '@', type: 'NS', ttl: 300, value: 'ns2.example.test.' } });
    const third = await push(t, ns, { zones: [zone], confirm: [zone] });
    for (const name of NS) {
      expect(third.tasks[name].stdoutTail).toContain('updated in place');
      expect(await resolver(name).resolveNs(zone)).toEqual(['ns1.example.test']);
    }
  });

  it('gives the whole zone to a nameserver changed by hand, the update to the other', async () => {
    const { t, ns, zone } = await setup('dns-upd-hand');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' };
    await put(t, zone, www);
    const first = await push(t, ns);
    nsupdateByHand('ns1', [`zone ${zone}.`, `update add byhand.${zone}. 300 IN A 192.0.2.66`]);
    expect(await soaSerial('ns1', zone)).toBe(first.serial + 1);
    await put(t, zone, { ...www, value: '192.0.2.12' }, www);
    const second = await push(t, ns);
    expect(second.tasks.ns1.stdoutTail).toContain(`installed whole: ${zone}`);
    expect(second.tasks.ns2.stdoutTail).toContain(`updated in place (dynamic update): ${zone}`);
    for (const name of NS) {
      expect(await soaSerial(name, zone)).toBe(second.serial);
      expect(await resolver(name).resolve4(`www.${zone}`)).toEqual(['192.0.2.12']);
      await expect(resolver(name).resolve4(`byhand.${zone}`)).rejects.toThrow(/ENOTFOUND|ENODATA/);
    }
  });

  it('imports what named serves after updates in place (the file and its journal), not the older file', async () => {
    const { t, ns, zone } = await setup('dns-upd-import');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.20' };
    await put(t, zone, www);
    await push(t, ns);
    await put(t, zone, { ...www, value: '192.0.2.21' }, www);
    await put(t, zone, { name: 'mail', type: 'A', ttl: 300, value: '192.0.2.25' });
    const second = await push(t, ns);
    expect(second.tasks.ns1.stdoutTail).toContain('updated in place');
    // named writes the journal to the file later: the file alone still has the first push.
    expect(readFileSync(`${suite.tb.ns.ns1.dir}/db.${zone}`, 'utf8')).toContain('192.0.2.20');
    const out = await t.call<{ zone: Zone; serial: number; warnings: string[] }>('dns.importZone', { serverId: ns.ns1.id, zone, save: false });
    expect(out.serial).toBe(second.serial);
    expect(out.warnings).toEqual([]);
    const values = out.zone.records.filter((r) => r.type === 'A').map((r) => `${r.name} ${r.value}`).sort();
    expect(values).toEqual(['mail 192.0.2.25', 'www 192.0.2.21']);
  });

  it('makes a zone of an earlier version (static stanza) dynamic at its next push, then updates it in place', async () => {
    const { t, ns, zone } = await setup('dns-upd-static');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' };
    await put(t, zone, www);
    await push(t, ns);
    for (const name of NS) {
      const info = suite.tb.ns[name];
      const dynamic = `zone "${zone}" { type primary; file "${info.dir}/db.${zone}"; update-policy local; };`;
      const conf = readFileSync(info.zonesConf, 'utf8');
      expect(conf).toContain(dynamic);
      writeFileSync(info.zonesConf, conf.replace(dynamic, `zone "${zone}" { type primary; file "${info.dir}/db.${zone}"; };`));
      execFileSync('rndc', ['-c', info.rndcConfFile, 'reconfig']);
    }
    await put(t, zone, { ...www, value: '192.0.2.13' }, www);
    const second = await push(t, ns);
    for (const name of NS) {
      expect(second.tasks[name].stdoutTail).toContain(`${zone}: not updated in place (named refused it (REFUSED): not a dynamic zone yet`);
      expect(second.tasks[name].stdoutTail).toContain('made dynamic');
      expect(await resolver(name).resolve4(`www.${zone}`)).toEqual(['192.0.2.13']);
    }
    await put(t, zone, { ...www, value: '192.0.2.14' }, { ...www, value: '192.0.2.13' });
    const third = await push(t, ns);
    for (const name of NS) {
      expect(third.tasks[name].stdoutTail).toContain('updated in place');
      expect(await resolver(name).resolve4(`www.${zone}`)).toEqual(['192.0.2.14']);
    }
    // Deleting the zone takes its journal too.
    expect(existsSync(`${suite.tb.ns.ns1.dir}/db.${zone}.jnl`)).toBe(true);
    await t.call('dns.deleteZone', { zone, confirm: zone });
    for (const name of NS) {
      expect((await settleQueue(t, ns[name].id, 40_000)).at(-1)!.status).toBe('done');
      expect(existsSync(`${suite.tb.ns[name].dir}/db.${zone}.jnl`)).toBe(false);
      expect(readFileSync(suite.tb.ns[name].zonesConf, 'utf8')).not.toContain(`"${zone}"`);
    }
  });
});
