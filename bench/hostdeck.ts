// A Hostdeck core for a bench, the way the app runs it (plain Node, secrets in memory), with a
// `call` that throws on an error and the health timer kept out of the measured ticks.
import path from 'node:path';
import { createCore, type Core } from '../src-main/core/core';
import { memoryKeychain } from '../src-main/core/secrets/keychain';
import type { BenchContext } from './lib';

export type BenchCall = <T>(method: string, input: unknown) => Promise<T>;

/** A core on `dataDir` (default: the bench's tmpDir/data) reading ~/.ssh from `home`; closed when the bench ends. */
export async function benchCore(ctx: BenchContext, home: string, options: { dataDir?: string; settings?: Record<string, unknown> } = {}): Promise<{ core: Core; call: BenchCall }> {
  const core = await createCore({ dataDir: options.dataDir ?? path.join(ctx.tmpDir, 'data'), homeDir: home, keychain: memoryKeychain('bench'), log: () => undefined });
  ctx.defer(() => core.close());
  const call: BenchCall = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message} ${r.error.details ?? ''}`);
    return r.output as T;
  };
  await call('settings.update', { healthIntervalS: 3600, ...options.settings });
  return { core, call };
}
