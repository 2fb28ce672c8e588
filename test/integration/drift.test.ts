// Drift against the real testbed: web1 as root (its nginx, php-fpm, pure-ftpd, MariaDB, the
// machine's cron) and the two BIND nameservers. A site with a domain, PHP, a cron job, an FTP
// login and a database, and a pushed zone, are clean; then changed by hand as an admin would —
// a server block deleted, the PHP pool edited, an FTP login added with pure-pw, the database
// dropped, the zone file on ns2 edited — and each is reported with both sides; each fix works
// in both directions (fix the server, accept the server's state), and a second check then
// reports no drift.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DriftItem, DriftReport } from '../../shared/api/drift';
import type { HostingSettings, SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES, type PhpSettings } from '../../shared/php';
import type { Task } from '../../shared/queue';
import { coreSuite, type TestCore } from '../helpers/core';
import { addNameservers, nsSettings, SOA, uniqueZone } from '../helpers/dns';
import { mariadbRoot, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { removeTestPool, testbedPhpSettings } from '../helpers/php';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hddr${tag}`;
const host = `dr-${tag}.test`;
const extraFtp = `hdfx${tag}`;
const db = `${site}_shop`;
const dbUser = `${site}_u`;
const zone = uniqueZone('drift');

function settings(): HostingSettings & { php: PhpSettings } {
  return { ...testbedHostingSettings(suite.tb), php: testbedPhpSettings(suite.tb) };
}

const vhost = () => `${suite.tb.nginx.sitesDir}/hostdeck-${site}-${host}.conf`;
const pool = () => `${suite.tb.php.poolsDir}/hd-${site}.conf`;
const zoneFile = () => `${nsSettings('ns2').zoneDir}/db.${zone}`;

afterAll(() => {
  void removeTestPool(site);
  for (const s of [`hddh${tag}`]) if (sh(`id -u ${s}`) !== null) sh(`userdel -r ${s} 2>/dev/null`);
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf /etc/cron.d/hostdeck-${site}`);
  for (const user of [extraFtp, `${site}f`]) sh(`pure-pw userdel ${user} -f ${suite.tb.ftp.passwdFile} -F ${suite.tb.ftp.dbFile} -m 2>/dev/null`);
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
  mariadbRoot(`DROP DATABASE IF EXISTS \`${db}\`; DROP USER IF EXISTS '${dbUser}'@'localhost'`);
});

const mine = (r: DriftReport) => r.items.filter((i) => i.site === site || i.title === `Zone ${zone}`);
const byKind = (r: DriftReport, kind: DriftItem['kind']) => mine(r).find((i) => i.kind === kind);

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

async function done(t: TestCore, serverIds: string[]): Promise<void> {
  for (const id of serverIds) {
    const tasks = await settleQueue(t, id);
    expect(tasks.filter((x) => x.status === 'failed'), statuses(tasks)).toEqual([]);
  }
}

/** Previews an action (its tasks or record changes must be shown), then does it. */
async function answer(t: TestCore, serverId: string, item: DriftItem | undefined, action: 'fix' | 'accept', confirm?: string) {
  expect(item, `a ${action} for a reported item`).toBeDefined();
  expect(item![action]).not.toBeNull();
  const preview = await t.call<{ tasks: { kind: string; commands: string[] }[]; records: string[] }>('drift.preview', { serverId, id: item!.id, action });
  expect(preview.tasks.length + preview.records.length).toBeGreaterThan(0);
  if (action === 'accept') expect(preview.tasks).toEqual([]);
  const out = await t.call<{ tasks: Task[]; password: string | null }>('drift.resolve', { serverId, id: item!.id, action, ...(confirm ? { confirm } : {}) });
  if (out.password) registerSecret('drift', out.password);
  return { preview, out };
}

function editZoneOnNs2(record: string): void {
  // As an admin would: a record added and the serial left alone, named not even told.
  const text = readFileSync(zoneFile(), 'utf8');
  writeFileSync(zoneFile(), text.endsWith('\n') ? `${text}${record}\n` : `${text}\n${record}\n`);
}

describe('drift', () => {
  it('reports each hand-made change with both sides; fixes and accepts work; a second check is clean', async () => {
    const t = await suite.web1('drift', 'root');
    const web1 = t.server.id;
    await t.call('hosting.setSettings', { serverId: web1, ...settings() });
    const ns = await addNameservers(t);
    const servers = [web1, ns.ns1.id, ns.ns2.id];

    await t.call('hosting.createSite', { serverId: web1, name: site, quotaMb: 0, domains: [host] });
    await t.call('hosting.setPhp', { serverId: web1, site, version: suite.tb.php.version, values: DEFAULT_PHP_VALUES, extras: [] });
    await t.call('hosting.setCronJob', { serverId: web1, site, schedule: '17 3 * * *', command: 'echo drift' });
    await t.call('hosting.createFtp', { serverId: web1, site, user: `${site}f` });
    await t.call('hosting.createDb', { serverId: web1, site, name: db, user: dbUser });
    await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
    await t.call('dns.putRecord', { zone, record: { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' } });
    await t.call('dns.push', { zones: [zone] });
    await done(t, servers);

    // Clean: everything of the site and the zone compared, nothing reported.
    const clean = await t.call<DriftReport>('drift.check', { serverId: web1 });
    expect(clean.error).toBeNull();
    expect(mine(clean)).toEqual([]);
    expect(clean.compared).toBeGreaterThanOrEqual(6);
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: ns.ns2.id }))).toEqual([]);

    // Round 1: changed by hand; fixed on the server where it matters, accepted where the server is right.
    const uid = sh(`id -u ${site}`)!.trim();
    const changeByHand = () => {
      rmSync(vhost());
      sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
      writeFileSync(pool(), readFileSync(pool(), 'utf8').replace(/memory_limit\] = \S+/, 'memory_limit] = 96M'));
      const pw = `Drift-${randomUUID()}`;
      registerSecret('drift-ftp', pw);
      sh(`printf '%s\\n%s\\n' '${pw}' '${pw}' | pure-pw useradd ${extraFtp} -u ${uid} -g ${uid} -d /home/${site} -f ${suite.tb.ftp.passwdFile} -F ${suite.tb.ftp.dbFile} -m`);
      mariadbRoot(`DROP DATABASE \`${db}\``);
    };
    changeByHand();
    editZoneOnNs2(`hand.${zone}. 300 IN A 192.0.2.99`);

    const r1 = await t.call<DriftReport>('drift.check', { serverId: web1 });
    const v = byKind(r1, 'vhost')!;
    expect(v).toMatchObject({ way: 'missing', server: 'no such file' });
    expect(v.diff!.every((l) => l.startsWith('-'))).toBe(true);
    expect(v.fix).not.toBeNull();
    expect(v.accept).not.toBeNull();
    const p = byKind(r1, 'php')!;
    expect(p.way).toBe('changed');
    expect(p.diff).toContain('+php_admin_value[memory_limit] = 96M');
    expect(p.diff).toContain(`-php_admin_value[memory_limit] = ${DEFAULT_PHP_VALUES.memoryLimit}`);
    expect(p.accept).not.toBeNull();
    const f = byKind(r1, 'ftp')!;
    expect(f).toMatchObject({ way: 'extra', records: 'no such login' });
    expect(f.server).toContain(extraFtp);
    const d = byKind(r1, 'db')!;
    expect(d).toMatchObject({ way: 'missing', server: `no database ${db}` });
    expect(mine(r1).map((i) => i.kind).sort()).toEqual(['db', 'ftp', 'php', 'vhost']);
    const z1 = await t.call<DriftReport>('drift.check', { serverId: ns.ns2.id });
    const z = byKind(z1, 'zone')!;
    expect(z.way).toBe('changed');
    expect(z.diff!.some((l) => l.startsWith('+') && l.includes('hand.') && l.includes('192.0.2.99'))).toBe(true);
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: ns.ns1.id }))).toEqual([]);

    const fixVhost = await answer(t, web1, v, 'fix');
    expect(fixVhost.preview.tasks.map((x) => x.kind)).toEqual(['domain.bind']);
    const acceptPool = await answer(t, web1, p, 'accept');
    expect(acceptPool.preview.records.join(' ')).toContain('PHP');
    await answer(t, web1, f, 'accept');
    const fixDb = await answer(t, web1, d, 'fix');
    expect(fixDb.preview.tasks.map((x) => x.kind)).toEqual(['db.create']);
    expect(fixDb.out.password).toBeTruthy();
    const fixZone = await answer(t, ns.ns2.id, z, 'fix');
    expect(fixZone.preview.tasks.map((x) => x.kind)).toEqual(['dns.push', 'dns.push']);
    await done(t, servers);
    expect(existsSync(vhost())).toBe(true);
    expect(mariadbRoot(`SHOW DATABASES LIKE '${db}'`).trim()).toBe(db);
    const records = (await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId: web1 })).sites.find((s) => s.name === site)!;
    expect(records.php!.values.memoryLimit).toBe('96M');
    expect(records.ftpUsers).toContain(extraFtp);
    expect(readFileSync(zoneFile(), 'utf8')).not.toContain('192.0.2.99');
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: web1 }))).toEqual([]);
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: ns.ns2.id }))).toEqual([]);

    // Round 2: the same kinds of change, answered the other way.
    rmSync(vhost());
    sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
    writeFileSync(pool(), readFileSync(pool(), 'utf8').replace(/memory_limit\] = \S+/, 'memory_limit] = 80M'));
    sh(`pure-pw userdel ${extraFtp} -f ${suite.tb.ftp.passwdFile} -F ${suite.tb.ftp.dbFile} -m`);
    mariadbRoot(`DROP DATABASE \`${db}\``);
    appendFileSync(`/etc/cron.d/hostdeck-${site}`, '# a line added by hand\n');
    editZoneOnNs2(`hand2.${zone}. 300 IN TXT "edited on ns2"`);
    const r2 = await t.call<DriftReport>('drift.check', { serverId: web1 });
    expect(mine(r2).map((i) => `${i.kind}:${i.way}`).sort()).toEqual(['cron:changed', 'db:missing', 'ftp:missing', 'php:changed', 'vhost:missing']);
    const cron = byKind(r2, 'cron')!;
    expect(cron.diff).toContain('+# a line added by hand');
    expect(cron.accept).toBeNull(); // a line Hostdeck would not write cannot be taken into the records

    await answer(t, web1, byKind(r2, 'vhost'), 'accept');
    await answer(t, web1, byKind(r2, 'php'), 'fix');
    const fixFtp = await answer(t, web1, byKind(r2, 'ftp'), 'fix');
    expect(fixFtp.preview.tasks.map((x) => x.kind)).toEqual(['ftp.create']);
    await answer(t, web1, byKind(r2, 'db'), 'accept');
    await answer(t, web1, cron, 'fix');
    const z2 = byKind(await t.call<DriftReport>('drift.check', { serverId: ns.ns2.id }), 'zone');
    await answer(t, ns.ns2.id, z2, 'accept');
    await done(t, servers);

    const after = (await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId: web1 })).sites.find((s) => s.name === site)!;
    expect(after.domains).toEqual([]);
    expect(after.databases).toEqual([]);
    expect(readFileSync(pool(), 'utf8')).toContain('memory_limit] = 96M');
    expect(readFileSync(`/etc/cron.d/hostdeck-${site}`, 'utf8')).not.toContain('by hand');
    const zoneNow = await t.call<{ zone: { records: { name: string; type: string }[] } }>('dns.zone', { zone });
    expect(zoneNow.zone.records.some((r) => r.name === 'hand2' && r.type === 'TXT')).toBe(true);

    // The second check: no drift on web1 or ns2; ns1 now differs from the accepted zone (it never had the hand edit).
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: web1 }))).toEqual([]);
    expect(mine(await t.call<DriftReport>('drift.check', { serverId: ns.ns2.id }))).toEqual([]);
    const ns1 = byKind(await t.call<DriftReport>('drift.check', { serverId: ns.ns1.id }), 'zone');
    expect(ns1?.way).toBe('changed');
    await answer(t, ns.ns1.id, ns1, 'fix');
    await done(t, servers);
    for (const id of servers) expect(mine(await t.call<DriftReport>('drift.check', { serverId: id }))).toEqual([]);

    await t.call('hosting.deleteSite', { serverId: web1, site, confirm: site });
    await t.call('dns.deleteZone', { zone, confirm: zone });
    await done(t, servers);
  }, 120_000);
});

describe('drift with hostile things on the server', () => {
  it('shows names Hostdeck does not accept without offering actions, refuses made-up items, and runs nothing', async () => {
    const canary = `/tmp/hd-drift-canary-${tag}`;
    const hostile = `hddh${tag}`;
    const t = await suite.web1('drift-hostile', 'root');
    const web1 = t.server.id;
    await t.call('hosting.setSettings', { serverId: web1, ...settings() });
    await t.call('hosting.createSite', { serverId: web1, name: hostile, quotaMb: 0 });
    await done(t, [web1]);
    const uid = sh(`id -u ${hostile}`)!.trim();
    const evilBlock = `${suite.tb.nginx.sitesDir}/hostdeck-${hostile}-evil.conf`;
    const passwd = suite.tb.ftp.passwdFile;
    const badLine = `bad;touch\${IFS}${canary}:x:${uid}:${uid}::/home/${hostile}/./::::::::::::`;
    try {
      // Not loaded by nginx (never reloaded while it is there): only read by the check.
      writeFileSync(evilBlock, `server {\n    server_name evil$(touch${'${IFS}'}${canary}).test \`touch ${canary}\`;\n}\n`);
      appendFileSync(passwd, `${badLine}\n`);
      const r = await t.call<DriftReport>('drift.check', { serverId: web1 });
      const items = r.items.filter((i) => i.site === hostile);
      expect(items.map((i) => `${i.kind}:${i.way}`).sort()).toEqual(['ftp:extra', 'vhost:extra']);
      for (const item of items) {
        expect(item.fix).toBeNull();
        expect(item.accept).toBeNull();
        for (const action of ['fix', 'accept'] as const) {
          expect((await t.fail('drift.preview', { serverId: web1, id: item.id, action })).code).toBe('conflict');
          expect((await t.fail('drift.resolve', { serverId: web1, id: item.id, action })).code).toBe('conflict');
        }
      }
      for (const id of ['', `vhost:${hostile}:$(touch ${canary})`, `'; touch ${canary}; '`, '../../etc/passwd', 'x'.repeat(601), `zone:$(touch ${canary}):extra`, 'ftp:a\nb:c']) {
        const error = await t.fail('drift.resolve', { serverId: web1, id, action: 'fix' });
        expect(['not-found', 'invalid-input']).toContain(error.code);
      }
      for (const everyTicks of [-1, 1.5, 10_001, Number.NaN]) expect((await t.fail('drift.setSettings', { everyTicks })).code).toBe('invalid-input');
      expect((await t.fail('drift.resolve', { serverId: web1, id: items[0]!.id, action: 'drop' })).code).toBe('invalid-input');
      expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId: web1 })).tasks.filter((x) => x.status === 'pending')).toEqual([]);
      expect(existsSync(canary)).toBe(false);
    } finally {
      rmSync(evilBlock, { force: true });
      // Only the line added here goes (other tests may have changed the file meanwhile).
      writeFileSync(passwd, readFileSync(passwd, 'utf8').split('\n').filter((l) => l !== badLine).join('\n'));
      rmSync(canary, { force: true });
    }
    await t.call('hosting.deleteSite', { serverId: web1, site: hostile, confirm: hostile });
    await done(t, [web1]);
  }, 60_000);
});

describe('drift after health checks', () => {
  it('is checked by itself after every Nth health check a server answers', async () => {
    const t = await suite.web1('drift-auto', 'root');
    const web1 = t.server.id;
    const reportOf = async () => (await t.call<{ reports: DriftReport[] }>('drift.reports', {})).reports.find((r) => r.serverId === web1)!;
    await t.call('drift.setSettings', { everyTicks: 2 });
    await t.call('health.checkNow', { serverId: web1 });
    expect((await reportOf()).checkedAt).toBeNull();
    await t.call('health.checkNow', { serverId: web1 });
    await expect.poll(async () => (await reportOf()).checkedAt, { timeout: 10_000 }).not.toBeNull();
    expect((await reportOf()).error).toBeNull();
  }, 30_000);
});
