// The whole testbed: real daemons on loopback, started by the project itself. Infrastructure of the
// tests, the benches and `npm run testbed` alike, so it has a top-level folder of its own.
//   startTestbed()  — idempotent, parallel; writes testbed.json in the state folder (ROOT in util.ts)
//   loadTestbed()   — for vitest workers (reads $HOSTDECK_TESTBED or that testbed.json)
//   stopTestbed()   — stops every daemon (pid files), waits for them to exit
//   acquire/release — leases, so that one test run does not stop servers another run (or the
//                     `npm run testbed` demo) still uses.
//   seed.ts         — MariaDB's test data (1M-row shop.orders, hostile names, customer dbs/users) and
//                     ~hdtest/.my.cnf: checked at every start, built when missing (TestbedInfo.db)
//   startAgent()    — a test-scoped ssh-agent holding the ed25519 client key (agent.ts)
//   startFleet(n) / stopFleet() — n lightweight sshds for the health benchmark (fleet.ts; not started
//                     by startTestbed, stopped by stopTestbed)
import * as fs from 'node:fs';
import { strayAgents, stopStrayAgents } from './agent';
import { stopFleet } from './fleet';
import { ensureJumpNet, JUMP_NETNS, jumpNetLeftovers, jumpNetLooksUp, removeJumpNet } from './jumpnet';
import { ensureClientKeys, AUTHORIZED_KEYS, type ClientKeys } from './keys';
import { startMariadb, stopMariadb, type MariadbInfo } from './mariadb';
import { startNamed, stopNamed, type NsInfo, type NsName } from './named';
import { startNginx, stopNginx, type NginxInfo } from './nginx';
import { startPebble, stopPebble, type PebbleInfo } from './pebble';
import { startPhpFpm, stopPhpFpm, type PhpFpmInfo } from './phpfpm';
import { startCron, stopCron, type CronInfo } from './cron';
import { startPureftpd, stopPureftpd, type FtpInfo } from './pureftpd';
import { seedDatabases, type DbSeedInfo } from './seed';
import { KBD_PROMPTS, PAM_SERVICE_OTP, restoreHostKey as restoreKey, sshdPid, sshLogFile, SSH_NAMES, startSshd, stopSshd, swapHostKey as swapKey, type SshInfo } from './sshd';
import { ensureTestUser } from './users';
import { checkRootReachable, cmdline, ensureDir, findProcs, p, pidAlive, ROOT, secrets, sleep } from './util';

export type { ClientKeys, CronInfo, DbSeedInfo, FtpInfo, MariadbInfo, NginxInfo, NsInfo, PebbleInfo, PhpFpmInfo, SshInfo };
export type { KeyPair } from './keys';
export { EXAMPLE_SERIAL, EXAMPLE_ZONE } from './named';
export { NGINX_DEFAULT_TEXT } from './nginx';
export { startAgent, type AgentHandle } from './agent';
export { startFleet, stopFleet } from './fleet';

/** The sshd instances (all share the users, passwords and AuthorizedKeysFile of web1). */
export interface SshServers {
  /** Password and public key (keyboard-interactive advertised, no PAM behind it). */
  web1: SshInfo;
  /** Like web1; its host key can be swapped (swapHostKey). */
  web2: SshInfo;
  /** 127.0.0.4:2222 — password only (PubkeyAuthentication no, KbdInteractiveAuthentication no). */
  pwonly: SshInfo;
  /**
   * 127.0.0.5:2222 — keyboard-interactive only, through Debian's PAM stack for sshd (UsePAM yes):
   * one round with one prompt, "Password: " (echo off); answer hdtest's password. A wrong answer
   * fails after pam_unix's ~2 s delay.
   */
  kbdint: SshInfo & { prompts: string[] };
  /**
   * 127.0.0.6:2222 — keyboard-interactive only, two rounds of one prompt each (PAM service
   * hostdeck-testbed-otp): "Password: " (hdtest's password), then "STRESS Password: " (answer `otp`).
   * The second prompt comes even after a wrong password; failures are immediate (pam_unix nodelay).
   */
  kbdotp: SshInfo & { prompts: string[]; otp: string };
  /** 127.0.0.7:2222 — AuthenticationMethods publickey,password: a key (partial success), then the password. */
  keypw: SshInfo;
  /** The jump host 10.231.0.2:22: sshd in network namespace `netns`, reachable from the tests (veth). */
  jump: SshInfo & { netns: string; logFile: string };
  /**
   * 127.0.0.1:2223 INSIDE network namespace `netns`: only reachable through jump (direct-tcpip /
   * forwardOut / ProxyJump to 127.0.0.1:2223 from there). 127.0.0.1:2223 as seen from the tests is
   * not this server (nothing of the testbed listens there). Its log (LogLevel VERBOSE) shows each
   * connection as "Connection from 127.0.0.1 port … on 127.0.0.1 port 2223".
   */
  inner: SshInfo & { netns: string; logFile: string; via: 'jump'; note: string };
}

export interface TestbedInfo {
  /** Absolute path of the servers' state folder (ROOT in util.ts) */
  root: string;
  ssh: SshServers;
  /** The file both sshds read as AuthorizedKeysFile (for hdtest and root). */
  authorizedKeysFile: string;
  users: { hdtest: { name: string; password: string; uid: number; gid: number; home: string } };
  keys: ClientKeys;
  mariadb: MariadbInfo;
  /** The data seed.ts keeps in that MariaDB (shop.orders with 1M rows, hostile names, customers) and ~hdtest/.my.cnf. */
  db: DbSeedInfo;
  ftp: FtpInfo;
  ns: Record<NsName, NsInfo>;
  nginx: NginxInfo;
  /** A php-fpm master of the testbed's own (root; site pools in php.poolsDir). */
  php: PhpFpmInfo;
  /** Debian's cron, reading the machine's real /etc/cron.d (tests remove their files). */
  cron: CronInfo;
  /** Pebble, the test ACME CA: validates against this nginx and ns1 (testbed/pebble.ts). */
  pebble: PebbleInfo;
}

export const TESTBED_JSON = p('testbed.json');
/** The lease `npm run testbed` takes (no pid: it lasts until `npm run testbed -- stop`). */
export const DEMO_LEASE = 'demo';
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
  checkRootReachable();
  return withLock(async () => {
    ensureDir(ROOT);
    // The tests stop and restart daemons and reset nginx's sites: they would break a demo.
    if (opts.lease && opts.lease.id !== DEMO_LEASE && liveLeases().includes(`${DEMO_LEASE}.json`)) {
      throw new Error('a demo testbed from `npm run testbed` is running, and the tests and benches restart its servers and reset its nginx sites; stop it first with `npm run testbed -- stop`');
    }
    secrets(); // generate once, before anything runs in parallel
    const t0 = Date.now();
    const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const v = await f();
      opts.onReady?.(name, Date.now() - t0);
      return v;
    };
    const mariadbUp = timed('mariadb', startMariadb);
    const tasks = {
      user: timed('user hdtest', ensureTestUser),
      keys: timed('client keys', ensureClientKeys),
      web1: timed('sshd web1', () => startSshd('web1')),
      web2: timed('sshd web2', () => startSshd('web2')),
      pwonly: timed('sshd pwonly', () => startSshd('pwonly')),
      kbdint: timed('sshd kbdint', () => startSshd('kbdint')),
      kbdotp: timed('sshd kbdotp', () => startSshd('kbdotp')),
      keypw: timed('sshd keypw', () => startSshd('keypw')),
      // Quick look first (no process spawned); the full check and repair when that fails.
      netns: timed(`netns ${JUMP_NETNS}`, async () => ((await jumpNetLooksUp(sshdPid('jump'))) ? undefined : ensureJumpNet())),
      mariadb: mariadbUp,
      db: timed('db seed', async () => {
        const [m, u] = await Promise.all([mariadbUp, ensureTestUser()]);
        const { built: _built, ...db } = await seedDatabases(m, u);
        return db;
      }),
      ftp: timed('pure-ftpd', startPureftpd),
      ns1: timed('named ns1', () => startNamed('ns1')),
      ns2: timed('named ns2', () => startNamed('ns2')),
      nginx: timed('nginx', startNginx),
      php: timed('php-fpm', startPhpFpm),
      cron: timed('cron', startCron),
      pebble: timed('pebble', startPebble),
    };
    const netnsUp = tasks.netns.catch(() => {
      throw new Error(`not started: needs the ${JUMP_NETNS} namespace (see netns)`);
    });
    netnsUp.catch(() => {}); // handled: jump and inner may be reused without waiting for it
    const nsTasks = {
      jump: timed('sshd jump', () => startSshd('jump', { after: netnsUp })),
      inner: timed('sshd inner', () => startSshd('inner', { after: netnsUp })),
    };
    const all = { ...tasks, ...nsTasks };
    const settled = await Promise.allSettled(Object.values(all));
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${Object.keys(all)[i]}: ${(s.reason as Error).message ?? String(s.reason)}`] : []));
    if (failures.length) throw new Error(`testbed failed to start:\n${failures.join('\n\n')}`);
    const u = await tasks.user;
    const info: TestbedInfo = {
      root: ROOT,
      ssh: {
        web1: await tasks.web1,
        web2: await tasks.web2,
        pwonly: await tasks.pwonly,
        kbdint: { ...(await tasks.kbdint), prompts: [...KBD_PROMPTS.kbdint] },
        kbdotp: { ...(await tasks.kbdotp), prompts: [...KBD_PROMPTS.kbdotp], otp: secrets().otpCode },
        keypw: await tasks.keypw,
        jump: { ...(await nsTasks.jump), netns: JUMP_NETNS, logFile: sshLogFile('jump') },
        inner: {
          ...(await nsTasks.inner),
          netns: JUMP_NETNS,
          logFile: sshLogFile('inner'),
          via: 'jump',
          note: `only reachable through ssh.jump: a direct-tcpip channel (forwardOut) from the jump host to 127.0.0.1:2223; 127.0.0.1:2223 seen from the tests is not this server`,
        },
      },
      authorizedKeysFile: AUTHORIZED_KEYS,
      users: { hdtest: { name: u.name, password: u.password, uid: u.uid, gid: u.gid, home: u.home } },
      keys: await tasks.keys,
      mariadb: await tasks.mariadb,
      db: await tasks.db,
      ftp: await tasks.ftp,
      ns: { ns1: await tasks.ns1, ns2: await tasks.ns2 },
      nginx: await tasks.nginx,
      php: await tasks.php,
      cron: await tasks.cron,
      pebble: await tasks.pebble,
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
    ...SSH_NAMES.filter((n) => n !== 'jump' && n !== 'inner').map(stopSshd),
    // The namespace goes once its sshds are stopped (removeJumpNet also kills anything left in it).
    Promise.allSettled([stopSshd('jump'), stopSshd('inner')]).then(removeJumpNet),
    stopFleet(),
    stopStrayAgents(),
    stopMariadb(),
    stopPureftpd(),
    stopNamed('ns1'),
    stopNamed('ns2'),
    stopNginx(),
    stopPhpFpm(),
    stopCron(),
    stopPebble(),
  ]);
  fs.rmSync(TESTBED_JSON, { force: true });
  fs.rmSync(LEASES, { recursive: true, force: true });
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) throw new Error(`testbed stop: ${failed.map((f) => String(f.reason)).join('; ')}`);
}

/**
 * What of the SSH side of the testbed is still there: sshd listeners of the testbed (variants, jump,
 * inner, fleet), agents of startAgent(), the hd-jump namespace and veth, kbdotp's PAM file.
 * Empty after stopTestbed.
 */
export async function sshLeftovers(): Promise<string[]> {
  const procs = findProcs(`${ROOT}/`, '[listener]').map((pid) => `pid ${pid}: ${cmdline(pid)}`);
  const agents = strayAgents().map((pid) => `pid ${pid}: ${cmdline(pid)}`);
  const pam = fs.existsSync(`/etc/pam.d/${PAM_SERVICE_OTP}`) ? [`/etc/pam.d/${PAM_SERVICE_OTP}`] : [];
  return [...procs, ...agents, ...(await jumpNetLeftovers()), ...pam];
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
/**
 * Stops the testbed's nginx for the length of fn and starts it again, even on failure, holding
 * the testbed lock meanwhile: no parallel run starts the testbed (and nginx) under the caller,
 * and two such callers take turns.
 */
export function withNginxStopped<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(async () => {
    await stopNginx();
    try {
      return await fn();
    } finally {
      await startNginx();
    }
  });
}

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
