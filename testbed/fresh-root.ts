// A fresh Debian 12 (or Ubuntu 24.04) machine for the "Prepare server" proof: a minimal root
// (mmdebstrap, minbase plus openssh-server and sudo) built once from the distribution's mirror and
// cached as a tarball keyed by its package list, unpacked anew for each run and served by its own
// sshd inside a network namespace:
//
//   root namespace (tests)               namespace hd-fresh
//   hd-fresh0 10.231.1.1/30  <—veth—>    hd-fresh1 10.231.1.2/30   chroot: sshd on :22, then
//   apt proxy on 10.231.1.1:3142                                   nginx, MariaDB, pure-ftpd, BIND
//
// Its own network stack gives the machine the standard ports (22, 80, 21, 53, 3306) without
// touching this machine's, and its firewall rules apply to it alone. There is no systemd in a
// chroot: the recipe finds none and starts daemons through their init scripts (`service`).
// The namespace has no route out; apt reaches the mirror through a caching HTTP proxy this
// process runs on the root side (apt-proxy.ts), named in the machine's apt config as a network's
// proxy would be.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAptProxy, type AptProxy } from './apt-proxy';
import { ubuntuArchiveKeyring } from './ubuntu-keyring';
import { ensureDir, launchDetached, p, probeTcp, run, sleep, waitFor } from './util';

export const FRESH_NETNS = 'hd-fresh';
const VETH = { root: 'hd-fresh0', ns: 'hd-fresh1' } as const;
export const FRESH_ROOT_ADDR = '10.231.1.1';
export const FRESH_ADDR = '10.231.1.2';
export const APT_PROXY_PORT = 3142;

// sudo: as on the distributions' cloud images, where the admin logs in as a user who becomes root through it.
const PACKAGES = ['openssh-server', 'iproute2', 'procps', 'ca-certificates', 'sudo'];
const UBUNTU_MIRROR = 'http://archive.ubuntu.com/ubuntu';

export type Distro = 'debian12' | 'ubuntu2404';
type DistroRoot = { suite: string; packages: string[]; sources: string[] };

const DISTROS: Record<Distro, DistroRoot> = {
  debian12: {
    suite: 'bookworm',
    packages: PACKAGES,
    sources: [
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
    ],
  },
  // main and universe, as Ubuntu's cloud images have them; apt named (Ubuntu's minbase leaves it
  // out) and its keyring package, so apt in the machine checks the archive as a real Ubuntu does.
  ubuntu2404: {
    suite: 'noble',
    packages: [...PACKAGES, 'apt', 'ubuntu-keyring'],
    sources: [
      `deb ${UBUNTU_MIRROR} noble main universe`,
      `deb ${UBUNTU_MIRROR} noble-updates main universe`,
      'deb http://security.ubuntu.com/ubuntu noble-security main universe',
    ],
  },
};

/** The Release files whose answers tell that Ubuntu's archive and its security mirror can be reached from here. */
export const UBUNTU_RELEASE_URLS = [`${UBUNTU_MIRROR}/dists/noble/Release`, 'http://security.ubuntu.com/ubuntu/dists/noble-security/Release'];

const STATE = (): string => ensureDir(p('fresh-root'));
/** Downloaded .deb files and indexes the apt proxy keeps between runs. */
export const aptCacheDir = (): string => ensureDir(p('fresh-root', 'apt-cache'));

/** The cached tarball of the minimal root, keyed by suite, package list and mirrors. */
export function tarballPath(distro: Distro = 'debian12'): string {
  const { suite, packages, sources } = DISTROS[distro];
  const key = createHash('sha256').update(JSON.stringify({ SUITE: suite, PACKAGES: packages, SOURCES: sources })).digest('hex').slice(0, 16);
  return path.join(STATE(), `${distro}-minbase-${key}.tar`);
}

/** Builds the root with mmdebstrap unless its tarball is cached (about 30 s from Debian's mirror). */
export async function ensureTarball(distro: Distro = 'debian12'): Promise<string> {
  const tar = tarballPath(distro);
  if (fs.existsSync(tar)) return tar;
  const { suite, packages, sources } = DISTROS[distro];
  const keyring = distro === 'ubuntu2404' ? [`--keyring=${await ubuntuArchiveKeyring(UBUNTU_MIRROR, suite, path.join(STATE(), 'ubuntu-keyring'))}`] : [];
  const tmp = `${tar}.tmp-${process.pid}`;
  await run('mmdebstrap', ['--variant=minbase', '--format=tar', ...keyring, `--include=${packages.join(',')}`, suite, tmp, ...sources], { timeoutMs: 15 * 60_000 });
  fs.renameSync(tmp, tar);
  return tar;
}

export type FreshServer = { host: string; port: number; dir: string; hostKeyLine: string };

const ip = (args: string[]) => run('ip', args, { allowFail: true, timeoutMs: 15_000 });

async function ensureNetns(): Promise<void> {
  const list = await ip(['netns', 'list']);
  if (!list.stdout.split('\n').some((l) => l.split(/\s+/)[0] === FRESH_NETNS)) {
    const r = await ip(['netns', 'add', FRESH_NETNS]);
    if (r.code !== 0) throw new Error(`ip netns add ${FRESH_NETNS} failed (the fresh server needs CAP_SYS_ADMIN and CAP_NET_ADMIN): ${r.stderr}`);
  }
  if ((await ip(['link', 'show', 'dev', VETH.root])).code !== 0) {
    await run('ip', ['link', 'add', VETH.root, 'type', 'veth', 'peer', 'name', VETH.ns, 'netns', FRESH_NETNS]);
  }
  await run('ip', ['addr', 'replace', `${FRESH_ROOT_ADDR}/30`, 'dev', VETH.root]);
  await run('ip', ['link', 'set', VETH.root, 'up']);
  await run('ip', ['-n', FRESH_NETNS, 'addr', 'replace', `${FRESH_ADDR}/30`, 'dev', VETH.ns]);
  await run('ip', ['-n', FRESH_NETNS, 'link', 'set', VETH.ns, 'up']);
  await run('ip', ['-n', FRESH_NETNS, 'link', 'set', 'lo', 'up']);
}

/**
 * The caching apt proxy the machine's apt is pointed at, on the root side of the machine's
 * network. The network is made first: on a new machine hd-fresh0 and its address do not exist yet.
 */
export async function startFreshAptProxy(): Promise<AptProxy> {
  await ensureNetns();
  return startAptProxy(FRESH_ROOT_ADDR, APT_PROXY_PORT, aptCacheDir());
}

/** Every process in the namespace (the machine's sshd and whatever it started), killed and waited for. */
async function killAll(): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const pids = (await ip(['netns', 'pids', FRESH_NETNS])).stdout.split('\n').map(Number).filter((n) => n > 1);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, round < 10 ? 'SIGTERM' : 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await sleep(100);
  }
}

/** Stops the machine (its init, sshd, takes its PID namespace and mounts with it) and removes its root. */
export async function stopFreshServer(dir: string): Promise<void> {
  await killAll();
  const left = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => (l.split(' ')[1] ?? '').startsWith(`${dir}/`));
  if (left.length > 0) throw new Error(`${dir} still has mounts (${left.length}); not removed`);
  await run('rm', ['-rf', '--one-file-system', dir], { timeoutMs: 120_000 });
}

/**
 * Unpacks a fresh root, starts its sshd in the namespace with the given public key for root, and
 * waits for its banner. Any earlier fresh machine is stopped and removed first.
 */
export async function startFreshServer(publicKey: string, distro: Distro = 'debian12'): Promise<FreshServer> {
  const tar = await ensureTarball(distro);
  await ensureNetns();
  const dir = p('fresh-root', 'machine');
  if (fs.existsSync(dir)) await stopFreshServer(dir);
  ensureDir(dir);
  await run('tar', ['-xpf', tar, '-C', dir], { timeoutMs: 300_000 });
  ensureDir(`${dir}/root/.ssh`, 0o700);
  fs.writeFileSync(`${dir}/root/.ssh/authorized_keys`, publicKey.endsWith('\n') ? publicKey : `${publicKey}\n`, { mode: 0o600 });
  fs.writeFileSync(`${dir}/etc/apt/apt.conf.d/00proxy`, `Acquire::http::Proxy "http://${FRESH_ROOT_ADDR}:${APT_PROXY_PORT}/";\n`);
  fs.writeFileSync(`${dir}/etc/hostname`, 'fresh\n');
  fs.writeFileSync(`${dir}/etc/hosts`, `127.0.0.1 localhost\n${FRESH_ADDR} fresh\n`);
  await killAll();
  // A PID and mount namespace of its own: the machine's /proc shows its processes only (pidof,
  // pkill -u and init scripts never see this machine's daemons), its mounts go when it stops, and
  // sshd is its PID 1, so stopping sshd stops everything it started.
  const boot = [
    `mount -t proc proc ${dir}/proc`,
    `mount -t devpts -o newinstance,ptmxmode=0666 devpts ${dir}/dev/pts`,
    `mount -t tmpfs -o mode=0755 tmpfs ${dir}/run`,
    `mkdir -p ${dir}/run/sshd`,
    `exec chroot ${dir} /usr/sbin/sshd -D -E /var/log/sshd.log`,
  ].join(' && ');
  const exited = launchDetached('ip', ['netns', 'exec', FRESH_NETNS, 'unshare', '--pid', '--fork', '--mount', '--propagation', 'private', 'sh', '-c', boot], path.join(STATE(), 'machine.log'));
  await waitFor('the fresh machine\'s sshd', () => probeTcp(FRESH_ADDR, 22, { readBanner: true }), { timeoutMs: 15_000, abort: exited });
  const hostKey = fs.readFileSync(`${dir}/etc/ssh/ssh_host_ed25519_key.pub`, 'utf8').trim().split(/\s+/);
  return { host: FRESH_ADDR, port: 22, dir, hostKeyLine: `${hostKey[0]} ${hostKey[1]}` };
}
