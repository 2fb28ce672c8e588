// The team database through an SSH tunnel of an inventory server (web1): a team created and
// joined "through web1", every connection the team's login has on MariaDB (the pool, the queue's
// GET_LOCK runner connection) comes from web1's sshd, not from the workstation; an edit on one
// workstation shows on the other; the SSH session carrying the tunnel is killed and both
// workstations recover by themselves (a new edit seen, a new task run by the shared queue).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../shared/api/team';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { createCore, type Core } from '../../src-main/core/core';
import { coreSuite, registeringSecrets } from '../helpers/core';
import { teamConnection, teamDatabase, type TestTeamDb } from '../helpers/team';
import '../helpers/test-kinds';

const suite = coreSuite();
const dbs: TestTeamDb[] = [];
const opened: Core[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    let v: T | undefined;
    let failure: unknown;
    try {
      v = await read();
      if (ok(v)) return v;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${failure ? String(failure) : JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The processes on this machine that own the client end of each MariaDB connection of the
 * team's login (other than `self`, the test's own): the tunnel's traffic leaves from sshd.
 */
async function clientsOf(db: TestTeamDb): Promise<{ process: string; pid: number }[]> {
  const conn = await teamConnection(db);
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT HOST FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()', [db.config.user]);
    return rows.map((row) => {
      const port = String(row.HOST).split(':')[1];
      const line = execFileSync('ss', ['-Htnp', 'state', 'established', `( sport = :${port} and dport = :${db.config.port} )`], { encoding: 'utf8' });
      const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
      return { process: m?.[1] ?? `unknown (${line.trim()})`, pid: Number(m?.[2] ?? 0) };
    });
  } finally {
    await conn.end();
  }
}

type Listing = { tasks: Task[] };

describe('team database through an SSH tunnel', () => {
  it('create and join through web1, the traffic is sshd\'s, an edit crosses, a killed session recovers', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    // As web1 sees it: the database is on its own loopback.
    const connect = { host: '127.0.0.1', port: db.config.port, user: db.config.user, password: db.password, database: db.config.database };
    const a = await suite.web1('team-tunnel-a');

    // A server reached through a jump host cannot carry it; an unknown id is refused.
    expect((await a.fail('team.create', { ...connect, teamName: 'Tunnelled', tunnelServerId: randomUUID() })).code).toBe('not-found');

    const created = await a.call<{ status: TeamStatus }>('team.create', { ...connect, teamName: 'Tunnelled', workstation: 'ws-a', tunnelServerId: a.server.id });
    expect(created.status).toMatchObject({ mode: 'team', connected: true, team: { via: { serverId: a.server.id, name: 'web1' } } });
    // team.json keeps what the tunnel takes (the inventory is read through it), and its pinned key.
    const saved = JSON.parse(readFileSync(path.join(a.dataDir, 'team.json'), 'utf8')) as { tunnel: { host: string; port: number; hostKey: { key: string } } };
    expect(saved.tunnel).toMatchObject({ host: suite.tb.ssh.web1.host, port: suite.tb.ssh.web1.port });
    expect(suite.tb.ssh.web1.hostKeyLine).toContain(saved.tunnel.hostKey.key);

    // The app started again on A's folder opens the team through the tunnel from team.json.
    await a.core.close();
    const a2 = registeringSecrets(await createCore({ dataDir: a.dataDir, homeDir: a.home, log: () => undefined }));
    opened.push(a2);

    // B: its own solo inventory has web1 too; it joins through it.
    const b = await suite.web1('team-tunnel-b');
    await b.call('team.join', { ...connect, workstation: 'ws-b', tunnelServerId: b.server.id });
    expect((await b.call<TeamStatus>('team.status', {})).team).toMatchObject({ name: 'Tunnelled', via: { name: 'web1' } });

    // The shared queue runs a task through the tunnel (its runner's GET_LOCK connection included).
    const file = `/tmp/hdteam-tunnel-${randomUUID().slice(0, 8)}.txt`;
    a2.queue.enqueue(a.server.id, 'ensure-line', { path: file, line: 'one' });
    await until('the first task done, seen on B', () => b.call<Listing>('queue.list', { serverId: a.server.id }), (l) => l.tasks.at(-1)?.status === 'done');

    const before = await clientsOf(db);
    // Pools on A and B plus A's runner-lock connection, all from web1's sshd sessions.
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(new Set(before.map((c) => c.process))).toEqual(new Set(['sshd']));
    const sessions = [...new Set(before.map((c) => c.pid))];
    expect(sessions.length).toBe(2); // one tunnel connection per workstation

    // An edit on A shows on B.
    const callA = async <T,>(method: string, input: unknown): Promise<T> => {
      const r = await a2.call(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.output as T;
    };
    const edit = async (tags: string[]) => {
      const [mine] = await callA<Server[]>('servers.list', {});
      const { id, hasSecret: _h, version, ...fields } = mine!;
      await callA('servers.update', { id, server: { ...fields, tags }, baseVersion: version });
      await until(`B sees ${tags[0]}`, () => b.call<Server[]>('servers.list', {}), (l) => l[0]?.tags[0] === tags[0]);
    };
    /** As a user saves again (a save on a pooled connection the drop had cut used to fail once: now none may). */
    const saveUntilTaken = async (tags: string[]) => {
      let failures = 0;
      for (;;) {
        try {
          return { failures, done: await edit(tags) };
        } catch (error) {
          if (++failures > 5) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    await edit(['via-tunnel']);

    // Kill the SSH sessions carrying both tunnels (as a dropped network would).
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const { failures } = await saveUntilTaken(['after-drop']);
    const editMs = Date.now() - killedAt;
    expect(failures).toBe(0);
    a2.queue.enqueue(a.server.id, 'ensure-line', { path: file, line: 'two' });
    await until('the task after the drop done, seen on B', () => b.call<Listing>('queue.list', { serverId: a.server.id }), (l) => l.tasks.at(-1)?.status === 'done' && l.tasks.length === 2, 30_000);
    const after = await clientsOf(db);
    expect(new Set(after.map((c) => c.process))).toEqual(new Set(['sshd']));
    expect(after.some((c) => sessions.includes(c.pid))).toBe(false);
    expect((await callA<TeamStatus>('team.status', {})).connected).toBe(true);
    console.log(`team tunnel: ${before.length} connections via sshd; after killing the SSH sessions an edit crossed in ${editMs} ms (${failures} failed save(s) first)`);
  });

  it('switches an existing team to the tunnel and back (team.setRoute), and refuses a route that does not reach it', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const a = await suite.web1('team-route-a');
    await a.call('team.create', { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database, teamName: 'Routed', workstation: 'ws-a' });
    expect((await a.call<TeamStatus>('team.status', {})).team?.via).toBeNull();
    const { status } = await a.call<{ status: TeamStatus }>('team.setRoute', { tunnelServerId: a.server.id });
    expect(status.team?.via?.name).toBe('web1');
    expect((await a.call<Server[]>('servers.list', {})).map((s) => s.name)).toEqual(['web1']);
    expect(new Set((await clientsOf(db)).map((c) => c.process))).toEqual(new Set(['sshd']));
    const back = await a.call<{ status: TeamStatus }>('team.setRoute', { tunnelServerId: null });
    expect(back.status.team?.via).toBeNull();
    await until('every connection direct again', () => clientsOf(db), (cs) => cs.length > 0 && cs.every((c) => c.process !== 'sshd'));
    expect((await a.fail('team.setRoute', { tunnelServerId: 'not-a-uuid' })).code).toBe('invalid-input');
  });
});
