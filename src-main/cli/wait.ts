// Waiting for queued tasks: until each is done or failed (or skipped/cancelled by someone), or
// stuck behind a failed task of its server's queue (which stops that queue until an admin
// answers). The queue runs in this process while it waits, or in the app if that holds the
// server's queue; either way the journals tell.
import type { Task, TaskStatus } from '../../shared/queue';
import type { Server } from '../../shared/domain';
import type { Out } from './output';
import { EXIT_FAILED, EXIT_REFUSED, type Session } from './session';

const POLL_MS = 500;

/** refused: a task left the queue unfinished — in team mode, the team database refused to queue it (this login's role may not). */
export type Waited = { tasks: Task[]; failed: boolean; refused: boolean };

/** Exit code of a wait: 3 when the team database refused a task, 1 when one failed or is blocked, else 0. */
export const exitOf = (w: Waited): number => (w.refused ? EXIT_REFUSED : w.failed ? EXIT_FAILED : 0);

export async function waitForTasks(s: Session, tasks: readonly Task[], out: Out): Promise<Waited> {
  const names = new Map((await s.servers()).map((x: Server) => [x.id, x.name]));
  const wanted = new Map(tasks.map((t) => [t.id, t]));
  const said = new Map<string, TaskStatus | 'blocked' | 'refused'>();
  const say = (t: Task, state: TaskStatus | 'blocked' | 'refused', extra = '') => {
    if (said.get(t.id) === state) return;
    said.set(t.id, state);
    out.progress(`[${names.get(t.serverId) ?? t.serverId}] ${t.title}: ${state}${extra}`);
  };
  for (const t of tasks) say(t, t.status);
  const serverIds = [...new Set(tasks.map((t) => t.serverId))];
  let refused = false;
  for (;;) {
    const now: Task[] = [];
    let open = false;
    for (const serverId of serverIds) {
      const queue = await s.call<{ tasks: Task[] }>('queue.list', { serverId });
      for (const t of [...wanted.values()].filter((w) => w.serverId === serverId && !queue.tasks.some((x) => x.id === w.id))) {
        refused = true;
        say(t, 'refused', " (not queued: the team database refused it — this login's role may not queue such a task)");
      }
      const failedAhead = (t: Task) => queue.tasks.find((o) => o.status === 'failed' && o.seq < t.seq && !wanted.has(o.id));
      for (const t of queue.tasks.filter((x) => wanted.has(x.id))) {
        now.push(t);
        const blocker = t.status === 'pending' ? failedAhead(t) : undefined;
        if (blocker) say(t, 'blocked', ` (the queue stopped at the failed task "${blocker.title}": retry, skip or cancel it)`);
        else if (t.status === 'failed') say(t, 'failed', `${t.exitCode === null ? '' : ` (exit ${t.exitCode})`}${t.stderrTail.trim() ? `\n${indent(t.stderrTail.trim())}` : ''}`);
        else say(t, t.status, t.status === 'done' && t.ms !== null ? ` in ${(t.ms / 1000).toFixed(1)} s` : '');
        if (!blocker && (t.status === 'pending' || t.status === 'running')) open = true;
      }
    }
    if (!open) return { tasks: now, failed: now.some((t) => t.status !== 'done' && t.status !== 'skipped' && t.status !== 'cancelled') || now.length < wanted.size, refused };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(-10)
    .map((l) => `    ${l}`)
    .join('\n');
}
