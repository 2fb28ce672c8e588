// The per-server task queue against the real sshd (web1 runs on this machine, so its /tmp is
// ours to scribble in): strict order, the failure stop with retry / skip / cancel, replay of
// the journal by a new core, a dropped connection mid-task, kill -9 of the app process at
// random points of a 100-task run, and two cores on one data directory.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core/core';
import { COMPACT_LINES, Journal, KEEP_FINISHED, type JournalEvent } from '../../src-main/core/queue/journal';
import { INLINE_MAX_BYTES } from '../../src-main/core/queue/inline-uploads';
import { FOLLOW_UP_EXIT, registerTaskKind } from '../../src-main/core/queue/kinds';
import { QueueLock } from '../../src-main/core/queue/lock';
import { shQuote } from '../../src-main/core/ssh/sh-quote';
import { AppError, type AppErrorShape } from '../../shared/errors';
import { exec } from '../../src-main/core/ssh/connect';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';
import type { Task } from '../../shared/queue';
import { z } from 'zod';
import { coreSuite, type TestCore } from '../helpers/core';
import '../helpers/test-kinds';
import { REPO } from '../../testbed/util';

const suite = coreSuite();

type Listing = { tasks: Task[]; stopped: boolean; runnerHere: boolean };
type Call = <T = unknown>(method: string, input: unknown) => Promise<T>;

const extra: Core[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.close()));
});

/** A second core on the same data directory and home (a restart, or another app instance). */
async function reopen(t: Pick<TestCore, 'dataDir' | 'home'>): Promise<{ core: Core; call: Call }> {
  const core = await createCore({ dataDir: t.dataDir, homeDir: t.home, keychain: memoryKeychain('test'), log: () => undefined });
  extra.push(core);
  const call: Call = async <T,>(method: string, input: unknown) => {
    const r = await core.call(method, input);
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { shape: r.error });
    return r.output as T;
  };
  return { core, call };
}

type Step = { serverId: string; kind: string; params: Record<string, unknown> };

/** Queues a task as the core's services do (the contract has no generic enqueue). */
async function enqueue(core: Core, { serverId, kind, params }: Step): Promise<{ task: Task }> {
  return { task: core.queue.enqueue(serverId, kind, params) };
}

/** The error queueing this task is refused with. */
async function refused(core: Core, step: Step): Promise<AppErrorShape> {
  try {
    await enqueue(core, step);
  } catch (error) {
    if (error instanceof AppError) return error.toShape();
    throw error;
  }
  throw new Error('queueing unexpectedly succeeded');
}

const scratch = () => `/tmp/hdq-${randomUUID().slice(0, 8)}.txt`;

async function remote(t: { core: Core; server: { id: string } }, command: string): Promise<string> {
  const lease = await t.core.connections.acquire(t.server.id);
  try {
    const r = await exec(await lease.ready(), command);
    return r.stdout;
  } finally {
    lease.release();
  }
}

async function until(call: Call, serverId: string, done: (l: Listing) => boolean, timeout = 20_000): Promise<Listing> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const l = await call<Listing>('queue.list', { serverId });
    if (done(l)) return l;
    if (Date.now() > deadline) throw new Error(`queue did not settle: ${l.tasks.map((t) => `${t.seq}:${t.kind}:${t.status}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settled = (l: Listing) => l.tasks.every((t) => t.status !== 'pending' && t.status !== 'running');
const statuses = (l: Listing) => l.tasks.map((t) => t.status);
const line = (file: string, text: string) => ({ kind: 'ensure-line', params: { path: file, line: text } });

describe('shQuote', () => {
  it('passes hostile strings to sh as exactly themselves', () => {
    const hostile = ["'", "''", "a'b", '"', '$(id)', '`id`', '${HOME}', '; rm -rf /tmp/x', '\\', "\\'", 'a\nb', '\t', ' lead', 'trail ', '*', '?', '[a]', '~', '!', '#', '&&', '|', '>', '<', "'\\''", 'é ü 𝔘 ＄', '-n', '--', '', "'; echo pwned; '", '$((1+1))', '\r\n'];
    for (const s of hostile) {
      expect(execFileSync('sh', ['-c', `printf %s ${shQuote(s)}`]).toString()).toBe(s);
    }
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('journal and lock (no server)', () => {
  it('compacts atomically, keeps the finished history bounded, and replays to the same state', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hdq-journal-'));
    try {
      const file = path.join(dir, 'j.jsonl');
      const j = new Journal(file, 's');
      const at = new Date().toISOString();
      const ids = Array.from({ length: KEEP_FINISHED + 300 }, () => randomUUID());
      j.append(ids.map((id) => ({ t: 'enqueued', task: { id, kind: 'ensure-line', title: id, params: {}, commands: [], enqueuedAt: at } })));
      j.append(ids.slice(0, -5).flatMap((id) => [{ t: 'started', id, at }, { t: 'finished', id, at, status: 'done', exitCode: 0, stdoutTail: '', stderrTail: '', ms: 1 }] as JournalEvent[]));
      j.append([{ t: 'started', id: ids.at(-5)!, at }, { t: 'finished', id: ids.at(-5)!, at, status: 'failed', exitCode: 2, stdoutTail: '', stderrTail: 'no', ms: 1 }]);
      j.catchUp();
      expect(j.needsCompaction()).toBe(false);
      for (let i = 0; i < COMPACT_LINES; i++) j.append([{ t: 'cancelled', id: ids[0]!, at }]); // no-ops
      j.catchUp();
      expect(j.needsCompaction()).toBe(true);
      const before = j.ordered();
      const other = new Journal(file, 's'); // another process's view
      other.catchUp();
      j.compact();
      const after = j.ordered();
      expect(after).toHaveLength(KEEP_FINISHED + 5);
      expect(after).toEqual(before.slice(before.length - KEEP_FINISHED - 5));
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(KEEP_FINISHED + 5);
      // The other reader notices the new file and replays it; its append lands in the new file.
      other.catchUp();
      expect(other.ordered()).toEqual(after);
      other.append([{ t: 'retried', id: ids.at(-5)!, at }]);
      expect(j.catchUp().map((t) => t.status)).toEqual(['pending']);
      expect(j.tasks.get(ids.at(-1)!)!.seq).toBe(ids.length);
      expect(readdirSync(dir)).toEqual(['j.jsonl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a stale lock (dead pid, reused pid), never a live one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hdq-lock-'));
    try {
      const file = path.join(dir, 's.lock');
      const a = new QueueLock(file, 'a');
      const b = new QueueLock(file, 'b');
      expect(a.tryAcquire()).toBe(true);
      expect(b.tryAcquire()).toBe(false); // same process, live holder
      expect(a.stillMine()).toBe(true);
      a.release();
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, JSON.stringify({ pid: 2 ** 22 - 1, startedAt: '1', owner: 'dead' }));
      expect(b.tryAcquire()).toBe(true);
      b.release();
      writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: 'another start', owner: 'reused' }));
      expect(a.tryAcquire()).toBe(process.platform === 'linux');
      a.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the queue', () => {
  it('validates parameters per kind with field errors, and previews the commands', async () => {
    const t = await suite.web1('queue-validate');
    for (const bad of ['relative', '/tmp/../etc/passwd', '/tmp/a b', '/tmp/$(id)', '/tmp/-rf', `/tmp/${'a'.repeat(300)}`]) {
      const e = await refused(t.core, { serverId: t.server.id, ...line(bad, 'x') });
      expect(e.code).toBe('invalid-input');
      expect(Object.keys(e.fields ?? {})).toEqual(['params.path']);
    }
    for (const bad of ['', 'a\nb', 'nul\0', 'esc\u001b[1m']) {
      const e = await refused(t.core, { serverId: t.server.id, ...line('/tmp/ok.txt', bad) });
      expect(e.fields).toHaveProperty(['params.line']);
    }
    expect((await refused(t.core, { serverId: t.server.id, kind: 'no-such-kind', params: {} })).fields).toHaveProperty('kind');
    expect((await refused(t.core, { serverId: t.server.id, kind: 'ensure-line', params: { path: '/tmp/a', line: 'x', more: 1 } })).code).toBe('invalid-input');
    const p = await t.call<{ commands: string[] }>('queue.preview', line('/tmp/x.txt', "it's $(here)"));
    expect(p.commands[0]).toContain(`'it'\\''s $(here)'`);
    expect((await t.call<Listing>('queue.list', { serverId: t.server.id })).tasks).toEqual([]);
    // Nothing was written and nothing connected.
    expect(existsSync(path.join(t.dataDir, 'queue'))).toBe(false);
    expect(t.events.some((e) => e.event === 'ssh.state')).toBe(false);
  });

  it('runs a server\'s tasks strictly in order', async () => {
    const t = await suite.web1('queue-order');
    const file = scratch();
    for (let i = 0; i < 10; i++) await enqueue(t.core, { serverId: t.server.id, ...line(file, `line ${i} it's $(x)`) });
    const l = await until(t.call, t.server.id, (l) => l.tasks.length === 10 && settled(l));
    expect(statuses(l)).toEqual(Array(10).fill('done'));
    expect(l.tasks.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < 10; i++) expect(l.tasks[i]!.startedAt! >= l.tasks[i - 1]!.finishedAt!).toBe(true);
    expect(await remote(t, `cat ${file}; rm -f ${file}`)).toBe(Array.from({ length: 10 }, (_, i) => `line ${i} it's $(x)\n`).join(''));
    expect(t.events.filter((e) => e.event === 'queue.changed').length).toBeGreaterThanOrEqual(30);
  });

  it('costs little per task (figures printed)', async () => {
    const t = await suite.web1('queue-speed');
    const file = scratch();
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await enqueue(t.core, { serverId: t.server.id, ...line(file, `l${i}`) });
    const enqueued = performance.now();
    const l = await until(t.call, t.server.id, (l) => l.tasks.length === n && settled(l), 60_000);
    const done = performance.now();
    expect(statuses(l)).toEqual(Array(n).fill('done'));
    const first = Date.parse(l.tasks[0]!.startedAt!);
    const last = Date.parse(l.tasks.at(-1)!.finishedAt!);
    const taskMs = l.tasks.reduce((a, x) => a + x.ms!, 0) / n;
    console.log(`[queue] ${n} tasks: enqueue ${((enqueued - t0) / n).toFixed(2)} ms/task; run ${((last - first) / n).toFixed(2)} ms/task wall (first start to last finish), ${taskMs.toFixed(2)} ms/task as recorded; all done ${(done - t0).toFixed(0)} ms after the first enqueue`);
    expect(await remote(t, `wc -l < ${file}; rm -f ${file}`)).toBe(`${n}\n`);
  });

  it('stops on a failure (later tasks stay pending) and goes on after the fix and a retry', async () => {
    const t = await suite.web1('queue-fail-retry');
    const file = scratch();
    const marker = scratch();
    await enqueue(t.core, { serverId: t.server.id, kind: 'fail-unless-file', params: { path: marker } });
    await enqueue(t.core, { serverId: t.server.id, ...line(file, 'one') });
    await enqueue(t.core, { serverId: t.server.id, ...line(file, 'two') });
    let l = await until(t.call, t.server.id, (l) => l.stopped);
    await new Promise((r) => setTimeout(r, 300));
    l = await t.call<Listing>('queue.list', { serverId: t.server.id });
    expect(statuses(l)).toEqual(['failed', 'pending', 'pending']);
    expect(l.tasks[0]).toMatchObject({ exitCode: 1, attempts: 1, stderrTail: `missing: ${marker}\n` });
    expect(await t.call('queue.overview', {})).toEqual({ servers: [{ serverId: t.server.id, pending: 2, failed: 1, running: 0 }] });
    expect((await t.fail('queue.skip', { serverId: t.server.id, taskId: l.tasks[1]!.id })).code).toBe('conflict');
    await remote(t, `touch ${marker}`);
    await t.call('queue.retry', { serverId: t.server.id });
    l = await until(t.call, t.server.id, (l) => settled(l) && !l.stopped);
    expect(statuses(l)).toEqual(['done', 'done', 'done']);
    expect(l.tasks[0]).toMatchObject({ attempts: 2, exitCode: 0, stderrTail: '' });
    expect(await remote(t, `cat ${file}; rm -f ${file} ${marker}`)).toBe('one\ntwo\n');
  });

  it('skips a failed task, and cancels pending ones', async () => {
    const t = await suite.web1('queue-skip-cancel');
    const file = scratch();
    const missing = scratch();
    const id = t.server.id;
    await enqueue(t.core, { serverId: id, kind: 'fail-unless-file', params: { path: missing } });
    const a = await enqueue(t.core, { serverId: id, ...line(file, 'a') });
    await enqueue(t.core, { serverId: id, ...line(file, 'b') });
    await enqueue(t.core, { serverId: id, ...line(file, 'c') });
    await until(t.call, id, (l) => l.stopped);
    const one = await t.call<{ tasks: Task[] }>('queue.cancel', { serverId: id, taskId: a.task.id });
    expect(one.tasks.map((x) => x.status)).toEqual(['cancelled']);
    await t.call('queue.skip', { serverId: id });
    let l = await until(t.call, id, settled);
    expect(statuses(l)).toEqual(['skipped', 'cancelled', 'done', 'done']);
    expect(await remote(t, `cat ${file}`)).toBe('b\nc\n');
    // Cancel all pending while stopped.
    await enqueue(t.core, { serverId: id, kind: 'fail-unless-file', params: { path: missing } });
    await enqueue(t.core, { serverId: id, ...line(file, 'd') });
    await enqueue(t.core, { serverId: id, ...line(file, 'e') });
    await until(t.call, id, (l) => l.stopped);
    expect((await t.call<{ tasks: Task[] }>('queue.cancel', { serverId: id })).tasks).toHaveLength(2);
    await t.call('queue.skip', { serverId: id });
    l = await until(t.call, id, settled);
    expect(statuses(l).slice(4)).toEqual(['skipped', 'cancelled', 'cancelled']);
    expect(l.stopped).toBe(false);
    expect(await remote(t, `cat ${file}; rm -f ${file}`)).toBe('b\nc\n');
  });

  it('rebuilds the queue from the journal in a new core (a torn last line ignored)', async () => {
    const t = await suite.web1('queue-replay');
    const file = scratch();
    const missing = scratch();
    await enqueue(t.core, { serverId: t.server.id, ...line(file, 'first') });
    await enqueue(t.core, { serverId: t.server.id, kind: 'fail-unless-file', params: { path: missing } });
    await enqueue(t.core, { serverId: t.server.id, ...line(file, 'second') });
    const before = await until(t.call, t.server.id, (l) => l.stopped);
    await t.core.close();
    const journal = path.join(t.dataDir, 'queue', `${t.server.id}.jsonl`);
    writeFileSync(journal, readFileSync(journal, 'utf8') + '{"t":"cancelled","id":"', { flag: 'w' }); // a crash mid-write
    const b = await reopen(t);
    const after = await b.call<Listing>('queue.list', { serverId: t.server.id });
    expect(after.tasks).toEqual(before.tasks);
    expect(after.stopped).toBe(true);
    await remote({ core: b.core, server: t.server }, `touch ${missing}`);
    await b.call('queue.retry', { serverId: t.server.id });
    const l = await until(b.call, t.server.id, settled);
    expect(statuses(l)).toEqual(['done', 'done', 'done']);
    expect(await remote({ core: b.core, server: t.server }, `cat ${file}; rm -f ${file} ${missing}`)).toBe('first\nsecond\n');
  });

  it('runs an interrupted task again once the dropped connection is back', async () => {
    registerTaskKind('test-slow-line', {
      params: z.object({ path: z.string().regex(/^\/tmp\/hdq-[a-z0-9-]+\.txt$/), line: z.string().regex(/^\w+$/) }).strict(),
      title: (p) => `slowly ${p.line}`,
      commands: (p) => [`sleep 1.5; ensure ${p.line}`],
      script: (p) => `${SSHD_PID_TO(`${p.path}.pid`)}; sleep 1.5; grep -qxF ${shQuote(p.line)} ${shQuote(p.path)} 2>/dev/null || echo ${shQuote(p.line)} >> ${shQuote(p.path)}\n`,
    });
    const t = await suite.web1('queue-drop');
    const file = scratch();
    await enqueue(t.core, { serverId: t.server.id, kind: 'test-slow-line', params: { path: file, line: 'slow' } });
    await enqueue(t.core, { serverId: t.server.id, ...line(file, 'after') });
    await killSshdSession(t, `${file}.pid`);
    const l = await until(t.call, t.server.id, (l) => settled(l), 30_000);
    expect(statuses(l)).toEqual(['done', 'done']);
    expect(l.tasks[0]!.attempts).toBe(2);
    expect(await remote(t, `cat ${file}; rm -f ${file} ${file}.pid`)).toBe('slow\nafter\n');
  });

  it('runs a follow-up step with its own uploads only when the script asks for it', async () => {
    registerTaskKind('test-follow-up', {
      params: z.object({ path: z.string().regex(/^\/tmp\/hdq-[a-z0-9-]+\.txt$/), blob: z.string().regex(/^[0-9a-f]{64}$/), ask: z.boolean() }).strict(),
      title: () => 'follow-up',
      commands: () => ['first step; maybe the second'],
      script: (p) => `echo first${p.ask ? `; echo "want: ${p.path}"; exit ${FOLLOW_UP_EXIT}` : ''}\n`,
      followUp: (p, stdout) => {
        const want = /^want: (\S+)$/m.exec(stdout)?.[1] ?? '';
        return { uploads: [{ path: want, blob: p.blob, mode: 0o600 }], script: `echo second; cat ${shQuote(want)}; rm -f ${shQuote(want)}\n` };
      },
    });
    const t = await suite.web1('queue-follow-up');
    const blob = t.core.queue.blobs.put('uploaded late\n');
    const [asked, plain] = [scratch(), scratch()];
    await enqueue(t.core, { serverId: t.server.id, kind: 'test-follow-up', params: { path: asked, blob, ask: true } });
    await enqueue(t.core, { serverId: t.server.id, kind: 'test-follow-up', params: { path: plain, blob, ask: false } });
    const l = await until(t.call, t.server.id, settled);
    expect(statuses(l)).toEqual(['done', 'done']);
    expect(l.tasks[0]!.stdoutTail).toBe(`first\nwant: ${asked}\nsecond\nuploaded late\n`);
    expect(l.tasks[1]!.stdoutTail).toBe('first\n');
    expect(await remote(t, `if [ -e ${plain} ] || [ -e ${asked} ]; then echo left; else echo none; fi`)).toBe('none\n');
  });

  it("puts a task's files in place byte for byte: small text inside the run, the rest over SFTP", async () => {
    registerTaskKind('test-uploads', {
      params: z.object({ files: z.array(z.object({ path: z.string().regex(/^\/tmp\/hdq-[a-z0-9-]+\.txt$/), blob: z.string().regex(/^[0-9a-f]{64}$/) }).strict()) }).strict(),
      title: () => 'uploads',
      commands: () => ['sha256sum the uploaded files; read stdin'],
      uploads: (p) => p.files.map((f) => ({ path: f.path, blob: f.blob, mode: 0o640 })),
      // The script's stdin is closed after the uploads: `cat` prints nothing.
      script: (p) => `for f in ${p.files.map((f) => shQuote(f.path)).join(' ')}; do sha256sum < "$f" | cut -c1-64; stat -c %a "$f"; rm -f "$f"; done; cat\n`,
    });
    const t = await suite.web1('queue-uploads');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const sets = {
      inline: [Buffer.from("it's \"quoted\" \\ $(id) `id`\n'\n"), Buffer.alloc(0), Buffer.from('юникод 🙂 no newline at the end'), Buffer.from('x'.repeat(70_000))],
      binary: [Buffer.from('text first\n'), Buffer.from([0, 1, 2, 255, 254, 0x27, 10])],
      large: [Buffer.from('y'.repeat(INLINE_MAX_BYTES + 1))],
    };
    for (const [name, contents] of Object.entries(sets)) {
      const files = contents.map((c) => ({ path: scratch(), blob: t.core.queue.blobs.put(c) }));
      await enqueue(t.core, { serverId: t.server.id, kind: 'test-uploads', params: { files } });
      const l = await until(t.call, t.server.id, settled);
      const last = l.tasks.at(-1)!;
      expect(last.status, `${name}: ${last.stderrTail}`).toBe('done');
      expect(last.stdoutTail, name).toBe(contents.map((c) => `${sha(c)}\n640\n`).join(''));
    }
  });

  it('a run left going on the server by a lost connection is over before its rerun starts', async () => {
    // Nothing kills a run whose connection (or app) died: it goes on, and the queue runs the task
    // again. The server-side lock makes the rerun wait for it instead of running beside it.
    registerTaskKind('test-slow-pair', {
      params: z.object({ path: z.string().regex(/^\/tmp\/hdq-[a-z0-9-]+\.txt$/) }).strict(),
      title: () => 'start, wait, end',
      commands: () => ['echo start; sleep 3; echo end'],
      script: (p) => `echo "start $$" >> ${shQuote(p.path)}; ${SSHD_PID_TO(`${p.path}.pid`)}; sleep 3; echo "end $$" >> ${shQuote(p.path)}\n`,
    });
    const t = await suite.web1('queue-left-behind');
    const file = scratch();
    await enqueue(t.core, { serverId: t.server.id, kind: 'test-slow-pair', params: { path: file } });
    await killSshdSession(t, `${file}.pid`);
    const l = await until(t.call, t.server.id, (l) => settled(l), 30_000);
    expect(statuses(l)).toEqual(['done']);
    expect(l.tasks[0]!.attempts).toBe(2);
    const lines = (await remote(t, `cat ${file}; rm -f ${file} ${file}.pid`)).trim().split('\n');
    const [a, b] = [lines[0]!.split(' ')[1], lines[2]?.split(' ')[1]];
    expect(lines).toEqual([`start ${a}`, `end ${a}`, `start ${b}`, `end ${b}`]);
    expect(a).not.toBe(b);
  });

  it("takes turns with whatever holds the server's task lock (another workstation's queue)", async () => {
    const t = await suite.web1('queue-turns');
    const file = scratch();
    const holder = await t.core.connections.connectFresh(t.server.id);
    try {
      const held = exec(holder.client, `mkdir -p ~/.cache/hostdeck && flock ~/.cache/hostdeck/tasks.lock sh -c 'echo held >> ${file}; sleep 2; echo released >> ${file}'`);
      while (!(await exec(holder.client, `cat ${file} 2>/dev/null`)).stdout) await new Promise((r) => setTimeout(r, 50));
      await enqueue(t.core, { serverId: t.server.id, ...line(file, 'task') });
      await held;
    } finally {
      holder.close();
    }
    await until(t.call, t.server.id, settled);
    expect(await remote(t, `cat ${file}; rm -f ${file}`)).toBe('held\nreleased\ntask\n');
  });

  it('survives kill -9 of the app process at random points of a 100-task run', async () => {
    const t = await suite.web1('queue-crash');
    const file = scratch();
    const serverId = t.server.id;
    await t.core.close(); // the child processes are the app from here on
    const child = path.join(REPO, `.queue-crash-child-${process.pid}.ts`);
    const bundle = child.replace(/\.ts$/, '.mjs');
    writeFileSync(child, CHILD);
    try {
      await build({ entryPoints: [child], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node22', packages: 'external', logLevel: 'warning' });
      const rnd = (a: number, b: number) => a + Math.floor(Math.random() * (b - a));
      const kills: { on: 'e' | 'd'; at: number }[] = [{ on: 'e', at: rnd(10, 90) }, { on: 'd', at: rnd(5, 30) }, { on: 'd', at: rnd(35, 60) }, { on: 'd', at: rnd(65, 95) }];
      let killed = 0;
      let runs = 0;
      for (;;) {
        runs++;
        const plan = kills.shift();
        const outcome = await new Promise<'killed' | 'done'>((resolve, reject) => {
          const p = spawn(process.execPath, [bundle, t.dataDir, t.home, serverId, file, '100'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          let killedIt = false;
          p.stderr.on('data', (d) => (err += d));
          p.stdout.on('data', (d) => {
            out += d;
            const m = [...out.matchAll(/([ed]) (\d+)\n/g)];
            if (!plan || killedIt) return;
            if (m.some(([, on, n]) => on === plan.on && Number(n) >= plan.at)) {
              killedIt = true;
              p.kill('SIGKILL');
            }
          });
          p.on('exit', (code, signal) => {
            if (signal === 'SIGKILL') resolve('killed');
            else if (code === 0 && out.includes('ALLDONE')) resolve('done');
            else reject(new Error(`child exited ${code}: ${err}`));
          });
        });
        if (outcome === 'killed') killed++;
        if (outcome === 'done') break;
        if (runs > 10) throw new Error('the run did not complete');
      }
      expect(killed).toBeGreaterThanOrEqual(3);
      const b = await reopen(t);
      const l = await b.call<Listing>('queue.list', { serverId });
      expect(l.tasks).toHaveLength(100);
      expect(l.tasks.every((x) => x.status === 'done')).toBe(true);
      const lines = (await remote({ core: b.core, server: t.server }, `cat ${file}; rm -f ${file}`)).split('\n').filter(Boolean);
      expect(lines.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `line-${i}`).sort());
      expect(existsSync(path.join(t.dataDir, 'queue', `${serverId}.lock`))).toBe(false);
    } finally {
      rmSync(child, { force: true });
      rmSync(bundle, { force: true });
    }
  }, 120_000);

  it('two cores on one data directory: one runs the queue, the other enqueues into it', async () => {
    const t = await suite.web1('queue-two');
    const b = await reopen(t);
    const file = scratch();
    const id = t.server.id;
    const both: { a: boolean; b: boolean }[] = [];
    for (let i = 0; i < 40; i++) await enqueue(i % 2 ? t.core : b.core, { serverId: id, ...line(file, `l${i}`) });
    for (;;) {
      const [la, lb] = await Promise.all([t.call<Listing>('queue.list', { serverId: id }), b.call<Listing>('queue.list', { serverId: id })]);
      both.push({ a: la.runnerHere, b: lb.runnerHere });
      if (la.tasks.length === 40 && settled(la) && settled(lb)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(both.some((x) => x.a && x.b)).toBe(false);
    const l = await until(b.call, id, settled);
    expect(l.tasks.map((x) => x.attempts)).toEqual(Array(40).fill(1)); // none ran twice
    expect(l.tasks.map((x) => x.params.line)).toEqual(Array.from({ length: 40 }, (_, i) => `l${i}`));
    expect(await remote(t, `cat ${file}; rm -f ${file}`)).toBe(Array.from({ length: 40 }, (_, i) => `l${i}\n`).join(''));
    // The lock holder closes: the other instance takes over the next tasks.
    await t.core.close();
    await enqueue(b.core, { serverId: id, ...line(file, 'later') });
    const l2 = await until(b.call, id, settled);
    expect(l2.tasks.at(-1)!.status).toBe('done');
    expect(await remote({ core: b.core, server: t.server }, `cat ${file}; rm -f ${file}`)).toBe('later\n');
  });
});

/** Shell that writes the pid of the sshd session process above this task to `file` (up the parents). */
const SSHD_PID_TO = (file: string) =>
  `p=$$; for i in 1 2 3 4 5; do p=$(ps -o ppid= -p "$p" | tr -d ' '); [ "$(ps -o comm= -p "$p")" = sshd ] && break; done; echo "$p" > ${shQuote(file)}`;

/** Kills the sshd session process a task wrote to `pidFile` (a network failure, seen from the server). */
async function killSshdSession(t: { core: { connections: { connectFresh(id: string): Promise<{ client: Parameters<typeof exec>[0]; close(): void }> } }; server: { id: string } }, pidFile: string): Promise<void> {
  const killer = await t.core.connections.connectFresh(t.server.id);
  try {
    let pid = '';
    for (let i = 0; i < 100 && !/^\d+$/.test(pid); i++) {
      await new Promise((r) => setTimeout(r, 50));
      pid = (await exec(killer.client, `cat ${pidFile} 2>/dev/null`)).stdout.trim();
    }
    await exec(killer.client, `kill -9 ${Number(pid)}`);
  } finally {
    killer.close();
  }
}

const CHILD = `
import ${JSON.stringify(path.join(REPO, 'test/helpers/test-kinds.ts'))};
import { createCore } from ${JSON.stringify(path.join(REPO, 'src-main/core/core.ts'))};
import { memoryKeychain } from ${JSON.stringify(path.join(REPO, 'src-main/core/secrets/keychain.ts'))};
const [dataDir, home, serverId, file, n] = process.argv.slice(2);
const core = await createCore({ dataDir, homeDir: home, keychain: memoryKeychain('test'), log: () => undefined });
const call = async (m, i) => { const r = await core.call(m, i); if (!r.ok) throw new Error(m + ': ' + JSON.stringify(r.error)); return r.output; };
const count = async () => (await call('queue.list', { serverId })).tasks.filter((t) => t.status === 'done').length;
core.subscribe((event, payload) => { if (event === 'queue.changed' && payload.task.status === 'done') void count().then((c) => process.stdout.write('d ' + c + '\\n')); });
const have = new Set((await call('queue.list', { serverId })).tasks.map((t) => t.params.line));
for (let i = 0; i < Number(n); i++) {
  const line = 'line-' + i;
  if (!have.has(line)) core.queue.enqueue(serverId, 'ensure-line', { path: file, line });
  process.stdout.write('e ' + (i + 1) + '\\n');
}
for (;;) {
  if ((await count()) === Number(n)) break;
  await new Promise((r) => setTimeout(r, 50));
}
await core.close();
process.stdout.write('ALLDONE\\n');
process.exit(0);
`;
