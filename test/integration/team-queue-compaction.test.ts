// The shared queue journal is compacted (queue-backend.ts): a server's finished tasks become one
// snapshot row each (the newest KEEP_FINISHED kept, as in solo mode), failed and pending tasks keep
// their rows, and every replayer ends with the same queue as a fresh replay — a live poller, one
// that stopped reading halfway (it had a task's start, whose end was then compacted away), and a
// new process — while another workstation keeps appending during the compaction.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../shared/queue';
import { KEEP_FINISHED } from '../../src-main/core/queue/journal';
import { openTeamDb, type TeamDb } from '../../src-main/core/team/connection';
import { TeamQueueBackend } from '../../src-main/core/team/queue-backend';
import { createSchema } from '../../src-main/core/team/schema';
import { teamDatabase, type TestTeamDb } from '../helpers/team';

const dbs: TestTeamDb[] = [];
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

const at = '2026-12-07T00:00:00.000Z';
const events = {
  enqueued: (id: string, n: number) => ({ t: 'enqueued', task: { id, kind: 'ensure-line', title: `task ${n}`, params: { path: '/tmp/x', line: String(n) }, commands: [], enqueuedAt: at } }),
  started: (id: string) => ({ t: 'started', id, at }),
  done: (id: string) => ({ t: 'finished', id, at, status: 'done', exitCode: 0, stdoutTail: '', stderrTail: '', ms: 1 }),
  failed: (id: string) => ({ t: 'finished', id, at, status: 'failed', exitCode: 1, stdoutTail: '', stderrTail: 'no', ms: 1 }),
  cancelled: (id: string) => ({ t: 'cancelled', id, at }),
};

async function backend(db: TestTeamDb, name: string): Promise<{ teamDb: TeamDb; queue: TeamQueueBackend }> {
  const teamDb = await openTeamDb({ ...db.config, workstation: name }, db.password);
  const queue = new TeamQueueBackend(teamDb, () => undefined);
  opened.push({ close: async () => (await queue.close(), await teamDb.close()) });
  await queue.start();
  return { teamDb, queue };
}

/** What a replay shows: each task's id, status and place, in order. */
const view = (q: TeamQueueBackend, serverId: string) => q.journal(serverId).ordered().map((t: Task) => `${t.params.line}:${t.status}`);

describe('team queue journal compaction', () => {
  it('replaces finished tasks\' rows with snapshots; live, stalled and new replayers agree', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const setup = await openTeamDb({ ...db.config, workstation: 'setup' }, db.password);
    await createSchema(setup.pool, 'Compaction', 'setup');
    const serverId = randomUUID();
    let n = 0;
    const append = async (rows: object[]) => {
      for (let i = 0; i < rows.length; i += 500) {
        await setup.pool.query('INSERT INTO queue_events (server_id, event, author) VALUES ?', [rows.slice(i, i + 500).map((e) => [serverId, JSON.stringify({ ...e, eid: randomUUID() }), 'setup'])]);
      }
    };
    // 1,900 done tasks, a failed one, then one started whose end comes later.
    const first: object[] = [];
    for (let i = 0; i < 1900; i++) {
      const id = randomUUID();
      first.push(events.enqueued(id, n++), events.started(id), events.done(id));
    }
    const failed = randomUUID();
    first.push(events.enqueued(failed, n++), events.started(failed), events.failed(failed));
    const halfway = randomUUID();
    first.push(events.enqueued(halfway, n++), events.started(halfway));
    await append(first);

    // A replayer that read this far and then stopped reading (its polls stalled).
    const stalled = await backend(db, 'stalled');
    expect(view(stalled.queue, serverId).at(-1)).toBe(`${n - 1}:running`);
    await stalled.queue.close();

    // More: the half-way task ends, 300 more done, 5 cancelled, 3 pending.
    const second: object[] = [events.done(halfway)];
    for (let i = 0; i < 300; i++) {
      const id = randomUUID();
      second.push(events.enqueued(id, n++), events.started(id), events.done(id));
    }
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      second.push(events.enqueued(id, n++), events.cancelled(id));
    }
    for (let i = 0; i < 3; i++) second.push(events.enqueued(randomUUID(), n++));
    await append(second);

    const runner = await backend(db, 'runner');
    const live = await backend(db, 'live');
    const before = view(runner.queue, serverId);
    expect(before.length).toBe(2210);
    expect(runner.queue.journal(serverId).needsCompaction()).toBe(true);
    const count = async () => Number((await setup.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM queue_events WHERE server_id = ?', [serverId]))[0][0]!.n);
    const rowsBefore = await count();
    expect(rowsBefore).toBe(2200 * 3 + 3 + 3 + 5 * 2 + 3); // done, failed and half-way tasks 3 rows each, cancelled 2, pending 1

    // Another workstation appends to another server's journal while the compaction runs.
    const other = randomUUID();
    const writing = (async () => {
      for (let i = 0; i < 40; i++) {
        await setup.pool.query('INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, ?)', [other, JSON.stringify({ ...events.enqueued(randomUUID(), i), eid: randomUUID() }), 'other']);
      }
    })();
    const started = performance.now();
    const result = await runner.queue.compact(serverId);
    const ms = performance.now() - started;
    await writing;
    // Kept: the newest KEEP_FINISHED finished tasks as one snapshot row each; the failed task's 3
    // rows, the 3 pending enqueues, and the marker.
    expect(result).toEqual({ deleted: 2201 * 3 + 5 * 2, snapshots: KEEP_FINISHED });
    expect(await count()).toBe(KEEP_FINISHED + 3 + 3 + 1);
    const expected = before.filter((line) => !/:(done|cancelled)$/.test(line) || before.filter((l) => /:(done|cancelled)$/.test(l)).slice(-KEEP_FINISHED).includes(line));
    expect(expected.length).toBe(KEEP_FINISHED + 4);
    expect(view(runner.queue, serverId)).toEqual(expected);
    expect(runner.queue.journal(serverId).needsCompaction()).toBe(false);

    // The live poller, the stalled one catching up, and a new process: the same queue, in the same order.
    await expect.poll(() => view(live.queue, serverId), { timeout: 5_000 }).toEqual(expected);
    await (stalled.queue as unknown as { fetch(): Promise<void> }).fetch();
    expect(view(stalled.queue, serverId)).toEqual(expected);
    const fresh = await backend(db, 'fresh');
    expect(view(fresh.queue, serverId)).toEqual(expected);
    expect(fresh.queue.journal(other).ordered().length).toBe(40);
    // Task numbers agree too (the snapshots sit where their tasks were queued).
    const seqs = (q: TeamQueueBackend) => q.journal(serverId).ordered().map((t) => t.seq);
    expect(seqs(live.queue)).toEqual(seqs(fresh.queue));
    expect(seqs(runner.queue)).toEqual(seqs(fresh.queue));

    // Nothing left to do: a second compaction changes nothing.
    expect(await runner.queue.compact(serverId)).toBeNull();
    expect(await count()).toBe(KEEP_FINISHED + 7);
    await setup.close();
    console.log(`team queue compaction: ${rowsBefore} rows -> ${KEEP_FINISHED + 7} in ${ms.toFixed(0)} ms`);
  });

  it('one workstation at a time leads the team\'s backup schedule; the lead passes on when it closes', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const setup = await openTeamDb({ ...db.config, workstation: 'setup' }, db.password);
    opened.push(setup);
    await createSchema(setup.pool, 'Lead', 'setup');
    const a = await backend(db, 'lead-a');
    const b = await backend(db, 'lead-b');
    expect(await a.queue.leads('backup-schedule')).toBe(true);
    expect(await b.queue.leads('backup-schedule')).toBe(false);
    // Asked again (every minute): the leader keeps it, the other still waits.
    expect(await a.queue.leads('backup-schedule')).toBe(true);
    expect(await b.queue.leads('backup-schedule')).toBe(false);
    // Another job is led separately.
    expect(await b.queue.leads('other-job')).toBe(true);
    await a.queue.close();
    expect(await b.queue.leads('backup-schedule')).toBe(true);
  });
});
