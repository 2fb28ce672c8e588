// One command on the server: Hostdeck's persistent worker shell (one `/bin/sh` on one channel,
// src-main/core/queue/worker-shell.ts) vs an exec channel per command on the same connection.
// Sequential `true`, median of rounds, rounds interleaved. The worker shell runs it as a queue
// runs its tasks back to back, under the server-side task lock (flock(1) on
// ~/.cache/hostdeck/tasks.lock, taken by the first run and kept while runs follow each other).
// Goal: at most half the time of a plain exec channel (`ssh host true` without any lock, as its
// users run it). Info rows: the exec channel taking the same lock, a lone task on an idle shell
// (the lock taken for it and given back after), and the worker shell without the lock.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LOCK_IDLE_RELEASE_MS, openWorkerShell } from '../src-main/core/queue/worker-shell';
import { keyOnlyAuth } from '../src-main/core/ssh/auth';
import { connect, exec } from '../src-main/core/ssh/connect';
import { parseKnownHosts } from '../src-main/core/ssh/known-hosts';
import { shQuote } from '../src-main/core/ssh/sh-quote';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'shell-command';

const SHELL_RUNS = 1000;
const EXEC_RUNS = 200;
const LONE_RUNS = 30;
const ROUNDS = 5;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const web1 = testbed.ssh.web1;
  const { client } = await connect({
    target: { host: web1.host, port: web1.port, user: testbed.users.hdtest.name, auth: { method: 'key', keyPath: testbed.keys.ed25519.path } },
    auth: keyOnlyAuth(testbed.users.hdtest.name, readFileSync(testbed.keys.ed25519.path)),
    policy: { pin: null, knownHosts: parseKnownHosts(`[${web1.host}]:${web1.port} ${web1.hostKeyLine}`) },
  });
  ctx.defer(() => client.end());
  const shell = await openWorkerShell(client);
  ctx.defer(() => shell.close());
  const lockFile = shell.lockFile;
  if (!lockFile) throw new Error('the worker shell found no server-side task lock (flock(1) or a writable ~/.cache missing on web1)');

  /** ms per command, over `runs` sequential ones. */
  const per = async (runs: number, one: () => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < runs; i++) await one();
    return (performance.now() - started) / runs;
  };
  /** ms per exclusive run that finds the lock given back (only the runs are timed, not the waits). */
  const lone = async () => {
    let total = 0;
    for (let i = 0; i < LONE_RUNS; i++) {
      await new Promise((r) => setTimeout(r, LOCK_IDLE_RELEASE_MS + 50));
      const started = performance.now();
      await shell.run('true', { exclusive: true });
      total += performance.now() - started;
    }
    return total / LONE_RUNS;
  };
  const ways = {
    locked: () => per(SHELL_RUNS, () => shell.run('true', { exclusive: true })),
    lone,
    unlocked: () => per(SHELL_RUNS, () => shell.run('true')),
    exec: () => per(EXEC_RUNS, () => exec(client, 'true')),
    execLocked: () => per(EXEC_RUNS, () => exec(client, `flock -o ${shQuote(lockFile)} /bin/sh -c true`)),
  };
  const samples = { locked: [] as number[], lone: [] as number[], unlocked: [] as number[], exec: [] as number[], execLocked: [] as number[] };
  for (let round = -1; round < ROUNDS; round++) {
    for (const [way, f] of Object.entries(ways) as [keyof typeof ways, () => Promise<number>][]) {
      const ms = await f();
      if (round >= 0) samples[way].push(ms); // round -1: warm-up
    }
  }
  const m = { locked: median(samples.locked), lone: median(samples.lone), unlocked: median(samples.unlocked), exec: median(samples.exec), execLocked: median(samples.execLocked) };
  ctx.log(`per command (median of ${ROUNDS}): worker shell under the task lock ${m.locked.toFixed(3)} ms, a lone task taking it ${m.lone.toFixed(3)} ms, without ${m.unlocked.toFixed(3)} ms (${SHELL_RUNS} runs); exec channel ${m.exec.toFixed(2)} ms, with the same flock ${m.execLocked.toFixed(2)} ms (${EXEC_RUNS} runs)`);
  const metric = (what: string) => `one \`true\` ${what}, sequential (median of ${ROUNDS})`;
  return [
    entry({ name, metric: metric('in the persistent worker shell under the server-side task lock (flock), as a queue runs its tasks back to back'), unit: 'ms', hostdeck: m.locked, peer: m.exec, peerName: 'an exec channel per command on the same connection, no lock', goal: '<= 0.5' }),
    entry({ name, metric: metric('in the worker shell under the task lock, vs an exec channel taking the same lock'), unit: 'ms', hostdeck: m.locked, peer: m.execLocked, peerName: 'an exec channel per command running flock -o ~/.cache/hostdeck/tasks.lock /bin/sh -c true', goal: 'info' }),
    entry({ name, metric: metric('in the worker shell as a lone task on an idle queue (the lock taken for it, given back after)'), unit: 'ms', hostdeck: m.lone, peer: m.exec, peerName: 'an exec channel per command on the same connection, no lock', goal: 'info' }),
    entry({ name, metric: metric('in the worker shell without the lock (no queue task runs so)'), unit: 'ms', hostdeck: m.unlocked, peer: m.exec, peerName: 'an exec channel per command on the same connection, no lock', goal: 'info' }),
  ];
}
