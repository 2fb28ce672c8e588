// The dns role may queue DNS tasks only, and the database engine is what refuses the rest: a dns
// login has no INSERT on the queue's journal, only on the view roles.ts grants it, whose CHECK
// OPTION takes an `enqueued` event only for dns.push / dns.remove (and a runner's events for any
// task). Proved with the dns login's own SQL (the table, the view, a snapshot, a duplicate-key
// row the engine reads differently from JavaScript — replayed by nobody), through a dns
// workstation's core (a DNS task lands in the journal, a non-DNS task is refused and let go), and
// a crafted contract call (preparing a server: its tasks are refused, nothing reaches the journal).
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import type { Server } from '../../shared/domain';
import { createCore, type Core } from '../../src-main/core/core';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';
import { knownHostsName } from '../../src-main/core/ssh/host-key';
import { teamPasswordAccount, writeTeamConfig } from '../../src-main/core/team/connection';
import { activateRole, DNS_JOURNAL_VIEW, roleName } from '../../src-main/core/team/roles';
import { mariadbInfo } from '../../testbed/mariadb';
import { loadTestbed } from '../../testbed/testbed';
import { addWeb1, registeringSecrets } from '../helpers/core';
import { freshDataDir, freshHome } from '../helpers/env';
import { teamFixture, type TeamFixture } from '../helpers/team-mariadb';
import '../helpers/test-kinds';

let team: TeamFixture;
const cores: Core[] = [];
beforeAll(async () => {
  team = await teamFixture('dnsq');
}, 60_000);
afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await team?.drop();
});

/** A workstation in the team as `user`, trusting web1's host key. */
async function teamCore(label: string, user: string, password: string) {
  const keychain = memoryKeychain('test');
  const config = { version: 1 as const, host: '127.0.0.1', port: 3307, user, database: team.database, tunnelServerId: null, workstation: `${label}@test` };
  await keychain.set(teamPasswordAccount(config), password);
  const dataDir = freshDataDir(label);
  const home = freshHome(label);
  const web1 = loadTestbed().ssh.web1;
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${knownHostsName(web1.host, web1.port)} ${web1.hostKeyLine}\n`);
  writeTeamConfig(dataDir, config);
  const core = registeringSecrets(await createCore({ dataDir, homeDir: home, keychain, log: () => undefined }));
  cores.push(core);
  const call = async <T,>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.output as T;
  };
  return { core, call };
}

const enqueued = (kind: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ t: 'enqueued', task: { id: randomUUID(), kind, title: kind, params, commands: [], enqueuedAt: new Date().toISOString() } });

async function journalRows(serverId: string): Promise<string[]> {
  const [rows] = await team.root.query<RowDataPacket[]>('SELECT CAST(event AS CHAR) AS event FROM queue_events WHERE server_id = ? ORDER BY seq', [serverId]);
  return rows.map((r) => String(r.event));
}

describe('the dns role and the queue', () => {
  it('the engine takes a dns login\'s DNS tasks and refuses any other kind', async () => {
    const dns = await team.person('dns');
    await activateRole(dns.conn, team.database);
    const serverId = randomUUID();
    const insert = (table: string, event: string) => dns.pool.query(`INSERT INTO ${table} (server_id, event, author) VALUES (?, ?, 'dns')`, [serverId, event]);

    // The table itself: no INSERT, UPDATE or DELETE for dns.
    await expect(insert('queue_events', enqueued('dns.push'))).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(dns.pool.query('UPDATE queue_events SET author = ? WHERE seq > 0', ['x'])).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(dns.pool.query('DELETE FROM queue_events WHERE seq > 0')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    // The view: DNS tasks and a runner's events taken; every other kind, a snapshot, a row without a kind refused.
    await insert(DNS_JOURNAL_VIEW, enqueued('dns.push'));
    await insert(DNS_JOURNAL_VIEW, enqueued('dns.remove'));
    await insert(DNS_JOURNAL_VIEW, JSON.stringify({ t: 'started', id: randomUUID(), at: new Date().toISOString() }));
    for (const event of [
      enqueued('php.pool'),
      enqueued('ensure-line', { path: '/tmp/x', line: 'x' }),
      enqueued('DNS.PUSH'),
      enqueued('dns.push '),
      enqueued('dns.push\u0000'),
      JSON.stringify({ t: 'Enqueued', task: { id: randomUUID(), kind: 'dns.push' } }),
      JSON.stringify({ t: 'started ', id: randomUUID(), task: { kind: 'php.pool' } }),
      JSON.stringify({ t: 'enqueued', task: { id: randomUUID(), title: 'no kind' } }),
      JSON.stringify({ t: 'snapshot', task: { id: randomUUID(), kind: 'php.pool', status: 'pending' } }),
      JSON.stringify({ t: 'nonsense' }),
      '{}',
    ]) {
      await expect(insert(DNS_JOURNAL_VIEW, event), event).rejects.toMatchObject({ code: 'ER_VIEW_CHECK_FAILED' });
    }
    await expect(dns.pool.query(`UPDATE ${DNS_JOURNAL_VIEW} SET event = ? WHERE seq > 0`, [enqueued('php.pool')])).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    expect((await journalRows(serverId)).map((e) => (JSON.parse(e) as { t: string; task?: { kind: string } }).task?.kind ?? 'runner')).toEqual(['dns.push', 'dns.remove', 'runner']);

    // A row MariaDB reads as "started" and JavaScript as an enqueue of php.pool (a duplicate key):
    // the engine takes it, but it is not in the form Hostdeck writes, and no workstation replays it.
    const sneaky = randomUUID();
    const trick = `{"t":"started","id":"${sneaky}","at":"2026-01-01T00:00:00.000Z","t":"enqueued","task":{"id":"${sneaky}","kind":"php.pool","title":"sneaky","params":{},"commands":[],"enqueuedAt":"2026-01-01T00:00:00.000Z"}}`;
    const trickServer = randomUUID();
    await dns.pool.query(`INSERT INTO ${DNS_JOURNAL_VIEW} (server_id, event, author) VALUES (?, ?, 'dns')`, [trickServer, trick]);
    const admin = await team.person('admin');
    const watcher = await teamCore('team-dnsq-admin', admin.user, admin.password);
    expect((await watcher.call<{ unanswerable: string[] }>('queue.list', { serverId })).unanswerable).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(watcher.core.queue.list(trickServer).tasks).toEqual([]);
    expect(watcher.core.queue.list(serverId).tasks.map((t) => t.kind).sort()).toEqual(['dns.push', 'dns.remove']);
  });

  it('the engine lets a dns login retry, skip or cancel DNS tasks only (a trigger looks the task up)', async () => {
    const dns = await team.person('dns');
    await activateRole(dns.conn, team.database);
    const serverId = randomUUID();
    const task = (kind: string) => ({ id: randomUUID(), kind, title: kind, params: {}, commands: [], enqueuedAt: new Date().toISOString() });
    const web = task('php.pool');
    const zone = task('dns.push');
    const compacted = task('dns.remove');
    await team.root.query("INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, 'op'), (?, ?, 'op'), (?, ?, 'op')", [
      serverId, JSON.stringify({ t: 'enqueued', task: web }),
      serverId, JSON.stringify({ t: 'enqueued', task: zone }),
      // After a compaction a task is known by its snapshot only.
      serverId, JSON.stringify({ t: 'snapshot', task: { ...compacted, status: 'failed' } }),
    ]);
    const answer = (t: string, id: string) => dns.pool.query(`INSERT INTO ${DNS_JOURNAL_VIEW} (server_id, event, author) VALUES (?, ?, 'dns')`, [serverId, JSON.stringify({ t, id, at: new Date().toISOString() })]);
    for (const t of ['skipped', 'cancelled', 'retried']) {
      await answer(t, zone.id);
      await answer(t, compacted.id);
      await expect(answer(t, web.id), t).rejects.toMatchObject({ code: 'ER_SIGNAL_EXCEPTION', sqlMessage: 'A dns login may retry, skip or cancel DNS tasks only.' });
      // An id of no task at all, or of a DNS task of another server: refused too.
      await expect(answer(t, randomUUID())).rejects.toMatchObject({ code: 'ER_SIGNAL_EXCEPTION' });
    }
    await expect(dns.pool.query(`INSERT INTO ${DNS_JOURNAL_VIEW} (server_id, event, author) VALUES (?, ?, 'dns')`, [randomUUID(), JSON.stringify({ t: 'skipped', id: zone.id, at: '' })])).rejects.toMatchObject({ code: 'ER_SIGNAL_EXCEPTION' });
    // A runner's events stay open to dns (it may run any queue); other roles answer any task.
    await answer('started', web.id);
    const operator = await team.person('operator');
    await activateRole(operator.conn, team.database);
    await operator.pool.query("INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, 'op')", [serverId, JSON.stringify({ t: 'skipped', id: web.id, at: new Date().toISOString() })]);
    expect((await journalRows(serverId)).filter((e) => e.includes(web.id)).map((e) => (JSON.parse(e) as { t: string }).t)).toEqual(['enqueued', 'started', 'skipped']);
  });

  it('a dns workstation\'s core queues DNS tasks through the view; a crafted call to prepare a server is refused by the engine', async () => {
    const admin = await team.person('admin');
    const adminCore = await teamCore('team-dnsq-a', admin.user, admin.password);
    const web1 = await addWeb1(adminCore);
    // web1's queue is stopped (a failed task first): whatever reaches it waits, nothing runs on the shared test server.
    const failed = randomUUID();
    const at = new Date().toISOString();
    for (const event of [
      { t: 'enqueued', task: { id: failed, kind: 'ensure-line', title: 'failed on purpose', params: { path: '/tmp/hd-dnsq', line: 'x' }, commands: [], enqueuedAt: at } },
      { t: 'started', id: failed, at },
      { t: 'finished', id: failed, at, status: 'failed', exitCode: 1, stdoutTail: '', stderrTail: 'failed on purpose', ms: 1 },
    ]) {
      await team.root.query("INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, 'test')", [web1.id, JSON.stringify(event)]);
    }

    const dns = await team.person('dns');
    const t = await teamCore('team-dnsq-dns', dns.user, dns.password);
    await expect.poll(async () => (await t.call<Server[]>('servers.list', {})).length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => t.core.queue.list(web1.id).stopped, { timeout: 5_000 }).toBe(true);

    // A DNS task: into the journal (through the view).
    const zone = `dnsq-${randomUUID().slice(0, 6)}.test`;
    t.core.queue.enqueue(web1.id, 'dns.remove', { zone, settings: { ...DEFAULT_NS_SETTINGS, queryHost: '127.0.0.1' } });
    await expect.poll(async () => (await journalRows(web1.id)).some((e) => e.includes(zone)), { timeout: 10_000 }).toBe(true);

    // A crafted contract call the dns role's UI does not offer: preparing web1 queues its recipe's
    // tasks; the engine refuses them (ER_VIEW_CHECK_FAILED), nothing reaches the journal, and this
    // workstation's view lets them go.
    const before = (await journalRows(web1.id)).length;
    const { tasks } = await t.call<{ tasks: { id: string; kind: string }[] }>('prepare.enqueue', { serverId: web1.id, roles: ['ns'] });
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((task) => task.kind.startsWith('prepare.'))).toBe(true);
    await expect.poll(() => t.core.queue.list(web1.id).tasks.filter((task) => tasks.some((x) => x.id === task.id)).length, { timeout: 10_000 }).toBe(0);
    expect((await journalRows(web1.id)).length).toBe(before);
    // The admin's workstation never saw them either.
    expect(adminCore.core.queue.list(web1.id).tasks.some((task) => tasks.some((x) => x.id === task.id))).toBe(false);
    // A non-DNS task queued straight through the core: the same.
    t.core.queue.enqueue(web1.id, 'ensure-line', { path: '/tmp/hd-dnsq', line: 'y' });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await journalRows(web1.id)).length).toBe(before);
    expect(t.core.queue.list(web1.id).tasks.filter((task) => task.kind === 'ensure-line').length).toBe(1); // only the failed one

    // Answering the failed non-DNS task: the core says no before any SQL, and the queue view knows.
    const listed = await t.call<{ tasks: { id: string; kind: string }[]; unanswerable: string[] }>('queue.list', { serverId: web1.id });
    expect(listed.unanswerable).toContain(failed);
    expect(listed.tasks.filter((task) => listed.unanswerable.includes(task.id)).map((task) => task.kind)).not.toContain('dns.push');
    for (const [method, input] of [['queue.skip', {}], ['queue.retry', { taskId: failed }], ['queue.cancel', { taskId: failed }]] as const) {
      const r = await t.core.call(method, { serverId: web1.id, ...input });
      expect(r.ok, method).toBe(false);
      if (!r.ok) expect(r.error.message, method).toMatch(/dns\) may retry, skip or cancel DNS tasks only/);
    }
    expect(t.core.queue.list(web1.id).stopped).toBe(true);
  });

  it('a team whose roles predate the view gets it at its creator\'s next start', async () => {
    // As roles were set up before: no view, and the dns role may INSERT into the journal itself.
    await team.root.query(`DROP VIEW ${DNS_JOURNAL_VIEW}`);
    await team.root.query(`GRANT INSERT, UPDATE, DELETE ON \`${team.database}\`.queue_events TO \`${roleName(team.database, 'dns')}\``);
    const dns = await team.person('dns');
    await activateRole(dns.conn, team.database);
    const insert = () => dns.pool.query("INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, 'dns')", [randomUUID(), enqueued('php.pool')]);
    await insert();
    // A dns login's start cannot change grants: it says so and works on.
    await teamCore('team-dnsq-old-dns', dns.user, dns.password);
    await insert();
    // Nor can an admin's (the admin role has no CREATE VIEW); the creator's start makes the view
    // and takes the table's writes from dns.
    const admin = await team.person('admin');
    await teamCore('team-dnsq-old-admin', admin.user, admin.password);
    await insert();
    const creator = mariadbInfo();
    await teamCore('team-dnsq-old-creator', creator.adminUser, creator.adminPassword);
    const fresh = await team.login(dns.user, dns.password);
    await expect(fresh.pool.query("INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, 'dns')", [randomUUID(), enqueued('php.pool')])).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(fresh.pool.query(`INSERT INTO ${DNS_JOURNAL_VIEW} (server_id, event, author) VALUES (?, ?, 'dns')`, [randomUUID(), enqueued('php.pool')])).rejects.toMatchObject({ code: 'ER_VIEW_CHECK_FAILED' });
    await fresh.pool.query(`INSERT INTO ${DNS_JOURNAL_VIEW} (server_id, event, author) VALUES (?, ?, 'dns')`, [randomUUID(), enqueued('dns.push')]);
  });
});
