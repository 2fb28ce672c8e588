// Browser mode for the e2e tests of the queue itself (run with `node --import tsx`): the
// product's core and host, plus what only these tests need — the queue's test task kinds and one
// method of their own, `test.enqueue` (core.queue.enqueue), answered here before the core's
// dispatcher. Nothing of it is in src-*: the app has no generic enqueue.
//   node --import tsx test/helpers/serve-with-test-kinds.ts --data-dir DIR --static-dir dist/renderer
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/errors';
import { createCore, type Core } from '../../src-main/core/core';
import { closeOnSignals, startHost } from '../../src-main/host/server';
import './test-kinds';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'static-dir': { type: 'string' } }, allowPositionals: false });
if (!values['data-dir'] || !values['static-dir']) throw new Error('--data-dir and --static-dir are required');

const core = await createCore({ dataDir: path.resolve(values['data-dir']) });
const withTestEnqueue: Core = {
  ...core,
  call: async (method, input, caller) => {
    if (method !== 'test.enqueue') return core.call(method, input, caller);
    const { serverId, kind, params } = input as { serverId: string; kind: string; params: Record<string, unknown> };
    try {
      return { ok: true, output: { task: core.queue.enqueue(serverId, kind, params) } };
    } catch (error) {
      return { ok: false, error: (error instanceof AppError ? error : new AppError('internal', String(error))).toShape() };
    }
  },
};
const host = await startHost({ core: withTestEnqueue, staticDir: path.resolve(values['static-dir']) });
console.log(`Hostdeck (with the queue's test kinds) is running in browser mode:\n  ${host.url}`);
closeOnSignals(host, core);
