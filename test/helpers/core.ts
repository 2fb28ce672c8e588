// A Hostdeck core for integration tests: fresh data dir and home, typed-ish call helpers, and
// a known_hosts that already trusts the given testbed servers.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { createCore, type Core } from '../../src-main/core/core';
import type { Keychain } from '../../src-main/core/secrets/keychain';
import { knownHostsName } from '../../src-main/core/ssh/host-key';
import { exec } from '../../src-main/core/ssh/connect';
import type { Server } from '../../shared/domain';
import type { EventName } from '../../shared/events';
import type { AppErrorShape } from '../../shared/errors';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import { freshDataDir, freshHome } from './env';
import { registerCallSecrets, registerResultSecrets } from './secrets';

export type TestCore = Awaited<ReturnType<typeof makeCore>>;

export async function makeCore(label: string, options: { trust?: { host: string; port: number; hostKeyLine: string }[]; home?: string; keychain?: Keychain } = {}) {
  const home = options.home ?? freshHome(label);
  if (options.trust) {
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), options.trust.map((s) => `${knownHostsName(s.host, s.port)} ${s.hostKeyLine}\n`).join(''));
  }
  const dataDir = freshDataDir(label);
  const core = registeringSecrets(await createCore({ dataDir, homeDir: home, keychain: options.keychain, log: () => undefined }));
  const events: { event: EventName; payload: unknown }[] = [];
  core.subscribe((event, payload) => events.push({ event, payload }));
  const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { shape: r.error });
    return r.output as T;
  };
  const fail = async (method: string, input: unknown): Promise<AppErrorShape> => {
    const r = await core.call(method, input);
    if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
    return r.error;
  };
  return { core, call, fail, events, dataDir, home };
}

/**
 * The core, its calls' secrets registered for the final scan (registerCallSecrets) on the way in
 * and the ones it returns (a generated password) on the way out: every test's calls pass here.
 */
export function registeringSecrets(core: Core): Core {
  return {
    ...core,
    call: async (method, input, caller) => {
      registerCallSecrets('core', method, input);
      const result = await core.call(method, input, caller);
      if (result.ok) registerResultSecrets('core', method, result.output);
      return result;
    },
  };
}

/**
 * An integration test file's cores: registers beforeAll (load the testbed) and afterEach (close
 * every core it made). Call it at the top level of the file.
 */
export function coreSuite() {
  let tb: TestbedInfo | undefined;
  const cores: TestCore[] = [];
  beforeAll(() => {
    tb = loadTestbed();
  });
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((c) => c.core.close()));
  });
  const suite = {
    /** The testbed (set once beforeAll has run). */
    get tb(): TestbedInfo {
      if (!tb) throw new Error('coreSuite: the testbed is loaded in beforeAll');
      return tb;
    },
    /** makeCore, closed after the test. */
    async core(label: string, options?: Parameters<typeof makeCore>[1]): Promise<TestCore> {
      const t = await makeCore(label, options);
      cores.push(t);
      return t;
    },
    /** A core (closed after the test) trusting web1, with web1 added: key login, role web. */
    async web1(label: string, user = 'hdtest') {
      const t = await suite.core(label, { trust: [suite.tb.ssh.web1] });
      return { ...t, server: await addWeb1(t, user) };
    },
  };
  return suite;
}

/**
 * Drops a server's shared SSH connection from the server side (kills the sshd session process
 * serving it, as a network failure or an sshd restart would) and waits until Hostdeck has
 * reconnected by itself. Returns the killed session's pid.
 */
export async function dropSession(core: Core, serverId: string): Promise<string> {
  const lease = await core.connections.acquire(serverId);
  try {
    const reconnected = new Promise((resolve) => lease.onReconnect(resolve));
    const sessionPid = (await exec(lease.client(), 'echo $PPID')).stdout.trim();
    const killer = await core.connections.connectFresh(serverId);
    await exec(killer.client, `kill -9 ${Number(sessionPid)}`);
    killer.close();
    await reconnected;
    return sessionPid;
  } finally {
    lease.release();
  }
}

/** Adds the testbed's web1 to a core: key login as `user`, role web. */
export function addWeb1(t: Pick<TestCore, 'call'>, user = 'hdtest'): Promise<Server> {
  const tb = loadTestbed();
  return t.call<Server>('servers.add', {
    name: 'web1',
    host: tb.ssh.web1.host,
    port: tb.ssh.web1.port,
    user,
    auth: { method: 'key', keyPath: tb.keys.ed25519.path },
    roles: ['web'],
    tags: [],
  });
}
