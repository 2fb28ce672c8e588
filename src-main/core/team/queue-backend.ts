// The task queues of a team (README "Team mode"): every server's journal is the rows of
// `queue_events`, replayed in `seq` order by every workstation (polled: seq > last seen), and
// one runner per server across workstations holds GET_LOCK on a connection of its own — the
// engine releases it when that connection or its process dies, and another workstation takes
// over at its next poll. The lock on the server (worker-shell.ts) stays the last guard.
//
// - Order: appends take a short write lock around their INSERT, so rows become visible in seq
//   order (a reader polling seq > last never skips a row committed late).
// - This process's own events show at once (the service reads its state synchronously) and are
//   replaced by the shared order's replay once read back; each carries an id (eid) so that the
//   read-back removes exactly it from the outbox. A failed write is tried again until it takes,
//   unless the engine refuses it for good (this login's role has no right to queue tasks): then
//   the events are dropped from this process's view and the refusal is logged.
// - Compaction (the journal would grow forever): the runner holding a server's lock replaces
//   the rows of its finished tasks (done, skipped, cancelled) up to what it has read (seq <= B)
//   with one snapshot row per task, put at the seq of the task's first row so that every replay
//   numbers and orders tasks as before, and drops finished tasks beyond the newest KEEP_FINISHED
//   (as the solo journal does). Failed, pending and running tasks keep their rows. It runs under
//   the journal write lock in one transaction that also appends a `compacted` marker row. A
//   replayer may have read part of what was rewritten (a task's start but not its end, deleted
//   since): so every replayer, on reading the marker, replays that server again from its rows up
//   to the marker — never from what it had. New processes replay from the start anyway. So no
//   replayer depends on a deleted row, however far behind it was, and no acknowledgement from
//   other workstations is needed. Needs DELETE on the journal (admin, operator); other roles'
//   runners leave it to them.
// - A dns login may not INSERT into `queue_events`: it appends through the view roles.ts grants
//   it, which takes only DNS tasks. Rows are replayed only in the canonical form JSON.stringify
//   writes, so that what the view's check read is what every workstation replays.
import { createHash, randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { FINISHED, type Task } from '../../../shared/queue';
import type { QueueBackend, QueueJournal, RunnerLock } from '../queue/backend';
import { COMPACT_LINES, KEEP_FINISHED, TaskReplay, type JournalEvent } from '../queue/journal';
import type { TeamDb } from './connection';
import { DNS_JOURNAL_VIEW } from './roles';
import { jsonColumn, queueLockName } from './schema';

const POLL_MS = 200;
const RUNNERS_POLL_MS = 1000;
const RETRY_MS = 1000;
const BATCH = 5000;

type Stamped = JournalEvent & { eid: string };
/** Rows of the server up to `upto` were rewritten by a compaction: replay them again. */
type Compacted = { t: 'compacted'; upto: number; eid: string };
type Row = Stamped | Compacted;

class TeamJournal implements QueueJournal {
  private confirmed: TaskReplay;
  /** Rows read for this server since its last full replay (what compaction would shrink). */
  private rows = 0;
  private view: TaskReplay;
  private readonly outbox: Stamped[] = [];
  private readonly changed = new Map<string, Task>();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly serverId: string,
    private readonly backend: TeamQueueBackend,
  ) {
    this.confirmed = new TaskReplay(serverId);
    this.view = this.confirmed.clone();
  }

  get tasks(): ReadonlyMap<string, Task> {
    return this.view.tasks;
  }

  ordered(): Task[] {
    return [...this.view.tasks.values()].sort((a, b) => a.seq - b.seq);
  }

  catchUp(): Task[] {
    const out = [...this.changed.values()];
    this.changed.clear();
    return out;
  }

  append(events: JournalEvent[]): void {
    const stamped = events.map((e) => ({ ...e, eid: randomUUID() }));
    this.outbox.push(...stamped);
    this.recompute();
    this.pending = this.pending
      .then(() => this.backend.write(this.serverId, stamped))
      .catch((error: unknown) => {
        const shown = new Map(this.view.tasks);
        for (const e of stamped) {
          const at = this.outbox.indexOf(e);
          if (at >= 0) this.outbox.splice(at, 1);
        }
        this.recompute();
        // Tasks that were only in the refused events leave the view: tell the windows (they refetch).
        for (const [id, task] of shown) if (!this.view.tasks.has(id)) this.changed.set(id, task);
        this.backend.refused(this.serverId, error);
      });
  }

  flushed(): Promise<void> {
    return this.pending;
  }

  needsCompaction(): boolean {
    return this.rows > COMPACT_LINES + 2 * this.confirmed.tasks.size && this.backend.mayCompact(this.serverId);
  }

  compact(): void {
    void this.backend.compact(this.serverId);
  }

  /** The tasks as read from the table so far (not this process's unconfirmed events). */
  get shared(): ReadonlyMap<string, Task> {
    return this.confirmed.tasks;
  }

  /** An event read from the table, in seq order. */
  receive(event: Stamped): void {
    this.rows++;
    this.confirmed.apply(event);
    const mine = this.outbox.findIndex((e) => e.eid === event.eid);
    if (mine >= 0) this.outbox.splice(mine, 1);
  }

  /** Forgets what was read and replays these rows (the server's whole journal up to a compaction marker). */
  replayAgain(events: Stamped[]): void {
    this.confirmed = new TaskReplay(this.serverId);
    this.rows = 0;
    for (const event of events) this.receive(event);
  }

  /** The view: the shared replay plus what this process appended and has not read back yet. */
  recompute(): void {
    const before = this.view.tasks;
    const next = this.confirmed.clone();
    for (const e of this.outbox) next.apply(e);
    for (const [id, task] of next.tasks) if (before.get(id) !== task) this.changed.set(id, task);
    this.view = next;
  }
}

class TeamRunnerLock implements RunnerLock {
  private held = false;

  constructor(
    private readonly backend: TeamQueueBackend,
    private readonly serverId: string,
  ) {}

  private get name(): string {
    return queueLockName(this.backend.database, this.serverId);
  }

  async tryAcquire(): Promise<boolean> {
    const conn = await this.backend.lockConnection();
    const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [this.name]);
    if (Number(rows[0]?.got) !== 1) return false;
    this.held = true;
    await conn.query('REPLACE INTO queue_runners (server_id, holder, connection_id) VALUES (?, ?, CONNECTION_ID())', [this.serverId, this.backend.workstation]);
    return true;
  }

  async stillMine(): Promise<boolean> {
    if (!this.held) return false;
    try {
      const conn = await this.backend.lockConnection();
      const [rows] = await conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.name]);
      return Number(rows[0]?.mine) === 1;
    } catch {
      return false;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    void this.backend
      .lockConnection()
      .then(async (conn) => {
        await conn.query('DELETE FROM queue_runners WHERE server_id = ? AND connection_id = CONNECTION_ID()', [this.serverId]);
        await conn.query('SELECT RELEASE_LOCK(?)', [this.name]);
      })
      .catch(() => undefined); // the connection is gone: so is the lock
  }
}

export class TeamQueueBackend implements QueueBackend {
  private readonly journals = new Map<string, TeamJournal>();
  private readonly listeners: ((serverId: string) => void)[] = [];
  private readonly runners = new Map<string, string>();
  private last = 0;
  private fetching: Promise<void> | null = null;
  private lockConn: Promise<Connection> | null = null;
  /** Servers whose compaction is under way, or was refused to this login (no DELETE on the journal). */
  private readonly compacting = new Set<string>();
  private compactRefused = false;
  private writes: Promise<void> = Promise.resolve();
  /** Where this login's appends go: the journal, or (a dns login, refused the table) the DNS view. */
  private journalTable: 'queue_events' | typeof DNS_JOURNAL_VIEW = 'queue_events';
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly db: TeamDb,
    private readonly log: (line: string) => void,
  ) {}

  get database(): string {
    return this.db.config.database;
  }

  get workstation(): string {
    return this.db.workstation;
  }

  /** Reads the whole journal once, then keeps polling. */
  async start(): Promise<void> {
    await this.fetch();
    await this.fetchRunners();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((error: unknown) => this.log(`[hostdeck] team queue: ${messageOf(error)}`)), ms);
      t.unref();
      this.timers.push(t);
    };
    every(POLL_MS, () => this.fetch());
    every(RUNNERS_POLL_MS, () => this.fetchRunners());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.writes.catch(() => undefined);
    const conn = this.lockConn;
    this.lockConn = null;
    if (conn) await conn.then((c) => c.end()).catch(() => undefined);
  }

  journal(serverId: string): QueueJournal {
    return this.teamJournal(serverId);
  }

  lock(serverId: string): RunnerLock {
    return new TeamRunnerLock(this, serverId);
  }

  serverIds(): string[] {
    return [...this.journals.keys()];
  }

  runner(serverId: string): string | null {
    return this.runners.get(serverId) ?? null;
  }

  onChange(listener: (serverId: string) => void): void {
    this.listeners.push(listener);
  }

  /** A write of this server's journal that will never take: logged, and the view refreshed. */
  refused(serverId: string, error: unknown): void {
    if (!this.closed) this.log(`[hostdeck] team queue: the team database refused ${serverId}'s journal write, nothing of it was queued: ${messageOf(error)}`);
    for (const listener of this.listeners) listener(serverId);
  }

  /** Appends events (in order after every earlier append of this process), then reads them back. */
  write(serverId: string, events: Stamped[]): Promise<void> {
    const attempt = async (): Promise<void> => {
      for (;;) {
        try {
          await this.insert(serverId, events);
          break;
        } catch (error) {
          if (this.closed || refusedForGood(error)) throw error;
          this.log(`[hostdeck] team queue: writing ${serverId}'s journal failed (${messageOf(error)}); trying again`);
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
      await this.fetch();
    };
    const done = this.writes.then(attempt);
    this.writes = done.catch(() => undefined);
    return done;
  }

  mayCompact(serverId: string): boolean {
    return !this.compactRefused && !this.compacting.has(serverId);
  }

  /**
   * Compacts a server's journal (see the top of this file): returns how many rows went and how
   * many snapshot rows replaced them, or null when there was nothing to do.
   */
  async compact(serverId: string): Promise<{ deleted: number; snapshots: number } | null> {
    if (!this.mayCompact(serverId)) return null;
    this.compacting.add(serverId);
    const conn = await this.db.pool.getConnection();
    const writeLock = queueLockName(this.database, 'journal-writes');
    try {
      const [got] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [writeLock]);
      if (Number(got[0]?.got) !== 1) return null;
      try {
        // Under the write lock nothing is appended: reading to the end makes `upto` the table's end for this server.
        await this.fetch();
        const upto = this.last;
        const tasks = this.teamJournal(serverId).shared;
        const finished = [...tasks.values()].filter((t) => FINISHED.includes(t.status)).sort((a, b) => a.seq - b.seq);
        const keep = new Set(finished.slice(-KEEP_FINISHED).map((t) => t.id));
        const [rows] = await conn.query<RowDataPacket[]>(
          "SELECT seq, JSON_VALUE(event, '$.t') AS t, COALESCE(JSON_VALUE(event, '$.id'), JSON_VALUE(event, '$.task.id')) AS id FROM queue_events WHERE server_id = ? AND seq <= ? ORDER BY seq",
          [serverId, upto],
        );
        const byTask = new Map<string, { seq: number; t: string }[]>();
        for (const row of rows) {
          const list = byTask.get(String(row.id)) ?? [];
          list.push({ seq: Number(row.seq), t: String(row.t) });
          byTask.set(String(row.id), list);
        }
        const deletes: number[] = [];
        const snapshots: [number, string, string, string][] = [];
        for (const task of finished) {
          const list = byTask.get(task.id) ?? [];
          if (list.length === 0 || (keep.has(task.id) && list.length === 1 && list[0]!.t === 'snapshot')) continue;
          deletes.push(...list.map((r) => r.seq));
          if (keep.has(task.id)) snapshots.push([list[0]!.seq, serverId, JSON.stringify({ t: 'snapshot', task, eid: randomUUID() }), this.workstation]);
        }
        if (deletes.length === 0) return null;
        // Earlier markers: the new one stands for them.
        deletes.push(...(byTask.get('null') ?? []).filter((r) => r.t === 'compacted').map((r) => r.seq));
        await conn.beginTransaction();
        try {
          for (let i = 0; i < deletes.length; i += 1000) await conn.query('DELETE FROM queue_events WHERE server_id = ? AND seq IN (?)', [serverId, deletes.slice(i, i + 1000)]);
          for (let i = 0; i < snapshots.length; i += 500) await conn.query('INSERT INTO queue_events (seq, server_id, event, author) VALUES ?', [snapshots.slice(i, i + 500)]);
          const marker: Compacted = { t: 'compacted', upto, eid: randomUUID() };
          await conn.query('INSERT INTO queue_events (server_id, event, author) VALUES (?, ?, ?)', [serverId, JSON.stringify(marker), this.workstation]);
          await conn.commit();
        } catch (error) {
          await conn.rollback().catch(() => undefined);
          throw error;
        }
        this.log(`[hostdeck] team queue: ${serverId}'s journal compacted: ${deletes.length} rows replaced by ${snapshots.length} task snapshots`);
        return { deleted: deletes.length, snapshots: snapshots.length };
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [writeLock]);
      }
    } catch (error) {
      if (refusedForGood(error)) this.compactRefused = true;
      this.log(`[hostdeck] team queue: ${serverId}'s journal was not compacted: ${messageOf(error)}`);
      return null;
    } finally {
      conn.release();
      this.compacting.delete(serverId);
      await this.fetch().catch(() => undefined);
    }
  }

  /**
   * Whether this workstation leads a team-wide job (one at a time across the team, e.g. queuing
   * a server's scheduled backups): GET_LOCK on the lock connection, kept while it lives, so the engine hands
   * the lead to another workstation when this one dies or loses the database.
   */
  async leads(job: string): Promise<boolean> {
    // GET_LOCK names: at most 64 characters, per MariaDB server (the database's hash tells teams apart).
    const name = `hostdeck.${job}.${createHash('sha256').update(this.database).digest('hex').slice(0, 8)}`;
    if (name.length > 64) throw new Error(`lock name too long: ${name}`);
    const conn = await this.lockConnection();
    const [rows] = await conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [name]);
    if (Number(rows[0]?.mine) === 1) return true;
    const [got] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [name]);
    return Number(got[0]?.got) === 1;
  }

  /** The connection whose session holds this workstation's runner locks (made again if it died). */
  lockConnection(): Promise<Connection> {
    if (!this.lockConn) {
      const pending = this.db.connection().then((conn) => {
        conn.on('error', () => {
          if (this.lockConn === pending) this.lockConn = null;
        });
        return conn;
      });
      pending.catch(() => {
        if (this.lockConn === pending) this.lockConn = null;
      });
      this.lockConn = pending;
    }
    return this.lockConn;
  }

  private teamJournal(serverId: string): TeamJournal {
    let j = this.journals.get(serverId);
    if (!j) {
      j = new TeamJournal(serverId, this);
      this.journals.set(serverId, j);
    }
    return j;
  }

  private async insert(serverId: string, events: Stamped[]): Promise<void> {
    const conn = await this.db.pool.getConnection();
    const writeLock = queueLockName(this.database, 'journal-writes');
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [writeLock]);
      if (Number(rows[0]?.got) !== 1) throw new Error('another workstation held the journal write lock for 30 s');
      try {
        const rows = [events.map((e) => [serverId, JSON.stringify(e), this.workstation])];
        const append = () => conn.query(`INSERT INTO ${this.journalTable} (server_id, event, author) VALUES ?`, rows);
        try {
          await append();
        } catch (error) {
          const via = this.journalTable;
          // A view's refusal (a role changed since, or a task the view does not take): the table is asked first next time.
          this.journalTable = 'queue_events';
          if (via !== 'queue_events' || (error as { code?: string }).code !== 'ER_TABLEACCESS_DENIED_ERROR') throw error;
          this.journalTable = DNS_JOURNAL_VIEW;
          await append().catch((viewError: unknown) => {
            this.journalTable = 'queue_events';
            throw viewError;
          });
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [writeLock]);
      }
    } finally {
      conn.release();
    }
  }

  /** Reads rows after the last one seen (one read at a time: callers share the one under way). */
  private fetch(): Promise<void> {
    if (this.fetching) return this.fetching.then(() => this.fetch0());
    return this.fetch0();
  }

  private fetch0(): Promise<void> {
    if (this.fetching) return this.fetching;
    const run = async () => {
      const touched = new Set<TeamJournal>();
      for (;;) {
        const [rows] = await this.db.pool.query<RowDataPacket[]>('SELECT seq, server_id, CAST(event AS CHAR) AS event FROM queue_events WHERE seq > ? ORDER BY seq LIMIT ?', [this.last, BATCH]);
        for (const row of rows) {
          const j = this.teamJournal(String(row.server_id));
          try {
            const event = canonicalEvent(row.event);
            if (event.t === 'compacted') j.replayAgain(await this.rowsUpTo(j.serverId, Number(row.seq)));
            else j.receive(event);
          } catch (error) {
            this.log(`[hostdeck] team queue: event ${String(row.seq)} is not readable (${messageOf(error)}); skipped`);
          }
          touched.add(j);
          this.last = Number(row.seq);
        }
        if (rows.length < BATCH) break;
      }
      for (const j of touched) j.recompute();
      for (const j of touched) for (const listener of this.listeners) listener(j.serverId);
    };
    this.fetching = run().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  /** A server's rows up to a seq, readable ones only (what a replay after a compaction starts from). */
  private async rowsUpTo(serverId: string, seq: number): Promise<Stamped[]> {
    const [rows] = await this.db.pool.query<RowDataPacket[]>('SELECT seq, CAST(event AS CHAR) AS event FROM queue_events WHERE server_id = ? AND seq <= ? ORDER BY seq', [serverId, seq]);
    const events: Stamped[] = [];
    for (const row of rows) {
      try {
        const event = canonicalEvent(row.event);
        if (event.t !== 'compacted') events.push(event);
      } catch {
        // skipped, as the first read of it said
      }
    }
    return events;
  }

  private async fetchRunners(): Promise<void> {
    const suffix = queueLockName(this.database, '').slice('hostdeck.queue.'.length);
    const [rows] = await this.db.pool.query<RowDataPacket[]>(
      "SELECT server_id, holder FROM queue_runners WHERE IS_USED_LOCK(CONCAT('hostdeck.queue.', server_id, ?)) = connection_id",
      [suffix],
    );
    const before = new Map(this.runners);
    this.runners.clear();
    for (const row of rows) this.runners.set(String(row.server_id), String(row.holder));
    // Who runs a queue is part of what its view shows: a change of runner is a change of the queue.
    for (const serverId of new Set([...before.keys(), ...this.runners.keys()])) {
      if (before.get(serverId) !== this.runners.get(serverId) && this.journals.has(serverId)) for (const listener of this.listeners) listener(serverId);
    }
  }
}

/**
 * A journal row's event, only in the form JSON.stringify writes (no duplicate or escaped keys a
 * check in SQL would read otherwise). Read as text (CAST AS CHAR): mysql2 parses a JSON column
 * itself, and a duplicate key's first value would be lost before it could be seen.
 */
function canonicalEvent(value: unknown): Row {
  const event = jsonColumn(value) as Row;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text === 'string' && JSON.stringify(event) !== text) throw new Error('not in the form Hostdeck writes');
  return event;
}

/** The engine's "no right to do this" (a role without INSERT on the journal, a task the DNS view does not take): trying again changes nothing. */
function refusedForGood(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ER_VIEW_CHECK_FAILED' || code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_COLUMNACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
