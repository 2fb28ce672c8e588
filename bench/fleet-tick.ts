// A health tick over the testbed's fleet of sshds (testbed/fleet.ts), timed on both sides, for
// health-tick-50 and fleet-1000: Hostdeck's core checking every server (health.checkNow, the
// work of a timer tick) and Ansible running the same check script ad hoc over the same hosts.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServerHealth } from '../shared/api/health';
import type { Server } from '../shared/domain';
import { CHECK_SCRIPT } from '../src-main/core/health/check';
import { fleetCpuSeconds } from '../testbed/fleet';
import type { SshInfo } from '../testbed/sshd';
import { ansibleEnv } from './ansible';
import type { BenchCall } from './hostdeck';
import type { BenchContext } from './lib';

/** A home of the bench's own whose known_hosts trusts every instance of the fleet. */
export function fleetHome(ctx: BenchContext, fleet: SshInfo[]): { home: string; knownHosts: string } {
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const knownHosts = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, fleet.map((s) => `[${s.host}]:${s.port} ${s.hostKeyLine}\n`).join(''));
  return { home, knownHosts };
}

/** Adds every instance as a server with all four roles (key login as the testbed's hdtest). */
export async function addFleet(ctx: BenchContext, call: BenchCall, fleet: SshInfo[]): Promise<Server[]> {
  const servers: Server[] = [];
  const digits = String(fleet.length).length;
  for (const [i, s] of fleet.entries()) {
    servers.push(
      await call<Server>('servers.add', {
        name: `fleet-${String(i + 1).padStart(digits, '0')}`,
        host: s.host,
        port: s.port,
        user: ctx.testbed.users.hdtest.name,
        auth: { method: 'key', keyPath: ctx.testbed.keys.ed25519.path },
        roles: ['web', 'db', 'ftp', 'ns'],
        tags: ['fleet'],
      }),
    );
  }
  return servers;
}

/**
 * `rounds` times: every connection dropped, a cold tick, then a warm one (connections kept); their
 * wall times. The log adds the CPU the fleet's side used (sshd and all it started) and Hostdeck's
 * core (this process), which other load on the machine distorts less than the wall time, per
 * round and as a mean per tick at the end, and the load average.
 */
export async function tickRounds(ctx: BenchContext, call: BenchCall, servers: Server[], rounds: number): Promise<{ cold: number[]; warm: number[] }> {
  const disconnectAll = () => Promise.all(servers.map((s) => call('ssh.disconnect', { serverId: s.id })));
  const cold: number[] = [];
  const warm: number[] = [];
  const cpu = { cold: { fleet: 0, own: 0 }, warm: { fleet: 0, own: 0 } };
  const cpuText = (c: { fleet: number; own: number }, n: number) => `CPU: fleet ${Number.isNaN(c.fleet) ? 'not counted (no cgroup)' : `${(c.fleet / n).toFixed(2)} s`}, Hostdeck ${(c.own / n).toFixed(2)} s`;
  const measured = async (kind: 'cold' | 'warm'): Promise<[number, string]> => {
    const [fleet, own] = [fleetCpuSeconds() ?? NaN, process.cpuUsage()];
    const ms = await hostdeckTick(call, servers.length);
    const spent = process.cpuUsage(own);
    const tick = { fleet: (fleetCpuSeconds() ?? NaN) - fleet, own: (spent.user + spent.system) / 1e6 };
    cpu[kind].fleet += tick.fleet;
    cpu[kind].own += tick.own;
    return [ms, `${ms.toFixed(0)} ms (${cpuText(tick, 1)})`];
  };
  for (let round = 0; round < rounds; round++) {
    await disconnectAll();
    const [c, coldText] = await measured('cold');
    const [w, warmText] = await measured('warm');
    cold.push(c);
    warm.push(w);
    ctx.log(`hostdeck round ${round + 1}/${rounds}: cold ${coldText}, warm ${warmText}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  }
  ctx.log(`hostdeck, mean per tick: cold ${cpuText(cpu.cold, rounds)}; warm ${cpuText(cpu.warm, rounds)}`);
  await disconnectAll();
  return { cold, warm };
}

/** One tick through the core; its wall time. Throws unless every one of `expected` servers was checked. */
export async function hostdeckTick(call: BenchCall, expected: number): Promise<number> {
  const started = performance.now();
  const { servers: results } = await call<{ servers: ServerHealth[] }>('health.checkNow', {});
  const ms = performance.now() - started;
  const bad = results.filter((r) => r.status !== 'ok');
  // A warn from this busy machine's load is still a complete check; anything else is not.
  const failed = bad.filter((r) => r.status !== 'warn');
  if (results.length !== expected || failed.length) throw new Error(`tick incomplete (${results.length}/${expected}, ${failed.length} failed): ${failed.map((r) => `${r.status}: ${r.reason}`).slice(0, 3).join('; ')}`);
  return ms;
}

/** "Ansible 2.14.18", or null when it is not installed. */
export function ansibleVersion(): string | null {
  try {
    return execFileSync('ansible', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim().replace(/^ansible \[core (.*)\]$/, 'Ansible $1');
  } catch {
    return null;
  }
}

export type AnsibleFleet = {
  /** Runs the check script on every host with `forks` at once; resolves with its wall time once every host answered. */
  run(controlDir: string): Promise<number>;
  /** `rounds` times: a run with a fresh ControlPath folder (cold), then one reusing its masters (warm); their wall times. */
  rounds(rounds: number): Promise<{ cold: number[]; warm: number[] }>;
};

/** Ansible over the fleet as `user` with `keyPath`, known_hosts checked strictly, pipelining on. */
export function ansibleFleet(ctx: BenchContext, fleet: SshInfo[], options: { home: string; knownHosts: string; user: string; keyPath: string; forks: number }): AnsibleFleet {
  const inventory = path.join(ctx.tmpDir, 'inventory.ini');
  writeFileSync(
    inventory,
    [
      '[fleet]',
      ...fleet.map((s) => `${s.host} ansible_port=${s.port}`),
      '[fleet:vars]',
      `ansible_user=${options.user}`,
      `ansible_ssh_private_key_file=${options.keyPath}`,
      'ansible_python_interpreter=/usr/bin/python3',
      `ansible_ssh_common_args='-o UserKnownHostsFile=${options.knownHosts} -o StrictHostKeyChecking=yes'`,
      '',
    ].join('\n'),
  );
  const self: AnsibleFleet = {
    async rounds(rounds) {
      const cold: number[] = [];
      const warm: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const controlDir = path.join(ctx.tmpDir, `cp-${round}`);
        cold.push(await self.run(controlDir));
        warm.push(await self.run(controlDir));
        ctx.log(`ansible round ${round + 1}/${rounds}: cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms`);
      }
      return { cold, warm };
    },
    run: (controlDir) =>
      new Promise((resolve, reject) => {
        mkdirSync(controlDir, { recursive: true });
        const started = performance.now();
        const child = spawn('ansible', ['all', '-i', inventory, '-m', 'shell', '-a', CHECK_SCRIPT, '-f', String(options.forks), '-o'], { env: ansibleEnv(ctx, options.home, controlDir), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => {
          const ms = performance.now() - started;
          // -o prints one line per host; the script's last line is "end".
          const answered = out.split('\n').filter((l) => / \| CHANGED \| rc=0 \|.*\\nend$/.test(l)).length;
          if (code !== 0 || answered !== fleet.length) reject(new Error(`ansible exited ${code}, ${answered}/${fleet.length} hosts answered:\n${out.slice(0, 2000)}`));
          else resolve(ms);
        });
      }),
  };
  return self;
}
