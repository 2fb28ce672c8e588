// prepare-server: a fresh Debian 12 machine (testbed/fresh-root.ts) prepared for every role
// through Hostdeck's queue, against the same steps — the recipe's very scripts, in order — run
// as one plain shell script over one OpenSSH session on another fresh machine. Both fetch
// packages through the same caching apt proxy (warm after the first run), so the ratio is what
// the queue adds: a journal, a task per step, the key logins the SSH steps check. Then Hostdeck
// prepares its machine again, which must change nothing, within a 10 s budget.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PreflightReport } from '../shared/api/prepare';
import type { Server } from '../shared/domain';
import type { Task } from '../shared/queue';
import { DEFAULT_FTP_SETTINGS, DEFAULT_WEB_SETTINGS } from '../shared/api/hosting';
import { DEFAULT_NS_SETTINGS } from '../shared/dns';
import { PREFLIGHT_SCRIPT, parsePreflight } from '../src-main/core/prepare/preflight';
import { recipe } from '../src-main/core/prepare/recipe';
import { registerPrepareKinds } from '../src-main/core/prepare/tasks';
import { taskKind } from '../src-main/core/queue/kinds';
import { startFreshAptProxy, startFreshServer, stopFreshServer, type FreshServer } from '../testbed/fresh-root';
import { ensureClientKeys } from '../testbed/keys';
import { benchCore, settledDone } from './hostdeck';
import { entry, type BenchContext, type BenchEntry } from './lib';

export const name = 'prepare-server';

const ROLES = ['base', 'web', 'db', 'ftp', 'ns'] as const;

async function hostdeckRun(ctx: BenchContext, machine: FreshServer, keyPath: string): Promise<{ first: number; second: number }> {
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${machine.host} ${machine.hostKeyLine}\n`);
  const { call } = await benchCore(ctx, home);
  const server = await call<Server>('servers.add', { name: 'fresh', host: machine.host, port: machine.port, user: 'root', auth: { method: 'key', keyPath }, roles: ['web', 'db', 'ftp', 'ns'], tags: [] });
  const prepare = async (): Promise<number> => {
    const started = performance.now();
    await call('prepare.preflight', { serverId: server.id });
    await call<{ tasks: Task[] }>('prepare.enqueue', { serverId: server.id, roles: ROLES });
    const tasks = await settledDone(call, server.id, 'prepare', 900_000);
    const ms = performance.now() - started;
    ctx.log(`hostdeck: ${Math.round(ms)} ms (${tasks.slice(-8).map((x) => `${x.kind.replace('prepare.', '')} ${x.ms} ms`).join(', ')})`);
    return ms;
  };
  const first = await prepare();
  const second = await prepare();
  return { first, second };
}

/** The recipe's scripts for a fresh machine, each in its own subshell, stopping at the first failure. */
async function plainScript(report: PreflightReport): Promise<string> {
  // The kinds' own scripts as run for a root login (the peer logs in as root); a core made later registers its own.
  registerPrepareKinds({
    inventory: { stored: () => ({ user: 'root', auth: { method: 'key' } }) as never, secret: async () => null },
    connections: { connectFresh: () => Promise.reject(new Error('the peer opens no second login')) },
  });
  const steps = recipe({ roles: [...ROLES], report, hosting: { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: { socket: null, defaultsFile: null } }, ns: DEFAULT_NS_SETTINGS, nsPeers: [], keyLogin: true, sshPort: 22, serverId: '00000000-0000-4000-8000-000000000000' });
  // The SSH kinds check a second key login from the workstation: the peer runs their server side only.
  const texts = await Promise.all(steps.map((s) => taskKind(s.kind).script(s.params, () => Promise.reject(new Error('no secrets')))));
  return texts.map((text) => `(\n${text}) || exit $?\n`).join('');
}

/**
 * `sh -s` on the machine over OpenSSH with the script on stdin; its stdout. Asynchronous: the apt
 * proxy runs in this process and must keep answering meanwhile.
 */
function sshScript(keyPath: string, machine: FreshServer, script: string): Promise<string> {
  const args = ['-i', keyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${machine.host}`, 'sh -s'];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`the script over ssh exited ${code}: ${err.slice(-2000)}`))));
    child.stdin.end(script);
  });
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const keys = await ensureClientKeys();
  const publicKey = readFileSync(keys.ed25519.publicPath, 'utf8');
  const proxy = await startFreshAptProxy();
  ctx.defer(() => proxy.close());

  // The peer first: the plain script over one ssh session (the preflight's report is the fresh machine's).
  let machine = await startFreshServer(publicKey);
  ctx.defer(() => stopFreshServer(machine.dir));
  const report = parsePreflight(await sshScript(keys.ed25519.path, machine, PREFLIGHT_SCRIPT));
  const script = await plainScript(report);
  let started = performance.now();
  await sshScript(keys.ed25519.path, machine, script);
  const peer = performance.now() - started;
  ctx.log(`plain script over ssh: ${Math.round(peer)} ms`);
  await stopFreshServer(machine.dir);

  machine = await startFreshServer(publicKey);
  started = performance.now();
  const { first, second } = await hostdeckRun(ctx, machine, keys.ed25519.path);
  ctx.log(`apt proxy: ${proxy.hits()} from its cache, ${proxy.misses()} from the mirror; ${Math.round(performance.now() - started)} ms in all`);
  return [
    entry({ name, metric: 'fresh Debian 12 prepared for every role (base, web, db, ftp, ns)', unit: 'ms', hostdeck: Math.round(first), peer: Math.round(peer), peerName: 'the same steps as one shell script over ssh', goal: '<= 1.2' }),
    entry({ name, metric: 'second preparation (nothing to change) vs a 10 s budget', unit: 'ms', hostdeck: Math.round(second), peer: 10_000, peerName: '10 s budget', goal: '<= 1.0' }),
  ];
}
