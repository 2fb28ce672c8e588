// The task kinds of "Prepare server". Each script is the shell helpers (shell.ts) then its steps
// (steps.ts), run as root: as it is where Hostdeck logs in as root, through sudo otherwise
// (sudo.ts); what the admin sees is exactly what runs. The two SSH kinds check from this
// workstation: a second, fresh login with the key must work before password logins go, and again after.
import { z } from 'zod';
import { AppError, msg } from '../../../shared/errors';
import { ServerId } from '../../../shared/domain';
import { registerTaskKind } from '../queue/kinds';
import type { Inventory } from '../inventory/service';
import type { ConnectionManager } from '../ssh/connections';
import { PRELUDE, EPILOGUE, script } from './shell';
import { BaseParams, DbParams, FirewallParams, FtpParams, NsParams, WebParams, baseLines, dbLines, firewallLines, ftpLines, nsLines, sshCheckLines, sshHardenLines, webLines } from './steps';
import { asRoot, shownAs, type Login, type RootRun } from './sudo';

export type PrepareDeps = { inventory: Pick<Inventory, 'stored' | 'secret'>; connections: Pick<ConnectionManager, 'connectFresh'> };

/** The server's login as it is now (a task queued earlier runs as the login it has when it runs). */
async function login(deps: PrepareDeps, serverId: string): Promise<Login> {
  const server = deps.inventory.stored(serverId);
  if (server.user === 'root' || server.auth.method !== 'password') return { user: server.user, password: null };
  const password = await deps.inventory.secret(serverId);
  // sudo -S reads one line: the rest of a password with a line break would reach the shell.
  if (password !== null && /[\r\n]/.test(password)) throw new AppError('invalid-input', msg('The login password has a line break: sudo cannot take it on its stdin. Give this login sudo without a password, or log in as root.'));
  return { user: server.user, password };
}

function shown(deps: PrepareDeps, serverId: string, lines: string[]): string[] {
  const server = deps.inventory.stored(serverId);
  return shownAs(server.user, server.auth.method === 'password', lines);
}

function registerRootKind<P extends { serverId: string }>(deps: PrepareDeps, name: string, params: z.ZodType<P>, title: (p: P) => string, body: (p: P) => { lines: string[]; script: string }, verify?: (p: P) => Promise<string>, note: string[] = []): void {
  const run = async (p: P): Promise<RootRun> => asRoot(await login(deps, p.serverId), body(p).script);
  registerTaskKind(name, {
    params,
    title,
    commands: (p) => [...shown(deps, p.serverId, body(p).lines), ...note],
    script: async (p) => (await run(p)).script,
    stdin: async (p) => (await run(p)).stdin,
    ...(verify ? { verify } : {}),
  });
}

/** A kind whose script is the shell helpers, then its steps. */
const withHelpers = <P>(lines: (p: P) => string[]) => (p: P) => ({ lines: [...PRELUDE, ...lines(p), ...EPILOGUE], script: script(lines(p)) });

const SshParams = z.object({ serverId: ServerId }).strict();
type SshParams = z.infer<typeof SshParams>;
const KEY_METHODS = new Set(['key', 'key-passphrase', 'agent']);
/** How long a refused connection is tried again (sshd just reloaded). */
const REFUSED_GRACE_MS = 10_000;

/** A second login, on a fresh connection, with the key Hostdeck uses: refused unless the server is set up to log in by key. */
async function secondKeyLogin(deps: PrepareDeps, p: SshParams): Promise<string> {
  const method = deps.inventory.stored(p.serverId).auth.method;
  if (!KEY_METHODS.has(method)) {
    throw new Error(`Hostdeck logs in to this server by ${method}, not by key: password logins stay on. Give the server a key login (server settings), then retry.`);
  }
  const started = performance.now();
  for (;;) {
    try {
      const fresh = await deps.connections.connectFresh(p.serverId);
      fresh.close();
      break;
    } catch (error) {
      // sshd re-executes itself when reloaded: for a moment nothing listens on its port.
      if ((error as { code?: unknown }).code !== 'refused' || performance.now() - started > REFUSED_GRACE_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return `verified: a second login by key (${method}, a fresh connection) works (${Math.round(performance.now() - started)} ms)`;
}

export function registerPrepareKinds(deps: PrepareDeps): void {
  registerRootKind(deps, 'prepare.base', BaseParams, () => 'Prepare: security upgrades and time sync', withHelpers(() => baseLines()));
  registerRootKind(deps, 'prepare.web', WebParams, () => 'Prepare web: nginx, PHP-FPM, quota, folders', withHelpers(webLines));
  registerRootKind(deps, 'prepare.db', DbParams, (p) => `Prepare databases: MariaDB (buffer pool ${p.bufferPoolMb} MB)`, withHelpers(dbLines));
  registerRootKind(deps, 'prepare.ftp', FtpParams, (p) => `Prepare FTP: pure-ftpd (puredb, TLS, passive ${p.passiveFrom}-${p.passiveTo})`, withHelpers(ftpLines));
  registerRootKind(deps, 'prepare.ns', NsParams, (p) => `Prepare DNS: BIND (transfers to ${p.peers.length ? p.peers.join(', ') : 'no other nameserver'})`, withHelpers(nsLines));
  registerRootKind(deps, 'prepare.firewall', FirewallParams, (p) => `Prepare firewall: only TCP ${[...p.tcp, ...p.tcpRanges.map(([a, b]) => `${a}-${b}`)].join(', ')}${p.udp.length ? ` and UDP ${p.udp.join(', ')}` : ''} in`, withHelpers(firewallLines));
  registerRootKind(
    deps,
    'prepare.ssh-check',
    SshParams,
    () => 'Prepare SSH: check that a second login by key works',
    () => ({ lines: sshCheckLines(), script: `${sshCheckLines().join('\n')}\n` }),
    (p) => secondKeyLogin(deps, p),
    ['# then, from this workstation: a second, fresh SSH login with the server\'s key must work'],
  );
  registerRootKind(deps, 'prepare.ssh-harden', SshParams, () => 'Prepare SSH: key logins only (no passwords)', withHelpers(() => sshHardenLines()), (p) => secondKeyLogin(deps, p), ['# then, from this workstation: a fresh SSH login by key must still work']);
}
