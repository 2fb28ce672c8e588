// Shared helpers for the loopback test servers: paths, processes, pid files, ports.
import { spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(fileURLToPath(new URL('../', import.meta.url)));
/**
 * The servers' state (configs, data, logs, keys). Machine-wide, not in the checkout: the servers
 * are machine-wide already (fixed loopback ports, the hdtest user, a network namespace), their
 * unprivileged users (hdtest, www-data, mysql, bind) must reach these files whatever the modes of
 * the checkout's folders (a clone under /root or in a 0700 temp folder), and unix socket paths
 * stay short. Two checkouts therefore share one testbed, as two runs of one checkout do (leases).
 */
export const ROOT = process.env.HOSTDECK_TESTBED_ROOT || '/var/lib/hostdeck-testbed';
/** What one checkout's test runs write (HOME, data folders): read only by root's processes. */
export const RUNS = path.join(REPO, '.testbed');

export const p = (...parts: string[]): string => path.join(ROOT, ...parts);

/**
 * Refuses a testbed folder the servers' unprivileged users cannot enter (HOSTDECK_TESTBED_ROOT
 * under a 0700 folder, say), naming the folder that stops them, before any server starts.
 */
export function checkRootReachable(root = ROOT): void {
  for (let dir = path.dirname(path.resolve(root)); ; dir = path.dirname(dir)) {
    let mode: number;
    try {
      mode = fs.statSync(dir).mode;
    } catch {
      mode = 0o755; // made by ensureDir(ROOT) with mkdir -p, world-searchable
    }
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the testbed folder ${root} is inside ${dir} (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), which the test servers' users (hdtest, www-data, mysql) cannot enter; ` +
          `set HOSTDECK_TESTBED_ROOT to a folder whose parents are all searchable by others (default /var/lib/hostdeck-testbed)`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function ensureDir(dir: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chmodSync(dir, mode);
  return dir;
}

/** Write only when the content differs (keeps mtimes stable). Returns true when written. */
export function writeIfChanged(file: string, content: string, mode = 0o644): boolean {
  let old: string | null = null;
  try {
    old = fs.readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (old === content) {
    fs.chmodSync(file, mode);
    return false;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
  return true;
}

export function randomPassword(len = 24): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(len);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function randomDigits(len: number): string {
  return Array.from(randomBytes(len), (b) => String(b % 10)).join('');
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a command to completion; throws (with its output) on a non-zero exit unless allowFail. */
export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; allowFail?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const c = code ?? (signal ? 128 : 1);
      if (c !== 0 && !opts.allowFail) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${stderr}${stdout}`.trim()));
      } else resolve({ stdout, stderr, code: c });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Start a long-running foreground daemon detached from us (it survives our exit).
 * Returns a getter that reports whether it already exited (and how), for early failure.
 */
export function launchDetached(cmd: string, args: string[], logFile: string, opts: SpawnOptions = {}): () => string | null {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = `exited ${code ?? signal}`));
  child.on('error', (e) => (exited = e.message));
  child.unref();
  return () => exited;
}

/** Poll until fn() is truthy; throws with a description (and detail()) on timeout. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; detail?: () => string; abort?: () => string | null } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  const interval = opts.intervalMs ?? 25;
  for (;;) {
    const v = await fn();
    if (v) return v;
    const aborted = opts.abort?.();
    if (aborted) {
      // The process may have exited after having done its job (daemonized): one last look.
      const last = await fn();
      if (last) return last;
      throw new Error(`${what}: process ${aborted}${opts.detail ? `\n${opts.detail()}` : ''}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${opts.detail ? `\n${opts.detail()}` : ''}`);
    await sleep(interval);
  }
}

export function tailFile(file: string, lines = 20): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return `--- last lines of ${file} ---\n${text.slice(-lines).join('\n')}`;
  } catch {
    return `(no ${file})`;
  }
}

/** Connect to host:port; resolve the first chunk the server sends ('' if connected but silent), or null. */
export function probeTcp(host: string, port: number, opts: { timeoutMs?: number; readBanner?: boolean } = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let done = false;
    const finish = (v: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(opts.readBanner ? null : ''), opts.timeoutMs ?? 1000);
    sock.on('connect', () => {
      if (!opts.readBanner) finish('');
    });
    sock.on('data', (d) => finish(d.toString('latin1')));
    sock.on('error', () => finish(null));
    sock.on('close', () => finish(null));
  });
}

// ---- processes -------------------------------------------------------------

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
}

function procStat(pid: number): ProcStat | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** Alive = exists and is not a zombie (PID 1 here reaps late, so zombies linger). */
export function pidAlive(pid: number): boolean {
  const st = procStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function readPidFile(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}

/** The live pid from a pid file, only if its command line contains `match` (guards against pid reuse). */
export function livePid(pidFile: string, match: string): number | null {
  const pid = readPidFile(pidFile);
  if (pid === null || !pidAlive(pid)) return null;
  return cmdline(pid).includes(match) ? pid : null;
}

function allProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

export function descendants(pid: number): number[] {
  const procs = allProcs();
  const result: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const pr of procs) {
      if (pr.ppid === parent && pr.state !== 'Z') {
        result.push(pr.pid);
        queue.push(pr.pid);
      }
    }
  }
  return result;
}

/** Processes whose command line contains all of the given strings (for finding our own daemons). */
export function findProcs(...needles: string[]): number[] {
  return allProcs()
    .filter((pr) => pr.state !== 'Z' && pr.pid !== process.pid)
    .filter((pr) => {
      const c = cmdline(pr.pid);
      return c !== '' && needles.every((n) => c.includes(n));
    })
    .map((pr) => pr.pid);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/** SIGTERM pid (and the children it leaves behind, e.g. per-connection sshd/ftpd), wait, SIGKILL stragglers. */
export async function killAndWait(pid: number, timeoutMs = 10_000): Promise<void> {
  const kids = descendants(pid);
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(20);
  if (pidAlive(pid)) {
    signal(pid, 'SIGKILL');
    while (pidAlive(pid)) await sleep(20);
  }
  const left = kids.filter(pidAlive);
  for (const k of left) signal(k, 'SIGTERM');
  const d2 = Date.now() + 3000;
  while (left.some(pidAlive) && Date.now() < d2) await sleep(20);
  for (const k of left.filter(pidAlive)) signal(k, 'SIGKILL');
}

/** Stop the daemon recorded in pidFile (if it is ours and alive); remove the pid file. */
export async function stopByPidFile(pidFile: string, match: string, timeoutMs = 10_000): Promise<boolean> {
  const pid = livePid(pidFile, match);
  if (pid !== null) await killAndWait(pid, timeoutMs);
  fs.rmSync(pidFile, { force: true });
  return pid !== null;
}

/** Common start logic: reuse a live, responsive instance; otherwise (re)start it and wait until ready. */
export async function ensureDaemon(o: {
  name: string;
  pidFile: string;
  match: string;
  logFile: string;
  /** Is the running instance answering? */
  probe: () => Promise<boolean>;
  /** Write configs etc. Only called when (re)starting. */
  prepare: () => Promise<void>;
  /** Launch; may return an "exited?" getter for early failure detection. */
  launch: () => Promise<(() => string | null) | void>;
  /** Ready check after launch (defaults to probe). */
  ready?: () => Promise<boolean>;
  timeoutMs?: number;
  /** Called once it is up after a fresh launch. */
  after?: () => Promise<void>;
}): Promise<'reused' | 'started'> {
  const pid = livePid(o.pidFile, o.match);
  if (pid !== null) {
    if (await o.probe()) return 'reused';
    await killAndWait(pid);
  }
  fs.rmSync(o.pidFile, { force: true });
  await o.prepare();
  const exited = (await o.launch()) ?? undefined;
  const ready = o.ready ?? o.probe;
  await waitFor(
    `${o.name} to start`,
    async () => (await ready()) && livePid(o.pidFile, o.match) !== null,
    { timeoutMs: o.timeoutMs ?? 15_000, detail: () => tailFile(o.logFile), abort: exited },
  );
  await o.after?.();
  return 'started';
}

// ---- secrets (generated once, kept in secrets.json in the state folder) ---------------

export interface Secrets {
  hdtestPassword: string;
  ed25519Passphrase: string;
  mariadbAdminPassword: string;
  ftpPassword: string;
  keyringPassword: string;
  /** The one-time code kbdotp's second keyboard-interactive prompt wants (6 digits). */
  otpCode: string;
  /** Passwords of the MariaDB users seed.ts creates, by user name (see dbUserPassword). */
  dbUsers: Record<string, string>;
}

let secretsCache: Secrets | null = null;

export function secrets(): Secrets {
  if (secretsCache) return secretsCache;
  const file = p('secrets.json');
  let s: Partial<Secrets> = {};
  try {
    s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>;
  } catch {
    /* first time */
  }
  const full: Secrets = {
    hdtestPassword: s.hdtestPassword ?? randomPassword(),
    ed25519Passphrase: s.ed25519Passphrase ?? randomPassword(),
    mariadbAdminPassword: s.mariadbAdminPassword ?? randomPassword(),
    ftpPassword: s.ftpPassword ?? randomPassword(),
    keyringPassword: s.keyringPassword ?? randomPassword(),
    otpCode: s.otpCode ?? randomDigits(6),
    dbUsers: { ...s.dbUsers },
  };
  ensureDir(ROOT);
  writeIfChanged(file, `${JSON.stringify(full, null, 2)}\n`, 0o600);
  secretsCache = full;
  return full;
}

/** The password of a MariaDB user the testbed creates: generated once, kept in secrets.json. */
export function dbUserPassword(user: string): string {
  const s = secrets();
  const pw = (s.dbUsers[user] ??= randomPassword());
  writeIfChanged(p('secrets.json'), `${JSON.stringify(s, null, 2)}\n`, 0o600);
  return pw;
}
