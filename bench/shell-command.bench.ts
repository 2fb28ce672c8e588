// One command on the server: Hostdeck's persistent worker shell (one `/bin/sh` on one channel,
// src-main/core/queue/worker-shell.ts) vs an exec channel per command on the same connection.
// Sequential `true`, median of rounds. Goal: at most half the exec channel's time.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openWorkerShell } from '../src-main/core/queue/worker-shell';
import { keyOnlyAuth } from '../src-main/core/ssh/auth';
import { connect, exec } from '../src-main/core/ssh/connect';
import { parseKnownHosts } from '../src-main/core/ssh/known-hosts';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'shell-command';

const SHELL_RUNS = 2000;
const EXEC_RUNS = 200;
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

  const perShell = async () => {
    const started = performance.now();
    for (let i = 0; i < SHELL_RUNS; i++) await shell.run('true');
    return (performance.now() - started) / SHELL_RUNS;
  };
  const perExec = async () => {
    const started = performance.now();
    for (let i = 0; i < EXEC_RUNS; i++) await exec(client, 'true');
    return (performance.now() - started) / EXEC_RUNS;
  };
  await perShell(); // warm-up
  await perExec();
  const s: number[] = [];
  const e: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    s.push(await perShell());
    e.push(await perExec());
  }
  const [hs, pe] = [median(s), median(e)];
  ctx.log(`per command (median of ${ROUNDS}): worker shell ${hs.toFixed(3)} ms (${SHELL_RUNS} runs), exec channel ${pe.toFixed(2)} ms (${EXEC_RUNS} runs)`);
  return [
    entry({ name, metric: `one \`true\` in the persistent worker shell, sequential (median of ${ROUNDS})`, unit: 'ms', hostdeck: hs, peer: pe, peerName: 'an exec channel per command on the same connection', goal: '<= 0.5' }),
  ];
}
