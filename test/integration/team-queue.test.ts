// Team mode's shared queue on the testbed's MariaDB: three cores (separate data folders, separate
// processes) share the queues of four servers; each queues a third of a 300-task workload; one
// of them is killed with kill -9 twice while it runs queues, and is started again each time.
// Every task runs exactly once in effect (each appends a unique line to its server's file at
// most once: the lines are counted), in its server's queue order, and the team's journal holds
// every task once, done.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { exec } from '../../src-main/core/ssh/connect';
import { TaskReplay, type JournalEvent } from '../../src-main/core/queue/journal';
import { openTeamDb, teamPasswordAccount, writeTeamConfig } from '../../src-main/core/team/connection';
import { TeamRecords } from '../../src-main/core/team/records';
import { importFolder } from '../../src-main/core/team/transfer';
import { createSchema, jsonColumn } from '../../src-main/core/team/schema';
import { REPO } from '../../testbed/util';
import { coreSuite } from '../helpers/core';
import { freshDataDir, freshHome } from '../helpers/env';
import { teamConnection, teamDatabase, type TestTeamDb } from '../helpers/team';

const suite = coreSuite();
const TASKS = 300;
const CORES = 3;

const children = new Set<ChildProcess>();
const dbs: TestTeamDb[] = [];
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

type Folder = { dataDir: string; home: string; name: string };

function startChild(db: TestTeamDb, folder: Folder, steps: { serverId: string; path: string; line: string }[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/helpers/team-queue-child.ts')], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdin!.end(JSON.stringify({ dataDir: folder.dataDir, home: folder.home, account: teamPasswordAccount(db.config), password: db.password, steps }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('READY\n')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`${folder.name} exited (${code ?? signal}) before READY: ${err}`)));
  });
}

/** Every server's tasks as the team journal's replay (the table in seq order), and each task's count of enqueued events. */
async function replay(db: TestTeamDb): Promise<{ byServer: Map<string, Task[]>; enqueued: Map<string, number> }> {
  const conn = await teamConnection(db);
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT server_id, event FROM queue_events ORDER BY seq');
    const replays = new Map<string, TaskReplay>();
    const enqueued = new Map<string, number>();
    for (const row of rows) {
      const serverId = String(row.server_id);
      const event = jsonColumn(row.event) as JournalEvent;
      if (event.t === 'enqueued') enqueued.set(event.task.id, (enqueued.get(event.task.id) ?? 0) + 1);
      let r = replays.get(serverId);
      if (!r) replays.set(serverId, (r = new TaskReplay(serverId)));
      r.apply(event);
    }
    return { byServer: new Map([...replays].map(([id, r]) => [id, [...r.tasks.values()].sort((a, b) => a.seq - b.seq)])), enqueued };
  } finally {
    await conn.end();
  }
}

async function runnersOf(db: TestTeamDb): Promise<Map<string, string>> {
  const conn = await teamConnection(db);
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT server_id, holder FROM queue_runners');
    return new Map(rows.map((r) => [String(r.server_id), String(r.holder)]));
  } finally {
    await conn.end();
  }
}

describe('team queue', () => {
  it(`runs a ${TASKS}-task workload of ${CORES} workstations once each, in order, through two kill -9 of a runner`, async () => {
    const tb = suite.tb;
    const db = await teamDatabase();
    dbs.push(db);
    const admin = await teamConnection(db);
    await createSchema(admin, 'Test team', 'test');
    await admin.end();

    // The servers (four queues: web1 and web2, each twice) and the folders of three workstations.
    const setup = await suite.core('team-queue', { trust: [tb.ssh.web1, tb.ssh.web2] });
    const servers: Server[] = [];
    for (const [name, s] of [['a1', tb.ssh.web1], ['a2', tb.ssh.web1], ['b1', tb.ssh.web2], ['b2', tb.ssh.web2]] as const) {
      servers.push(await setup.call<Server>('servers.add', { name, host: s.host, port: s.port, user: 'hdtest', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['web'], tags: [] }));
    }
    // The team's inventory: the setup core's, copied in as "create team" does.
    const teamDb = await openTeamDb({ ...db.config, workstation: 'setup' }, db.password);
    const records = new TeamRecords(teamDb, () => undefined);
    await records.start();
    await importFolder(setup.dataDir, teamDb, records);
    records.stop();
    await teamDb.close();
    const folders: Folder[] = Array.from({ length: CORES }, (_, i) => {
      const name = `ws${i}`;
      const folder = { dataDir: freshDataDir(`team-queue-${name}`), home: freshHome(`team-queue-${name}`), name };
      copyFileSync(path.join(setup.home, '.ssh', 'known_hosts'), path.join(folder.home, '.ssh', 'known_hosts'));
      writeTeamConfig(folder.dataDir, { ...db.config, workstation: name });
      return folder;
    });
    const run = randomUUID().slice(0, 8);
    const fileOf = (s: Server) => `/tmp/hdteam-${run}-${s.name}.txt`;
    const steps = Array.from({ length: TASKS }, (_, i) => {
      const server = servers[i % servers.length]!;
      return { serverId: server.id, path: fileOf(server), line: `task-${i}` };
    });

    const started = Date.now();
    const wave1 = steps.slice(0, TASKS / 2);
    const wave2 = steps.slice(TASKS / 2);
    const procs = await Promise.all(folders.map((f, i) => startChild(db, f, wave1.filter((_, n) => n % CORES === i))));

    const doneCount = async () => [...(await replay(db)).byServer.values()].flat().filter((t) => t.status === 'done').length;
    const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const kills: { victim: string; at: number; held: number }[] = [];
    const kill = async (i: number) => {
      const held = [...(await runnersOf(db)).values()].filter((h) => h === folders[i]!.name).length;
      const exited = new Promise((resolve) => procs[i]!.once('exit', resolve));
      procs[i]!.kill('SIGKILL');
      await exited;
      kills.push({ victim: folders[i]!.name, at: await doneCount(), held });
    };

    // First kill: the workstation running the most queues, a fifth into the first wave; the
    // others take its queues over and finish the wave.
    await waitFor('a fifth of the first wave done', async () => (await doneCount()) >= wave1.length / 5);
    const holders = [...(await runnersOf(db)).values()];
    const victim = folders.findIndex((f) => holders.filter((h) => h === f.name).length === Math.max(...folders.map((g) => holders.filter((h) => h === g.name).length)));
    await kill(victim);
    await waitFor('the first wave done', async () => (await doneCount()) === wave1.length);
    // It starts again and queues the second wave (so it runs queues again), and is killed again.
    procs[victim] = await startChild(db, folders[victim]!, wave2);
    await waitFor(`${folders[victim]!.name} running a queue`, async () => [...(await runnersOf(db)).values()].includes(folders[victim]!.name), 20_000);
    await waitFor('a fifth of the second wave done', async () => (await doneCount()) >= wave1.length + wave2.length / 5);
    await kill(victim);
    procs[victim] = await startChild(db, folders[victim]!, []);

    await waitFor(`all ${TASKS} tasks done`, async () => (await doneCount()) === TASKS, 90_000);
    const elapsed = Date.now() - started;

    const { byServer, enqueued } = await replay(db);
    // The team history: every task once, done.
    expect(enqueued.size).toBe(TASKS);
    expect([...enqueued.values()].every((n) => n === 1)).toBe(true);
    const lease = await setup.core.connections.acquire(servers[0]!.id);
    try {
      for (const server of servers) {
        const tasks = byServer.get(server.id) ?? [];
        expect(tasks.map((t) => t.status)).toEqual(tasks.map(() => 'done'));
        // Exactly once in effect, in queue order: the file's lines are the tasks' lines in journal order.
        const lines = (await exec(lease.client(), `cat ${fileOf(server)}; rm -f ${fileOf(server)}`)).stdout.split('\n').filter(Boolean);
        expect(lines).toEqual(tasks.map((t) => t.params.line));
        expect(lines).toHaveLength(TASKS / servers.length);
      }
    } finally {
      lease.release();
    }
    expect(kills).toHaveLength(2);
    for (const k of kills) expect(k.held).toBeGreaterThan(0);
    console.log(`team queue: ${TASKS} tasks, ${CORES} workstations, kill -9 of ${kills.map((k) => `${k.victim} at ${k.at} done (running ${k.held} queues)`).join(' and ')}; ${elapsed} ms`);
  }, 150_000);
});
