// Team mode as two people drive it in Chromium, on the testbed's MariaDB: A creates a team from
// their solo data in Settings → Team; B joins it and sees A's server; both edit the server at
// once and B is shown both versions and takes A's; B's queue view says which workstation runs
// the server's queue; A leaves (the team's data copied back) and is solo again.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { teamDatabase, type TestTeamDb } from '../helpers/team';
import { active, addTrustedWeb1, calmShot, contract, e2eSuite, newPage } from './app';

const suite = e2eSuite();
const dbs: TestTeamDb[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('team settings', () => {
  it('create from solo, join, an edit conflict resolved, who runs a queue, leave', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const tb = suite.tb;

    // A: solo with web1, then creates the team from that data.
    const a = await suite.start('e2e-team-a', undefined, { testKinds: true });
    const pa = await newPage(suite.browser);
    await pa.goto(a.url);
    await addTrustedWeb1(pa, tb);
    await pa.getByRole('button', { name: 'Settings', exact: true }).click();
    const teamA = active(pa).getByRole('region', { name: 'Team' });
    await teamA.locator('[data-mode=solo]').waitFor();
    const fill = async (form: typeof teamA, workstation: string) => {
      await form.locator('input[name=workstation]').fill(workstation);
      await form.locator('input[name=host]').fill(db.config.host);
      await form.locator('input[name=port]').fill(String(db.config.port));
      await form.locator('input[name=user]').fill(db.config.user);
      await form.locator('input[name=password]').fill(db.password);
      await form.locator('input[name=database]').fill(db.config.database);
    };
    await teamA.locator('input[name=teamName]').fill('Ops');
    await fill(teamA, 'ws-a');
    await calmShot(pa, 'team-settings-01-create');
    await teamA.getByRole('button', { name: 'Create team' }).click();
    await teamA.getByText('Team created: 1 server, 1 pinned host key').waitFor();
    await teamA.locator('[data-mode=team] [data-connected=true]').waitFor();
    expect(await teamA.locator('[data-mode=team]').textContent()).toContain('ws-a');
    await calmShot(pa, 'team-settings-02-created');

    // B: a fresh workstation joins, and has A's server (and its pinned key: it connects).
    const b = await suite.start('e2e-team-b', undefined, { testKinds: true });
    const pb = await newPage(suite.browser);
    await pb.goto(b.url);
    await pb.getByRole('button', { name: 'Settings', exact: true }).click();
    const teamB = active(pb).getByRole('region', { name: 'Team' });
    await teamB.getByRole('radio', { name: /Join an existing team/ }).check();
    await fill(teamB, 'ws-b');
    await teamB.locator('input[name=password]').fill('not-the-team-password');
    await teamB.getByRole('button', { name: 'Join team' }).click();
    await teamB.getByText(/refused the login/).waitFor();
    await calmShot(pb, 'team-settings-03-join-refused');
    await teamB.locator('input[name=password]').fill(db.password);
    await teamB.getByRole('button', { name: 'Join team' }).click();
    await teamB.locator('[data-mode=team] [data-connected=true]').waitFor();
    const fleetB = pb.getByRole('navigation', { name: 'Fleet' });
    await fleetB.getByRole('button', { name: /web1/ }).waitFor();
    await calmShot(pb, 'team-settings-04-joined');

    // Both edit web1: B opened it at version 1, A saves first; B is asked, sees both, takes A's.
    await fleetB.getByRole('button', { name: /web1/ }).click();
    await pb.getByRole('button', { name: 'Edit' }).click();
    const form = pb.getByRole('form', { name: 'Edit server' });
    await form.locator('input[name=tags]').fill('from-b');
    const [web1] = await contract<Server[]>(pa, 'servers.list', {});
    const { id, hasSecret: _h, version, ...fields } = web1!;
    expect(version).toBe(1);
    await contract(pa, 'servers.update', { id, server: { ...fields, tags: ['from-a'] }, baseVersion: 1 });
    await form.getByRole('button', { name: 'Save changes' }).click();
    const conflict = form.getByRole('alertdialog', { name: 'Edit conflict' });
    await conflict.getByText(/ws-a changed this/).waitFor();
    expect(await conflict.locator('tr[data-field=tags] .conflict-yours').textContent()).toBe('from-b');
    expect(await conflict.locator('tr[data-field=tags] .conflict-theirs').textContent()).toBe('from-a');
    await calmShot(pb, 'team-settings-05-conflict');
    await conflict.getByRole('button', { name: 'Take theirs' }).click();
    expect(await form.locator('input[name=tags]').inputValue()).toBe('from-a');
    await form.locator('input[name=tags]').fill('from-a, checked-by-b');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await pb.getByRole('region', { name: 'Server web1' }).waitFor();
    await expect.poll(async () => (await contract<Server[]>(pa, 'servers.list', {}))[0]?.tags, { timeout: 3000 }).toEqual(['from-a', 'checked-by-b']);

    // A runs web1's queue (its first task waits for the server's task lock, held here): B's queue view says so.
    const lock = path.join(tb.users.hdtest.home, '.cache', 'hostdeck', 'tasks.lock');
    mkdirSync(path.dirname(lock), { recursive: true });
    // Its own process group: flock's sleep holds the lock too, and both go at the end.
    const holder = spawn('flock', [lock, 'sleep', '60'], { stdio: 'ignore', detached: true });
    const release = () => {
      try {
        process.kill(-holder.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    try {
      const target = `/tmp/hd-e2e-team-${randomUUID().slice(0, 8)}.txt`;
      for (const line of ['one', 'two', 'three']) await contract(pa, 'test.enqueue', { serverId: id, kind: 'ensure-line', params: { path: target, line } });
      // Whichever workstation took the queue's lock runs it; the other one's queue view names it.
      type Listing = { runnerHere: boolean };
      let runner: 'ws-a' | 'ws-b' | null = null;
      await expect
        .poll(async () => {
          if ((await contract<Listing>(pa, 'queue.list', { serverId: id })).runnerHere) runner = 'ws-a';
          else if ((await contract<Listing>(pb, 'queue.list', { serverId: id })).runnerHere) runner = 'ws-b';
          return runner;
        }, { timeout: 10_000 })
        .not.toBeNull();
      const viewer = runner === 'ws-a' ? pb : pa;
      await viewer.getByRole('navigation', { name: 'Fleet' }).getByRole('button', { name: /web1/ }).click();
      await viewer.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Queue', exact: true }).click();
      await viewer.getByRole('region', { name: 'Queue of web1' }).getByText(`run by ${runner!}`).waitFor({ timeout: 20_000 });
      await calmShot(viewer, 'team-settings-06-queue-run-elsewhere');
      release();
      await expect
        .poll(async () => (await contract<{ tasks: Task[] }>(pb, 'queue.list', { serverId: id })).tasks.filter((t) => t.status === 'done').length, { timeout: 20_000 })
        .toBe(3);
    } finally {
      release();
    }

    // A leaves: the team's data is copied back; A is solo with the team's version of web1.
    await pa.getByRole('button', { name: 'Settings', exact: true }).click();
    await teamA.locator('input[name=confirm]').fill('Ops');
    await calmShot(pa, 'team-settings-07-leave');
    await teamA.getByRole('button', { name: 'Leave and copy the data here' }).click();
    await teamA.locator('[data-mode=solo]').waitFor();
    const solo = await contract<Server[]>(pa, 'servers.list', {});
    expect(solo.map((s) => [s.name, s.tags, s.version])).toEqual([['web1', ['from-a', 'checked-by-b'], undefined]]);
    await calmShot(pa, 'team-settings-08-solo-again');
  });
});
