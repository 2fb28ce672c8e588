// The shared connection per server against the real sshd: one connection for many users, idle
// close, and a dropped connection coming back by itself (the server-side session process is
// killed, as a network failure or an sshd restart would).
import { describe, expect, it } from 'vitest';
import { exec } from '../../src-main/core/ssh/connect';
import { coreSuite, dropSession } from '../helpers/core';

const suite = coreSuite();

async function setup(label: string) {
  const t = await suite.web1(label);
  const states = () => t.events.filter((e) => e.event === 'ssh.state' && (e.payload as { serverId: string }).serverId === t.server.id).map((e) => (e.payload as { state: { state: string } }).state.state);
  return { ...t, states };
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
    const sessionPid = await dropSession(core, server.id);
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
    const tunnel = await openTunnel(() => lease.ready(), { remoteHost: suite.tb.mariadb.host, remotePort: suite.tb.mariadb.port });
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
    await dropSession(core, server.id);
    expect(await greeting()).toMatch(/MariaDB/);
    await tunnel.close();
    lease.release();
  });
});
