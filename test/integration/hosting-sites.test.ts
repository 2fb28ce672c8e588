// Sites against the real sshd web1 as root (web1 is this machine): create → the queue runs
// site.create → the Linux account, its home and web root exist; hostile names get field errors
// and a canary proves nothing ran; suspend locks the account; delete removes account and home.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { settleQueue, sh } from '../helpers/hosting';

const suite = coreSuite();
const site = `hdsite${randomUUID().replaceAll('-', '').slice(0, 8)}`;
const canary = `/tmp/hd-site-canary-${randomUUID().slice(0, 8)}`;

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(canary, { force: true });
});

describe('sites', () => {
  it('refuses hostile names with field errors, and nothing runs', async () => {
    const t = await suite.web1('sites-hostile', 'root');
    const hostile = [
      `a; touch ${canary}`, `a$(touch ${canary})`, `a\`touch ${canary}\``, `a\ntouch ${canary}`, `a' ; touch ${canary} '`, `a"; touch ${canary}; "`,
      `../etc`, '../../root', 'a/b', 'a\0b', 'a b', ' lead', '-rf', '-a', '_x', '1site', 'A', 'Site', 'a', '', 'x'.repeat(32), 'x'.repeat(300),
      'ѕite', 'sіte', 'ｓｉｔｅ', 'café', 'a|b', 'a&b', 'a>b', 'a<b', 'a*', 'a?', '~root', '$HOME', '${IFS}', 'a\tb', 'a\rb', 'a\u001bb', 'a.b', 'a:b', 'a,b',
      'root', 'www-data', 'mysql', 'nginx', 'systemd-network', 'debian-exim', 'hostdeck', 'admin', 'nobody', 'sshd', 'daemon', 'bin',
    ];
    expect(hostile.length).toBeGreaterThanOrEqual(50);
    for (const name of hostile) {
      const e = await t.fail('hosting.createSite', { serverId: t.server.id, name, quotaMb: 100 });
      expect(e.code, JSON.stringify(name)).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {}), JSON.stringify(name)).toEqual(['name']);
      expect(e.fields!.name!.length).toBeGreaterThan(5);
    }
    for (const quotaMb of [-1, 1.5, 1e12, '100', null]) {
      const e = await t.fail('hosting.createSite', { serverId: t.server.id, name: 'okname', quotaMb });
      expect(Object.keys(e.fields ?? {})).toEqual(['quotaMb']);
    }
    const e = await t.fail('hosting.deleteSite', { serverId: t.server.id, site: `x; touch ${canary}`, confirm: 'x' });
    expect(Object.keys(e.fields ?? {})).toEqual(['site']);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId: t.server.id })).tasks).toEqual([]);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId: t.server.id })).sites).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });

  it('creates, suspends, unsuspends and deletes a site on the server', async () => {
    const t = await suite.web1('sites-life', 'root');
    const serverId = t.server.id;
    const created = await t.call<{ site: SiteRecord; tasks: Task[] }>('hosting.createSite', { serverId, name: site, quotaMb: 50 });
    expect(created.site).toMatchObject({ name: site, quotaMb: 50, status: 'active' });
    expect(created.tasks.map((x) => x.kind)).toEqual(['site.create', 'logs.site']);
    expect(created.tasks[0]!.commands.some((c) => c.includes('useradd -m -d "$home" -s /bin/bash "$site"'))).toBe(true);
    expect(created.tasks[0]!.commands[0]).toBe(`site='${site}'`);

    // The records refuse a second site of that name (and its _/- twin) before anything is queued.
    const dup = await t.fail('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    expect(Object.keys(dup.fields ?? {})).toEqual(['name']);

    let tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status), tasks.map((x) => x.stderrTail).join('\n')).toEqual(['done', 'done']);
    expect(tasks[0]!.stdoutTail).toMatch(/quota (set|not applied: .+)/);
    expect(sh(`id -u ${site}`)).not.toBeNull();
    expect(existsSync(`/home/${site}/public_html/index.html`)).toBe(true);
    expect(statSync(`/home/${site}`).mode & 0o777).toBe(0o750);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites.map((s) => [s.name, s.status])).toEqual([[site, 'active']]);

    await t.call('hosting.suspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('done');
    expect(sh(`passwd -S ${site}`)).toMatch(new RegExp(`^${site} L `));
    expect(sh(`getent passwd ${site}`)!.trim().endsWith(':/usr/sbin/nologin')).toBe(true);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites[0]!.status).toBe('suspended');

    await t.call('hosting.unsuspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.at(-1)!.status).toBe('done');
    expect(sh(`getent passwd ${site}`)!.trim().endsWith(':/bin/bash')).toBe(true);

    const wrong = await t.fail('hosting.deleteSite', { serverId, site, confirm: 'yes' });
    expect(Object.keys(wrong.fields ?? {})).toEqual(['confirm']);
    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    tasks = await settleQueue(t, serverId);
    expect(tasks.map((x) => x.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(sh(`id -u ${site}`)).toBeNull();
    expect(existsSync(`/home/${site}`)).toBe(false);
    expect((await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId })).sites).toEqual([]);
  });

  it('refuses to adopt an existing account that is not a site', async () => {
    const t = await suite.web1('sites-foreign', 'root');
    const serverId = t.server.id;
    // An account of that name exists with another home: the task fails and changes nothing.
    const foreign = `hdfx${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    execFileSync('useradd', ['-M', '-d', `/var/lib/${foreign}`, '-s', '/usr/sbin/nologin', foreign]);
    try {
      const before = sh(`getent passwd ${foreign}`);
      await t.call('hosting.createSite', { serverId, name: foreign, quotaMb: 0 });
      const tasks = await settleQueue(t, serverId);
      expect(tasks[0]!.status).toBe('failed');
      expect(tasks[0]!.stderrTail).toMatch(new RegExp(`refused: a user ${foreign} already exists`));
      expect(sh(`getent passwd ${foreign}`)).toBe(before);
      expect(existsSync(`/home/${foreign}`)).toBe(false);
      await t.call('queue.skip', { serverId });
    } finally {
      sh(`userdel ${foreign}`);
    }
  });
});
