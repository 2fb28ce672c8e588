// Sites, DNS zones, backup settings and the uploads of queued tasks shared in team mode, on the
// testbed's MariaDB with two cores (separate data folders): a solo folder's zone goes into the
// team it creates; a site made on A (domain, FTP login, database) is listed on B within 2 s; a
// zone edited on B is seen on A, and A's push makes both nameservers serve B's record; a backup
// policy set on A shows on B; an edit based on an older version (a zone record, the hosting
// settings) is refused with both versions; leaving copies them back into the folder. A push queued
// on A is run by B's runner after A is gone, its zone file read from the team's `blobs` (removed
// once the tasks are done); content over the limit is refused when queued. The roles' GRANTs on
// the new tables, and a database of schema version 1 brought up to date.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupPolicy, BackupState } from '../../shared/api/backups';
import type { SiteRecord, HostingSettings } from '../../shared/api/hosting';
import type { ZoneSummary } from '../../shared/api/dns';
import type { Zone } from '../../shared/dns';
import type { Task } from '../../shared/queue';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import { createSchema, migrateSchema, TEAM_TABLES } from '../../src-main/core/team/schema';
import { openTeamDb } from '../../src-main/core/team/connection';
import { TeamBlobs } from '../../src-main/core/team/blobs';
import { TeamRecords } from '../../src-main/core/team/records';
import { teamDnsStore } from '../../src-main/core/team/dns-store';
import { BlobStore } from '../../src-main/core/queue/blobs';
import { freshDataDir } from '../helpers/env';
import { activateRole, roleSetupStatements } from '../../src-main/core/team/roles';
import { coreSuite, registeringSecrets, type TestCore } from '../helpers/core';
import { createCore } from '../../src-main/core/core';
import { addNameservers, resolver, SOA, uniqueZone } from '../helpers/dns';
import { settleQueue } from '../helpers/hosting';
import { teamConnection, teamDatabase, type TestTeamDb } from '../helpers/team';
import { teamFixture } from '../helpers/team-mariadb';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { registerSecret } from '../helpers/secrets';
import '../helpers/test-kinds';

const suite = coreSuite();
const dbs: TestTeamDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

type Listing = { tasks: Task[] };
const POLICY: BackupPolicy = { schedule: { kind: 'daily', at: '02:30' }, keep: { daily: 7, weekly: 4, monthly: 0 } };

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A in a team created from its folder, B joined: both see web1 and the nameservers. */
async function twoWorkstations(label: string, solo?: (a: TestCore & { server: { id: string } }) => Promise<void>) {
  const db = await teamDatabase();
  dbs.push(db);
  const connect = { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database };
  const a = await suite.web1(`${label}-a`);
  const ns = await addNameservers(a);
  await solo?.(a);
  const created = await a.call<{ copied: Record<string, number> }>('team.create', { ...connect, teamName: 'Hosting', workstation: 'ws-a' });
  const b = await suite.core(`${label}-b`, { trust: [suite.tb.ssh.web1] });
  await b.call('team.join', { ...connect, workstation: 'ws-b' });
  return { db, a, b, ns, copied: created.copied };
}

const sitesOf = async (t: TestCore, serverId: string) => (await t.call<{ sites: SiteRecord[]; settings: HostingSettings; settingsVersion?: number; siteVersions?: Record<string, number> }>('hosting.sites', { serverId }));
const zoneOf = async (t: TestCore, zone: string) => t.call<{ zone: Zone; version?: number }>('dns.zone', { zone });

describe('team mode: sites, zones and backup settings', () => {
  it('are shared between workstations, version-checked, and copied in and out', async () => {
    const zone = uniqueZone('team-zone');
    const { a, b, ns, copied } = await twoWorkstations('team-hosting', async (solo) => {
      // A zone of the solo folder goes into the team.
      await solo.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
    });
    const serverId = (await b.call<{ id: string; name: string }[]>('servers.list', {})).find((s) => s.name === 'web1')!.id;
    expect((await b.call<{ zones: ZoneSummary[] }>('dns.zones', {})).zones.map((z) => z.name)).toEqual([zone]);
    expect((await b.call<{ settings: { zoneDir: string } }>('dns.settings', { serverId: ns.ns1.id })).settings.zoneDir).toBe(suite.tb.ns.ns1.dir);

    expect(copied).toMatchObject({ servers: 3, zones: 1, sites: 0 });
    // A site with its domain, FTP login and database, made on A, listed on B within 2 s.
    const site = `tsite${Date.now().toString(36).slice(-5)}`;
    b.events.length = 0;
    const started = Date.now();
    await a.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await a.call('hosting.bindDomain', { serverId, site, domain: `www.${zone}`, aliases: [] });
    await a.call('hosting.createFtp', { serverId, site, user: `${site}_ftp`, password: 'Team-ftp-password-1' });
    await a.call('hosting.createDb', { serverId, site, name: `${site}_db`, user: `${site}_u`, password: 'Team-db-password-1' });
    const seen = await until('B lists the site', () => sitesOf(b, serverId), (s) => s.sites.some((x) => x.name === site && x.databases.length === 1), 2000 + (Date.now() - started));
    const siteLagMs = Date.now() - started;
    expect(seen.sites.find((x) => x.name === site)).toMatchObject({ ftpUsers: [`${site}_ftp`], databases: [{ name: `${site}_db`, user: `${site}_u` }], domains: [{ domain: `www.${zone}`, aliases: [] }] });
    expect(b.events.some((e) => e.event === 'team.changed' && (e.payload as { table: string }).table === 'sites')).toBe(true);
    // No password in the team's tables.
    const conn = await teamConnection(dbs[0]!);
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT data FROM sites UNION ALL SELECT data FROM hosting_settings UNION ALL SELECT data FROM zones UNION ALL SELECT data FROM backup_policies');
      expect(rows.map((r) => String(r.data)).join('\n')).not.toMatch(/Team-(ftp|db)-password/);
    } finally {
      await conn.end();
    }

    // A zone record edited on B shows on A; A's push makes both nameservers serve it.
    const opened = await zoneOf(a, zone);
    expect(opened.version).toBeGreaterThan(0);
    const edited = Date.now();
    await b.call('dns.putRecord', { zone, record: { name: 'www', type: 'A', ttl: 300, value: '192.0.2.77' } });
    await until('A sees B\'s record', () => zoneOf(a, zone), (z) => z.zone.records.some((r) => r.value === '192.0.2.77'), 2000);
    const zoneLagMs = Date.now() - edited;
    await a.call('dns.push', { zones: [zone] });
    for (const s of Object.values(ns)) expect((await settleQueue(a, s.id, 40_000)).map((t) => t.status)).toEqual(['done']);
    expect(await resolver('ns1').resolve4(`www.${zone}`)).toEqual(['192.0.2.77']);
    expect(await resolver('ns2').resolve4(`www.${zone}`)).toEqual(['192.0.2.77']);
    await until('B sees the push recorded', () => b.call<{ zones: ZoneSummary[] }>('dns.zones', {}), (r) => r.zones[0]?.serial !== null && r.zones[0]?.changed === false, 2000);

    // An edit of the record based on the version A opened (before B's change and the push): refused with both.
    const current = await zoneOf(a, zone);
    const www = current.zone.records.find((r) => r.value === '192.0.2.77')!;
    const stale = await a.fail('dns.putRecord', { zone, record: { ...www, value: '192.0.2.78' }, old: www, baseVersion: opened.version });
    expect(stale.code).toBe('conflict');
    expect(stale.data).toMatchObject({ table: 'zones', id: zone, baseVersion: opened.version, theirs: { version: current.version } });
    // Based on the current version it is saved, and a concurrent edit on B based on the same version loses.
    await a.call('dns.putRecord', { zone, record: { ...www, value: '192.0.2.78' }, old: www, baseVersion: current.version });
    const lost = await b.fail('dns.putRecord', { zone, record: { ...www, value: '192.0.2.79' }, old: www, baseVersion: current.version });
    expect(lost).toMatchObject({ code: 'conflict', data: { theirs: { updatedBy: 'ws-a', version: current.version! + 1 } } });
    expect((await zoneOf(b, zone)).zone.records.filter((r) => r.name === 'www').map((r) => r.value)).toEqual(['192.0.2.78']);

    // The hosting settings form: saved against the version it was opened at; B's save based on
    // the version before A's is refused with both.
    const before = await sitesOf(a, serverId);
    const first = await a.call<{ version?: number }>('hosting.setSettings', { serverId, web: { ...before.settings.web, listen: '8088' }, baseVersion: before.settingsVersion });
    const onB = await until('B sees the settings', () => sitesOf(b, serverId), (s) => s.settingsVersion === first.version, 2000);
    const saved = await a.call<{ version?: number }>('hosting.setSettings', { serverId, web: { ...before.settings.web, listen: '8081' }, baseVersion: first.version });
    expect(saved.version).toBe(first.version! + 1);
    const refused = await b.fail('hosting.setSettings', { serverId, web: { ...onB.settings.web, listen: '8082' }, baseVersion: onB.settingsVersion });
    expect(refused).toMatchObject({ code: 'conflict', data: { table: 'hosting_settings', baseVersion: first.version, theirs: { version: saved.version, updatedBy: 'ws-a', data: { web: { listen: '8081' } } } } });

    // A backup policy set on A shows on B.
    await a.call('backups.setSitePolicy', { serverId, site, policy: POLICY });
    await until('B sees the policy', () => b.call<BackupState>('backups.state', { serverId }), (s) => s.sitePolicies[site] !== undefined, 2000);

    // Leaving: the team's sites, zones and backup settings are this folder's again.
    const left = await a.call<{ copied: Record<string, number> }>('team.leave', { confirm: 'Hosting' });
    expect(left.copied).toMatchObject({ sites: 1, zones: 1, backups: 1 });
    expect((await sitesOf(a, serverId)).sites.find((x) => x.name === site)).toMatchObject({ databases: [{ name: `${site}_db` }] });
    expect((await sitesOf(a, serverId)).settings.web.listen).toBe('8081');
    expect((await zoneOf(a, zone)).zone.records.some((r) => r.value === '192.0.2.78')).toBe(true);
    expect((await a.call<BackupState>('backups.state', { serverId })).sitePolicies[site]).toEqual(POLICY);
    console.log(`team hosting: a site made on A listed on B after ${siteLagMs} ms (4 calls), a zone record made on B seen on A after ${zoneLagMs} ms`);
  }, 120_000);

  it("a site's PHP, cron jobs, log set-up and backup settings are saved against the version they were opened at", async () => {
    const { a, b, db } = await twoWorkstations('team-site-edits');
    const serverId = (await b.call<{ id: string; name: string }[]>('servers.list', {})).find((s) => s.name === 'web1')!.id;
    const site = `tedit${Date.now().toString(36).slice(-5)}`;
    await a.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await settleQueue(a, serverId, 40_000);
    const versionOn = async (t: TestCore) => (await sitesOf(t, serverId)).siteVersions?.[site];
    // Both workstations at the same, settled version of the site.
    const [base] = await until('both see the site settled', async () => [await versionOn(a), await versionOn(b)], ([x, y]) => x !== undefined && x === y, 5000);
    const queued = async () => (await a.call<Listing>('queue.list', { serverId })).tasks.length;
    const siteOn = async (t: TestCore) => (await sitesOf(t, serverId)).sites.find((x) => x.name === site)!;
    const php = { serverId, site, version: suite.tb.php.version, values: DEFAULT_PHP_VALUES, extras: [] };

    // Each edit B makes from the version both opened, after A's edit of it: refused with both versions, nothing recorded or queued.
    const refusedAfter = async (what: string, theirs: Record<string, unknown>, stale: [string, Record<string, unknown>]) => {
      const before = await siteOn(a);
      const tasks = await queued();
      const refused = await b.fail(stale[0], { ...stale[1], baseVersion: base });
      expect(refused, what).toMatchObject({ code: 'conflict', data: { table: 'sites', id: `${serverId}/${site}`, baseVersion: base, theirs: { updatedBy: 'ws-a', data: theirs } } });
      expect(await siteOn(a), what).toEqual(before);
      expect(await queued(), what).toBe(tasks);
      return (refused.data as { theirs: { version: number } }).theirs.version;
    };

    // PHP: A's save from the opened version is accepted; B's from the same version is refused.
    await a.call('hosting.setPhp', { ...php, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '96M' }, baseVersion: base });
    const theirs = await refusedAfter('PHP', { php: { values: { memoryLimit: '96M' } } }, ['hosting.setPhp', { ...php, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '48M' } }]);
    expect(theirs).toBe(base! + 1);
    // "Overwrite with mine": B saves again based on theirs, accepted.
    await b.call('hosting.setPhp', { ...php, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '48M' }, baseVersion: theirs });
    expect((await siteOn(b)).php?.values.memoryLimit).toBe('48M');
    const afterPhp = (await versionOn(b))!;
    expect(afterPhp).toBe(theirs + 1);
    await until('A sees B\'s PHP', () => versionOn(a), (v) => v === afterPhp, 2000);

    // Cron jobs: added from the current version on A; B's add, edit and removal from the version before are refused.
    const added = await a.call<{ job: { id: string } }>('hosting.setCronJob', { serverId, site, schedule: '0 3 * * *', command: 'true', baseVersion: afterPhp });
    const withJob = { cron: [{ id: added.job.id, schedule: '0 3 * * *', command: 'true' }] };
    const stalePhpBase = async (method: string, input: Record<string, unknown>) => {
      const refused = await b.fail(method, { ...input, baseVersion: afterPhp });
      expect(refused, method).toMatchObject({ code: 'conflict', data: { table: 'sites', baseVersion: afterPhp, theirs: { version: afterPhp + 1, updatedBy: 'ws-a', data: withJob } } });
    };
    const tasksBefore = await queued();
    await stalePhpBase('hosting.setCronJob', { serverId, site, schedule: '*/5 * * * *', command: 'false' });
    await stalePhpBase('hosting.setCronJob', { serverId, site, id: added.job.id, schedule: '*/5 * * * *', command: 'true' });
    await stalePhpBase('hosting.removeCronJob', { serverId, site, id: added.job.id });
    await stalePhpBase('hosting.disablePhp', { serverId, site });
    await stalePhpBase('logs.setUp', { serverId, site });
    expect(await queued()).toBe(tasksBefore);
    expect((await siteOn(b)).cron).toEqual(withJob.cron);
    expect((await siteOn(b)).php?.values.memoryLimit).toBe('48M');
    // From the current version: accepted (the job edited, logs set up — which changes nothing in the record, so no new version —, the job removed).
    await b.call('hosting.setCronJob', { serverId, site, id: added.job.id, schedule: '*/5 * * * *', command: 'true', baseVersion: afterPhp + 1 });
    expect((await b.call<Listing>('logs.setUp', { serverId, site, baseVersion: afterPhp + 2 })).tasks.map((x) => x.kind)).toEqual(['logs.site']);
    expect(await versionOn(b)).toBe(afterPhp + 2);
    await b.call('hosting.removeCronJob', { serverId, site, id: added.job.id, baseVersion: afterPhp + 2 });
    expect((await siteOn(b)).cron).toEqual([]);
    expect(await versionOn(b)).toBe(afterPhp + 3);
    // Changes of one site made on A and at once on B (no form, no version): B plans over A's, both kept.
    await a.call('hosting.bindDomain', { serverId, site, domain: `${site}.example.test`, aliases: [] });
    await b.call('hosting.createFtp', { serverId, site, user: `${site}_f`, password: 'Team-ftp-password-2' });
    registerSecret('team ftp password', 'Team-ftp-password-2');
    expect(await siteOn(b)).toMatchObject({ domains: [{ domain: `${site}.example.test` }], ftpUsers: [`${site}_f`] });
    await until('A has both', () => siteOn(a), (s) => s.domains.length === 1 && s.ftpUsers.length === 1, 2000);
    // Solo-style calls (no version) still apply to the latest record.
    await a.call('hosting.disablePhp', { serverId, site });
    await until('B sees PHP off', () => siteOn(b), (s) => s.php === undefined || s.php === null, 2000);

    // Backup settings and a site's policy: edits based on the version B opened, after A's, are
    // refused with both (no password made, nothing written); based on theirs they are saved.
    const backupsOf = (t: TestCore) => t.call<BackupState & { version?: number }>('backups.state', { serverId });
    const openedBackups = await backupsOf(b);
    expect(openedBackups.version).toBe(0);
    await a.call('backups.setSitePolicy', { serverId, site, policy: POLICY, baseVersion: 0 });
    const stalePolicy = await b.fail('backups.setSitePolicy', { serverId, site, policy: null, baseVersion: 0 });
    expect(stalePolicy).toMatchObject({ code: 'conflict', data: { table: 'backup_policies', id: serverId, baseVersion: 0, theirs: { version: 1, updatedBy: 'ws-a', data: { sitePolicies: { [site]: POLICY } } } } });
    const staleSettings = await b.fail('backups.setSettings', { serverId, repoPath: '/var/backups/hostdeck-team-b', policy: POLICY, baseVersion: 0 });
    expect(staleSettings).toMatchObject({ code: 'conflict', data: { table: 'backup_policies', baseVersion: 0, theirs: { version: 1, updatedBy: 'ws-a' } } });
    const afterA = await until('B sees A\'s policy', () => backupsOf(b), (s) => s.version === 1, 2000);
    expect(afterA).toMatchObject({ repoPath: openedBackups.repoPath, hasPassword: false, sitePolicies: { [site]: POLICY } });
    const savedBackups = await b.call<BackupState & { version?: number }>('backups.setSettings', { serverId, repoPath: '/var/backups/hostdeck-team-b', policy: POLICY, baseVersion: 1 });
    expect(savedBackups).toMatchObject({ version: 2, repoPath: '/var/backups/hostdeck-team-b', hasPassword: true });
    const conn = await teamConnection(db);
    try {
      const [[row]] = await conn.query<RowDataPacket[]>('SELECT data FROM backup_policies WHERE id = ?', [serverId]);
      const { repoRef } = (typeof row!.data === 'string' ? JSON.parse(row!.data) : row!.data) as { repoRef: string };
      registerSecret('backup repository password (team)', (await (await openKeychain()).get(repoRef))!);
    } finally {
      await conn.end();
    }
    expect((await b.call<BackupState & { version?: number }>('backups.setSitePolicy', { serverId, site, policy: null, baseVersion: 2 })).version).toBe(3);
    await until('A sees B\'s edits', () => backupsOf(a), (s) => s.version === 3 && s.sitePolicies[site] === undefined, 2000);
  }, 120_000);

  it('a push queued on A is run by B after A is gone, its zone file read from the team', async () => {
    const { db, a: first, b, ns } = await twoWorkstations('team-blobs');
    // A's folder opened again in team mode: its core's queue is the team's (the first one switched in place).
    await first.core.close();
    const core = registeringSecrets(await createCore({ dataDir: first.dataDir, homeDir: first.home, log: () => undefined }));
    const a = { ...first, core, call: async <T,>(method: string, input: unknown) => { const r = await core.call(method, input); if (!r.ok) throw new Error(`${method}: ${r.error.message}`); return r.output as T; } };
    const zone = uniqueZone('team-blob');
    await a.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
    await a.call('dns.putRecord', { zone, record: { name: 'app', type: 'A', ttl: 300, value: '192.0.2.91' } });
    // Each nameserver's queue stopped at a failed task first: nobody runs the push until B answers it.
    for (const s of Object.values(ns)) a.core.queue.enqueue(s.id, 'fail-unless-file', { path: `/tmp/hd-team-blob-missing-${zone}` });
    for (const s of Object.values(ns)) await until('the queue stops', () => a.call<Listing>('queue.list', { serverId: s.id }), (l) => l.tasks[0]?.status === 'failed', 20_000);
    const pushed = await a.call<{ tasks: Task[] }>('dns.push', { zones: [zone] });
    const blob = String((pushed.tasks[0]!.params.zones as { blob: string }[])[0]!.blob);
    const conn = await teamConnection(db);
    try {
      const [shared] = await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM blobs WHERE sha = ?', [blob]);
      expect(Number(shared[0]!.n)).toBeGreaterThan(0);
      // Too large to carry through the team: refused when queued.
      expect(() => a.core.queue.blobs.put(Buffer.alloc(65 * 1024 * 1024))).toThrow(/In team mode a task uploads at most 64 MB/);
      await a.core.close();

      for (const s of Object.values(ns)) await until('B sees the push', () => b.call<Listing>('queue.list', { serverId: s.id }), (l) => l.tasks.length === 2, 5000);
      expect(existsSync(path.join(b.dataDir, 'queue', 'blobs', blob))).toBe(false);
      for (const s of Object.values(ns)) await b.call('queue.skip', { serverId: s.id });
      for (const s of Object.values(ns)) {
        const tasks = await settleQueue(b, s.id, 40_000);
        expect(tasks.map((t) => t.status), tasks.map((t) => t.stderrTail).join('\n')).toEqual(['skipped', 'done']);
      }
      expect(existsSync(path.join(b.dataDir, 'queue', 'blobs', blob))).toBe(true);
      expect(await resolver('ns1').resolve4(`app.${zone}`)).toEqual(['192.0.2.91']);
      expect(await resolver('ns2').resolve4(`app.${zone}`)).toEqual(['192.0.2.91']);
      // Both tasks done: the shared copy goes.
      await until('the shared zone file removed', async () => (await conn.query<RowDataPacket[]>('SELECT sha FROM blobs'))[0].map((r) => String(r.sha)), (left) => left.length === 0, 5000);
    } finally {
      await conn.end();
    }
  }, 120_000);
});

describe('team blobs', () => {
  it('a blob larger than a part travels in parts and arrives whole on another workstation', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const root = await teamConnection(db);
    const conn = { a: await openTeamDb(db.config, db.password), b: await openTeamDb(db.config, db.password) };
    try {
      await createSchema(conn.a.pool, 'Blobs', 'test');
      const [[packet]] = await root.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m');
      const storeA = new BlobStore(path.join(freshDataDir('team-blob-a'), 'blobs'));
      const storeB = new BlobStore(path.join(freshDataDir('team-blob-b'), 'blobs'));
      storeA.useRemote(new TeamBlobs(conn.a));
      storeB.useRemote(new TeamBlobs(conn.b));
      const content = randomBytes(3 * 1024 * 1024 + 123);
      const [sha] = await storeA.putMany([content]);
      const [parts] = await root.query<RowDataPacket[]>('SELECT part, parts, LENGTH(data) AS n FROM blobs WHERE sha = ? ORDER BY part', [sha]);
      expect(parts.length).toBeGreaterThan(3);
      expect(parts.every((p) => Number(p.parts) === parts.length && Number(p.n) <= Math.min(1024 * 1024, Number(packet!.m) / 4))).toBe(true);
      expect(readFileSync(await storeB.ensure(sha!)).equals(content)).toBe(true);
      // The empty content is never shared: every workstation makes it.
      const empty = await storeA.putMany(['']);
      expect(readFileSync(await storeB.ensure(empty[0]!)).length).toBe(0);
      await storeB.release([sha!]);
      expect((await root.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM blobs'))[0][0]!.n).toBe(0);
    } finally {
      await root.end();
      await conn.a.close();
      await conn.b.close();
    }
  });
});

describe('a push recorded in a team', () => {
  it('keeps an edit another workstation made meanwhile (one transaction, made again from theirs)', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const dbA = await openTeamDb(db.config, db.password);
    const dbB = await openTeamDb({ ...db.config, workstation: 'ws-b' }, db.password);
    const recordsA = new TeamRecords(dbA, () => undefined);
    const recordsB = new TeamRecords(dbB, () => undefined);
    try {
      await createSchema(dbA.pool, 'Push', 'test');
      await recordsA.start();
      await recordsB.start();
      const storeA = teamDnsStore(recordsA);
      const storeB = teamDnsStore(recordsB);
      const names = [uniqueZone('batch-a'), uniqueZone('batch-b')];
      const stored = (name: string, value: string) => ({ version: 1 as const, zone: { name, ttl: 300, soa: { ...SOA, primary: 'ns1.example.test.' }, records: [{ name: 'www', type: 'A' as const, ttl: 300, value }] }, pushed: null });
      for (const name of names) await storeA.put(stored(name, '192.0.2.1'));
      await recordsB.refresh();
      // B edits the first zone; A has not read that yet when it records its push of both.
      await storeB.put(stored(names[0]!, '192.0.2.2'), storeB.versionOf(names[0]!));
      const pushedAt = new Date().toISOString();
      await storeA.putMany(names.map((name) => ({ ...stored(name, '192.0.2.1'), pushed: { zone: stored(name, '192.0.2.1').zone, serial: 7, at: pushedAt } })));
      await recordsB.refresh();
      const first = storeB.get(names[0]!)!;
      expect(first.zone.records[0]!.value).toBe('192.0.2.2');
      expect(first.pushed).toMatchObject({ serial: 7, zone: { records: [{ value: '192.0.2.1' }] } });
      expect(storeB.get(names[1]!)!.pushed?.serial).toBe(7);
      expect(storeB.versionOf(names[1]!)).toBe(2);
    } finally {
      recordsA.stop();
      recordsB.stop();
      await dbA.close();
      await dbB.close();
    }
  });
});

describe('team roles on the shared hosting tables', () => {
  it('support writes none of them, operator sites and backups, dns zones; schema 1 is brought up to date', async () => {
    const team = await teamFixture('hosting');
    try {
      const support = await team.person('support');
      const operator = await team.person('operator');
      const dnsRole = await team.person('dns');
      for (const p of [support, operator, dnsRole]) await activateRole(p.conn, team.database);
      const insert = (pool: typeof support.pool, table: string) =>
        table === 'blobs'
          ? pool.query("INSERT IGNORE INTO blobs (sha, part, parts, data, author) VALUES (REPEAT('a', 64), 0, 1, 'x', 'x')")
          : pool.query(`INSERT INTO \`${table}\` (id, data, updated_by) VALUES (?, '{}', 'x')`, [`${table}-probe-${Math.random()}`]);
      const DENIED = { code: 'ER_TABLEACCESS_DENIED_ERROR' };
      for (const table of ['sites', 'hosting_settings', 'zones', 'ns_settings', 'backup_policies', 'blobs']) {
        await expect(insert(support.pool, table), table).rejects.toMatchObject(DENIED);
        const column = table === 'blobs' ? 'author' : 'updated_by';
        await expect(support.pool.query(`UPDATE \`${table}\` SET ${column} = ${column}`), table).rejects.toMatchObject(DENIED);
        await expect(support.pool.query(`DELETE FROM \`${table}\``), table).rejects.toMatchObject(DENIED);
        await support.pool.query(`SELECT COUNT(*) FROM \`${table}\``);
      }
      for (const table of ['sites', 'hosting_settings', 'backup_policies', 'blobs']) await insert(operator.pool, table);
      for (const table of ['zones', 'ns_settings']) await expect(insert(operator.pool, table), table).rejects.toMatchObject(DENIED);
      for (const table of ['zones', 'ns_settings', 'blobs']) await insert(dnsRole.pool, table);
      for (const table of ['sites', 'hosting_settings', 'backup_policies']) await expect(insert(dnsRole.pool, table), table).rejects.toMatchObject(DENIED);

      // A team made by an older Hostdeck (schema 1, no blobs): brought up to date, the roles' GRANTs with it.
      await team.root.query('DROP TABLE blobs');
      await team.root.query('UPDATE schema_version SET version = 1');
      const lines: string[] = [];
      await migrateSchema(team.root, 1, async (tables) => roleSetupStatements(team.database, tables), (l) => lines.push(l));
      expect(lines.join()).toMatch(/schema version 1 brought up to 2 \(blobs\)/);
      const [[row]] = await team.root.query<RowDataPacket[]>('SELECT version FROM schema_version');
      expect(Number(row!.version)).toBe(2);
      expect(TEAM_TABLES.some((t) => t.name === 'blobs')).toBe(true);
      await insert(operator.pool, 'blobs');
      await expect(insert(support.pool, 'blobs')).rejects.toMatchObject(DENIED);
    } finally {
      await team.drop();
    }
  });
});
