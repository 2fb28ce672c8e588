// One full health tick over a fleet of 50 sshd on loopback (testbed startFleet(50); every
// daemon the roles call for runs on this same machine), at the default concurrency of 16:
//   - Hostdeck: the core's health.checkNow({}) — the work of a timer tick, through the same
//     p-limit — cold (every connection opened in the tick) and warm (connections kept from the
//     previous tick, as the timer finds them);
//   - Ansible, the usual tool for "run this on the fleet": an ad-hoc `ansible all -m shell` of
//     the same script with the same fork count, pipelining on (its own speed advice); cold with
//     a fresh ControlPath directory, warm reusing the ControlPersist masters of the run before.
// Goals: the whole fleet in under 1 s (rows against that budget, recorded with or without
// Ansible), and no slower than Ansible (rows only where Ansible is installed).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServerHealth } from '../shared/api/health';
import type { Server } from '../shared/domain';
import { CHECK_SCRIPT } from '../src-main/core/health/check';
import { startFleet, stopFleet } from '../testbed/testbed';
import { ansibleEnv } from './ansible';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'health-tick-50';

const FLEET = 50;
const CONCURRENCY = 16;
const HOSTDECK_ROUNDS = 7;
const ANSIBLE_ROUNDS = 3;
const GOAL_MS = 1000;

function ansibleAvailable(): string | null {
  try {
    return execFileSync('ansible', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return null;
  }
}

/** Runs the ad-hoc command; resolves with its wall time once every host answered the script. */
function ansibleRun(inventory: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ansible', ['all', '-i', inventory, '-m', 'shell', '-a', CHECK_SCRIPT, '-f', String(CONCURRENCY), '-o'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      // -o prints one line per host; the script's last line is "end".
      const answered = out.split('\n').filter((l) => / \| CHANGED \| rc=0 \|.*\\nend$/.test(l)).length;
      if (code !== 0 || answered !== FLEET) reject(new Error(`ansible exited ${code}, ${answered}/${FLEET} hosts answered:\n${out.slice(0, 2000)}`));
      else resolve(ms);
    });
  });
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const fleet = await startFleet(FLEET);
  ctx.defer(stopFleet);
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const knownHosts = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, fleet.map((s) => `[${s.host}]:${s.port} ${s.hostKeyLine}\n`).join(''));

  // ---- Hostdeck
  const { call } = await benchCore(ctx, home, { settings: { healthConcurrency: CONCURRENCY } });
  const servers: Server[] = [];
  for (const [i, s] of fleet.entries()) {
    servers.push(
      await call<Server>('servers.add', {
        name: `fleet-${String(i + 1).padStart(2, '0')}`,
        host: s.host,
        port: s.port,
        user: testbed.users.hdtest.name,
        auth: { method: 'key', keyPath: testbed.keys.ed25519.path },
        roles: ['web', 'db', 'ftp', 'ns'],
        tags: ['fleet'],
      }),
    );
  }
  const tick = async (): Promise<number> => {
    const started = performance.now();
    const { servers: results } = await call<{ servers: ServerHealth[] }>('health.checkNow', {});
    const ms = performance.now() - started;
    const bad = results.filter((r) => r.status !== 'ok');
    // A warn from this busy machine's load is still a complete check; anything else is not.
    if (results.length !== FLEET || bad.some((r) => r.status !== 'warn')) throw new Error(`tick incomplete: ${bad.map((r) => `${r.status}: ${r.reason}`).slice(0, 3).join('; ')}`);
    return ms;
  };
  const disconnectAll = () => Promise.all(servers.map((s) => call('ssh.disconnect', { serverId: s.id })));

  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < HOSTDECK_ROUNDS; round++) {
    await disconnectAll();
    cold.push(await tick());
    warm.push(await tick());
    ctx.log(`hostdeck round ${round + 1}/${HOSTDECK_ROUNDS}: cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms`);
  }
  await disconnectAll();
  const [hc, hw] = [median(cold), median(warm)];
  const budget = { name, unit: 'ms', peer: GOAL_MS, peerName: `budget ${GOAL_MS / 1000} s`, goal: '<= 1.0' };
  const budgetRows = [
    entry({ ...budget, metric: `health tick, ${FLEET} servers, connections kept from the last tick, vs the budget (median of ${HOSTDECK_ROUNDS})`, hostdeck: hw }),
    entry({ ...budget, metric: `health tick, ${FLEET} servers, every connection opened in the tick, vs the budget (median of ${HOSTDECK_ROUNDS})`, hostdeck: hc }),
  ];

  // ---- Ansible
  const version = ansibleAvailable();
  if (!version) {
    ctx.log('ansible is not installed (Debian: apt-get install -y ansible): no Ansible rows, only the budget ones');
    return budgetRows;
  }
  const inventory = path.join(ctx.tmpDir, 'inventory.ini');
  writeFileSync(
    inventory,
    [
      '[fleet]',
      ...fleet.map((s) => `${s.host} ansible_port=${s.port}`),
      '[fleet:vars]',
      `ansible_user=${testbed.users.hdtest.name}`,
      `ansible_ssh_private_key_file=${testbed.keys.ed25519.path}`,
      'ansible_python_interpreter=/usr/bin/python3',
      `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'`,
      '',
    ].join('\n'),
  );
  const env = (controlDir: string): NodeJS.ProcessEnv => {
    mkdirSync(controlDir, { recursive: true });
    return ansibleEnv(ctx, home, controlDir);
  };
  const aCold: number[] = [];
  const aWarm: number[] = [];
  for (let round = 0; round < ANSIBLE_ROUNDS; round++) {
    const e = env(path.join(ctx.tmpDir, `cp-${round}`));
    aCold.push(await ansibleRun(inventory, e));
    aWarm.push(await ansibleRun(inventory, e));
    ctx.log(`ansible round ${round + 1}/${ANSIBLE_ROUNDS}: cold ${aCold.at(-1)!.toFixed(0)} ms, warm ${aWarm.at(-1)!.toFixed(0)} ms`);
  }

  const [ac, aw] = [median(aCold), median(aWarm)];
  const peerName = `${version.replace(/^ansible \[core (.*)\]$/, 'Ansible $1')} ad-hoc -m shell -f ${CONCURRENCY}, pipelining`;
  const common = { name, unit: 'ms', goal: '<= 1.0' };
  return [
    entry({ ...common, metric: `health tick, ${FLEET} servers, connections kept from the last tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hw, peer: aw, peerName: `${peerName}, ControlPersist masters reused` }),
    entry({ ...common, metric: `health tick, ${FLEET} servers, every connection opened in the tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hc, peer: ac, peerName: `${peerName}, fresh connections` }),
    ...budgetRows,
  ];
}
