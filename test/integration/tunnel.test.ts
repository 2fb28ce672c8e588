// Local port forwards over one verified SSH connection to the testbed's sshd (web1): the
// MariaDB greeting arrives through the tunnel, 8 MB echo byte-exact, half-close passes through,
// and close() frees the port.
import { readFileSync } from 'node:fs';
import { keyOnlyAuth } from '../../src-main/core/ssh/auth';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src-main/core/ssh/connect';
import { parseKnownHosts } from '../../src-main/core/ssh/known-hosts';
import { openTunnel } from '../../src-main/core/ssh/tunnel';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

let tb: TestbedInfo;
let client: Client;
const servers: net.Server[] = [];

beforeAll(async () => {
  tb = loadTestbed();
  const web1 = tb.ssh.web1;
  const { client: c } = await connect({
    target: { host: web1.host, port: web1.port, user: 'hdtest', auth: { method: 'key', keyPath: tb.keys.ed25519.path } },
    auth: keyOnlyAuth('hdtest', readFileSync(tb.keys.ed25519.path)),
    policy: { pin: null, knownHosts: parseKnownHosts(`[${web1.host}]:${web1.port} ${web1.hostKeyLine}`) },
  });
  client = c;
});

afterAll(async () => {
  client?.end();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Connects to the tunnel, optionally writes, and collects everything until the peer's FIN. */
function exchange(port: number, payload: Buffer | null, until?: (received: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const sock = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (until?.(Buffer.concat(chunks, size))) {
        sock.destroy();
        resolve(Buffer.concat(chunks, size));
      }
    });
    sock.on('end', () => {
      sock.end();
      resolve(Buffer.concat(chunks, size));
    });
    if (payload) sock.end(payload);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('openTunnel', () => {
  it('carries the MariaDB greeting from the server-side loopback port', async () => {
    const tunnel = await openTunnel(client, { remoteHost: tb.mariadb.host, remotePort: tb.mariadb.port });
    try {
      // MySQL packet: 3-byte length, 1-byte sequence, then the handshake payload.
      const greeting = await exchange(tunnel.localPort, null, (b) => b.length >= 4 && b.length >= 4 + b.readUIntLE(0, 3));
      expect(greeting[3]).toBe(0); // sequence id
      expect(greeting[4]).toBe(10); // protocol version 10
      const version = greeting.subarray(5, greeting.indexOf(0, 5)).toString('latin1');
      expect(version).toContain('MariaDB');
    } finally {
      await tunnel.close();
    }
  });

  it('echoes 8 MB byte-exact and passes the half-close both ways', async () => {
    const echo = net.createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
    const echoPort = await listen(echo);
    const tunnel = await openTunnel(client, { remoteHost: '127.0.0.1', remotePort: echoPort });
    try {
      const payload = randomBytes(8 * 1024 * 1024);
      // The client half-closes after writing; the echo only ends after that FIN came through
      // the channel as EOF, and its FIN comes back as EOF -> end here.
      const [a, b] = await Promise.all([exchange(tunnel.localPort, payload), exchange(tunnel.localPort, payload.subarray(0, 100_001))]);
      expect(a.length).toBe(payload.length);
      expect(sha(a)).toBe(sha(payload));
      expect(b.equals(payload.subarray(0, 100_001))).toBe(true);
    } finally {
      await tunnel.close();
    }
  });

  it('a refused remote port closes the local socket; the tunnel keeps working', async () => {
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    const tunnel = await openTunnel(client, { remoteHost: '127.0.0.1', remotePort: deadPort });
    try {
      // (Writing first would turn the close into a reset, as with `ssh -L`.)
      expect((await exchange(tunnel.localPort, null)).length).toBe(0);
    } finally {
      await tunnel.close();
    }
    const again = await openTunnel(client, { remoteHost: tb.mariadb.host, remotePort: tb.mariadb.port });
    try {
      const greeting = await exchange(again.localPort, null, (b) => b.length > 5);
      expect(greeting[4]).toBe(10);
    } finally {
      await again.close();
    }
  });

  it('close() tears down open connections and frees the port', async () => {
    const echo = net.createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
    const echoPort = await listen(echo);
    const tunnel = await openTunnel(client, { remoteHost: '127.0.0.1', remotePort: echoPort });
    const port = tunnel.localPort;
    const open = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => {
      open.once('data', () => resolve());
      open.write('ping');
    });
    const ended = new Promise<void>((resolve) => open.once('close', () => resolve()));
    open.on('error', () => undefined);
    await tunnel.close();
    await ended;
    // The same port can be bound again, by a new tunnel.
    const reopened = await openTunnel(client, { remoteHost: '127.0.0.1', remotePort: echoPort, localPort: port });
    expect(reopened.localPort).toBe(port);
    await reopened.close();
    // And nobody listens there any more.
    await expect(
      new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port }).once('connect', resolve).once('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
