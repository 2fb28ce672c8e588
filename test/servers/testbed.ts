// The whole testbed: real daemons on loopback, started by the project itself.
//   startTestbed()  — idempotent, parallel; writes .testbed/testbed.json
//   loadTestbed()   — for vitest workers (reads $HOSTDECK_TESTBED or .testbed/testbed.json)
//   stopTestbed()   — stops every daemon (pid files), waits for them to exit
//   acquire/release — leases, so that one test run does not stop servers another run (or the
//                     `npm run testbed` demo) still uses.
import * as fs from 'node:fs';
import { ensureClientKeys, AUTHORIZED_KEYS, type ClientKeys } from './keys';
import { startMariadb, stopMariadb, type MariadbInfo } from './mariadb';
import { startNamed, stopNamed, type NsInfo, type NsName } from './named';
import { startNginx, stopNginx, type NginxInfo } from './nginx';
import { startPureftpd, stopPureftpd, type FtpInfo } from './pureftpd';
import { restoreHostKey as restoreKey, startSshd, stopSshd, swapHostKey as swapKey, type SshInfo, type SshName } from './sshd';
import { ensureTestUser } from './users';
import { ensureDir, p, pidAlive, ROOT, secrets, sleep } from './util';

export type { ClientKeys, FtpInfo, MariadbInfo, NginxInfo, NsInfo, SshInfo };
export type { KeyPair } from './keys';
export { EXAMPLE_SERIAL, EXAMPLE_ZONE } from './named';
export { NGINX_DEFAULT_TEXT } from './nginx';

export interface TestbedInfo {
  /** Absolute path of .testbed */
  root: string;
  ssh: Record<SshName, SshInfo>;
  /** The file both sshds read as AuthorizedKeysFile (for hdtest and root). */
  authorizedKeysFile: string;
  users: { hdtest: { name: string; password: string; uid: number; gid: number; home: string } };
  keys: ClientKeys;
  mariadb: MariadbInfo;
  ftp: FtpInfo;
  ns: Record<NsName, NsInfo>;
  nginx: NginxInfo;
}

export const TESTBED_JSON = p('testbed.json');
const LEASES = p('leases');
const LOCK = p('testbed.lock');

// ---- a cross-process lock around start/stop ---------------------------------

let inProcess: Promise<unknown> = Promise.resolve();

/** Serialized within this process (promise chain) and across processes (lock file with pid). */
function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const next = inProcess.then(() => withFileLock(fn));
  inProcess = next.catch(() => {});
  return next;
}

async function withFileLock<T>(fn: () => Promise<T>): Promise<T> {
  ensureDir(ROOT);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number.parseInt(fs.readFileSync(LOCK, { encoding: 'utf8', flag: 'a+' }), 10);
      if (!Number.isInteger(holder) || holder === process.pid || !pidAlive(holder)) {
        fs.rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`testbed lock held by pid ${holder} (${LOCK})`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

// ---- start / stop -----------------------------------------------------------

export interface StartOptions {
  /** Called when a component is up, with the time it took. */
  onReady?: (component: string, ms: number) => void;
  /** Take a lease with this id (see releaseTestbed). pid: the lease lives while that process does. */
  lease?: { id: string; pid?: number };
}

export function startTestbed(opts: StartOptions = {}): Promise<TestbedInfo> {
  return withLock(async () => {
    ensureDir(ROOT);
    secrets(); // generate once, before anything runs in parallel
    const t0 = Date.now();
    const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const v = await f();
      opts.onReady?.(name, Date.now() - t0);
      return v;
    };
    const tasks = {
      user: timed('user hdtest', ensureTestUser),
      keys: timed('client keys', ensureClientKeys),
      web1: timed('sshd web1', () => startSshd('web1')),
      web2: timed('sshd web2', () => startSshd('web2')),
      mariadb: timed('mariadb', startMariadb),
      ftp: timed('pure-ftpd', startPureftpd),
      ns1: timed('named ns1', () => startNamed('ns1')),
      ns2: timed('named ns2', () => startNamed('ns2')),
      nginx: timed('nginx', startNginx),
    };
    const settled = await Promise.allSettled(Object.values(tasks));
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${Object.keys(tasks)[i]}: ${(s.reason as Error).message ?? String(s.reason)}`] : []));
    if (failures.length) throw new Error(`testbed failed to start:\n${failures.join('\n\n')}`);
    const u = await tasks.user;
    const info: TestbedInfo = {
      root: ROOT,
      ssh: { web1: await tasks.web1, web2: await tasks.web2 },
      authorizedKeysFile: AUTHORIZED_KEYS,
      users: { hdtest: { name: u.name, password: u.password, uid: u.uid, gid: u.gid, home: u.home } },
      keys: await tasks.keys,
      mariadb: await tasks.mariadb,
      ftp: await tasks.ftp,
      ns: { ns1: await tasks.ns1, ns2: await tasks.ns2 },
      nginx: await tasks.nginx,
    };
    fs.writeFileSync(`${TESTBED_JSON}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(`${TESTBED_JSON}.tmp`, TESTBED_JSON);
    if (opts.lease) {
      ensureDir(LEASES);
      fs.writeFileSync(`${LEASES}/${opts.lease.id}.json`, JSON.stringify({ pid: opts.lease.pid ?? null, at: new Date().toISOString() }));
    }
    return info;
  });
}

/** Stop every daemon of the testbed (whoever started it) and drop all leases. */
export function stopTestbed(): Promise<void> {
  return withLock(stopAll);
}

async function stopAll(): Promise<void> {
  const results = await Promise.allSettled([
    stopSshd('web1'),
    stopSshd('web2'),
    stopMariadb(),
    stopPureftpd(),
    stopNamed('ns1'),
    stopNamed('ns2'),
    stopNginx(),
  ]);
  fs.rmSync(TESTBED_JSON, { force: true });
  fs.rmSync(LEASES, { recursive: true, force: true });
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) throw new Error(`testbed stop: ${failed.map((f) => String(f.reason)).join('; ')}`);
}

function liveLeases(): string[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(LEASES).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.filter((n) => {
    try {
      const { pid } = JSON.parse(fs.readFileSync(`${LEASES}/${n}`, 'utf8')) as { pid: number | null };
      if (pid === null) return true; // e.g. the `npm run testbed` demo: lives until `testbed stop`
      if (pidAlive(pid)) return true;
    } catch {
      /* unreadable: treat as dead */
    }
    fs.rmSync(`${LEASES}/${n}`, { force: true });
    return false;
  });
}

/**
 * Drop a lease; stop the testbed if nobody else holds one.
 * Returns the ids of the leases still holding it (empty when stopped).
 */
export function releaseTestbed(id: string): Promise<string[]> {
  return withLock(async () => {
    fs.rmSync(`${LEASES}/${id}.json`, { force: true });
    const others = liveLeases().map((n) => n.replace(/\.json$/, ''));
    if (others.length === 0) await stopAll();
    return others;
  });
}

/** Read what startTestbed wrote (works from vitest worker processes). */
export function loadTestbed(): TestbedInfo {
  const file = process.env.HOSTDECK_TESTBED || TESTBED_JSON;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`testbed not running (no ${file}): run the tests with \`npm test\` or start it with \`npm run testbed\``);
  }
  return JSON.parse(text) as TestbedInfo;
}

/** Replace web2's host key with a fresh one (sshd reloaded, new key presented on return). */
export function swapHostKey(name: 'web2'): Promise<SshInfo> {
  return swapKey(name);
}

/** Put web2's original host key back (sshd reloaded, original key presented on return). */
export function restoreHostKey(name: 'web2'): Promise<SshInfo> {
  return restoreKey(name);
}
