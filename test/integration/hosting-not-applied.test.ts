// An FTP login, database or domain whose creating task was skipped or cancelled, against the
// real sshd web1 as root (this machine), the testbed's pure-ftpd, MariaDB and nginx: the site
// lists it as not applied; "apply again" queues its task again (a login with a new password,
// which then logs in over FTP); "forget" removes the record and nothing reaches the server.
// Neither is offered for an item that is applied or still queued.
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import { vhostFileName } from '../../src-main/core/hosting/vhost-tasks';
import { addWeb1, coreSuite, type TestCore } from '../helpers/core';
import { ftpLogsIn, nginxGet, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import '../helpers/test-kinds';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdna${tag}`;
const ftpUser = `hdna-${tag}`;
const db = `${site}_blog`;
const domain = `na-${tag}.test`;
const FIRST = 'first-pass-never-used';
const AGAIN = `again 'pw' "$HOME" ${tag}`;
const blocker = `/tmp/hd-na-blocker-${tag}`;

afterAll(() => {
  const { passwdFile, dbFile } = suite.tb.ftp;
  sh(`pure-pw userdel ${ftpUser} -f ${passwdFile} -F ${dbFile} -m`);
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(`${suite.tb.nginx.sitesDir}/${vhostFileName(site, domain)}`, { force: true });
});

async function state(t: TestCore, serverId: string, kind: 'ftp' | 'db' | 'domain', name: string) {
  const [record] = (await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites.filter((s) => s.name === site);
  const { tasks } = await t.call<{ tasks: Task[] }>('queue.list', { serverId });
  return { record: record!, state: itemState(record!, kind, name, tasks) };
}

describe('items whose task was skipped or cancelled', () => {
  it('a skipped FTP login is not applied, applied again with a new password it logs in; a cancelled domain is forgotten without a trace', async () => {
    const t = await suite.core('not-applied', { trust: [suite.tb.ssh.web1] });
    const serverId = (await addWeb1(t, 'root')).id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    expect((await settleQueue(t, serverId, 120_000)).map((x) => x.status)).toEqual(['done', 'done']);

    // The FTP login's task fails (pure-pw's file is set to a folder that does not exist) and is skipped.
    await t.call('hosting.setSettings', { serverId, ftp: { passwdFile: `/nonexistent-${tag}/pureftpd.passwd`, dbFile: `/nonexistent-${tag}/pureftpd.pdb` } });
    await t.call('hosting.createFtp', { serverId, site, user: ftpUser, password: FIRST });
    expect((await state(t, serverId, 'ftp', ftpUser)).state).toMatch(/queued|failed/);
    let tasks = await settleQueue(t, serverId, 120_000);
    expect(tasks.at(-1)!.status).toBe('failed');
    expect((await state(t, serverId, 'ftp', ftpUser)).state).toBe('failed');
    // Neither action is offered while the task waits on the queue.
    expect((await t.fail('hosting.forget', { serverId, site, item: { kind: 'ftp', name: ftpUser } })).code).toBe('conflict');
    await t.call('queue.skip', { serverId });
    const skipped = await state(t, serverId, 'ftp', ftpUser);
    expect(skipped.state).toBe('not-applied');
    expect(skipped.record.ftpUsers).toEqual([ftpUser]);
    // The record keeps that (settled on reading), whatever the queue forgets later.
    expect(skipped.record.creations).toEqual([expect.objectContaining({ kind: 'ftp', name: ftpUser, notApplied: true })]);
    expect(sh(`pure-pw show ${ftpUser} -f ${suite.tb.ftp.passwdFile}`)).toBeNull();

    // Apply again: previewed like any change, then queued with the settings fixed and a new password.
    await t.call('hosting.setSettings', { serverId, ftp: testbedHostingSettings(suite.tb).ftp });
    const preview = await t.call<{ tasks: { kind: string; commands: string[] }[] }>('hosting.preview', { serverId, change: { op: 'applyAgain', site, item: { kind: 'ftp', name: ftpUser } } });
    expect(preview.tasks.map((x) => x.kind)).toEqual(['ftp.create']);
    expect(preview.tasks[0]!.commands.join('\n')).toContain(`passwd_file='${suite.tb.ftp.passwdFile}'`);
    const bad = await t.fail('hosting.applyAgain', { serverId, site, item: { kind: 'ftp', name: ftpUser }, password: 'short' });
    expect(Object.keys(bad.fields ?? {})).toEqual(['password']);
    expect((await t.fail('hosting.applyAgain', { serverId, site, item: { kind: 'ftp', name: 'root' } })).fields).toHaveProperty('item.name');
    const again = await t.call<{ password: string | null; tasks: Task[] }>('hosting.applyAgain', { serverId, site, item: { kind: 'ftp', name: ftpUser }, password: AGAIN });
    expect(again.password).toBe(AGAIN);
    expect(again.tasks.map((x) => x.kind)).toEqual(['ftp.create']);
    expect((await state(t, serverId, 'ftp', ftpUser)).state).toMatch(/queued|applied/);
    tasks = await settleQueue(t, serverId, 120_000);
    expect(tasks.at(-1)!.status, tasks.at(-1)!.stderrTail).toBe('done');
    const applied = await state(t, serverId, 'ftp', ftpUser);
    expect(applied.state).toBe('applied');
    expect(applied.record.creations).toEqual([]);
    expect(await ftpLogsIn(ftpUser, AGAIN)).toBe(true);
    expect(await ftpLogsIn(ftpUser, FIRST)).toBe(false);
    // An applied login is neither applied again nor forgotten: it is deleted (through the queue).
    expect((await t.fail('hosting.applyAgain', { serverId, site, item: { kind: 'ftp', name: ftpUser } })).code).toBe('conflict');
    expect((await t.fail('hosting.forget', { serverId, site, item: { kind: 'ftp', name: ftpUser } })).code).toBe('conflict');

    // A domain binding and a database queued behind a failed task, then cancelled.
    t.core.queue.enqueue(serverId, 'fail-unless-file', { path: blocker });
    await settleQueue(t, serverId, 120_000);
    const bound = await t.call<{ tasks: Task[] }>('hosting.bindDomain', { serverId, site, domain, aliases: [`www.${domain}`] });
    const made = await t.call<{ tasks: Task[] }>('hosting.createDb', { serverId, site, name: db, user: db });
    await t.call('queue.cancel', { serverId, taskId: bound.tasks[0]!.id });
    await t.call('queue.cancel', { serverId, taskId: made.tasks[0]!.id });
    await t.call('queue.skip', { serverId });
    await settleQueue(t, serverId, 120_000);
    expect((await state(t, serverId, 'domain', domain)).state).toBe('not-applied');
    expect((await state(t, serverId, 'db', db)).state).toBe('not-applied');
    const before = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;

    const forgotten = await t.call<{ site: SiteRecord }>('hosting.forget', { serverId, site, item: { kind: 'domain', name: domain } });
    expect(forgotten.site.domains).toEqual([]);
    expect(forgotten.site.creations.map((c) => c.name)).toEqual([db]);
    await t.call('hosting.forget', { serverId, site, item: { kind: 'db', name: db } });
    const { record } = await state(t, serverId, 'ftp', ftpUser);
    expect(record).toMatchObject({ ftpUsers: [ftpUser], databases: [], domains: [], creations: [] });
    expect((await t.fail('hosting.forget', { serverId, site, item: { kind: 'domain', name: domain } })).code).toBe('not-found');
    // Nothing ran: no task was queued, the server has no server block, nginx does not serve it, no database.
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before);
    expect(existsSync(`${suite.tb.nginx.sitesDir}/${vhostFileName(site, domain)}`)).toBe(false);
    expect((await nginxGet(domain)).body).not.toContain(site);
    expect(sh(`mariadb --no-defaults --socket=${suite.tb.mariadb.socket} -u root -N -B -e "SHOW DATABASES LIKE '${db}'"`)?.trim()).toBe('');

    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    tasks = await settleQueue(t, serverId, 120_000);
    expect(tasks.at(-1)!.status, tasks.at(-1)!.stderrTail).toBe('done');
  }, 600_000);
});
