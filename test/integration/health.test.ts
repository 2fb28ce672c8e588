// Health checks against the real testbed: web1 is "a web server" whose nginx is the testbed's
// (same machine); stopping that nginx makes it down, naming nginx; starting it makes it ok
// again. Health never contacts a server whose key is not confirmed, never prompts, reuses its
// connection and its probe shell between ticks (a new shell when that one was killed), checks a
// server that refuses sessions or forces nologin as a plain exec would, and keeps the history of
// changes across a restart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HealthChange, HealthStatus, ServerHealth } from '../../shared/api/health';
import type { Server } from '../../shared/domain';
import { createCore } from '../../src-main/core/core';
import { makeCore } from '../helpers/core';
import { loadTestbed, startFleet, withNginxStopped, type TestbedInfo } from '../../testbed/testbed';
import { fleetListenerPid, startOddSshd } from '../../testbed/fleet';
import { cmdline, descendants } from '../../testbed/util';

let tb: TestbedInfo;
const cores: { close(): Promise<void> }[] = [];
beforeAll(() => {
  tb = loadTestbed();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

async function setup(label: string, options: Parameters<typeof makeCore>[1] = { trust: [tb.ssh.web1] }) {
  const t = await makeCore(label, options);
  cores.push(t.core);
  const check = async (serverId?: string) => (await t.call<{ servers: ServerHealth[] }>('health.checkNow', serverId ? { serverId } : {})).servers;
  const changes = () => t.events.filter((e) => e.event === 'health.changed').map((e) => e.payload as { health: ServerHealth; change?: HealthChange });
  const statesOf = (id: string) => t.events.filter((e) => e.event === 'ssh.state' && (e.payload as { serverId: string }).serverId === id).map((e) => (e.payload as { state: { state: string } }).state.state);
  return { ...t, check, changes, statesOf };
}

// This machine is shared by parallel tests and runs every daemon: its load may pass 2× its
// CPUs at any moment, which is a warn. Disk and memory are far from their limits here, so
// "up" is ok or a load warning, and histories are compared with warn read as ok (the extra
// ok <-> warn changes left out).
const LOAD = /^Load [\d.]+ is over 2× its \d+ CPUs?\.$/;
const up = (h: Pick<ServerHealth, 'status' | 'reason'>) => h.status === 'ok' || (h.status === 'warn' && LOAD.test(h.reason));
const norm = (s: HealthStatus) => (s === 'warn' ? 'ok' : s);
const downChanges = (history: HealthChange[]) => history.filter((h) => norm(h.from) !== norm(h.to)).map((h) => [norm(h.from), norm(h.to), h.to === 'down' ? h.reason : up({ status: h.to, reason: h.reason }) ? 'up' : h.reason]);

const keyServer = (name: string, at: { host: string; port: number }, roles: string[] = ['web']) => ({
  name,
  host: at.host,
  port: at.port,
  user: 'hdtest',
  auth: { method: 'key', keyPath: tb.keys.ed25519.path },
  roles,
  tags: [],
});

describe('health', () => {
  it('a web server is ok while nginx runs, down naming nginx when it stops, ok again when it starts', async () => {
    const { call, check, changes, statesOf, dataDir } = await setup('health-nginx');
    const server = await call<Server>('servers.add', keyServer('web1', tb.ssh.web1));

    const [first] = await check(server.id);
    expect(first!.serverId).toBe(server.id);
    expect(up(first!), first!.reason).toBe(true);
    expect(first!.cpus).toBeGreaterThan(0);
    expect(first!.load).toEqual({ one: expect.any(Number), five: expect.any(Number), fifteen: expect.any(Number) });
    expect(first!.memory!.availableKb).toBeGreaterThan(0);
    expect(first!.disks.map((d) => d.mount)).toContain('/');
    expect(first!.services.find((s) => s.name === 'nginx')).toEqual({ name: 'nginx', expected: true, running: true });

    await withNginxStopped(async () => {
      const [down] = await check(server.id);
      expect(down).toMatchObject({ status: 'down', reason: 'nginx is not running.' });
      expect(down!.services.find((s) => s.name === 'nginx')).toEqual({ name: 'nginx', expected: true, running: false });
    });
    const [again] = await check(server.id);
    expect(up(again!), again!.reason).toBe(true);

    // Three checks, one connection: the lease is kept between ticks.
    expect(statesOf(server.id)).toEqual(['connecting', 'connected']);
    const seen = changes().flatMap((c) => (c.change ? [c.change] : []));
    expect(seen.every((c) => c.to !== 'warn' || LOAD.test(c.reason))).toBe(true);
    expect(downChanges(seen)).toEqual([
      ['ok', 'down', 'nginx is not running.'],
      ['down', 'ok', 'up'],
    ]);
    const { history } = await call<{ history: HealthChange[] }>('health.get', {});
    expect(history).toEqual(seen);
    expect(new Set(history.map((h) => h.serverName))).toEqual(new Set(['web1']));

    // The history survives a restart (and holds nothing but ids, names, statuses, reasons).
    const file = readFileSync(path.join(dataDir, 'health-history.jsonl'), 'utf8').trim().split('\n');
    expect(file.map((l) => JSON.parse(l))).toEqual(history);
    expect(new Set(file.map((l) => Object.keys(JSON.parse(l)).sort().join()))).toEqual(new Set(['at,from,reason,serverId,serverName,to']));
  });

  it('keeps the history across a restart and carries on from the last status', async () => {
    const { call, check, core, dataDir, home } = await setup('health-restart');
    const server = await call<Server>('servers.add', keyServer('web1', tb.ssh.web1));
    await check(server.id);
    await withNginxStopped(() => check(server.id));
    await core.close();

    const again = await createCore({ dataDir, homeDir: home, log: () => undefined });
    cores.push(again);
    const get = async () => {
      const r = await again.call('health.get', {});
      if (!r.ok) throw new Error(r.error.message);
      return r.output as { servers: ServerHealth[]; history: HealthChange[] };
    };
    // Back up after the restart: a change from where the last run left it.
    const r = await again.call('health.checkNow', { serverId: server.id });
    expect(r.ok && up((r.output as { servers: ServerHealth[] }).servers[0]!)).toBe(true);
    expect(downChanges((await get()).history)).toEqual([
      ['ok', 'down', 'nginx is not running.'],
      ['down', 'ok', 'up'],
    ]);
  });

  it('does not contact a server whose host key is not confirmed yet, and checks it once it is', async () => {
    const { call, check, statesOf, events } = await setup('health-unconfirmed', {});
    const server = await call<Server>('servers.add', keyServer('web1', tb.ssh.web1, []));
    const [before] = await check(server.id);
    expect(before).toMatchObject({ status: 'unknown', reason: 'Host key not yet confirmed; test the connection to confirm it.', checkedAt: expect.any(String) });
    expect(statesOf(server.id)).toEqual([]);
    expect(events.some((e) => e.event === 'ssh.prompt')).toBe(false);

    const tested = await call<{ hostKey: { fingerprint: string } }>('servers.test', { id: server.id });
    await call('servers.trustHostKey', { id: server.id, fingerprint: tested.hostKey.fingerprint });
    const [after] = await check(server.id);
    expect(up(after!), after!.reason).toBe(true);
  });

  it('never prompts: keyboard-interactive is not tried, a second factor asked mid-login is not answered, and not asked again', async () => {
    const { call, check, statesOf, events } = await setup('health-prompts', { trust: [tb.ssh.kbdint, tb.ssh.keypw] });
    const kbd = await call<Server>('servers.add', { ...keyServer('kbd', tb.ssh.kbdint, []), auth: { method: 'keyboard-interactive' } });
    const keypw = await call<Server>('servers.add', keyServer('keypw', tb.ssh.keypw, []));

    const results = await check();
    const login = 'Needs an interactive login (a password or code typed in); health is checked while you are logged in, e.g. in a terminal.';
    expect(results.map((r) => [r.serverId, r.status, r.reason])).toEqual([
      [kbd.id, 'unknown', login],
      [keypw.id, 'unknown', login],
    ]);
    expect(statesOf(kbd.id)).toEqual([]); // known up front: not even connected
    expect(statesOf(keypw.id)).toEqual(['connecting', 'failed']); // found out mid-login
    expect(events.some((e) => e.event === 'ssh.prompt')).toBe(false);

    await check();
    expect(statesOf(keypw.id)).toEqual(['connecting', 'failed']); // not tried again
    expect(events.some((e) => e.event === 'ssh.prompt')).toBe(false);
  });

  it('keeps one probe shell on the connection across checks, and opens a new one when it was killed', async () => {
    // Fleet instance 1: every process under its listener is this test's connection.
    const [instance] = await startFleet(1);
    const listener = fleetListenerPid(1)!;
    const shells = () => descendants(listener).filter((pid) => cmdline(pid) === '/bin/sh');
    const { call, check, statesOf } = await setup('health-probe', { trust: [instance!] });
    const server = await call<Server>('servers.add', keyServer('fleet-1', instance!, []));

    for (let i = 0; i < 3; i++) {
      const [r] = await check(server.id);
      expect(up(r!), r!.reason).toBe(true);
    }
    const [shell] = shells();
    expect(shells()).toEqual([shell]);
    const [again] = await check(server.id);
    expect(up(again!), again!.reason).toBe(true);
    expect(shells()).toEqual([shell]);

    process.kill(shell!, 'SIGKILL');
    const [after] = await check(server.id);
    expect(up(after!), after!.reason).toBe(true);
    expect(after!.memory!.availableKb).toBeGreaterThan(0);
    expect(shells()).toHaveLength(1);
    expect(shells()).not.toEqual([shell]);
    expect(statesOf(server.id)).toEqual(['connecting', 'connected']); // the same connection throughout
  });

  it('checks a server that refuses sessions or forces nologin as a plain command would: down (refused) and unknown (no answer to the script)', async () => {
    const noSessions = await startOddSshd('no-sessions');
    const nologin = await startOddSshd('nologin');
    const { call, check } = await setup('health-odd', { trust: [noSessions, nologin] });
    const refused = await call<Server>('servers.add', keyServer('no-sessions', noSessions, []));
    const locked = await call<Server>('servers.add', keyServer('nologin', nologin, []));
    for (let i = 0; i < 2; i++) {
      const [r] = await check(refused.id);
      expect(r).toMatchObject({ status: 'down', reason: 'The server refused to run a command.' });
      const [l] = await check(locked.id);
      expect(l).toMatchObject({ status: 'unknown', reason: 'The check script did not run to its end; is this a Linux server with a POSIX sh?' });
    }
  });

  it('says why a server is down when it cannot be reached', async () => {
    const closed = { host: tb.ssh.web1.host, port: 2299, hostKeyLine: tb.ssh.web1.hostKeyLine };
    const { call, check } = await setup('health-refused', { trust: [closed] });
    const server = await call<Server>('servers.add', keyServer('nowhere', closed));
    const [r] = await check(server.id);
    expect(r).toMatchObject({ status: 'down', reason: `${closed.host}:2299 refused the connection; is sshd running on that port?` });
  });

  it('lets the connection go when the server is removed', async () => {
    const { call, check, statesOf } = await setup('health-remove');
    await call('settings.update', { idleCloseS: 1 });
    const server = await call<Server>('servers.add', keyServer('web1', tb.ssh.web1));
    await check(server.id);
    expect(statesOf(server.id)).toEqual(['connecting', 'connected']);
    await call('servers.remove', { id: server.id });
    await expect.poll(() => statesOf(server.id).at(-1), { timeout: 5000 }).toBe('idle');
    expect((await call<{ servers: ServerHealth[] }>('health.get', {})).servers).toEqual([]);
  });

  it('ticks by itself on the interval setting', async () => {
    const { call, changes } = await setup('health-tick');
    const server = await call<Server>('servers.add', keyServer('web1', tb.ssh.web1));
    await call('settings.update', { healthIntervalS: 5 });
    const t0 = Date.now();
    await expect.poll(() => changes().some((c) => c.health.serverId === server.id), { timeout: 8000, interval: 100 }).toBe(true);
    expect(Date.now() - t0).toBeGreaterThan(4000);
    expect(up(changes().find((c) => c.health.serverId === server.id)!.health)).toBe(true);
  });
});
