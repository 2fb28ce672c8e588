// DNS push against the two real BIND instances (ns1, ns2), reached over SSH as root: every
// record type answers on both nameservers; changes and deletions show up with a higher serial;
// a zone named-checkzone rejects never replaces the live file; a nameserver that is down fails
// its own task (its queue stops) while the other completes, and a retry completes the push;
// deleting a zone takes it off both nameservers.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZonePlan, ZoneSummary } from '../../shared/api/dns';
import type { DnsRecord, Zone } from '../../shared/dns';
import type { Task } from '../../shared/queue';
import { coreSuite, type TestCore } from '../helpers/core';
import { addNameservers, registerSessionKeys, resolver, SOA, uniqueZone } from '../helpers/dns';
import { settleQueue } from '../helpers/hosting';
import { soaSerial, startNamed } from '../../testbed/named';

const suite = coreSuite();

afterAll(async () => {
  await startNamed('ns2');
});

type Push = { serials: Record<string, number>; tasks: Task[] };

async function setup(label: string) {
  const t = await suite.core(label, { trust: [suite.tb.ssh.web1] });
  const ns = await addNameservers(t);
  const zone = uniqueZone(label);
  await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
  return { t, ns, zone };
}

async function put(t: TestCore, zone: string, record: DnsRecord, old?: DnsRecord): Promise<Zone> {
  return (await t.call<{ zone: Zone }>('dns.putRecord', { zone, record, ...(old ? { old } : {}) })).zone;
}

async function pushAndSettle(t: TestCore, ns: Record<string, { id: string }>, input: object = {}): Promise<{ push: Push; tasks: Record<string, Task[]> }> {
  const push = await t.call<Push>('dns.push', input);
  const tasks: Record<string, Task[]> = {};
  for (const [name, s] of Object.entries(ns)) tasks[name] = await settleQueue(t, s.id, 40_000);
  return { push, tasks };
}

const LONG_TXT = `k=rsa; p=${'A'.repeat(300)}"quoted" back\\slash; $INCLUDE /etc/passwd ; (paren) ${'z'.repeat(200)}`;

describe('dns push', () => {
  it('pushes a zone with every record type and both nameservers answer each record', async () => {
    const { t, ns, zone } = await setup('dns-all');
    const records: DnsRecord[] = [
      { name: '@', type: 'A', ttl: 300, value: '192.0.2.1' },
      { name: 'www', type: 'A', ttl: 600, value: '192.0.2.10' },
      { name: 'www', type: 'AAAA', ttl: 600, value: '2001:DB8:0:0::10' },
      { name: 'alias', type: 'CNAME', ttl: 300, value: 'www' },
      { name: '@', type: 'MX', ttl: 300, value: '10 mail' },
      { name: 'mail', type: 'A', ttl: 300, value: '192.0.2.25' },
      { name: '@', type: 'TXT', ttl: 300, value: 'v=spf1 mx -all' },
      { name: 'dkim._domainkey', type: 'TXT', ttl: 300, value: LONG_TXT },
      { name: '_sip._tcp', type: 'SRV', ttl: 300, value: '10 5 5060 sip.example.test.' },
      { name: '@', type: 'CAA', ttl: 300, value: '0 issue "letsencrypt.org"' },
      { name: '10', type: 'PTR', ttl: 300, value: 'host.example.test.' },
    ];
    for (const r of records) await put(t, zone, r);
    const plan = (await t.call<{ plans: ZonePlan[] }>('dns.plan', { zones: [zone] })).plans[0]!;
    expect(plan.isNew).toBe(true);
    const { push, tasks } = await pushAndSettle(t, ns);
    expect(push.tasks.map((x) => x.kind)).toEqual(['dns.push', 'dns.push']);
    // The status was last asked before the push (to choose the serial); a health check of ns1
    // (what the health tick runs) asks ns1 again, and only ns1.
    const statusOf = async () => (await t.call<{ zones: ZoneSummary[] }>('dns.zones', {})).zones.find((z) => z.name === zone)!.nameservers.map((n) => n.state);
    expect(await statusOf()).toEqual(['missing', 'missing']);
    await t.call('health.checkNow', { serverId: ns.ns1.id });
    await expect.poll(statusOf).toEqual(['in-sync', 'missing']);
    // The journal holds a hash, not the zone.
    expect(JSON.stringify(push.tasks[0]!.params).length).toBeLessThan(1000);
    for (const name of ['ns1', 'ns2'] as const) {
      expect(tasks[name]!.map((x) => x.status), tasks[name]!.map((x) => x.stderrTail).join()).toEqual(['done']);
      expect(tasks[name]![0]!.stdoutTail).toContain(`verified: 127.0.0.1:${suite.tb.ns[name].port} answers serial ${push.serials[zone]}`);
      expect(await soaSerial(name, zone)).toBe(push.serials[zone]);
      const r = resolver(name);
      expect(await r.resolve4(zone)).toEqual(['192.0.2.1']);
      expect(await r.resolve4(`www.${zone}`)).toEqual(['192.0.2.10']);
      expect(await r.resolve6(`www.${zone}`)).toEqual(['2001:db8::10']);
      expect(await r.resolveCname(`alias.${zone}`)).toEqual([`www.${zone}`]);
      expect(await r.resolveMx(zone)).toEqual([{ priority: 10, exchange: `mail.${zone}` }]);
      expect(await r.resolveTxt(zone)).toEqual([['v=spf1 mx -all']]);
      const dkim = await r.resolveTxt(`dkim._domainkey.${zone}`);
      expect(dkim).toHaveLength(1);
      expect(dkim[0]!.join('')).toBe(LONG_TXT);
      expect(dkim[0]!.length).toBe(Math.ceil(Buffer.byteLength(LONG_TXT) / 255));
      expect(dkim[0]!.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
      expect((await r.resolveNs(zone)).sort()).toEqual(['ns1.example.test', 'ns2.example.test']);
      expect(await r.resolveSrv(`_sip._tcp.${zone}`)).toEqual([{ priority: 10, weight: 5, port: 5060, name: 'sip.example.test' }]);
      expect(await r.resolveCaa(zone)).toEqual([{ critical: 0, issue: 'letsencrypt.org' }]);
      expect(await r.resolvePtr(`10.${zone}`)).toEqual(['host.example.test']);
    }
    const listed = (await t.call<{ zones: ZoneSummary[] }>('dns.zones', { refresh: true })).zones.find((z) => z.name === zone)!;
    expect(listed.changed).toBe(false);
    expect(listed.nameservers.map((n) => [n.server, n.state, n.serial])).toEqual([
      ['ns1', 'in-sync', push.serials[zone]],
      ['ns2', 'in-sync', push.serials[zone]],
    ]);
  });

  it('changes and deletes records: the answers change and the serial rises', async () => {
    const { t, ns, zone } = await setup('dns-change');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' };
    const alias: DnsRecord = { name: 'alias', type: 'CNAME', ttl: 300, value: `www.${zone}.` };
    await put(t, zone, www);
    await put(t, zone, alias);
    await put(t, zone, { name: 'keep', type: 'A', ttl: 300, value: '192.0.2.30' });
    const first = await pushAndSettle(t, ns);
    const serial1 = first.push.serials[zone]!;
    await put(t, zone, { ...www, value: '192.0.2.11' }, www);
    await t.call('dns.deleteRecord', { zone, record: alias });
    const plan = (await t.call<{ zone: Zone; plan: ZonePlan }>('dns.zone', { zone })).plan;
    expect(plan.changed.map((c) => [c.from.value, c.to.value])).toEqual([['192.0.2.10', '192.0.2.11']]);
    expect(plan.removed.map((r) => r.name)).toEqual(['alias']);
    expect(plan.added).toEqual([]);
    expect(plan.confirmReasons).toEqual([]);
    const second = await pushAndSettle(t, ns);
    const serial2 = second.push.serials[zone]!;
    expect(serial2).toBeGreaterThan(serial1);
    for (const name of ['ns1', 'ns2'] as const) {
      expect(second.tasks[name]!.map((x) => x.status)).toEqual(['done', 'done']);
      expect(await soaSerial(name, zone)).toBe(serial2);
      expect(await resolver(name).resolve4(`www.${zone}`)).toEqual(['192.0.2.11']);
      await expect(resolver(name).resolveCname(`alias.${zone}`)).rejects.toThrow(/ENOTFOUND|ENODATA/);
    }
    // Nothing changed: "push all" has nothing to do.
    expect((await t.call<Push>('dns.push', {})).tasks).toEqual([]);
  });

  it('asks for a confirmation before removing most records or touching the apex NS', async () => {
    const { t, ns, zone } = await setup('dns-confirm');
    const rs = ['a', 'b', 'c'].map((n, i): DnsRecord => ({ name: n, type: 'A', ttl: 300, value: `192.0.2.${i + 1}` }));
    for (const r of rs) await put(t, zone, r);
    await pushAndSettle(t, ns);
    for (const r of rs.slice(0, 2)) await t.call('dns.deleteRecord', { zone, record: r });
    const refused = await t.fail('dns.push', {});
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('removes 2 of 5 records');
    expect(refused.data).toEqual({ zones: [zone] });
    const { push } = await pushAndSettle(t, ns, { confirm: [zone] });
    expect(push.tasks).toHaveLength(2);
    await put(t, zone, { name: '@', type: 'NS', ttl: 300, value: 'ns3.example.test.' });
    expect((await t.fail('dns.push', { zones: [zone] })).message).toContain('changes the apex NS records');
  });

  it('never replaces the live file with a zone named-checkzone rejects', async () => {
    const { t, ns, zone } = await setup('dns-reject');
    await put(t, zone, { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' });
    const good = await pushAndSettle(t, ns);
    const live = readFileSync(`${suite.tb.ns.ns1.dir}/db.${zone}`, 'utf8');
    // Valid to Hostdeck, refused by named-checkzone: an in-zone NS with no address.
    const bad: DnsRecord = { name: '@', type: 'NS', ttl: 300, value: `ns3.${zone}.` };
    await put(t, zone, bad);
    const { tasks } = await pushAndSettle(t, ns, { confirm: [zone] });
    for (const name of ['ns1', 'ns2'] as const) {
      const last = tasks[name]!.at(-1)!;
      expect(last.status).toBe('failed');
      expect(last.stderrTail).toContain(`named-checkzone rejected ${zone}`);
      expect(last.stderrTail).toMatch(/has no address records/);
      expect(await soaSerial(name, zone)).toBe(good.push.serials[zone]);
    }
    expect(readFileSync(`${suite.tb.ns.ns1.dir}/db.${zone}`, 'utf8')).toBe(live);
    expect((await t.call<{ stopped: boolean }>('queue.list', { serverId: ns.ns1.id })).stopped).toBe(true);
    // Fixed: skip the failed push, push the corrected zone.
    await t.call('dns.deleteRecord', { zone, record: bad });
    for (const s of Object.values(ns)) await t.call('queue.skip', { serverId: s.id });
    const fixed = await pushAndSettle(t, ns, { zones: [zone], confirm: [zone] });
    for (const name of ['ns1', 'ns2'] as const) {
      expect(fixed.tasks[name]!.at(-1)!.status).toBe('done');
      expect(await soaSerial(name, zone)).toBe(fixed.push.serials[zone]);
    }
  });

  it('a nameserver that is down fails its own task; ns1 completes; a retry after it is back completes the push', async () => {
    const { t, ns, zone } = await setup('dns-down');
    await put(t, zone, { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' });
    const { stopNamed } = await import('../../testbed/named');
    await stopNamed('ns2');
    let push: Push;
    let ns1Tasks: Task[];
    let ns2Tasks: Task[];
    try {
      push = await t.call<Push>('dns.push', {});
      ns1Tasks = await settleQueue(t, ns.ns1.id, 40_000);
      ns2Tasks = await settleQueue(t, ns.ns2.id, 40_000);
      const zones = (await t.call<{ zones: ZoneSummary[] }>('dns.zones', { refresh: true })).zones.find((z) => z.name === zone)!;
      expect(zones.nameservers.map((n) => [n.server, n.state])).toEqual([
        ['ns1', 'in-sync'],
        ['ns2', 'unreachable'],
      ]);
    } finally {
      await startNamed('ns2');
    }
    expect(ns1Tasks.map((x) => x.status)).toEqual(['done']);
    expect(await soaSerial('ns1', zone)).toBe(push.serials[zone]);
    expect(ns2Tasks.map((x) => x.status)).toEqual(['failed']);
    expect(ns2Tasks[0]!.stderrTail).toMatch(/rndc (reconfig|reload).*failed/);
    expect((await t.call<{ stopped: boolean }>('queue.list', { serverId: ns.ns2.id })).stopped).toBe(true);
    await t.call('queue.retry', { serverId: ns.ns2.id });
    const after = await settleQueue(t, ns.ns2.id, 40_000);
    expect(after.map((x) => x.status), after.map((x) => x.stderrTail).join()).toEqual(['done']);
    expect(await soaSerial('ns2', zone)).toBe(push.serials[zone]);
    expect(await resolver('ns2').resolve4(`www.${zone}`)).toEqual(['192.0.2.10']);
  });
  it('updates in place again after named restarted with a new session key (read again on NOTAUTH)', async () => {
    const { t, ns, zone } = await setup('dns-rekey');
    const www: DnsRecord = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.30' };
    await put(t, zone, www);
    await pushAndSettle(t, ns);
    await put(t, zone, { ...www, value: '192.0.2.31' }, www);
    const before = await pushAndSettle(t, ns);
    expect(before.tasks.ns2!.at(-1)!.stdoutTail).toContain(`updated in place (dynamic update): ${zone}`);
    const keyFile = `${suite.tb.ns.ns2.dir}/session.key`;
    const oldKey = readFileSync(keyFile, 'utf8');
    // A restart of named (the testbed's start begins with no zones: they are put back after it).
    const info = suite.tb.ns.ns2;
    const zones = readFileSync(info.zonesConf, 'utf8');
    const { stopNamed } = await import('../../testbed/named');
    await stopNamed('ns2');
    await startNamed('ns2');
    writeFileSync(info.zonesConf, zones);
    execFileSync('rndc', ['-c', info.rndcConfFile, 'reconfig']);
    registerSessionKeys();
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
    for (let i = 0; i < 100 && (await soaSerial('ns2', zone)) !== before.push.serials[zone]; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await soaSerial('ns2', zone)).toBe(before.push.serials[zone]);
    await put(t, zone, { ...www, value: '192.0.2.32' }, { ...www, value: '192.0.2.31' });
    const after = await pushAndSettle(t, ns);
    const task = after.tasks.ns2!.at(-1)!;
    expect(task.status, task.stderrTail).toBe('done');
    expect(task.stdoutTail).toContain(`updated in place (dynamic update): ${zone}`);
    expect(await resolver('ns2').resolve4(`www.${zone}`)).toEqual(['192.0.2.32']);
  });

  it('deletes a zone: both nameservers stop serving it, its stanza and file are gone', async () => {
    const { t, ns, zone } = await setup('dns-delete');
    await put(t, zone, { name: 'www', type: 'A', ttl: 300, value: '192.0.2.44' });
    const { tasks } = await pushAndSettle(t, ns);
    expect([...tasks.ns1!, ...tasks.ns2!].map((x) => x.status)).toEqual(['done', 'done']);
    expect(await soaSerial('ns1', zone)).not.toBeNull();
    const e = await t.fail('dns.deleteZone', { zone, confirm: 'wrong' });
    expect(Object.keys(e.fields ?? {})).toEqual(['confirm']);
    const removed = await t.call<{ tasks: Task[] }>('dns.deleteZone', { zone, confirm: zone });
    expect(removed.tasks.map((x) => x.kind)).toEqual(['dns.remove', 'dns.remove']);
    for (const name of ['ns1', 'ns2'] as const) {
      const done = (await settleQueue(t, ns[name].id, 40_000)).at(-1)!;
      expect(done.status, done.stderrTail).toBe('done');
      expect(done.stdoutTail).toContain(`verified: 127.0.0.1:${suite.tb.ns[name].port} no longer serves ${zone}`);
      expect(await soaSerial(name, zone)).toBeNull();
      expect(readFileSync(suite.tb.ns[name].zonesConf, 'utf8')).not.toContain(`"${zone}"`);
      expect(existsSync(`${suite.tb.ns[name].dir}/db.${zone}`)).toBe(false);
    }
    expect((await t.call<{ zones: ZoneSummary[] }>('dns.zones', {})).zones.some((z) => z.name === zone)).toBe(false);
  });
});
