// The task queues (README "Task queue"): one journal per server, one runner per server
// (the lock holder, in whichever app instance got the lock), servers in parallel, each server's
// tasks strictly in order in a persistent worker shell on its shared connection. A failed task
// stops its server's queue until the admin retries, skips or cancels. A task found running (a
// crash, a dropped connection, another instance closing) is simply run again: tasks are
// idempotent "ensure" steps, and a lock on the server (worker-shell.ts, "Left behind") makes the
// rerun wait until a run the crash left going there is over.
//
// Other instances' changes are seen by re-reading the journals every POLL_MS (and each change is
// a queue.changed event here too). Nothing touches a server unless it has runnable tasks.
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppError, msg } from '../../../shared/errors';
import type { QueueOverview, Task, TaskStatus } from '../../../shared/queue';
import type { EventHub } from '../events';
import { openSftp } from '../ssh/connect';
import type { ConnectionManager, Lease } from '../ssh/connections';
import { BlobStore } from './blobs';
import { fileQueueBackend, type QueueBackend, type QueueJournal, type RunnerLock } from './backend';
import { tail, type JournalEvent } from './journal';
import { describeTask, FOLLOW_UP_EXIT, parseParams, taskKind, type SecretSource, type TaskKind, type TaskUpload } from './kinds';
import { INLINE_MAX_BYTES, inlineUploads } from './inline-uploads';
import { maskSecrets } from './mask';
import { LOCK_EXIT_CODE, LOCK_WAIT_S, openWorkerShell, type WorkerShell } from './worker-shell';

const POLL_MS = 500;
const TASK_TIMEOUT_MS = 10 * 60_000;
/** Reruns of one task because its connection or shell went away, before it counts as failed. */
const MAX_CONNECTION_RERUNS = 20;
/**
 * A drained runner's worker shell (and its lease) stays open this long for the server's next
 * task, as a persistent SSH connection does: opening a shell costs a channel and a few process
 * starts on the server (~25 ms), paid by every push or edit that follows another.
 */
const SHELL_KEEP_MS = 30_000;

type Runner = { lock: RunnerLock; acquired: boolean; lease: Lease | null; shell: WorkerShell | null; done: Promise<void> };
type Parked = { lease: Lease; shell: WorkerShell | null; timer: NodeJS.Timeout };

/** Where tasks' secrets are held until their task has run (task-secrets.ts). */
export type TaskSecretStore = { source: SecretSource; hold(ref: string, secret: string): Promise<void> };

const NO_SECRETS: TaskSecretStore = {
  source: (name) => Promise.reject(AppError.worded('not-found', msg('No secret {{name}} is held for this task.'), { name })),
  hold: () => Promise.reject(new AppError('internal', msg('This queue holds no secrets.'))),
};

/** Why a task cannot be cancelled or answered, one whole sentence per status it is in. */
const NOT_PENDING: Record<Exclude<TaskStatus, 'pending'>, string> = {
  running: msg('Only a pending task can be cancelled; this one is running.'),
  done: msg('Only a pending task can be cancelled; this one is done.'),
  failed: msg('Only a pending task can be cancelled; this one is failed.'),
  skipped: msg('Only a pending task can be cancelled; this one is skipped.'),
  cancelled: msg('Only a pending task can be cancelled; this one is cancelled.'),
};
const NOT_FAILED: Record<Exclude<TaskStatus, 'failed'>, string> = {
  pending: msg('Only a failed task can be retried or skipped; this one is pending.'),
  running: msg('Only a failed task can be retried or skipped; this one is running.'),
  done: msg('Only a failed task can be retried or skipped; this one is done.'),
  skipped: msg('Only a failed task can be retried or skipped; this one is skipped.'),
  cancelled: msg('Only a failed task can be retried or skipped; this one is cancelled.'),
};

export class QueueService {
  private readonly journals = new Map<string, QueueJournal>();
  private readonly runners = new Map<string, Runner>();
  private readonly parked = new Map<string, Parked>();
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** What tasks upload, by content hash (see TaskKind.uploads). */
  readonly blobs: BlobStore;

  constructor(
    dir: string,
    private readonly connections: ConnectionManager,
    private readonly events: EventHub,
    private readonly log: (line: string) => void,
    private readonly secrets: TaskSecretStore = NO_SECRETS,
    /** Told once per outcome this process wrote (done, failed, skipped, cancelled): the audit's record of tasks. */
    private readonly outcome: (serverId: string, task: Task) => void = () => {},
  ) {
    this.blobs = new BlobStore(path.join(dir, 'blobs'), log);
    this.backend = fileQueueBackend(dir);
  }

  private backend: QueueBackend;

  /** Team mode: the journals and runner locks are the team database's (call before start()). */
  useBackend(backend: QueueBackend): void {
    this.backend = backend;
    this.journals.clear(); // any read before this was of the files
    backend.onChange((serverId) => {
      if (this.closed) return;
      const j = this.journal(serverId);
      const changed = j.catchUp();
      for (const task of changed) this.events.emit('queue.changed', { serverId, task });
      // Nothing of the tasks changed: its runner did (shown with the queue).
      const open = changed.length === 0 ? j.ordered().find((t) => t.status === 'running' || t.status === 'pending') : undefined;
      if (open) this.events.emit('queue.changed', { serverId, task: open });
      this.kick(serverId);
    });
  }

  start(): void {
    this.poll();
    this.pruneBlobs();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const serverId of [...this.parked.keys()]) this.unpark(serverId)?.close();
    const runners = [...this.runners.values()];
    for (const r of runners) r.shell?.close();
    await Promise.race([Promise.all(runners.map((r) => r.done)), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  list(serverId: string): { tasks: Task[]; stopped: boolean; runnerHere: boolean; runnerElsewhere: string | null } {
    const tasks = this.sync(serverId).ordered();
    // A runner still asking for the lock is not one (another workstation may hold it).
    const runnerHere = this.runners.get(serverId)?.acquired === true;
    return { tasks, stopped: tasks.some((t) => t.status === 'failed'), runnerHere, runnerElsewhere: runnerHere ? null : this.backend.runner(serverId) };
  }

  overview(): QueueOverview[] {
    this.poll();
    return [...this.journals.values()].map((j) => {
      const tasks = [...j.tasks.values()];
      const count = (s: Task['status']) => tasks.filter((t) => t.status === s).length;
      return { serverId: j.serverId, pending: count('pending'), failed: count('failed'), running: count('running') };
    });
  }

  preview(kind: string, params: unknown): { title: string; commands: string[] } {
    return describeTask(kind, parseParams(kind, params));
  }

  enqueue(serverId: string, kind: string, rawParams: unknown): Task {
    return this.enqueueAll(serverId, [{ kind, params: rawParams }])[0]!;
  }

  /** Queues several tasks in order, all or none: every one is validated first, then one journal append holds them all. */
  enqueueAll(serverId: string, steps: { kind: string; params: unknown }[]): Task[] {
    const at = new Date().toISOString();
    const events: JournalEvent[] = steps.map(({ kind, params: raw }) => {
      const params = parseParams(kind, raw);
      const { title, commands } = describeTask(kind, params);
      return { t: 'enqueued', task: { id: randomUUID(), kind, title, params, commands, enqueuedAt: at } };
    });
    if (events.length === 0) return [];
    this.write(serverId, events);
    const tasks = events.map((e) => this.journal(serverId).tasks.get((e as { task: { id: string } }).task.id));
    if (tasks.some((t) => !t)) throw new AppError('internal', msg('The tasks were written but not read back.'));
    this.kick(serverId);
    return tasks as Task[];
  }

  retry(serverId: string, taskId?: string): Task[] {
    const task = this.failed(serverId, taskId);
    return this.answer(serverId, [{ t: 'retried', id: task.id, at: new Date().toISOString() }], 'pending');
  }

  /**
   * Gives a failed task that takes a secret a new one (validated as its kind validates it, e.g.
   * a task whose password was lost), then retries it.
   */
  async retryWithSecret(serverId: string, taskId: string, secret: string): Promise<Task[]> {
    const task = this.failed(serverId, taskId);
    const kind = taskKind(task.kind);
    if (!kind.secret) throw new AppError('conflict', msg('This task takes no password.'));
    const parsed = kind.secret.value.safeParse(secret);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'Invalid password';
      throw new AppError('invalid-input', message, { fields: { password: message } });
    }
    await this.secrets.hold(kind.secret.ref(task.params), parsed.data);
    return this.retry(serverId, taskId);
  }

  skip(serverId: string, taskId?: string): Task[] {
    const task = this.failed(serverId, taskId);
    return this.answer(serverId, [{ t: 'skipped', id: task.id, at: new Date().toISOString() }], 'skipped');
  }

  cancel(serverId: string, taskId?: string): Task[] {
    const tasks = this.sync(serverId).ordered();
    const at = new Date().toISOString();
    if (taskId) {
      const task = tasks.find((t) => t.id === taskId);
      if (!task) throw new AppError('not-found', msg('No such task in this server\'s queue.'));
      if (task.status !== 'pending') throw new AppError('conflict', NOT_PENDING[task.status]);
      return this.answer(serverId, [{ t: 'cancelled', id: task.id, at }], 'cancelled');
    }
    const pending = tasks.filter((t) => t.status === 'pending');
    if (pending.length === 0) return [];
    return this.answer(serverId, pending.map((t) => ({ t: 'cancelled', id: t.id, at })), 'cancelled', true);
  }

  // ---- state -------------------------------------------------------------------------------

  private journal(serverId: string): QueueJournal {
    let j = this.journals.get(serverId);
    if (!j) {
      j = this.backend.journal(serverId);
      this.journals.set(serverId, j);
    }
    return j;
  }

  /** Reads what the journal gained (from any process) and tells the windows. */
  private sync(serverId: string): QueueJournal {
    const j = this.journal(serverId);
    for (const task of j.catchUp()) this.events.emit('queue.changed', { serverId, task });
    return j;
  }

  private write(serverId: string, events: JournalEvent[]): void {
    this.journal(serverId).append(events);
    this.sync(serverId);
    if (this.blobs.shared) this.releaseBlobs(serverId, events);
  }

  /**
   * Team mode: a task over (done, skipped, cancelled) no longer needs its uploads from the team;
   * those no unfinished task of any server uploads go (the same content may be another task's).
   */
  private releaseBlobs(serverId: string, events: JournalEvent[]): void {
    const over = events.flatMap((e) => ((e.t === 'finished' && e.status === 'done') || e.t === 'skipped' || e.t === 'cancelled' ? [e.id] : []));
    if (over.length === 0) return;
    // Every blob a task may upload (its follow-up's too) is named by its hash in its parameters.
    const uploads = (t: Task) => JSON.stringify(t.params).match(/(?<=")[0-9a-f]{64}(?=")/g) ?? [];
    const tasks = this.journal(serverId).tasks;
    const candidates = new Set(over.flatMap((id) => { const t = tasks.get(id); return t ? uploads(t) : []; }));
    if (candidates.size === 0) return;
    for (const id of new Set([...this.backend.serverIds(), serverId])) {
      for (const t of this.journal(id).tasks.values()) {
        if (t.status === 'done' || t.status === 'skipped' || t.status === 'cancelled') continue;
        for (const sha of uploads(t)) candidates.delete(sha);
      }
    }
    if (candidates.size > 0) void this.blobs.release([...candidates]).catch((error: unknown) => this.log(`[hostdeck] shared uploads not removed: ${messageOf(error)}`));
  }

  private failed(serverId: string, taskId?: string): Task {
    const tasks = this.sync(serverId).ordered();
    const task = taskId ? tasks.find((t) => t.id === taskId) : tasks.find((t) => t.status === 'failed');
    if (!task) throw new AppError(taskId ? 'not-found' : 'conflict', taskId ? msg('No such task in this server\'s queue.') : msg('This server\'s queue has no failed task.'));
    if (task.status !== 'failed') throw new AppError('conflict', NOT_FAILED[task.status]);
    return task;
  }

  /** Writes the admin's answer, then checks it took (a runner elsewhere may have got there first). */
  private answer(serverId: string, events: JournalEvent[], expect: Task['status'], partial = false): Task[] {
    this.write(serverId, events);
    const j = this.journal(serverId);
    const tasks = events.map((e) => j.tasks.get((e as { id: string }).id)!).filter(Boolean);
    const took = tasks.filter((t) => t.status === expect);
    if (expect !== 'pending') for (const t of took) this.outcome(serverId, t);
    if (!partial && took.length !== tasks.length) throw new AppError('conflict', msg('The task changed meanwhile (it was started or answered elsewhere); nothing was done.'));
    this.kick(serverId);
    return took;
  }

  private poll(): void {
    if (this.closed) return;
    for (const serverId of this.backend.serverIds()) {
      try {
        this.sync(serverId);
        this.kick(serverId);
      } catch (error) {
        this.log(`[hostdeck] queue ${serverId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  // ---- the runner ----------------------------------------------------------------------------

  private runnable(j: QueueJournal): Task | null {
    const tasks = j.ordered();
    if (tasks.some((t) => t.status === 'failed')) return null;
    return tasks.find((t) => t.status === 'pending' || t.status === 'running') ?? null;
  }

  private kick(serverId: string): void {
    if (this.closed || this.runners.has(serverId)) return;
    if (!this.runnable(this.journal(serverId))) return;
    const lock = this.backend.lock(serverId, this.owner);
    const warm = this.unpark(serverId);
    const runner: Runner = { lock, acquired: false, lease: warm?.lease ?? null, shell: warm?.shell ?? null, done: Promise.resolve() };
    this.runners.set(serverId, runner);
    runner.done = this.run(serverId, runner)
      .catch((error: unknown) => this.log(`[hostdeck] queue runner ${serverId} failed: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => {
        this.park(serverId, runner);
        lock.release();
        this.runners.delete(serverId);
        // Something may have become runnable while this runner was winding down.
        if (!this.closed && runner.acquired) queueMicrotask(() => this.kick(serverId));
      });
  }

  private async run(serverId: string, runner: Runner): Promise<void> {
    runner.acquired = await runner.lock.tryAcquire();
    if (!runner.acquired) return;
    while (!this.closed) {
      await this.journal(serverId).flushed();
      const j = this.sync(serverId);
      if (!(await runner.lock.stillMine())) return;
      const next = this.runnable(j);
      if (!next) return;
      await this.runTask(serverId, runner, next);
      if (!this.closed && j.needsCompaction()) {
        j.compact();
        for (const task of j.ordered()) this.events.emit('queue.changed', { serverId, task });
      }
    }
  }

  private async runTask(serverId: string, runner: Runner, picked: Task): Promise<void> {
    const startedAt = performance.now();
    this.write(serverId, [{ t: 'started', id: picked.id, at: new Date().toISOString() }]);
    // Shared journal: the start counts once it is in the shared order (a cancel may be ahead of it).
    await this.journal(serverId).flushed();
    const task = this.sync(serverId).tasks.get(picked.id);
    if (task?.status !== 'running') return; // cancelled elsewhere just now
    // Every secret this run was given, to mask in what it printed; and whether one was missing.
    const used: string[] = [];
    let secretLost = false;
    const secrets: SecretSource = async (name) => {
      try {
        const secret = await this.secrets.source(name);
        used.push(secret);
        return secret;
      } catch (error) {
        secretLost = true;
        throw error;
      }
    };
    const finish = (status: 'done' | 'failed', exitCode: number | null, stdout: string, stderr: string) => {
      this.write(serverId, [
        {
          t: 'finished',
          id: task.id,
          at: new Date().toISOString(),
          status,
          exitCode,
          stdoutTail: tail(maskSecrets(stdout, used)),
          stderrTail: tail(maskSecrets(stderr, used)),
          ms: Math.round(performance.now() - startedAt),
          ...(secretLost ? { secretLost } : {}),
        },
      ]);
      const finished = this.journal(serverId).tasks.get(task.id);
      if (finished && finished.status === status) this.outcome(serverId, finished);
    };
    let script: string;
    let stdin: string | undefined;
    let kind: TaskKind;
    let uploads: TaskUpload[];
    try {
      kind = taskKind(task.kind);
      script = await kind.script(task.params, secrets);
      stdin = kind.stdin ? await kind.stdin(task.params, secrets) : undefined;
      uploads = kind.uploads?.(task.params) ?? [];
    } catch (error) {
      return finish('failed', null, '', messageOf(error));
    }
    for (let reruns = 0; ; reruns++) {
      if (this.closed) return; // still "running" in the journal: run again at the next start
      let shell: WorkerShell;
      try {
        shell = await this.shellFor(serverId, runner);
      } catch (error) {
        if (this.closed) return;
        return finish('failed', null, '', `Could not reach the server: ${messageOf(error)}`);
      }
      try {
        const native = kind.native ? await kind.native(task.params, { client: await runner.lease!.ready(), shell, blob: async (sha) => readFile(await this.blobs.ensure(sha)) }) : null;
        const first = await this.withUploads(runner, uploads, native ? `${native.script}${script}` : script, stdin);
        let result = await shell.run(first.script, { timeoutMs: TASK_TIMEOUT_MS, stdin: first.stdin, exclusive: true });
        if (result.code === FOLLOW_UP_EXIT && kind.followUp) {
          const next = kind.followUp(task.params, result.stdout);
          const then = await this.withUploads(runner, next.uploads, next.script, undefined);
          const second = await shell.run(then.script, { timeoutMs: TASK_TIMEOUT_MS, stdin: then.stdin, exclusive: true });
          result = { ...second, stdout: `${result.stdout}${second.stdout}`, stderr: `${result.stderr}${second.stderr}` };
        }
        if (result.code === LOCK_EXIT_CODE && shell.lockFile && result.stdout === '' && result.stderr === '') {
          return finish('failed', result.code, '', `Another Hostdeck task held this server's task lock (${shell.lockFile}) for ${LOCK_WAIT_S / 60} minutes: a run left behind by a crash, or another workstation's queue. Nothing of this task ran; retry once it is over.\n`);
        }
        if (native) result = { ...result, stdout: `${native.stdout}${result.stdout}` };
        if (result.code !== 0 || !kind.verify) return finish(result.code === 0 ? 'done' : 'failed', result.code, result.stdout, result.stderr);
        try {
          const verified = await kind.verify(task.params);
          return finish('done', 0, `${result.stdout}${verified}\n`, result.stderr);
        } catch (error) {
          return finish('failed', 0, result.stdout, `${result.stderr}${messageOf(error)}\n`);
        }
      } catch (error) {
        if (this.closed) return;
        const code = error instanceof AppError ? error.code : 'internal';
        if (code !== 'ssh' || reruns >= MAX_CONNECTION_RERUNS) return finish('failed', null, '', messageOf(error));
        // The shell or the connection went away mid-task: once the connection is back, the
        // interrupted task runs again (it is an idempotent ensure).
        this.log(`[hostdeck] queue ${serverId}: task ${task.id} interrupted (${messageOf(error)}); running it again once connected`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        try {
          await runner.lease?.ready();
        } catch (e) {
          if (this.closed) return;
          return finish('failed', null, '', `The connection failed: ${messageOf(e)}`);
        }
        this.write(serverId, [{ t: 'started', id: task.id, at: new Date().toISOString() }]);
      }
    }
  }

  /** Keeps a drained runner's shell and lease for SHELL_KEEP_MS (closed at once when the queue is stopping). */
  private park(serverId: string, runner: Runner): void {
    const { lease, shell } = runner;
    if (!lease) return shell?.close();
    if (this.closed || !shell || shell.closed) {
      shell?.close();
      return lease.release();
    }
    const timer = setTimeout(() => this.unpark(serverId)?.close(), SHELL_KEEP_MS);
    timer.unref();
    this.parked.set(serverId, { lease, shell, timer });
  }

  /** Takes the server's parked shell and lease, if any; close() gives both up. */
  private unpark(serverId: string): { lease: Lease; shell: WorkerShell | null; close(): void } | null {
    const p = this.parked.get(serverId);
    if (!p) return null;
    clearTimeout(p.timer);
    this.parked.delete(serverId);
    const shell = p.shell && !p.shell.closed ? p.shell : null;
    return {
      lease: p.lease,
      shell,
      close: () => {
        shell?.close();
        p.lease.release();
      },
    };
  }

  /** The run that puts a task's files in place first: inside it when they are small text (inline-uploads.ts), else over SFTP now. */
  private async withUploads(runner: Runner, uploads: TaskUpload[], script: string, stdin: string | undefined): Promise<{ script: string; stdin: string | undefined }> {
    if (uploads.length === 0) return { script, stdin };
    if (stdin === undefined) {
      const files = await Promise.all(uploads.map((u) => this.blobs.ensure(u.blob)));
      const sizes = files.map((f) => statSync(f).size);
      if (sizes.reduce((a, b) => a + b, 0) <= INLINE_MAX_BYTES) {
        const inline = inlineUploads(uploads, files.map((f) => readFileSync(f)), script);
        if (inline) return inline;
      }
    }
    await this.upload(runner, uploads);
    return { script, stdin };
  }

  /** Uploads a task's files over one SFTP session on the server's connection, in parallel. */
  private async upload(runner: Runner, uploads: TaskUpload[]): Promise<void> {
    const files = await Promise.all(uploads.map((u) => this.blobs.ensure(u.blob)));
    const client = await runner.lease!.ready();
    const sftp = await openSftp(client);
    try {
      await Promise.all(
        uploads.map(
          (u, i) =>
            new Promise<void>((resolve, reject) => {
              sftp.fastPut(files[i]!, u.path, { mode: u.mode }, (e) => (e ? reject(AppError.worded('refused', msg('Upload to {{path}} failed: {{reason}}'), { path: u.path, reason: e.message })) : resolve()));
            }),
        ),
      );
    } finally {
      sftp.end();
    }
  }

  /** Blobs no unfinished task uploads any more go after a while. */
  private pruneBlobs(): void {
    const referenced = new Set<string>();
    for (const j of this.journals.values()) {
      for (const t of j.tasks.values()) {
        if (t.status === 'done' || t.status === 'skipped' || t.status === 'cancelled') continue;
        try {
          for (const u of taskKind(t.kind).uploads?.(t.params) ?? []) referenced.add(u.blob);
        } catch {
          /* a kind this build does not know: nothing of ours */
        }
      }
    }
    this.blobs.prune(referenced);
  }

  private async shellFor(serverId: string, runner: Runner): Promise<WorkerShell> {
    runner.lease ??= await this.connections.acquire(serverId, { interactive: false });
    if (runner.shell && !runner.shell.closed) return runner.shell;
    const client = await runner.lease.ready();
    runner.shell = await openWorkerShell(client);
    if (this.closed) runner.shell.close();
    return runner.shell;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
