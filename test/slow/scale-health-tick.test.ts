// A health tick over a fleet with servers that never answer: 20 real sshds of the testbed fleet
// and 4 listeners that accept a connection and then say nothing (a host that hangs in the
// handshake), at most 4 checks at once. The tick never runs more checks than its limit per lane,
// the silent servers cost their 10 s connect timeout side by side (about one timeout a tick, not
// one after the other), and from the second tick on they no longer hold up the servers that
// answer. In the `slow` project: it waits for those timeouts.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerHealth } from '../../shared/api/health';
import type { Server } from '../../shared/domain';
import { makeCore, type TestCore } from '../helpers/core';
import { loadTestbed, startFleet } from '../../testbed/testbed';

const FLEET = 20;
const SILENT = 4;
const LIMIT = 4;
/** connect.ts's default: a handshake that does not finish within it fails. */
const CONNECT_TIMEOUT_MS = 10_000;

const listeners: net.Server[] = [];
const sockets = new Set<net.Socket>();
let core: TestCore | undefined;
afterAll(async () => {
  await core?.core.close();
  for (const s of sockets) s.destroy();
  await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))));
});

/** Accepts connections and never sends a byte: ssh2 waits for the server's banner until its timeout. */
async function silentListener(): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  listeners.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/**
 * The most checks running at the same moment, from each result's end (checkedAt) and duration
 * (ms); both are whole milliseconds, so each start is taken 2 ms later (a check that began as
 * another ended may otherwise seem to overlap it).
 */
function mostAtOnce(results: ServerHealth[]): number {
  const edges = results.flatMap((r) => {
    const end = Date.parse(r.checkedAt!);
    return [
      { at: end - r.ms! + 2, d: 1 },
      { at: end, d: -1 },
    ];
  });
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}

describe('a health tick over a fleet with silent servers', () => {
  it('keeps to its limit, pays the silent servers’ timeout side by side, and lets the others through', async () => {
    const tb = loadTestbed();
    const fleet = await startFleet(FLEET);
    const silent = await Promise.all(Array.from({ length: SILENT }, silentListener));
    const keyLine = fleet[0]!.hostKeyLine;
    core = await makeCore('scale-health-tick', { trust: [...fleet, ...silent.map((port) => ({ host: '127.0.0.1', port, hostKeyLine: keyLine }))] });
    const { call } = core;
    await call('settings.update', { healthIntervalS: 3600, healthConcurrency: LIMIT });
    const add = (name: string, host: string, port: number) =>
      call<Server>('servers.add', { name, host, port, user: tb.users.hdtest.name, auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: [], tags: ['scale'] });
    // The silent ones first: a tick takes the inventory in order, so in one shared lane they would
    // take every place for a whole timeout before any other server is checked.
    for (const [i, port] of silent.entries()) await add(`silent-${i + 1}`, '127.0.0.1', port);
    const answering = new Set<string>();
    for (const [i, s] of fleet.entries()) answering.add((await add(`fleet-${i + 1}`, s.host, s.port)).id);

    const tick = async () => {
      const t0 = Date.now();
      const { servers } = await call<{ servers: ServerHealth[] }>('health.checkNow', {});
      return { ms: Date.now() - t0, t0, servers };
    };

    // First tick: nothing is known, the silent servers share the one lane with the others (and hold it up).
    const first = await tick();
    expect(first.servers).toHaveLength(FLEET + SILENT);
    // ok, or a warning from this shared machine's load: either is an answer.
    for (const r of first.servers) expect(answering.has(r.serverId) ? ['ok', 'warn'] : ['down'], r.reason).toContain(r.status);
    expect(mostAtOnce(first.servers)).toBeLessThanOrEqual(LIMIT);
    // One timeout with the 4 silent ones side by side (serially it would be 40 s).
    expect(first.ms).toBeLessThan(2 * CONNECT_TIMEOUT_MS);

    // Second tick: the silent ones wait in their own lane; the others answer as if they were not there.
    const second = await tick();
    const answered = second.servers.filter((r) => answering.has(r.serverId));
    const silentOnes = second.servers.filter((r) => !answering.has(r.serverId));
    for (const r of silentOnes) expect(r.status).toBe('down');
    expect(mostAtOnce(answered)).toBeLessThanOrEqual(LIMIT);
    expect(mostAtOnce(silentOnes)).toBeLessThanOrEqual(LIMIT);
    const lastAnswer = Math.max(...answered.map((r) => Date.parse(r.checkedAt!))) - second.t0;
    console.log(`tick 1 ${first.ms} ms, tick 2 ${second.ms} ms (the ${FLEET} answering servers done after ${lastAnswer} ms)`);
    expect(lastAnswer).toBeLessThan(CONNECT_TIMEOUT_MS / 2);
    expect(second.ms).toBeLessThan(2 * CONNECT_TIMEOUT_MS);
  }, 90_000);
});
