// Team mode's shared records on the testbed's MariaDB: a solo workstation creates a team from its
// data (inventory and queue copied in), a second one joins and sees it; an edit on one shows on
// the other within 2 s (the same inventory.changed event); an edit based on an old version is
// refused with both versions, nothing overwritten; leaving copies the team's data back into the
// folder, which works solo again.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../shared/api/team';
import { createCore } from '../../src-main/core/core';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';
import { teamPasswordAccount, writeTeamConfig } from '../../src-main/core/team/connection';
import { registerSecret } from '../helpers/secrets';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { teamDatabase, type TestTeamDb } from '../helpers/team';
import { rootSql } from '../../testbed/mariadb';
import '../helpers/test-kinds';

const suite = coreSuite();
const TEMPLATE = {
  source: { kind: 'url', url: 'https://example.com/app.zip' },
  target: 'app',
  dump: null,
  placeholderFiles: [],
  placeholders: [],
  commands: [],
  cron: null,
};
const dbs: TestTeamDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

type Listing = { tasks: Task[]; runnerHere: boolean; runnerElsewhere: string | null };

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('team records', () => {
  it('create from solo data, join, live edits, version conflicts, leave back to solo', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const connect = { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database };
    const a = await suite.web1('team-a');
    const file = `/tmp/hdteam-${randomUUID().slice(0, 8)}.txt`;
    a.core.queue.enqueue(a.server.id, 'ensure-line', { path: file, line: 'solo' });
    await until('the solo task', () => a.call<Listing>('queue.list', { serverId: a.server.id }), (l) => l.tasks[0]?.status === 'done');

    await a.call('deploy.saveTemplate', { template: { ...TEMPLATE, name: 'Shop' }, replace: false });

    // Create: the folder's inventory, templates and queue go into the team.
    const created = await a.call<{ status: TeamStatus; copied: { servers: number; tasks: number } }>('team.create', { ...connect, teamName: 'Ops', workstation: 'ws-a' });
    expect(created.copied).toMatchObject({ servers: 1, templates: 1, tasks: 1 });
    expect(created.status).toMatchObject({ mode: 'team', connected: true, team: { name: 'Ops', workstation: 'ws-a' } });
    expect(existsSync(path.join(a.dataDir, 'team.json'))).toBe(true);
    const [mine] = await a.call<Server[]>('servers.list', {});
    expect(mine).toMatchObject({ id: a.server.id, name: 'web1', version: 1 });
    expect((await a.call<Listing>('queue.list', { serverId: a.server.id })).tasks.map((t) => [t.params.line, t.status])).toEqual([['solo', 'done']]);
    expect(await a.fail('team.create', { ...connect, teamName: 'Again' })).toMatchObject({ code: 'conflict' });

    // Join: a second workstation sees the same inventory and queue.
    const b = await suite.core('team-b', { trust: [suite.tb.ssh.web1] });
    expect(await b.fail('team.join', { ...connect, password: 'team-wrong-password' })).toMatchObject({ code: 'auth-failed' });
    await b.call('team.join', { ...connect, workstation: 'ws-b' });
    expect((await b.call<TeamStatus>('team.status', {})).team?.name).toBe('Ops');
    const [theirs] = await b.call<Server[]>('servers.list', {});
    expect(theirs).toMatchObject({ id: a.server.id, version: 1 });

    // An edit on A shows on B within 2 s, as inventory.changed.
    const { id: _id, hasSecret: _h, version: _v, ...fields } = mine!;
    b.events.length = 0;
    const edited = Date.now();
    await a.call('servers.update', { id: mine!.id, server: { ...fields, tags: ['edited-on-a'] }, baseVersion: 1 });
    const seen = await until('B sees the edit', () => b.call<Server[]>('servers.list', {}), (l) => l[0]?.version === 2, 2000);
    expect(seen[0]).toMatchObject({ tags: ['edited-on-a'], version: 2 });
    expect(b.events.some((e) => e.event === 'inventory.changed')).toBe(true);
    const lagMs = Date.now() - edited;
    expect(lagMs).toBeLessThan(2000);

    // Deploy templates are shared too: B sees A's, A sees B's new one.
    expect((await b.call<{ templates: { name: string }[] }>('deploy.templates', {})).templates.map((t) => t.name)).toEqual(['Shop']);
    await b.call('deploy.saveTemplate', { template: { ...TEMPLATE, name: 'Blog' }, replace: false });
    await until('A sees B\'s template', () => a.call<{ templates: { name: string }[] }>('deploy.templates', {}), (r) => r.templates.length === 2, 2000);
    expect((await a.fail('deploy.saveTemplate', { template: { ...TEMPLATE, name: 'blog' }, replace: false })).code).toBe('conflict');

    // B's edit based on version 1 is refused with both versions; nothing is overwritten.
    const conflict = await b.fail('servers.update', { id: mine!.id, server: { ...fields, tags: ['edited-on-b'] }, baseVersion: 1 });
    expect(conflict.code).toBe('conflict');
    expect(conflict.data).toMatchObject({ table: 'servers', id: mine!.id, baseVersion: 1, theirs: { version: 2, updatedBy: 'ws-a', data: { tags: ['edited-on-a'] } } });
    expect((await a.call<Server[]>('servers.list', {}))[0]).toMatchObject({ tags: ['edited-on-a'], version: 2 });
    // "Overwrite": the same edit based on their version.
    await b.call('servers.update', { id: mine!.id, server: { ...fields, tags: ['edited-on-b'] }, baseVersion: 2 });
    await until('A sees B\'s edit', () => a.call<Server[]>('servers.list', {}), (l) => l[0]?.version === 3);

    // Leave: the team's data back in A's folder; A works solo with it.
    expect(await a.fail('team.leave', { confirm: 'ops' })).toMatchObject({ code: 'invalid-input' });
    const left = await a.call<{ status: TeamStatus; copied: { servers: number; tasks: number } }>('team.leave', { confirm: 'Ops' });
    expect(left.status.mode).toBe('solo');
    expect(left.copied).toMatchObject({ servers: 1, templates: 2, tasks: 1 });
    expect(existsSync(path.join(a.dataDir, 'team.json'))).toBe(false);
    const solo = await a.call<Server[]>('servers.list', {});
    expect(solo[0]).toMatchObject({ id: mine!.id, tags: ['edited-on-b'] });
    expect(solo[0]!.version).toBeUndefined();
    // The folder alone (a new start of the app on it) is the team's data, solo.
    await a.core.close();
    const again = await createCore({ dataDir: a.dataDir, homeDir: a.home, log: () => undefined });
    try {
      again.queue.enqueue(a.server.id, 'ensure-line', { path: file, line: 'solo again' });
      const listed = async () => {
        const r = await again.call('queue.list', { serverId: a.server.id });
        return r.ok ? (r.output as Listing) : null;
      };
      const after = await until('the solo task after leaving', listed, (l) => l?.tasks.at(-1)?.status === 'done');
      expect(after!.tasks.map((t) => t.params.line)).toEqual(['solo', 'solo again']);
      const templates = await again.call('deploy.templates', {});
      expect(templates.ok && (templates.output as { templates: { name: string }[] }).templates.map((t) => t.name)).toEqual(['Blog', 'Shop']);
    } finally {
      await again.close();
    }
    console.log(`team records: an edit on one workstation seen on the other after ${lagMs} ms`);
  });
  it('opens without its team database when it does not answer, and goes back to solo', async () => {
    const a = await suite.web1('team-offline');
    await a.core.close();
    writeTeamConfig(a.dataDir, { version: 1, host: '127.0.0.1', port: 1, user: 'nobody', database: 'hostdeck_gone', tunnelServerId: null, workstation: 'ws-a' });
    const keychain = memoryKeychain('test');
    await keychain.set(teamPasswordAccount({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'hostdeck_gone' }), 'team-offline-password');
    registerSecret('offline team password', 'team-offline-password');
    const core = await createCore({ dataDir: a.dataDir, homeDir: a.home, keychain, log: () => undefined });
    try {
      const call = async <T,>(method: string, input: unknown) => core.call(method, input) as Promise<{ ok: boolean; output?: T; error?: { code: string; message: string } }>;
      const status = (await call<TeamStatus>('team.status', {})).output!;
      expect(status).toMatchObject({ mode: 'team', connected: false, team: { name: 'hostdeck_gone' } });
      expect(status.error).toMatch(/cannot be reached/);
      expect((await call<Server[]>('servers.list', {})).output).toEqual([]);
      expect((await call('servers.add', { name: 'x', host: '127.0.0.1', port: 22, user: 'root', auth: { method: 'agent' }, roles: [], tags: [] })).error?.code).toBe('unreachable');
      expect((await call('team.leave', { confirm: 'Ops' })).error?.code).toBe('invalid-input');
      const left = await call<{ status: TeamStatus }>('team.leave', { confirm: 'hostdeck_gone' });
      expect(left.output?.status.mode).toBe('solo');
      expect((await call<Server[]>('servers.list', {})).output?.map((s) => s.name)).toEqual(['web1']);
      expect(await keychain.get(teamPasswordAccount({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'hostdeck_gone' }))).toBeNull();
    } finally {
      await core.close();
    }
  });

  it('a save right after the database cut every idle connection is taken, not refused once', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const a = await suite.web1('team-cut');
    await a.call('team.create', { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database, teamName: 'Cut', workstation: 'ws-cut' });
    const save = async (tags: string[]) => {
      const [mine] = await a.call<Server[]>('servers.list', {});
      const { id, hasSecret: _h, version, ...fields } = mine!;
      await a.call('servers.update', { id, server: { ...fields, tags }, baseVersion: version });
    };
    for (let round = 0; round < 5; round++) {
      await save([`before-${round}`]);
      // As a dropped network or a restarted database would: every connection of the team login cut.
      const idle = (await rootSql(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '${db.config.user}'`)).split('\n').filter(Boolean);
      expect(idle.length).toBeGreaterThan(0);
      await rootSql(idle.map((id) => `KILL CONNECTION ${Number(id)};`).join(' '));
      await save([`after-${round}`]);
      expect((await a.call<Server[]>('servers.list', {}))[0]!.tags).toEqual([`after-${round}`]);
    }
  });
});
