// FTP logins against the real sshd web1 as root (this machine) and the testbed's pure-ftpd
// (virtual users from its puredb): a site gets an FTP login with a hostile-but-printable
// password, a real FTP client (basic-ftp) logs in and uploads into the site's web root (the file
// belongs to the site's uid), a wrong password is refused, deleting the login refuses it too.
// Hostile user names and folders get field errors and nothing is queued; the password is never
// written anywhere in the data dir (journal, records); after a restart without an OS keychain a
// pending task fails clearly and recovers with a new password.
// Names of system accounts (root, ftp, …) and malformed ones are refused and change nothing on
// the server; a name that is a Linux account there is refused by the task itself.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import type { FtpSettings, SiteRecord } from '../../shared/api/hosting';
import type { AppError } from '../../shared/errors';
import type { Task } from '../../shared/queue';
import { createCore } from '../../src-main/core/core';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';
import { addWeb1, coreSuite } from '../helpers/core';
import { settleQueue, sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import '../helpers/test-kinds';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdftp${tag}`;
const ftpUser = `hdftp-${tag}`;
const ftpUser2 = `hdftp2-${tag}`;
const canary = `/tmp/hd-ftp-canary-${tag}`;
const hostileSite = `hdfh${tag}`;
const restartSite = `hdfr${tag}`;
const namesSite = `hdfn${tag}`;
const RECOVERED = `recovered'pw "${randomUUID().slice(0, 8)}" $(id)`;
const PASSWORD = `a'b"c $HOME; \\n \`id\` $(id) ü € 🙂 ;|&<>*?~%`;

afterAll(() => {
  const { passwdFile, dbFile } = suite.tb.ftp;
  for (const u of [ftpUser, ftpUser2, `hdr-${tag}`]) sh(`pure-pw userdel ${u} -f ${passwdFile} -F ${dbFile} -m`);
  for (const s of [site, hostileSite, restartSite, namesSite]) {
    if (sh(`id -u ${s}`) !== null) sh(`pkill -KILL -u ${s}; userdel -r ${s} 2>/dev/null`);
    rmSync(`/home/${s}`, { recursive: true, force: true });
  }
  rmSync(canary, { force: true });
});

async function ftpLogin(user: string, password: string): Promise<Client> {
  const client = new Client(20_000);
  await client.access({ host: suite.tb.ftp.host, port: suite.tb.ftp.port, user, password, secure: false });
  return client;
}

async function refused(user: string, password: string): Promise<boolean> {
  try {
    const c = await ftpLogin(user, password);
    c.close();
    return false;
  } catch (error) {
    if (!/530|Login authentication failed|auth/i.test(String(error))) throw error;
    return true;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

function ftpSettings(): FtpSettings {
  return { passwdFile: suite.tb.ftp.passwdFile, dbFile: suite.tb.ftp.dbFile };
}

describe('FTP logins', () => {
  it('refuses hostile user names and folders with field errors, and nothing is queued', async () => {
    const t = await suite.core('ftp-hostile', { trust: [suite.tb.ssh.web1] });
    const server = await addWeb1(t, 'root');
    const serverId = server.id;
    expect((await t.call<{ settings: { ftp: FtpSettings } }>('hosting.sites', { serverId })).settings.ftp).toEqual({ passwdFile: '/etc/pure-ftpd/pureftpd.passwd', dbFile: '/etc/pure-ftpd/pureftpd.pdb' });
    for (const bad of [{ passwdFile: 'relative/x' }, { passwdFile: '/etc/../x' }, { passwdFile: `/tmp/x; touch ${canary}` }, { dbFile: '/tmp/a b' }]) {
      const e = await t.fail('hosting.setSettings', { serverId, ftp: { ...ftpSettings(), ...bad } });
      expect(Object.keys(e.fields ?? {})).toEqual(Object.keys(bad).map((k) => `ftp.${k}`));
    }
    await t.call('hosting.setSettings', { serverId, ftp: ftpSettings() });
    await t.call('hosting.createSite', { serverId, name: hostileSite, quotaMb: 0 });
    await settleQueue(t, serverId);
    const before = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    const users = [
      `a; touch ${canary}`, `a$(touch ${canary})`, `a\`touch ${canary}\``, `a\ntouch ${canary}`, `a' ; touch ${canary} '`, 'a"b', '../etc', 'a/b', 'a\0b', 'a b',
      ' lead', '-rf', '_x', '.x', 'A', 'User', '', 'x'.repeat(33), 'x'.repeat(300), 'usеr', 'ｕｓｅｒ', 'café', 'a|b', 'a&b', 'a>b', 'a*', '~root', '$HOME', 'a\tb', 'a:b',
    ];
    const subdirs = [
      '../etc', '../../root', '/etc', 'a/../../b', `a; touch ${canary}`, `$(touch ${canary})`, '`id`', 'a\nb', 'a\0b', 'a b', '', ' ', '-rf', 'a/-x', 'a//b', './a', 'a/./b',
      'x'.repeat(256), 'café', 'ｐｕｂｌｉｃ', 'a|b', 'a*b', "a'b", 'a"b', '~/x', 'a\\b',
    ];
    expect(users.length + subdirs.length).toBeGreaterThanOrEqual(40);
    for (const user of users) {
      const e = await t.fail('hosting.createFtp', { serverId, site: hostileSite, user });
      expect(e.code, JSON.stringify(user)).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {}), JSON.stringify(user)).toEqual(['user']);
      const d = await t.fail('hosting.deleteFtp', { serverId, site: hostileSite, user });
      expect(Object.keys(d.fields ?? {}), JSON.stringify(user)).toEqual(['user']);
    }
    for (const subdir of subdirs) {
      const e = await t.fail('hosting.createFtp', { serverId, site: hostileSite, user: 'okuser', subdir });
      expect(e.code, JSON.stringify(subdir)).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {}), JSON.stringify(subdir)).toEqual(['subdir']);
      expect(e.fields!.subdir!.length).toBeGreaterThan(5);
    }
    for (const password of ['short', 'a\nbcdefghij', 'abc\0defghij', 'Zq7#'.repeat(33).slice(0, 129)]) {
      const e = await t.fail('hosting.createFtp', { serverId, site: hostileSite, user: 'okuser', password });
      expect(Object.keys(e.fields ?? {})).toEqual(['password']);
    }
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites[0]!.ftpUsers).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses system account names for logins, and a refused name changes nothing on the server', async () => {
    const t = await suite.core('ftp-names', { trust: [suite.tb.ssh.web1] });
    const serverId = (await addWeb1(t, 'root')).id;
    await t.call('hosting.setSettings', { serverId, ftp: ftpSettings() });
    await t.call('hosting.createSite', { serverId, name: namesSite, quotaMb: 0 });
    expect((await settleQueue(t, serverId, 120_000)).map((x) => x.status)).toEqual(['done', 'done']);
    const { passwdFile, dbFile } = suite.tb.ftp;
    const digest = () => [passwdFile, dbFile].map((f) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent')).join(' ');
    const before = digest();
    const queued = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    const password = `names-${tag}-pw`;
    const names = ['root', 'www-data', 'nobody', 'daemon', 'mysql', 'bind', 'ftp', 'sshd', '1abc', 'a..b', 'systemd-network', 'hostdeck'];
    for (const user of names) {
      const e = await t.fail('hosting.createFtp', { serverId, site: namesSite, user, password });
      expect(e.code, user).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {}), user).toEqual(['user']);
      // Past the contract of the hosting methods, the task kind refuses it too.
      let queued: unknown = null;
      try {
        queued = t.core.queue.enqueue(serverId, 'ftp.create', { site: namesSite, user, passwdFile, dbFile, passwordRef: `ftp-${randomUUID()}` });
      } catch (error) {
        expect((error as AppError).fields?.['params.user'], user).toMatch(/^FTP user/);
      }
      expect(queued, user).toBeNull();
      expect(sh(`pure-pw show ${user} -f ${passwdFile}`), user).toBeNull();
    }
    // A Linux account Hostdeck does not hold (the testbed's hdtest) passes the contract; the task refuses it on the server.
    const linux = await t.call<{ tasks: Task[] }>('hosting.createFtp', { serverId, site: namesSite, user: 'hdtest', password });
    const tasks = await settleQueue(t, serverId, 120_000);
    const refusedTask = tasks.find((x) => x.id === linux.tasks[0]!.id)!;
    expect(refusedTask.status).toBe('failed');
    expect(refusedTask.stderrTail).toContain('refused: hdtest is a Linux account on this server');
    await t.call('queue.skip', { serverId });
    expect(tasks.length).toBe(queued + 1);
    expect(digest()).toBe(before);
    for (const user of ['root', 'ftp', 'hdtest']) expect(await refused(user, password), user).toBe(true);
  }, 300_000);

  it('creates a login a real FTP client uses, refuses wrong passwords, deletes it; the password is kept nowhere', async () => {
    const t = await suite.core('ftp-life', { trust: [suite.tb.ssh.web1] });
    const server = await addWeb1(t, 'root');
    const serverId = server.id;
    await t.call('hosting.setSettings', { serverId, ftp: ftpSettings() });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    let tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status), tasks.map((x) => x.stderrTail).join('\n')).toEqual(['done', 'done']);

    const created = await t.call<{ user: string; password: string; tasks: Task[] }>('hosting.createFtp', { serverId, site, user: ftpUser, password: PASSWORD });
    expect(created.password).toBe(PASSWORD);
    expect(created.tasks.map((x) => x.kind)).toEqual(['ftp.create']);
    const shown = created.tasks[0]!.commands.join('\n');
    expect(shown).toContain('pure-pw useradd "$user" -u "$uid" -g "$gid" -d "$dir"');
    expect(shown).not.toContain(PASSWORD);
    expect(JSON.stringify(created.tasks[0]!.params)).not.toContain(PASSWORD);
    // A generated password: 20 characters of a safe alphabet.
    const generated = await t.call<{ user: string; password: string }>('hosting.createFtp', { serverId, site, user: ftpUser2, subdir: 'public_html' });
    expect(generated.password).toMatch(/^[A-Za-z0-9._+=-]{20}$/);
    const dup = await t.fail('hosting.createFtp', { serverId, site, user: ftpUser });
    expect(Object.keys(dup.fields ?? {})).toEqual(['user']);

    tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status), tasks.map((x) => x.stderrTail).join('\n')).toEqual(['done', 'done', 'done', 'done']);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites[0]!.ftpUsers).toEqual([ftpUser, ftpUser2].sort());

    const uid = Number(sh(`id -u ${site}`));
    const gid = Number(sh(`id -g ${site}`));
    const client = await ftpLogin(ftpUser, PASSWORD);
    try {
      await client.uploadFrom(Readable.from(['<h1>uploaded over FTP</h1>\n']), 'public_html/index.html');
    } finally {
      client.close();
    }
    const file = `/home/${site}/public_html/index.html`;
    expect(readFileSync(file, 'utf8')).toBe('<h1>uploaded over FTP</h1>\n');
    expect(statSync(file).uid).toBe(uid);
    // The second login is chrooted to public_html.
    const c2 = await ftpLogin(ftpUser2, generated.password);
    try {
      const chunks: Buffer[] = [];
      await c2.downloadTo(new Writable({ write: (c, _e, cb) => { chunks.push(Buffer.from(c)); cb(); } }), 'index.html');
      expect(Buffer.concat(chunks).toString()).toBe('<h1>uploaded over FTP</h1>\n');
    } finally {
      c2.close();
    }
    expect(await refused(ftpUser, `${PASSWORD}x`)).toBe(true);

    await t.call('hosting.deleteFtp', { serverId, site, user: ftpUser2 });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('done');
    expect(await refused(ftpUser2, generated.password)).toBe(true);
    await t.call('hosting.deleteFtp', { serverId, site, user: ftpUser });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('done');
    expect(tasks.at(-1)!.stdoutTail).toContain(`FTP user ${ftpUser} deleted`);
    expect(await refused(ftpUser, PASSWORD)).toBe(true);

    // ftp.create is idempotent: a user left on the server gets the new password (its line replaced).
    const { passwdFile, dbFile } = suite.tb.ftp;
    sh(`printf 'leftover-pw1\nleftover-pw1\n' | pure-pw useradd ${ftpUser} -u ${uid} -g ${gid} -d /home/${site} -f ${passwdFile} -F ${dbFile} -m`);
    expect(sh(`pure-pw show ${ftpUser} -f ${passwdFile}`)).not.toBeNull();
    await t.call('hosting.createFtp', { serverId, site, user: ftpUser, password: PASSWORD });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status, tasks.at(-1)!.stderrTail).toBe('done');
    expect(tasks.at(-1)!.stdoutTail).toContain(`FTP user ${ftpUser} set: password`);
    expect(readFileSync(passwdFile, 'utf8').split('\n').filter((l) => l.startsWith(`${ftpUser}:`))).toEqual([expect.stringMatching(new RegExp(`^${ftpUser}:\\$6\\$[^:]+:${uid}:${gid}::/home/${site}/\\./:{12}$`))]);
    expect(await refused(ftpUser, 'leftover-pw1')).toBe(true);
    (await ftpLogin(ftpUser, PASSWORD)).close();
    await t.call('hosting.deleteFtp', { serverId, site, user: ftpUser });
    // ftp.delete of a user already absent on the server is fine.
    t.core.queue.enqueue(serverId, 'ftp.delete', { site, user: ftpUser, passwdFile, dbFile });
    tasks = await settleQueue(t, serverId);
    expect(tasks.slice(-2).map((x) => x.status)).toEqual(['done', 'done']);
    expect(tasks.at(-1)!.stdoutTail).toContain(`FTP user ${ftpUser} is already absent`);
    expect(sh(`pure-pw show ${ftpUser} -f ${passwdFile}`)).toBeNull();
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites[0]!.ftpUsers).toEqual([]);

    for (const f of filesUnder(t.dataDir)) {
      const content = readFileSync(f);
      expect(content.includes(Buffer.from(PASSWORD)), f).toBe(false);
      expect(content.includes(Buffer.from(generated.password)), f).toBe(false);
    }
    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('done');
  }, 120_000);

  it('a login whose password was not kept across a restart (no OS keychain) fails clearly and takes a new one', async () => {
    const t = await suite.core('ftp-restart', { trust: [suite.tb.ssh.web1], keychain: memoryKeychain('no OS keychain in this test') });
    const server = await addWeb1(t, 'root');
    const serverId = server.id;
    await t.call('hosting.setSettings', { serverId, ftp: ftpSettings() });
    await t.call('hosting.createSite', { serverId, name: restartSite, quotaMb: 0 });
    await settleQueue(t, serverId);
    // A failed task stops the queue, so the FTP task stays pending across the restart.
    t.core.queue.enqueue(serverId, 'fail-unless-file', { path: `/tmp/hd-ftp-missing-${tag}` });
    await settleQueue(t, serverId);
    await t.call('hosting.createFtp', { serverId, site: restartSite, user: `hdr-${tag}` });
    await t.core.close();

    const core = await createCore({ dataDir: t.dataDir, homeDir: t.home, keychain: memoryKeychain('no OS keychain in this test'), log: () => undefined });
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await core.call(method, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.output as T;
    };
    try {
      await call('queue.skip', { serverId });
      let tasks = await settleQueue({ call }, serverId);
      const ftp = tasks.find((x) => x.kind === 'ftp.create')!;
      expect(ftp.status).toBe('failed');
      expect(ftp.secretLost).toBe(true);
      expect(ftp.stderrTail).toMatch(/held in memory only \(no OS keychain\) and the app has restarted since\. Give the task a new password/);
      expect(sh(`pure-pw show hdr-${tag} -f ${suite.tb.ftp.passwdFile}`)).toBeNull();
      registerSecret('hosting-ftp: recovered FTP password', RECOVERED);
      await call('queue.retryWithPassword', { serverId, taskId: ftp.id, password: RECOVERED });
      tasks = await settleQueue({ call }, serverId);
      expect(tasks.find((x) => x.id === ftp.id)).toMatchObject({ status: 'done', attempts: 2 });
      (await ftpLogin(`hdr-${tag}`, RECOVERED)).close();
    } finally {
      await core.close();
    }
  });
});
