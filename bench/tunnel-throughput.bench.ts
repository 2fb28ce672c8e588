// Bulk TCP throughput through a local port forward to a TCP source on the server side (here the
// server is web1 on loopback, so the source runs on this machine's 127.0.0.1), three ways in
// one run, interleaved round by round:
//   - direct: the source without SSH (the ceiling, for scale);
//   - Hostdeck: openTunnel() over connect() to web1 (ssh2, in this process);
//   - Hostdeck's channel itself: forwardOut() read in this process without the local port
//     (what a consumer in the core gets when handed the channel, e.g. mysql2's `stream`);
//   - OpenSSH: `ssh -N -L` to web1, once with ssh2's cipher (aes128-gcm) and once with
//     OpenSSH's own default cipher.
// The source runs in a worker thread so that it does not share this event loop with ssh2's
// crypto (on a real server it runs on the far side). A local port is read by another program (a
// database client, a browser), so for every way through a port the reader is a worker thread of
// its own too, the same one for all of them: this event loop holds only the tunnel, as ssh's
// process holds only OpenSSH's. (Until 2026-12-07 the reader ran in this event loop, beside the
// tunnel: 0.75-1.05 of OpenSSH in full runs.) The channel way is read here, as the core's own
// consumers (mysql2's `stream`) read it.
// Info rows: the CPU the forwarding side spends per GB (Hostdeck: this event loop's thread, where
// the tunnel runs; OpenSSH: the ssh process), summed over the measured runs. Both cores are busy
// during a transfer (source, sshd, forwarder, reader), so this is what decides the MB/s, and it
// moves less than MB/s with whatever else the machine runs.
import { readFileSync } from 'node:fs';
import { keyOnlyAuth } from '../src-main/core/ssh/auth';
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Client } from 'ssh2';
import { connect } from '../src-main/core/ssh/connect';
import { parseKnownHosts } from '../src-main/core/ssh/known-hosts';
import { openTunnel } from '../src-main/core/ssh/tunnel';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { startOpenSshForward } from './openssh';
import { threadCpuSeconds } from './proc-cpu';

export const name = 'tunnel-throughput';

const MB = 1e6;
const RUN_BYTES = 512 * 1024 * 1024;
const WARMUP_BYTES = 64 * 1024 * 1024;
const ROUNDS = 7;
/** ssh2's first cipher choice, which sshd accepts (checked below against the live decipher). */
const SSH2_CIPHER = 'aes128-gcm@openssh.com';

// The source: reads an 8-byte big-endian length, writes that many bytes of a preallocated
// buffer as fast as the socket takes them, then closes.
const SOURCE = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const { randomFillSync } = require('node:crypto');
const block = randomFillSync(Buffer.alloc(1 << 20));
const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  sock.on('error', () => {});
  let head = Buffer.alloc(0);
  const onData = (d) => {
    head = Buffer.concat([head, d]);
    if (head.length < 8) return;
    sock.removeListener('data', onData);
    let left = Number(head.readBigUInt64BE(0));
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!sock.write(n === block.length ? block : block.subarray(0, n))) return void sock.once('drain', pump);
      }
      sock.end();
    };
    pump();
  };
  sock.on('data', onData);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); });
`;

function startSource(): Promise<{ port: number; stop: () => Promise<void> }> {
  const worker = new Worker(SOURCE, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (port: number) =>
      resolve({
        port,
        stop: async () => {
          worker.postMessage('stop');
          await new Promise((r) => setTimeout(r, 200));
          await worker.terminate();
        },
      }),
    );
  });
}

// The reader: asked {port, bytes}, pulls that many bytes through 127.0.0.1:port and answers
// {mbps} (10^6 bytes per second) or {error}.
const READER = `
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ port, bytes }) => {
  const t0 = performance.now();
  let got = 0;
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.setNoDelay(true);
  sock.on('error', (e) => parentPort.postMessage({ error: e.message }));
  sock.on('data', (d) => (got += d.length));
  sock.on('end', () => {
    const secs = (performance.now() - t0) / 1000;
    sock.destroy();
    parentPort.postMessage(got === bytes ? { mbps: bytes / 1e6 / secs } : { error: 'received ' + got + ' of ' + bytes + ' bytes through port ' + port });
  });
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(bytes));
  sock.write(head);
});
`;

/** The reader thread; pull(port, bytes) resolves with MB/s. */
function startReader(): { pull: (port: number, bytes: number) => Promise<number>; stop: () => Promise<number> } {
  const worker = new Worker(READER, { eval: true });
  return {
    pull: (port, bytes) =>
      new Promise((resolve, reject) => {
        worker.once('message', (m: { mbps?: number; error?: string }) => (m.error !== undefined ? reject(new Error(m.error)) : resolve(m.mbps!)));
        worker.postMessage({ port, bytes });
      }),
    stop: () => worker.terminate(),
  };
}

/** The same through a forwardOut channel read here, without a local port in between. */
function pullChannel(client: Client, srcPort: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = 0;
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', srcPort, (error, stream) => {
      if (error) return reject(error);
      stream.on('error', reject);
      stream.on('data', (d: Buffer) => (got += d.length));
      stream.on('end', () => {
        const secs = (performance.now() - t0) / 1000;
        stream.end();
        if (got !== bytes) reject(new Error(`received ${got} of ${bytes} bytes through a channel`));
        else resolve(bytes / MB / secs);
      });
      const head = Buffer.alloc(8);
      head.writeBigUInt64BE(BigInt(bytes));
      stream.write(head);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const web1 = testbed.ssh.web1;
  const source = await startSource();
  ctx.defer(source.stop);
  const { pull, stop: stopReader } = startReader();
  ctx.defer(async () => void (await stopReader()));

  const { client } = await connect({
    target: { host: web1.host, port: web1.port, user: testbed.users.hdtest.name, auth: { method: 'key', keyPath: testbed.keys.ed25519.path } },
    auth: keyOnlyAuth(testbed.users.hdtest.name, readFileSync(testbed.keys.ed25519.path)),
    policy: { pin: null, knownHosts: parseKnownHosts(`[${web1.host}]:${web1.port} ${web1.hostKeyLine}`) },
  });
  ctx.defer(() => client.end());
  // ssh2 does not expose the negotiated cipher after 'ready'; its decipher's class tells the family.
  const decipher = (client as unknown as { _protocol?: { _decipher?: object } })._protocol?._decipher?.constructor.name ?? 'unknown';
  if (!/AESGCM/.test(decipher)) ctx.log(`warning: ssh2's decipher is ${decipher}, not AES-GCM: the "same cipher" label is wrong`);
  const tunnel = await openTunnel(client, { remoteHost: '127.0.0.1', remotePort: source.port });
  ctx.defer(tunnel.close);

  const sameCipher = await startOpenSshForward(ctx, source.port, SSH2_CIPHER);
  const ownDefault = await startOpenSshForward(ctx, source.port, null);
  ctx.log(`ciphers: ssh2 ${SSH2_CIPHER} (${decipher}); OpenSSH ${sameCipher.cipher} and its default ${ownDefault.cipher}`);

  // CPU seconds of each forwarder over the measured runs (not the warm-up).
  const cpu = { hostdeck: 0, opensshSame: 0, opensshDefault: 0 };
  let measuring = false;
  const metered = (way: keyof typeof cpu, pid: number, pullWay: (n: number) => Promise<number>) => async (n: number) => {
    const before = threadCpuSeconds(pid);
    const mbps = await pullWay(n);
    if (measuring) cpu[way] += threadCpuSeconds(pid) - before;
    return mbps;
  };
  const ways = {
    direct: (n: number) => pull(source.port, n),
    hostdeck: metered('hostdeck', process.pid, (n) => pull(tunnel.localPort, n)),
    channel: (n: number) => pullChannel(client, source.port, n),
    opensshSame: metered('opensshSame', sameCipher.child.pid!, (n) => pull(sameCipher.port, n)),
    opensshDefault: metered('opensshDefault', ownDefault.child.pid!, (n) => pull(ownDefault.port, n)),
  };
  type Way = keyof typeof ways;
  const order = Object.keys(ways) as Way[];
  const results = Object.fromEntries(order.map((w) => [w, [] as number[]])) as Record<Way, number[]>;

  for (const way of order) await ways[way](WARMUP_BYTES);
  measuring = true;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no way always runs first (or right after the fastest).
    for (let i = 0; i < order.length; i++) {
      const way = order[(round + i) % order.length]!;
      results[way].push(await ways[way](RUN_BYTES));
    }
    ctx.log(`round ${round + 1}/${ROUNDS}: ${order.map((w) => `${w} ${results[w].at(-1)!.toFixed(0)}`).join(', ')} MB/s`);
  }

  const gb = (ROUNDS * RUN_BYTES) / 1e9;
  const perGb = (way: keyof typeof cpu) => cpu[way] / gb;
  ctx.log(`forwarder CPU per GB: Hostdeck ${perGb('hostdeck').toFixed(3)} s, OpenSSH same cipher ${perGb('opensshSame').toFixed(3)} s, OpenSSH default cipher ${perGb('opensshDefault').toFixed(3)} s`);

  await tunnel.close();
  await Promise.all([stopChild(sameCipher.child), stopChild(ownDefault.child)]);

  const m = Object.fromEntries(order.map((w) => [w, median(results[w])])) as Record<Way, number>;
  const unit = 'MB/s';
  const size = `${RUN_BYTES / 1024 / 1024} MiB, median of ${ROUNDS}`;
  const short = (c: string) => c.replace(/@openssh\.com$/, '');
  return [
    entry({ name, metric: `bulk TCP via local forward (port read by another thread), same cipher ${short(SSH2_CIPHER)} (${size})`, unit, hostdeck: m.hostdeck, peer: m.opensshSame, peerName: `OpenSSH ssh -L -c ${short(sameCipher.cipher)}`, goal: '>= 1.0' }),
    entry({ name, metric: `bulk TCP via local forward (port read by another thread), each side's default cipher (${size})`, unit, hostdeck: m.hostdeck, peer: m.opensshDefault, peerName: `OpenSSH ssh -L (default ${short(ownDefault.cipher)})`, goal: '>= 1.0' }),
    entry({ name, metric: `bulk TCP over the SSH channel read in-process, no local port (${size})`, unit, hostdeck: m.channel, peer: m.opensshSame, peerName: `OpenSSH ssh -L -c ${short(sameCipher.cipher)}`, goal: '>= 1.0' }),
    entry({ name, metric: `CPU of the forwarder per GB through the local forward, same cipher ${short(SSH2_CIPHER)} (Hostdeck: the core's event loop thread; OpenSSH: the ssh process; ${ROUNDS} x ${RUN_BYTES / 1024 / 1024} MiB)`, unit: 's/GB', hostdeck: perGb('hostdeck'), peer: perGb('opensshSame'), peerName: `OpenSSH ssh -L -c ${short(sameCipher.cipher)}`, goal: 'info' }),
    entry({ name, metric: `bulk TCP via local forward (port read by another thread) vs no tunnel (${size})`, unit, hostdeck: m.hostdeck, peer: m.direct, peerName: 'direct TCP, no SSH', goal: 'info' }),
  ];
}
