// OpenSSH sshd instances, each with its own config, host key, pid file and log (ssh/<name>/ in the state folder),
// all with the same users (hdtest, root) and the same AuthorizedKeysFile:
//   web1, web2   127.0.0.2/.3:2222  password, public key (keyboard-interactive advertised, no PAM)
//   pwonly       127.0.0.4:2222     password only
//   kbdint       127.0.0.5:2222     keyboard-interactive only, through PAM (Debian's /etc/pam.d/sshd): "Password: "
//   kbdotp       127.0.0.6:2222     keyboard-interactive only, two PAM prompts: "Password: " then "STRESS Password: " (the OTP)
//   keypw        127.0.0.7:2222     public key AND password (AuthenticationMethods publickey,password)
//   jump         10.231.0.2:22      in the hd-jump network namespace (jumpnet.ts), reachable from here
//   inner        127.0.0.1:2223     in the hd-jump network namespace, only reachable through jump
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { AUTHORIZED_KEYS } from './keys';
import { inJumpNet, inJumpNetns, JUMP_NETNS, JUMP_NS_ADDR, listensInNetnsOf } from './jumpnet';
import { ensureDaemon, ensureDir, livePid, p, probeTcp, run, secrets, stopByPidFile, tailFile, waitFor, writeIfChanged } from './util';

export type SshName = 'web1' | 'web2' | 'pwonly' | 'kbdint' | 'kbdotp' | 'keypw' | 'jump' | 'inner';

export interface SshInfo {
  host: string;
  port: number;
  /** "SHA256:..." as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** "ssh-ed25519 AAAA..." (no comment). */
  hostKeyLine: string;
}

interface SshSpec {
  host: string;
  port: number;
  usePam: boolean;
  password: boolean;
  kbdInteractive: boolean;
  pubkey: boolean;
  /** Config lines appended at the end. */
  extra?: string;
  /** Also reads each user's own ~/.ssh/authorized_keys (as stock sshd does): sites' file managers log in as the site with a short-lived key put there. */
  userKeys?: boolean;
  /** Runs in this network namespace (ip netns exec). */
  netns?: string;
  /** Reachable from the root namespace (where the tests run): host-key reloads are checked with ssh-keyscan. */
  reachable: boolean;
  /**
   * PAM service of its own: sshd runs through a symlink of this name (sshd passes its program name to
   * pam_start) and /etc/pam.d/<name> is written (removed again by stopTestbed).
   */
  pamService?: string;
}

/** kbdotp's PAM service (/etc/pam.d/hostdeck-testbed-otp while it runs). */
export const PAM_SERVICE_OTP = 'hostdeck-testbed-otp';

const SPECS: Record<SshName, SshSpec> = {
  web1: { host: '127.0.0.2', port: 2222, usePam: false, password: true, kbdInteractive: true, pubkey: true, reachable: true, userKeys: true },
  web2: { host: '127.0.0.3', port: 2222, usePam: false, password: true, kbdInteractive: true, pubkey: true, reachable: true, userKeys: true },
  pwonly: { host: '127.0.0.4', port: 2222, usePam: false, password: true, kbdInteractive: false, pubkey: false, reachable: true },
  kbdint: { host: '127.0.0.5', port: 2222, usePam: true, password: false, kbdInteractive: true, pubkey: false, reachable: true },
  kbdotp: {
    host: '127.0.0.6',
    port: 2222,
    usePam: true,
    password: false,
    kbdInteractive: true,
    pubkey: false,
    reachable: true,
    pamService: PAM_SERVICE_OTP,
  },
  keypw: {
    host: '127.0.0.7',
    port: 2222,
    usePam: false,
    password: true,
    kbdInteractive: false,
    pubkey: true,
    reachable: true,
    extra: 'AuthenticationMethods publickey,password\n',
  },
  jump: { host: JUMP_NS_ADDR, port: 22, usePam: false, password: true, kbdInteractive: false, pubkey: true, reachable: true, netns: JUMP_NETNS },
  inner: { host: '127.0.0.1', port: 2223, usePam: false, password: true, kbdInteractive: false, pubkey: true, reachable: false, netns: JUMP_NETNS },
};

export const SSH_NAMES = Object.keys(SPECS) as SshName[];

export const SSH_HOSTS = Object.fromEntries(SSH_NAMES.map((n) => [n, { host: SPECS[n].host, port: SPECS[n].port }])) as Record<
  SshName,
  { host: string; port: number }
>;

/** The keyboard-interactive prompts (in order) of kbdint and kbdotp, as sshd sends them. */
export const KBD_PROMPTS = { kbdint: ['Password: '], kbdotp: ['Password: ', 'STRESS Password: '] } as const;

export const SSHD = '/usr/sbin/sshd'; // absolute: sshd re-execs itself (SIGHUP, every connection)

function paths(name: SshName) {
  const dir = p('ssh', name);
  const pam = SPECS[name].pamService;
  return {
    dir,
    config: `${dir}/sshd_config`,
    key: `${dir}/host_ed25519_key`,
    orig: `${dir}/host_ed25519_key.orig`,
    pid: `${dir}/sshd.pid`,
    log: `${dir}/sshd.log`,
    /** What runs: /usr/sbin/sshd, or a symlink to it named after the PAM service. */
    bin: pam ? `${dir}/${pam}` : SSHD,
    pamFile: pam ? `/etc/pam.d/${pam}` : null,
    otpCheck: `${dir}/otp-check`,
  };
}

export const sshLogFile = (name: SshName): string => paths(name).log;

/** The pid of the sshd listener (from its pid file), or null. */
export const sshdPid = (name: SshName): number | null => livePid(paths(name).pid, paths(name).bin);

export function keyLineOf(pubFile: string): string {
  const [type, blob] = fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/);
  return `${type} ${blob}`;
}

export function fingerprintOf(keyLine: string): string {
  const blob = Buffer.from(keyLine.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function info(name: SshName): SshInfo {
  const line = keyLineOf(`${paths(name).key}.pub`);
  return { ...SSH_HOSTS[name], hostKeyFingerprint: fingerprintOf(line), hostKeyLine: line };
}

const yn = (b: boolean): string => (b ? 'yes' : 'no');

function config(name: SshName): string {
  const s = SPECS[name];
  const ps = paths(name);
  return `# generated by testbed/sshd.ts
ListenAddress ${s.host}
Port ${s.port}
HostKey ${ps.key}
PidFile ${ps.pid}
AuthorizedKeysFile ${AUTHORIZED_KEYS}${s.userKeys ? ' .ssh/authorized_keys' : ''}
StrictModes no
UsePAM ${yn(s.usePam)}
PasswordAuthentication ${yn(s.password)}
KbdInteractiveAuthentication ${yn(s.kbdInteractive)}
PubkeyAuthentication ${yn(s.pubkey)}
PermitRootLogin prohibit-password
AllowTcpForwarding yes
Subsystem sftp internal-sftp
MaxSessions 50
MaxStartups 100:30:200
LogLevel VERBOSE
UseDNS no
PrintMotd no
${s.extra ?? ''}
# This machine's own root dotfiles are not a server's (a language version manager in ~/.bashrc,
# which bash reads for every command sshd runs, adds about 0.2 s to each): root's sessions get a
# home with Debian's skeleton files, as a fresh server has, and one of each test server's own
# (its task lock and caches are its own, as on separate machines).
Match User root
  SetEnv HOME=${rootHome(name)}
`;
}

/** The home root's sessions on one test server get (see config()). */
export const rootHome = (name: SshName): string => p('root-home', name);

function prepareRootHome(name: SshName): void {
  ensureDir(p('root-home'), 0o700);
  ensureDir(rootHome(name), 0o700);
  for (const f of ['.bashrc', '.profile']) {
    const skel = `/etc/skel/${f}`;
    writeIfChanged(`${rootHome(name)}/${f}`, fs.existsSync(skel) ? fs.readFileSync(skel, 'utf8') : '', 0o644);
  }
}

/**
 * kbdotp's PAM stack: the password (pam_unix, as Debian's common-auth; nodelay: a wrong answer
 * fails at once instead of after ~2 s), then a second prompt from pam_stress ("STRESS Password: ",
 * it stores the answer as the authtok) which pam_exec hands to a script comparing it with the OTP.
 * account and session: Debian's sshd stack.
 */
function pamStack(name: SshName): string {
  return `# generated by Hostdeck's testbed/sshd.ts (testbed sshd ${name}); removed by stopTestbed
auth     required   pam_unix.so nodelay
auth     required   pam_stress.so
auth     required   pam_exec.so quiet expose_authtok ${paths(name).otpCheck}
account  include    sshd
session  include    sshd
`;
}

export async function genKey(file: string, comment: string): Promise<void> {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

function install(from: string, to: string): void {
  // Atomic replace of both halves (private first: sshd only reads the private key).
  fs.copyFileSync(from, `${to}.tmp`);
  fs.chmodSync(`${to}.tmp`, 0o600);
  fs.renameSync(`${to}.tmp`, to);
  fs.copyFileSync(`${from}.pub`, `${to}.pub.tmp`);
  fs.renameSync(`${to}.pub.tmp`, `${to}.pub`);
}

const same = (a: string, b: string): boolean => {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
};

/**
 * Is it up? web1/web2: they answer with an SSH banner. The others: their listener (pid file) is
 * alive and its socket listens in its network namespace (the current hd-jump one for jump and
 * inner) — read from /proc, no connection: every connection costs sshd a fork and re-exec, and
 * startTestbed runs on every `npm test`.
 */
export async function sshdAnswers(name: SshName): Promise<boolean> {
  const s = SPECS[name];
  if (name === 'web1' || name === 'web2') {
    const banner = await probeTcp(s.host, s.port, { readBanner: true, timeoutMs: 2000 });
    return banner?.startsWith('SSH-') ?? false;
  }
  const ps = paths(name);
  const pid = livePid(ps.pid, ps.bin);
  if (pid === null || (s.netns && !inJumpNetns(pid))) return false;
  return listensInNetnsOf(pid, s.host, s.port);
}

/** The host key the server presents right now (via ssh-keyscan), or null. */
async function presentedKey(name: SshName): Promise<string | null> {
  const { host, port } = SSH_HOSTS[name];
  const r = await run('ssh-keyscan', ['-T', '2', '-t', 'ed25519', '-p', String(port), host], { allowFail: true });
  const line = r.stdout.split('\n').find((l) => l.includes('ssh-ed25519'));
  if (!line) return null;
  const f = line.trim().split(/\s+/);
  return `${f[1]} ${f[2]}`;
}

async function reloadAndWait(name: SshName, expectLine: string): Promise<void> {
  const ps = paths(name);
  const pid = livePid(ps.pid, ps.bin);
  if (pid === null) throw new Error(`sshd ${name} is not running`);
  const logSize = fs.existsSync(ps.log) ? fs.statSync(ps.log).size : 0;
  process.kill(pid, 'SIGHUP');
  // Until the re-exec'd sshd is listening again (a keyscan could still reach the old socket)…
  await waitFor(
    `sshd ${name} to restart`,
    () => {
      const fd = fs.openSync(ps.log, 'r');
      try {
        const buf = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - logSize));
        fs.readSync(fd, buf, 0, buf.length, logSize);
        return buf.toString('utf8').includes('Server listening on');
      } finally {
        fs.closeSync(fd);
      }
    },
    { timeoutMs: 10_000, intervalMs: 10, detail: () => tailFile(ps.log) },
  );
  // …and presents the expected key.
  await waitFor(`sshd ${name} to present the new host key`, async () => (await presentedKey(name)) === expectLine, {
    timeoutMs: 10_000,
    intervalMs: 30,
    detail: () => tailFile(ps.log),
  });
  // After the re-exec sshd writes its pid file again; wait for it so stop finds it.
  await waitFor(`sshd ${name} pid file`, () => livePid(ps.pid, ps.bin) !== null, { timeoutMs: 5000 });
}

/** The PAM service file, the OTP script and the symlink of kbdotp (rewritten only when they differ). */
function preparePam(name: SshName): void {
  const ps = paths(name);
  if (!ps.pamFile) return;
  writeIfChanged(ps.otpCheck, `#!/bin/sh\n# pam_exec expose_authtok: the answer to the second prompt on stdin (no newline)\n[ "$(cat)" = '${secrets().otpCode}' ]\n`, 0o700);
  writeIfChanged(ps.pamFile, pamStack(name), 0o644);
  let target: string | null = null;
  try {
    target = fs.readlinkSync(ps.bin);
  } catch {
    /* missing */
  }
  if (target !== SSHD) {
    fs.rmSync(ps.bin, { force: true });
    fs.symlinkSync(SSHD, ps.bin);
  }
}

/**
 * Start (or reuse) one sshd. jump and inner need the hd-jump namespace (ensureJumpNet): pass its
 * setup as `after`, awaited right before launching (checking the config does not need it).
 */
export async function startSshd(name: SshName, opts: { after?: Promise<unknown> } = {}): Promise<SshInfo> {
  const ps = paths(name);
  const spec = SPECS[name];
  ensureDir('/run/sshd', 0o755);
  ensureDir(ps.dir);
  if (!fs.existsSync(ps.orig) || !fs.existsSync(`${ps.orig}.pub`)) {
    await genKey(ps.orig, `hostdeck-testbed-${name}`);
  }
  // A crashed test may have left a swapped key behind: always come up with the original one.
  let keyChanged = false;
  if (!same(ps.orig, ps.key) || !same(`${ps.orig}.pub`, `${ps.key}.pub`)) {
    install(ps.orig, ps.key);
    keyChanged = true;
  }
  preparePam(name);
  prepareRootHome(name);
  const launchArgs = ['-f', ps.config, '-E', ps.log];
  const result = await ensureDaemon({
    name: `sshd ${name}`,
    pidFile: ps.pid,
    match: ps.bin,
    logFile: ps.log,
    probe: () => sshdAnswers(name),
    prepare: async () => {
      writeIfChanged(ps.config, config(name));
      // sshd -t checks config and keys synchronously (sshd logs to -E file otherwise).
      await run(ps.bin, ['-t', '-f', ps.config]);
    },
    launch: async () => {
      // sshd daemonizes, then listens, then writes its pid file: run() returns once it has forked.
      await opts.after;
      if (spec.netns) await inJumpNet(ps.bin, launchArgs);
      else await run(ps.bin, launchArgs);
    },
  });
  if (result === 'reused' && (writeIfChanged(ps.config, config(name)) || keyChanged)) {
    if (spec.reachable) await reloadAndWait(name, keyLineOf(`${ps.key}.pub`));
    else {
      // Not reachable for ssh-keyscan: restart instead of reloading.
      await stopSshd(name);
      return startSshd(name, opts);
    }
  }
  return info(name);
}

export async function stopSshd(name: SshName): Promise<void> {
  const ps = paths(name);
  await stopByPidFile(ps.pid, ps.bin);
  if (ps.pamFile) fs.rmSync(ps.pamFile, { force: true });
}

/** Replace the sshd's host key with a freshly generated one, SIGHUP it, wait until it presents it. */
export async function swapHostKey(name: SshName): Promise<SshInfo> {
  const ps = paths(name);
  const fresh = `${ps.dir}/host_ed25519_key.swap`;
  await genKey(fresh, `hostdeck-testbed-${name}-swapped`);
  install(fresh, ps.key);
  await reloadAndWait(name, keyLineOf(`${ps.key}.pub`));
  return info(name);
}

/** Put the original host key back (SIGHUP, wait until presented). */
export async function restoreHostKey(name: SshName): Promise<SshInfo> {
  const ps = paths(name);
  install(ps.orig, ps.key);
  await reloadAndWait(name, keyLineOf(`${ps.key}.pub`));
  return info(name);
}
