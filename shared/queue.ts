// The per-server task queue's domain (README "Task queue"): ordered, idempotent
// "ensure" tasks; a failed task stops its server's queue until the admin retries, skips or
// cancels. Parameters never hold secrets; the commands shown are the ones that run, with any
// secret masked.
import { z } from 'zod';

export const TaskStatus = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** What stands in for a secret in a task's shown commands. */
export const SECRET_MASK = '••••••';

/** How much of a task's stdout / stderr is kept (the end of it). */
export const TAIL_BYTES = 4096;

export const TaskKindName = z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/, 'Unknown task kind');

export const Task = z.object({
  id: z.string(),
  serverId: z.string(),
  /** Position in the server's queue (increasing; tasks run in this order). */
  seq: z.number().int(),
  kind: z.string(),
  title: z.string(),
  /** The kind's parameters, validated; never secrets. */
  params: z.record(z.string(), z.unknown()),
  /** What runs, for preview and the record (secrets masked). */
  commands: z.array(z.string()),
  status: TaskStatus,
  attempts: z.number().int(),
  exitCode: z.number().int().nullable(),
  stdoutTail: z.string(),
  stderrTail: z.string(),
  enqueuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  ms: z.number().nullable(),
  /** Set when the task failed because its secret (a password) was not held any more: it can be given a new one (queue.retryWithPassword). */
  secretLost: z.literal(true).optional(),
});
export type Task = z.infer<typeof Task>;

export const QueueOverview = z.object({
  serverId: z.string(),
  pending: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
});
export type QueueOverview = z.infer<typeof QueueOverview>;

/** Statuses after which a task never runs again (unless retried, for failed). */
export const FINISHED: readonly TaskStatus[] = ['done', 'skipped', 'cancelled'];
