// A Hostdeck core for integration tests: fresh data dir and home, typed-ish call helpers, and
// a known_hosts that already trusts the given testbed servers.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCore, type Core } from '../../src-main/core/core';
import { knownHostsName } from '../../src-main/core/ssh/host-key';
import type { EventName } from '../../shared/events';
import type { AppErrorShape } from '../../shared/errors';
import { freshDataDir, freshHome } from './env';

export type TestCore = Awaited<ReturnType<typeof makeCore>>;

export async function makeCore(label: string, options: { trust?: { host: string; port: number; hostKeyLine: string }[]; home?: string } = {}) {
  const home = options.home ?? freshHome(label);
  if (options.trust) {
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), options.trust.map((s) => `${knownHostsName(s.host, s.port)} ${s.hostKeyLine}\n`).join(''));
  }
  const dataDir = freshDataDir(label);
  const core: Core = await createCore({ dataDir, homeDir: home, log: () => undefined });
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
