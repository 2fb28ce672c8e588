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
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import type { Task } from '../../../shared/queue';
import type { QueueBackend, QueueJournal, RunnerLock } from '../queue/backend';
import { TaskReplay, type JournalEvent } from '../queue/journal';
import type { TeamDb } from './connection';
import { jsonColumn, queueLockName } from './schema';

const POLL_MS = 200;
const RUNNERS_POLL_MS = 1000;
const RETRY_MS = 1000;
const BATCH = 5000;

type Stamped = JournalEvent & { eid: string };

class TeamJournal implements QueueJournal {
  private readonly confirmed: TaskReplay;
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
    return false; // the shared journal is the team's task history: kept whole
  }

  compact(): void {}

  /** An event read from the table, in seq order. */
  receive(event: Stamped): void {
    this.confirmed.apply(event);
    const mine = this.outbox.findIndex((e) => e.eid === event.eid);
    if (mine >= 0) this.outbox.splice(mine, 1);
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
  private writes: Promise<void> = Promise.resolve();
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
        await conn.query('INSERT INTO queue_events (server_id, event, author) VALUES ?', [events.map((e) => [serverId, JSON.stringify(e), this.workstation])]);
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
        const [rows] = await this.db.pool.query<RowDataPacket[]>('SELECT seq, server_id, event FROM queue_events WHERE seq > ? ORDER BY seq LIMIT ?', [this.last, BATCH]);
        for (const row of rows) {
          const j = this.teamJournal(String(row.server_id));
          try {
            j.receive(jsonColumn(row.event) as Stamped);
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

/** The engine's "no right to do this" (a role without INSERT on the journal): trying again changes nothing. */
function refusedForGood(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_COLUMNACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
