// OpenSSH as the peer of our SSH benchmarks: `ssh -N -L` to the testbed's web1, with the
// negotiated cipher read from its verbose log.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, type BenchContext } from './lib';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export type OpenSsh = { port: number; cipher: string; child: ChildProcess };

/** `ssh -N -L` to web1 (forwarding to srcHost:srcPort as the server sees it); resolves once the forward's port accepts and the cipher is known. */
export async function startOpenSshForward(ctx: BenchContext, srcPort: number, cipher: string | null, srcHost = '127.0.0.1'): Promise<OpenSsh> {
  const { testbed } = ctx;
  const web1 = testbed.ssh.web1;
  const knownHosts = path.join(ctx.tmpDir, 'known_hosts');
  writeFileSync(knownHosts, `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  const port = await freePort();
  const args = [
    '-v', // for the negotiated cipher
    '-N',
    '-F', '/dev/null',
    '-L', `127.0.0.1:${port}:${srcHost}:${srcPort}`,
    '-i', testbed.keys.ed25519.path,
    '-p', String(web1.port),
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ExitOnForwardFailure=yes',
    ...(cipher ? ['-c', cipher] : []),
    `${testbed.users.hdtest.name}@${web1.host}`,
  ];
  const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ctx.defer(() => child.exitCode === null && child.kill());
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ssh -L exited ${child.exitCode}:\n${stderr.split('\n').filter((l) => !l.startsWith('debug')).join('\n')}`);
    const negotiated = /kex: server->client cipher: (\S+)/.exec(stderr)?.[1];
    if (negotiated && (await accepts(port))) return { port, cipher: negotiated, child };
    if (Date.now() > deadline) throw new Error(`ssh -L did not accept on ${port} within 10 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

