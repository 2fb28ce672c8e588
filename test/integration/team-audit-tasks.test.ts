// Queue task outcomes in the audit, through the real queue on web1: each task once with its id,
// server, kind, title and status (done, failed, skipped, cancelled), and the chain verifies.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditVerdict } from '../../shared/api/db';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import '../helpers/test-kinds';

const suite = coreSuite();

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('task outcomes in the audit', () => {
  it('records every task once as it ends, chained', async () => {
    const t = await suite.web1('audit-tasks');
    const file = `/tmp/hd-audit-${randomUUID().slice(0, 8)}.txt`;
    const ok = t.core.queue.enqueue(t.server.id, 'ensure-line', { path: file, line: 'one' });
    const failing = t.core.queue.enqueue(t.server.id, 'fail-unless-file', { path: `/tmp/hd-missing-${randomUUID().slice(0, 8)}` });
    const behind = t.core.queue.enqueue(t.server.id, 'ensure-line', { path: file, line: 'two' });
    await until(() => t.call<{ tasks: Task[] }>('queue.list', { serverId: t.server.id }), (l) => l.tasks.some((x) => x.id === failing.id && x.status === 'failed'));
    await t.call('queue.cancel', { serverId: t.server.id, taskId: behind.id });
    await t.call('queue.skip', { serverId: t.server.id, taskId: failing.id });

    const audit = await t.call<AuditEntry[]>('db.audit', { serverId: t.server.id, limit: 100 });
    const tasks = audit.filter((e) => e.task).reverse();
    expect(tasks.map((e) => [e.task!.id, e.task!.kind, e.task!.status, e.serverName, e.statement])).toEqual([
      [ok.id, 'ensure-line', 'done', 'web1', ok.title],
      [failing.id, 'fail-unless-file', 'failed', 'web1', failing.title],
      [behind.id, 'ensure-line', 'cancelled', 'web1', behind.title],
      [failing.id, 'fail-unless-file', 'skipped', 'web1', failing.title],
    ]);
    expect(tasks[1]!.error).toMatch(/^exit 1: missing: /);
    expect(tasks.every((e) => e.hash && e.prev && e.seq)).toBe(true);
    expect(await t.call<AuditVerdict>('db.verifyAudit', {})).toEqual({ verified: 4, beforeChain: 0, torn: 0, broken: null });
  });
});
