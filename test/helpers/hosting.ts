// For the hosting tests: a shell on the test server (this machine) and waiting for a queue.
import { execFileSync } from 'node:child_process';
import type { Task } from '../../shared/queue';
import type { TestCore } from './core';

/** Runs a command on the test server; its stdout, or null when it fails. */
export function sh(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** Waits until the server's queue is idle — nothing running, and nothing pending or stopped at a failure; returns the tasks. */
export async function settleQueue(t: Pick<TestCore, 'call'>, serverId: string, timeout = 30_000): Promise<Task[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const { tasks } = await t.call<{ tasks: Task[] }>('queue.list', { serverId });
    const failed = tasks.some((x) => x.status === 'failed');
    if (tasks.every((x) => x.status !== 'running' && (failed || x.status !== 'pending'))) return tasks;
    if (Date.now() > deadline) throw new Error(`queue did not settle: ${tasks.map((x) => `${x.kind}:${x.status}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
