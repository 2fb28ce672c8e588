// The shared connection per server against the real sshd: one connection for many users, idle
// close, and a dropped connection coming back by itself (the server-side session process is
// killed, as a network failure or an sshd restart would).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import { exec } from '../../src-main/core/ssh/connect';
import { makeCore, type TestCore } from '../helpers/core';
import { loadTestbed, type TestbedInfo } from '../servers/testbed';

let tb: TestbedInfo;
const cores: TestCore[] = [];
beforeAll(() => {
  tb = loadTestbed();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.core.close()));
});

async function setup(label: string) {
  const t = await makeCore(label, { trust: [tb.ssh.web1] });
  cores.push(t);
  const server = await t.call<Server>('servers.add', {
    name: 'web1',
    host: tb.ssh.web1.host,
    port: tb.ssh.web1.port,
    user: 'hdtest',
    auth: { method: 'key', keyPath: tb.keys.ed25519.path },
    roles: ['web'],
    tags: [],
  });
  const states = () => t.events.filter((e) => e.event === 'ssh.state' && (e.payload as { serverId: string }).serverId === server.id).map((e) => (e.payload as { state: { state: string } }).state.state);
  return { ...t, server, states };
}

describe('one connection per server', () => {
  it('shares one connection between users and closes it after the idle timeout', async () => {
    const { core, call, server, states } = await setup('shared');
    await call('settings.update', { idleCloseS: 1 });
    const manager = core.connections;
    const a = await manager.acquire(server.id);
    const b = await manager.acquire(server.id);
    expect(a.client()).toBe(b.client());
    const [x, y] = await Promise.all([exec(a.client(), 'echo $PPID'), exec(b.client(), 'echo $PPID')]);
    expect(x.stdout).toBe(y.stdout); // the same sshd session process serves both channels
    a.release();
    b.release();
    expect(states()).toEqual(['connecting', 'connected']);
    await expect.poll(() => states().at(-1), { timeout: 5000 }).toBe('idle');
  });

  it('comes back by itself after the server side drops it, and says so', async () => {
    const { core, server, states } = await setup('reconnect');
    const lease = await core.connections.acquire(server.id);
    const reconnected = new Promise((resolve) => lease.onReconnect(resolve));
    const sessionPid = (await exec(lease.client(), 'echo $PPID')).stdout.trim();
    const killer = await core.connections.connectFresh(server.id);
    await exec(killer.client, `kill -9 ${Number(sessionPid)}`);
    killer.close();
    await reconnected;
    expect(states()).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    const retry = core.connections.states()[server.id];
    expect(retry?.state).toBe('connected');
    const again = await exec(lease.client(), 'echo $PPID');
    expect(again.stdout.trim()).not.toBe(sessionPid);
    lease.release();
  });
});

describe('a tunnel on a shared connection', () => {
  it('carries new connections over the new SSH connection after a reconnect', async () => {
    const { core, server } = await setup('tunnel-reconnect');
    const { openTunnel } = await import('../../src-main/core/ssh/tunnel');
    const net = await import('node:net');
    const lease = await core.connections.acquire(server.id);
    const tunnel = await openTunnel(() => lease.ready(), { remoteHost: tb.mariadb.host, remotePort: tb.mariadb.port });
    const greeting = () =>
      new Promise<string>((resolve, reject) => {
        const sock = net.connect(tunnel.localPort, '127.0.0.1');
        sock.once('data', (d) => {
          resolve(d.subarray(5).toString('latin1').split('\0')[0]!);
          sock.destroy();
        });
        sock.once('error', reject);
      });
    expect(await greeting()).toMatch(/MariaDB/);
    const sessionPid = (await exec(lease.client(), 'echo $PPID')).stdout.trim();
    const reconnected = new Promise((resolve) => lease.onReconnect(resolve));
    const killer = await core.connections.connectFresh(server.id);
    await exec(killer.client, `kill -9 ${Number(sessionPid)}`);
    killer.close();
    await reconnected;
    expect(await greeting()).toMatch(/MariaDB/);
    await tunnel.close();
    lease.release();
  });
});
