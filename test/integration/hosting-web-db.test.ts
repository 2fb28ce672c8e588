// A site's databases and domains against the real sshd web1 as root (this machine), the
// testbed's MariaDB (through its socket, root by unix_socket auth), pure-ftpd and nginx:
// bind shop-like domains and nginx serves the site's index (uploaded by a real FTP client); a
// database's user logs in with a hostile-but-printable password and sees only its database;
// suspension refuses FTP and answers the suspension page; deleting the site removes account,
// files, FTP login, database, user and server block. Failure stops: a domain another server block
// serves, and a configuration nginx refuses (the previous one stays); retry and skip. Adoption
// of what was made by hand. Hostile names change nothing.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Client } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdoptionScan, HostingSettings, SiteRecord } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { databasesAs, ftpLogsIn, mariadbRoot, nginxGet, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdweb${tag}`;
const failSite = `hdwf${tag}`;
const adoptSite = `hdad${tag}`;
const ftpUser = `hdweb-${tag}`;
const adoptFtp = `hdad-${tag}`;
const canary = `/tmp/hd-web-canary-${tag}`;
const DB_PASSWORD = `x'y"z $HOME; \\ \`id\` $(id) ü 🙂 %_`;
const FTP_PASSWORD = 'ftp-pass-for-web-test';
const suspendedDir = () => `${suite.tb.root}/nginx-suspended`;
const blocker = () => `${suite.tb.nginx.sitesDir}/hd-blocker-${tag}.conf`;
const broken = () => `${suite.tb.nginx.sitesDir}/hd-broken-${tag}.conf`;

const get = nginxGet;

/** Asks until the answer passes `ok`, for up to 5 s: nginx applies a reload about 100 ms after its signal. */
async function getOnceReloaded(host: string, ok: (r: { status: number; body: string }) => boolean): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = await get(host);
    if (ok(r) || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

afterAll(() => {
  const { passwdFile, dbFile } = suite.tb.ftp;
  for (const u of [ftpUser, adoptFtp]) sh(`pure-pw userdel ${u} -f ${passwdFile} -F ${dbFile} -m`);
  for (const s of [site, failSite, adoptSite]) {
    if (sh(`id -u ${s}`) !== null) sh(`pkill -KILL -u ${s}; userdel -r ${s} 2>/dev/null`);
    rmSync(`/home/${s}`, { recursive: true, force: true });
    sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${s}-*.conf`);
  }
  rmSync(`${suspendedDir()}/${adoptSite}`, { force: true });
  rmSync(blocker(), { force: true });
  rmSync(broken(), { force: true });
  rmSync(canary, { force: true });
  mariadbRoot(`DROP DATABASE IF EXISTS ${site}_shop; DROP USER IF EXISTS '${site}_app'@'localhost'; DROP DATABASE IF EXISTS ${adoptSite}_blog; DROP USER IF EXISTS '${adoptSite}_blog'@'localhost'; DROP DATABASE IF EXISTS ${failSite}_x`);
  sh(`${suite.tb.nginx.conf ? `nginx -s reload -c ${suite.tb.nginx.conf}` : 'true'}`);
});

describe('databases and domains of a site', () => {
  it('serves a bound domain, gives a database to its user only, suspends, and deletes everything', async () => {
    const t = await suite.web1('web-life', 'root');
    const serverId = t.server.id;
    expect((await t.call<{ settings: HostingSettings }>('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb, suspendedDir()) })).settings).toEqual(testbedHostingSettings(suite.tb, suspendedDir()));
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    const bound = await t.call<{ tasks: Task[] }>('hosting.bindDomain', { serverId, site, domain: `Shop-${tag}.test`, aliases: [`www.shop-${tag}.test`] });
    expect(bound.tasks.map((x) => x.kind)).toEqual(['domain.bind']);
    const ftp = await t.call<{ password: string }>('hosting.createFtp', { serverId, site, user: ftpUser, password: FTP_PASSWORD });
    const db = await t.call<{ name: string; user: string; password: string; tasks: Task[] }>('hosting.createDb', { serverId, site, name: `${site}_shop`, user: `${site}_app`, password: DB_PASSWORD });
    expect(db.password).toBe(DB_PASSWORD);
    // The commands shown hold the password only masked.
    expect(JSON.stringify(db.tasks)).not.toContain('$(id) ü');
    expect(db.tasks[0]!.commands.some((c) => c.includes("IDENTIFIED BY '••••••'"))).toBe(true);
    let tasks = await settleQueue(t, serverId);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);

    // nginx serves the web root for the domain and its alias; an FTP upload replaces the index.
    expect((await getOnceReloaded(`shop-${tag}.test`, (r) => r.body.includes('It works'))).body).toContain('It works');
    const client = new Client(20_000);
    await client.access({ host: suite.tb.ftp.host, port: suite.tb.ftp.port, user: ftpUser, password: ftp.password, secure: false });
    await client.uploadFrom(Readable.from([`<h1>shop ${tag}</h1>\n`]), 'public_html/index.html');
    client.close();
    // Asked until it answers: another test's reload just before can leave an old nginx worker
    // (without this server block) taking a connection for a moment.
    expect(await getOnceReloaded(`www.shop-${tag}.test`, (r) => r.body === `<h1>shop ${tag}</h1>\n`)).toEqual({ status: 200, body: `<h1>shop ${tag}</h1>\n` });
    expect((await get(`other-${tag}.test`)).body).toContain('hostdeck testbed');

    // The database user logs in with the hostile password and sees its database only.
    expect(databasesAs(`${site}_app`, DB_PASSWORD)).toEqual([`${site}_shop`, 'information_schema'].sort());
    expect(databasesAs(`${site}_app`, 'wrong password')).toBeNull();
    const changed = await t.call<{ user: string; password: string }>('hosting.setDbPassword', { serverId, site, name: `${site}_shop` });
    expect(changed.password).toMatch(/^.{20}$/);
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)).toMatchObject({ kind: 'db.password', status: 'done' });
    expect(databasesAs(`${site}_app`, DB_PASSWORD)).toBeNull();
    expect(databasesAs(`${site}_app`, changed.password)).toEqual([`${site}_shop`, 'information_schema'].sort());

    // Suspended: FTP refused, the domains answer the suspension page; unsuspended: back.
    await t.call('hosting.suspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('done');
    expect(await ftpLogsIn(ftpUser, FTP_PASSWORD)).toBe(false);
    const page = await getOnceReloaded(`shop-${tag}.test`, (r) => r.status === 503);
    expect(page.status).toBe(503);
    expect(page.body).toContain('This site is suspended');
    await t.call('hosting.unsuspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('done');
    expect(await ftpLogsIn(ftpUser, FTP_PASSWORD)).toBe(true);
    expect((await getOnceReloaded(`shop-${tag}.test`, (r) => r.status === 200)).body).toBe(`<h1>shop ${tag}</h1>\n`);

    // Deleting the site takes its FTP login, database with user, server block and account.
    const gone = await t.call<{ tasks: Task[] }>('hosting.deleteSite', { serverId, site, confirm: site });
    expect(gone.tasks.map((x) => x.kind)).toEqual(['ftp.delete', 'db.drop', 'domain.unbind', 'logs.remove', 'site.delete']);
    tasks = await settleQueue(t, serverId);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(sh(`id -u ${site}`)).toBeNull();
    expect(existsSync(`/home/${site}`)).toBe(false);
    expect(await ftpLogsIn(ftpUser, FTP_PASSWORD)).toBe(false);
    expect(mariadbRoot(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${site}_shop'`).trim()).toBe('0');
    expect(mariadbRoot(`SELECT COUNT(*) FROM mysql.user WHERE User = '${site}_app'`).trim()).toBe('0');
    expect(existsSync(`${suite.tb.nginx.sitesDir}/hostdeck-${site}-shop-${tag}.test.conf`)).toBe(false);
    expect((await getOnceReloaded(`shop-${tag}.test`, (r) => r.body.includes('hostdeck testbed'))).body).toContain('hostdeck testbed');
  });

  it('stops the queue on a domain served elsewhere and on a config nginx refuses; retry and skip', async () => {
    const t = await suite.web1('web-fail', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb, suspendedDir()) });
    await t.call('hosting.createSite', { serverId, name: failSite, quotaMb: 0 });
    // A server block Hostdeck does not know already serves the name.
    writeFileSync(blocker(), `server { listen ${suite.tb.nginx.host}:${suite.tb.nginx.port}; server_name taken-${tag}.test; return 200 "blocker\\n"; }\n`);
    sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
    await t.call('hosting.bindDomain', { serverId, site: failSite, domain: `taken-${tag}.test`, aliases: [] });
    await t.call('hosting.createDb', { serverId, site: failSite, name: `${failSite}_x`, user: `${failSite}_x` });
    let tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status)).toEqual(['done', 'done', 'failed', 'pending']);
    expect(tasks[2]!.stderrTail).toContain(`refused: taken-${tag}.test is already served by ${blocker()}`);
    expect(existsSync(`${suite.tb.nginx.sitesDir}/hostdeck-${failSite}-taken-${tag}.test.conf`)).toBe(false);
    expect((await getOnceReloaded(`taken-${tag}.test`, (r) => r.body === 'blocker\n')).body).toBe('blocker\n');
    // Fixed by hand; retry completes it and the pending task after it.
    rmSync(blocker());
    await t.call('queue.retry', { serverId });
    tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status), statuses(tasks)).toEqual(['done', 'done', 'done', 'done']);
    expect((await getOnceReloaded(`taken-${tag}.test`, (r) => r.body.includes('It works'))).body).toContain('It works');

    // A broken file elsewhere in the folder: nginx -t fails, the new block is taken back out.
    writeFileSync(broken(), 'server { this is not nginx }\n');
    await t.call('hosting.bindDomain', { serverId, site: failSite, domain: `second-${tag}.test`, aliases: [] });
    await t.call('hosting.unbindDomain', { serverId, site: failSite, domain: `taken-${tag}.test` });
    tasks = await settleQueue(t, serverId);
    expect(tasks.slice(4).map((x) => x.status)).toEqual(['failed', 'pending']);
    expect(tasks[4]!.stderrTail).toContain('nginx refused the new configuration; the previous one was restored');
    expect(existsSync(`${suite.tb.nginx.sitesDir}/hostdeck-${failSite}-second-${tag}.test.conf`)).toBe(false);
    rmSync(broken());
    // Skipping moves on to the unbind (the skipped binding stays in the records: the admin decides).
    await t.call('queue.skip', { serverId });
    tasks = await settleQueue(t, serverId);
    expect(tasks.slice(4).map((x) => x.status), statuses(tasks)).toEqual(['skipped', 'done']);
    expect((await getOnceReloaded(`taken-${tag}.test`, (r) => r.body.includes('hostdeck testbed'))).body).toContain('hostdeck testbed');

    // An address that is not this machine's: nginx -t cannot bind it, the file is taken back out.
    await t.call('hosting.setSettings', { serverId, web: { ...testbedHostingSettings(suite.tb, suspendedDir()).web, listen: '192.0.2.1:8080' } });
    await t.call('hosting.bindDomain', { serverId, site: failSite, domain: `elsewhere-${tag}.test`, aliases: [] });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('failed');
    expect(tasks.at(-1)!.stderrTail).toContain('nginx refused the new configuration; the previous one was restored');
    expect(tasks.at(-1)!.stderrTail).toContain('bind() to 192.0.2.1:8080 failed');
    expect(existsSync(`${suite.tb.nginx.sitesDir}/hostdeck-${failSite}-elsewhere-${tag}.test.conf`)).toBe(false);
    await t.call('queue.cancel', { serverId });
    await t.call('queue.skip', { serverId });
    expect((await get(`other-${tag}.test`)).body).toContain('hostdeck testbed');
  });

  it('refuses hostile database names, users and domains with field errors; nothing runs', async () => {
    const t = await suite.web1('web-hostile', 'root');
    const serverId = t.server.id;
    await t.call('hosting.createSite', { serverId, name: 'hostile', quotaMb: 0 }).catch(() => undefined);
    const before = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    const names = [
      `hostile_x; DROP DATABASE mysql`, 'hostile_`x`', "hostile_x'", 'hostile_x"', 'hostile_x\n', 'hostile_x\0', `hostile_$(touch ${canary})`, 'hostile_x.y', 'hostile_x-y',
      'hostile_', 'other_x', 'mysql', 'information_schema', 'hostile_' + 'x'.repeat(60), 'hostile_ѕ', 'HOSTILE_X', 'hostile_x y', 'hostile_%', 'hostile_x\\',
    ];
    for (const name of names) {
      const e = await t.fail('hosting.createDb', { serverId, site: 'hostile', name, user: 'hostile_u' });
      expect(Object.keys(e.fields ?? {}), JSON.stringify(name)).toEqual(['name']);
      const u = await t.fail('hosting.createDb', { serverId, site: 'hostile', name: 'hostile_db', user: name.replace('hostile_' + 'x'.repeat(60), 'hostile_' + 'x'.repeat(30)) });
      expect(Object.keys(u.fields ?? {}), JSON.stringify(name)).toEqual(['user']);
    }
    const domains = [
      `a.test; touch ${canary}`, 'a.test\nserver { }', 'a.test}', 'a.test{', '$host', 'a.test;', '"a.test"', "a'.test", '*.test', 'a..test', '.a.test', '-a.test', 'a-.test', 'a',
      '127.0.0.1', 'exämple.test', 'ｅｘａｍｐｌｅ.test', 'a b.test', 'a/b.test', `${'x'.repeat(64)}.test`, `${'a.'.repeat(127)}test`, 'a_b.test', 'ab--c.test', '',
    ];
    for (const domain of domains) {
      const e = await t.fail('hosting.bindDomain', { serverId, site: 'hostile', domain, aliases: [] });
      expect(Object.keys(e.fields ?? {}), JSON.stringify(domain)).toEqual(['domain']);
      const a = await t.fail('hosting.bindDomain', { serverId, site: 'hostile', domain: 'ok.test', aliases: [domain] });
      expect(Object.keys(a.fields ?? {})[0], JSON.stringify(domain)).toMatch(/^aliases/);
    }
    for (const [key, value] of [['vhostDir', '/etc/nginx/../x'], ['listen', '80; include /etc/passwd'], ['listen', '0'], ['suspendedDir', 'tmp'], ['nginxConf', `/x;touch ${canary}`]] as const) {
      const e = await t.fail('hosting.setSettings', { serverId, web: { ...testbedHostingSettings(suite.tb, suspendedDir()).web, [key]: value } });
      expect(Object.keys(e.fields ?? {})).toEqual([`web.${key}`]);
    }
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before);
    expect(existsSync(canary)).toBe(false);
    await t.call('queue.cancel', { serverId });
  });

  it('previews the tasks of a change without queueing or recording anything', async () => {
    const t = await suite.web1('web-preview', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb, suspendedDir()) });
    const preview = await t.call<{ tasks: { kind: string; title: string; commands: string[] }[] }>('hosting.preview', {
      serverId, change: { op: 'createSite', input: { name: 'previewed', quotaMb: 0, domains: ['previewed.test', 'www.previewed.test'] } },
    });
    expect(preview.tasks.map((x) => x.kind)).toEqual(['site.create', 'logs.site', 'domain.bind']);
    expect(preview.tasks[2]!.commands.join('\n')).toContain('server_name previewed.test www.previewed.test;');
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks).toEqual([]);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites).toEqual([]);
  });

  it('adopts a site, FTP login, database and server block made by hand', async () => {
    const t = await suite.web1('web-adopt', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb, suspendedDir()) });
    const tb = suite.tb;
    execFileSync('sh', ['-c', `useradd -m -d /home/${adoptSite} -s /bin/bash ${adoptSite} && pure-pw useradd ${adoptFtp} -u $(id -u ${adoptSite}) -g $(id -g ${adoptSite}) -d /home/${adoptSite} -f ${tb.ftp.passwdFile} -F ${tb.ftp.dbFile} -m <<EOF\nadopted-pass\nadopted-pass\nEOF`]);
    mariadbRoot(`CREATE DATABASE ${adoptSite}_blog; CREATE USER '${adoptSite}_blog'@'localhost' IDENTIFIED BY 'x'; GRANT ALL ON \`${adoptSite}\\_blog\`.* TO '${adoptSite}_blog'@'localhost'`);
    mkdirSync(tb.nginx.sitesDir, { recursive: true });
    writeFileSync(`${tb.nginx.sitesDir}/hostdeck-${adoptSite}-blog-${tag}.test.conf`, `server {\n    listen ${tb.nginx.host}:${tb.nginx.port};\n    server_name blog-${tag}.test www.blog-${tag}.test;\n    root /home/${adoptSite}/public_html;\n}\n`);
    // Suspended by an earlier Hostdeck (its web flag is set): adopted as suspended.
    mkdirSync(suspendedDir(), { recursive: true });
    writeFileSync(`${suspendedDir()}/${adoptSite}`, '');
    const scan = await t.call<AdoptionScan>('hosting.adoptScan', { serverId });
    expect(scan.sites).toContainEqual({ name: adoptSite, home: `/home/${adoptSite}`, status: 'suspended' });
    expect(scan.sites.some((s) => ['root', 'www-data', 'nobody'].includes(s.name))).toBe(false);
    expect(scan.ftpUsers).toContainEqual({ user: adoptFtp, site: adoptSite });
    // Other suites' leftovers on the shared test server may add notes; none may concern this site.
    expect(scan.notes.filter((n) => n.includes(adoptSite))).toEqual([]);
    expect(scan.databases).toContainEqual({ name: `${adoptSite}_blog`, site: adoptSite, users: [`${adoptSite}_blog`] });
    expect(scan.domains).toContainEqual({ site: adoptSite, domain: `blog-${tag}.test`, aliases: [`www.blog-${tag}.test`] });
    const { sites } = await t.call<{ sites: SiteRecord[] }>('hosting.adoptImport', { serverId, sites: [adoptSite] });
    expect(sites).toEqual([expect.objectContaining({
      name: adoptSite, status: 'suspended', ftpUsers: [adoptFtp], databases: [{ name: `${adoptSite}_blog`, user: `${adoptSite}_blog` }], domains: [{ domain: `blog-${tag}.test`, aliases: [`www.blog-${tag}.test`] }],
    })]);
    // Held now: a second scan offers none of it; nothing was queued.
    const again = await t.call<AdoptionScan>('hosting.adoptScan', { serverId });
    expect(again.sites.some((s) => s.name === adoptSite)).toBe(false);
    expect(again.domains.some((d) => d.site === adoptSite)).toBe(false);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks).toEqual([]);
    // The journal and records never held a password.
    expect(readFileSync(`${t.dataDir}/sites.json`, 'utf8')).not.toContain('adopted-pass');
  });
});
