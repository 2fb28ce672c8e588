// A Hostdeck core for a bench, the way the app runs it (plain Node, secrets in memory), with a
// `call` that throws on an error and the health timer kept out of the measured ticks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCore, type Core } from '../src-main/core/core';
import { memoryKeychain, type Keychain } from '../src-main/core/secrets/keychain';
import { DEFAULT_LOG_SETTINGS } from '../shared/api/logs';
import type { Task } from '../shared/queue';
import type { Server } from '../shared/domain';
import { settleQueue, testbedHostingSettings } from '../test/helpers/hosting';
import type { BenchContext } from './lib';

export type BenchCall = <T>(method: string, input: unknown) => Promise<T>;

/** A core on `dataDir` (default: the bench's tmpDir/data) reading ~/.ssh from `home`; closed when the bench ends. */
export async function benchCore(ctx: BenchContext, home: string, options: { dataDir?: string; settings?: Record<string, unknown>; keychain?: Keychain } = {}): Promise<{ core: Core; call: BenchCall }> {
  const core = await createCore({ dataDir: options.dataDir ?? path.join(ctx.tmpDir, 'data'), homeDir: home, keychain: options.keychain ?? memoryKeychain('bench'), log: () => undefined });
  ctx.defer(() => core.close());
  const call: BenchCall = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message} ${r.error.details ?? ''}`);
    return r.output as T;
  };
  await call('settings.update', { healthIntervalS: 3600, ...options.settings });
  return { core, call };
}

/**
 * A core with web1 (as root, role web, the testbed's hosting settings plus `hosting`) in its
 * inventory, reading ~/.ssh from the bench's own home whose known_hosts trusts web1.
 */
export async function benchWeb1(ctx: BenchContext, options: { keychain?: Keychain; hosting?: Record<string, unknown> } = {}): Promise<{ core: Core; call: BenchCall; serverId: string; knownHosts: string }> {
  const tb = ctx.testbed;
  const web1 = tb.ssh.web1;
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const knownHosts = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  const { core, call } = await benchCore(ctx, home, options.keychain ? { keychain: options.keychain } : {});
  const server = await call<Server>('servers.add', { name: 'web1', host: web1.host, port: web1.port, user: 'root', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['web'], tags: [] });
  await call('hosting.setSettings', { serverId: server.id, ...testbedHostingSettings(tb), ...options.hosting });
  return { core, call, serverId: server.id, knownHosts };
}

/** The tasks that are not done, with the tail of a failed one's stderr. */
function statuses(tasks: Task[]): string {
  return tasks
    .filter((x) => x.status !== 'done')
    .map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail.slice(-300)})` : ''}`)
    .join('; ');
}

/** Waits for the server's queue to settle; throws unless every task is done (or skipped). */
export async function settledDone(call: BenchCall, serverId: string, what: string, timeoutMs = 120_000): Promise<Task[]> {
  const tasks = await settleQueue({ call }, serverId, timeoutMs);
  if (!tasks.every((x) => x.status === 'done' || x.status === 'skipped')) throw new Error(`${what}: ${statuses(tasks)}`);
  return tasks;
}

/** hosting.deleteSite through the queue; a failure is logged (removeSiteByHand then clears what is left). */
export async function deleteSiteThroughHostdeck(ctx: BenchContext, call: BenchCall, serverId: string, site: string): Promise<void> {
  try {
    const gone = await call<{ tasks: Task[] }>('hosting.deleteSite', { serverId, site, confirm: site });
    await settledDone(call, serverId, 'removing the site through Hostdeck');
    ctx.log(`site removed through Hostdeck (${gone.tasks.map((x) => x.kind).join(', ')})`);
  } catch (e) {
    ctx.log(`removing the site through Hostdeck failed, removing it by hand: ${(e as Error).message}`);
  }
}

/** What a failed removal left of a site: its user, processes, home and logs (where the default log settings put them). */
export function removeSiteByHand(site: string): void {
  try {
    execFileSync('sh', ['-c', `if id -u ${site} >/dev/null 2>&1; then pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null; fi; rm -rf /home/${site} ${DEFAULT_LOG_SETTINGS.dir}/${site} ${DEFAULT_LOG_SETTINGS.rotateDir}/hostdeck-${site}`], { stdio: 'ignore' });
  } catch {
    /* best effort */
  }
}
