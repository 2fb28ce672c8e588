// A persistent worker shell: one `/bin/sh` on one exec channel (no pty, so output is clean),
// running scripts one at a time. An exec channel per command costs tens of milliseconds; a run
// here is one round trip on an open channel.
//
// Framing. Each run is written to the shell's stdin as
//
//   ( eval '<script>' ) 9>&- </dev/null; __hd_rc=$?; printf '__HD_<m>_END_%s %s\n' "$__hd_rc" "$__hd_lk"; printf '__HD_<m>_END\n' >&2
//
// (with stdin: `printf %s '<stdin>' | ( eval '<script>' ) 9>&-`; `__hd_lk` tells whether the
// shell holds the task lock, see "Left behind"). The script and stdin travel as data
// inside single quotes — every `'` becomes `'\''`, nothing else is special there — so no script
// text can end the quoting or reach the framing. `<m>` is 128 random bits chosen per run, after
// the script is known, so no output can contain it by accident. The run is over when the marker
// has been seen on stdout (carrying the exit code) and on stderr; everything before it is the
// run's output, byte for byte (no trailing newline is added or removed).
//
// Each run executes in its own subshell: `exit`, `cd`, variables, traps and `set` options do not
// leak into the next run. A run never reads the shell's own stdin (the command stream): it gets
// /dev/null, or its stdin from `printf`, a builtin, so the stdin text (e.g. a password for
// chpasswd) never appears on any command line visible in `ps`.
//
// Failure. A timeout closes the channel and kills the shell's process group (over a separate
// exec channel: without a pty nothing gets SIGHUP); the run rejects with a `timeout` AppError and
// the shell is closed. If the channel closes for any reason (connection drop, close()), the current
// and queued runs reject with an `ssh` AppError. A closed WorkerShell stays closed: open another.
// A background process a script leaves behind can still write into later runs' output; scripts
// should not leave any.
//
// Left behind. When the app dies mid-run (kill -9, power) nothing kills the run on the server: it
// goes on, and the queue runs the task again at the next start. A run with `exclusive` therefore
// takes a lock on the server first, with util-linux flock(1) on a descriptor the worker shell
// holds (9): the lock lives as long as that shell, so a run left behind by a crash keeps it until
// it is over and the shell reads the end of its input; each run gets the descriptor closed, so a
// daemon the run started does not hold it. The rerun starts only once the old run is over. One
// lock per SSH user, in its home (~/.cache/hostdeck/tasks.lock: not a world-writable directory
// where another user could plant a link), so two workstations' queues on one server take turns
// too. Taking the lock costs a process start, so a shell keeps it across back-to-back exclusive
// runs (a queue working through its tasks) and gives it back once it has been idle for
// LOCK_IDLE_RELEASE_MS; a burst that has held it for LOCK_HOLD_MAX_MS gives it back between two
// runs and takes it again, so another queue waiting for it (blocked in flock, woken at once)
// gets its turn instead of waiting for the whole burst. Where flock(1) is missing or too old, or the home is not writable, the
// run goes without it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client, ClientChannel } from 'ssh2';
import { AppError, msg } from '../../../shared/errors';
import { shQuote } from '../ssh/sh-quote';

export type RunOptions = {
  /** Fail (and close the shell) when the run takes longer; default 60 s. */
  timeoutMs?: number;
  /** Given to the script as its stdin, exactly; default: /dev/null. */
  stdin?: string;
  /** Run under the server-side task lock (see "Left behind"); taking it costs a process start. */
  exclusive?: boolean;
};

export type RunResult = { code: number; stdout: string; stderr: string; ms: number };

export interface WorkerShell {
  /** Queues a script (POSIX sh); runs execute one at a time in the order given. */
  run(script: string, opts?: RunOptions): Promise<RunResult>;
  /** Closes the channel; pending runs reject. Idempotent. */
  close(): void;
  /** Called once when the shell is closed (by close(), a timeout, the shell exiting or the connection dropping). */
  onClose(fn: (reason: Error | null) => void): void;
  readonly closed: boolean;
  /**
   * The remote shell's process group (null if neither /proc nor `ps` told it). When the connection dropped
   * mid-run the run's processes may live on; after a reconnect, `kill -KILL -- -<pgid>` ends them.
   */
  readonly pgid: number | null;
  /** The server-side task lock file, or null where flock(1) cannot take it. */
  readonly lockFile: string | null;
}

export const DEFAULT_RUN_TIMEOUT_MS = 60_000;
/** How long an exclusive run waits for the lock before it fails (with LOCK_EXIT_CODE). */
export const LOCK_WAIT_S = 300;
export const LOCK_EXIT_CODE = 75;
/** An idle shell gives the task lock back after this long (the next task of a running queue comes sooner). */
export const LOCK_IDLE_RELEASE_MS = 100;
/** A burst of runs gives the lock back (and takes it again) after holding it this long. */
export const LOCK_HOLD_MAX_MS = 1000;
/** The descriptor the shell holds the lock file open on. */
const LOCK_FD = 9;
const OPEN_TIMEOUT_MS = 15_000;

type Job = {
  script: string;
  opts: RunOptions;
  /** The shell's own steps (the probe, giving the lock back): run in the shell itself, not a subshell. */
  inShell?: boolean;
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
};

/**
 * One run as the shell reads it. An exclusive run first takes the lock unless the shell already
 * holds it; the end marker carries the exit code and whether the shell holds the lock after it.
 */
function frame(job: Job, marker: string, lock: 'none' | 'take' | 'retake' | 'held'): string {
  const body = job.inShell ? `eval ${shQuote(job.script)}` : `( eval ${shQuote(job.script)} ) ${LOCK_FD}>&-`;
  const run = job.opts.stdin === undefined ? `${body} </dev/null` : `printf %s ${shQuote(job.opts.stdin)} | ${body}`;
  const guarded =
    lock === 'take' || lock === 'retake'
      ? `${lock === 'retake' ? `flock -u ${LOCK_FD}; __hd_lk=0; ` : ''}if flock -E ${LOCK_EXIT_CODE} -w ${LOCK_WAIT_S} ${LOCK_FD}; then __hd_lk=1; ${run}; __hd_rc=$?; else __hd_rc=$?; fi`
      : `${run}; __hd_rc=$?`;
  return `${guarded}; printf '${marker}_END_%s %s\\n' "$__hd_rc" "$__hd_lk"; printf '${marker}_END\\n' >&2\n`;
}

/** Collects a stream's bytes until `needle` shows up; keeps what came before it. */
class Collector {
  private chunks: Buffer[] = [];
  private length = 0;
  private buf: Buffer | null = null;
  /** Offset of the needle once found. */
  found = -1;

  constructor(private readonly needle: Buffer) {}

  push(chunk: Buffer): void {
    const before = this.length;
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.buf = null;
    if (this.found >= 0) return;
    // Search only the new chunk plus the bytes before it a needle could straddle (linear in output).
    const keep = Math.min(before, this.needle.length - 1);
    const window = keep ? Buffer.concat([this.tail(keep), chunk]) : chunk;
    const at = window.indexOf(this.needle);
    if (at >= 0) this.found = before - keep + at;
  }

  /** The last `n` bytes collected before the newest chunk. */
  private tail(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    for (let i = this.chunks.length - 2; i >= 0 && need > 0; i--) {
      const c = this.chunks[i]!;
      const take = Math.min(need, c.length);
      parts.unshift(c.subarray(c.length - take));
      need -= take;
    }
    return Buffer.concat(parts);
  }

  all(): Buffer {
    if (!this.buf) {
      this.buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
      this.chunks = [this.buf];
    }
    return this.buf;
  }
}

// The shell's own /proc/<pid>/stat ("<pid> (<comm>) <state> <ppid> <pgrp> …") is read with the
// shell's `read`: ps would read every process's entry to list one.
const PGID_PROBE = '__hd_s=; { read -r __hd_s < /proc/$$/stat; } 2>/dev/null && echo "$__hd_s" || ps -o pgid= -p $$ 2>/dev/null || echo; unset __hd_s';
const LOCK_PROBE = [
  'd="${HOME:-/nonexistent}/.cache/hostdeck"; mkdir -p "$d" 2>/dev/null && [ -w "$d" ] && echo "$d/tasks.lock" || echo',
  'flock --help 2>&1 | grep -q -- --conflict-exit-code && echo yes || echo no',
  // The shell itself (not the run's subshell) opens the lock file; `command` keeps a failed
  // redirection from ending the shell, and the braces keep the silenced stderr from staying so.
  `__hd_lk=0; if { command exec ${LOCK_FD}>>"$d/tasks.lock"; } 2>/dev/null; then echo open; else echo; fi; unset d`,
].join('; ');

/** The process group from the probe's first line: a /proc stat line, or ps's bare number. */
function pgidOf(line: string | undefined): number | null {
  const n = Number(/^\d+ \(.*\) \S+ \d+ (\d+) /.exec(line ?? '')?.[1] ?? line);
  return Number.isInteger(n) && n > 1 ? n : null;
}

export type OpenOptions = {
  /** Prepare the server-side task lock (default true); without it, exclusive runs go without the lock and nothing is created on the server. */
  taskLock?: boolean;
};

export function openWorkerShell(client: Client, options: OpenOptions = {}): Promise<WorkerShell> {
  const taskLock = options.taskLock ?? true;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AppError('timeout', msg('The worker shell did not open in time.'))), OPEN_TIMEOUT_MS);
    client.exec('/bin/sh', (error, channel) => {
      clearTimeout(timer);
      if (error) return reject(new AppError('ssh', msg('The server refused to open a worker shell.'), { details: error.message }));
      const shell = new Shell(client, channel);
      // A first run proves the shell reads and answers (and warms it up), and learns the process
      // group of the shell (sshd makes the session's child a session and group leader), where the
      // task lock goes, and whether flock(1) takes the options it needs.
      shell.runInShell(taskLock ? `${PGID_PROBE}; ${LOCK_PROBE}` : PGID_PROBE, OPEN_TIMEOUT_MS).then(
        (r) => {
          const [pgid, lockFile, flock, open] = r.stdout.split('\n');
          shell.pgid = pgidOf(pgid);
          if (taskLock && lockFile?.startsWith('/') && flock === 'yes' && open === 'open') shell.lockFile = lockFile;
          resolve(shell);
        },
        (e: Error) => {
          shell.close();
          reject(e);
        },
      );
    });
  });
}

class Shell implements WorkerShell {
  private queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout; out: Collector; err: Collector; outMarker: Buffer; started: number } | null = null;
  private closeListeners: ((reason: Error | null) => void)[] = [];
  private closeReason: Error | null = null;
  closed = false;
  /** The shell's process group: killed when the shell closes mid-run, so no run outlives it. */
  pgid: number | null = null;
  lockFile: string | null = null;
  /** Whether the shell holds the task lock now (between back-to-back exclusive runs). */
  private lockHeld = false;
  /** When the shell last took the lock (performance.now()). */
  private lockTakenAt = 0;
  private releaseTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
  ) {
    channel.on('data', (d: Buffer) => this.onData('out', d));
    channel.stderr.on('data', (d: Buffer) => this.onData('err', d));
    channel.on('error', (e: Error) => this.shutdown(new AppError('ssh', msg('The worker shell channel failed.'), { details: e.message })));
    // The shell itself died (killed, or a script killed it): a background process may still hold
    // the channel's output open, so do not wait for 'close'.
    channel.on('exit', (code: number | null, signal?: string) =>
      this.shutdown(signal ? AppError.worded('ssh', msg('The worker shell exited (signal {{signal}}).'), { signal }) : AppError.worded('ssh', msg('The worker shell exited (code {{code}}).'), { code: String(code) })),
    );
    channel.on('close', () => this.shutdown(this.closeReason ?? new AppError('ssh', msg('The worker shell closed (the shell exited or the connection dropped).'))));
  }

  onClose(fn: (reason: Error | null) => void): void {
    if (this.closed) queueMicrotask(() => fn(this.closeReason));
    else this.closeListeners.push(fn);
  }

  run(script: string, opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new AppError('ssh', msg('The worker shell is closed.')));
      if (script.includes('\0') || opts.stdin?.includes('\0')) {
        return reject(new AppError('invalid-input', msg('A script or its stdin cannot contain NUL bytes.')));
      }
      this.queue.push({ script, opts, resolve, reject });
      this.next();
    });
  }

  /** A step of the shell's own (see Job.inShell). */
  runInShell(script: string, timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new AppError('ssh', msg('The worker shell is closed.')));
      this.queue.push({ script, opts: { timeoutMs }, inShell: true, resolve, reject });
      this.next();
    });
  }

  close(): void {
    this.shutdown(null);
  }

  private next(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    const marker = `__HD_${randomBytes(16).toString('hex')}`;
    const timeoutMs = job.opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const timer = setTimeout(() => {
      if (this.current?.job !== job) return;
      this.shutdown(AppError.worded('timeout', msg('The command did not finish within {{seconds}} s; the worker shell was closed.'), { seconds: timeoutMs / 1000 }));
    }, timeoutMs);
    const outMarker = Buffer.from(`${marker}_END_`);
    this.current = { job, timer, out: new Collector(outMarker), err: new Collector(Buffer.from(`${marker}_END\n`)), outMarker, started: performance.now() };
    const lock =
      job.opts.exclusive && this.lockFile && !job.inShell
        ? !this.lockHeld
          ? 'take'
          : performance.now() - this.lockTakenAt > LOCK_HOLD_MAX_MS
            ? 'retake'
            : 'held'
        : 'none';
    if (lock === 'take' || lock === 'retake') this.lockTakenAt = performance.now();
    this.channel.write(frame(job, marker, lock));
  }

  private onData(which: 'out' | 'err', d: Buffer): void {
    const cur = this.current;
    if (!cur) return; // output of a background process between runs
    (which === 'out' ? cur.out : cur.err).push(d);
    if (cur.out.found < 0 || cur.err.found < 0) return;
    const out = cur.out.all();
    const tail = out.subarray(cur.out.found + cur.outMarker.length);
    const nl = tail.indexOf(0x0a);
    if (nl < 0) return; // exit code not complete yet
    const ms = performance.now() - cur.started;
    const [code, held] = tail.subarray(0, nl).toString('latin1').split(' ').map(Number);
    clearTimeout(cur.timer);
    this.current = null;
    this.lockHeld = held === 1;
    cur.job.resolve({
      code: code!,
      stdout: out.subarray(0, cur.out.found).toString('utf8'),
      stderr: cur.err.all().subarray(0, cur.err.found).toString('utf8'),
      ms,
    });
    this.next();
    if (!this.current && this.lockHeld && !this.releaseTimer) {
      this.releaseTimer = setTimeout(() => {
        this.releaseTimer = null;
        if (!this.current && this.lockHeld) this.runInShell(`flock -u ${LOCK_FD}; __hd_lk=0`, DEFAULT_RUN_TIMEOUT_MS).catch(() => undefined);
      }, LOCK_IDLE_RELEASE_MS);
      this.releaseTimer.unref();
    }
  }

  private shutdown(reason: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    const closedError = new AppError('ssh', msg('The worker shell was closed before the command ran.'));
    const current = this.current;
    const queued = this.queue;
    if (current) clearTimeout(current.timer);
    this.current = null;
    this.queue = [];
    current?.job.reject(reason ?? new AppError('ssh', msg('The worker shell was closed while the command ran.')));
    for (const job of queued) job.reject(closedError);
    try {
      this.channel.close();
    } catch {
      // the connection is already gone
    }
    // A run was going: kill the whole process group (the shell and the run's processes; a
    // process that made a session of its own, e.g. a daemon a script started, is left alone).
    // On a dropped connection this fails quietly (see WorkerShell.pgid).
    if (current && this.pgid) {
      try {
        this.client.exec(`kill -KILL -- -${this.pgid}`, (error, stream) => {
          if (!error) stream.on('error', () => undefined).resume().stderr.resume();
        });
      } catch {
        // not connected
      }
    }
    for (const fn of this.closeListeners.splice(0)) fn(reason);
  }
}
