// The task kinds of "Prepare server". Each script is the shell helpers (shell.ts) then its steps
// (steps.ts); what the admin sees is exactly what runs. The two SSH kinds check from this
// workstation: a second, fresh login with the key must work before password logins go, and again after.
import { z } from 'zod';
import { ServerId } from '../../../shared/domain';
import { registerTaskKind } from '../queue/kinds';
import type { Inventory } from '../inventory/service';
import type { ConnectionManager } from '../ssh/connections';
import { PRELUDE, EPILOGUE, script } from './shell';
import { DbParams, FirewallParams, FtpParams, NoParams, NsParams, WebParams, baseLines, dbLines, firewallLines, ftpLines, nsLines, sshCheckLines, sshHardenLines, webLines } from './steps';

const shown = (lines: string[]): string[] => [...PRELUDE, ...lines, ...EPILOGUE];

function register<P extends Record<string, unknown>>(name: string, params: z.ZodType<P>, title: (p: P) => string, lines: (p: P) => string[]): void {
  registerTaskKind(name, { params, title, commands: (p) => shown(lines(p)), script: (p) => script(lines(p)) });
}

register('prepare.base', NoParams, () => 'Prepare: security upgrades and time sync', () => baseLines());
register('prepare.web', WebParams, () => 'Prepare web: nginx, PHP-FPM, quota, folders', webLines);
register('prepare.db', DbParams, (p) => `Prepare databases: MariaDB (buffer pool ${p.bufferPoolMb} MB)`, dbLines);
register('prepare.ftp', FtpParams, (p) => `Prepare FTP: pure-ftpd (puredb, TLS, passive ${p.passiveFrom}-${p.passiveTo})`, ftpLines);
register('prepare.ns', NsParams, (p) => `Prepare DNS: BIND (transfers to ${p.peers.length ? p.peers.join(', ') : 'no other nameserver'})`, nsLines);
register('prepare.firewall', FirewallParams, (p) => `Prepare firewall: only TCP ${[...p.tcp, ...p.tcpRanges.map(([a, b]) => `${a}-${b}`)].join(', ')}${p.udp.length ? ` and UDP ${p.udp.join(', ')}` : ''} in`, firewallLines);

const SshParams = z.object({ serverId: ServerId }).strict();
type SshParams = z.infer<typeof SshParams>;
const KEY_METHODS = new Set(['key', 'key-passphrase', 'agent']);
/** How long a refused connection is tried again (sshd just reloaded). */
const REFUSED_GRACE_MS = 10_000;

export type SshCheckDeps = { inventory: Pick<Inventory, 'stored'>; connections: Pick<ConnectionManager, 'connectFresh'> };

/** A second login, on a fresh connection, with the key Hostdeck uses: refused unless the server is set up to log in by key. */
async function secondKeyLogin(deps: SshCheckDeps, p: SshParams): Promise<string> {
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

export function registerSshKinds(deps: SshCheckDeps): void {
  registerTaskKind('prepare.ssh-check', {
    params: SshParams,
    title: () => 'Prepare SSH: check that a second login by key works',
    commands: () => [...sshCheckLines(), '# then, from this workstation: a second, fresh SSH login with the server\'s key must work'],
    script: () => `${sshCheckLines().join('\n')}\n`,
    verify: (p) => secondKeyLogin(deps, p),
  });
  registerTaskKind('prepare.ssh-harden', {
    params: SshParams,
    title: () => 'Prepare SSH: key logins only (no passwords)',
    commands: () => [...shown(sshHardenLines()), '# then, from this workstation: a fresh SSH login by key must still work'],
    script: () => script(sshHardenLines()),
    verify: (p) => secondKeyLogin(deps, p),
  });
}
