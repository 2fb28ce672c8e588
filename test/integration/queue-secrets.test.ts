// The secrets of queued tasks against the real testbed (web1 as root on this machine, its
// pure-ftpd and MariaDB): FTP logins and databases queued behind a stopped queue survive kill -9
// of the app (their passwords wait in the OS keychain, and leave it once used); a failed task's
// output is masked (mysql quotes the failing statement, password included); a task whose
// password was lost (no OS keychain and a restart) is given a new one and really recovers.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_MASK, type Task } from '../../shared/queue';
import { createCore, type Core } from '../../src-main/core/core';
import { memoryKeychain, openKeychain } from '../../src-main/core/secrets/keychain';
import { addWeb1, coreSuite } from '../helpers/core';
import { databasesAs, ftpLogsIn, mariadbRoot, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import '../helpers/test-kinds';
import { REPO } from '../../testbed/util';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const sites = { restart: `hdqr${tag}`, mask: `hdqm${tag}`, lost: `hdql${tag}` };
const ftpUsers = [`hdqr0-${tag}`, `hdqr1-${tag}`];
const dbs = [0, 1].map((i) => ({ name: `${sites.restart}_d${i}`, user: `${sites.restart}_u${i}` }));
const secret = (label: string, value: string) => (registerSecret(`queue-secrets: ${label}`, value), value);

afterAll(() => {
  const { passwdFile, dbFile } = suite.tb.ftp;
  for (const u of ftpUsers) sh(`pure-pw userdel ${u} -f ${passwdFile} -F ${dbFile} -m`);
  for (const s of Object.values(sites)) {
    try {
      mariadbRoot(`DROP DATABASE IF EXISTS \`${s}_d0\`; DROP DATABASE IF EXISTS \`${s}_d1\`; DROP USER IF EXISTS '${s}_u0'@'localhost', '${s}_u1'@'localhost'`);
    } catch {
      /* the testbed's MariaDB is gone: nothing to clean there */
    }
    if (sh(`id -u ${s}`) !== null) sh(`pkill -KILL -u ${s}; userdel -r ${s} 2>/dev/null`);
    rmSync(`/home/${s}`, { recursive: true, force: true });
  }
});

type Call = <T = unknown>(method: string, input: unknown) => Promise<T>;

/** A core on an existing data folder and home (the app started again), closed after the test. */
async function reopen(dataDir: string, home: string, keychain?: Parameters<typeof createCore>[0]['keychain']): Promise<{ core: Core; call: Call }> {
  const core = await createCore({ dataDir, homeDir: home, keychain, log: () => undefined });
  opened.push(core);
  const call: Call = async <T,>(method: string, input: unknown) => {
    const r = await core.call(method, input);
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { shape: r.error });
    return r.output as T;
  };
  return { core, call };
}
const opened: Core[] = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

/** Every file the app wrote under its data folder. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** How a password can appear in a JSON text: itself or SQL-escaped, each JSON-escaped. */
const jsonForms = (password: string) => [password, mysql.escape(password).slice(1, -1)].map((f) => JSON.stringify(f).slice(1, -1));

/** Runs test/helpers/queue-child.ts with the job, waits for QUEUED, kills it with SIGKILL. */
async function queueAndKill(job: Record<string, unknown>): Promise<{ keychain: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/helpers/queue-child.ts')], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(JSON.stringify(job));
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const queued = await new Promise<{ keychain: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child did not queue: ${err}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /QUEUED (.*)\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve(JSON.parse(m[1]!) as { keychain: string });
    });
    child.on('exit', (code) => reject(new Error(`the child exited ${code}: ${err}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return queued;
}

describe('secrets of queued tasks', () => {
  it('survive kill -9 of the app while the queue is stopped: every FTP login and database user works with its first password, and the keychain lets them go', async () => {
    const t = await suite.core('queue-secrets-restart', { trust: [suite.tb.ssh.web1] });
    expect(await t.call('app.info', {})).toMatchObject({ keychain: 'os' });
    const serverId = (await addWeb1(t, 'root')).id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: sites.restart, quotaMb: 0 });
    expect((await settleQueue(t, serverId)).map((x) => x.status)).toEqual(['done', 'done']);
    await t.core.close();

    const ftpPasswords = ftpUsers.map((_user, i) => secret(`FTP ${i}`, `ftp'${i} "${tag}" $(id) \\ ü;|&`));
    const dbPasswords = dbs.map((_db, i) => secret(`database ${i}`, `db'${i} "${tag}" \\' %_ 🙂`));
    const child = await queueAndKill({
      dataDir: t.dataDir,
      home: t.home,
      serverId,
      failPath: `/tmp/hdq-missing-${tag}`,
      calls: [
        ...ftpUsers.map((user, i) => ({ method: 'hosting.createFtp', input: { serverId, site: sites.restart, user, password: ftpPasswords[i] } })),
        ...dbs.map((d, i) => ({ method: 'hosting.createDb', input: { serverId, site: sites.restart, ...d, password: dbPasswords[i] } })),
      ],
    });
    expect(child.keychain).toBe('os');

    const b = await reopen(t.dataDir, t.home);
    let tasks = await settleQueue(b, serverId);
    expect(tasks.map((x) => `${x.kind}:${x.status}`)).toEqual(['site.create:done', 'logs.site:done', 'fail-unless-file:failed', 'ftp.create:pending', 'ftp.create:pending', 'db.create:pending', 'db.create:pending']);
    const accounts = tasks.filter((x) => typeof x.params.passwordRef === 'string').map((x) => `task:${String(x.params.passwordRef)}`);
    expect(accounts).toHaveLength(4);
    const keychain = await openKeychain();
    expect(await keychain.accounts('task:')).toEqual(expect.arrayContaining(accounts));

    await b.call('queue.skip', { serverId });
    tasks = await settleQueue(b, serverId, 60_000);
    expect(tasks.map((x) => x.status), tasks.map((x) => x.stderrTail).join('\n')).toEqual(['done', 'done', 'skipped', 'done', 'done', 'done', 'done']);
    for (const [i, user] of ftpUsers.entries()) expect(await ftpLogsIn(user, ftpPasswords[i]!)).toBe(true);
    for (const [i, d] of dbs.entries()) expect(databasesAs(d.user, dbPasswords[i]!)).toContain(d.name);
    // The entries go once their tasks are done (asynchronously, after the task's event).
    const deadline = Date.now() + 5000;
    while ((await keychain.accounts('task:')).some((a) => accounts.includes(a)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await keychain.accounts('task:')).filter((a) => accounts.includes(a))).toEqual([]);
    for (const file of filesUnder(t.dataDir)) {
      const text = readFileSync(file, 'utf8');
      for (const pw of [...ftpPasswords, ...dbPasswords]) for (const form of jsonForms(pw)) expect(text.includes(form), file).toBe(false);
    }

    await b.call('hosting.deleteSite', { serverId, site: sites.restart, confirm: sites.restart });
    expect((await settleQueue(b, serverId)).every((x) => x.status !== 'failed')).toBe(true);
  }, 180_000);

  it("masks a failed task's output: mysql's quote of ALTER USER … IDENTIFIED BY reaches neither the journal nor queue.list", async () => {
    const t = await suite.core('queue-secrets-mask', { trust: [suite.tb.ssh.web1] });
    const serverId = (await addWeb1(t, 'root')).id;
    const site = sites.mask;
    const db = { name: `${site}_d0`, user: `${site}_u0` };
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await t.call('hosting.createDb', { serverId, site, ...db, password: secret('mask: first', `first'pw "${tag}"`) });
    expect((await settleQueue(t, serverId)).map((x) => x.status)).toEqual(['done', 'done', 'done']);
    mariadbRoot(`DROP USER '${db.user}'@'localhost'`); // the user goes missing behind the app's back
    const password = secret('mask: second', `mask'me "${tag}" \\ $(id) ü`);
    await t.call('hosting.setDbPassword', { serverId, site, name: db.name, password });
    const tasks = await settleQueue(t, serverId);
    const failed = tasks.at(-1)!;
    expect(failed).toMatchObject({ kind: 'db.password', status: 'failed', exitCode: 1 });
    expect(failed.stderrTail).toContain(`ALTER USER '${db.user}'@'localhost' IDENTIFIED BY '${SECRET_MASK}'`);
    expect(failed.stderrTail).toContain('ERROR 1396');
    const listed = JSON.stringify(await t.call('queue.list', { serverId }));
    const journal = readFileSync(path.join(t.dataDir, 'queue', `${serverId}.jsonl`), 'utf8');
    for (const form of jsonForms(password)) {
      expect(listed).not.toContain(form);
      expect(journal).not.toContain(form);
    }
    expect(journal).toContain(JSON.stringify(SECRET_MASK).slice(1, -1));
    await t.call('queue.skip', { serverId });
    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    const after = await settleQueue(t, serverId);
    expect(after.map((x) => `${x.kind}:${x.status}`), after.map((x) => x.stderrTail).join('\n')).toEqual(['site.create:done', 'logs.site:done', 'db.create:done', 'db.password:skipped', 'db.drop:done', 'logs.remove:done', 'site.delete:done']);
  }, 120_000);

  it('recovers a database whose password was lost (no OS keychain, a restart) with a new one, validated like the first', async () => {
    const t = await suite.core('queue-secrets-lost', { trust: [suite.tb.ssh.web1], keychain: memoryKeychain('no OS keychain in this test') });
    const serverId = (await addWeb1(t, 'root')).id;
    const site = sites.lost;
    const db = { name: `${site}_d0`, user: `${site}_u0` };
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await settleQueue(t, serverId);
    t.core.queue.enqueue(serverId, 'fail-unless-file', { path: `/tmp/hdq-missing-${tag}` });
    await settleQueue(t, serverId);
    await t.call('hosting.createDb', { serverId, site, ...db, password: secret('lost: first', `lost'pw "${tag}"`) });
    await t.core.close();

    const b = await reopen(t.dataDir, t.home, memoryKeychain('no OS keychain in this test'));
    const stop = (await b.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.find((x) => x.status === 'failed')!;
    const none = await b.core.call('queue.retryWithPassword', { serverId, taskId: stop.id, password: 'long enough password' });
    expect(none).toMatchObject({ ok: false, error: { code: 'conflict', message: 'This task takes no password.' } });
    await b.call('queue.skip', { serverId });
    let tasks = await settleQueue(b, serverId);
    const lost = tasks.at(-1)!;
    expect(lost).toMatchObject({ kind: 'db.create', status: 'failed', secretLost: true });
    expect(lost.stderrTail).toMatch(/held in memory only \(no OS keychain\)/);
    expect(mariadbRoot(`SELECT COUNT(*) FROM mysql.user WHERE User = '${db.user}'`).trim()).toBe('0');

    const short = await b.core.call('queue.retryWithPassword', { serverId, taskId: lost.id, password: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { password: expect.stringMatching(/too short/) } } });
    expect((await b.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.at(-1)).toMatchObject({ status: 'failed', attempts: 1 });

    const password = secret('lost: new', `new'pw "${tag}" \\ $(id)`);
    await b.call('queue.retryWithPassword', { serverId, taskId: lost.id, password });
    tasks = await settleQueue(b, serverId);
    expect(tasks.at(-1)).toMatchObject({ id: lost.id, status: 'done', attempts: 2 });
    expect(tasks.at(-1)!.secretLost).toBeUndefined();
    expect(databasesAs(db.user, password)).toContain(db.name);
    const done = await b.core.call('queue.retryWithPassword', { serverId, taskId: lost.id, password });
    expect(done).toMatchObject({ ok: false, error: { code: 'conflict' } });

    await b.call('hosting.deleteSite', { serverId, site, confirm: site });
    expect((await settleQueue(b, serverId)).at(-1)!.status).toBe('done');
  }, 120_000);
});
