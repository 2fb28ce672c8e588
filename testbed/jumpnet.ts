// The network namespace of the jump-host setup:
//
//   root namespace (tests)            namespace hd-jump
//   hd-jump0 10.231.0.1/30  <—veth—>  hd-jump1 10.231.0.2/30   sshd "jump"  on 10.231.0.2:22
//                                     lo 127.0.0.1              sshd "inner" on 127.0.0.1:2223
//
// Tests reach jump directly; inner only through jump (direct-tcpip to 127.0.0.1:2223 from there):
// 127.0.0.1:2223 in the root namespace is another address altogether.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { run, sleep, pidAlive } from './util';

export const JUMP_NETNS = 'hd-jump';
export const JUMP_VETH = { root: 'hd-jump0', ns: 'hd-jump1' } as const;
export const JUMP_ROOT_ADDR = '10.231.0.1';
export const JUMP_NS_ADDR = '10.231.0.2';
const NETNS_FILE = `/run/netns/${JUMP_NETNS}`;

const ip = (args: string[], input?: string) => run('ip', args, { allowFail: true, input, timeoutMs: 15_000 });

async function netnsExists(): Promise<boolean> {
  const r = await ip(['netns', 'list']);
  return r.stdout.split('\n').some((l) => l.split(/\s+/)[0] === JUMP_NETNS);
}

const linkExists = async (dev: string, netns?: string): Promise<boolean> =>
  (await ip([...(netns ? ['-n', netns] : []), 'link', 'show', 'dev', dev])).code === 0;

function notPermitted(step: string, out: string): Error {
  return new Error(
    `the jump-host setup needs a network namespace (${JUMP_NETNS}) and a veth pair, and \`${step}\` failed:\n${out.trim()}\n` +
      'Run the testbed as root with CAP_SYS_ADMIN and CAP_NET_ADMIN (as CI does); in a container: --privileged or --cap-add SYS_ADMIN --cap-add NET_ADMIN.',
  );
}

/** /run/netns/hd-jump is there and is a namespace (nsfs), not a stale plain file. */
function nsMounted(): boolean {
  try {
    return fs.statSync(NETNS_FILE).dev === fs.statSync('/proc/self/ns/net').dev;
  } catch {
    return false;
  }
}

/**
 * Create (or repair) the namespace, its lo, and the veth pair with its addresses. Idempotent.
 * At most three `ip` runs one after the other (namespace, root side, namespace side).
 */
export async function ensureJumpNet(): Promise<void> {
  let fresh = false;
  if (!nsMounted()) {
    fs.rmSync(NETNS_FILE, { force: true });
    const r = await ip(['netns', 'add', JUMP_NETNS]);
    if (r.code !== 0 && !nsMounted()) throw notPermitted(`ip netns add ${JUMP_NETNS}`, r.stderr || r.stdout);
    fresh = r.code === 0;
  }
  const rootSide = rootLinkExists();
  const pairOk = rootSide && !fresh && (await linkExists(JUMP_VETH.ns, JUMP_NETNS));
  // `addr replace` and `link set up` are idempotent.
  const rootCmds = [
    ...(pairOk ? [] : rootSide ? [`link del ${JUMP_VETH.root}`] : []), // half a pair (or a stale one): start over
    ...(pairOk ? [] : [`link add ${JUMP_VETH.root} type veth peer name ${JUMP_VETH.ns} netns ${JUMP_NETNS}`]),
    `addr replace ${JUMP_ROOT_ADDR}/30 dev ${JUMP_VETH.root}`,
    `link set dev ${JUMP_VETH.root} up`,
  ];
  const nsCmds = ['link set dev lo up', `addr replace ${JUMP_NS_ADDR}/30 dev ${JUMP_VETH.ns}`, `link set dev ${JUMP_VETH.ns} up`];
  const batch = async (pre: string[], cmds: string[]): Promise<void> => {
    const input = `${cmds.join('\n')}\n`;
    const r = await ip([...pre, '-batch', '-'], input);
    if (r.code !== 0) throw notPermitted(`ip ${[...pre, '-batch', '-'].join(' ')}`, `${input}${r.stderr}`);
  };
  const rootDone = batch([], rootCmds);
  // The namespace side needs the pair; when it was there already, both sides at once.
  await Promise.all([rootDone, (pairOk ? Promise.resolve() : rootDone).then(() => batch(['-n', JUMP_NETNS], nsCmds))]);
}

/**
 * The root side of the veth pair exists in our network namespace (/proc/net/dev is per namespace;
 * /sys/class/net is the one of whoever mounted /sys). No process spawned.
 */
function rootLinkExists(): boolean {
  try {
    return fs
      .readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .some((l) => l.trim().startsWith(`${JUMP_VETH.root}:`));
  } catch {
    return false;
  }
}

/**
 * A TCP connection from localAddress to host:port is accepted, or refused (the address answers),
 * within timeoutMs.
 */
function tcpReaches(localAddress: string, host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, localAddress });
    const done = (v: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/**
 * The namespace, the veth pair and its addresses are in place, judged without spawning a process:
 * the jump sshd (jumpPid) lives in the namespace /run/netns/hd-jump names, and the namespace's
 * address answers from here (so the pair is there and up, with both addresses).
 */
export async function jumpNetLooksUp(jumpPid: number | null): Promise<boolean> {
  // From the root side's address (so not through some other route, whose gateway might refuse too)
  // to port 9, where nothing listens: a refusal proves the link without costing sshd a connection.
  return jumpPid !== null && inJumpNetns(jumpPid) && (await tcpReaches(JUMP_ROOT_ADDR, JUMP_NS_ADDR, 9, 500));
}

/** Does pid live in the namespace /run/netns/hd-jump names (not in a deleted one of the same name)? */
export function inJumpNetns(pid: number): boolean {
  try {
    const ns = fs.statSync(NETNS_FILE);
    const its = fs.statSync(`/proc/${pid}/ns/net`);
    return ns.ino === its.ino && ns.dev === its.dev;
  } catch {
    return false;
  }
}

/** Is there a listening TCP socket on host:port (IPv4) in pid's network namespace? No process spawned. */
export function listensInNetnsOf(pid: number, host: string, port: number): boolean {
  const bytes = host.split('.').map((b) => Number(b).toString(16).padStart(2, '0'));
  const addr = (os.endianness() === 'LE' ? bytes.reverse() : bytes).join('').toUpperCase();
  const local = `${addr}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    return fs
      .readFileSync(`/proc/${pid}/net/tcp`, 'utf8')
      .split('\n')
      .some((l) => {
        const f = l.trim().split(/\s+/);
        return f[1] === local && f[3] === '0A'; // 0A: LISTEN
      });
  } catch {
    return false;
  }
}

/** Run a command inside the namespace (argv as for execvp). */
export function inJumpNet(cmd: string, args: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}) {
  return run('ip', ['netns', 'exec', JUMP_NETNS, cmd, ...args], opts);
}

/** Kill whatever still runs in the namespace (only our sshds and their sessions), delete it and the veth pair. */
export async function removeJumpNet(): Promise<void> {
  if (await netnsExists()) {
    const pids = (await ip(['netns', 'pids', JUMP_NETNS])).stdout
      .split(/\s+/)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
    for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
      const alive = pids.filter(pidAlive);
      for (const pid of alive) {
        try {
          process.kill(pid, sig);
        } catch {
          /* gone */
        }
      }
      const deadline = Date.now() + 3000;
      while (pids.some(pidAlive) && Date.now() < deadline) await sleep(20);
    }
    const r = await ip(['netns', 'del', JUMP_NETNS]);
    if (r.code !== 0 && (await netnsExists())) throw new Error(`ip netns del ${JUMP_NETNS}: ${r.stderr.trim()}`);
  }
  // Deleting the namespace destroys the pair; a root side left alone (its peer gone) is removed here.
  if (await linkExists(JUMP_VETH.root)) await ip(['link', 'del', JUMP_VETH.root]);
}

/** Is anything of the jump setup still there? (for checks after stopTestbed) */
export async function jumpNetLeftovers(): Promise<string[]> {
  const left: string[] = [];
  if (await netnsExists()) left.push(`netns ${JUMP_NETNS}`);
  if (await linkExists(JUMP_VETH.root)) left.push(`link ${JUMP_VETH.root}`);
  return left;
}
